//! What a check is, what running one observes, and the verdict judging that
//! observation gives.
//!
//! A runtime check is split in two: a *scenario* that runs student code under
//! paused time and returns a serialisable observation (what was called, what
//! came back, when), and a pure *judge* that turns the observation into a
//! verdict. Every path runs the scenario in a child process and judges in
//! the parent (`checker grade` in a sandboxed child, `cargo test -p` in a
//! child of the test binary, the project's own tests and `checker verify`
//! in a child of the fixture runner, see [`crate::grade::observe`]), so a
//! student's code can report what it did but never decide whether that
//! passed, and every path judges alike.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::show::secs;
use crate::source::Sources;

/// How a check ended (SPEC.md's check statuses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The behaviour holds.
    Passed,
    /// The behaviour does not hold, or the student's code panicked.
    Failed,
    /// The code never finished: pending past the runtime-time limit, or
    /// blocking the thread past the wall-clock watchdog.
    Timeout,
    /// The process running the check died (abort, stack overflow, signal).
    Crashed,
    /// Not run, because something it needs is missing.
    Skipped,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Timeout => "timeout",
            Status::Crashed => "crashed",
            Status::Skipped => "skipped",
        })
    }
}

/// A check's judgement, before points are attached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// How it ended.
    pub status: Status,
    /// What was called, what came back, what was expected; empty on a pass.
    pub message: String,
    /// How to fix it, in the student's terms; `None` on a pass or where the
    /// check's own hint applies.
    pub hint: Option<String>,
    /// Why it did not pass; `None` on a pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
}

impl Verdict {
    /// The behaviour holds.
    pub fn pass() -> Self {
        Verdict {
            status: Status::Passed,
            message: String::new(),
            hint: None,
            cause: None,
        }
    }

    /// The behaviour does not hold; the check's hint applies.
    pub fn fail(message: impl Into<String>) -> Self {
        Verdict {
            status: Status::Failed,
            message: crate::wording::said(message.into()),
            hint: None,
            cause: Some(Cause::Judged),
        }
    }

    /// Replaces the check's hint with one specific to this failure.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(crate::wording::said(hint.into()));
        self
    }

    /// A verdict other than a pass or a judged failure.
    pub fn ended(status: Status, cause: Cause, message: String, hint: Option<String>) -> Self {
        Verdict {
            status,
            message: crate::wording::said(message),
            hint: hint.map(crate::wording::said),
            cause: Some(cause),
        }
    }

    /// Passes when `ok`, else fails with `message()`.
    pub fn expect(ok: bool, message: impl FnOnce() -> String) -> Self {
        if ok {
            Verdict::pass()
        } else {
            Verdict::fail(message())
        }
    }

    /// This verdict if it failed, else `next()`: judges list their
    /// requirements in order and report the first one broken.
    pub fn and_then(self, next: impl FnOnce() -> Verdict) -> Verdict {
        if self.status == Status::Passed {
            next()
        } else {
            self
        }
    }
}

/// What went wrong in one call of student code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// Which call.
    pub site: Site,
    /// What happened.
    pub kind: FailureKind,
}

/// A call of student code, as a check made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// The student's function: `wait_n`.
    pub function: String,
    /// The call as the student would write it: `wait_n(3, 10s)`.
    pub call: String,
    /// How the check reached the code that failed.
    pub how: How,
}

/// How a check reached the student code that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// It called the function (and awaited the future, if async).
    Called,
    /// The function spawned a task, and the task failed.
    Spawned,
    /// It awaited the `JoinHandle` the function returned.
    AwaitedHandle,
    /// The check's own code, around the student's.
    Check,
}

impl Site {
    /// A direct call of `function`, written `call`.
    pub fn called(function: &str, call: impl Into<String>) -> Self {
        Site {
            function: function.to_owned(),
            call: call.into(),
            how: How::Called,
        }
    }

    /// The same call, reached another way.
    pub fn reached(mut self, how: How) -> Self {
        self.how = how;
        self
    }

    /// The check itself, when it fails outside any call.
    pub fn check() -> Self {
        Site {
            function: String::new(),
            call: "the check".into(),
            how: How::Check,
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.how {
            How::Called | How::Check => f.write_str(&self.call),
            How::Spawned => write!(f, "the task spawned by {}", self.call),
            How::AwaitedHandle => write!(f, "awaiting the handle of {}", self.call),
        }
    }
}

/// How a call of student code failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// It reached `todo!()` or `unimplemented!()`.
    Unimplemented {
        /// The exercise (crate name) whose code it reached there, when the
        /// panic's location lies in one.
        exercise: Option<String>,
        /// Where, as `file:line:col`.
        location: Option<String>,
    },
    /// It panicked; `location` is where, as `file:line:col`.
    Panicked {
        /// The panic message.
        message: String,
        /// Where it panicked, when the panic hook saw it.
        location: Option<String>,
    },
    /// A task it relied on was cancelled before it finished.
    Cancelled,
    /// It was still pending after this much runtime time.
    Pending {
        /// The runtime-time limit it exceeded.
        limit: Duration,
    },
}

