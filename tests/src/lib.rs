//! The project's own tests of its grader: every reference solution, pristine
//! stub and wrong-solution fixture, compiled into this crate as modules and
//! wired to the course's checks.
//!
//! A fixture is a whole `src/lib.rs` of one exercise, saved as
//! `fixtures/NN_name/what_it_gets_wrong.rs`, whose header declares the checks
//! it must fail:
//!
//! ```text
//! //! Awaits the waits one after another.
//! //! fails: concurrent, completion_order, with_own_wait_random
//! ```
//!
//! It must fail exactly those and pass every other check. A correct
//! alternative solution says `//! fails: none`.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Mutex;

use checker::verify::Judged;
pub use checker::verify::Kind;
use checker::{Check, Sources, Subject};

/// One implementation of one exercise, linked into this crate.
#[derive(Clone, Copy)]
pub struct Entry {
    /// What it is.
    pub kind: Kind,
    /// Its exercise, e.g. `01_wait_n`.
    pub exercise: &'static str,
    /// The fixture's file stem, or `reference`.
    pub name: &'static str,
    /// Path from the repository root.
    pub path: &'static str,
    /// Its text (source checks read it).
    pub source: &'static str,
    /// Its functions; `None` for an exercise not registered with the checker
    /// yet (`checker verify` reports it).
    pub subject: Option<Subject>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.path)
    }
}

impl Entry {
    /// The entry's source, named as the student's file would be.
    pub fn sources(&self) -> Sources {
        Sources::single(
            format!("exercises/{}/src/lib.rs", self.exercise),
            self.source,
        )
    }

    /// The check ids in the fixture's `//! fails:` lines; `fails: none`
    /// marks a correct alternative solution. `None` when there is no such line.
    pub fn declared_failures(&self) -> Option<BTreeSet<String>> {
        let lines: Vec<_> = self
            .source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .filter_map(|l| l.trim_start_matches("//!").trim().strip_prefix("fails:"))
            .collect();
        if lines.is_empty() {
            return None;
        }
        Some(
            lines
                .iter()
                .flat_map(|ids| ids.split(','))
                .map(|id| id.trim().to_owned())
                .filter(|id| !id.is_empty() && id != "none")
                .collect(),
        )
    }

    /// The fixture's first header line: what it gets wrong.
    pub fn description(&self) -> &'static str {
        self.source
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("//!")
            .trim()
    }
}

/// An exercise's functions from the module `$m`; `None` for an exercise
/// the checker does not know yet.
macro_rules! subject {
    (wait_random, $m:path) => {{
        use $m as m;
        Some(Subject::WaitRandom {
            wait_random: |max| Box::pin(m::wait_random(max)),
            default_max_delay: m::DEFAULT_MAX_DELAY,
        })
    }};
    (wait_n, $m:path) => {{
        use $m as m;
        Some(Subject::WaitN(|n, max| Box::pin(m::wait_n(n, max))))
    }};
    (measure_time, $m:path) => {{
        use $m as m;
        Some(Subject::MeasureTime(|n, max| {
            Box::pin(m::measure_time(n, max))
        }))
    }};
    (task_wait_random, $m:path) => {{
        use $m as m;
        Some(Subject::TaskWaitRandom(m::task_wait_random))
    }};
    (task_wait_n, $m:path) => {{
        use $m as m;
        Some(Subject::TaskWaitN(|n, max| {
            Box::pin(m::task_wait_n(n, max))
        }))
    }};
    (async_generator, $m:path) => {{
        use $m as m;
        Some(Subject::AsyncGenerator(|| Box::pin(m::async_generator())))
    }};
    (async_comprehension, $m:path) => {{
        use $m as m;
        Some(Subject::AsyncComprehension(|| {
            Box::pin(m::async_comprehension())
        }))
    }};
    (measure_runtime, $m:path) => {{
        use $m as m;
        Some(Subject::MeasureRuntime(|| Box::pin(m::measure_runtime())))
    }};
    ($other:ident, $m:path) => {
        None
    };
}

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// Makes "your own earlier exercise" mean the reference solution, so a
/// fixture of `wait_n` is judged on its own mistakes only.
pub fn use_reference_solutions_as_own() {
    probe_core::set_default_own(probe_core::Own {
        wait_random: Some(|max| Box::pin(solutions::e00_wait_random::wait_random(max))),
        wait_n: Some(|n, max| Box::pin(solutions::e01_wait_n::wait_n(n, max))),
        task_wait_random: Some(solutions::e03_task_wait_random::task_wait_random),
        async_generator: Some(|| Box::pin(solutions::e05_async_generator::async_generator())),
        async_comprehension: Some(|| {
            Box::pin(solutions::e06_async_comprehension::async_comprehension())
        }),
    });
}

/// The repository's root.
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The entry's checks as its exercise's `checks.yaml` configures them,
/// hidden ones included; none for an unregistered exercise or an invalid
/// configuration (`checker verify` reports both).
pub fn configured(entry: &Entry) -> Vec<Check> {
    let Some(subject) = entry.subject else {
        return Vec::new();
    };
    let dir = root().join("exercises").join(entry.exercise);
    checker::course::configured_checks(subject, &dir).unwrap_or_default()
}

/// Runs every check of every entry `rounds` times, many at once: most
/// checks finish in milliseconds, and the ones that block wait on the
/// watchdog, not the CPU.
pub fn judge_all(entries: &[Entry], rounds: usize) -> Vec<Judged> {
    use_reference_solutions_as_own();
    let watchdog = checker::engine::watchdog();
    let jobs: VecDeque<(usize, Entry, Check)> = entries
        .iter()
        .flat_map(|e| configured(e).into_iter().map(move |c| (*e, c)))
        .enumerate()
        .map(|(i, (e, c))| (i, e, c))
        .collect();
    let total = jobs.len();
    let queue = Mutex::new(jobs);
    let done = Mutex::new(Vec::with_capacity(total));
    std::thread::scope(|scope| {
        for _ in 0..32 {
            scope.spawn(|| {
                loop {
                    let Some((i, entry, check)) = queue.lock().unwrap().pop_front() else {
                        break;
                    };
                    let sources = entry.sources();
                    let verdicts: Vec<_> = (0..rounds)
                        .map(|_| checker::engine::evaluate(&check, &sources, watchdog))
                        .collect();
                    let judged = Judged {
                        kind: entry.kind,
                        exercise: entry.exercise.to_owned(),
                        path: entry.path.to_owned(),
                        declared: entry.declared_failures(),
                        check: check.id.clone(),
                        uses_own_earlier: check.uses_own_earlier,
                        statuses: verdicts.iter().map(|v| v.status).collect(),
                        message: verdicts
                            .first()
                            .map(|v| v.message.clone())
                            .unwrap_or_default(),
                        hint: verdicts
                            .first()
                            .and_then(|v| v.hint.clone())
                            .unwrap_or_default(),
                    };
                    done.lock().unwrap().push((i, judged));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, j)| j).collect()
}
