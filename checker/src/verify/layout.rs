//! The course's files: every exercise registered, configured and complete.

use std::path::Path;

use super::analyze::{Problem, Rule};
use crate::course::{configure_course, parse};
use crate::exercises::EXERCISES;
use crate::subject::Subject;

/// Whether `name` is an exercise directory name: `NN_snake_case`.
pub fn is_exercise_name(name: &str) -> bool {
    let Some((number, crate_name)) = name.split_once('_') else {
        return false;
    };
    number.len() == 2
        && number.chars().all(|c| c.is_ascii_digit())
        && crate_name.starts_with(|c: char| c.is_ascii_lowercase())
        && crate_name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Everything missing or invalid in the course's layout.
pub fn layout(course: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut push = |exercise: &str, what: String, fix: &str| {
        problems.push(Problem {
            rule: Rule::Layout,
            exercise: exercise.to_owned(),
            what,
            fix: fix.to_owned(),
        })
    };
    let mut present: Vec<String> = std::fs::read_dir(course.join("exercises"))
        .map(|dir| {
            dir.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| is_exercise_name(n))
                .collect()
        })
        .unwrap_or_default();
    present.sort();

    for exercise in &present {
        let registered = EXERCISES.iter().any(|(d, _)| d == exercise);
        if !registered {
            push(
                exercise,
                format!("{exercise} is not registered with the checker, so nothing checks it"),
                "declare it in course! in checker/src/catalog.rs, write its checks module \
                 checker/src/exercises/<crate>.rs, and add its dependency to \
                 checker/runner/Cargo.toml (`checker new` does all three; CONTRIBUTING.md, \
                 \"Add an exercise\")",
            );
        }
        for (file, fix) in [
            (
                format!("exercises/{exercise}/Cargo.toml"),
                "run `checker new` or copy another exercise's",
            ),
            (
                format!("exercises/{exercise}/README.md"),
                "write the task a student works from",
            ),
            (
                format!("exercises/{exercise}/src/lib.rs"),
                "write the stub students start from",
            ),
            (
                format!("exercises/{exercise}/tests/checks.rs"),
                "wire the crate to the checks (copy another exercise's)",
            ),
            (
                format!("exercises/{exercise}/checks.yaml"),
                "list the exercise's checks",
            ),
            (
                format!("solutions/{exercise}/src/lib.rs"),
                "write the reference solution",
            ),
        ] {
            if !course.join(&file).is_file() {
                push(exercise, format!("{file} is missing"), fix);
            }
        }
        let stub = std::fs::read_to_string(course.join(format!("exercises/{exercise}/src/lib.rs")))
            .unwrap_or_default();
        if !stub.is_empty() && !stub.contains("todo!(") {
            push(
                exercise,
                format!("exercises/{exercise}/src/lib.rs has no todo!()"),
                "a stub's body is todo!(), so its checks say \"not implemented yet\"",
            );
        }
        let manifest =
            std::fs::read_to_string(course.join(format!("exercises/{exercise}/Cargo.toml")))
                .unwrap_or_default();
        let inherits_lints = manifest
            .split_once("\n[lints]\n")
            .is_some_and(|(_, rest)| rest.trim_start().starts_with("workspace = true"));
        if !manifest.is_empty() && !inherits_lints {
            push(
                exercise,
                format!(
                    "exercises/{exercise}/Cargo.toml does not inherit the workspace's lints, so \
                     student code may use unsafe (constructors, no_mangle) to get ahead of the checks"
                ),
                "add `[lints]` with `workspace = true` (the workspace forbids unsafe_code)",
            );
        }
        let solution =
            std::fs::read_to_string(course.join(format!("solutions/{exercise}/src/lib.rs")))
                .unwrap_or_default();
        if solution.contains("todo!(") {
            push(
                exercise,
                format!("solutions/{exercise}/src/lib.rs still has a todo!()"),
                "write the reference solution",
            );
        }
        let fixtures = std::fs::read_dir(course.join("tests/fixtures").join(exercise))
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
                    .count()
            })
            .unwrap_or(0);
        if fixtures == 0 {
            push(
                exercise,
                format!("tests/fixtures/{exercise}/ has no fixtures"),
                "add wrong solutions, each declaring the checks it fails (CONTRIBUTING.md, \"Add a fixture\")",
            );
        }
        if registered
            && let Ok(text) =
                std::fs::read_to_string(course.join(format!("exercises/{exercise}/checks.yaml")))
        {
            let subject = Subject::unlinked(exercise).expect("registered");
            if crate::exercises::checks(subject).is_empty() {
                let krate = crate::catalog::exercise(exercise).map_or("", |e| e.krate);
                push(
                    exercise,
                    format!("checker/src/exercises/{krate}.rs defines no checks"),
                    "write the exercise's checks there and list them in checks.yaml \
                     (CONTRIBUTING.md, \"Add an exercise\")",
                );
            }
            let configured = parse(&crate::course::config_path(exercise), exercise, &text)
                .and_then(|c| {
                    let unhinted = crate::course::unhinted(exercise, &c);
                    configure_course(subject, &c)?;
                    if unhinted.is_empty() {
                        Ok(())
                    } else {
                        Err(unhinted)
                    }
                });
            for error in configured.err().unwrap_or_default() {
                push(
                    exercise,
                    error.to_string(),
                    "fix checks.yaml (CONTRIBUTING.md lists every key)",
                );
            }
        }
    }
    for (exercise, _) in EXERCISES {
        if !present.iter().any(|p| p == exercise) {
            push(
                exercise,
                format!("exercises/{exercise}/ is missing but registered"),
                "restore it, or remove its entry from course! in checker/src/catalog.rs",
            );
        }
    }
    problems.extend(runner_wiring(course));
    problems
}

