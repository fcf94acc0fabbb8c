//! Checks of `05_async_generator`.

use std::time::Duration;

use futures::StreamExt;
use futures::future::join_all;
use probe_core::{Item, sig};
use serde::{Deserialize, Serialize};
use tokio::time::{Instant, sleep};

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{call, call_sync, paused};
use crate::show::{numbers, secs, tick_ceil};

const SECOND: Duration = Duration::from_secs(1);
/// More values than this means the stream does not stop at 10.
const CAP: usize = 50;
/// Runtime time one value may take before it counts as never coming.
const VALUE_LIMIT: Duration = Duration::from_secs(600);

/// How a consumer pulled values from one stream.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Consumed {
    /// How long the consumer waited before asking for the first value.
    pub first_ask: Duration,
    /// How long it waited after each value before asking for the next.
    pub gap: Duration,
    pub items: Vec<Item>,
    /// When the stream said it had no more values.
    pub ended: Option<Duration>,
}

impl Consumed {
    pub(crate) fn values(&self) -> Vec<f64> {
        self.items.iter().map(|i| i.value).collect()
    }

    pub(crate) fn consumer(&self) -> String {
        match (self.first_ask.is_zero(), self.gap.is_zero()) {
            (true, true) => {
                "a consumer asking for each value as soon as it has the previous one".into()
            }
            _ => format!(
                "a consumer that waits {} before asking for the first value and {} after each value",
                secs(self.first_ask),
                secs(self.gap)
            ),
        }
    }
}

/// Creates the stream, then asks for values on the given schedule, timing
/// every request and arrival by the runtime's clock.
pub(crate) async fn consume(
    f: sig::AsyncGenerator,
    first_ask: Duration,
    gap: Duration,
) -> Result<Consumed, Failure> {
    let origin = Instant::now();
    let mut stream = call_sync(Site::called("async_generator", "async_generator()"), f)?;
    sleep(first_ask).await;
    let mut items = Vec::new();
    let mut ended = None;
    while items.len() < CAP {
        let requested = origin.elapsed();
        let text = format!("async_generator(): asking for value {}", items.len() + 1);
        match call(
            Site::called("async_generator", text),
            VALUE_LIMIT,
            stream.next(),
        )
        .await?
        .value
        {
            Some(value) => items.push(Item {
                requested,
                delivered: origin.elapsed(),
                value,
            }),
            None => {
                ended = Some(origin.elapsed());
                break;
            }
        }
        sleep(gap).await;
    }
    Ok(Consumed {
        first_ask,
        gap,
        items,
        ended,
    })
}

/// Values of `streams` generators consumed side by side.
async fn many_values(f: sig::AsyncGenerator, streams: usize) -> Result<Vec<f64>, Failure> {
    let runs = join_all((0..streams).map(|_| consume(f, Duration::ZERO, Duration::ZERO))).await;
    let mut values = Vec::new();
    for run in runs {
        values.extend(run?.values());
    }
    Ok(values)
}

/// Every value must arrive exactly 1 s (to the tick) after it was requested.
fn paced(c: &Consumed) -> Verdict {
    for (k, item) in c.items.iter().enumerate() {
        let waited = item.delivered - item.requested;
        if waited != SECOND && waited != tick_ceil(SECOND) {
            return Verdict::fail(format!(
                "with {}, value {} was requested at {} and arrived at {}: after {}, not 1s",
                c.consumer(),
                k + 1,
                secs(item.requested),
                secs(item.delivered),
                secs(waited)
            ));
        }
    }
    Verdict::pass()
}

