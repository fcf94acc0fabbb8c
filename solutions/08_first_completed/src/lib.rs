//! Reference solution: `first_completed`.

use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use wait_random::wait_random;

/// Starts `wait_random(max_delay)` `n` times at once and returns the first
/// delay to complete, the moment it completes; the other waits are
/// cancelled then. `None` for `n == 0`.
pub async fn first_completed(n: usize, max_delay: Duration) -> Option<Duration> {
    // All n futures are created first and polled together, so the waits run
    // concurrently; `next()` yields the first one to complete.
    let mut waits: FuturesUnordered<_> = (0..n).map(|_| wait_random(max_delay)).collect();
    // An empty FuturesUnordered yields `None` at once: that is n == 0.
    //
    // Returning drops `waits`, and with it every wait still running: a
    // future that is dropped never runs again. That is Rust's cancellation,
    // and it happens the moment the first one completed (Python's
    // `asyncio.wait` leaves the pending tasks running until you cancel them).
    waits.next().await
}