/// Why a check did not pass, for the rules that act on it (skips, verify's
/// stub rule): they match this, never a message's wording.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The judge found the behaviour wrong.
    Judged,
    /// Student code reached `todo!()`; `exercise` is the crate it is in.
    Unimplemented {
        /// Where the `todo!()` is, when known.
        exercise: Option<String>,
    },
    /// Student code panicked.
    Panicked,
    /// A task the student's code relied on was cancelled.
    Cancelled,
    /// Pending past the runtime-time limit.
    Pending,
    /// Blocking past the wall-clock watchdog.
    Blocked,
    /// Its process died or ran out of budget.
    Process,
    /// Not run: the earlier exercise it runs through is unimplemented.
    EarlierUnimplemented {
        /// That exercise's crate.
        exercise: String,
    },
    /// Not run: the earlier exercise it runs through does not compile
    /// (`cargo test -p`; the grader stubs it instead).
    EarlierBroken {
        /// That exercise's directory.
        exercise: String,
    },
}

/// What running a check's scenario produced. This is what crosses the
/// process boundary when grading, so it carries observations, never verdicts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observation {
    /// The scenario ran to the end and saw this (the check's own type, as JSON).
    Returned(Value),
    /// A call of student code panicked or never finished.
    Failed(Failure),
    /// The scenario had not finished after this much real time: the student's
    /// code blocked or spun on the runtime's only thread.
    Blocked {
        /// The wall-clock watchdog that fired.
        watchdog: Duration,
    },
}

pub(crate) type Scenario = Arc<dyn Fn() -> Result<Value, Failure> + Send + Sync>;
pub(crate) type Judge = Arc<dyn Fn(&Value) -> Result<Verdict, serde_json::Error> + Send + Sync>;

pub(crate) enum Body {
    /// Runs student code under paused time, then judges what it observed.
    Runtime { scenario: Scenario, judge: Judge },
    /// Judges the student's source files (e.g. "no sort call").
    Source(fn(&Sources) -> Verdict),
}

/// One check of one exercise.
#[derive(Clone)]
pub struct Check {
    /// Stable id, unique within the exercise (reports and filters use it).
    pub id: String,
    /// What it checks, for people: "runs the waits concurrently".
    pub name: String,
    /// How to fix a failure, unless the verdict brings its own.
    pub hint: String,
    /// The progressive hints of `checks.yaml` (nudge, tool, shape), for a
    /// student who asks (`checker hint`, watch mode's `h`).
    pub hints: Vec<String>,
    /// What a pass is worth.
    pub points: f64,
    /// Graded, but not run by the student's `cargo test`.
    pub hidden: bool,
    /// The check runs the student's own earlier exercise (at most one per
    /// exercise: SPEC.md, Grading 3).
    pub uses_own_earlier: bool,
    pub(crate) body: Arc<Body>,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Check {
    /// A runtime check: `scenario` runs student code (see [`crate::scenario`])
    /// and returns what it saw; `judge` decides.
    pub(crate) fn runtime<O, S, J>(id: &str, name: &str, hint: &str, scenario: S, judge: J) -> Self
    where
        O: Serialize + DeserializeOwned,
        S: Fn() -> Result<O, Failure> + Send + Sync + 'static,
        J: Fn(&O) -> Verdict + Send + Sync + 'static,
    {
        let scenario: Scenario = Arc::new(move || {
            let observed = scenario()?;
            Ok(serde_json::to_value(observed).expect("observations serialise"))
        });
        let judge: Judge = Arc::new(move |value| Ok(judge(&O::deserialize(value)?)));
        Self::new(id, name, hint, Body::Runtime { scenario, judge })
    }

    /// A check of the student's source files.
    pub(crate) fn source(id: &str, name: &str, hint: &str, judge: fn(&Sources) -> Verdict) -> Self {
        Self::new(id, name, hint, Body::Source(judge))
    }

    fn new(id: &str, name: &str, hint: &str, body: Body) -> Self {
        Check {
            id: id.to_owned(),
            name: name.to_owned(),
            hint: hint.to_owned(),
            hints: Vec::new(),
            points: 1.0,
            hidden: false,
            uses_own_earlier: false,
            body: Arc::new(body),
        }
    }

    /// Marks the one check that runs the student's own earlier exercise.
    pub(crate) fn own_earlier(mut self) -> Self {
        self.uses_own_earlier = true;
        self
    }

    /// Judges an observation of this check (for source checks, the sources).
    /// The same function decides in `cargo test` and in `checker grade`.
    pub fn judge(&self, observation: &Observation, sources: &Sources) -> Verdict {
        let verdict = match (&*self.body, observation) {
            (Body::Source(judge), _) => judge(sources),
            (Body::Runtime { judge, .. }, Observation::Returned(value)) => match judge(value) {
                Ok(verdict) => verdict,
                Err(err) => Verdict::fail(format!(
                    "the check could not read what your code did ({err}); \
                     did your code write to the checker's report channel?"
                )),
            },
            (Body::Runtime { .. }, Observation::Failed(failure)) => {
                match failure.earlier_unimplemented() {
                    // The earlier exercise this check runs through is still a
                    // stub: not this exercise's fault, and not yet gradable.
                    Some(earlier) if self.uses_own_earlier => Verdict::ended(
                        Status::Skipped,
                        Cause::EarlierUnimplemented {
                            exercise: earlier.to_owned(),
                        },
                        format!(
                            "skipped: your {earlier} is not implemented yet, and this check runs {} with it",
                            failure.site.function
                        ),
                        Some(format!("finish {earlier} first; this check then counts")),
                    ),
                    _ => failure.verdict(),
                }
            }
            (Body::Runtime { .. }, Observation::Blocked { watchdog }) => Verdict::ended(
                Status::Timeout,
                Cause::Blocked,
                format!(
                    "your code blocked the thread: it had not returned after {} of real \
                     time, although runtime time is paused and a correct solution takes \
                     a few milliseconds",
                    secs(*watchdog)
                ),
                Some(
                    "never block an async task: use tokio::time::sleep(..).await, not \
                     std::thread::sleep, and no busy loops"
                        .into(),
                ),
            ),
        };
        if verdict.status != Status::Passed && verdict.hint.is_none() {
            Verdict {
                hint: Some(crate::wording::said(self.hint.clone())),
                ..verdict
            }
        } else {
            verdict
        }
    }
}

impl Failure {
    /// The earlier exercise's crate, when the call reached a `todo!()` in an
    /// exercise other than the one it called.
    pub fn earlier_unimplemented(&self) -> Option<&str> {
        let FailureKind::Unimplemented {
            exercise: Some(exercise),
            ..
        } = &self.kind
        else {
            return None;
        };
        (*exercise != self.site.function).then_some(exercise.as_str())
    }

