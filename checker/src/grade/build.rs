//! Building a submission into one runner binary. An exercise whose code
//! breaks the build is blamed, its starter stub takes its place, and the
//! build runs again until it links, so every other exercise is still graded.
//!
//! Blame comes from what the build says: compiler errors name a file, and a
//! build stopped at its budget names the crates still compiling. When
//! nothing names an exercise (a link error, the compiler killed for its
//! memory), the exercises are found by building with stubs: all of them
//! first, then each submitted exercise put back in turn.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::intake::Intake;
use super::slot::{Build, Slot};
use super::toolchain::Toolchain;
use super::{Budget, GradeError, trim_text};
use crate::exercises::EXERCISES;
use crate::sandbox::{End, Sandbox};

/// Everything one submission's builds share.
pub(crate) struct Builder<'a> {
    pub slot: &'a Slot,
    pub sandbox: &'a Sandbox,
    pub toolchain: &'a Toolchain,
    pub budget: &'a Budget,
    pub intakes: &'a BTreeMap<&'static str, Intake>,
    pub stubs: &'a BTreeMap<&'static str, Vec<(PathBuf, String)>>,
}

impl Builder<'_> {
    /// Builds until the runner links. Returns each exercise that had to be
    /// replaced by its stub, with why.
    ///
    /// # Errors
    ///
    /// When the course itself does not build, even with every exercise a stub.
    pub fn build(&self) -> Result<BTreeMap<&'static str, String>, GradeError> {
        let mut broken = BTreeMap::new();
        loop {
            let build = self.run()?;
            if build.succeeded() {
                return Ok(broken);
            }
            let mut blamed = self.named(&build, &broken);
            if blamed.is_empty() {
                blamed = self.isolate(&build, &broken)?;
            }
            if blamed.is_empty() {
                return Err(GradeError::CourseBuild(trim_text(
                    &self.failure(&build),
                    8 * 1024,
                )));
            }
            for (dir, errors) in blamed {
                self.slot.write_exercise(dir, &self.stubs[dir])?;
                broken.insert(dir, compile_message(dir, &errors));
            }
        }
    }

    fn run(&self) -> Result<Build, GradeError> {
        // An exercise crate depends on no student's crate but its own (the
        // slot's probes are built without them), so a stub's artefacts
        // hold course code alone.
        let pure: BTreeSet<&str> = EXERCISES
            .iter()
            .map(|(dir, _)| *dir)
            .filter(|dir| self.slot.holds(dir, &self.stubs[dir]))
            .collect();
        self.slot
            .build(self.sandbox, self.toolchain, self.budget, &pure)
    }

    /// Exercises still holding the student's code (not stubbed yet).
    fn suspects(&self, broken: &BTreeMap<&str, String>) -> Vec<&'static str> {
        EXERCISES
            .iter()
            .map(|(dir, _)| *dir)
            .filter(|dir| {
                matches!(self.intakes[dir], Intake::Files(_)) && !broken.contains_key(dir)
            })
            .collect()
    }

    /// The exercises the build's own messages blame.
    fn named(
        &self,
        build: &Build,
        broken: &BTreeMap<&str, String>,
    ) -> BTreeMap<&'static str, Vec<String>> {
        let suspects = self.suspects(broken);
        let mut blamed: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for (exercise, error) in &build.errors {
            if let Some(dir) = suspects.iter().find(|d| *d == exercise) {
                blamed.entry(dir).or_default().push(error.clone());
            }
        }
        if let End::TimedOut { running } = &build.end {
            for krate in running.iter().filter_map(|argv| crate_name(argv)) {
                let dir = EXERCISES
                    .iter()
                    .find(|(_, c)| krate == *c || krate.strip_prefix("probe_") == Some(c))
                    .map(|(d, _)| *d);
                if let Some(dir) = dir.filter(|d| suspects.contains(d)) {
                    blamed.entry(dir).or_default().push(format!(
                        "compiling this exercise did not finish within the build's budget of {}s \
                         and was stopped (a constant evaluated at compile time that never ends?)",
                        self.budget.time.as_secs()
                    ));
                }
            }
        }
        blamed
    }

    /// Finds who breaks a build that blamed nobody: with every suspect a
    /// stub the build must succeed (else it is the course's own failure,
    /// and nobody is blamed); then each suspect is put back in turn, not yet
    /// compiled ones first, and kept out if the build fails with it.
    fn isolate(
        &self,
        failed: &Build,
        broken: &BTreeMap<&str, String>,
    ) -> Result<BTreeMap<&'static str, Vec<String>>, GradeError> {
        let mut suspects = self.suspects(broken);
        let compiled = |dir: &str| failed.finished.contains(dir);
        suspects.sort_by_key(|dir| compiled(dir));
        let mut blamed = BTreeMap::new();
        if suspects.is_empty() {
            return Ok(blamed);
        }
        for dir in &suspects {
            self.slot.write_exercise(dir, &self.stubs[dir])?;
        }
        if !self.run()?.succeeded() {
            return Ok(blamed);
        }
        for dir in suspects {
            let Intake::Files(files) = &self.intakes[dir] else {
                continue;
            };
            self.slot.write_exercise(dir, files)?;
            let build = self.run()?;
            if !build.succeeded() {
                self.slot.write_exercise(dir, &self.stubs[dir])?;
                let own: Vec<String> = build
                    .errors
                    .iter()
                    .filter(|(e, _)| e == dir)
                    .map(|(_, text)| text.clone())
                    .collect();
                let why = if own.is_empty() {
                    vec![format!(
                        "the course could not be built with this exercise: {}",
                        self.failure(&build)
                    )]
                } else {
                    own
                };
                blamed.insert(dir, why);
            }
        }
        Ok(blamed)
    }

    /// What went wrong with a build, for people.
    fn failure(&self, build: &Build) -> String {
        match &build.end {
            End::OutOfMemory => format!(
                "the compiler ran out of memory (the build may use {} MiB; a huge constant or \
                 array evaluated at compile time?)",
                self.budget.limits.memory >> 20
            ),
            End::TimedOut { .. } => format!(
                "the build did not finish within its budget of {}s",
                self.budget.time.as_secs()
            ),
            _ if !build.unattributed.is_empty() => build.unattributed.join("\n"),
            _ => cargo_said(&build.stderr),
        }
    }
}

