//! Checks of `08_first_completed`.

use std::time::Duration;

use futures::future::BoxFuture;
use probe_core::{Call, Mode, Session, WAIT_RANDOM, Wait};
use serde::{Deserialize, Serialize};

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, call, paused};
use crate::show::{durations, secs, tick_ceil};

/// The exercise's signature, as the subject holds it.
type FirstCompleted = fn(usize, Duration) -> BoxFuture<'static, Option<Duration>>;

/// One call of the student's first_completed, and every wait_random call it
/// made, watched until every wait would have ended had none been cancelled.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Raced {
    n: usize,
    max_delay: Duration,
    returned: Option<Duration>,
    /// Runtime time until first_completed returned.
    elapsed: Duration,
    calls: Vec<Call<Duration, Duration>>,
}

impl Raced {
    fn call(&self) -> String {
        format!("first_completed({}, {})", self.n, secs(self.max_delay))
    }

    /// The first wait to complete (by index), if any did by the time
    /// first_completed returned.
    fn winner(&self) -> Option<usize> {
        (0..self.calls.len())
            .filter(|i| self.calls[*i].ended.is_some_and(|e| e <= self.elapsed))
            .min_by_key(|i| self.calls[*i].ended)
    }

    /// How long each wait lasted and what it returned, as the script set them.
    fn scripted(&self, script: &[Wait]) -> String {
        let waits: Vec<Duration> = script.iter().map(|w| w.wait).collect();
        let values: Vec<Duration> = script.iter().map(|w| w.value).collect();
        format!(
            "the waits lasted {} and returned {}",
            durations(&waits),
            durations(&values)
        )
    }
}

/// Calls `f(n, max_delay)` under paused time, its wait_random calls scripted
/// by `script` (in call order) unless `mode` is [`Mode::Own`]; then lets
/// `max_delay` more pass, so a wait left running is seen completing.
fn run(
    f: FirstCompleted,
    mode: Mode,
    n: usize,
    max_delay: Duration,
    script: Vec<Wait>,
) -> Result<Raced, Failure> {
    paused(async move {
        let session = Session::new(mode);
        session.script(WAIT_RANDOM, script);
        let _installed = session.install();
        let site = Site::called(
            "first_completed",
            format!("first_completed({n}, {})", secs(max_delay)),
        );
        let t = call(site, CALL_LIMIT, f(n, max_delay)).await?;
        tokio::time::sleep(max_delay + Duration::from_secs(1)).await;
        Ok(Raced {
            n,
            max_delay,
            returned: t.value,
            elapsed: t.elapsed,
            calls: session.records(WAIT_RANDOM),
        })
    })
}

