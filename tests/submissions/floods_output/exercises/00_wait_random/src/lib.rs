//! Prints 200 MB before answering.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(max_delay: Duration) -> Duration {
    use std::io::Write;
    let line = [b'x'; 1023];
    let mut out = std::io::stdout().lock();
    for _ in 0..200 * 1024 {
        let _ = out.write_all(&line);
        let _ = out.write_all(b"\n");
    }
    max_delay / 2
}
