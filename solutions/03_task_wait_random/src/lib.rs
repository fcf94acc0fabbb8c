//! Reference solution: `task_wait_random`.

use std::time::Duration;

use tokio::task::JoinHandle;
use wait_random::wait_random;

/// Spawns `wait_random(max_delay)` as a task on the current runtime and
/// returns its handle.
pub fn task_wait_random(max_delay: Duration) -> JoinHandle<Duration> {
    // Like asyncio.create_task: the task starts running now, whether or not
    // anyone awaits the handle. Awaiting it later yields the delay.
    tokio::spawn(wait_random(max_delay))
}
