//! Stands in for the student's `async_generator` while later exercises are
//! checked; see `probe-core` for the protocol.

use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};
use probe_core::{ASYNC_GENERATOR, Item, Plan, StreamRecord, sig};

/// Same contract as the exercise: ten values, each delivered 1 s after it is
/// requested. Every request and delivery is recorded.
const NAME: &str = "async_generator::async_generator";

/// The student's crate, where the probe is built with it.
#[cfg(feature = "own-crate")]
fn linked() -> BoxStream<'static, f64> {
    async_generator::async_generator().boxed()
}

#[cfg(not(feature = "own-crate"))]
fn linked() -> BoxStream<'static, f64> {
    probe_core::unlinked(NAME)
}

pub fn async_generator() -> BoxStream<'static, f64> {
    let Some(session) = probe_core::current() else {
        return probe_core::default_own::<sig::AsyncGenerator>(NAME).unwrap_or(linked)();
    };
    let index = session.record(
        ASYNC_GENERATOR,
        StreamRecord {
            created: session.now(),
            ..StreamRecord::default()
        },
    );
    let plan = session.plan(ASYNC_GENERATOR, |s| {
        (0..10).map(|_| 10.0 * s.fallback_fraction()).collect()
    });
    match plan {
        Plan::Own => {
            let inner = session.own::<sig::AsyncGenerator>(NAME).unwrap_or(linked)();
            stream::unfold((inner, session), move |(mut inner, session)| async move {
                let requested = session.now();
                match inner.next().await {
                    Some(value) => {
                        item(&session, index, requested, value);
                        Some((value, (inner, session)))
                    }
                    None => {
                        finish(&session, index);
                        None
                    }
                }
            })
            .boxed()
        }
        Plan::Scripted(values) => stream::unfold(
            (values.into_iter(), session),
            move |(mut values, session)| async move {
                let requested = session.now();
                match values.next() {
                    Some(value) => {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        item(&session, index, requested, value);
                        Some((value, (values, session)))
                    }
                    None => {
                        finish(&session, index);
                        None
                    }
                }
            },
        )
        .boxed(),
    }
}

/// Records a value of stream `index`, requested at `requested`, delivered now.
fn item(session: &probe_core::Session, index: usize, requested: Duration, value: f64) {
    let delivered = session.now();
    session.update(ASYNC_GENERATOR, index, |stream| {
        stream.items.push(Item {
            requested,
            delivered,
            value,
        })
    });
}

/// Records that stream `index` reported its end (the first time it did).
fn finish(session: &probe_core::Session, index: usize) {
    let now = session.now();
    session.update(ASYNC_GENERATOR, index, |stream| {
        stream.finished.get_or_insert(now);
    });
}
