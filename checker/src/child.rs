//! The grading child: runs one exercise's scenarios next to the student's
//! code and reports what it observed. It never decides a verdict; the parent
//! judges (see [`crate::grade`]).
//!
//! Protocol: the parent writes a one-line nonce to the child's stdin,
//! followed by the exercise's `checks.yaml`; the child reads both before any
//! student code runs, then confines itself ([`crate::sandbox::confine`]):
//! from then on no file can be opened, `/proc/self/mem` included, so the
//! nonce cannot be read back out of the process. Every record the child
//! writes to stdout is one line `\x1e<nonce> <json>`. The parent ignores all
//! other output, so nothing the student prints, and no early `exit(0)` or
//! panic hook, can stand in for an observation; a missing observation is a
//! failure, never a pass.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::check::Observation;
use crate::course::{configure, parse};
use crate::engine::{observe, watchdog};
use crate::sandbox::confine::{Confinement, confine};
use crate::subject::Subject;

/// The first byte of every record line.
pub const RECORD_MARK: char = '\u{1e}';

/// One line of the child's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    /// Sent first: the checks about to run.
    Started {
        /// Their ids.
        checks: Vec<String>,
        /// How far the child confined itself before running any of them.
        #[serde(default)]
        confinement: Confinement,
    },
    /// One check's observation.
    Observed {
        /// The check's id.
        check: String,
        /// What its scenario saw.
        observation: Observation,
    },
    /// Sent last, after every observation.
    Done,
}

/// The runner binary's `main`: `runner --exercise NN_name [--check ID]...`.
/// `subject_of` maps an exercise id to the student's linked functions.
pub fn main(subject_of: fn(&str) -> Option<Subject>) -> ExitCode {
    match child_args(std::env::args().skip(1)) {
        Some((exercise, only)) => match subject_of(&exercise) {
            Some(subject) => {
                // The grader builds probes without the student's crates
                // (`own-crate` off): "your own" earlier exercise is the one
                // this runner links, handed to the probes here.
                for earlier in crate::exercises::own_chain(&exercise) {
                    if let Some(own) = subject_of(earlier) {
                        own.make_own();
                    }
                }
                serve(subject, &only)
            }
            None => {
                eprintln!("runner: unknown exercise {exercise:?}");
                ExitCode::from(2)
            }
        },
        None => {
            eprintln!("runner: usage: runner --exercise NN_name [--check ID]...");
            ExitCode::from(2)
        }
    }
}

/// Serves the child protocol for one linked `subject`, given the rest of
/// the command line (`--exercise NN_name [--check ID]...`): for runners
/// that pick their subject some other way, like the project's fixture
/// runner, which links a hundred implementations of each exercise.
pub fn serve_subject(subject: Subject, args: impl Iterator<Item = String>) -> ExitCode {
    match child_args(args) {
        Some((exercise, only)) if exercise == subject.exercise() => serve(subject, &only),
        Some((exercise, _)) => {
            eprintln!(
                "runner: asked for {exercise:?}, but this subject is {}",
                subject.exercise()
            );
            ExitCode::from(2)
        }
        None => {
            eprintln!("runner: usage: runner --exercise NN_name [--check ID]...");
            ExitCode::from(2)
        }
    }
}

/// `--exercise NN_name [--check ID]...`: the exercise and the checks to
/// run (all when none is named); `None` when the arguments are not that.
pub(crate) fn child_args(args: impl Iterator<Item = String>) -> Option<(String, Vec<String>)> {
    let mut exercise = None;
    let mut only = Vec::new();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--exercise" => exercise = Some(args.next()?),
            "--check" => only.push(args.next()?),
            _ => return None,
        }
    }
    exercise.map(|e| (e, only))
}

/// Serves the parent: reads the nonce and `checks.yaml` from stdin, then
/// runs the checks (named in `only`, or all) and reports observations.
pub(crate) fn serve(subject: Subject, only: &[String]) -> ExitCode {
    let mut stdin = std::io::stdin().lock();
    let mut nonce = String::new();
    if stdin.read_line(&mut nonce).is_err() || nonce.trim().is_empty() {
        eprintln!("runner: expected a nonce on stdin");
        return ExitCode::from(2);
    }
    let nonce = nonce.trim().to_owned();
    let mut yaml = String::new();
    if let Err(err) = stdin.read_to_string(&mut yaml) {
        eprintln!("runner: failed to read checks.yaml from stdin: {err}");
        return ExitCode::from(2);
    }
    drop(stdin);
    let exercise = subject.exercise();
    let configured = parse(&crate::course::config_path(exercise), exercise, &yaml)
        .and_then(|config| configure(subject, &config));
    let checks = match configured {
        Ok(checks) => checks,
        Err(errors) => {
            for error in errors {
                eprintln!("runner: {error}");
            }
            return ExitCode::from(2);
        }
    };
    // Student code can act from here on: nothing to open, connect or
    // trace any more. Before any thread starts, so every thread inherits it.
    let confinement = confine();

    let selected: Vec<_> = checks
        .into_iter()
        .filter(|c| only.is_empty() || only.contains(&c.id))
        .collect();
    emit(
        &nonce,
        &Record::Started {
            checks: selected.iter().map(|c| c.id.clone()).collect(),
            confinement,
        },
    );
    // All checks at once, each on its own thread: blocking code then costs
    // one watchdog in all, not one per check.
    let watchdog = watchdog();
    let (tx, rx) = mpsc::channel();
    for check in selected.iter().cloned() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let observation = observe(&check, watchdog);
            let _ = tx.send((check.id, observation));
        });
    }
    drop(tx);
    for _ in 0..selected.len() {
        // Each observe() returns within its watchdog; the margin covers a
        // starved scheduler. The parent's own deadline backs this up.
        match rx.recv_timeout(watchdog + Duration::from_secs(30)) {
            Ok((check, observation)) => emit(&nonce, &Record::Observed { check, observation }),
            Err(_) => break,
        }
    }
    emit(&nonce, &Record::Done);
    // Threads blocked in student code would keep the process alive.
    std::process::exit(0)
}

fn emit(nonce: &str, record: &Record) {
    let json = serde_json::to_string(record).expect("records serialise");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{RECORD_MARK}{nonce} {json}");
    let _ = out.flush();
}

/// Finds the records with the right nonce in the child's output, ignoring
/// everything else the process printed.
pub fn parse_record(line: &str, nonce: &str) -> Option<Record> {
    let start = line.find(RECORD_MARK)?;
    let rest = line[start + RECORD_MARK.len_utf8()..]
        .strip_prefix(nonce)?
        .strip_prefix(' ')?;
    serde_json::from_str(rest).ok()
}
