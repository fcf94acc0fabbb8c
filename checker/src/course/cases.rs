//! Declarative checks: a `case:` in `checks.yaml`, in its exercise's
//! vocabulary, becomes a check with its own id, points and message.
//!
//! | exercise | a case says | it can expect |
//! |---|---|---|
//! | `01_wait_n`, `04_task_wait_n` | `n`, `max_delay`, optional `delays` the earlier function waits and `values` it returns (default: the delays), `own: true` to use the student's own earlier exercise | `length`, `completion_order`, `each_within`, `elapsed` (`longest`, `sum` or a duration), `calls`, `calls_with`, `returns_delays` |
//! | `02_measure_time` | `n`, `max_delay`, `wait_n_takes` | `returns` (a duration, to the 1 ms tick) |
//! | `05_async_generator` | `first_ask` and `gap`, when the consumer asks for values | `count`, `each_after_request`, `arrivals` (times since creation), `values_within` (`[low, high]`) |

use std::time::Duration;

use serde::Deserialize;
use serde_yaml_ng::Value;

use super::config::{duration, durations, opt_duration, typed};
use crate::check::{Check, Verdict};
use crate::exercises::{async_generator, measure_time, waits};
use crate::show::{durations as show_durations, numbers, secs, tick_ceil};

/// A parsed `case:`.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseSpec {
    /// wait_n and task_wait_n.
    Waits(WaitsCase),
    /// measure_time.
    MeasureTime(MeasureTimeCase),
    /// async_generator.
    Generator(GeneratorCase),
}

/// A wait_n (or task_wait_n) case.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitsCase {
    /// How many waits.
    pub n: usize,
    /// Their limit.
    #[serde(deserialize_with = "duration")]
    pub max_delay: Duration,
    /// How long each call of the earlier function waits, in call order;
    /// default: spread over `[0, max_delay]`.
    #[serde(default, deserialize_with = "durations")]
    pub delays: Vec<Duration>,
    /// What each call returns, when it is not the time it waited (one per
    /// delay): lets a case tell completion order from order by value.
    #[serde(default, deserialize_with = "durations")]
    pub values: Vec<Duration>,
    /// Run with the student's own earlier exercise instead of the probe's script.
    #[serde(default)]
    pub own: bool,
    /// What must hold.
    pub expect: WaitsExpect,
}

/// What a wait_n case expects.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitsExpect {
    /// Number of delays returned.
    pub length: Option<usize>,
    /// The earlier function's values in the order their waits completed
    /// (same-tick waits in either order).
    pub completion_order: Option<bool>,
    /// Every delay at most this.
    #[serde(default, deserialize_with = "opt_duration")]
    pub each_within: Option<Duration>,
    /// How long the call takes.
    pub elapsed: Option<Elapsed>,
    /// How many times the earlier function is called.
    pub calls: Option<usize>,
    /// The max_delay every call of the earlier function gets.
    #[serde(default, deserialize_with = "opt_duration")]
    pub calls_with: Option<Duration>,
    /// Returns exactly the delays the earlier function returned.
    pub returns_delays: Option<bool>,
}

/// `elapsed:` — `longest`, `sum`, or a duration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Elapsed {
    /// The longest delay (to the tick).
    Longest,
    /// The sum of the delays (to the tick per delay).
    Sum,
    /// Exactly this (to the tick).
    Exactly(Duration),
}

impl<'de> Deserialize<'de> for Elapsed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_str() {
            "longest" => Ok(Elapsed::Longest),
            "sum" => Ok(Elapsed::Sum),
            other => humantime::parse_duration(other)
                .map(Elapsed::Exactly)
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "expected longest, sum or a duration like 5s, got {other:?}"
                    ))
                }),
        }
    }
}

/// A measure_time case.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureTimeCase {
    /// n.
    pub n: usize,
    /// max_delay.
    #[serde(deserialize_with = "duration")]
    pub max_delay: Duration,
    /// How long the probed wait_n takes.
    #[serde(deserialize_with = "duration")]
    pub wait_n_takes: Duration,
    /// What must hold.
    pub expect: MeasureTimeExpect,
}

/// What a measure_time case expects.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureTimeExpect {
    /// The return value, to the 1 ms tick.
    #[serde(deserialize_with = "duration")]
    pub returns: Duration,
}

/// An async_generator case: a consumer's schedule.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorCase {
    /// The consumer waits this long before asking for the first value.
    #[serde(default, deserialize_with = "duration")]
    pub first_ask: Duration,
    /// And this long after each value before asking for the next.
    #[serde(default, deserialize_with = "duration")]
    pub gap: Duration,
    /// What must hold.
    pub expect: GeneratorExpect,
}

