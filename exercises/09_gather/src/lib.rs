//! Exercise 09: `gather` and `gather_or_first_error`. The task is in
//! `README.md`; run the checks with `cargo test -p gather`.

use services::ServiceError;

/// Fetches every id at once (`services::fetch`) and returns every result,
/// errors included, in the order of `ids`.
pub async fn gather(ids: Vec<u32>) -> Vec<Result<String, ServiceError>> {
    todo!("fetch {ids:?} at once and keep every result")
}

/// Fetches every id at once; returns the first error the moment it happens,
/// cancelling the fetches still running, or every record in the order of `ids`.
pub async fn gather_or_first_error(ids: Vec<u32>) -> Result<Vec<String>, ServiceError> {
    todo!("fetch {ids:?} at once and stop at the first error")
}
