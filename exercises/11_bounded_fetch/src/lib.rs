//! Exercise 11: `bounded_fetch`. The task is in `README.md`; run the checks
//! with `cargo test -p bounded_fetch`.

use std::num::NonZeroUsize;

use services::ServiceError;

/// Fetches every id (`services::fetch`) with never more than `limit`
/// fetches in flight, starting the next the moment one ends; results in the
/// order of `ids`.
pub async fn bounded_fetch(
    ids: Vec<u32>,
    limit: NonZeroUsize,
) -> Vec<Result<String, ServiceError>> {
    todo!("fetch {ids:?}, at most {limit} at a time")
}
