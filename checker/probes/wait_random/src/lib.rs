//! Stands in for the student's `wait_random` while later exercises are
//! checked; see `probe-core` for the protocol.

use std::time::Duration;

use probe_core::{Plan, WAIT_RANDOM, sig};

/// The exercise's constant as SPEC.md fixes it (the Python default). The
/// probe's own, not the student's: exercise 00's checks judge theirs, and
/// later exercises see the same value in `cargo test -p` and the grader.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

const NAME: &str = "wait_random::wait_random";

/// The student's crate, where the probe is built with it.
#[cfg(feature = "own-crate")]
async fn linked(max_delay: Duration) -> Duration {
    wait_random::wait_random(max_delay).await
}

#[cfg(not(feature = "own-crate"))]
async fn linked(_: Duration) -> Duration {
    probe_core::unlinked(NAME)
}

/// Same contract as the exercise: waits a random delay in `[0, max_delay]`
/// and returns it. Recorded, and scripted when a check says so; a script
/// may return a value other than the time waited (see `probe_core::Wait`).
pub async fn wait_random(max_delay: Duration) -> Duration {
    let Some(session) = probe_core::current() else {
        return match probe_core::default_own::<sig::WaitRandom>(NAME) {
            Some(own) => own(max_delay).await,
            None => linked(max_delay).await,
        };
    };
    let call = session.begin(WAIT_RANDOM, max_delay);
    let delay = match session.plan(WAIT_RANDOM, |s| s.fallback_wait(max_delay)) {
        Plan::Own => match session.own::<sig::WaitRandom>(NAME) {
            Some(own) => own(max_delay).await,
            None => linked(max_delay).await,
        },
        Plan::Scripted(script) => {
            tokio::time::sleep(script.wait).await;
            script.value
        }
    };
    session.end(call, delay);
    delay
}
