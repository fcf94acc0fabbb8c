//! Stands in for the student's `wait_n` while later exercises are checked;
//! see `probe-core` for the protocol.

use std::time::Duration;

use probe_core::Plan;

/// Same contract as the exercise. Scripted, it takes the scripted time and
/// returns the scripted delays in ascending order.
pub async fn wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {
    let Some(session) = probe_core::current() else {
        return wait_n::wait_n(n, max_delay).await;
    };
    let call = session.begin_wait_n((n, max_delay));
    let delays = match session.plan_wait_n(n, max_delay) {
        Plan::Own => match session.own().wait_n {
            Some(own) => own(n, max_delay).await,
            None => wait_n::wait_n(n, max_delay).await,
        },
        Plan::Scripted((took, mut delays)) => {
            tokio::time::sleep(took).await;
            delays.sort();
            delays
        }
    };
    session.end_wait_n(call, delays.clone());
    delays
}
