//! Attack: wedge the grader at compile time: a constant whose evaluation
//! never ends (the lint that would stop it allowed), keeping rustc busy and
//! cargo's lock on the slot held.
//! Must not: outlast the build's budget. The build is killed whole, rustc
//! included; this exercise is compile_error, the others are graded, and the
//! next grading in the same cache runs normally.
#![allow(long_running_const_eval)]
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

const NEVER: u64 = {
    let mut state = 0u64;
    let mut step = 0u64;
    while step < u64::MAX {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
        step += 1;
    }
    state
};

pub async fn wait_random(max_delay: Duration) -> Duration {
    tokio::time::sleep(max_delay).await;
    max_delay + Duration::from_nanos(NEVER % 2)
}
