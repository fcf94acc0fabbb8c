//! `cargo test -p <exercise>`: the exercise's checks in libtest's format.

mod own;

use std::path::Path;
use std::process::ExitCode;

use libtest_mimic::{Arguments, Failed, Trial};

use crate::check::{Check, Status};
use crate::child::{child_args, serve};
use crate::course::configured_checks;
use crate::grade::Budget;
use crate::grade::observe::Children;
use crate::sandbox::{Mode, Sandbox, launch};
use crate::source::Sources;
use crate::subject::Subject;

/// Runs the public checks of `subject`'s exercise, as the exercise's
/// `checks.yaml` lists them, and prints the results as `cargo test` does.
/// `crate_dir` is the exercise crate's directory (`env!("CARGO_MANIFEST_DIR")`),
/// which holds `checks.yaml` and the `src/` the source checks read.
///
/// The checks run in a child process, this same binary started again, just
/// as `checker grade` runs them: the same limits, the same handling of code
/// that aborts, exits or overflows its stack, and the same judge, so a
/// student sees the grader's verdicts.
pub fn main(subject: Subject, crate_dir: &str) -> ExitCode {
    let mut own_args = std::env::args().skip(1);
    if own_args.next().as_deref() == Some(launch::SUBCOMMAND) {
        return launch::main(&own_args.next().unwrap_or_default());
    }
    if let Some((_, only)) = child_args(std::env::args().skip(1)) {
        return serve(subject, &only);
    }
    let mut args = Arguments::from_args();
    if args.test_threads.is_none() {
        args.test_threads = Some(4);
    }
    let exercise = subject.exercise();
    let crate_dir = Path::new(crate_dir);
    let sources = compiled_sources(exercise, crate_dir);
    let config = std::fs::read_to_string(crate_dir.join("checks.yaml")).unwrap_or_default();
    let checks = match configured_checks(subject, crate_dir) {
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
    if checks.is_empty() {
        // Fresh from `checker new`: passing zero checks would say "ok".
        eprintln!(
            "{exercise} has no checks yet: write them in checker/src/exercises/{}.rs and list \
             them in checks.yaml (CONTRIBUTING.md, \"Add an exercise\"), then run `checker verify`",
            subject_crate(exercise)
        );
        return ExitCode::FAILURE;
    }
    let checks: Vec<Check> = checks.into_iter().filter(|c| !c.hidden).collect();
    // Observe the checks libtest's filter selects, in one child, before
    // listing the trials: a check skipped because an earlier exercise is
    // not written yet is shown as ignored. `--list` runs nothing.
    let selected: Vec<String> = checks
        .iter()
        .map(|c| c.id.clone())
        .filter(|id| selected_by(&args, id))
        .collect();
    // The one check that runs the student's own earlier exercises needs
    // them linked, and this binary links none (see `own`): its runner is
    // built meanwhile, while the other checks run here.
    let own_check = checks
        .iter()
        .find(|c| c.uses_own_earlier && selected.contains(&c.id))
        .map(|c| c.id.clone());
    let run = !args.list && !selected.is_empty();
    let own_runner = own_check.as_ref().filter(|_| run).map(|_| {
        let (exercise, crate_dir) = (exercise.to_owned(), crate_dir.to_path_buf());
        std::thread::spawn(move || own::build(&exercise, &crate_dir))
    });
    let here: Vec<String> = selected
        .iter()
        .filter(|id| Some(*id) != own_check.as_ref())
        .cloned()
        .collect();
    let observed = run.then(|| {
        // The student's own code on the student's own machine: no sandbox,
        // but the grader's limits, set by this binary as its own launcher.
        let exe = std::env::current_exe().expect("the test binary knows its path");
        let budget = Budget::run();
        let sandbox =
            Sandbox::prepare(Mode::None, exe.clone()).expect("no probing without a sandbox");
        let mut children = Children {
            sandbox: &sandbox,
            runner: exe,
            runner_args: Vec::new(),
            workdir: crate_dir.to_path_buf(),
            limits: budget.limits,
        };
        let mut observed = children.observe(exercise, &config, &here, budget.time);
        let (Some(id), Some(build)) = (&own_check, own_runner) else {
            return (observed, None);
        };
        let built = build
            .join()
            .unwrap_or_else(|_| own::OwnRunner::Failed("its build panicked".into()));
        if let own::OwnRunner::Built(runner) = &built {
            children.runner = runner.clone();
            let mut alone =
                children.observe(exercise, &config, std::slice::from_ref(id), budget.time);
            observed.outcomes.append(&mut alone.outcomes);
            for text in [alone.message, alone.output] {
                if !text.trim().is_empty() {
                    observed.output.push_str(&text);
                }
            }
        }
        (observed, Some((id.clone(), built)))
    });
    let (observed, own_built) = match observed {
        Some((observed, built)) => (Some(observed), built),
        None => (None, None),
    };
    let mut notes = Vec::new();
    let mut outcomes: Vec<(bool, f64)> = Vec::new();
    let mut failing = Vec::new();
    let mut lines = Vec::new();
    let trials = checks
        .into_iter()
        .map(|check| {
            let unbuilt = own_built
                .as_ref()
                .filter(|(id, _)| *id == check.id)
                .and_then(|(_, built)| built.verdict(exercise));
            let verdict = unbuilt.or_else(|| {
                observed
                    .as_ref()
                    .and_then(|o| o.outcomes.get(&check.id))
                    .map(|outcome| outcome.verdict(&check, &sources))
            });
            let skipped = verdict
                .as_ref()
                .is_some_and(|v| v.status == Status::Skipped);
            let passed = verdict.as_ref().is_some_and(|v| v.status == Status::Passed);
            outcomes.push((passed, check.points));
            if !passed {
                failing.push(check.id.clone());
            }
            lines.push(crate::progress::CheckLine {
                id: check.id.clone(),
                name: check.name.clone(),
                status: verdict
                    .as_ref()
                    .map_or("not run".to_owned(), |v| v.status.to_string()),
                message: verdict
                    .as_ref()
                    .filter(|v| v.status != Status::Passed)
                    .map(|v| v.message.clone())
                    .unwrap_or_default(),
                hint: verdict
                    .as_ref()
                    .filter(|v| v.status != Status::Passed)
                    .and_then(|v| v.hint.clone()),
            });
            if let Some(v) = verdict.as_ref().filter(|_| skipped) {
                let hint = v.hint.as_deref().map(|h| format!("\n  hint: {h}"));
                notes.push(format!(
                    "{} {}{}",
                    check.id,
                    v.message,
                    hint.unwrap_or_default()
                ));
            }
            let name = check.name.clone();
            Trial::test(check.id.clone(), move || match verdict {
                None => Err(Failed::from("the check was not run")),
                Some(v) if v.status == Status::Passed => Ok(()),
                Some(v) => {
                    let mut text = format!("{name} ({})\n  {}", v.status, v.message);
                    if let Some(hint) = v.hint {
                        text.push_str(&format!("\n  hint: {hint}"));
                    }
                    Err(Failed::from(text))
                }
            })
            .with_ignored_flag(skipped)
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    // A run of every check is the exercise's progress (`checker list`).
    let full = args.filter.is_none() && args.skip.is_empty() && !args.list && !args.ignored;
    if full && observed.is_some() {
        crate::progress::save(&crate::progress::Record {
            exercise: exercise.to_owned(),
            passed: outcomes.iter().filter(|(p, _)| *p).count(),
            total: outcomes.len(),
            score: outcomes
                .iter()
                .filter(|(p, _)| *p)
                .map(|(_, pts)| pts)
                .sum(),
            max_score: outcomes.iter().map(|(_, pts)| pts).sum(),
            sources: crate::progress::source_hash(&crate_dir.join("src")),
            failing,
            checks: lines,
        });
    }
    for note in notes {
        eprintln!("note: {note}");
    }
    if let Some(observed) = &observed {
        if !observed.message.is_empty() {
            eprintln!("\nnote: {}", observed.message);
        }
        if !observed.output.trim().is_empty() {
            eprintln!(
                "\n---- what your code printed (not part of the checks) ----\n{}",
                observed.output.trim_end()
            );
        }
    }
    conclusion.exit_code()
}

/// The exercise's sources as the compiler read them for its lib crate. This
/// test binary lives in `target/<profile>/deps`, beside the lib's dep-info;
/// without it (no path to this binary), [`Sources::compiled`] falls back to
/// reading `src/`.
fn compiled_sources(exercise: &str, crate_dir: &Path) -> Sources {
    let krate = crate::catalog::exercise(exercise).map_or(exercise, |e| e.krate);
    let deps = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    Sources::compiled(
        &deps,
        krate,
        crate_dir,
        crate_dir,
        &format!("exercises/{exercise}"),
    )
}

/// Whether libtest's filter and skip arguments select the check `id`.
fn selected_by(args: &Arguments, id: &str) -> bool {
    let matches = |pattern: &str| {
        if args.exact {
            id == pattern
        } else {
            id.contains(pattern)
        }
    };
    args.filter.as_deref().is_none_or(matches) && !args.skip.iter().any(|s| matches(s))
}

/// The crate name of the exercise in directory `dir`.
fn subject_crate(dir: &str) -> &str {
    crate::catalog::exercise(dir).map_or(dir, |e| e.krate)
}
