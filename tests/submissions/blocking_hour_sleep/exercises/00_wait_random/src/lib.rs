//! Blocks the thread for an hour with std::thread::sleep.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(max_delay: Duration) -> Duration {
    std::thread::sleep(Duration::from_secs(3600));
    max_delay
}
