//! The course as instructors configure it: each exercise's `checks.yaml`
//! applied to the checks registered in Rust (see `CONTRIBUTING.md`).

pub(crate) mod cases;
mod config;

use std::path::Path;

pub use cases::{
    CaseSpec, Elapsed, GeneratorCase, GeneratorExpect, MeasureTimeCase, WaitsCase, WaitsExpect,
};
pub use config::{CheckEntry, ConfigError, ExerciseConfig, FORMAT_VERSION, Hints, parse};

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
/// checks the file neither lists nor withholds.
///
/// A withheld Rust check (`withheld:`, which only a student export has) is
/// left out: students' `cargo test` neither runs nor shows it. The
/// instructors' commands read the course through [`configure_course`],
/// which refuses `withheld`.
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
            Some(case) => crate::exercises::case(case, &entry.id, subject),
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
        if let Some(hints) = &entry.hints {
            check.hints = hints.steps().map(str::to_owned).to_vec();
        }
        check.points = entry.points;
        check.hidden = entry.hidden;
        out.push(check);
    }
    for (i, id) in config.withheld.iter().enumerate() {
        if !registered.iter().any(|c| &c.id == id) {
            let ids: Vec<_> = registered.iter().map(|c| c.id.as_str()).collect();
            errors.push(ConfigError {
                file: file.clone(),
                path: format!("withheld[{i}]"),
                message: format!(
                    "no Rust check {id:?} in {exercise}; its Rust checks are {}; only Rust checks are withheld",
                    ids.join(", ")
                ),
            });
        }
    }
    for check in &registered {
        let listed = config
            .checks
            .iter()
            .any(|e| e.id == check.id && e.case.is_none());
        if !listed && !config.withheld.contains(&check.id) {
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

/// [`configure`] for the instructors' course, as `checker grade`,
/// `checker verify` and `checker export` read it: a `withheld` list is
/// refused. Only `checker export` writes one, into a student copy; in a
/// course it would leave its checks ungraded without a word, where
/// `hidden: true` grades them and keeps them from students.
pub fn configure_course(
    subject: Subject,
    config: &ExerciseConfig,
) -> Result<Vec<Check>, Vec<ConfigError>> {
    let refused = (!config.withheld.is_empty()).then(|| ConfigError {
        file: config_path(subject.exercise()),
        path: "withheld".into(),
        message: "only `checker export` writes this list, into a student copy; grade and verify the instructors' course, which lists every check (`hidden: true` keeps one from students)".into(),
    });
    match (configure(subject, config), refused) {
        (Ok(checks), None) => Ok(checks),
        (Ok(_), Some(refused)) => Err(vec![refused]),
        (Err(mut errors), refused) => {
            errors.extend(refused);
            Err(errors)
        }
    }
}

/// The checks students run that have no hints: `checker verify` reports
/// each (students ask for hints on the checks they run; a check without
/// them falls back to its one failure hint).
pub fn unhinted(exercise: &str, config: &ExerciseConfig) -> Vec<ConfigError> {
    config
        .checks
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.hidden && e.hints.is_none())
        .map(|(i, e)| ConfigError {
            file: config_path(exercise),
            path: format!("checks[{i}].hints"),
            message: format!(
                "missing; {:?} is a check students run, so it needs hints for `checker hint`: \
                 `hints: {{nudge: ..., tool: ..., shape: ...}}` (CONTRIBUTING.md)",
                e.id
            ),
        })
        .collect()
}

/// Loads and applies an exercise's configuration in one step.
pub fn configured_checks(
    subject: Subject,
    exercise_dir: &Path,
) -> Result<Vec<Check>, Vec<ConfigError>> {
    configure(subject, &load(exercise_dir, subject.exercise())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "exercises/01_wait_n/checks.yaml";

    /// Every Rust check of wait_n listed, but those in `withheld`.
    fn config(withheld: &[&str]) -> ExerciseConfig {
        let subject = Subject::unlinked("01_wait_n").unwrap();
        let mut yaml = String::from("format-version: 1\ntitle: wait_n\nchecks:\n");
        for check in checks(subject) {
            if !withheld.contains(&check.id.as_str()) {
                yaml.push_str(&format!(
                    "  - id: {}\n    hints: {{nudge: n, tool: t, shape: s}}\n",
                    check.id
                ));
            }
        }
        yaml.push_str(&format!("withheld: [{}]\n", withheld.join(", ")));
        parse(FILE, "01_wait_n", &yaml).unwrap()
    }

    fn ids(checks: &[Check]) -> Vec<&str> {
        checks.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn a_withheld_rust_check_is_neither_required_nor_run() {
        let subject = Subject::unlinked("01_wait_n").unwrap();
        let checks = configure(subject, &config(&["no_sort"])).unwrap();
        assert!(!ids(&checks).contains(&"no_sort"), "{:?}", ids(&checks));
        assert!(ids(&checks).contains(&"concurrent"));
    }

    #[test]
    fn a_withheld_id_must_name_a_rust_check() {
        let subject = Subject::unlinked("01_wait_n").unwrap();
        let mut config = config(&[]);
        config.withheld = vec!["no_sort".into(), "five_waits".into()];
        config.checks.retain(|e| e.id != "no_sort");
        let errors: Vec<_> = configure(subject, &config)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].starts_with(&format!(
                "{FILE}: withheld[1]: no Rust check \"five_waits\" in 01_wait_n; its Rust checks are "
            )),
            "{errors:#?}"
        );
    }

    #[test]
    fn the_instructors_course_may_not_withhold() {
        let subject = Subject::unlinked("01_wait_n").unwrap();
        let errors = configure_course(subject, &config(&["no_sort"])).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].to_string().starts_with(&format!(
                "{FILE}: withheld: only `checker export` writes this list"
            )),
            "{errors:#?}"
        );
        assert!(configure_course(subject, &config(&[])).is_ok());
    }

    #[test]
    fn every_check_students_run_has_hints() {
        let subject = Subject::unlinked("01_wait_n").unwrap();
        let mut config = config(&[]);
        config.checks[1].hints = None;
        config.checks[2].hints = None;
        config.checks[2].hidden = true;
        assert!(configure_course(subject, &config).is_ok());
        let errors = unhinted("01_wait_n", &config);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].to_string().starts_with(&format!(
                "{FILE}: checks[1].hints: missing; {:?} is a check students run",
                config.checks[1].id
            )),
            "{errors:#?}"
        );
    }
}
