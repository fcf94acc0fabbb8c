//! `checker export --student OUT_DIR`: the course as students get it:
//! exercises with their stubs and public checks, the checker, and a README
//! for students; no solutions, hidden checks, fixtures or project tests.
//!
//! A hidden check leaves the export in one of two ways. A hidden `case:`
//! (inputs and expectations in `checks.yaml`) is removed entirely. A
//! hidden Rust check's code is part of the checker library the export
//! needs, so only its entry goes, and its id is listed under `withheld:`
//! in the exported `checks.yaml`: the loader then accepts that the entry
//! is missing, and students' `cargo test` neither runs nor shows it.

use std::path::{Path, PathBuf};

use serde_yaml_ng::Value;

use crate::course::{ExerciseConfig, configure_course, parse};
use crate::files::files_under;
use crate::manifest::workspace_without;
use crate::subject::Subject;

/// Why the export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// OUT_DIR exists and is not empty.
    #[error("failed to export into {0}: it is not empty\nhint: name a new or empty directory")]
    NotEmpty(PathBuf),
    /// A course file could not be read, or an export file written.
    #[error("failed to export {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A checks.yaml is invalid, or could not be re-written without its
    /// hidden checks; or the workspace manifest could not be edited.
    #[error("failed to export {path}: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// What students get instead of the instructors' README.
const STUDENT_README: &str = include_str!("../templates/student-README.md");

/// Which copy of the course to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copy {
    /// What students get: public checks only.
    Student,
    /// What a grading service gets (`checker bundle`): every check, hidden
    /// ones too, and still no solutions, fixtures or project tests.
    Grader,
}

/// Writes the student copy of `course` into `out`; returns how many files.
pub fn export(course: &Path, out: &Path) -> Result<usize, ExportError> {
    export_copy(course, out, Copy::Student)
}

/// Writes `copy` of `course` into `out`; returns how many files.
pub fn export_copy(course: &Path, out: &Path, copy: Copy) -> Result<usize, ExportError> {
    if out.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        return Err(ExportError::NotEmpty(out.to_path_buf()));
    }
    let mut count = 0;
    let mut write = |rel: &Path, bytes: &[u8]| -> Result<(), ExportError> {
        let path = out.join(rel);
        let io = |source| ExportError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(path.parent().expect("files have parents")).map_err(io)?;
        std::fs::write(&path, bytes).map_err(io)?;
        count += 1;
        Ok(())
    };
    let read = |rel: &Path| {
        std::fs::read(course.join(rel)).map_err(|source| ExportError::Io {
            path: course.join(rel),
            source,
        })
    };

    // The workspace without the project's own tests; its default member
    // is then the checker (see `workspace_without`).
    let manifest = String::from_utf8_lossy(&read(Path::new("Cargo.toml"))?).into_owned();
    let manifest = workspace_without(&manifest, &["tests"]).map_err(|err| ExportError::Config {
        path: course.join("Cargo.toml"),
        message: err.to_string(),
    })?;
    write(Path::new("Cargo.toml"), manifest.as_bytes())?;
    for file in ["Cargo.lock", ".gitignore"] {
        write(Path::new(file), &read(Path::new(file))?)?;
    }
    // The students' `cargo course` alias, where the course has it.
    let aliases = Path::new(".cargo/config.toml");
    if course.join(aliases).is_file() {
        write(aliases, &read(aliases)?)?;
    }
    write(Path::new("README.md"), STUDENT_README.as_bytes())?;

    // The checker, without its own tests (they grade the project's fixtures).
    let course_crates = crate::catalog::COURSE_CRATES.iter().copied();
    for dir in [
        "checker/src",
        "checker/probes",
        "checker/runner",
        "checker/own-runner",
        "checker/templates",
    ]
    .into_iter()
    .chain(course_crates)
    {
        for file in files_under(&course.join(dir)) {
            let rel = file
                .strip_prefix(course)
                .expect("under the course")
                .to_path_buf();
            write(&rel, &read(&rel)?)?;
        }
    }
    write(
        Path::new("checker/Cargo.toml"),
        &read(Path::new("checker/Cargo.toml"))?,
    )?;

    // Quizzes, without anyone's answers.
    for file in files_under(&course.join(crate::quiz::DIR)) {
        let rel = file
            .strip_prefix(course)
            .expect("under the course")
            .to_path_buf();
        if !rel.to_string_lossy().ends_with(".answers.yaml") {
            write(&rel, &read(&rel)?)?;
        }
    }

    // Exercises: everything but hidden checks.
    for file in files_under(&course.join("exercises")) {
        let rel = file
            .strip_prefix(course)
            .expect("under the course")
            .to_path_buf();
        let config = rel.file_name().is_some_and(|n| n == "checks.yaml")
            && rel.parent().and_then(Path::parent) == Some(Path::new("exercises"));
        if config && copy == Copy::Student {
            write(&rel, public_config(&rel, &read(&rel)?)?.as_bytes())?;
        } else {
            write(&rel, &read(&rel)?)?;
        }
    }
    Ok(count)
}

