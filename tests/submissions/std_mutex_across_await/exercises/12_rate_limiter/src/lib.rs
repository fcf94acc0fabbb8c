//! Holds a `std::sync::MutexGuard` across the `.await` that waits for the
//! next token: the future is not `Send`, so it cannot be shared by tasks
//! the way the exercise asks, and the course's link of it does not compile.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

pub struct RateLimiter {
    rate: f64,
    bucket: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    pub fn new(rate: NonZeroU32) -> RateLimiter {
        let rate = f64::from(rate.get());
        RateLimiter {
            rate,
            bucket: Mutex::new((rate, Instant::now())),
        }
    }

    pub async fn acquire(&self) {
        let mut bucket = self.bucket.lock().unwrap();
        let now = Instant::now();
        bucket.0 = (bucket.0 + now.duration_since(bucket.1).as_secs_f64() * self.rate).min(self.rate);
        bucket.1 = now;
        if bucket.0 < 1.0 {
            tokio::time::sleep(Duration::from_secs_f64((1.0 - bucket.0) / self.rate)).await;
            bucket.0 += 1.0;
            bucket.1 = Instant::now();
        }
        bucket.0 -= 1.0;
    }
}
