//! Reference solution: `wait_random`.

use std::time::Duration;

use rand::Rng;

/// The delay limit Python's `wait_random()` uses when called without one.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

/// Waits a random delay between zero and `max_delay` (both included)
/// without blocking the thread, and returns the delay it waited.
pub async fn wait_random(max_delay: Duration) -> Duration {
    // `..=` makes the range inclusive, like Python's random.uniform(0, max):
    // `0.0..=0.0` is valid and yields 0, where `0.0..0.0` would panic.
    // The generator is a temporary, dropped before the `.await`: a
    // `ThreadRng` kept across an await would make this future `!Send`, and
    // task_wait_random could not spawn it.
    let delay = rand::rng().random_range(0.0..=max_delay.as_secs_f64());
    let delay = Duration::from_secs_f64(delay);
    // `tokio::time::sleep` yields to the runtime while it waits;
    // `std::thread::sleep` would block every other task on this thread.
    tokio::time::sleep(delay).await;
    delay
}
