//! Reference solution: `async_generator`.

use std::time::Duration;

use futures::Stream;
use rand::Rng;

/// A stream of 10 random numbers in `[0, 10]`; before each one it waits
/// 1 second, counted from when that number is asked for.
pub fn async_generator() -> impl Stream<Item = f64> {
    // `stream!` is Rust's `async def` with `yield`: nothing runs until the
    // stream is polled, and each `yield` suspends until the next value is
    // requested, so each 1 s wait starts when its value is asked for.
    async_stream::stream! {
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            // Draw in a statement of its own: `yield` suspends like an
            // `.await`, and a `ThreadRng` still alive there (as a temporary
            // in `yield rand::rng()...` would be) makes the stream `!Send`.
            let value = rand::rng().random_range(0.0..=10.0);
            yield value;
        }
    }
}
