//! Every report format rendered from one synthetic report that holds every
//! status, snapshotted (insta) so a change in wording is a reviewed diff.

mod common;

use checker::check::Status;
use checker::report::{
    CheckReport, ExerciseReport, ExerciseStatus, Report, render_gradescope, render_human,
    render_junit, render_markdown,
};

fn check(
    id: &str,
    name: &str,
    status: Status,
    points: f64,
    message: &str,
    hint: &str,
) -> CheckReport {
    CheckReport {
        id: id.into(),
        name: name.into(),
        status,
        score: if status == Status::Passed {
            points
        } else {
            0.0
        },
        max_score: points,
        message: message.into(),
        hint: hint.into(),
        hidden: false,
        // A fixed time per check, so the snapshots hold still.
        seconds: if status == Status::Skipped {
            0.0
        } else {
            0.125
        },
    }
}

/// Every way a check or an exercise can come out: passed, failed with a
/// hint, hidden and failed, skipped, timeout, crashed, compile_error (with
/// `<`, `&` and `|` in the compiler output) and not_submitted.
fn report() -> Report {
    let exercise = |id: &str, message: &str, checks: Vec<CheckReport>| {
        ExerciseReport::new(
            id,
            ExerciseStatus::from_checks(&checks),
            message.into(),
            checks,
        )
    };
    let skipped = |id: &str, name: &str| check(id, name, Status::Skipped, 1.0, "", "");
    let hidden = CheckReport {
        hidden: true,
        ..check(
            "many_waits",
            "wait_n(60, 1.5s)",
            Status::Failed,
            2.0,
            "",
            "",
        )
    };
    let mut report = Report::new(vec![
        exercise(
            "00_wait_random",
            "",
            vec![
                check("returns_delay", "returns the delay it waited", Status::Passed, 1.0, "", ""),
                check("sleeps", "sleeps for the delay", Status::Passed, 1.0, "", ""),
            ],
        ),
        exercise(
            "01_wait_n",
            "",
            vec![
                check("returns_n_delays", "returns n delays", Status::Passed, 1.0, "", ""),
                check(
                    "concurrent",
                    "runs the waits concurrently",
                    Status::Failed,
                    1.0,
                    "wait_n(3, 1s) took 3s of paused time\nconcurrent waits finish in the longest one, 1s",
                    "start every wait before awaiting any, e.g. with join_all",
                ),
                check(
                    "calls_wait_random",
                    "calls wait_random once per wait, not n * 2 <times>",
                    Status::Failed,
                    1.0,
                    "wait_random was called 0 times; expected 3",
                    "",
                ),
                check(
                    "with_own_wait_random",
                    "works with your own wait_random",
                    Status::Skipped,
                    1.0,
                    "not run: 00_wait_random's probe is missing",
                    "",
                ),
                hidden,
            ],
        ),
        ExerciseReport::new(
            "02_measure_time",
            ExerciseStatus::CompileError,
            "error[E0308]: mismatched types\n  --> exercises/02_measure_time/src/lib.rs:9:5\n   |\n9  |     total / n\n   |     ^^^^^^^^^ expected `f64`, found `Duration`\n   |\n   = note: expected `Vec<Duration>` & found `&[u32]`".into(),
            vec![
                skipped("average", "returns the average time per wait"),
                skipped("awaits_once", "awaits wait_n once"),
            ],
        ),
        exercise(
            "03_task_wait_random",
            "the check process was killed by signal 6 (SIGABRT)",
            vec![
                check(
                    "spawns",
                    "returns a JoinHandle without awaiting",
                    Status::Timeout,
                    1.0,
                    "still pending after 30s of paused time",
                    "return the task: tokio::spawn(wait_random(max_delay))",
                ),
                check(
                    "joins",
                    "the task's result is the delay",
                    Status::Crashed,
                    1.0,
                    "the process running the check died: SIGABRT",
                    "",
                ),
            ],
        ),
        ExerciseReport::new(
            "04_task_wait_n",
            ExerciseStatus::NotSubmitted,
            "no exercises/04_task_wait_n/src/lib.rs in the submission".into(),
            vec![skipped("returns_n_delays", "returns n delays")],
        ),
    ]);
    report.seconds = 2.5;
    report
}