/// cargo's own account of a failure, without its progress lines and with
/// a compiler's long command line cut short.
fn cargo_said(stderr: &str) -> String {
    let mut lines: Vec<String> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("error"))
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.find("process didn't exit successfully") {
            Some(at) => {
                let status = l.rfind(" (").map_or("", |i| &l[i..]);
                format!("{}a compiler process failed{status}", &l[..at])
            }
            None => l.to_owned(),
        })
        .collect();
    if lines.is_empty() {
        lines.push(stderr.trim().to_owned());
    }
    lines.join("\n")
}

/// `--crate-name NAME` from a compiler's command line.
fn crate_name(argv: &[String]) -> Option<&str> {
    let at = argv.iter().position(|a| a == "--crate-name")?;
    argv.get(at + 1).map(String::as_str)
}

fn compile_message(exercise: &str, errors: &[String]) -> String {
    let mut text = errors.join("\n");
    let compiler_said = errors.iter().any(|e| e.starts_with("error"));
    if compiler_said
        && errors
            .iter()
            .any(|e| !e.contains(&format!("exercises/{exercise}/")))
    {
        text.push_str(
            "\nnote: your crate compiles on its own, but the course could not call it: check the \
             function's signature against README.md, and that your futures are Send (no \
             rand::rng() kept across an .await)",
        );
    }
    trim_text(&text, 8 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crate_being_compiled_is_read_off_its_command_line() {
        let argv: Vec<String> = [
            "/toolchain/bin/rustc",
            "--crate-name",
            "wait_n",
            "--edition=2024",
        ]
        .map(str::to_owned)
        .into();
        assert_eq!(crate_name(&argv), Some("wait_n"));
        assert_eq!(crate_name(&argv[..1]), None);
    }

    #[test]
    fn cargos_account_of_a_killed_compiler_is_kept_short() {
        let stderr = "   Compiling wait_random v0.1.0 (/build/exercises/00_wait_random)\n\
                      error: could not compile `wait_random` (lib)\n\nCaused by:\n  process \
                      didn't exit successfully: `/toolchain/bin/rustc --crate-name wait_random \
                      --edition=2024` (signal: 25, SIGXFSZ: file size limit exceeded)\n";
        assert_eq!(
            cargo_said(stderr),
            "error: could not compile `wait_random` (lib)\nCaused by:\n  a compiler process \
             failed (signal: 25, SIGXFSZ: file size limit exceeded)"
        );
    }
}
