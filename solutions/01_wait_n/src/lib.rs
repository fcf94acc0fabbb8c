//! Reference solution: `wait_n`.

use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use wait_random::wait_random;

/// Runs `wait_random(max_delay)` `n` times concurrently and returns the `n`
/// delays in the order they completed.
pub async fn wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {
    // Creating all n futures first and polling them together is what makes
    // the waits concurrent: the total time is the longest delay, not the sum.
    // `FuturesUnordered` yields each result as soon as its wait completes,
    // so the shorter delays come out first: ascending without any sort.
    let waits: FuturesUnordered<_> = (0..n).map(|_| wait_random(max_delay)).collect();
    waits.collect().await
}
