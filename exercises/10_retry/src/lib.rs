//! Exercise 10: `fetch_with_retry`. The task is in `README.md`; run the
//! checks with `cargo test -p retry`.

use std::num::NonZeroU32;
use std::time::Duration;

use services::ServiceError;

/// Calls `services::fetch(id)` at most `attempts` times, waiting
/// `backoff × 2^(k−1)` after the k-th failure; returns the first `Ok`, or
/// the last `Err`.
pub async fn fetch_with_retry(
    id: u32,
    attempts: NonZeroU32,
    backoff: Duration,
) -> Result<String, ServiceError> {
    todo!("fetch({id}) up to {attempts} times, backing off from {backoff:?}")
}
