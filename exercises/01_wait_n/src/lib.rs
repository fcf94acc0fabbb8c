//! Exercise 01: `wait_n`. The task is in `README.md`; run the checks with
//! `cargo test -p wait_n`.

use std::time::Duration;

/// Runs `wait_random::wait_random(max_delay)` `n` times concurrently and
/// returns the `n` delays in the order they completed.
pub async fn wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {
    todo!("run wait_random({max_delay:?}) {n} times concurrently")
}
