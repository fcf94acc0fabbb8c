//! Reference solution: `bounded_fetch`.

use std::num::NonZeroUsize;

use futures::stream::{self, StreamExt};
use services::{ServiceError, fetch};

/// Fetches every id with never more than `limit` fetches in flight, starting
/// the next the moment one ends; results in the order of `ids`.
pub async fn bounded_fetch(
    ids: Vec<u32>,
    limit: NonZeroUsize,
) -> Vec<Result<String, ServiceError>> {
    let mut results = vec![None; ids.len()];
    // `buffer_unordered(limit)` keeps up to `limit` fetches running and
    // starts the next as soon as any one finishes. (`buffered` would keep
    // the order, but a finished fetch waits there for the slower ones
    // before it, holding its place, so fewer than `limit` would run.)
    let mut done = stream::iter(ids.into_iter().enumerate())
        .map(|(i, id)| async move { (i, fetch(id).await) })
        .buffer_unordered(limit.get());
    // Each result goes back to its id's position.
    while let Some((i, result)) = done.next().await {
        results[i] = Some(result);
    }
    results.into_iter().flatten().collect()
}
