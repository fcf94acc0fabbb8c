//! Exercise 02: `measure_time`. The task is in `README.md`; run the checks
//! with `cargo test -p measure_time`.

use std::time::Duration;

/// Measures how long `wait_n::wait_n(n, max_delay)` takes by the runtime's
/// clock and returns that total divided by `n`.
pub async fn measure_time(n: usize, max_delay: Duration) -> Duration {
    todo!("time wait_n({n}, {max_delay:?}) and return the total / n")
}
