//! `checker grade` through the real binary, on the submissions under the
//! repository's `tests/submissions/` (hostile ones included), asserting on
//! the JSON report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use checker::report::{ExerciseReport, ExerciseStatus, Report};

/// Gradings share one build slot: run them one at a time so the cache stays
/// warm and the machine's two cores are not split between cold builds.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A grading that takes longer than this has hung: the grader's own limits
/// are far lower. (A watchdog, not a speed assertion.)
const HANG: Duration = Duration::from_secs(300);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn submission(name: &str) -> PathBuf {
    root().join("tests/submissions").join(name)
}

/// Every file under `dir` with its bytes, to prove grading wrote nothing there.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
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

/// Grades `dir` (limited to `exercises`) and returns the parsed report.
fn grade(dir: &Path, exercises: &[&str]) -> Report {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = snapshot(dir);
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .args(["grade", "--format", "json", "--submission"])
        .arg(dir)
        .env(
            "CHECKER_CACHE_DIR",
            root().join("target/checker-test-cache"),
        )
        // Correct code needs milliseconds; a short watchdog keeps the
        // blocking submissions quick.
        .env("CHECKER_WATCHDOG_MS", "2000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for exercise in exercises {
        command.args(["--exercise", exercise]);
    }
    let start = Instant::now();
    let mut child = command.spawn().expect("failed to start checker");
    let output = loop {
        if child.try_wait().unwrap().is_some() {
            break child.wait_with_output().unwrap();
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            panic!("checker grade hung on {}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
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
    let report: Report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    assert_eq!(report.schema_version, 1);
    assert_eq!(before, snapshot(dir), "grading wrote into the submission");
    report
}

/// A submission in a temporary directory holding, for each exercise named,
/// the course file `from/<exercise>/src/lib.rs` (`from` is `solutions` or
/// `exercises`).
fn submission_of(from: &str, exercises: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for exercise in exercises {
        let to = dir.path().join("exercises").join(exercise).join("src");
        std::fs::create_dir_all(&to).unwrap();
        let source = root().join(from).join(exercise).join("src/lib.rs");
        std::fs::copy(source, to.join("lib.rs")).unwrap();
    }
    dir
}

fn exercise<'a>(report: &'a Report, id: &str) -> &'a ExerciseReport {
    report
        .exercises
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no {id} in the report"))
}

/// Grades a hostile submission of 00_wait_random and checks its status; the
/// checks that call wait_random must all fail, whatever the code pretended.
fn hostile(name: &str, statuses: &[ExerciseStatus], says: &str) {
    let report = grade(&submission(name), &["00_wait_random"]);
    let ex = exercise(&report, "00_wait_random");
    assert!(statuses.contains(&ex.status), "{name}: {ex:#?}");
    let texts: String = std::iter::once(ex.message.as_str())
        .chain(ex.checks.iter().map(|c| c.message.as_str()))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        texts.contains(says),
        "{name}: expected {says:?} in:\n{texts}"
    );
    for check in ex.checks.iter().filter(|c| c.id != "default_max_delay") {
        assert_ne!(
            check.status,
            checker::Status::Passed,
            "{name}: {} passed",
            check.id
        );
    }
    assert!(ex.score <= 1.0, "{name}: scored {}", ex.score);
}

#[test]
fn reference_solutions_score_full_marks() {
    let all: Vec<&str> = checker::exercises::EXERCISES
        .iter()
        .map(|(d, _)| *d)
        .collect();
    let dir = submission_of("solutions", &all);
    let report = grade(dir.path(), &[]);
    assert_eq!(report.exercises.len(), 8);
    assert!(report.max_score > 0.0);
    assert_eq!(report.score, report.max_score, "{report:#?}");
}

#[test]
fn an_empty_submission_scores_zero_with_nothing_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let report = grade(dir.path(), &[]);
    assert_eq!(report.score, 0.0);
    assert!(
        report
            .exercises
            .iter()
            .all(|e| e.status == ExerciseStatus::NotSubmitted)
    );
}

#[test]
fn out_writes_the_report_to_a_file_and_nothing_to_stdout() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args([
            "grade",
            "--format",
            "json",
            "--exercise",
            "00_wait_random",
            "--submission",
        ])
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .env(
            "CHECKER_CACHE_DIR",
            root().join("target/checker-test-cache"),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
    let report: Report = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report.exercises[0].status, ExerciseStatus::NotSubmitted);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers,
        [std::ffi::OsString::from("report.json")],
        "no temporary file is left behind"
    );
}

#[test]
fn pristine_stubs_count_as_not_submitted() {
    let dir = submission_of("exercises", &["03_task_wait_random"]);
    let report = grade(dir.path(), &["03_task_wait_random"]);
    assert_eq!(
        exercise(&report, "03_task_wait_random").status,
        ExerciseStatus::NotSubmitted
    );
}

#[test]
fn an_exercise_that_does_not_compile_leaves_the_others_graded() {
    let dir = submission_of(
        "solutions",
        &["00_wait_random", "01_wait_n", "05_async_generator"],
    );
    std::fs::write(
        dir.path().join("exercises/00_wait_random/src/lib.rs"),
        "pub fn broken( {\n",
    )
    .unwrap();
    let report = grade(dir.path(), &[]);
    let broken = exercise(&report, "00_wait_random");
    assert_eq!(broken.status, ExerciseStatus::CompileError);
    assert!(
        broken
            .message
            .contains("exercises/00_wait_random/src/lib.rs"),
        "{}",
        broken.message
    );
    let wait_n = exercise(&report, "01_wait_n");
    let failed: Vec<_> = wait_n
        .checks
        .iter()
        .filter(|c| c.status != checker::Status::Passed)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        failed,
        ["with_own_wait_random"],
        "only the check that runs the student's own wait_random may fail"
    );
    let own = wait_n
        .checks
        .iter()
        .find(|c| c.id == "with_own_wait_random")
        .unwrap();
    assert_eq!(
        own.status,
        checker::Status::Skipped,
        "the stub standing in for wait_random is unimplemented"
    );
    assert!(
        own.message.contains("not implemented yet") && own.message.contains("did not compile"),
        "{}",
        own.message
    );
    assert_eq!(
        exercise(&report, "05_async_generator").status,
        ExerciseStatus::Passed
    );
}

