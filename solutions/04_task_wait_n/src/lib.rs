//! Reference solution: `task_wait_n`.

use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use task_wait_random::task_wait_random;

/// `wait_n`, but every wait is a task made by `task_wait_random(max_delay)`.
pub async fn task_wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {
    // Every task is already running once spawned; FuturesUnordered hands
    // back each handle's result as its task finishes.
    let tasks: FuturesUnordered<_> = (0..n).map(|_| task_wait_random(max_delay)).collect();
    tasks
        .map(|joined| joined.expect("a wait_random task panicked"))
        .collect()
        .await
}
