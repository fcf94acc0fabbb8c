//! Building blocks for scenarios: a fresh paused runtime, guarded calls of
//! student code, and deterministic property runs.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::check::{Failure, FailureKind, Site};

/// Runtime time allowed to one call of student code unless a check says
/// otherwise: far above any correct answer (the longest, measure_runtime, is
/// 10 s), and free to wait because time is paused.
pub(crate) const CALL_LIMIT: Duration = Duration::from_secs(3600);

/// Runs `fut` on a fresh `current_thread` runtime whose clock is paused and
/// auto-advances whenever every task is idle, so a 10 s wait takes
/// microseconds and ends at exactly 10 s of runtime time.
pub(crate) fn paused<F: Future>(fut: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("failed to build a tokio runtime for the check");
    let output = runtime.block_on(fut);
    // Tasks the student left running must not keep the check's thread busy.
    runtime.shutdown_background();
    output
}

/// A value returned by student code and the runtime time the call took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Timed<T> {
    pub value: T,
    pub elapsed: Duration,
}

thread_local! {
    static PANIC_LOCATION: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Notes where a panic on this thread happened, as `file:line:col`, for
/// [`panicked`] to report (the panic hook calls it).
pub(crate) fn note_panic_location(location: Option<String>) {
    PANIC_LOCATION.with(|l| *l.borrow_mut() = location);
}

/// Where the last panic on this thread happened.
fn take_panic_location() -> Option<String> {
    PANIC_LOCATION.with(|l| l.borrow_mut().take())
}

/// Awaits student code, turning a panic or a never-ending future into a
/// [`Failure`] at `site`.
pub(crate) async fn call<T>(
    site: Site,
    limit: Duration,
    fut: impl Future<Output = T>,
) -> Result<Timed<T>, Failure> {
    let start = Instant::now();
    match tokio::time::timeout(limit, AssertUnwindSafe(fut).catch_unwind()).await {
        Ok(Ok(value)) => Ok(Timed {
            value,
            elapsed: start.elapsed(),
        }),
        Ok(Err(payload)) => Err(panicked(site, payload)),
        Err(_) => Err(Failure {
            site,
            kind: FailureKind::Pending { limit },
        }),
    }
}

/// Calls plain (non-async) student code, catching a panic.
pub(crate) fn call_sync<T>(site: Site, f: impl FnOnce() -> T) -> Result<T, Failure> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panicked(site, payload))
}

/// What a panic said: its `&str` or `String` payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    }
}

/// The failure a panic at `site` is, classified once, here: `todo!()` and
/// `unimplemented!()` are told apart from other panics by std's own
/// messages for them (their documented output), and the exercise the
/// location lies in is looked up in the course's list.
pub(crate) fn panicked(site: Site, payload: Box<dyn std::any::Any + Send>) -> Failure {
    let message = panic_message(&*payload);
    let location = take_panic_location();
    let unimplemented = ["not yet implemented", "not implemented"]
        .iter()
        .any(|std_says| message == *std_says || message.starts_with(&format!("{std_says}: ")));
    let kind = if unimplemented {
        FailureKind::Unimplemented {
            exercise: location
                .as_deref()
                .and_then(crate::catalog::exercise_of)
                .map(str::to_owned),
            location,
        }
    } else {
        FailureKind::Panicked { message, location }
    };
    Failure { site, kind }
}

/// Every case a property check ran, in order: what went in, what came out.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Cases<I, O> {
    pub cases: Vec<(I, Result<O, Failure>)>,
}

/// Runs `case` for inputs drawn from `strategy` with a fixed seed, so every
/// run tries the same inputs; proptest shrinks a failure (judged in-process
/// by `ok`) to the smallest input that still fails. Each case gets its own
/// paused runtime. Returns every case tried: the judge re-checks them all
/// and reports the smallest failing input, so the verdict never rests on
/// what the scenario concluded.
pub(crate) fn property<I, O, S>(
    cases: u32,
    strategy: S,
    case: impl Fn(&I) -> Result<O, Failure>,
    ok: impl Fn(&I, &Result<O, Failure>) -> bool,
) -> Cases<I, O>
where
    S: Strategy<Value = I>,
    I: Clone + std::fmt::Debug,
{
    const SEED: [u8; 32] = *b"paused-time-checks-are-exact!!!!";
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &SEED));
    let tried = std::cell::RefCell::new(Vec::new());
    // `run` would print nothing we need; drive it for its shrinking.
    let _ = runner.run(&strategy, |input| {
        let result = case(&input);
        let passed = ok(&input, &result);
        tried.borrow_mut().push((input, result));
        if passed {
            Ok(())
        } else {
            Err(TestCaseError::fail("case failed"))
        }
    });
    Cases {
        cases: tried.into_inner(),
    }
}

impl<I, O> Cases<I, O> {
    /// Passes when `broken` finds nothing wrong in any case; otherwise fails
    /// with the smallest failing input (by `order`) and what went wrong there.
    pub(crate) fn judge(
        &self,
        order: impl Fn(&I, &I) -> std::cmp::Ordering,
        broken: impl Fn(&I, &Result<O, Failure>) -> Option<crate::check::Verdict>,
        show: impl Fn(&I) -> String,
    ) -> crate::check::Verdict {
        if self.cases.is_empty() {
            return crate::check::Verdict::fail("the property check ran no cases");
        }
        let mut failing: Vec<_> = self
            .cases
            .iter()
            .filter_map(|(input, result)| broken(input, result).map(|v| (input, v)))
            .collect();
        let count = failing.len();
        failing.sort_by(|a, b| order(a.0, b.0));
        match failing.into_iter().next() {
            None => crate::check::Verdict::pass(),
            Some((input, verdict)) => crate::check::Verdict {
                message: crate::wording::said(format!(
                    "smallest failing input: {}. {} ({count} of {} inputs tried failed)",
                    show(input),
                    verdict.message,
                    self.cases.len()
                )),
                ..verdict
            },
        }
    }
}
