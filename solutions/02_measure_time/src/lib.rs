//! Reference solution: `measure_time`.

use std::time::Duration;

use tokio::time::Instant;
use wait_n::wait_n;

/// Measures how long `wait_n(n, max_delay)` takes by the runtime's clock and
/// returns that total divided by `n` (zero when `n` is zero).
pub async fn measure_time(n: usize, max_delay: Duration) -> Duration {
    // `tokio::time::Instant` follows the runtime's clock, which tests can
    // pause and fast-forward; `std::time::Instant` would only see real time.
    let start = Instant::now();
    wait_n(n, max_delay).await;
    let total = start.elapsed();
    // `Duration / 0` panics; an average of no waits is zero.
    match u32::try_from(n) {
        Ok(0) => Duration::ZERO,
        Ok(n) => total / n,
        Err(_) => total.div_f64(n as f64),
    }
}