/// Regression: tar and zip keep old mtimes, and cargo's freshness check
/// rests on mtimes; a wrong submission graded right after a correct one
/// must be built from its own code.
#[test]
fn a_new_submission_with_old_file_times_is_rebuilt() {
    let dir = submission_of("solutions", &["00_wait_random"]);
    let lib = dir.path().join("exercises/00_wait_random/src/lib.rs");
    assert_eq!(grade(dir.path(), &["00_wait_random"]).score, 8.0);

    let wrong = std::fs::read_to_string(&lib)
        .unwrap()
        .replace("tokio::time::sleep(delay).await;", "");
    std::fs::write(&lib, wrong).unwrap();
    let long_ago = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(978_307_200);
    std::fs::File::options()
        .write(true)
        .open(&lib)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    let report = grade(dir.path(), &["00_wait_random"]);
    let check = exercise(&report, "00_wait_random")
        .checks
        .iter()
        .find(|c| c.id == "waits_returned_delay")
        .unwrap();
    assert_eq!(
        check.status,
        checker::Status::Failed,
        "graded stale artifacts: {check:#?}"
    );
}

#[test]
fn exit_zero_at_the_first_call_is_a_crash() {
    hostile(
        "exit_zero_at_first_call",
        &[ExerciseStatus::Crashed],
        "exit status 0",
    );
}

#[test]
fn fake_libtest_output_is_ignored() {
    hostile(
        "fake_libtest_output",
        &[ExerciseStatus::Crashed],
        "exit status 0",
    );
}

#[test]
fn forged_record_lines_are_ignored() {
    hostile(
        "forged_records",
        &[ExerciseStatus::Crashed],
        "exit status 0",
    );
}

#[test]
fn a_panic_hook_that_exits_zero_is_a_crash() {
    hostile(
        "panic_hook_exits_zero",
        &[ExerciseStatus::Crashed],
        "exit status 0",
    );
}

#[test]
fn an_infinite_loop_times_out() {
    hostile(
        "infinite_loop",
        &[ExerciseStatus::Timeout],
        "blocked the thread",
    );
}

#[test]
fn a_forever_pending_future_times_out() {
    hostile(
        "forever_pending",
        &[ExerciseStatus::Timeout],
        "still pending",
    );
}

#[test]
fn a_one_hour_blocking_sleep_times_out() {
    hostile(
        "blocking_hour_sleep",
        &[ExerciseStatus::Timeout],
        "blocked the thread",
    );
}

#[test]
fn a_stack_overflow_is_a_crash() {
    hostile("stack_overflow", &[ExerciseStatus::Crashed], "signal");
}

#[test]
fn an_abort_is_a_crash() {
    hostile("abort", &[ExerciseStatus::Crashed], "SIGABRT");
}

#[test]
fn flooding_output_is_stopped() {
    hostile(
        "floods_output",
        &[ExerciseStatus::Crashed],
        "printed more than",
    );
}

#[test]
fn eating_memory_hits_the_limit() {
    // Whether the 4 GiB limit or the watchdog stops it first depends on how
    // fast pages fault in; either way it fails and the grader survives.
    hostile(
        "eats_memory",
        &[ExerciseStatus::Crashed, ExerciseStatus::Timeout],
        "",
    );
}

#[test]
fn a_submissions_own_build_files_are_ignored() {
    let report = grade(&submission("ships_build_files"), &["00_wait_random"]);
    let ex = exercise(&report, "00_wait_random");
    assert_eq!(ex.status, ExerciseStatus::Passed, "{ex:#?}");
}

/// Refused files and compiler errors are both `compile_error`, with a
/// message that says why, and no path of the grader's own.
#[test]
fn refusals_and_compile_errors_say_why() {
    for (name, says) in [
        ("symlinked_source", "symbolic link"),
        ("not_utf8", "not valid UTF-8"),
        ("oversized", "limit"),
        ("does_not_compile", "exercises/00_wait_random/src/lib.rs"),
        ("wrong_signature", "signature"),
        ("not_send", "Send"),
    ] {
        let report = grade(&submission(name), &["00_wait_random"]);
        let ex = exercise(&report, "00_wait_random");
        assert_eq!(ex.status, ExerciseStatus::CompileError, "{name}: {ex:#?}");
        assert!(ex.message.contains(says), "{name}: {}", ex.message);
        assert!(
            !ex.message.contains("checker-test-cache"),
            "{name}: absolute paths leak: {}",
            ex.message
        );
        assert_eq!(ex.score, 0.0);
    }
}

#[test]
fn unknown_exercises_and_missing_submissions_are_usage_errors() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_checker"))
            .args(args)
            .output()
            .unwrap()
    };
    let unknown = run(&["grade", "--submission", ".", "--exercise", "99_nope"]);
    assert_eq!(unknown.status.code(), Some(checker::exit_code::USAGE));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("failed to find exercise \"99_nope\"")
    );
    let missing = run(&["grade", "--submission", "/definitely/not/here"]);
    assert_eq!(missing.status.code(), Some(checker::exit_code::USAGE));
    let help = run(&["grade", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("Exit status:"));
}
