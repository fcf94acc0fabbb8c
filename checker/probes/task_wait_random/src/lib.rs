//! Stands in for the student's `task_wait_random` while later exercises are
//! checked; see `probe-core` for the protocol.

use std::time::Duration;

use probe_core::{Plan, TASK_WAIT_RANDOM, sig};
use tokio::task::JoinHandle;

/// Same contract as the exercise: spawns a task that waits a random delay in
/// `[0, max_delay]`. The call is recorded when it spawns and when the task
/// finishes, whether or not anyone awaits the handle.
const NAME: &str = "task_wait_random::task_wait_random";

/// The student's crate, where the probe is built with it.
#[cfg(feature = "own-crate")]
fn linked(max_delay: Duration) -> JoinHandle<Duration> {
    task_wait_random::task_wait_random(max_delay)
}

#[cfg(not(feature = "own-crate"))]
fn linked(_: Duration) -> JoinHandle<Duration> {
    probe_core::unlinked(NAME)
}

pub fn task_wait_random(max_delay: Duration) -> JoinHandle<Duration> {
    let Some(session) = probe_core::current() else {
        return probe_core::default_own::<sig::TaskWaitRandom>(NAME).unwrap_or(linked)(max_delay);
    };
    let call = session.begin(TASK_WAIT_RANDOM, max_delay);
    match session.plan(TASK_WAIT_RANDOM, |s| s.fallback_wait(max_delay)) {
        Plan::Own => {
            let own = session.own::<sig::TaskWaitRandom>(NAME);
            let inner = own.unwrap_or(linked)(max_delay);
            tokio::spawn(async move {
                match inner.await {
                    Ok(delay) => {
                        session.end(call, delay);
                        delay
                    }
                    Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
                    Err(_) => panic!("the task made by your task_wait_random was cancelled"),
                }
            })
        }
        Plan::Scripted(script) => tokio::spawn(async move {
            tokio::time::sleep(script.wait).await;
            session.end(call, script.value);
            script.value
        }),
    }
}