/// What an async_generator case expects.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorExpect {
    /// Values before the stream ends.
    pub count: Option<usize>,
    /// Each value arrives this long after it was asked for (to the tick).
    #[serde(default, deserialize_with = "opt_duration")]
    pub each_after_request: Option<Duration>,
    /// When each value arrives, since async_generator() was called.
    #[serde(default, deserialize_with = "durations")]
    pub arrivals: Vec<Duration>,
    /// Every value in `[low, high]`. One stream is 10 random draws: a
    /// generator that is only sometimes out of range passes by luck, which
    /// `checker verify`'s determinism check reports; prefer the Rust check
    /// `values_in_range` (300 draws) for that.
    pub values_within: Option<(f64, f64)>,
}

impl CaseSpec {
    /// Reads `value` in `exercise`'s vocabulary; on error, the key path
    /// inside the case and the message.
    pub fn parse(exercise: &str, value: &Value) -> Result<CaseSpec, (String, String)> {
        use crate::exercises::{CATALOG, Vocabulary};
        let vocabulary = crate::exercises::exercise(exercise).and_then(|e| e.cases);
        match vocabulary {
            Some(Vocabulary::Waits) => {
                let case: WaitsCase = typed(value)?;
                if !case.values.is_empty() && case.values.len() != case.delays.len() {
                    return Err((
                        "values".into(),
                        format!(
                            "expected one value per delay: {} delays, {} values",
                            case.delays.len(),
                            case.values.len()
                        ),
                    ));
                }
                Ok(CaseSpec::Waits(case))
            }
            Some(Vocabulary::MeasureTime) => typed(value).map(CaseSpec::MeasureTime),
            Some(Vocabulary::Generator) => typed(value).map(CaseSpec::Generator),
            None => {
                let with: Vec<&str> = CATALOG
                    .iter()
                    .filter(|e| e.cases.is_some())
                    .map(|e| e.dir)
                    .collect();
                Err((
                    String::new(),
                    format!(
                        "{exercise} has no declarative cases ({} do); write a Rust check and \
                         list its id (CONTRIBUTING.md)",
                        with.join(", ")
                    ),
                ))
            }
        }
    }
}

pub(crate) fn waits_case(
    id: &str,
    case: WaitsCase,
    f: probe_core::sig::WaitN,
    flavour: waits::Flavour,
) -> Check {
    let name = format!(
        "{}({}, {}) as the course's case {id} says",
        flavour.name(),
        case.n,
        secs(case.max_delay)
    );
    let hint = format!(
        "see the exercise's README.md: {} must run {} concurrently and return the delays in completion order",
        flavour.name(),
        flavour.callee()
    );
    let mode = if case.own {
        probe_core::Mode::Own
    } else {
        probe_core::Mode::Scripted
    };
    let script: Vec<probe_core::Wait> = if case.values.is_empty() {
        case.delays
            .iter()
            .copied()
            .map(probe_core::Wait::honest)
            .collect()
    } else {
        case.delays
            .iter()
            .zip(&case.values)
            .map(|(&wait, &value)| probe_core::Wait { wait, value })
            .collect()
    };
    let (n, max_delay) = (case.n, case.max_delay);
    Check::runtime(
        id,
        &name,
        &hint,
        move || waits::run(f, flavour, mode, n, max_delay, script.clone()),
        move |r: &waits::Waited| judge_waits(&case.expect, r, flavour),
    )
}

/// Each expectation is the Rust checks' own predicate ([`waits::expect`]);
/// only `each_within` and the `sum` and exact forms of `elapsed` exist here
/// alone.
fn judge_waits(expect: &WaitsExpect, r: &waits::Waited, flavour: waits::Flavour) -> Verdict {
    use waits::expect as rule;
    let call = r.call(flavour);
    let within = |limit: Duration| match r.returned.iter().find(|d| **d > limit) {
        Some(d) => Verdict::fail(format!(
            "{call} returned {}, with {} above {}",
            show_durations(&r.returned),
            secs(*d),
            secs(limit)
        )),
        None => Verdict::pass(),
    };
    let elapsed = |elapsed: Elapsed| {
        let (low, high, what) = match elapsed {
            Elapsed::Longest => return rule::takes_longest(r, flavour),
            Elapsed::Sum => {
                let delays = if r.calls.is_empty() {
                    r.returned.clone()
                } else {
                    r.completed()
                };
                let sum: Duration = delays.iter().sum();
                let ticks: Duration = delays.iter().map(|d| tick_ceil(*d)).sum();
                (sum, ticks, format!("the sum of the delays, {}", secs(sum)))
            }
            Elapsed::Exactly(d) => (d, tick_ceil(d), secs(d)),
        };
        Verdict::expect(r.elapsed >= low && r.elapsed <= high, || {
            format!(
                "{call} took {} of runtime time; expected {what}",
                secs(r.elapsed)
            )
        })
    };
    let asked = |flag: Option<bool>| flag.filter(|on| *on);
    when(expect.length, |n| rule::length(r, flavour, n))
        .and_then(|| {
            when(asked(expect.returns_delays), |_| {
                rule::callee_values(r, flavour)
            })
        })
        .and_then(|| {
            when(asked(expect.completion_order), |_| {
                rule::completion_order(r, flavour)
            })
        })
        .and_then(|| when(expect.each_within, within))
        .and_then(|| when(expect.elapsed, elapsed))
        .and_then(|| when(expect.calls, |n| rule::calls(r, flavour, n)))
        .and_then(|| when(expect.calls_with, |max| rule::calls_with(r, flavour, max)))
}

