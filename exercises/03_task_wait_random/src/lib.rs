//! Exercise 03: `task_wait_random`. The task is in `README.md`; run the
//! checks with `cargo test -p task_wait_random`.

use std::time::Duration;

use tokio::task::JoinHandle;

/// Spawns `wait_random::wait_random(max_delay)` as a task on the current
/// runtime and returns its handle. Not `async`: it only starts the work.
pub fn task_wait_random(max_delay: Duration) -> JoinHandle<Duration> {
    todo!("spawn wait_random({max_delay:?}) and return its JoinHandle")
}