pub(crate) fn checks(s: crate::subject::AsyncGenerator) -> Vec<Check> {
    let f = s.async_generator;
    let secs_f = Duration::from_secs;
    vec![
        Check::runtime(
            "yields_ten",
            "yields exactly 10 values, then ends",
            "loop exactly 10 times, yielding once per iteration; the stream ends when the loop does",
            move || paused(consume(f, Duration::ZERO, Duration::ZERO)),
            |c: &Consumed| {
                Verdict::expect(c.items.len() == 10 && c.ended.is_some(), || match c.ended {
                    Some(_) => format!(
                        "async_generator() yielded {} values, then ended: {}; expected 10",
                        c.items.len(),
                        numbers(&c.values())
                    ),
                    None => format!(
                        "async_generator() was still yielding after {} values; expected it to end after 10",
                        c.items.len()
                    ),
                })
            },
        ),
        Check::runtime(
            "one_second_each",
            "waits 1 second before each value",
            "await tokio::time::sleep(Duration::from_secs(1)) right before each yield",
            move || paused(consume(f, Duration::ZERO, Duration::ZERO)),
            paced,
        ),
        Check::runtime(
            "lazy_start",
            "does nothing until the first value is asked for",
            "do the waiting inside the stream (e.g. async_stream::stream!), not in a task or timer \
             started when async_generator() is called",
            move || paused(consume(f, secs_f(5), Duration::ZERO)),
            paced,
        ),
        Check::runtime(
            "slow_consumer",
            "counts each 1-second wait from when the value is requested",
            "sleep for 1 second after each request; a fixed schedule (tokio::time::interval, \
             sleep_until start + k s) lets values pile up while the consumer is busy",
            move || paused(consume(f, Duration::ZERO, Duration::from_millis(2_500))),
            paced,
        ),
        Check::runtime(
            "values_in_range",
            "yields numbers between 0 and 10",
            "draw each number with rng.random_range(0.0..=10.0)",
            move || paused(many_values(f, 30)),
            |values: &Vec<f64>| {
                let outside: Vec<_> = values
                    .iter()
                    .copied()
                    .filter(|v| !(0.0..=10.0).contains(v))
                    .collect();
                Verdict::expect(outside.is_empty(), || {
                    format!(
                        "async_generator() yielded {} values outside [0, 10]: {}",
                        outside.len(),
                        numbers(&outside)
                    )
                })
            },
        ),
        Check::runtime(
            "values_random",
            "yields a different random real number each time",
            "draw a new f64 for every value, e.g. rand::rng().random_range(0.0..=10.0); not an integer, not a constant",
            move || paused(many_values(f, 30)),
            |values: &Vec<f64>| {
                let mut distinct: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
                distinct.sort_unstable();
                distinct.dedup();
                let all_whole = values.iter().all(|v| v.fract() == 0.0);
                Verdict::expect(
                    !all_whole && distinct.len() * 100 >= values.len() * 95,
                    || {
                        format!(
                            "{} values from 30 streams had only {} different numbers{}: {}",
                            values.len(),
                            distinct.len(),
                            if all_whole { ", all whole" } else { "" },
                            numbers(values)
                        )
                    },
                )
            },
        ),
        Check::runtime(
            "values_cover_range",
            "spreads its numbers over the whole range [0, 10]",
            "draw uniformly over the whole range: rng.random_range(0.0..=10.0)",
            move || paused(many_values(f, 30)),
            |values: &Vec<f64>| {
                // Each unit of [0, 10] misses all 300 uniform draws with
                // probability 0.9^300 ≈ 2e-14.
                let mut hits = [0usize; 10];
                for v in values.iter().filter(|v| (0.0..=10.0).contains(*v)) {
                    hits[(*v as usize).min(9)] += 1;
                }
                match hits.iter().position(|h| *h == 0) {
                    None => Verdict::pass(),
                    Some(unit) => Verdict::fail(format!(
                        "{} values from 30 streams had none between {unit} and {}: {}",
                        values.len(),
                        unit + 1,
                        numbers(values)
                    )),
                }
            },
        ),
    ]
}

/// The check a `case:` of `checks.yaml` declares.
pub(crate) fn cases(
    s: crate::subject::AsyncGenerator,
    spec: &crate::course::cases::CaseSpec,
    id: &str,
) -> Option<Check> {
    match spec {
        crate::course::cases::CaseSpec::Generator(case) => {
            Some(crate::course::cases::generator_case(id, case.clone(), s.async_generator))
        }
        _ => None,
    }
}
