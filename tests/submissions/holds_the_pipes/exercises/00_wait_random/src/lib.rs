//! Attack: outlast the child. Starts a grandchild in a process group of its
//! own that sleeps an hour holding the child's stdout and stderr, so that a
//! grader waiting for the pipes to close waits for ever; then solves the
//! exercise correctly.
//! Must not: outlast its grading. No grandchild can start; otherwise
//! correct, it is graded on its merits: passed.
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::Once;
use std::time::Duration;

use rand::Rng;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

fn attack() {
    for sleep in ["sleep", "/bin/sleep", "/usr/bin/sleep"] {
        let _ = Command::new(sleep)
            .arg("3600")
            .process_group(0)
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn();
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
