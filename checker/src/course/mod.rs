//! The course as instructors configure it: each exercise's `checks.yaml`
//! applied to the checks registered in Rust (see `CONTRIBUTING.md`).

mod cases;
mod config;

use std::path::Path;

pub use cases::{
    CaseSpec, Elapsed, GeneratorCase, GeneratorExpect, MeasureTimeCase, WaitsCase, WaitsExpect,
};
pub use config::{CheckEntry, ConfigError, ExerciseConfig, FORMAT_VERSION, parse};

use crate::check::Check;
use crate::exercises::checks;
use crate::subject::Subject;

/// The config file of an exercise, relative to the course root.
pub fn config_path(exercise: &str) -> String {
    format!("exercises/{exercise}/checks.yaml")
}

/// Reads `checks.yaml` from an exercise crate's directory.
pub fn load(exercise_dir: &Path, exercise: &str) -> Result<ExerciseConfig, Vec<ConfigError>> {
    let file = config_path(exercise);
    let text = std::fs::read_to_string(exercise_dir.join("checks.yaml")).map_err(|err| {
        vec![ConfigError {
            file: file.clone(),
            path: String::new(),
            message: format!("failed to read it: {err}"),
        }]
    })?;
    parse(&file, exercise, &text)
}

/// The subject's checks as `config` lists them: in its order, with its
/// names, points, hints and hidden flags, plus its declarative cases.
/// Every problem is reported at once: ids that name no check, and Rust
/// checks the file does not list.
pub fn configure(
    subject: Subject,
    config: &ExerciseConfig,
) -> Result<Vec<Check>, Vec<ConfigError>> {
    let exercise = subject.exercise();
    let file = config_path(exercise);
    let registered = checks(subject);
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, entry) in config.checks.iter().enumerate() {
        let check = match &entry.case {
            Some(case) => case.check(&entry.id, subject),
            None => registered.iter().find(|c| c.id == entry.id).cloned(),
        };
        let Some(mut check) = check else {
            let ids: Vec<_> = registered.iter().map(|c| c.id.as_str()).collect();
            errors.push(ConfigError {
                file: file.clone(),
                path: format!("checks[{i}].id"),
                message: format!(
                    "no Rust check {:?} in {exercise}; its Rust checks are {}; to declare a new one, add a `case:`",
                    entry.id,
                    ids.join(", ")
                ),
            });
            continue;
        };
        if let Some(name) = &entry.name {
            check.name = name.clone();
        }
        if let Some(hint) = &entry.hint {
            check.hint = hint.clone();
        }
        check.points = entry.points;
        check.hidden = entry.hidden;
        out.push(check);
    }
    for check in &registered {
        if !config
            .checks
            .iter()
            .any(|e| e.id == check.id && e.case.is_none())
        {
            errors.push(ConfigError {
                file: file.clone(),
                path: "checks".into(),
                message: format!(
                    "the Rust check {:?} is not listed; add `- id: {}` (with `points: 0` to keep it out of the score)",
                    check.id, check.id
                ),
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Loads and applies an exercise's configuration in one step.
pub fn configured_checks(
    subject: Subject,
    exercise_dir: &Path,
) -> Result<Vec<Check>, Vec<ConfigError>> {
    configure(subject, &load(exercise_dir, subject.exercise())?)
}