#[test]
fn the_fixture_covers_every_status() {
    let report = report();
    let statuses: Vec<ExerciseStatus> = report.exercises.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            ExerciseStatus::Passed,
            ExerciseStatus::Failed,
            ExerciseStatus::CompileError,
            ExerciseStatus::Crashed,
            ExerciseStatus::NotSubmitted,
        ]
    );
    for status in [
        Status::Passed,
        Status::Failed,
        Status::Timeout,
        Status::Crashed,
        Status::Skipped,
    ] {
        assert!(
            report
                .exercises
                .iter()
                .flat_map(|e| &e.checks)
                .any(|c| c.status == status),
            "no {status} check"
        );
    }
}

#[test]
fn human() {
    colored::control::set_override(false);
    insta::assert_snapshot!("human", render_human(&report()));
}

#[test]
fn junit() {
    let report = report();
    let xml = render_junit(&report);
    insta::assert_snapshot!("junit", xml);

    let checks: usize = report.exercises.iter().map(|e| e.checks.len()).sum();
    // Every check, plus `build` for the exercise that did not compile.
    assert_eq!(xml.matches("<testcase ").count(), checks + 1);
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("the JUnit output parses");
    assert_eq!(parsed.test_suites.len(), report.exercises.len());
    assert_eq!(parsed.tests, checks + 1);
    // concurrent, calls_wait_random, many_waits.
    assert_eq!(parsed.failures, 3);
    // build, spawns (timeout), joins (crashed).
    assert_eq!(parsed.errors, 3);
    // with_own_wait_random, two checks that did not compile, one not submitted.
    assert_eq!(parsed.skipped, 4);
    let build = &parsed.test_suites[2].test_cases[0];
    assert_eq!(build.name.as_str(), "build");
    let quick_junit::TestCaseStatus::NonSuccess { description, .. } = &build.status else {
        panic!("build is not an error: {:?}", build.status);
    };
    assert_eq!(
        description.as_ref().map(|d| d.as_str()),
        Some(report.exercises[2].message.as_str()),
        "the compiler output survives XML escaping"
    );
}

#[test]
fn gradescope() {
    let report = report();
    let json = render_gradescope(&report);
    insta::assert_snapshot!("gradescope", json);

    let parsed: serde_json::Value = serde_json::from_str(&json).expect("the output is JSON");
    assert_eq!(parsed["score"].as_f64(), Some(report.score));
    let tests = parsed["tests"].as_array().expect("tests");
    let checks: usize = report.exercises.iter().map(|e| e.checks.len()).sum();
    assert_eq!(tests.len(), checks);
    let scored: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert_eq!(scored, report.score);
    let hidden = tests
        .iter()
        .find(|t| t["number"] == "01_wait_n.many_waits")
        .expect("the hidden check");
    assert_eq!(hidden["visibility"], "after_published");
    assert_eq!(hidden["output"], "");
}

#[test]
fn markdown() {
    insta::assert_snapshot!("markdown", render_markdown(&report()));
}

/// GitHub splits table cells on `|` even inside inline code.
#[test]
fn markdown_escapes_pipes_in_table_cells() {
    let odd = ExerciseReport::new("09_a|b", ExerciseStatus::Passed, String::new(), vec![]);
    let text = render_markdown(&Report::new(vec![odd]));
    assert!(text.contains("| `09_a\\|b` |"), "{text}");
}

/// Every status through the readers CI systems use: an XML Schema validator
/// with the Jenkins xunit rules and junitparser, Gradescope's specification
/// as a JSON Schema, and GitHub Classroom's reporter arithmetic.
#[test]
fn every_ci_format_passes_its_reader() {
    let dir = tempfile::tempdir().unwrap();
    let report = report();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let junit = write("junit.xml", render_junit(&report));
    let said = common::validate("junit", &[&junit]);
    assert!(said.contains("(5 suites, 13 cases)"), "{said}");
    let results = write("results.json", render_gradescope(&report));
    common::validate("gradescope", &[&results]);
    let classroom = write("classroom", checker::report::render_classroom(&report));
    let said = common::validate("classroom", &[&classroom]);
    let points = format!("Points {}/{}", report.score, report.max_score);
    assert!(said.contains(&points), "{said} vs {points}");
}
