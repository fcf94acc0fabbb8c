//! Recurses without end and overflows the stack.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

fn deeper(n: u64) -> u64 {
    let frame = std::hint::black_box([n; 64]);
    deeper(frame[3] + 1) + frame[7]
}

pub async fn wait_random(max_delay: Duration) -> Duration {
    max_delay.mul_f64(deeper(0) as f64)
}
