//! Exercise 04: `task_wait_n`. The task is in `README.md`; run the checks
//! with `cargo test -p task_wait_n`.

use std::time::Duration;

/// `wait_n`, but every wait is a task made by
/// `task_wait_random::task_wait_random(max_delay)`.
pub async fn task_wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {
    todo!("run task_wait_random({max_delay:?}) {n} times concurrently")
}
