//! Taking an exercise's sources from a submission: only
//! `exercises/NN_name/src/**/*.rs`, regular files, UTF-8, bounded in size.

use std::path::{Path, PathBuf};

/// Largest accepted source file.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// Largest accepted total per exercise.
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024;
/// Most files accepted per exercise.
pub const MAX_FILES: usize = 64;
const MAX_DEPTH: usize = 8;

/// What a submission holds for one exercise.
#[derive(Clone, Debug, PartialEq)]
pub enum Intake {
    /// No `exercises/NN_name/src/lib.rs`, or the unchanged starter file.
    NotSubmitted(String),
    /// Something in it cannot be accepted; the message says what.
    Refused(String),
    /// The accepted files: path relative to `src/`, and text.
    Files(Vec<(PathBuf, String)>),
}

/// Reads `DIR/exercises/<exercise>/src` without following symlinks and
/// without writing anything.
pub fn intake(submission: &Path, exercise: &str, stub: Option<&str>) -> Intake {
    let src = submission.join("exercises").join(exercise).join("src");
    for dir in [
        submission.join("exercises"),
        submission.join("exercises").join(exercise),
        src.clone(),
    ] {
        match std::fs::symlink_metadata(&dir) {
            Err(_) => {
                return Intake::NotSubmitted(format!(
                    "no exercises/{exercise}/src/lib.rs in the submission"
                ));
            }
            Ok(meta) if meta.file_type().is_symlink() => {
                return Intake::Refused(format!(
                    "{} is a symbolic link; submit regular files and directories",
                    relative(submission, &dir)
                ));
            }
            Ok(meta) if !meta.is_dir() => {
                return Intake::Refused(format!(
                    "{} is not a directory",
                    relative(submission, &dir)
                ));
            }
            Ok(_) => {}
        }
    }
    let mut files = Vec::new();
    let mut total = 0;
    if let Err(refusal) = walk(submission, &src, &src, 0, &mut files, &mut total) {
        return Intake::Refused(refusal);
    }
    files.sort();
    if !files.iter().any(|(p, _)| p == Path::new("lib.rs")) {
        return Intake::NotSubmitted(format!(
            "no exercises/{exercise}/src/lib.rs in the submission"
        ));
    }
    if let ([(_, text)], Some(stub)) = (files.as_slice(), stub)
        && text.trim() == stub.trim()
    {
        return Intake::NotSubmitted("src/lib.rs is the unchanged starter file".into());
    }
    Intake::Files(files)
}

fn walk(
    root: &Path,
    src: &Path,
    dir: &Path,
    depth: usize,
    files: &mut Vec<(PathBuf, String)>,
    total: &mut u64,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("{} is nested too deeply", relative(root, dir)));
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("failed to read {}: {e}", relative(root, dir)))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("failed to read {}: {e}", relative(root, dir)))?;
        let path = entry.path();
        let meta = std::fs::symlink_metadata(&path)
            .map_err(|e| format!("failed to read {}: {e}", relative(root, &path)))?;
        let kind = meta.file_type();
        if kind.is_symlink() {
            return Err(format!(
                "{} is a symbolic link; submit regular files only",
                relative(root, &path)
            ));
        }
        if kind.is_dir() {
            walk(root, src, &path, depth + 1, files, total)?;
            continue;
        }
        if !kind.is_file() || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!(
                "{} is {} KiB; the limit is {} KiB per file",
                relative(root, &path),
                meta.len() / 1024,
                MAX_FILE_BYTES / 1024
            ));
        }
        *total += meta.len();
        if *total > MAX_TOTAL_BYTES || files.len() >= MAX_FILES {
            return Err(format!(
                "the exercise's sources exceed the limit of {MAX_FILES} files and {} KiB in all",
                MAX_TOTAL_BYTES / 1024
            ));
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("failed to read {}: {e}", relative(root, &path)))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{} is not valid UTF-8", relative(root, &path)))?;
        let rel = path
            .strip_prefix(src)
            .expect("walked under src")
            .to_path_buf();
        files.push((rel, text));
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
