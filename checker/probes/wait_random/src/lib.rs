//! Stands in for the student's `wait_random` while later exercises are
//! checked; see `probe-core` for the protocol.

use std::time::Duration;

use probe_core::{Plan, WAIT_RANDOM, sig};

pub use wait_random::DEFAULT_MAX_DELAY;

/// Same contract as the exercise: waits a random delay in `[0, max_delay]`
/// and returns it. Recorded, and scripted when a check says so; a script
/// may return a value other than the time waited (see `probe_core::Wait`).
pub async fn wait_random(max_delay: Duration) -> Duration {
    let Some(session) = probe_core::current() else {
        return wait_random::wait_random(max_delay).await;
    };
    let call = session.begin(WAIT_RANDOM, max_delay);
    let delay = match session.plan(WAIT_RANDOM, |s| s.fallback_wait(max_delay)) {
        Plan::Own => match session.own::<sig::WaitRandom>("wait_random::wait_random") {
            Some(own) => own(max_delay).await,
            None => wait_random::wait_random(max_delay).await,
        },
        Plan::Scripted(script) => {
            tokio::time::sleep(script.wait).await;
            script.value
        }
    };
    session.end(call, delay);
    delay
}
