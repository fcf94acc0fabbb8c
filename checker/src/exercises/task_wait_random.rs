//! Checks of `03_task_wait_random`.

use std::time::Duration;

use probe_core::{Call, Mode, Session, WAIT_RANDOM, Wait, sig};
use serde::{Deserialize, Serialize};

use crate::check::{Check, Failure, FailureKind, How, Site, Verdict};
use crate::scenario::{CALL_LIMIT, call, call_sync, paused};
use crate::show::{durations, secs, tick_ceil};

/// What a check saw of one task_wait_random call.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Spawned {
    max_delay: Duration,
    /// The handle's result, when the check awaited it.
    joined: Option<Duration>,
    /// Runtime time until the handle resolved, or that the check waited.
    elapsed: Duration,
    calls: Vec<Call<Duration, Duration>>,
}

impl Spawned {
    fn call(&self) -> String {
        format!("task_wait_random({})", secs(self.max_delay))
    }
}

/// Calls `f(max_delay)`; awaits the handle, or, with `wait_instead`, leaves
/// it alone and lets that much runtime time pass.
fn run(
    f: sig::TaskWaitRandom,
    mode: Mode,
    max_delay: Duration,
    script: Option<Duration>,
    wait_instead: Option<Duration>,
) -> Result<Spawned, Failure> {
    paused(async move {
        let session = Session::new(mode);
        session.script(WAIT_RANDOM, script.into_iter().map(Wait::honest));
        let _installed = session.install();
        let site = Site::called(
            "task_wait_random",
            format!("task_wait_random({})", secs(max_delay)),
        );
        let start = tokio::time::Instant::now();
        let handle = call_sync(site.clone(), || f(max_delay))?;
        let joined = match wait_instead {
            Some(wait) => {
                tokio::time::sleep(wait).await;
                handle.abort();
                None
            }
            None => match call(site.clone().reached(How::AwaitedHandle), CALL_LIMIT, handle)
                .await?
                .value
            {
                Ok(delay) => Some(delay),
                Err(err) if err.is_panic() => {
                    return Err(crate::scenario::panicked(
                        site.reached(How::Spawned),
                        err.into_panic(),
                    ));
                }
                Err(_) => {
                    return Err(Failure {
                        site: site.reached(How::Spawned),
                        kind: FailureKind::Cancelled,
                    });
                }
            },
        };
        Ok(Spawned {
            max_delay,
            joined,
            elapsed: start.elapsed(),
            calls: session.records(WAIT_RANDOM),
        })
    })
}

pub(crate) fn checks(s: crate::subject::TaskWaitRandom) -> Vec<Check> {
    let f = s.task_wait_random;
    let ten = Duration::from_secs(10);
    vec![
        Check::runtime(
            "returns_delay",
            "the handle resolves to the delay wait_random returned, after that delay",
            "return the JoinHandle of tokio::spawn(wait_random(max_delay)); awaiting it gives the delay",
            move || run(f, Mode::Scripted, ten, Some(Duration::from_millis(2_500)), None),
            |r: &Spawned| {
                let given: Vec<_> = r.calls.iter().filter_map(|c| c.returned).collect();
                let ok = given.len() == 1 && r.joined == Some(given[0]) && r.elapsed == tick_ceil(given[0]);
                Verdict::expect(ok, || {
                    format!(
                        "awaiting the handle of {} gave {} after {} of runtime time; wait_random returned {}",
                        r.call(),
                        r.joined.map(secs).unwrap_or_else(|| "nothing".into()),
                        secs(r.elapsed),
                        durations(&given)
                    )
                })
            },
        ),
        Check::runtime(
            "runs_without_await",
            "the task starts at once and runs even if nobody awaits the handle",
            "spawn the task inside task_wait_random (tokio::spawn starts it right away); don't defer the work",
            move || run(f, Mode::Scripted, ten, Some(Duration::from_secs(2)), Some(Duration::from_secs(3))),
            |r: &Spawned| {
                let ok = matches!(r.calls.as_slice(), [c] if c.started.is_zero() && c.ended == Some(Duration::from_secs(2)));
                Verdict::expect(ok, || {
                    let what = match r.calls.as_slice() {
                        [] => "wait_random had not been called".to_owned(),
                        [c] => format!(
                            "wait_random (scripted to take 2s) started at {} and {}",
                            secs(c.started),
                            c.ended.map(|e| format!("ended at {}", secs(e))).unwrap_or_else(|| "had not ended".into())
                        ),
                        calls => format!("wait_random had been called {} times", calls.len()),
                    };
                    format!("{} returned a handle nobody awaited; 3s later, {what}; expected it to start at 0s and end at 2s", r.call())
                })
            },
        ),
        Check::runtime(
            "calls_wait_random",
            "calls wait_random(max_delay) once",
            "spawn exactly one wait_random(max_delay), passing max_delay through",
            // The handle is not awaited: a wrong argument may be huge.
            move || run(f, Mode::Scripted, Duration::from_millis(7_500), Some(Duration::from_secs(1)), Some(Duration::from_secs(10))),
            |r: &Spawned| {
                let args: Vec<_> = r.calls.iter().map(|c| c.args).collect();
                Verdict::expect(args == [r.max_delay], || {
                    format!("{} called wait_random with {}; expected exactly one call with {}", r.call(), durations(&args), secs(r.max_delay))
                })
            },
        ),
        Check::runtime(
            "with_own_wait_random",
            "works with your own wait_random",
            "this check runs task_wait_random with your own wait_random; fix that exercise first",
            // Ten runs: one random delay could land on a wrong answer by luck.
            move || (0..10).map(|_| run(f, Mode::Own, Duration::from_secs(2), None, None)).collect::<Result<Vec<_>, _>>(),
            |runs: &Vec<Spawned>| {
                let wrong = runs.iter().find(|r| {
                    !r.joined.is_some_and(|d| d <= r.max_delay && r.elapsed >= d && r.elapsed <= tick_ceil(d))
                });
                match wrong {
                    None => Verdict::pass(),
                    Some(r) => Verdict::fail(format!(
                        "awaiting the handle of {} with your wait_random gave {} after {} of runtime time; expected a delay of at most {} after that delay",
                        r.call(),
                        r.joined.map(secs).unwrap_or_else(|| "nothing".into()),
                        secs(r.elapsed),
                        secs(r.max_delay)
                    )),
                }
            },
        )
        .own_earlier(),
    ]
}
