//! Checks of `10_retry`.

use std::num::NonZeroU32;
use std::time::Duration;

use futures::future::BoxFuture;
use probe_core::{FETCH, Fetch, FetchCall, Mode, Session};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use services::ServiceError;

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, Cases, call, paused, property};
use crate::show::{durations, secs};

type FetchWithRetry =
    fn(u32, NonZeroU32, Duration) -> BoxFuture<'static, Result<String, ServiceError>>;

/// A retry schedule: how many attempts are allowed, the base backoff, how
/// long each fetch takes, and how many fail before one succeeds (at least
/// `attempts`: all of them fail).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Schedule {
    attempts: u32,
    backoff: Duration,
    latency: Duration,
    failures: u32,
}

/// The id every check fetches.
const ID: u32 = 5;

impl Schedule {
    fn call(&self) -> String {
        format!(
            "fetch_with_retry({ID}, {}, {})",
            self.attempts,
            secs(self.backoff)
        )
    }

    /// The scripted fetches of [`ID`]: `failures` errors ("error 1", …),
    /// then successes; more than enough for one attempt too many.
    fn script(&self) -> Vec<Fetch> {
        (1..=self.attempts.max(self.failures) + 2)
            .map(|k| {
                if k <= self.failures {
                    Fetch::fails(ID, self.latency, &format!("error {k}"))
                } else {
                    Fetch::ok(ID, self.latency)
                }
            })
            .collect()
    }

    /// What a correct fetch_with_retry does: when each attempt starts, and
    /// what it returns when.
    fn expected(&self) -> (Vec<Duration>, Result<String, ServiceError>, Duration) {
        let calls = (self.failures + 1).min(self.attempts);
        let mut starts = Vec::new();
        let mut at = Duration::ZERO;
        for k in 1..=calls {
            starts.push(at);
            at += self.latency;
            if k < calls {
                at += self.backoff * 2u32.pow(k - 1);
            }
        }
        let returned = if self.failures < self.attempts {
            Ok(format!("record {ID}"))
        } else {
            Err(ServiceError {
                id: ID,
                reason: format!("error {}", self.attempts),
            })
        };
        (starts, returned, at)
    }

    fn describe(&self) -> String {
        let fails = if self.failures >= self.attempts {
            "every fetch fails".to_owned()
        } else {
            format!("the first {} fetches fail", self.failures)
        };
        format!("each fetch takes {} and {fails}", secs(self.latency))
    }
}

/// One call of the student's fetch_with_retry and every fetch it made.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Retried {
    schedule: Schedule,
    returned: Result<String, ServiceError>,
    elapsed: Duration,
    calls: Vec<FetchCall>,
}

impl Retried {
    fn starts(&self) -> Vec<Duration> {
        self.calls.iter().map(|c| c.started).collect()
    }

    /// Everything that differs from a correct call, for messages; empty
    /// when it is right.
    fn wrong(&self) -> Vec<String> {
        let (starts, returned, elapsed) = self.schedule.expected();
        let mut wrong = Vec::new();
        if self.starts() != starts {
            wrong.push(format!(
                "it started fetches at {}, expected at {}",
                durations(&self.starts()),
                durations(&starts)
            ));
        }
        if self.returned != returned {
            wrong.push(format!(
                "it returned {}, expected {}",
                show(&self.returned),
                show(&returned)
            ));
        }
        if self.elapsed != elapsed {
            wrong.push(format!(
                "it returned after {}, expected {}",
                secs(self.elapsed),
                secs(elapsed)
            ));
        }
        wrong
    }
}

fn show(result: &Result<String, ServiceError>) -> String {
    match result {
        Ok(record) => format!("Ok({record:?})"),
        Err(e) => format!("Err({e})"),
    }
}