/// The grading runner links every exercise of the catalog: a dependency in
/// its `Cargo.toml` each, which is its whole wiring (the runner's build.rs
/// generates the rest), or `checker grade` cannot grade it.
fn runner_wiring(course: &Path) -> Vec<Problem> {
    let manifest = std::fs::read_to_string(course.join("checker/runner/Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<toml_edit::DocumentMut>().ok());
    let mut problems = Vec::new();
    for (exercise, krate) in EXERCISES {
        let path = manifest
            .as_ref()
            .and_then(|m| m.get("dependencies"))
            .and_then(|d| d.get(krate))
            .and_then(|dep| dep.get("path"))
            .and_then(|path| path.as_str().map(str::to_owned));
        let want = format!("../../exercises/{exercise}");
        if path.as_deref() != Some(want.as_str()) {
            problems.push(Problem {
                rule: Rule::Layout,
                exercise: exercise.to_owned(),
                what: format!(
                    "checker/runner/Cargo.toml does not link {krate} from exercises/{exercise}, \
                     so checker grade cannot grade it"
                ),
                fix: format!("add `{krate} = {{ path = \"{want}\" }}` to its [dependencies]"),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runner_missing_an_exercise_is_named() {
        let course = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(course.path().join("checker/runner")).unwrap();
        let mut manifest = String::from("[package]\nname = \"grade-runner\"\n\n[dependencies]\n");
        manifest.push_str("wait_random = { path = \"../../exercises/01_wait_n\" }\n");
        for (exercise, krate) in EXERCISES.iter().skip(2) {
            manifest.push_str(&format!(
                "{krate} = {{ path = \"../../exercises/{exercise}\" }}\n"
            ));
        }
        std::fs::write(course.path().join("checker/runner/Cargo.toml"), manifest).unwrap();
        let named: Vec<String> = runner_wiring(course.path())
            .into_iter()
            .map(|p| p.exercise)
            .collect();
        assert_eq!(named, ["00_wait_random", "01_wait_n"]);
    }
}
