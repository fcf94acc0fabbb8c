//! Stands in for the student's `async_comprehension` while later exercises
//! are checked; see `probe-core` for the protocol.

use std::time::Duration;

use probe_core::{ASYNC_COMPREHENSION, Plan, sig};

/// Same contract as the exercise. Scripted, it takes the scripted time and
/// returns the scripted values.
const NAME: &str = "async_comprehension::async_comprehension";

/// The student's crate, where the probe is built with it.
#[cfg(feature = "own-crate")]
async fn linked() -> Vec<f64> {
    async_comprehension::async_comprehension().await
}

#[cfg(not(feature = "own-crate"))]
async fn linked() -> Vec<f64> {
    probe_core::unlinked(NAME)
}

pub async fn async_comprehension() -> Vec<f64> {
    let Some(session) = probe_core::current() else {
        return match probe_core::default_own::<sig::AsyncComprehension>(NAME) {
            Some(own) => own().await,
            None => linked().await,
        };
    };
    let call = session.begin(ASYNC_COMPREHENSION, ());
    let plan = session.plan(ASYNC_COMPREHENSION, |s| {
        let values = (0..10).map(|_| 10.0 * s.fallback_fraction()).collect();
        (Duration::from_secs(10), values)
    });
    let values = match plan {
        Plan::Own => match session.own::<sig::AsyncComprehension>(NAME) {
            Some(own) => own().await,
            None => linked().await,
        },
        Plan::Scripted((took, values)) => {
            tokio::time::sleep(took).await;
            values
        }
    };
    session.end(call, values.clone());
    values
}
