//! Exercise 07: `measure_runtime`. The task is in `README.md`; run the
//! checks with `cargo test -p measure_runtime`.

use std::time::Duration;

/// Runs `async_comprehension::async_comprehension()` four times
/// concurrently and returns how long that took by the runtime's clock.
pub async fn measure_runtime() -> Duration {
    todo!("run async_comprehension() four times concurrently and time it")
}
