//! Reference solution: `async_comprehension`.

use async_generator::async_generator;
use futures::StreamExt;

/// Collects the 10 numbers of `async_generator()`.
pub async fn async_comprehension() -> Vec<f64> {
    // Python's `[i async for i in async_generator()]`: `collect` polls the
    // stream to its end, one value at a time.
    async_generator().collect().await
}
