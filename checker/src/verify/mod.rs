//! `checker verify`: the instructor's and CI's proof that the course is
//! sound. Every reference solution passes every check (hidden ones too),
//! every stub fails saying it is not implemented, every fixture fails
//! exactly what it declares, every check is failed by some fixture, and
//! every verdict repeats across rounds.

mod analyze;
mod layout;

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

pub use analyze::{Judged, Kind, Problem, Rule, analyze};
pub use layout::{is_exercise_name, layout};

use crate::check::Status;

/// What `checker verify` found.
#[derive(Clone, Debug)]
pub struct Verification {
    /// Every problem, by exercise.
    pub problems: Vec<Problem>,
    /// Every verdict the fixture runner reported.
    pub judged: Vec<Judged>,
}

/// What the course's fixture runner (`judge-fixtures`) reports: the
/// layout as the course's own checker sees it (its catalog, compiled from
/// the course, not this binary's), and every verdict.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Judgement {
    /// [`layout`] of the course, by the checker compiled from it.
    pub layout: Vec<Problem>,
    /// Every check's verdicts on every solution, stub and fixture.
    pub judged: Vec<Judged>,
}

/// Why verification could not run.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// cargo could not be started.
    #[error(
        "failed to run cargo: {0}\nhint: install Rust with rustup, or set CARGO to cargo's path"
    )]
    Toolchain(std::io::Error),
}

/// Verifies the course at `course`, running every check `rounds` times.
/// Builds and runs the course's fixture runner (`course-tests`).
pub fn verify(course: &Path, rounds: usize) -> Result<Verification, VerifyError> {
    let mut problems = Vec::new();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "-p",
            "course-tests",
            "--bin",
            "judge-fixtures",
            "--",
        ])
        .arg(rounds.to_string())
        .current_dir(course)
        .output()
        .map_err(VerifyError::Toolchain)?;
    let judged: Vec<Judged> = if output.status.success() {
        let judgement = serde_json::from_slice::<Judgement>(&output.stdout);
        let judgement = judgement.unwrap_or_else(|err| {
            problems.extend(layout(course));
            problems.push(Problem {
                rule: Rule::Layout,
                exercise: String::new(),
                what: format!("the fixture runner's output is not valid: {err}"),
                fix: "run `cargo run -p course-tests --bin judge-fixtures` and read its output"
                    .into(),
            });
            Judgement::default()
        });
        problems.extend(judgement.layout);
        judgement.judged
    } else {
        // This binary's catalog stands in for the course's, which did not build.
        problems.extend(layout(course));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr
            .lines()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        problems.push(Problem {
            rule: Rule::Layout,
            exercise: String::new(),
            what: format!(
                "the fixture runner (course-tests) failed:\n{}",
                tail.join("\n")
            ),
            fix:
                "a solution, stub or fixture does not compile, or is not wired: see the error above"
                    .into(),
        });
        Vec::new()
    };
    problems.extend(analyze(&judged));
    if let Err(errors) = crate::quiz::load_all(course) {
        problems.extend(errors.into_iter().map(|error| Problem {
            rule: Rule::Layout,
            exercise: error.file.clone(),
            what: error.to_string(),
            fix: "fix the quiz file (its format: the docs of checker::quiz)".into(),
        }));
    }
    problems.sort();
    problems.dedup();
    Ok(Verification { problems, judged })
}

impl Verification {
    /// A table per exercise, then every problem with its fix.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<24} {:>6} {:>8}  {:<9} {:<9} {:<15} {:<15} {:<13}",
            "exercise",
            "checks",
            "fixtures",
            "solution",
            "stub",
            "fixtures exact",
            "checks caught",
            "deterministic"
        );
        let exercises: BTreeSet<&str> = self
            .judged
            .iter()
            .map(|j| j.exercise.as_str())
            .chain(self.problems.iter().map(|p| p.exercise.as_str()))
            .filter(|e| !e.is_empty())
            .collect();
        for exercise in exercises {
            let of = |kind: Kind| {
                self.judged
                    .iter()
                    .filter(move |j| j.exercise == exercise && j.kind == kind)
            };
            let checks: BTreeSet<&str> = of(Kind::Solution).map(|j| j.check.as_str()).collect();
            let fixtures: BTreeSet<&str> = of(Kind::Fixture).map(|j| j.path.as_str()).collect();
            let broken = |rule: Rule| {
                self.problems
                    .iter()
                    .filter(|p| p.exercise == exercise && p.rule == rule)
                    .count()
            };
            let mark = |ok: bool| if ok { "ok" } else { "FAILED" };
            let solution = mark(broken(Rule::SolutionPasses) == 0 && !checks.is_empty());
            let stub = mark(
                broken(Rule::StubFails) == 0
                    && of(Kind::Stub).any(|j| j.statuses[0] != Status::Passed),
            );
            let inexact: BTreeSet<&str> = self
                .problems
                .iter()
                .filter(|p| p.exercise == exercise && p.rule == Rule::FixtureExact)
                .filter_map(|p| fixtures.iter().find(|f| p.what.starts_with(**f)).copied())
                .collect();
            let exact = format!("{}/{}", fixtures.len() - inexact.len(), fixtures.len());
            let caught = format!(
                "{}/{}",
                checks.len() - broken(Rule::CheckCaught),
                checks.len()
            );
            let _ = writeln!(
                out,
                "{exercise:<24} {:>6} {:>8}  {solution:<9} {stub:<9} {exact:<15} {caught:<15} {:<13}",
                checks.len(),
                fixtures.len(),
                mark(broken(Rule::Deterministic) == 0)
            );
        }
        if self.problems.is_empty() {
            let _ = writeln!(out, "\nthe course is sound: no problems");
        } else {
            let _ = writeln!(out, "\n{} problems:", self.problems.len());
            for p in &self.problems {
                let at = if p.exercise.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", p.exercise)
                };
                let _ = writeln!(out, "- {at}{}\n  fix: {}", p.what, p.fix);
            }
        }
        out
    }
}
