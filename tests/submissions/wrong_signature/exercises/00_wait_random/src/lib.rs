//! Takes seconds as f64 instead of a Duration.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(max_delay: f64) -> f64 {
    tokio::time::sleep(Duration::from_secs_f64(max_delay / 2.0)).await;
    max_delay / 2.0
}
