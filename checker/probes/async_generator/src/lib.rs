//! Stands in for the student's `async_generator` while later exercises are
//! checked; see `probe-core` for the protocol.

use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};
use probe_core::Plan;

/// Same contract as the exercise: ten values, each delivered 1 s after it is
/// requested. Every request and delivery is recorded.
pub fn async_generator() -> BoxStream<'static, f64> {
    let Some(session) = probe_core::current() else {
        return async_generator::async_generator().boxed();
    };
    let (index, plan) = session.plan_stream();
    match plan {
        Plan::Own => {
            let own = session.own().async_generator;
            let inner = match own {
                Some(own) => own(),
                None => async_generator::async_generator().boxed(),
            };
            stream::unfold((inner, session), move |(mut inner, session)| async move {
                let requested = session.now();
                match inner.next().await {
                    Some(value) => {
                        session.item(index, requested, value);
                        Some((value, (inner, session)))
                    }
                    None => {
                        session.finish_stream(index);
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
                        session.item(index, requested, value);
                        Some((value, (values, session)))
                    }
                    None => {
                        session.finish_stream(index);
                        None
                    }
                }
            },
        )
        .boxed(),
    }
}
