//! Aborts the process.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(_max_delay: Duration) -> Duration {
    std::process::abort()
}