fn s(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Four waits whose values are not their lengths: the 1 s wait completes
/// first and returns 4.5 s, so returning the first started (2 s), the
/// smallest value (1 s) or the time waited (1 s) all show.
fn race() -> Vec<Wait> {
    [(4_000, 2_000), (1_000, 4_500), (3_000, 1_000), (2_000, 3_000)]
        .into_iter()
        .map(|(wait, value)| Wait {
            wait: ms(wait),
            value: ms(value),
        })
        .collect()
}

/// Every check of the exercise, hidden ones included.
pub(crate) fn checks(subject: crate::subject::FirstCompleted) -> Vec<Check> {
    let f = subject.first_completed;
    vec![
        Check::runtime(
            "returns_first_to_complete",
            "returns the value of the first wait to complete",
            "race the waits (FuturesUnordered's next(), select_all, or JoinSet's join_next) and return what the first one to finish returned",
            move || run(f, Mode::Scripted, 4, s(5), race()),
            |r: &Raced| {
                Verdict::expect(r.returned == Some(ms(4_500)), || {
                    format!(
                        "{} returned {}; {}, so the first to complete (the 1s wait) returned 4.5s: expected Some(4.5s)",
                        r.call(),
                        show(r.returned),
                        r.scripted(&race())
                    )
                })
            },
        ),
        Check::runtime(
            "returns_at_first_completion",
            "returns the moment the first wait completes",
            "do not wait for all of them (join_all waits for the slowest): stop at the first result",
            move || run(f, Mode::Scripted, 4, s(5), race()),
            |r: &Raced| {
                Verdict::expect(r.elapsed == s(1), || {
                    format!(
                        "{} returned after {}; {}, so the first completed after 1s: expected it to return at 1s",
                        r.call(),
                        secs(r.elapsed),
                        r.scripted(&race())
                    )
                })
            },
        ),
        Check::runtime(
            "cancels_the_rest",
            "cancels the other waits the moment it returns",
            "drop the futures still running (return, or drop the FuturesUnordered); spawned tasks must be aborted (JoinSet does it when dropped, a JoinHandle does not)",
            move || run(f, Mode::Scripted, 4, s(5), race()),
            cancels_the_rest,
        ),
        Check::runtime(
            "starts_all_at_once",
            "starts all n waits at once",
            "call wait_random(max_delay) n times before awaiting anything, then race them",
            move || run(f, Mode::Scripted, 4, s(5), race()),
            |r: &Raced| {
                let starts: Vec<Duration> = r.calls.iter().map(|c| c.started).collect();
                let args: Vec<Duration> = r.calls.iter().map(|c| c.args).collect();
                let ok = r.calls.len() == r.n
                    && starts.iter().all(Duration::is_zero)
                    && args.iter().all(|a| *a == r.max_delay);
                Verdict::expect(ok, || {
                    format!(
                        "{} called wait_random {} times, with max_delay {}, starting at {}; expected {} calls of wait_random({}), all starting at 0s",
                        r.call(),
                        r.calls.len(),
                        durations(&args),
                        durations(&starts),
                        r.n,
                        secs(r.max_delay)
                    )
                })
            },
        ),
        Check::runtime(
            "zero_waits",
            "first_completed(0, …) returns None at once",
            "with no waits there is no first one: return None without waiting (select_all panics on an empty list)",
            move || run(f, Mode::Scripted, 0, s(5), vec![]),
            |r: &Raced| {
                Verdict::expect(
                    r.returned.is_none() && r.elapsed.is_zero() && r.calls.is_empty(),
                    || {
                        format!(
                            "{} returned {} after {}, calling wait_random {} times; expected None at once, with no calls",
                            r.call(),
                            show(r.returned),
                            secs(r.elapsed),
                            r.calls.len()
                        )
                    },
                )
            },
        ),
        Check::runtime(
            "with_own_wait_random",
            "works with your own wait_random",
            "this check runs first_completed with your wait_random instead of the course's probe; fix that exercise first",
            move || run(f, Mode::Own, 10, s(2), vec![]),
            |r: &Raced| {
                let winner = r.winner().map(|i| &r.calls[i]);
                let first = winner.and_then(|c| c.returned);
                let ok = r.returned.is_some()
                    && r.returned == first
                    && r.returned.is_some_and(|d| d <= r.max_delay)
                    && winner.and_then(|c| c.ended) == Some(r.elapsed)
                    && r.elapsed <= tick_ceil(r.max_delay);
                Verdict::expect(ok, || {
                    format!(
                        "{} with your wait_random returned {} after {}; the first wait to complete returned {}: expected that value, at that moment",
                        r.call(),
                        show(r.returned),
                        secs(r.elapsed),
                        show(first)
                    )
                })
            },
        )
        .own_earlier(),
    ]
}

/// Every wait but the winner was cancelled exactly when first_completed
/// returned, and none completed after it.
fn cancels_the_rest(r: &Raced) -> Verdict {
    let winner = r.winner();
    let mut late = Vec::new();
    for (i, c) in r.calls.iter().enumerate() {
        if Some(i) == winner {
            continue;
        }
        match (c.ended, c.cancelled) {
            (Some(ended), _) if ended > r.elapsed => late.push(format!(
                "wait {} ran on and completed at {}",
                i + 1,
                secs(ended)
            )),
            (None, Some(at)) if at != r.elapsed => late.push(format!(
                "wait {} was cancelled at {}",
                i + 1,
                secs(at)
            )),
            (None, None) => late.push(format!("wait {} was never cancelled", i + 1)),
            _ => {}
        }
    }
    Verdict::expect(late.is_empty(), || {
        format!(
            "{} returned at {}, but {}; expected every other wait cancelled at {}",
            r.call(),
            secs(r.elapsed),
            late.join(", "),
            secs(r.elapsed)
        )
    })
}

fn show(d: Option<Duration>) -> String {
    d.map_or("None".to_owned(), |d| format!("Some({})", secs(d)))
}