/// The exercise config at `rel` (`exercises/NN_name/checks.yaml`) as a
/// student copy has it: validated as `checker grade` would, then without
/// its hidden entries, the hidden Rust checks among them listed under
/// `withheld` (see the module docs).
fn public_config(rel: &Path, bytes: &[u8]) -> Result<String, ExportError> {
    let err = |message: String| ExportError::Config {
        path: rel.to_path_buf(),
        message,
    };
    let exercise = rel
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(bytes);
    let invalid = |errors: Vec<crate::course::ConfigError>| {
        let lines: Vec<_> = errors.iter().map(|e| format!("  {e}")).collect();
        err(format!("it is invalid:\n{}", lines.join("\n")))
    };
    let config = parse(&crate::course::config_path(exercise), exercise, &text).map_err(invalid)?;
    // An exercise `checker new` scaffolded but not yet registered has no
    // Rust checks to hold the file to.
    if let Some(subject) = Subject::unlinked(exercise) {
        configure_course(subject, &config).map_err(invalid)?;
    }
    let (hidden, withheld) = hidden_checks(&config);

    let mut doc: Value = serde_yaml_ng::from_str(&text).map_err(|e| err(e.to_string()))?;
    if let Some(checks) = doc.get_mut("checks").and_then(Value::as_sequence_mut) {
        checks.retain(|c| {
            c.get("id")
                .and_then(Value::as_str)
                .is_none_or(|id| !hidden.contains(&id))
        });
    }
    let mut header = String::from("# The checks this exercise's `cargo test` runs.\n");
    if !withheld.is_empty()
        && let Some(top) = doc.as_mapping_mut()
    {
        header.push_str(
            "# `withheld`: graded checks whose results only the grader's report shows.\n",
        );
        top.insert(
            "withheld".into(),
            Value::Sequence(withheld.iter().map(|&id| id.into()).collect()),
        );
    }
    let yaml = serde_yaml_ng::to_string(&doc).map_err(|e| err(e.to_string()))?;
    Ok(header + &yaml)
}

/// The ids of `config`'s hidden checks, and those of them that are Rust
/// checks (no `case:`), which the export withholds.
fn hidden_checks(config: &ExerciseConfig) -> (Vec<&str>, Vec<&str>) {
    let hidden: Vec<_> = config.checks.iter().filter(|e| e.hidden).collect();
    (
        hidden.iter().map(|e| e.id.as_str()).collect(),
        hidden
            .iter()
            .filter(|e| e.case.is_none())
            .map(|e| e.id.as_str())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const REL: &str = "exercises/01_wait_n/checks.yaml";

    /// A wait_n config with a public and a hidden case, and every Rust
    /// check listed, `no_sort` hidden. Written out, not read from the
    /// course: these tests also run in the student export.
    fn course_config() -> String {
        let subject = Subject::unlinked("01_wait_n").unwrap();
        let mut yaml = String::from("format-version: 1\ntitle: wait_n\nchecks:\n");
        for check in crate::exercises::checks(subject) {
            yaml.push_str(&format!("  - id: {}\n", check.id));
            if check.id == "no_sort" {
                yaml.push_str("    hidden: true\n");
            }
            yaml.push_str("    points: 1\n");
        }
        let case = "    case:\n      n: 5\n      max_delay: 5s\n      expect:\n        length: 5\n";
        yaml.push_str(&format!("  - id: five_waits\n{case}"));
        yaml.push_str(&format!("  - id: a_hidden_case\n    hidden: true\n{case}"));
        assert!(
            yaml.contains("  - id: no_sort\n    hidden: true\n"),
            "{yaml}"
        );
        yaml
    }

    #[test]
    fn hidden_cases_go_and_hidden_rust_checks_are_withheld() {
        let out = public_config(Path::new(REL), course_config().as_bytes()).unwrap();
        assert!(!out.contains("a_hidden_case"), "{out}");
        let config = parse(REL, "01_wait_n", &out).unwrap();
        assert_eq!(config.withheld, ["no_sort"]);
        assert!(config.checks.iter().all(|e| !e.hidden), "{out}");
        assert!(config.checks.iter().any(|e| e.id == "five_waits"));
        let subject = Subject::unlinked("01_wait_n").unwrap();
        let checks = crate::course::configure(subject, &config).unwrap();
        assert!(checks.iter().all(|c| c.id != "no_sort"));
    }

    #[test]
    fn a_config_without_hidden_rust_checks_withholds_nothing() {
        let text = course_config().replace("    hidden: true\n", "");
        let out = public_config(Path::new(REL), text.as_bytes()).unwrap();
        assert!(!out.contains("withheld"), "{out}");
    }

    #[test]
    fn an_invalid_or_exported_config_is_not_exported() {
        let withheld = course_config()
            .replace("  - id: no_sort\n    hidden: true\n    points: 1\n", "")
            + "withheld: [no_sort]\n";
        for (text, want) in [
            (
                course_config().replace("points: 1", "points: one"),
                "points: expected a number",
            ),
            (withheld, "withheld: only `checker export` writes this list"),
        ] {
            let err = public_config(Path::new(REL), text.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with(&format!(
                    "failed to export {REL}: it is invalid:\n  {REL}: "
                )),
                "{err}"
            );
            assert!(err.contains(want), "expected {want:?} in {err}");
        }
    }
}
