//! Exercise 06: `async_comprehension`. The task is in `README.md`; run the
//! checks with `cargo test -p async_comprehension`.

/// Collects the 10 numbers of `async_generator::async_generator()`.
pub async fn async_comprehension() -> Vec<f64> {
    todo!("collect the numbers async_generator() yields")
}
