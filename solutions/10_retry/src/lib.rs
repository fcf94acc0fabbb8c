//! Reference solution: `fetch_with_retry`.

use std::num::NonZeroU32;
use std::time::Duration;

use services::{ServiceError, fetch};

/// Calls `fetch(id)` at most `attempts` times, waiting `backoff × 2^(k−1)`
/// after the k-th failure (none after the last); returns the first `Ok`, or
/// the last `Err`.
pub async fn fetch_with_retry(
    id: u32,
    attempts: NonZeroU32,
    backoff: Duration,
) -> Result<String, ServiceError> {
    let mut wait = backoff;
    let mut attempt = 1;
    loop {
        match fetch(id).await {
            Ok(record) => return Ok(record),
            // The last attempt's error is the answer: no wait after it.
            Err(error) if attempt == attempts.get() => return Err(error),
            Err(_) => {
                // tokio's sleep yields to the runtime: other tasks run while
                // this one backs off. Doubling each time gives a failing
                // service room to recover instead of hammering it.
                tokio::time::sleep(wait).await;
                wait *= 2;
                attempt += 1;
            }
        }
    }
}
