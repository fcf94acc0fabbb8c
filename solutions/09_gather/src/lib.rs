//! Reference solution: `gather` and `gather_or_first_error`.

use futures::future::{join_all, try_join_all};
use services::{ServiceError, fetch};

/// Fetches every id at once and returns every result, errors included, in
/// the order of `ids`: Python's `gather(*tasks, return_exceptions=True)`.
pub async fn gather(ids: Vec<u32>) -> Vec<Result<String, ServiceError>> {
    // `join_all` polls all the fetches together, so they run concurrently,
    // and returns their outputs in the order the futures were given, not the
    // order they finished. A `Result` is just a value: one fetch's `Err`
    // does not stop the others.
    join_all(ids.into_iter().map(fetch)).await
}

/// Fetches every id at once; returns the first error the moment it happens,
/// or every record in the order of `ids`: Python's plain `gather`, except
/// that the other fetches are cancelled, not left running.
pub async fn gather_or_first_error(ids: Vec<u32>) -> Result<Vec<String>, ServiceError> {
    // `try_join_all` returns as soon as any future yields `Err`, and
    // returning drops the rest: the fetches still in flight are cancelled
    // at that moment.
    try_join_all(ids.into_iter().map(fetch)).await
}
