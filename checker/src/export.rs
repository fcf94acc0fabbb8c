//! `checker export --student OUT_DIR`: the course as students get it:
//! exercises with their stubs and public checks, the checker, and a README
//! for students; no solutions, hidden checks, fixtures or project tests.

use std::path::{Path, PathBuf};

use serde_yaml_ng::Value;

use crate::files::files_under;

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
    /// A checks.yaml could not be re-written without its hidden checks.
    #[error("failed to strip hidden checks from {path}: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// What students get instead of the instructors' README.
const STUDENT_README: &str = include_str!("../templates/student-README.md");

/// Writes the student copy of `course` into `out`; returns how many files.
pub fn export(course: &Path, out: &Path) -> Result<usize, ExportError> {
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

    // The workspace without the project's own tests.
    let manifest = String::from_utf8_lossy(&read(Path::new("Cargo.toml"))?).into_owned();
    let manifest: Vec<String> = manifest
        .lines()
        .map(|l| {
            if l.starts_with("members") {
                l.replace(", \"tests\"", "")
            } else if l.starts_with("default-members") {
                "default-members = [\"checker\"]".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect();
    write(
        Path::new("Cargo.toml"),
        (manifest.join("\n") + "\n").as_bytes(),
    )?;
    for file in ["Cargo.lock", ".gitignore"] {
        write(Path::new(file), &read(Path::new(file))?)?;
    }
    write(Path::new("README.md"), STUDENT_README.as_bytes())?;

    // The checker, without its own tests (they grade the project's fixtures).
    for dir in [
        "checker/src",
        "checker/probes",
        "checker/runner",
        "checker/templates",
    ] {
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

    // Exercises: everything but hidden checks.
    for file in files_under(&course.join("exercises")) {
        let rel = file
            .strip_prefix(course)
            .expect("under the course")
            .to_path_buf();
        if rel.file_name().is_some_and(|n| n == "checks.yaml") {
            write(&rel, without_hidden(&file, &read(&rel)?)?.as_bytes())?;
        } else {
            write(&rel, &read(&rel)?)?;
        }
    }
    Ok(count)
}

/// The config with every `hidden: true` check removed.
fn without_hidden(path: &Path, bytes: &[u8]) -> Result<String, ExportError> {
    let err = |message: String| ExportError::Config {
        path: path.to_path_buf(),
        message,
    };
    let mut doc: Value = serde_yaml_ng::from_slice(bytes).map_err(|e| err(e.to_string()))?;
    if let Some(checks) = doc.get_mut("checks").and_then(Value::as_sequence_mut) {
        checks.retain(|c| c.get("hidden").and_then(Value::as_bool) != Some(true));
    }
    let yaml = serde_yaml_ng::to_string(&doc).map_err(|e| err(e.to_string()))?;
    Ok(format!(
        "# The checks this exercise's `cargo test` runs.\n{yaml}"
    ))
}
