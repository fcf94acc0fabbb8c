//! `--format gradescope`: the `results.json` a Gradescope autograder writes
//! to `/autograder/results/results.json` (`--out` that path).

use serde::Serialize;

use super::wording::{message_and_hint, not_run};
use super::{CheckReport, ExerciseReport, Report};
use crate::check::Status;

/// Gradescope's results file: the fields this checker fills in.
#[derive(Serialize)]
struct Results {
    /// The submission's score; Gradescope takes it over the tests' sum.
    score: f64,
    /// Wall-clock seconds the grading took, build included.
    execution_time: f64,
    /// Why exercises could not be graded: compiler output, crash summaries.
    #[serde(skip_serializing_if = "String::is_empty")]
    output: String,
    /// Markdown, every message in a code fence that nothing inside can
    /// close: compiler output and what student code printed keep their
    /// `<` and layout, and cannot inject markup (Gradescope's default,
    /// `simple_format`, would read them as HTML).
    output_format: &'static str,
    /// As `output_format`, for every test's output.
    test_output_format: &'static str,
    /// Test names are plain text too.
    test_name_format: &'static str,
    /// One per check.
    tests: Vec<Test>,
}

/// One check, as a Gradescope test.
#[derive(Serialize)]
struct Test {
    /// `01_wait_n: runs the waits concurrently`.
    name: String,
    /// `01_wait_n.concurrent`: unique, and sorts with the course.
    number: String,
    score: f64,
    max_score: f64,
    /// `passed` or `failed`: Gradescope has nothing finer.
    status: &'static str,
    /// The message, then `hint: ...`, fenced; empty for a pass and a
    /// hidden check.
    output: String,
    /// `md`, as `test_output_format`; said per test too, as Gradescope's
    /// specification lists it there.
    output_format: &'static str,
    /// `visible`, or `after_published` for a hidden check.
    visibility: &'static str,
    /// Wall-clock seconds the check took (Gradescope shows the top-level
    /// time; this one is for whoever reads the file).
    execution_time: f64,
}

/// The report as Gradescope's `results.json`, pretty, with a trailing newline.
///
/// Texts are Markdown (`output_format: md`), each message fenced (see
/// [`Results::output_format`]); JSON escaping (serde_json) keeps whatever
/// student code printed inside its string, so no output corrupts the file.
///
/// Every check is a test named `<exercise>: <check name>` and numbered
/// `<exercise>.<check id>`. Only a passed check is `passed`; timeouts,
/// crashes and skips are `failed`, with what happened in `output`. Hidden
/// checks are `after_published`; their message and hint are already empty
/// in the report, so their output is too. An exercise that did not compile,
/// or was not submitted, still lists its checks (failed, 0 points, output
/// saying why they did not run); the compiler output itself is in the
/// top-level `output`, with every other exercise-level message.
pub fn render_gradescope(report: &Report) -> String {
    let results = Results {
        score: report.score,
        execution_time: report.seconds,
        output: summary(report),
        output_format: "md",
        test_output_format: "md",
        test_name_format: "text",
        tests: report
            .exercises
            .iter()
            .flat_map(|exercise| {
                let not_run = not_run(exercise);
                exercise
                    .checks
                    .iter()
                    .map(move |check| test(exercise, check, not_run.as_deref()))
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&results).expect("results serialise");
    text.push('\n');
    text
}

fn test(exercise: &ExerciseReport, check: &CheckReport, not_run: Option<&str>) -> Test {
    let passed = check.status == Status::Passed;
    Test {
        name: format!("{}: {}", exercise.id, check.name),
        number: format!("{}.{}", exercise.id, check.id),
        score: check.score,
        max_score: check.max_score,
        status: if passed { "passed" } else { "failed" },
        output: fence(&match not_run {
            Some(why) => why.to_owned(),
            None if passed => String::new(),
            None => message_and_hint(check),
        }),
        output_format: "md",
        visibility: if check.hidden {
            "after_published"
        } else {
            "visible"
        },
        execution_time: check.seconds,
    }
}

/// Every exercise-level message under a `<exercise>: <status>` line, blank
/// lines between them; empty when there are none.
fn summary(report: &Report) -> String {
    report
        .exercises
        .iter()
        .filter(|e| !e.message.is_empty())
        .map(|e| {
            format!(
                "**{}: {}**\n\n{}",
                e.id,
                e.status.as_str(),
                fence(&e.message)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` in a code fence nothing inside can close; empty stays empty.
fn fence(text: &str) -> String {
    let mut out = String::new();
    if !text.is_empty() {
        super::markdown::fenced(&mut out, "", text);
    }
    out
}
