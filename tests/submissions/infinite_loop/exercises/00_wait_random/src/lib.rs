//! Spins forever without awaiting.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(max_delay: Duration) -> Duration {
    let mut spins = 0u64;
    loop {
        spins = std::hint::black_box(spins.wrapping_add(1));
        if spins == u64::MAX {
            return max_delay;
        }
    }
}
