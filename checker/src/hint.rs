//! `checker hint NN [--next]`: a check's hints from `checks.yaml`, one step
//! more each time a student asks (a nudge, then the tool, then the shape of
//! the code), for the first check that failed in the last `cargo test -p`.
//! What was revealed is kept beside the progress records, so watch mode's
//! `h` and the command reveal the same steps.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::check::Check;
use crate::course::Hints;
use crate::course::configured_checks;
use crate::progress::{self, State};
use crate::subject::Subject;

/// Revealed steps, by exercise, then check.
type Revealed = BTreeMap<String, BTreeMap<String, usize>>;

const STATE_FILE: &str = "hints.json";

/// Which check a hint is for, and how many of its steps are out.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The exercise's directory.
    pub exercise: String,
    /// The check's id.
    pub check: String,
    /// What it checks.
    pub name: String,
    /// Its steps revealed so far (at least one).
    pub steps: Vec<String>,
    /// All of its steps.
    pub of: usize,
    /// Whether the check failed in the last recorded run.
    pub failed: bool,
}

impl Shown {
    /// For people: the check, each step revealed, and what comes next.
    pub fn render(&self, next_command: &str) -> String {
        let mut out = String::new();
        let why = if self.failed {
            "failed in your last run"
        } else {
            "not yet passing"
        };
        let _ = writeln!(
            out,
            "{}: {} ({}, {why})",
            self.exercise, self.check, self.name
        );
        for (i, step) in self.steps.iter().enumerate() {
            let label = Hints::STEPS.get(i).copied().unwrap_or("hint");
            let mut lines = step.lines();
            let _ = writeln!(
                out,
                "  {}/{} {label}: {}",
                i + 1,
                self.of,
                lines.next().unwrap_or_default()
            );
            for line in lines {
                let _ = writeln!(out, "        {line}");
            }
        }
        if self.steps.len() < self.of {
            let _ = writeln!(out, "  more: {next_command}");
        } else {
            let _ = writeln!(out, "  that is every hint for this check");
        }
        out
    }
}

/// Why there is no hint to give.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NoHint {
    /// The name is no exercise of the course.
    #[error("no exercise {0:?}: name it by number (01), directory (01_wait_n) or crate (wait_n)")]
    Unknown(String),
    /// The check named is not one students run.
    #[error(
        "{exercise} has no check {check:?} students run; `cargo test -p {krate} -- --list` lists them"
    )]
    NoSuchCheck {
        /// The exercise.
        exercise: String,
        /// Its crate.
        krate: String,
        /// The id asked for.
        check: String,
    },
    /// Every check passed in the last run, on the code as it is.
    #[error("every check of {0} passes: no hint needed; `checker list` shows what is next")]
    AllPass(String),
    /// The course's checks.yaml does not load.
    #[error("the course's checks.yaml of {0} is invalid (a course bug): {1}")]
    Course(String, String),
}

/// The hint for `name` (an exercise): for `check`, or else the first check
/// that failed in the last run (the first check when there is none); one
/// more step when `next`.
///
/// # Errors
///
/// When there is nothing to hint at: see [`NoHint`].
pub fn hint(course: &Path, name: &str, check: Option<&str>, next: bool) -> Result<Shown, NoHint> {
    let exercise = crate::catalog::named(name).ok_or_else(|| NoHint::Unknown(name.to_owned()))?;
    let subject =
        Subject::unlinked(exercise.dir).ok_or_else(|| NoHint::Unknown(name.to_owned()))?;
    let checks: Vec<Check> =
        configured_checks(subject, &course.join("exercises").join(exercise.dir))
            .map_err(|errors| {
                let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
                NoHint::Course(exercise.dir.to_owned(), said.join("; "))
            })?
            .into_iter()
            .filter(|c| !c.hidden)
            .collect();
    let state = progress::state(course, exercise.dir);
    let current = matches!(state, State::Ran(_));
    let record = match state {
        State::Ran(record) | State::Changed(record) => Some(record),
        State::NotStarted | State::NotRun => None,
    };
    let failing = record
        .as_ref()
        .map(|r| r.failing.clone())
        .unwrap_or_default();
    let chosen = match check {
        Some(id) => checks
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| NoHint::NoSuchCheck {
                exercise: exercise.dir.to_owned(),
                krate: exercise.krate.to_owned(),
                check: id.to_owned(),
            })?,
        None => match &record {
            Some(r) if current && r.failing.is_empty() && r.passed == r.total => {
                return Err(NoHint::AllPass(exercise.dir.to_owned()));
            }
            _ => failing
                .iter()
                .find_map(|id| checks.iter().find(|c| &c.id == id))
                .or(checks.first()),
        }
        .ok_or_else(|| NoHint::AllPass(exercise.dir.to_owned()))?,
    };
    let mut revealed = load(course);
    let seen = revealed
        .entry(exercise.dir.to_owned())
        .or_default()
        .entry(chosen.id.clone())
        .or_default();
    let of = chosen.hints.len().max(1);
    *seen = if next { *seen + 1 } else { *seen }.clamp(1, of);
    let count = *seen;
    save(course, &revealed);
    let steps = if chosen.hints.is_empty() {
        vec![chosen.hint.clone()]
    } else {
        chosen.hints[..count].to_vec()
    };
    Ok(Shown {
        exercise: exercise.dir.to_owned(),
        check: chosen.id.clone(),
        name: chosen.name.clone(),
        steps,
        of,
        failed: failing.contains(&chosen.id),
    })
}

fn load(course: &Path) -> Revealed {
    std::fs::read_to_string(progress::dir_for(course).join(STATE_FILE))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save(course: &Path, revealed: &Revealed) {
    let dir = progress::dir_for(course);
    let _ = std::fs::create_dir_all(&dir);
    let text = serde_json::to_string_pretty(revealed).expect("maps serialise");
    let _ = crate::files::write_atomically(&dir.join(STATE_FILE), text);
}
