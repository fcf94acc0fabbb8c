//! Checks of `09_gather`.

use std::time::Duration;

use probe_core::{FETCH, Fetch, FetchCall, Mode, Session};
use serde::{Deserialize, Serialize};
use services::ServiceError;

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, call, paused};
use crate::show::{durations, secs};

/// One call of `gather` or `gather_or_first_error`, and every fetch it
/// made, watched until every fetch would have ended had none been cancelled.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Gathered<T> {
    function: String,
    ids: Vec<u32>,
    returned: T,
    /// Runtime time until the call returned.
    elapsed: Duration,
    calls: Vec<FetchCall>,
}

impl<T> Gathered<T> {
    fn call(&self) -> String {
        format!("{}({:?})", self.function, self.ids)
    }

    fn starts(&self) -> Vec<Duration> {
        self.calls.iter().map(|c| c.started).collect()
    }

    fn fetched(&self) -> Vec<u32> {
        self.calls.iter().map(|c| c.args).collect()
    }

    /// Fetches that completed after the call returned, or were cancelled at
    /// another moment than the call returned, or were left pending.
    fn ran_on(&self) -> Vec<String> {
        self.calls
            .iter()
            .filter_map(|c| match (c.ended, c.cancelled) {
                (Some(ended), _) if ended > self.elapsed => Some(format!(
                    "fetch({}) ran on and completed at {}",
                    c.args,
                    secs(ended)
                )),
                (None, Some(at)) if at != self.elapsed => {
                    Some(format!("fetch({}) was cancelled at {}", c.args, secs(at)))
                }
                (None, None) => Some(format!("fetch({}) was never cancelled", c.args)),
                _ => None,
            })
            .collect()
    }
}

/// Runs `f(ids)` under paused time with `script` answering the fetches,
/// then lets 10 s more pass, so a fetch left running is seen completing.
fn run<T: Send + 'static>(
    function: &'static str,
    f: impl FnOnce(Vec<u32>) -> futures::future::BoxFuture<'static, T> + Send + 'static,
    ids: Vec<u32>,
    script: Vec<Fetch>,
) -> Result<Gathered<T>, Failure> {
    paused(async move {
        let session = Session::new(Mode::Scripted);
        session.script(FETCH, script);
        let _installed = session.install();
        let site = Site::called(function, format!("{function}({ids:?})"));
        let t = call(site, CALL_LIMIT, f(ids.clone())).await?;
        tokio::time::sleep(Duration::from_secs(10)).await;
        Ok(Gathered {
            function: function.to_owned(),
            ids,
            returned: t.value,
            elapsed: t.elapsed,
            calls: session.records(FETCH),
        })
    })
}

