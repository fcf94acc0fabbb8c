//! Reference solution: `measure_runtime`.

use std::time::Duration;

use async_comprehension::async_comprehension;
use tokio::time::Instant;

/// Runs `async_comprehension()` four times concurrently and returns how long
/// that took by the runtime's clock.
pub async fn measure_runtime() -> Duration {
    let start = Instant::now();
    // `join!` polls all four together: each spends its 10 s waiting, and the
    // waits overlap, so the total is about 10 s, not 40 s.
    tokio::join!(
        async_comprehension(),
        async_comprehension(),
        async_comprehension(),
        async_comprehension(),
    );
    start.elapsed()
}
