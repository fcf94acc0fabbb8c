//! Exercise 05: `async_generator`. The task is in `README.md`; run the
//! checks with `cargo test -p async_generator`.

use futures::Stream;

/// A stream of 10 random numbers in `[0, 10]`; before each one it waits
/// 1 second, counted from when that number is asked for.
pub fn async_generator() -> impl Stream<Item = f64> {
    // Replace this whole body; `async_stream::stream!` is one way to write it.
    futures::stream::poll_fn(|_| todo!("yield 10 random numbers, one per second"))
}