/// `judge(value)` when the case asks for it, else a pass.
fn when<T>(wanted: Option<T>, judge: impl FnOnce(T) -> Verdict) -> Verdict {
    wanted.map_or_else(Verdict::pass, judge)
}

pub(crate) fn measure_time_case(
    id: &str,
    case: MeasureTimeCase,
    f: probe_core::sig::MeasureTime,
) -> Check {
    let name = format!(
        "measure_time({}, {}) as the course's case {id} says",
        case.n,
        secs(case.max_delay)
    );
    let scenario_case = case.clone();
    Check::runtime(
        id,
        &name,
        "return the time wait_n took by tokio::time::Instant, divided by n",
        move || {
            let delays = vec![scenario_case.wait_n_takes; scenario_case.n];
            measure_time::run(
                f,
                probe_core::Mode::Scripted,
                scenario_case.n,
                scenario_case.max_delay,
                Some((scenario_case.wait_n_takes, delays)),
            )
        },
        move |r: &measure_time::Averaged| {
            let want = case.expect.returns;
            Verdict::expect(
                r.returned.abs_diff(want) <= Duration::from_millis(1),
                || {
                    format!(
                        "{} returned {} while wait_n took {}; expected {}",
                        r.call(),
                        secs(r.returned),
                        secs(case.wait_n_takes),
                        secs(want)
                    )
                },
            )
        },
    )
}

pub(crate) fn generator_case(
    id: &str,
    case: GeneratorCase,
    f: probe_core::sig::AsyncGenerator,
) -> Check {
    let name = format!("async_generator() with a consumer as the course's case {id} says");
    let scenario_case = case.clone();
    Check::runtime(
        id,
        &name,
        "wait 1 second before each value, counted from when it is requested; yield 10 values in [0, 10]",
        move || {
            crate::scenario::paused(async_generator::consume(
                f,
                scenario_case.first_ask,
                scenario_case.gap,
            ))
        },
        move |c: &async_generator::Consumed| judge_generator(&case.expect, c),
    )
}

fn judge_generator(expect: &GeneratorExpect, c: &async_generator::Consumed) -> Verdict {
    let consumer = c.consumer();
    if let Some(count) = expect.count
        && (c.items.len() != count || c.ended.is_none())
    {
        return Verdict::fail(format!(
            "with {consumer}, async_generator() yielded {} values{}; expected {count}, then the end",
            c.items.len(),
            if c.ended.is_some() {
                " and ended"
            } else {
                " without ending"
            }
        ));
    }
    if let Some(wait) = expect.each_after_request {
        for (k, item) in c.items.iter().enumerate() {
            let waited = item.delivered - item.requested;
            if waited < wait || waited > tick_ceil(wait) {
                return Verdict::fail(format!(
                    "with {consumer}, value {} arrived {} after it was requested; expected {}",
                    k + 1,
                    secs(waited),
                    secs(wait)
                ));
            }
        }
    }
    if !expect.arrivals.is_empty() {
        let arrived: Vec<Duration> = c.items.iter().map(|i| i.delivered).collect();
        let matches = arrived.len() == expect.arrivals.len()
            && arrived
                .iter()
                .zip(&expect.arrivals)
                .all(|(a, e)| *a >= *e && *a <= tick_ceil(*e));
        if !matches {
            return Verdict::fail(format!(
                "with {consumer}, values arrived at {}; expected {}",
                show_durations(&arrived),
                show_durations(&expect.arrivals)
            ));
        }
    }
    if let Some((low, high)) = expect.values_within {
        let values = c.values();
        if let Some(v) = values.iter().find(|v| !(low..=high).contains(*v)) {
            return Verdict::fail(format!(
                "async_generator() yielded {} ({v} is outside [{low}, {high}])",
                numbers(&values)
            ));
        }
    }
    Verdict::pass()
}
