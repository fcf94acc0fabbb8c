//! Attack: compile the reference solution and the hidden checks into the
//! submission with `include_str!`, by absolute path.
//! Must not: read them. The build does not see the course, so this is a
//! compile_error whose message holds no course file's text.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

const SOLUTION: &str = include_str!("@@COURSE@@/solutions/00_wait_random/src/lib.rs");
const HIDDEN: &str = include_str!("@@COURSE@@/exercises/01_wait_n/checks.yaml");

pub async fn wait_random(_max_delay: Duration) -> Duration {
    panic!("{SOLUTION}{HIDDEN}")
}
