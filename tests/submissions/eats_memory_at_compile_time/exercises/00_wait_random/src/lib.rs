//! Attack: exhaust the host's memory at compile time: a 3 GiB array that
//! the compiler evaluates and emits.
//! Must not: take more than the build's memory limit. The compiler is
//! killed; no compiler message names an exercise, so rebuilding with stubs
//! finds this one, compile_error; the others are graded.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

static HUGE: [u8; 3 << 30] = [0; 3 << 30];

pub async fn wait_random(max_delay: Duration) -> Duration {
    let at = max_delay.as_nanos() as usize % HUGE.len();
    tokio::time::sleep(max_delay).await;
    max_delay + Duration::from_nanos(u64::from(HUGE[at]))
}
