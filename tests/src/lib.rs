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
/// the checker does not know yet, which `checker verify` reports.
macro_rules! subject {
    ($exercise:ident, $m:path) => {
        checker::link!(?$exercise, $m)
    };
}

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// Makes "your own earlier exercise" mean the reference solution, so a
/// fixture of `wait_n` is judged on its own mistakes only.
pub fn use_reference_solutions_as_own() {
    for entry in entries() {
        if let (Kind::Solution, Some(subject)) = (entry.kind, entry.subject) {
            subject.make_own();
        }
    }
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

/// How many children judge at once. Each runs all of one entry's checks on
/// threads of its own; more than this on two cores starves the wall-clock
/// watchdog that tells blocking code from slow code.
const CHILDREN_AT_ONCE: usize = 6;

/// The fixture runner's argument that names the entry a child serves.
pub const ENTRY_ARG: &str = "--entry";

/// What the fixture runner does when started as a child of [`judge_all`]
/// (or as the sandbox's launcher); `None` when the command line is neither,
/// and the caller goes on with its own job.
pub fn serve_child() -> Option<std::process::ExitCode> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some(checker::sandbox::launch::SUBCOMMAND) => Some(checker::sandbox::launch::main(
            &args.next().unwrap_or_default(),
        )),
        Some(ENTRY_ARG) => {
            let path = args.next().unwrap_or_default();
            let Some(subject) = entries()
                .into_iter()
                .find(|e| e.path == path)
                .and_then(|e| e.subject)
            else {
                eprintln!("fixture runner: no entry {path:?}");
                return Some(std::process::ExitCode::from(2));
            };
            use_reference_solutions_as_own();
            Some(checker::child::serve_subject(subject, args))
        }
        _ => None,
    }
}

/// The sandbox the children run in: bubblewrap, as `checker grade` uses by
/// default, where this machine has it; else none, which `checker verify`
/// reports (`CHECKER_SANDBOX=none` asks for none).
pub fn sandbox(runner: &std::path::Path) -> checker::sandbox::Sandbox {
    use checker::sandbox::{Mode, Sandbox};
    let none =
        || Sandbox::prepare(Mode::None, runner.to_path_buf()).expect("no sandbox needs nothing");
    if std::env::var("CHECKER_SANDBOX").as_deref() == Ok("none") {
        return none();
    }
    Sandbox::prepare(Mode::Bwrap, runner.to_path_buf()).unwrap_or_else(|err| {
        eprintln!("note: judging without a sandbox: {err}");
        none()
    })
}

/// Runs every check of every entry `rounds` times, each round in a child of
/// `runner` (this crate's `judge-fixtures` binary) through the protocol,
/// limits and sandbox `checker grade` uses: the one way checks run.
pub fn judge_all(entries: &[Entry], rounds: usize, runner: &std::path::Path) -> Vec<Judged> {
    let sandbox = sandbox(runner);
    let jobs: VecDeque<(usize, Entry, Vec<Check>)> = entries
        .iter()
        .map(|e| (*e, configured(e)))
        .filter(|(_, checks)| !checks.is_empty())
        .enumerate()
        .map(|(i, (e, c))| (i, e, c))
        .collect();
    let total = jobs.len();
    let queue = Mutex::new(jobs);
    let done = Mutex::new(Vec::with_capacity(total));
    std::thread::scope(|scope| {
        for _ in 0..CHILDREN_AT_ONCE {
            scope.spawn(|| {
                loop {
                    let Some((i, entry, checks)) = queue.lock().unwrap().pop_front() else {
                        break;
                    };
                    let sources = entry.sources();
                    let config_path = root()
                        .join("exercises")
                        .join(entry.exercise)
                        .join("checks.yaml");
                    let config = std::fs::read_to_string(config_path).unwrap_or_default();
                    let args = [ENTRY_ARG.to_owned(), entry.path.to_owned()];
                    let rounds: Vec<Vec<checker::Verdict>> = (0..rounds)
                        .map(|_| {
                            checker::grade::observe::judge_in_children(
                                &sandbox,
                                runner,
                                &args,
                                entry.exercise,
                                &config,
                                &checks,
                                &sources,
                            )
                        })
                        .collect();
                    let judged: Vec<Judged> = checks
                        .iter()
                        .enumerate()
                        .map(|(k, check)| {
                            let verdicts: Vec<&checker::Verdict> =
                                rounds.iter().map(|r| &r[k]).collect();
                            Judged {
                                kind: entry.kind,
                                exercise: entry.exercise.to_owned(),
                                path: entry.path.to_owned(),
                                declared: entry.declared_failures(),
                                check: check.id.clone(),
                                uses_own_earlier: check.uses_own_earlier,
                                statuses: verdicts.iter().map(|v| v.status).collect(),
                                cause: verdicts.first().and_then(|v| v.cause.clone()),
                                message: verdicts
                                    .first()
                                    .map(|v| v.message.clone())
                                    .unwrap_or_default(),
                                hint: verdicts
                                    .first()
                                    .and_then(|v| v.hint.clone())
                                    .unwrap_or_default(),
                            }
                        })
                        .collect();
                    done.lock().unwrap().push((i, judged));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, j)| j).collect()
}
