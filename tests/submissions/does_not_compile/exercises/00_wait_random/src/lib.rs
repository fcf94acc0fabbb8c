//! Forgets a closing parenthesis.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(max_delay: Duration) -> Duration {
    tokio::time::sleep(max_delay / 2.await;
    max_delay / 2
}
