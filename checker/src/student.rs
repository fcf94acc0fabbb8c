//! `cargo test -p <exercise>`: the exercise's checks in libtest's format.

use std::path::Path;
use std::process::ExitCode;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::check::Status;
use crate::course::configured_checks;
use crate::engine::{evaluate, watchdog};
use crate::source::Sources;
use crate::subject::Subject;

/// Runs the public checks of `subject`'s exercise, as the exercise's
/// `checks.yaml` lists them, and prints the results as `cargo test` does.
/// `crate_dir` is the exercise crate's directory (`env!("CARGO_MANIFEST_DIR")`),
/// which holds `checks.yaml` and the `src/` the source checks read.
pub fn main(subject: Subject, crate_dir: &str) -> ExitCode {
    let mut args = Arguments::from_args();
    // Checks wait on a watchdog, not the CPU: run them side by side so code
    // that blocks costs one watchdog, not one per check.
    if args.test_threads.is_none() {
        args.test_threads = Some(16);
    }
    let exercise = subject.exercise();
    let sources = Sources::read(
        &Path::new(crate_dir).join("src"),
        &format!("exercises/{exercise}/src"),
    );
    let watchdog = watchdog();
    let checks = match configured_checks(subject, Path::new(crate_dir)) {
        Ok(checks) => checks,
        Err(errors) => {
            eprintln!(
                "error: the course's checks.yaml for {exercise} is invalid (a course bug, not yours):"
            );
            for error in errors {
                eprintln!("  {error}");
            }
            return ExitCode::FAILURE;
        }
    };
    let trials = checks
        .into_iter()
        .filter(|check| !check.hidden)
        .map(|check| {
            let sources = sources.clone();
            Trial::test(check.id.clone(), move || {
                let verdict = evaluate(&check, &sources, watchdog);
                match verdict.status {
                    Status::Passed => Ok(()),
                    status => {
                        let mut text = format!("{} ({status})\n  {}", check.name, verdict.message);
                        if let Some(hint) = verdict.hint {
                            text.push_str(&format!("\n  hint: {hint}"));
                        }
                        Err(Failed::from(text))
                    }
                }
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

/// `cargo test -p <exercise>` for an exercise the checker does not know
/// yet (fresh from `checker new`): says so and fails.
pub fn unregistered(exercise: &str) -> ExitCode {
    eprintln!(
        "{exercise} has no checks yet: register it with the checker (CONTRIBUTING.md, \
         \"Add an exercise\"), then run `checker verify`"
    );
    ExitCode::FAILURE
}
