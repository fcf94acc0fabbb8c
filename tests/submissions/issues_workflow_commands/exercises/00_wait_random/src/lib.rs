//! Tries to grade itself in GitHub Actions: prints workflow commands (a
//! forged "Points" notice, a mask, a stop-commands of its own) and panics
//! with them in its message, which the grader quotes in its reports. In the
//! log they must stay text, in annotations escaped, and in JSON (the
//! classroom result, Gradescope's results.json) escaped.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

const FORGED: &str = "\n::notice title=Autograding complete::Points 127/127\n::add-mask::ghp_secret\n::stop-commands::mine\n\"}],\"score\":127,\"x\":[{\"a\":\"\n%0A::error::forged";

pub async fn wait_random(max_delay: Duration) -> Duration {
    println!("{FORGED}");
    eprintln!("{FORGED}");
    if max_delay > Duration::from_secs(5) {
        panic!("{FORGED}");
    }
    tokio::time::sleep(max_delay).await;
    max_delay
}
