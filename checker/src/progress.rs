//! A student's progress through the course, for `checker list`: each full
//! `cargo test -p <exercise>` run records how its checks came out, beside
//! the build (`target/<profile>/checker-progress/NN_name.json`), with a
//! hash of the sources it judged, so a record of code changed since is
//! shown as such. Nothing here is graded: the grader judges afresh.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How an exercise's last full `cargo test -p` came out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// `01_wait_n`.
    pub exercise: String,
    /// Checks passed.
    pub passed: usize,
    /// Checks run (the public ones).
    pub total: usize,
    /// Points of the passed checks.
    pub score: f64,
    /// Points of all of them.
    pub max_score: f64,
    /// [`source_hash`] of `src/` when it ran.
    pub sources: String,
    /// The ids of the checks that did not pass, in the order they run:
    /// the first is the one `checker hint` helps with.
    #[serde(default)]
    pub failing: Vec<String>,
    /// Every check's verdict, in order, as `cargo test -p` printed it:
    /// what watch mode shows.
    #[serde(default)]
    pub checks: Vec<CheckLine>,
}

/// One check's verdict in a [`Record`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckLine {
    /// Its id.
    pub id: String,
    /// What it checks.
    pub name: String,
    /// `passed`, `failed`, `skipped`, ... ([`crate::Status`]).
    pub status: String,
    /// Why, unless it passed.
    #[serde(default)]
    pub message: String,
    /// How to fix it.
    #[serde(default)]
    pub hint: Option<String>,
}

/// Overrides where records live, for the test binaries that write them
/// and the commands that read them alike (the project's tests of watch
/// mode use it).
pub const DIR_ENV: &str = "CHECKER_PROGRESS_DIR";

/// Where a test binary writes its record: beside the binaries of the
/// build it is part of (`target/debug` for `cargo test` and `cargo run`).
pub fn dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DIR_ENV) {
        return Some(dir.into());
    }
    let exe = std::env::current_exe().ok()?;
    let mut dir = exe.parent()?;
    // Test binaries live one level down, in `deps/`.
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir = dir.parent()?;
    }
    Some(dir.join("checker-progress"))
}

/// Where the records of `course` are read from: where its `cargo test -p`
/// runs write them (`$CARGO_TARGET_DIR`, else the course's `target/`).
pub fn dir_for(course: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os(DIR_ENV) {
        return dir.into();
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| course.join("target"), PathBuf::from);
    target.join("debug").join("checker-progress")
}

/// Writes `record` (best effort: a student's run never fails for it).
pub fn save(record: &Record) {
    if let Some(dir) = dir() {
        let _ = std::fs::create_dir_all(&dir);
        let text = serde_json::to_string_pretty(record).expect("records serialise");
        let _ =
            crate::files::write_atomically(&dir.join(format!("{}.json", record.exercise)), text);
    }
}

/// The record of `exercise` in `course`, if any.
pub fn load(course: &Path, exercise: &str) -> Option<Record> {
    let text = std::fs::read_to_string(dir_for(course).join(format!("{exercise}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

/// A hash of every file under `src`.
pub fn source_hash(src: &Path) -> String {
    let mut hash = Sha256::new();
    for file in crate::files::files_under(src) {
        hash.update(
            file.strip_prefix(src)
                .unwrap_or(&file)
                .to_string_lossy()
                .as_bytes(),
        );
        hash.update([0]);
        hash.update(std::fs::read(&file).unwrap_or_default());
        hash.update([0]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where an exercise stands.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    /// Its `src/` still holds a `todo!()` and no run is recorded.
    NotStarted,
    /// Written, but no `cargo test -p` run is recorded for it.
    NotRun,
    /// The last run, on the code as it is now.
    Ran(Record),
    /// The last run was on other code.
    Changed(Record),
}

/// The state of the exercise in `course/exercises/<exercise>`.
pub fn state(course: &Path, exercise: &str) -> State {
    let src = course.join("exercises").join(exercise).join("src");
    match load(course, exercise) {
        Some(record) if record.sources == source_hash(&src) => State::Ran(record),
        Some(record) => State::Changed(record),
        None => {
            let untouched = crate::files::files_under(&src)
                .iter()
                .any(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains("todo!(")));
            if untouched {
                State::NotStarted
            } else {
                State::NotRun
            }
        }
    }
}

/// `checker list`: every exercise, what it teaches, where it stands and
/// its points, then the course's progress.
pub fn list(course: &Path) -> String {
    let mut out = String::new();
    let mut done = 0;
    let (mut score, mut max) = (0.0, 0.0);
    let exercises = crate::exercises::EXERCISES;
    let _ = writeln!(
        out,
        "{:<24} {:<50} {:<30} points",
        "exercise", "you learn", "state"
    );
    for (dir, krate) in exercises {
        let teaches =
            std::fs::read_to_string(course.join("exercises").join(dir).join("checks.yaml"))
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find_map(|l| l.strip_prefix("title:"))
                        .map(|t| t.trim().trim_matches('"').to_owned())
                })
                .map(|t| {
                    t.split_once(": ")
                        .map_or(t.clone(), |(_, what)| what.to_owned())
                })
                .unwrap_or_default();
        let (state, points) = match state(course, dir) {
            State::NotStarted => ("not started".to_owned(), String::new()),
            State::NotRun => (format!("not checked: cargo test -p {krate}"), String::new()),
            State::Changed(r) => (
                format!("changed since its last run ({}/{})", r.passed, r.total),
                String::new(),
            ),
            State::Ran(r) => {
                score += r.score;
                max += r.max_score;
                let points = format!(
                    "{}/{}",
                    crate::report::points(r.score),
                    crate::report::points(r.max_score)
                );
                if r.passed == r.total {
                    done += 1;
                    ("done".to_owned(), points)
                } else {
                    (
                        format!("failing {} of {} checks", r.total - r.passed, r.total),
                        points,
                    )
                }
            }
        };
        let line = format!("{dir:<24} {:<50} {state:<30} {points}", cut(&teaches, 50));
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "\n{} {done}/{} exercises done, {}/{} points checked so far",
        bar(done, exercises.len()),
        exercises.len(),
        crate::report::points(score),
        crate::report::points(max)
    );
    out
}

/// `[####------]`: `done` of `total`, thirty wide.
pub fn bar(done: usize, total: usize) -> String {
    let width = 30;
    let filled = done.min(total) * width / total.max(1);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}