fn run(f: FetchWithRetry, schedule: Schedule) -> Result<Retried, Failure> {
    paused(async move {
        let session = Session::new(Mode::Scripted);
        session.script(FETCH, schedule.script());
        let _installed = session.install();
        let attempts = NonZeroU32::new(schedule.attempts).expect("schedules allow an attempt");
        let site = Site::called("fetch_with_retry", schedule.call());
        let t = call(site, CALL_LIMIT, f(ID, attempts, schedule.backoff)).await?;
        Ok(Retried {
            schedule,
            returned: t.value,
            elapsed: t.elapsed,
            calls: session.records(FETCH),
        })
    })
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Two failures, then a success; five attempts allowed, 100 ms backoff.
const RECOVERS: Schedule = Schedule {
    attempts: 5,
    backoff: Duration::from_millis(100),
    latency: Duration::from_secs(1),
    failures: 2,
};

/// Every fetch fails; three attempts allowed, 1 s backoff.
const NEVER: Schedule = Schedule {
    attempts: 3,
    backoff: Duration::from_secs(1),
    latency: Duration::from_secs(1),
    failures: 100,
};

/// The first fetch succeeds.
const AT_ONCE: Schedule = Schedule {
    attempts: 3,
    backoff: Duration::from_secs(1),
    latency: Duration::from_secs(1),
    failures: 0,
};

/// Every check of the exercise, hidden ones included.
pub(crate) fn checks(subject: crate::subject::Retry) -> Vec<Check> {
    let f = subject.fetch_with_retry;
    vec![
        Check::runtime(
            "retries_until_ok",
            "retries after a failure and returns the first record",
            "call fetch again after each Err, until one returns Ok or the attempts run out",
            move || run(f, RECOVERS),
            |r: &Retried| {
                let ok = r.returned == Ok(format!("record {ID}")) && r.calls.len() == 3;
                Verdict::expect(ok, || {
                    format!(
                        "{} returned {} after {} calls of fetch; {}: expected Ok(\"record {ID}\") from the third call",
                        r.schedule.call(),
                        show(&r.returned),
                        r.calls.len(),
                        r.schedule.describe()
                    )
                })
            },
        ),
        Check::runtime(
            "backoff_doubles",
            "waits backoff, then twice as long, before the next attempts",
            "after the k-th failure sleep backoff * 2^(k-1): 100ms, then 200ms, … (tokio::time::sleep)",
            move || run(f, RECOVERS),
            |r: &Retried| {
                let (starts, _, _) = r.schedule.expected();
                Verdict::expect(r.starts() == starts, || {
                    format!(
                        "{} started its fetches at {}; {}: expected them at {} (1s fetch, 100ms wait, 1s fetch, 200ms wait, …)",
                        r.schedule.call(),
                        durations(&r.starts()),
                        r.schedule.describe(),
                        durations(&starts)
                    )
                })
            },
        ),
        Check::runtime(
            "gives_up_after_attempts",
            "makes at most `attempts` calls and returns the last error",
            "count the attempts: after the last one fails, return its error (not the first one's)",
            move || run(f, NEVER),
            |r: &Retried| {
                let last = Err(ServiceError {
                    id: ID,
                    reason: "error 3".into(),
                });
                Verdict::expect(r.calls.len() == 3 && r.returned == last, || {
                    format!(
                        "{} called fetch {} times and returned {}; {}: expected 3 calls and {}",
                        r.schedule.call(),
                        r.calls.len(),
                        show(&r.returned),
                        r.schedule.describe(),
                        show(&last)
                    )
                })
            },
        ),
        Check::runtime(
            "no_wait_after_last_attempt",
            "returns the moment the last attempt fails",
            "there is no next attempt to wait for: do not sleep after the last failure",
            move || run(f, NEVER),
            |r: &Retried| {
                let last_end = r.calls.last().and_then(|c| c.ended);
                Verdict::expect(last_end == Some(r.elapsed), || {
                    format!(
                        "{} returned after {}, but its last fetch ended at {}; expected it to return then",
                        r.schedule.call(),
                        secs(r.elapsed),
                        last_end.map_or("(never)".to_owned(), secs)
                    )
                })
            },
        ),
        Check::runtime(
            "first_try_ok",
            "returns at once when the first fetch succeeds",
            "fetch first, and wait only after a failure",
            move || run(f, AT_ONCE),
            |r: &Retried| {
                let ok = r.returned == Ok(format!("record {ID}"))
                    && r.calls.len() == 1
                    && r.elapsed == AT_ONCE.latency;
                Verdict::expect(ok, || {
                    format!(
                        "{} returned {} after {}, calling fetch {} times; the first fetch succeeds after 1s: expected Ok(\"record {ID}\") after 1s, one call",
                        r.schedule.call(),
                        show(&r.returned),
                        secs(r.elapsed),
                        r.calls.len()
                    )
                })
            },
        ),
        Check::runtime(
            "any_schedule",
            "follows the retry schedule for any attempts, backoff and failures",
            "attempt k starts after k-1 failed fetches and the waits backoff, 2×backoff, 4×backoff, …; at most `attempts` calls; the first Ok or the last Err",
            move || {
                let strategy = (1u32..=6, 1u64..=2_000, 1u64..=1_000, 0u32..=7).prop_map(
                    |(attempts, backoff, latency, failures)| Schedule {
                        attempts,
                        backoff: ms(backoff),
                        latency: ms(latency),
                        failures,
                    },
                );
                Ok(property(
                    48,
                    strategy,
                    |schedule| run(f, *schedule),
                    |_, result| result.as_ref().is_ok_and(|r| r.wrong().is_empty()),
                ))
            },
            |cases: &Cases<Schedule, Retried>| {
                cases.judge(
                    |a, b| {
                        (a.attempts, a.failures, a.backoff, a.latency).cmp(&(
                            b.attempts, b.failures, b.backoff, b.latency,
                        ))
                    },
                    |_, result| match result {
                        Err(failure) => Some(failure.verdict()),
                        Ok(r) => {
                            let wrong = r.wrong();
                            (!wrong.is_empty()).then(|| {
                                let text = wrong.join("; ");
                                Verdict::fail(format!("I{}", &text[1..]))
                            })
                        }
                    },
                    |s| format!("{} where {}", s.call(), s.describe()),
                )
            },
        ),
    ]
}
