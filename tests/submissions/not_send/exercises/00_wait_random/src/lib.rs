//! Keeps rand::rng() alive across an .await, so the future is not Send.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

use rand::Rng;

pub async fn wait_random(max_delay: Duration) -> Duration {
    let mut rng = rand::rng();
    let delay = Duration::from_secs_f64(rng.random_range(0.0..=max_delay.as_secs_f64()));
    tokio::time::sleep(delay).await;
    let _again: f64 = rng.random();
    delay
}
