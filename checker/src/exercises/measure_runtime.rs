//! Checks of `07_measure_runtime`.

use std::time::Duration;

use probe_core::{ASYNC_COMPREHENSION, Call, Mode, Session, sig};
use serde::{Deserialize, Serialize};

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, call, paused};
use crate::show::{durations, secs, tick_ceil};

/// One call of the student's measure_runtime and its comprehensions.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Measured {
    /// How long each scripted comprehension took, in call order (empty: the
    /// student's own).
    each: Vec<Duration>,
    returned: Duration,
    elapsed: Duration,
    calls: Vec<Call<(), Vec<f64>>>,
}

impl Measured {
    fn starts(&self) -> Vec<Duration> {
        self.calls.iter().map(|c| c.started).collect()
    }
}

/// Scripted, the comprehensions take the given times in call order (then
/// the longest, for extra calls): unequal, so returning when the first one
/// finishes shows.
fn run(f: sig::MeasureRuntime, mode: Mode, each: Vec<Duration>) -> Result<Measured, Failure> {
    paused(async move {
        let session = Session::new(mode);
        let values: Vec<f64> = (0..10).map(|i| i as f64 + 0.5).collect();
        let longest = each.iter().copied().max().unwrap_or_default();
        let times = each.iter().copied().chain(std::iter::repeat_n(longest, 8));
        session.script(ASYNC_COMPREHENSION, times.map(|t| (t, values.clone())));
        let _installed = session.install();
        let t = call(
            Site::called("measure_runtime", "measure_runtime()"),
            CALL_LIMIT,
            f(),
        )
        .await?;
        Ok(Measured {
            each,
            returned: t.value,
            elapsed: t.elapsed,
            calls: session.records(ASYNC_COMPREHENSION),
        })
    })
}

fn ms_each(ms: &[u64]) -> Vec<Duration> {
    ms.iter().map(|m| Duration::from_millis(*m)).collect()
}

/// `returned` is the elapsed time, to the timer's tick either way.
fn close(a: Duration, b: Duration) -> bool {
    a.abs_diff(b) <= Duration::from_millis(1)
}

pub(crate) fn checks(s: crate::subject::MeasureRuntime) -> Vec<Check> {
    let f = s.measure_runtime;
    let ten = Duration::from_secs(10);
    vec![
        Check::runtime(
            "about_ten_seconds",
            "returns about 10 s, not 40 s",
            "run the four comprehensions at the same time (tokio::join! or join_all), not one after another",
            move || run(f, Mode::Scripted, ms_each(&[7_500, 10_000, 8_000, 9_000])),
            |r: &Measured| {
                Verdict::expect(close(r.returned, Duration::from_secs(10)), || {
                    format!(
                        "measure_runtime() returned {} (it took {} of runtime time); with the four async_comprehension() calls taking {}, expected 10s",
                        secs(r.returned),
                        secs(r.elapsed),
                        durations(&r.each)
                    )
                })
            },
        ),
        Check::runtime(
            "runs_four_concurrently",
            "runs async_comprehension four times, all at once",
            "start all four async_comprehension() calls together: tokio::join!(a, b, c, d)",
            move || run(f, Mode::Scripted, vec![ten; 4]),
            |r: &Measured| {
                let ok = r.calls.len() == 4 && r.calls.iter().all(|c| c.started.is_zero());
                Verdict::expect(ok, || {
                    format!(
                        "measure_runtime() called async_comprehension() {} times, starting at {}; expected 4 calls, all starting at 0s",
                        r.calls.len(),
                        durations(&r.starts())
                    )
                })
            },
        ),
        Check::runtime(
            "returns_elapsed",
            "returns the time it measured by the runtime's clock",
            "read tokio::time::Instant::now() before starting and return start.elapsed() at the end; \
             std::time::Instant does not see paused runtime time, and a hard-coded 10 s is not a measurement",
            // Not 10 s: a hard-coded answer shows.
            move || run(f, Mode::Scripted, ms_each(&[6_000, 7_500, 5_000, 7_000])),
            |r: &Measured| {
                Verdict::expect(close(r.returned, r.elapsed), || {
                    format!(
                        "measure_runtime() returned {}, but it took {} of runtime time (the async_comprehension() calls took {})",
                        secs(r.returned),
                        secs(r.elapsed),
                        durations(&r.each)
                    )
                })
            },
        ),
        Check::runtime(
            "with_own_comprehension",
            "works with your own async_comprehension",
            "this check runs measure_runtime with your own async_comprehension and async_generator; fix those first",
            move || run(f, Mode::Own, vec![]),
            |r: &Measured| {
                let ok = r.calls.len() == 4 && close(r.returned, r.elapsed) && r.elapsed <= tick_ceil(Duration::from_secs(10));
                Verdict::expect(ok, || {
                    format!(
                        "measure_runtime() with your async_comprehension returned {} after {} of runtime time, with {} calls; expected about 10s",
                        secs(r.returned),
                        secs(r.elapsed),
                        r.calls.len()
                    )
                })
            },
        )
        .own_earlier(),
    ]
}
