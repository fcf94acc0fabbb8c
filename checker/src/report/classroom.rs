//! `--format classroom`: what GitHub Classroom's reporter action
//! (`classroom-resources/autograding-grading-reporter@v1`) reads from a
//! grader step's `result` output, and the workflow commands a grading step
//! in GitHub Actions writes besides it.
//!
//! The reporter decodes the base64 of one runner's JSON,
//! `{"version":1,"status","max_score","tests":[…]}`, from the environment
//! variable `<STEP ID>_RESULTS`, and gives Classroom `Points X/Y`: X the sum
//! of every test's `score` whatever its status, Y the sum of the runners'
//! `max_score` (a runner with `max_score` 0 is left out). So a failed check
//! carries `score: 0`, and `max_score` is the sum of the checks' points.
//! Its log's table instead weights every test alike (upstream issue #10);
//! the points Classroom records are the notice's.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::wording::{message_and_hint, not_run};
use super::{CheckReport, ExerciseReport, ExerciseStatus, Kind, Report};
use crate::check::Status;

/// The reporter gets the result through one environment variable, and
/// Linux caps one at 128 KiB (`MAX_ARG_STRLEN`): the JSON stays under this,
/// so its base64 and the variable's name fit.
pub const RESULT_CAP: usize = 90 * 1024;
/// The most of one check's message a result carries before the cap forces
/// less.
const MESSAGE_CAP: usize = 2048;

/// One runner's result, as the reporter reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Result {
    /// Always 1.
    pub version: u32,
    /// `pass` when every check passed; `error` when an exercise could not
    /// be built or its checks did not finish; `fail` otherwise.
    pub status: String,
    /// Every check's points.
    pub max_score: f64,
    /// One per check, in course order.
    pub tests: Vec<Test>,
}

/// One check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Test {
    /// `01_wait_n: runs the waits concurrently`.
    pub name: String,
    /// `pass`, `fail` (failed, or not run), or `error` (timed out, crashed).
    pub status: String,
    /// Its points when passed, else 0.
    pub score: f64,
    /// The message and hint; empty for a pass or a hidden check.
    pub message: String,
    /// The command that runs the check on the student's machine.
    pub test_code: String,
    /// The file the student edits for it.
    pub filename: String,
    /// 0: checks judge behaviour, not a line.
    pub line_no: u32,
    /// Wall-clock milliseconds, as the command grader reports it.
    pub duration: u64,
}

/// The report as the reporter's result: base64 of the JSON, one line.
pub fn render_classroom(report: &Report) -> String {
    let json = serde_json::to_string(&result(report)).expect("results serialise");
    let mut text = base64::engine::general_purpose::STANDARD.encode(json);
    text.push('\n');
    text
}

/// The result of a report, with messages cut until it fits [`RESULT_CAP`].
pub fn result(report: &Report) -> Result {
    let mut cap = MESSAGE_CAP;
    loop {
        let result = result_with(report, cap);
        let size = serde_json::to_string(&result).map_or(0, |j| j.len());
        if size <= RESULT_CAP || cap == 0 {
            return result;
        }
        cap /= 2;
    }
}

fn result_with(report: &Report, cap: usize) -> Result {
    let exercises = &report.exercises;
    let all_passed = exercises.iter().all(|e| e.status == ExerciseStatus::Passed);
    let broken = exercises.iter().any(|e| {
        matches!(
            e.status,
            ExerciseStatus::CompileError | ExerciseStatus::Timeout | ExerciseStatus::Crashed
        )
    });
    Result {
        version: 1,
        status: if all_passed {
            "pass"
        } else if broken {
            "error"
        } else {
            "fail"
        }
        .to_owned(),
        max_score: report.max_score,
        tests: exercises
            .iter()
            .flat_map(|e| e.checks.iter().map(move |c| test(e, c, cap)))
            .collect(),
    }
}

fn test(exercise: &ExerciseReport, check: &CheckReport, cap: usize) -> Test {
    let krate = crate::catalog::exercise(&exercise.id).map_or("", |e| e.krate);
    let message = match not_run(exercise) {
        Some(why) => why,
        None => message_and_hint(check),
    };
    Test {
        name: format!("{}: {}", exercise.id, check.name),
        status: match check.status {
            Status::Passed => "pass",
            Status::Failed | Status::Skipped => "fail",
            Status::Timeout | Status::Crashed => "error",
        }
        .to_owned(),
        score: check.score,
        message: if cap == 0 {
            String::new()
        } else {
            crate::grade::trim_text(&message, cap)
        },
        test_code: match exercise.kind {
            Kind::Exercise => format!("cargo test -p {krate} -- --exact {}", check.id),
            Kind::Quiz => format!(
                "cargo run -p checker -- quiz {}",
                exercise.id.trim_start_matches("quiz:")
            ),
        },
        filename: exercise.student_file(),
        line_no: 0,
        duration: (check.seconds * 1000.0).round() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_message_is_cut_until_the_result_fits_the_environment() {
        let check = CheckReport {
            id: "c".into(),
            name: "c".into(),
            status: Status::Failed,
            score: 0.0,
            max_score: 1.0,
            message: "x".repeat(4096),
            hint: String::new(),
            hidden: false,
            seconds: 0.0,
        };
        let checks = vec![check; 200];
        let exercise = ExerciseReport::new(
            "00_wait_random",
            ExerciseStatus::Failed,
            String::new(),
            checks,
        );
        let result = result(&Report::new(vec![exercise]));
        let size = serde_json::to_string(&result).unwrap().len();
        assert!(size <= RESULT_CAP, "{size}");
        assert_eq!(result.tests.len(), 200, "every check is still there");
        assert!(
            !result.tests[0].message.is_empty(),
            "messages are cut, not dropped"
        );
    }
}