    /// The verdict for a failed call, worded for the student.
    pub fn verdict(&self) -> Verdict {
        let site = &self.site;
        let at = |location: &Option<String>| {
            location
                .as_deref()
                .map(|l| format!(" at {l}"))
                .unwrap_or_default()
        };
        match &self.kind {
            FailureKind::Unimplemented { exercise, location } => {
                // The todo!() may sit in an earlier exercise the check runs
                // through ("works with your own …"): name the one it is in.
                let what = exercise.as_deref().unwrap_or(&site.function);
                Verdict::ended(
                    Status::Failed,
                    Cause::Unimplemented {
                        exercise: exercise.clone(),
                    },
                    format!(
                        "{what} is not implemented yet: {site} reached todo!(){}",
                        at(location)
                    ),
                    Some(format!(
                        "replace the todo!() with your implementation; the exercise's \
                         README.md says what {what} must do"
                    )),
                )
            }
            FailureKind::Panicked { message, location } => Verdict::ended(
                Status::Failed,
                Cause::Panicked,
                format!("{site} panicked{}: {message}", at(location)),
                None,
            ),
            FailureKind::Cancelled => Verdict::ended(
                Status::Failed,
                Cause::Cancelled,
                format!("{site} failed: the task was cancelled before it finished"),
                None,
            ),
            FailureKind::Pending { limit } => Verdict::ended(
                Status::Timeout,
                Cause::Pending,
                format!(
                    "{site} was still pending after {} of runtime time",
                    secs(*limit)
                ),
                Some(
                    "something your code awaits never completes: a future that is never \
                     woken, a task never spawned, or a channel nobody sends on"
                        .into(),
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn todo_at(site: Site, location: &str) -> Failure {
        Failure {
            site,
            kind: FailureKind::Unimplemented {
                exercise: crate::catalog::exercise_of(location).map(str::to_owned),
                location: Some(location.into()),
            },
        }
    }

    #[test]
    fn a_todo_in_an_earlier_exercise_is_told_apart_from_ones_own() {
        let wait_n = || Site::called("wait_n", "wait_n(20, 2s)");
        let earlier = todo_at(wait_n(), "exercises/00_wait_random/src/lib.rs:12:5");
        assert_eq!(earlier.earlier_unimplemented(), Some("wait_random"));
        assert_eq!(
            earlier.verdict().cause,
            Some(Cause::Unimplemented {
                exercise: Some("wait_random".into())
            })
        );
        let own = todo_at(wait_n(), "exercises/01_wait_n/src/lib.rs:9:5");
        assert_eq!(own.earlier_unimplemented(), None);
        let task = todo_at(
            Site::called("task_wait_random", "task_wait_random(2s)").reached(How::Spawned),
            "exercises/00_wait_random/src/lib.rs:1:1",
        );
        assert_eq!(task.earlier_unimplemented(), Some("wait_random"));
        assert_eq!(
            task.site.to_string(),
            "the task spawned by task_wait_random(2s)"
        );
    }
}
