//! Stands in for the student's `wait_n` while later exercises are checked;
//! see `probe-core` for the protocol.

use std::time::Duration;

use probe_core::{Plan, WAIT_N, sig};

/// Same contract as the exercise. Scripted, it takes the scripted time and
/// returns the scripted delays in ascending order.
pub async fn wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {
    let Some(session) = probe_core::current() else {
        return wait_n::wait_n(n, max_delay).await;
    };
    let call = session.begin(WAIT_N, (n, max_delay));
    let plan = session.plan(WAIT_N, |s| {
        let delays: Vec<Duration> = (0..n)
            .map(|_| max_delay.mul_f64(s.fallback_fraction()))
            .collect();
        (delays.iter().copied().max().unwrap_or_default(), delays)
    });
    let delays = match plan {
        Plan::Own => match session.own::<sig::WaitN>("wait_n::wait_n") {
            Some(own) => own(n, max_delay).await,
            None => wait_n::wait_n(n, max_delay).await,
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