fn s(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

/// Three fetches that succeed, the first slowest: 3 s, 1 s, 2 s.
fn all_succeed() -> Vec<Fetch> {
    vec![Fetch::ok(1, s(3)), Fetch::ok(2, s(1)), Fetch::ok(3, s(2))]
}

/// The fetch of 2 fails after 1 s; 1 and 3 succeed after 3 s and 2 s.
fn one_fails() -> Vec<Fetch> {
    vec![
        Fetch::ok(1, s(3)),
        Fetch::fails(2, s(1), "timed out"),
        Fetch::ok(3, s(2)),
    ]
}

/// Two fail: 2 after 2 s, 3 after 1 s, so the first error to happen is not
/// the first in the order of the ids.
fn two_fail() -> Vec<Fetch> {
    vec![
        Fetch::ok(1, s(3)),
        Fetch::fails(2, s(2), "timed out"),
        Fetch::fails(3, s(1), "refused"),
    ]
}

/// What the script says each id's fetch does, for messages.
fn scripted(script: &[Fetch]) -> String {
    let parts: Vec<String> = script
        .iter()
        .map(|f| {
            let what = match &f.result {
                Ok(_) => "succeeds".to_owned(),
                Err(e) => format!("fails ({})", e.reason),
            };
            format!("fetch({}) {what} after {}", f.id, secs(f.latency))
        })
        .collect();
    parts.join(", ")
}

fn records(ids: &[u32]) -> Vec<Result<String, ServiceError>> {
    ids.iter().map(|id| Ok(format!("record {id}"))).collect()
}

fn error(id: u32, reason: &str) -> ServiceError {
    ServiceError {
        id,
        reason: reason.to_owned(),
    }
}

fn show_all(results: &[Result<String, ServiceError>]) -> String {
    let parts: Vec<String> = results.iter().map(show).collect();
    format!("[{}]", parts.join(", "))
}

fn show(result: &Result<String, ServiceError>) -> String {
    match result {
        Ok(record) => format!("Ok({record:?})"),
        Err(e) => format!("Err({e})"),
    }
}

fn show_first(result: &Result<Vec<String>, ServiceError>) -> String {
    match result {
        Ok(records) => format!("Ok({records:?})"),
        Err(e) => format!("Err({e})"),
    }
}

type Gather = fn(Vec<u32>) -> futures::future::BoxFuture<'static, Vec<Result<String, ServiceError>>>;
type GatherOrFirst =
    fn(Vec<u32>) -> futures::future::BoxFuture<'static, Result<Vec<String>, ServiceError>>;
type AllResults = Gathered<Vec<Result<String, ServiceError>>>;
type FirstError = Gathered<Result<Vec<String>, ServiceError>>;

fn gather(f: Gather, ids: Vec<u32>, script: Vec<Fetch>) -> Result<AllResults, Failure> {
    run("gather", f, ids, script)
}

fn or_first(f: GatherOrFirst, ids: Vec<u32>, script: Vec<Fetch>) -> Result<FirstError, Failure> {
    run("gather_or_first_error", f, ids, script)
}

/// Every check of the exercise, hidden ones included.
pub(crate) fn checks(subject: crate::subject::Gather) -> Vec<Check> {
    let g = subject.gather;
    let first = subject.gather_or_first_error;
    vec![
        Check::runtime(
            "gather_in_order_of_ids",
            "gather returns the results in the order of the ids",
            "keep each result at its id's position: join_all returns outputs in the order its futures were given, FuturesUnordered in the order they finished",
            move || gather(g, vec![1, 2, 3], all_succeed()),
            |r: &AllResults| {
                Verdict::expect(r.returned == records(&[1, 2, 3]), || {
                    format!(
                        "{} returned {}; {}: expected {}",
                        r.call(),
                        show_all(&r.returned),
                        scripted(&all_succeed()),
                        show_all(&records(&[1, 2, 3]))
                    )
                })
            },
        ),
        Check::runtime(
            "gather_concurrent",
            "gather starts every fetch at once and returns after the slowest",
            "create every fetch future first and poll them together (join_all), instead of awaiting one fetch after another",
            move || gather(g, vec![1, 2, 3], all_succeed()),
            |r: &AllResults| {
                let ok = r.fetched() == r.ids
                    && r.starts().iter().all(Duration::is_zero)
                    && r.elapsed == s(3);
                Verdict::expect(ok, || {
                    format!(
                        "{} fetched {:?} starting at {} and returned after {}; {}: expected every fetch started at 0s and the call to return after 3s",
                        r.call(),
                        r.fetched(),
                        durations(&r.starts()),
                        secs(r.elapsed),
                        scripted(&all_succeed())
                    )
                })
            },
        ),
        Check::runtime(
            "gather_keeps_errors",
            "gather keeps an error in its place and lets the other fetches finish",
            "a failed fetch is just an Err value in the results: keep it, and do not stop or cancel the others",
            move || gather(g, vec![1, 2, 3], one_fails()),
            |r: &AllResults| {
                let expected = vec![
                    Ok("record 1".to_owned()),
                    Err(error(2, "timed out")),
                    Ok("record 3".to_owned()),
                ];
                let cancelled = r.calls.iter().any(|c| c.cancelled.is_some());
                Verdict::expect(r.returned == expected && r.elapsed == s(3) && !cancelled, || {
                    format!(
                        "{} returned {} after {}{}; {}: expected {} after 3s",
                        r.call(),
                        show_all(&r.returned),
                        secs(r.elapsed),
                        if cancelled { ", cancelling fetches" } else { "" },
                        scripted(&one_fails()),
                        show_all(&expected)
                    )
                })
            },
        ),
        Check::runtime(
            "gather_empty",
            "gather(vec![]) returns no results at once",
            "with no ids there is nothing to wait for: return an empty Vec",
            move || gather(g, vec![], vec![]),
            |r: &AllResults| {
                Verdict::expect(r.returned.is_empty() && r.elapsed.is_zero(), || {
                    format!(
                        "{} returned {} after {}; expected [] at once",
                        r.call(),
                        show_all(&r.returned),
                        secs(r.elapsed)
                    )
                })
            },
        ),
        Check::runtime(
            "first_error_all_ok",
            "gather_or_first_error returns every record, in the order of the ids, after the slowest",
            "fetch them all at once (try_join_all) and keep the order of the ids",
            move || or_first(first, vec![1, 2, 3], all_succeed()),
            |r: &FirstError| {
                let expected: Result<Vec<String>, ServiceError> =
                    Ok(vec!["record 1".into(), "record 2".into(), "record 3".into()]);
                let ok = r.returned == expected
                    && r.starts().iter().all(Duration::is_zero)
                    && r.elapsed == s(3);
                Verdict::expect(ok, || {
                    format!(
                        "{} returned {} after {}, its fetches starting at {}; {}: expected {} after 3s, every fetch started at 0s",
                        r.call(),
                        show_first(&r.returned),
                        secs(r.elapsed),
                        durations(&r.starts()),
                        scripted(&all_succeed()),
                        show_first(&expected)
                    )
                })
            },
        ),
        Check::runtime(
            "first_error_to_happen",
            "gather_or_first_error returns the first error to happen, the moment it happens",
            "do not wait for every fetch and then look for an error: race them (try_join_all returns at the first Err)",
            move || or_first(first, vec![1, 2, 3], two_fail()),
            |r: &FirstError| {
                let expected: Result<Vec<String>, ServiceError> = Err(error(3, "refused"));
                Verdict::expect(r.returned == expected && r.elapsed == s(1), || {
                    format!(
                        "{} returned {} after {}; {}: the first error happened at 1s, so expected {} at 1s",
                        r.call(),
                        show_first(&r.returned),
                        secs(r.elapsed),
                        scripted(&two_fail()),
                        show_first(&expected)
                    )
                })
            },
        ),
        Check::runtime(
            "first_error_cancels_the_rest",
            "gather_or_first_error cancels the fetches still running when it returns the error",
            "drop the futures still running when you return; tasks must be aborted (a dropped JoinHandle lets its task run on)",
            move || or_first(first, vec![1, 2, 3], one_fails()),
            |r: &FirstError| {
                let ran_on = r.ran_on();
                Verdict::expect(r.returned.is_err() && ran_on.is_empty(), || {
                    format!(
                        "{} returned {} after {}{}; {}: expected the fetches still running cancelled the moment it returned",
                        r.call(),
                        show_first(&r.returned),
                        secs(r.elapsed),
                        if ran_on.is_empty() {
                            String::new()
                        } else {
                            format!(", but {}", ran_on.join(", "))
                        },
                        scripted(&one_fails())
                    )
                })
            },
        ),
        Check::runtime(
            "first_error_empty",
            "gather_or_first_error(vec![]) returns Ok of no records at once",
            "with no ids there is no error: return Ok(vec![])",
            move || or_first(first, vec![], vec![]),
            |r: &FirstError| {
                Verdict::expect(r.returned == Ok(vec![]) && r.elapsed.is_zero(), || {
                    format!(
                        "{} returned {} after {}; expected Ok([]) at once",
                        r.call(),
                        show_first(&r.returned),
                        secs(r.elapsed)
                    )
                })
            },
        ),
    ]
}
