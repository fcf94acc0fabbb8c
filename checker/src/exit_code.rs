//! The `checker` command's exit codes, in one place.
//!
//! Grading that ran exits 0 whatever the score: CI reads the score from the
//! report. Non-zero means the grader itself could not run.

use crate::grade::GradeError;

/// Grading (or the command) ran.
pub const OK: i32 = 0;
/// The checks found problems (`checker verify`, students' `cargo test`).
pub const FAILED: i32 = 1;
/// Bad arguments, or a submission directory that does not exist.
pub const USAGE: i32 = 2;
/// The course could not be read.
pub const COURSE: i32 = 3;
/// cargo could not be run.
pub const TOOLCHAIN: i32 = 4;
/// The build cache could not be prepared, or the report not written.
pub const IO: i32 = 5;
/// The course's own code did not build (a bug in the course, not the submission).
pub const INTERNAL: i32 = 6;
/// No working sandbox for untrusted code, and `--sandbox none` was not given.
pub const SANDBOX: i32 = 7;

/// The exit code for a grading error.
pub fn for_error(err: &GradeError) -> i32 {
    match err {
        GradeError::Submission { .. } | GradeError::UnknownExercise(_) => USAGE,
        GradeError::Course { .. } | GradeError::Config(_) | GradeError::Quiz(_) => COURSE,
        GradeError::Toolchain(_) => TOOLCHAIN,
        GradeError::Cache { .. } => IO,
        GradeError::CourseBuild(_) => INTERNAL,
        GradeError::Sandbox(_) => SANDBOX,
    }
}

/// The table `checker grade --help` shows.
pub const HELP: &str = "\
Exit status:
  0  grading ran (whatever the score)
  2  bad arguments, unknown exercise, or no such submission directory
  3  the course could not be read, or a checks.yaml or quiz file is invalid
  4  cargo could not be run
  5  the build cache could not be prepared, or --out could not be written
  6  the course's own code did not build (a course bug, not the submission's)
  7  no working sandbox here (bubblewrap missing, user namespaces or cgroups
     refused); the message says how to fix it, or pass --sandbox none";
