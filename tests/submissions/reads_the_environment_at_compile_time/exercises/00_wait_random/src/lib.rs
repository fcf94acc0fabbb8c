//! Attack: take the grader's environment at compile time, where macros run
//! inside the compiler: `option_env!` of the secret and of the grader's
//! home, and the compiler's whole environment through
//! `include_bytes!("/proc/self/environ")`; then show it in the report by
//! panicking with it.
//! Must not: see the secret or anything of the grader's environment; it
//! compiles, and sees only the build's allow-listed variables.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

const SECRET: Option<&str> = option_env!("CHECKER_TEST_SECRET");
const HOME: Option<&str> = option_env!("HOME");
const ENVIRON: &[u8] = include_bytes!("/proc/self/environ");

pub async fn wait_random(_max_delay: Duration) -> Duration {
    let environ = String::from_utf8_lossy(ENVIRON).replace('\0', " ");
    panic!("secret={SECRET:?} home={HOME:?} compiler environment: {environ}")
}
