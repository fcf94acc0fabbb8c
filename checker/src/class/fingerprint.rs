//! What decides whether a submission's earlier result still stands: the
//! files grading reads from it, and everything of the course and the grader
//! that could change its verdicts.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::exercises::EXERCISES;
use crate::grade::{Intake, Options, intake};

/// The course's part of every key: its build files, checks, stubs and the
/// grader's own source, the grader's version, and the options that change
/// a verdict (budgets, sandbox, hidden messages, the exercises graded).
/// Report formats are not in it: a missing format is rendered from the
/// stored report, never regraded.
pub(crate) fn course_key(options: &Options) -> String {
    let mut hash = Sha256::new();
    field(&mut hash, env!("CARGO_PKG_VERSION").as_bytes());
    let course = &options.course;
    for top in ["Cargo.toml", "Cargo.lock"] {
        file(&mut hash, course, &course.join(top));
    }
    for tree in ["exercises", "checker", "services", crate::quiz::DIR] {
        for path in crate::files::files_under(&course.join(tree)) {
            file(&mut hash, course, &path);
        }
    }
    let settings = format!(
        "{:?} {} {:?} {:?} {:?}",
        options.exercises, options.reveal_hidden, options.sandbox, options.build, options.run
    );
    field(&mut hash, settings.as_bytes());
    hex(hash)
}

/// The key of one submission: the course's, its answers to `quizzes`, and
/// exactly what [`intake`] takes from it (so a change anywhere else, a `target/` or a
/// README, does not regrade it).
pub(crate) fn submission_key(course_key: &str, submission: &Path, quizzes: &[String]) -> String {
    let mut hash = Sha256::new();
    field(&mut hash, course_key.as_bytes());
    for quiz in quizzes {
        let answers = crate::quiz::submitted_answers(submission, quiz);
        field(&mut hash, format!("{quiz} {answers:?}").as_bytes());
    }
    for (exercise, _) in EXERCISES {
        field(&mut hash, exercise.as_bytes());
        match intake(submission, exercise, None) {
            Intake::NotSubmitted(why) => {
                field(&mut hash, b"not submitted");
                field(&mut hash, why.as_bytes());
            }
            Intake::Refused(why) => {
                field(&mut hash, b"refused");
                field(&mut hash, why.as_bytes());
            }
            Intake::Files(files) => {
                field(&mut hash, b"files");
                for (path, text) in files {
                    field(&mut hash, path.to_string_lossy().as_bytes());
                    field(&mut hash, text.as_bytes());
                }
            }
        }
    }
    hex(hash)
}

/// A length-prefixed field, so no two sequences of fields hash alike.
fn field(hash: &mut Sha256, bytes: &[u8]) {
    hash.update((bytes.len() as u64).to_le_bytes());
    hash.update(bytes);
}

fn file(hash: &mut Sha256, root: &Path, path: &Path) {
    let name = path.strip_prefix(root).unwrap_or(path);
    field(hash, name.to_string_lossy().as_bytes());
    match std::fs::read(path) {
        Ok(bytes) => field(hash, &bytes),
        Err(err) => field(hash, err.to_string().as_bytes()),
    }
}

fn hex(hash: Sha256) -> String {
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn only_what_grading_reads_changes_a_submission_key() {
        let lib = "exercises/00_wait_random/src/lib.rs";
        let a = submission(&[(lib, "pub fn a() {}")]);
        let key = submission_key("course", a.path(), &[]);
        assert_eq!(key, submission_key("course", a.path(), &[]), "stable");

        std::fs::write(a.path().join("README.md"), "notes").unwrap();
        std::fs::create_dir_all(a.path().join("target")).unwrap();
        assert_eq!(key, submission_key("course", a.path(), &[]), "not read");

        std::fs::write(a.path().join(lib), "pub fn b() {}").unwrap();
        assert_ne!(key, submission_key("course", a.path(), &[]), "a source");
        let changed = submission_key("course", a.path(), &[]);
        assert_ne!(
            changed,
            submission_key("other course", a.path(), &[]),
            "the course"
        );
    }
}
