//! Exercise 00: `wait_random`. The task is in `README.md`; run the checks
//! with `cargo test -p wait_random`.

use std::time::Duration;

/// The delay limit Python's `wait_random()` uses when called without one.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

/// Waits a random delay between zero and `max_delay` (both included)
/// without blocking the thread, and returns the delay it waited.
pub async fn wait_random(max_delay: Duration) -> Duration {
    todo!("wait a random delay in [0, {max_delay:?}] and return it")
}
