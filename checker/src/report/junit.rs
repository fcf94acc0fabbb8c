//! `--format junit`: JUnit XML for CI systems (GitLab, Jenkins, GitHub test
//! reporters), written with `quick-junit`.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::wording::{message_and_hint, not_run, points};
use super::{CheckReport, ExerciseReport, ExerciseStatus, Report};
use crate::check::Status;

/// The report as JUnit XML, with a trailing newline.
///
/// One `<testsuite>` per exercise, named by its id and carrying `score`,
/// `max_score` and `status` properties; one `<testcase>` per check, named by
/// the check's id with the exercise's id as its classname:
///
/// - passed: a plain test case;
/// - failed: `<failure type="failed">`, the check's message in `message`
///   (on one line), and the message then `hint: ...` as the text;
/// - timeout, crashed: the same as an `<error>` of that `type`, since the
///   check never reached a verdict;
/// - skipped: `<skipped>` with the check's message (and, if it has a hint,
///   the message then the hint as the text).
///
/// A hidden check's message and hint are already empty in the report, so its
/// failure carries only a `message` saying it is withheld.
///
/// Every suite and case has a `time` (wall-clock seconds as the grader saw
/// them); the `build` case's is 0, as one build serves every exercise.
///
/// An exercise that was never run reports every check as `<skipped>` with
/// why in `message`. For `compile_error` the suite also gets a test case
/// named `build`, first, with an `<error type="compile_error">` holding the
/// compiler output (or why the files were refused), so CI shows it beside
/// the red test; `not_submitted` has no such case, as there is nothing to
/// fix in the build. A crashed or timed-out exercise's own message (the
/// crash summary) goes into the suite's `<system-err>`.
pub fn render_junit(report: &Report) -> String {
    let mut junit = quick_junit::Report::new("checker");
    junit.set_time(seconds(report.seconds));
    junit.add_test_suites(report.exercises.iter().map(suite));
    let mut text = junit.to_string().expect("JUnit reports serialise");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn suite(exercise: &ExerciseReport) -> TestSuite {
    let mut suite = TestSuite::new(exercise.id.as_str());
    suite.set_time(seconds(exercise.seconds));
    suite.add_properties([
        Property::new("score", points(exercise.score)),
        Property::new("max_score", points(exercise.max_score)),
        Property::new("status", exercise.status.as_str()),
    ]);
    if exercise.status == ExerciseStatus::CompileError {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_type("compile_error");
        // The first line is the compiler's summary of the first error.
        status.set_message(exercise.message.lines().next().unwrap_or_default());
        status.set_description(exercise.message.as_str());
        let mut build = TestCase::new("build", status);
        build.set_classname(exercise.id.as_str());
        // The build is shared by every exercise; its time is the report's.
        build.set_time(Duration::ZERO);
        suite.add_test_case(build);
    }
    let not_run = not_run(exercise);
    for check in &exercise.checks {
        let status = match &not_run {
            Some(why) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(why.as_str());
                status
            }
            None => check_status(check),
        };
        let mut case = TestCase::new(check.id.as_str(), status);
        case.set_classname(exercise.id.as_str());
        case.set_time(seconds(check.seconds));
        suite.add_test_case(case);
    }
    if not_run.is_none() && !exercise.message.is_empty() {
        suite.set_system_err(exercise.message.as_str());
    }
    suite
}

fn check_status(check: &CheckReport) -> TestCaseStatus {
    let mut status = match check.status {
        Status::Passed => return TestCaseStatus::success(),
        Status::Skipped => TestCaseStatus::skipped(),
        Status::Failed => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Status::Timeout | Status::Crashed => TestCaseStatus::non_success(NonSuccessKind::Error),
    };
    if check.status != Status::Skipped {
        status.set_type(check.status.to_string());
    }
    if !check.message.is_empty() {
        status.set_message(one_line(&check.message));
    } else if check.status != Status::Skipped {
        // Readers show `message` as the failure's title: never leave it blank.
        status.set_message(if check.hidden {
            format!("{} (a hidden check: its message is withheld)", check.status)
        } else {
            check.status.to_string()
        });
    }
    // A skip's reason is all in `message` unless there is a hint.
    if check.status != Status::Skipped || !check.hint.is_empty() {
        let text = message_and_hint(check);
        if !text.is_empty() {
            status.set_description(text);
        }
    }
    status
}

/// A report's seconds as a duration (0 for anything not a time).
fn seconds(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or_default()
}

/// XML readers turn an attribute's line breaks into spaces anyway; doing it
/// here keeps the file readable. The text keeps the lines.
fn one_line(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join(" ")
}
