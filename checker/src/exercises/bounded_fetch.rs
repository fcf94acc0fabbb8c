//! Checks of `11_bounded_fetch`.

use std::num::NonZeroUsize;
use std::time::Duration;

use futures::future::BoxFuture;
use probe_core::{FETCH, Fetch, FetchCall, Mode, Session};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use services::ServiceError;

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, Cases, call, paused, property};
use crate::show::{durations, secs};

type BoundedFetch =
    fn(Vec<u32>, NonZeroUsize) -> BoxFuture<'static, Vec<Result<String, ServiceError>>>;

/// What a check asks: the ids, the limit, and how long each id's fetch
/// takes (in the order of the ids) and whether it fails.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Load {
    limit: usize,
    /// Per id, in the order given: (id, latency, fails).
    fetches: Vec<(u32, Duration, bool)>,
}

impl Load {
    fn ids(&self) -> Vec<u32> {
        self.fetches.iter().map(|f| f.0).collect()
    }

    fn call(&self) -> String {
        format!("bounded_fetch({:?}, {})", self.ids(), self.limit)
    }

    fn script(&self) -> Vec<Fetch> {
        self.fetches
            .iter()
            .map(|&(id, latency, fails)| Fetch::scripted(id, latency, fails))
            .collect()
    }

    fn expected(&self) -> Vec<Result<String, ServiceError>> {
        self.fetches
            .iter()
            .map(|&(id, _, fails)| {
                if fails {
                    Err(ServiceError {
                        id,
                        reason: "timed out".into(),
                    })
                } else {
                    Ok(format!("record {id}"))
                }
            })
            .collect()
    }

    fn describe(&self) -> String {
        let parts: Vec<String> = self
            .fetches
            .iter()
            .map(|(id, latency, fails)| {
                format!(
                    "fetch({id}) {} after {}",
                    if *fails { "fails" } else { "succeeds" },
                    secs(*latency)
                )
            })
            .collect();
        parts.join(", ")
    }
}

/// One call of the student's bounded_fetch and every fetch it made.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Bounded {
    load: Load,
    returned: Vec<Result<String, ServiceError>>,
    elapsed: Duration,
    calls: Vec<FetchCall>,
}

impl Bounded {
    /// Each fetch's time in flight: from its start to its end (completed
    /// or cancelled; never ended: forever).
    fn spans(&self) -> Vec<(Duration, Duration)> {
        self.calls
            .iter()
            .map(|c| (c.started, c.ended.or(c.cancelled).unwrap_or(Duration::MAX)))
            .collect()
    }

    /// Fetches in flight at `t`: started at or before it, not yet ended
    /// (one that ends at `t` has given its place to one starting at `t`).
    fn in_flight(&self, t: Duration) -> usize {
        self.spans().iter().filter(|(s, e)| *s <= t && t < *e).count()
    }

    /// Every instant something started or ended, in order.
    fn events(&self) -> Vec<Duration> {
        let mut events: Vec<Duration> = self
            .spans()
            .into_iter()
            .flat_map(|(s, e)| [s, e])
            .filter(|t| *t != Duration::MAX)
            .chain([Duration::ZERO])
            .collect();
        events.sort();
        events.dedup();
        events
    }

    /// The first instant more than `limit` fetches were in flight.
    fn over_limit(&self) -> Option<(Duration, usize)> {
        self.events()
            .into_iter()
            .map(|t| (t, self.in_flight(t)))
            .find(|(_, n)| *n > self.load.limit)
    }

    /// The first instant fewer fetches were in flight than the limit allows
    /// while ids were still waiting to be fetched: (when, in flight, waiting
    /// or running).
    fn idle(&self) -> Option<(Duration, usize, usize)> {
        let n = self.load.fetches.len();
        self.events().into_iter().find_map(|t| {
            let done = self
                .calls
                .iter()
                .filter(|c| c.ended.is_some_and(|e| e <= t))
                .count();
            let unfinished = n.saturating_sub(done);
            let running = self.in_flight(t);
            (unfinished > 0 && running < self.load.limit.min(unfinished))
                .then_some((t, running, unfinished))
        })
    }

    fn fetched_each_once(&self) -> bool {
        let mut fetched: Vec<u32> = self.calls.iter().map(|c| c.args).collect();
        let mut ids = self.load.ids();
        fetched.sort_unstable();
        ids.sort_unstable();
        fetched == ids
    }

