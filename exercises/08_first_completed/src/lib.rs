//! Exercise 08: `first_completed`. The task is in `README.md`; run the
//! checks with `cargo test -p first_completed`.

use std::time::Duration;

/// Starts `wait_random::wait_random(max_delay)` `n` times at once and
/// returns the first delay to complete, the moment it completes, cancelling
/// the other waits; `None` for `n == 0`.
pub async fn first_completed(n: usize, max_delay: Duration) -> Option<Duration> {
    todo!("race {n} calls of wait_random({max_delay:?}) and keep the first")
}
