//! Exercise 12: `RateLimiter`. The task is in `README.md`; run the checks
//! with `cargo test -p rate_limiter`.

use std::num::NonZeroU32;

/// A token bucket: starts with `rate` tokens, refills at `rate` tokens per
/// second, holds at most `rate`.
pub struct RateLimiter {
    // TODO: what the limiter needs to remember.
}

impl RateLimiter {
    /// A limiter allowing `rate` acquisitions per second.
    pub fn new(rate: NonZeroU32) -> RateLimiter {
        todo!("a limiter of {rate} per second")
    }

    /// Takes a token, waiting exactly until one is due; callers are served
    /// in the order they called.
    pub async fn acquire(&self) {
        todo!("take a token")
    }
}