    /// Everything wrong, for the property check; empty when right.
    fn wrong(&self) -> Vec<String> {
        let mut wrong = Vec::new();
        if let Some((t, n)) = self.over_limit() {
            wrong.push(format!("{n} fetches were in flight at {}", secs(t)));
        }
        if let Some((t, running, waiting)) = self.idle() {
            wrong.push(format!(
                "at {} only {running} fetches were in flight while {waiting} were unfinished",
                secs(t)
            ));
        }
        if !self.fetched_each_once() {
            wrong.push(format!("it fetched {:?}", self.fetched()));
        }
        if self.returned != self.load.expected() {
            wrong.push(format!("it returned {}", show_all(&self.returned)));
        }
        wrong
    }

    fn fetched(&self) -> Vec<u32> {
        self.calls.iter().map(|c| c.args).collect()
    }

    fn starts(&self) -> Vec<Duration> {
        self.calls.iter().map(|c| c.started).collect()
    }
}

fn show_all(results: &[Result<String, ServiceError>]) -> String {
    let parts: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(record) => format!("Ok({record:?})"),
            Err(e) => format!("Err({e})"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

fn run(f: BoundedFetch, load: Load) -> Result<Bounded, Failure> {
    paused(async move {
        let session = Session::new(Mode::Scripted);
        session.script(FETCH, load.script());
        let _installed = session.install();
        let limit = NonZeroUsize::new(load.limit).expect("loads have a limit");
        let site = Site::called("bounded_fetch", load.call());
        let t = call(site, CALL_LIMIT, f(load.ids(), limit)).await?;
        // A fetch left running shows as one that never ended.
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(Bounded {
            load,
            returned: t.value,
            elapsed: t.elapsed,
            calls: session.records(FETCH),
        })
    })
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Six fetches of unequal latency, two at a time: the second finishes
/// first, so the third must start at 1s, not when the first does.
fn six_by_two() -> Load {
    let latencies = [3_000, 1_000, 2_000, 1_500, 500, 2_500];
    Load {
        limit: 2,
        fetches: (1..=6)
            .zip(latencies)
            .map(|(id, l)| (id, ms(l), false))
            .collect(),
    }
}

/// Four fetches, the second failing after 1 s, two at a time.
fn one_fails() -> Load {
    Load {
        limit: 2,
        fetches: vec![
            (1, ms(2_000), false),
            (2, ms(1_000), true),
            (3, ms(1_000), false),
            (4, ms(500), false),
        ],
    }
}

/// Three fetches and room for ten.
fn roomy() -> Load {
    Load {
        limit: 10,
        fetches: vec![(1, ms(300), false), (2, ms(900), false), (3, ms(600), false)],
    }
}

/// Every check of the exercise, hidden ones included.
pub(crate) fn checks(subject: crate::subject::BoundedFetch) -> Vec<Check> {
    let f = subject.bounded_fetch;
    vec![
        Check::runtime(
            "in_order_of_ids",
            "returns every result in the order of the ids",
            "remember each id's position (enumerate) and put its result there, whatever order the fetches finish in",
            move || run(f, six_by_two()),
            |r: &Bounded| {
                Verdict::expect(r.returned == r.load.expected(), || {
                    format!(
                        "{} returned {}; {}: expected {}",
                        r.load.call(),
                        show_all(&r.returned),
                        r.load.describe(),
                        show_all(&r.load.expected())
                    )
                })
            },
        ),
        Check::runtime(
            "never_over_limit",
            "never has more than `limit` fetches in flight",
            "hold a tokio::sync::Semaphore permit for the whole fetch (`let _permit = sem.acquire().await`, not `let _ =`, which drops it at once), or use buffer_unordered(limit)",
            move || run(f, six_by_two()),
            |r: &Bounded| {
                let over = r.over_limit();
                Verdict::expect(over.is_none() && r.fetched_each_once(), || match over {
                    Some((t, n)) => format!(
                        "{}: at {} {n} fetches were in flight (fetches of {:?} started at {}); expected at most {}",
                        r.load.call(),
                        secs(t),
                        r.fetched(),
                        durations(&r.starts()),
                        r.load.limit
                    ),
                    None => format!(
                        "{} fetched {:?}; expected each id fetched once",
                        r.load.call(),
                        r.fetched()
                    ),
                })
            },
        ),
        Check::runtime(
            "keeps_limit_busy",
            "starts the next fetch the moment one ends",
            "do not fetch in batches of `limit` (chunks, or buffered(), which waits for the oldest): start a new fetch whenever any one finishes (buffer_unordered, or a semaphore)",
            move || run(f, six_by_two()),
            |r: &Bounded| {
                let idle = r.idle();
                Verdict::expect(idle.is_none(), || {
                    let (t, running, unfinished) = idle.expect("idle");
                    format!(
                        "{}: at {} only {running} fetch(es) were in flight while {unfinished} were unfinished (fetches of {:?} started at {}); {}: expected {} in flight whenever that many are unfinished",
                        r.load.call(),
                        secs(t),
                        r.fetched(),
                        durations(&r.starts()),
                        r.load.describe(),
                        r.load.limit
                    )
                })
            },
        ),
        Check::runtime(
            "keeps_errors",
            "keeps a failed fetch's error in its place, and its slot goes to the next id",
            "a failed fetch is an Err value in the results; it frees its place like any other",
            move || run(f, one_fails()),
            |r: &Bounded| {
                let ok = r.returned == r.load.expected() && r.idle().is_none();
                Verdict::expect(ok, || {
                    format!(
                        "{} returned {}, its fetches of {:?} starting at {}; {}: expected {}, fetch(3) starting at 1s when fetch(2) fails, fetch(4) at 2s",
                        r.load.call(),
                        show_all(&r.returned),
                        r.fetched(),
                        durations(&r.starts()),
                        r.load.describe(),
                        show_all(&r.load.expected())
                    )
                })
            },
        ),
        Check::runtime(
            "all_at_once_under_limit",
            "starts every fetch at once when the limit allows",
            "with fewer ids than the limit nothing has to wait",
            move || run(f, roomy()),
            |r: &Bounded| {
                let ok = r.starts().iter().all(Duration::is_zero)
                    && r.fetched_each_once()
                    && r.elapsed == ms(900);
                Verdict::expect(ok, || {
                    format!(
                        "{} fetched {:?} starting at {} and returned after {}; {}: expected every fetch started at 0s, and the call to return after 900ms",
                        r.load.call(),
                        r.fetched(),
                        durations(&r.starts()),
                        secs(r.elapsed),
                        r.load.describe()
                    )
                })
            },
        ),
        Check::runtime(
            "empty",
            "bounded_fetch(vec![], …) returns no results at once",
            "with no ids there is nothing to fetch: return an empty Vec",
            move || {
                run(
                    f,
                    Load {
                        limit: 3,
                        fetches: vec![],
                    },
                )
            },
            |r: &Bounded| {
                Verdict::expect(r.returned.is_empty() && r.elapsed.is_zero(), || {
                    format!(
                        "{} returned {} after {}; expected [] at once",
                        r.load.call(),
                        show_all(&r.returned),
                        secs(r.elapsed)
                    )
                })
            },
        ),
        Check::runtime(
            "any_load",
            "keeps exactly `limit` fetches in flight for any ids, latencies and limit",
            "at most `limit` at a time, a new one the moment one ends, results in the order of the ids",
            move || {
                let strategy = (1usize..=5, prop::collection::vec((1u64..=40, any::<bool>()), 0..=10))
                    .prop_map(|(limit, fetches)| Load {
                        limit,
                        fetches: fetches
                            .into_iter()
                            .enumerate()
                            .map(|(i, (tenths, fails))| (i as u32 + 1, ms(tenths * 100), fails))
                            .collect(),
                    });
                Ok(property(
                    48,
                    strategy,
                    |load| run(f, load.clone()),
                    |_, result| result.as_ref().is_ok_and(|r| r.wrong().is_empty()),
                ))
            },
            |cases: &Cases<Load, Bounded>| {
                cases.judge(
                    |a, b| (a.fetches.len(), a.limit).cmp(&(b.fetches.len(), b.limit)),
                    |_, result| match result {
                        Err(failure) => Some(failure.verdict()),
                        Ok(r) => {
                            let wrong = r.wrong();
                            (!wrong.is_empty()).then(|| {
                                Verdict::fail(format!("{}: {}", r.load.call(), wrong.join("; ")))
                            })
                        }
                    },
                    |load| format!("{} where {}", load.call(), load.describe()),
                )
            },
        ),
    ]
}
