//! Stands in for the student's `wait_n` while later exercises are checked;
//! see `probe-core` for the protocol.

use std::time::Duration;

use probe_core::{Plan, WAIT_N, sig};

const NAME: &str = "wait_n::wait_n";

/// The student's crate, where the probe is built with it.
#[cfg(feature = "own-crate")]
async fn linked(n: usize, max_delay: Duration) -> Vec<Duration> {
    wait_n::wait_n(n, max_delay).await
}

#[cfg(not(feature = "own-crate"))]
async fn linked(_: usize, _: Duration) -> Vec<Duration> {
    probe_core::unlinked(NAME)
}

/// Same contract as the exercise. Scripted, it takes the scripted time and
/// returns the scripted delays in ascending order.
pub async fn wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {
    let Some(session) = probe_core::current() else {
        return match probe_core::default_own::<sig::WaitN>(NAME) {
            Some(own) => own(n, max_delay).await,
            None => linked(n, max_delay).await,
        };
    };
    let call = session.begin(WAIT_N, (n, max_delay));
    let plan = session.plan(WAIT_N, |s| {
        let delays: Vec<Duration> = (0..n)
            .map(|_| max_delay.mul_f64(s.fallback_fraction()))
            .collect();
        (delays.iter().copied().max().unwrap_or_default(), delays)
    });
    let delays = match plan {
        Plan::Own => match session.own::<sig::WaitN>(NAME) {
            Some(own) => own(n, max_delay).await,
            None => linked(n, max_delay).await,
        },
        Plan::Scripted((took, mut delays)) => {
            tokio::time::sleep(took).await;
            delays.sort();
            delays
        }
    };
    session.end(call, delays.clone());
    delays
}
