//! Exercise 14_task_queue. The task is in `README.md`; run the checks with
//! `cargo test -p task_queue`.

use std::num::NonZeroUsize;

/// Fetches `ids` in order in a producer task and stores every record that
/// was fetched in a consumer task, with at most `capacity` records queued
/// between them; returns how many were stored.
pub async fn task_queue(ids: Vec<u32>, capacity: NonZeroUsize) -> usize {
    let _ = (ids, capacity);
    todo!("implement task_queue")
}
