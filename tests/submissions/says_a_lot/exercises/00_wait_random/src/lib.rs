//! Attack: swamp the report. Every call panics with a 1 MiB message, which
//! every check would quote.
//! Must not: make the report huge; each message is cut to a few KiB.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(_max_delay: Duration) -> Duration {
    panic!("{}", "spam ".repeat(200_000))
}
