//! Reference solution: `task_queue`, a producer and a consumer joined by a
//! bounded channel.

use std::num::NonZeroUsize;

use services::{fetch, store};
use tokio::sync::mpsc;

/// Fetches `ids` in order in a producer task and stores every record that
/// was fetched in a consumer task, with at most `capacity` records queued
/// between them; returns how many were stored.
pub async fn task_queue(ids: Vec<u32>, capacity: NonZeroUsize) -> usize {
    // Bounded: `send` waits while `capacity` records are queued, so a slow
    // consumer holds the producer back (backpressure) instead of letting
    // records pile up in memory.
    let (tx, mut rx) = mpsc::channel(capacity.get());
    let producer = tokio::spawn(async move {
        for id in ids {
            // A failed fetch is skipped; the queue goes on.
            if let Ok(record) = fetch(id).await
                && tx.send(record).await.is_err()
            {
                break; // the consumer is gone: nobody will store more
            }
        }
        // `tx` is dropped here, which closes the channel: the consumer's
        // `recv` returns `None` once it has taken every record.
    });
    let consumer = tokio::spawn(async move {
        let mut stored = 0;
        while let Some(record) = rx.recv().await {
            store(record).await;
            stored += 1;
        }
        stored
    });
    // A panic in either task comes back as an `Err` from its handle; pass
    // it on rather than hide it.
    if let Err(e) = producer.await {
        std::panic::resume_unwind(e.into_panic());
    }
    match consumer.await {
        Ok(stored) => stored,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}
