//! What the CLI tests share: grading a directory through the real binary,
//! with the test cache, and the checks every grading must pass (exit 0, a
//! valid report, nothing written into the submission, no hang).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use checker::report::{ExerciseReport, Report};

/// Gradings share one build slot: run them one at a time so the cache stays
/// warm and the machine's two cores are not split between cold builds.
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A grading that takes longer than this has hung: the grader's own limits
/// are far lower. (A watchdog, not a speed assertion.)
pub const HANG: Duration = Duration::from_secs(600);

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The target directory the copies of the course build in.
pub fn copies_target() -> PathBuf {
    root().join("target/course-copies")
}

/// A fresh copy of `items` of the course (never its hostile submissions
/// or a build) at `target/course-copy/<name>`, a fixed path, so repeated
/// runs reuse its build in [`copies_target`].
pub fn course_copy(name: &str, items: &[&str]) -> PathBuf {
    let dst = root().join("target/course-copy").join(name);
    let _ = std::fs::remove_dir_all(&dst);
    for item in items {
        copy_tree(&root().join(item), &dst.join(item));
    }
    dst
}

/// Copies `from` to `to`, leaving out `target/` and `submissions/`.
pub fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        let name = from.file_name().unwrap_or_default();
        if name == "target" || name == "submissions" {
            return;
        }
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// The cache every CLI test grades in.
pub fn cache() -> PathBuf {
    root().join("target/checker-test-cache")
}

pub fn submission(name: &str) -> PathBuf {
    root().join("tests/submissions").join(name)
}

/// Every file under `dir` with its bytes, to prove grading wrote nothing there.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let meta = std::fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.file_type().is_symlink() {
                files.insert(
                    entry.path(),
                    std::fs::read_link(entry.path())
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                );
            } else {
                files.insert(entry.path(), std::fs::read(entry.path()).unwrap());
            }
        }
    }
    files
}

/// One grading through the binary.
pub struct Grading {
    pub report: Report,
    /// The report as printed.
    pub json: String,
    /// The grader's process id (its control groups are named after it).
    pub pid: u32,
    pub elapsed: Duration,
}

/// Grades `dir` (limited to `exercises`) with extra `args` and `env`, and
/// checks what every grading must do.
pub fn grade_with(dir: &Path, exercises: &[&str], args: &[&str], env: &[(&str, &str)]) -> Grading {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = snapshot(dir);
    let mut command = grade_command(dir, exercises);
    command
        .args(args)
        // Correct code needs milliseconds; a short watchdog keeps the
        // blocking submissions quick.
        .env("CHECKER_WATCHDOG_MS", "2000")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let child = command.spawn().expect("failed to start checker");
    let pid = child.id();
    // Read the pipes while it runs: a report larger than a pipe's buffer
    // would otherwise block the grader on its own output.
    let (sent, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sent.send(child.wait_with_output());
    });
    let output = match output.recv_timeout(HANG) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("checker grade hung on {}", dir.display());
        }
    };
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "checker grade failed on {}: {stderr}",
        dir.display()
    );
    assert!(
        output.stdout.len() < 300 * 1024,
        "a {} byte report",
        output.stdout.len()
    );
    let json = String::from_utf8_lossy(&output.stdout).into_owned();
    let report: Report =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("invalid JSON ({e}): {json}"));
    assert_eq!(report.schema_version, 1);
    assert_eq!(before, snapshot(dir), "grading wrote into the submission");
    Grading {
        report,
        json,
        pid,
        elapsed,
    }
}

/// `checker grade --format json --submission DIR [--exercise E]...` in the
/// test cache, to add to and run.
pub fn grade_command(dir: &Path, exercises: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .args(["grade", "--format", "json", "--submission"])
        .arg(dir)
        .env("CHECKER_CACHE_DIR", cache());
    for exercise in exercises {
        command.args(["--exercise", exercise]);
    }
    command
}

/// Grades `dir` (limited to `exercises`) and returns the parsed report.
pub fn grade(dir: &Path, exercises: &[&str]) -> Report {
    grade_with(dir, exercises, &[], &[]).report
}

/// A submission in a temporary directory holding, for each exercise named,
/// the course file `from/<exercise>/src/lib.rs` (`from` is `solutions` or
/// `exercises`); from `solutions`, also every quiz answered with its key,
/// so the reference submission scores full marks.
pub fn submission_of(from: &str, exercises: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if from == "solutions" {
        std::fs::create_dir_all(dir.path().join(checker::quiz::DIR)).unwrap();
        for quiz in checker::quiz::load_all(&root()).unwrap() {
            let key = quiz
                .questions
                .iter()
                .map(|q| (q.id.clone(), q.key()))
                .collect();
            let path = dir.path().join(checker::quiz::answers_path(&quiz.id));
            std::fs::write(path, checker::quiz::render_answers(&quiz, &key)).unwrap();
        }
    }
    for exercise in exercises {
        let to = dir.path().join("exercises").join(exercise).join("src");
        std::fs::create_dir_all(&to).unwrap();
        let source = root().join(from).join(exercise).join("src/lib.rs");
        std::fs::copy(source, to.join("lib.rs")).unwrap();
    }
    dir
}

pub fn exercise<'a>(report: &'a Report, id: &str) -> &'a ExerciseReport {
    report
        .exercises
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no {id} in the report"))
}

/// Every exercise id of the course.
pub fn all_exercises() -> Vec<&'static str> {
    checker::exercises::EXERCISES
        .iter()
        .map(|(d, _)| *d)
        .collect()
}

/// The Python with the external validators (`.ci/run` installs them:
/// tests/validators/requirements.txt into `target/validators`), or
/// `$COURSE_VALIDATORS_PYTHON`.
pub fn validators_python() -> PathBuf {
    let python = std::env::var_os("COURSE_VALIDATORS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/validators/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: the tests check reports with real validators; install them with\n  \
         python3 -m venv target/validators && target/validators/bin/pip install -r \
         tests/validators/requirements.txt\n(.ci/run does)",
        python.display()
    );
    python
}

/// Runs `tests/validators/validate.py KIND FILES...` and returns what it
/// printed, panicking with its findings when a file is invalid.
pub fn validate(kind: &str, files: &[&Path]) -> String {
    let output = Command::new(validators_python())
        .arg(root().join("tests/validators/validate.py"))
        .arg(kind)
        .args(files)
        .output()
        .expect("failed to run the validators");
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{kind} validation failed:\n{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    said
}
