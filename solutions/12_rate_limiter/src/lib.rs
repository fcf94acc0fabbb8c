//! Reference solution: `RateLimiter`.

use std::num::NonZeroU32;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A token bucket: starts with `rate` tokens, refills continuously at
/// `rate` tokens per second, holds at most `rate`.
pub struct RateLimiter {
    rate: f64,
    // tokio's Mutex, not std's: it is held across the `.await` below, and
    // it queues waiters fairly, first come first served.
    bucket: Mutex<Bucket>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    /// Adds the tokens earned since the last update, up to `rate`.
    fn refill(&mut self, rate: f64) {
        let now = Instant::now();
        let earned = now.duration_since(self.updated).as_secs_f64() * rate;
        self.tokens = (self.tokens + earned).min(rate);
        self.updated = now;
    }
}

impl RateLimiter {
    /// A limiter allowing `rate` acquisitions per second.
    pub fn new(rate: NonZeroU32) -> RateLimiter {
        let rate = f64::from(rate.get());
        RateLimiter {
            rate,
            bucket: Mutex::new(Bucket {
                tokens: rate,
                updated: Instant::now(),
            }),
        }
    }

    /// Takes a token, waiting exactly until one is due.
    pub async fn acquire(&self) {
        // Holding the lock while waiting makes later callers wait behind
        // this one, so they are served in the order they called.
        let mut bucket = self.bucket.lock().await;
        bucket.refill(self.rate);
        if bucket.tokens < 1.0 {
            // The lesson's Python wakes every 100 ms to look. Knowing the
            // refill rate, we know when the next token is due: sleep until
            // exactly then.
            let missing = 1.0 - bucket.tokens;
            tokio::time::sleep(Duration::from_secs_f64(missing / self.rate)).await;
            bucket.refill(self.rate);
        }
        bucket.tokens -= 1.0;
    }
}
