//! `checker grade` through the real binary, on the submissions under the
//! repository's `tests/submissions/` (hostile ones included), asserting on
//! the JSON report.

mod common;

use std::process::Command;
use std::time::Duration;

use checker::report::{ExerciseStatus, Report};
use common::{ONE_AT_A_TIME, exercise, grade, submission, submission_of};

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
    let dir = submission_of("solutions", &common::all_exercises());
    let report = grade(dir.path(), &[]);
    let kinds = |kind| report.exercises.iter().filter(|e| e.kind == kind).count();
    assert_eq!(
        kinds(checker::report::Kind::Exercise),
        checker::exercises::EXERCISES.len()
    );
    assert!(
        kinds(checker::report::Kind::Quiz) > 0,
        "the whole course has its quizzes"
    );
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
    let output = common::grade_command(dir.path(), &["00_wait_random"])
        .arg("--out")
        .arg(&out)
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

/// A changed signature breaks the course's wiring of the exercise (inside
/// `checker::link!`, in the runner), not the student's crate: the error is
/// still the exercise's, named by the macro call it was expanded from, and
/// the other exercises are graded.
#[test]
fn a_changed_signature_is_blamed_on_its_exercise() {
    let dir = submission_of(
        "solutions",
        &[
            "05_async_generator",
            "06_async_comprehension",
            "07_measure_runtime",
        ],
    );
    std::fs::write(
        dir.path().join("exercises/07_measure_runtime/src/lib.rs"),
        "use std::time::Duration;\npub async fn measure_runtime(n: u32) -> Duration {\n    Duration::from_secs(n.into())\n}\n",
    )
    .unwrap();
    let report = grade(dir.path(), &[]);
    let changed = exercise(&report, "07_measure_runtime");
    assert_eq!(changed.status, ExerciseStatus::CompileError);
    assert!(
        changed.message.starts_with("error[E0061]")
            && changed
                .message
                .contains("exercises/07_measure_runtime/src/lib.rs"),
        "{}",
        changed.message
    );
    assert_eq!(
        exercise(&report, "06_async_comprehension").status,
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
fn an_out_of_memory_child_is_named_as_such() {
    // The exercise's 1 GiB is reached after a few dozen page-faulted
    // allocations, long before any watchdog.
    hostile(
        "eats_memory",
        &[ExerciseStatus::Crashed],
        "ran out of memory",
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

/// A limiter that holds a `std::sync::MutexGuard` across an `.await` has a
/// future that is not `Send`: where the course links it, that is a compile
/// error naming the guard and the student's line, not a crash.
#[test]
fn a_guard_held_across_an_await_is_a_compile_error_naming_it() {
    let report = grade(&submission("std_mutex_across_await"), &["12_rate_limiter"]);
    let ex = exercise(&report, "12_rate_limiter");
    assert_eq!(ex.status, ExerciseStatus::CompileError, "{ex:#?}");
    for says in [
        "MutexGuard",
        "cannot be sent between threads safely",
        "exercises/12_rate_limiter/src/lib.rs:25",
    ] {
        assert!(ex.message.contains(says), "{says}: {}", ex.message);
    }
    assert_eq!(ex.score, 0.0);
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

/// Untrusted code runs unisolated only when asked; where bubblewrap is
/// missing or cannot make a sandbox, grading refuses with exit 7 and says
/// how to fix it.
#[test]
fn grading_without_a_sandbox_must_be_asked_for_and_is_named() {
    let dir = submission_of("solutions", &["00_wait_random"]);
    let run = |bwrap: &str| {
        let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        common::grade_command(dir.path(), &["00_wait_random"])
            .env("CHECKER_BWRAP", bwrap)
            .output()
            .unwrap()
    };
    for (bwrap, says) in [
        ("/definitely/not/bwrap", "failed to find bubblewrap"),
        ("/bin/false", "bubblewrap could not create a sandbox here"),
    ] {
        let refused = run(bwrap);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(
            refused.status.code(),
            Some(checker::exit_code::SANDBOX),
            "{stderr}"
        );
        assert!(
            stderr.contains(says) && stderr.contains("--sandbox none"),
            "{stderr}"
        );
        assert!(refused.stdout.is_empty());
    }
    let unisolated =
        common::grade_with(dir.path(), &["00_wait_random"], &["--sandbox", "none"], &[]);
    let sandbox = unisolated
        .report
        .sandbox
        .expect("the report names its sandbox");
    assert_eq!(sandbox.kind, "none");
    assert_eq!(unisolated.report.score, unisolated.report.max_score);
}
