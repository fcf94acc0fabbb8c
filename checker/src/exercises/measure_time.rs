//! Checks of `02_measure_time`.

use std::time::Duration;

use probe_core::{Call, Mode, Session, WAIT_N, sig};
use serde::{Deserialize, Serialize};

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, call, paused};
use crate::show::{durations, secs};

const TICK: Duration = Duration::from_millis(1);

/// One call of the student's measure_time and the wait_n calls it made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Averaged {
    pub n: usize,
    pub max_delay: Duration,
    pub returned: Duration,
    pub elapsed: Duration,
    pub calls: Vec<Call<(usize, Duration), Vec<Duration>>>,
}

impl Averaged {
    pub(crate) fn call(&self) -> String {
        format!("measure_time({}, {})", self.n, secs(self.max_delay))
    }

    /// How long the wait_n call took, by the runtime's clock.
    fn wait_n_took(&self) -> Option<Duration> {
        match self.calls.as_slice() {
            [only] => only.ended.map(|end| end - only.started),
            _ => None,
        }
    }
}

pub(crate) fn run(
    f: sig::MeasureTime,
    mode: Mode,
    n: usize,
    max_delay: Duration,
    script: Option<(Duration, Vec<Duration>)>,
) -> Result<Averaged, Failure> {
    paused(async move {
        let session = Session::new(mode);
        session.script(WAIT_N, script);
        let _installed = session.install();
        let t = call(
            Site::called(
                "measure_time",
                format!("measure_time({n}, {})", secs(max_delay)),
            ),
            CALL_LIMIT,
            f(n, max_delay),
        )
        .await?;
        Ok(Averaged {
            n,
            max_delay,
            returned: t.value,
            elapsed: t.elapsed,
            calls: session.records(WAIT_N),
        })
    })
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Whether `returned × n` is the time wait_n took, to the timer's tick.
fn is_average(r: &Averaged, took: Duration) -> bool {
    let total = r.returned.as_secs_f64() * r.n as f64;
    (total - took.as_secs_f64()).abs() <= TICK.as_secs_f64()
}

/// The verdict when there is not exactly one completed wait_n call to time.
fn never_called(r: &Averaged) -> Verdict {
    let what = match r.calls.len() {
        0 => "never called wait_n (is an .await missing?)".to_owned(),
        1 => "called wait_n, but did not wait for it to finish".to_owned(),
        n => format!("called wait_n {n} times"),
    };
    Verdict::fail(format!(
        "{} {what}; expected one call, awaited, so there is one total to divide",
        r.call()
    ))
    .hint("await wait_n(n, max_delay) once, between reading the clock twice")
}

fn average_verdict(r: &Averaged) -> Verdict {
    let Some(took) = r.wait_n_took() else {
        return never_called(r);
    };
    let expected = took.div_f64(r.n as f64);
    if is_average(r, took) {
        Verdict::pass()
    } else if r.returned < TICK && took >= Duration::from_secs(1) {
        Verdict::fail(format!(
            "{} returned {}, but wait_n took {} of runtime time",
            r.call(),
            secs(r.returned),
            secs(took)
        ))
        .hint(
            "std::time::Instant measures real time, which barely moves while tokio's clock is \
             paused; measure with tokio::time::Instant, the runtime's clock",
        )
    } else if (r.returned.as_secs_f64() - took.as_secs_f64()).abs() <= TICK.as_secs_f64() {
        Verdict::fail(format!(
            "{} returned {}, the total time; expected the total divided by n: {} / {} = {}",
            r.call(),
            secs(r.returned),
            secs(took),
            r.n,
            secs(expected)
        ))
        .hint("return total_time / n, as the Python original does")
    } else {
        Verdict::fail(format!(
            "{} returned {}; wait_n took {} of runtime time, so expected {} / {} = {}",
            r.call(),
            secs(r.returned),
            secs(took),
            secs(took),
            r.n,
            secs(expected)
        ))
    }
}

pub(crate) fn checks(s: crate::subject::MeasureTime) -> Vec<Check> {
    let f = s.measure_time;
    vec![
        Check::runtime(
            "average",
            "returns the time wait_n took divided by n",
            "read tokio::time::Instant::now() before and after awaiting wait_n, and return elapsed / n",
            move || {
                Ok(vec![
                    // wait_n takes longer than its longest delay (as a real one
                    // does by a tick): the answer must come from the clock.
                    run(f, Mode::Scripted, 5, Duration::from_secs(10), Some((ms(6_500), vec![ms(1_500), ms(6_000), ms(2_000), ms(3_000), ms(4_000)])))?,
                    run(f, Mode::Scripted, 3, Duration::from_secs(1), Some((ms(950), vec![ms(900), ms(200), ms(500)])))?,
                ])
            },
            |runs: &Vec<Averaged>| {
                runs.iter().map(average_verdict).find(|v| v.status != crate::check::Status::Passed).unwrap_or_else(Verdict::pass)
            },
        ),
        Check::runtime(
            "runtime_clock",
            "measures with the runtime's clock (tokio::time::Instant)",
            "std::time::Instant measures real time, which barely moves while tokio's clock is \
             paused; use tokio::time::Instant, the runtime's clock",
            // Every wait_n call takes 100 000 s of runtime time; real time
            // cannot reach 1% of that before the watchdog, so a clock that
            // measures real time always shows, and any runtime-clock
            // measurement passes.
            move || {
                paused(async move {
                    let long = (Duration::from_secs(100_000), vec![Duration::from_secs(7); 4]);
                    let session = Session::new(Mode::Scripted);
                    session.script(WAIT_N, std::iter::repeat_n(long, 8));
                    let _installed = session.install();
                    let t = call(Site::called("measure_time", "measure_time(4, 10s)"), CALL_LIMIT * 1_000, f(4, Duration::from_secs(10))).await?;
                    Ok(Averaged {
                        n: 4,
                        max_delay: Duration::from_secs(10),
                        returned: t.value,
                        elapsed: t.elapsed,
                        calls: session.records(WAIT_N),
                    })
                })
            },
            |r: &Averaged| {
                if r.calls.is_empty() {
                    return never_called(r);
                }
                // The whole call's time: average and calls_wait_n judge the rest.
                let took = r.elapsed;
                Verdict::expect(r.returned.mul_f64(r.n as f64) >= took / 100, || {
                    format!(
                        "{} returned {}, though wait_n kept it busy for {} of runtime time",
                        r.call(),
                        secs(r.returned),
                        secs(took)
                    )
                })
            },
        ),
        Check::runtime(
            "calls_wait_n",
            "calls wait_n(n, max_delay) once",
            "await wait_n(n, max_delay) exactly once, with the arguments you were given",
            move || run(f, Mode::Scripted, 6, ms(2_500), None),
            |r: &Averaged| {
                let args: Vec<_> = r.calls.iter().map(|c| c.args).collect();
                Verdict::expect(args == [(r.n, r.max_delay)], || {
                    let shown: Vec<_> = args.iter().map(|(n, d)| format!("wait_n({n}, {})", secs(*d))).collect();
                    format!("{} called [{}]; expected exactly wait_n({}, {})", r.call(), shown.join(", "), r.n, secs(r.max_delay))
                })
            },
        ),
        Check::runtime(
            "zero_n",
            "measure_time(0, max_delay) returns 0s without panicking",
            "dividing a Duration by zero panics: return Duration::ZERO when n is 0",
            move || run(f, Mode::Scripted, 0, Duration::from_secs(10), Some((Duration::ZERO, vec![]))),
            |r: &Averaged| {
                Verdict::expect(r.returned.is_zero(), || format!("{} returned {}; expected 0s", r.call(), secs(r.returned)))
            },
        ),
        Check::runtime(
            "with_own_wait_n",
            "works with your own wait_n",
            "this check runs measure_time with your own wait_n (and wait_random); fix those exercises first",
            move || run(f, Mode::Own, 3, Duration::from_secs(1), None),
            |r: &Averaged| {
                let Some(took) = r.wait_n_took() else {
                    return never_called(r);
                };
                let delays = r.calls[0].returned.clone().unwrap_or_default();
                Verdict::expect(is_average(r, took), || {
                    format!(
                        "{} with your wait_n (which returned {} after {}) returned {}; expected {} / {}",
                        r.call(),
                        durations(&delays),
                        secs(took),
                        secs(r.returned),
                        secs(took),
                        r.n
                    )
                })
            },
        )
        .own_earlier(),
    ]
}

/// The check a `case:` of `checks.yaml` declares.
pub(crate) fn cases(
    s: crate::subject::MeasureTime,
    spec: &crate::course::cases::CaseSpec,
    id: &str,
) -> Option<Check> {
    match spec {
        crate::course::cases::CaseSpec::MeasureTime(case) => {
            Some(crate::course::cases::measure_time_case(id, case.clone(), s.measure_time))
        }
        _ => None,
    }
}
