//! Runs one check: a fresh thread, a paused runtime, and a wall-clock
//! watchdog for code that blocks or spins.

use std::sync::{Once, mpsc};
use std::thread;
use std::time::Duration;

use crate::check::{Body, Check, Failure, Observation, Site};
use crate::scenario::panicked;

/// Real time one check may take before it is reported as blocking. Correct
/// solutions need milliseconds; this only stops code that blocks or spins.
/// `CHECKER_WATCHDOG_MS` overrides it.
pub const DEFAULT_WATCHDOG: Duration = Duration::from_secs(5);

/// Names of threads that run student code start with this, so the panic
/// hook knows to keep quiet for them.
const CHECK_THREAD: &str = "check ";

/// The watchdog in force: [`DEFAULT_WATCHDOG`] or `CHECKER_WATCHDOG_MS`.
pub fn watchdog() -> Duration {
    std::env::var("CHECKER_WATCHDOG_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_WATCHDOG)
}

/// Keeps panics of student code off the terminal (the check reports them)
/// and remembers where they happened.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_check_thread = thread::current()
                .name()
                .is_some_and(|name| name.starts_with(CHECK_THREAD));
            if on_check_thread {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                crate::scenario::note_panic_location(location);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs a check's scenario on its own thread and returns what it observed.
///
/// A scenario that has not finished after `watchdog` of real time is left
/// behind (its thread cannot be killed; it dies with the process) and
/// reported as [`Observation::Blocked`].
pub fn observe(check: &Check, watchdog: Duration) -> Observation {
    let Body::Runtime { scenario, .. } = &*check.body else {
        return Observation::Returned(serde_json::Value::Null);
    };
    install_panic_hook();
    let scenario = scenario.clone();
    let (tx, rx) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(format!("{CHECK_THREAD}{}", check.id))
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scenario()));
            let observation = match result {
                Ok(Ok(value)) => Observation::Returned(value),
                Ok(Err(failure)) => Observation::Failed(failure),
                Err(payload) => Observation::Failed(panicked(Site::check(), payload)),
            };
            let _ = tx.send(observation);
        });
    if let Err(err) = spawned {
        return Observation::Failed(Failure {
            site: Site::check(),
            kind: crate::check::FailureKind::Panicked {
                message: format!("failed to start a thread for the check: {err}"),
                location: None,
            },
        });
    }
    match rx.recv_timeout(watchdog) {
        Ok(observation) => observation,
        Err(_) => Observation::Blocked { watchdog },
    }
}
