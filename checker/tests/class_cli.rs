//! `checker grade --class`: a class of submissions written the ways a class
//! writes them (correct, wrong, not compiling, hostile, empty, a name that
//! needs quoting), graded through the real binary with the sandbox on; the
//! gradebook against every student's own report, each report format
//! against its real reader, a rerun, and a run killed halfway.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use checker::report::{ExerciseStatus, Report};
use common::{HANG, ONE_AT_A_TIME, cache, root, snapshot, submission, validate};

const EXERCISES: [&str; 3] = ["00_wait_random", "01_wait_n", "02_measure_time"];
/// A name with a comma, quotes and a non-ASCII letter: RFC 4180 quotes it.
const QUOTED: &str = "Müller, \"Jo\"";

/// The class: one directory per student.
fn class() -> tempfile::TempDir {
    let class = tempfile::tempdir().unwrap();
    let put = |student: &str, exercise: &str, source: &Path| {
        let to = class
            .path()
            .join(student)
            .join("exercises")
            .join(exercise)
            .join("src");
        std::fs::create_dir_all(&to).unwrap();
        std::fs::copy(source, to.join("lib.rs")).unwrap();
    };
    let solution = |exercise: &str| root().join("solutions").join(exercise).join("src/lib.rs");
    for exercise in EXERCISES {
        put("correct", exercise, &solution(exercise));
        put(QUOTED, exercise, &solution(exercise));
    }
    put("wrong", "00_wait_random", &solution("00_wait_random"));
    put(
        "wrong",
        "01_wait_n",
        &root().join("tests/fixtures/01_wait_n/sequential_awaits.rs"),
    );
    for (student, hostile) in [
        ("broken", "does_not_compile"),
        ("hangs", "infinite_loop"),
        ("attacks", "signals_the_grader"),
        ("forges", "issues_workflow_commands"),
    ] {
        copy_tree(&submission(hostile), &class.path().join(student));
    }
    std::fs::create_dir_all(class.path().join("empty")).unwrap();
    // Not a submission: files, and hidden directories, are skipped.
    std::fs::write(class.path().join("README.md"), "notes").unwrap();
    std::fs::create_dir_all(class.path().join(".git")).unwrap();
    class
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        std::fs::create_dir_all(to.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(&entry, to.join(rel)).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir).into_keys().collect()
}

const STUDENTS: [&str; 8] = [
    "attacks", "broken", "correct", "empty", "forges", "hangs", QUOTED, "wrong",
];

fn class_command(class: &Path, out: &Path, jobs: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .args(["grade", "--class"])
        .arg(class)
        .arg("--out-dir")
        .arg(out)
        .args([
            "--jobs",
            jobs,
            "--format",
            "junit",
            "--format",
            "gradescope",
        ])
        .env("CHECKER_CACHE_DIR", cache())
        .env("CHECKER_WATCHDOG_MS", "2000");
    for exercise in EXERCISES {
        command.args(["--exercise", exercise]);
    }
    command
}

/// Runs a class grading to its end (within the hang watchdog).
fn run(command: &mut Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to start checker");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        assert!(start.elapsed() < HANG, "checker grade --class hung");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn report_of(out: &Path, student: &str) -> Report {
    let path = out.join("students").join(student).join("report.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The gradebook as rows by student, each a map from column to field.
fn gradebook(out: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read(out.join("gradebook.csv")).unwrap();
    assert!(!text.starts_with(b"\xEF\xBB\xBF"), "no byte-order mark");
    let lf = text.iter().filter(|b| **b == b'\n').count();
    let crlf = text.windows(2).filter(|w| w == b"\r\n").count();
    assert!(
        lf == crlf && text.ends_with(b"\r\n"),
        "RFC 4180 ends records with CRLF"
    );
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let mut expected = vec!["student".to_owned()];
    expected.extend(EXERCISES.map(str::to_owned));
    expected.extend(["total", "max_score", "status", "notes"].map(str::to_owned));
    assert_eq!(header, expected);
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let row: BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect();
            (row["student"].clone(), row)
        })
        .collect()
}

fn number(field: &str) -> f64 {
    field
        .parse()
        .unwrap_or_else(|_| panic!("{field:?} is not a score"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_class_is_graded_into_a_gradebook_that_matches_every_report() {
    let serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let class = class();
    let before = snapshot(class.path());
    let out = tempfile::tempdir().unwrap();
    let output = run(&mut class_command(class.path(), out.path(), "2"));
    let said = stderr(&output);
    assert!(output.status.success(), "{said}");
    assert_eq!(
        before,
        snapshot(class.path()),
        "grading wrote into the class"
    );

    // One row per student, in name order, each the student's own report.
    let book = gradebook(out.path());
    assert_eq!(book.keys().map(String::as_str).collect::<Vec<_>>(), {
        let mut sorted = STUDENTS.to_vec();
        sorted.sort();
        sorted
    });
    for (student, row) in &book {
        let report = report_of(out.path(), student);
        for exercise in &report.exercises {
            assert_eq!(
                number(&row[&exercise.id]),
                exercise.score,
                "{student} {}",
                exercise.id
            );
        }
        assert_eq!(number(&row["total"]), report.score, "{student}");
        assert_eq!(number(&row["max_score"]), report.max_score, "{student}");
        let all_passed = report
            .exercises
            .iter()
            .all(|e| e.status == ExerciseStatus::Passed);
        assert_eq!(
            row["status"],
            if all_passed { "passed" } else { "failed" },
            "{student}"
        );
        let dir = out.path().join("students").join(student);
        validate("junit", &[&dir.join("junit.xml")]);
        validate("gradescope", &[&dir.join("results.json")]);
    }
    let status = |student: &str, exercise: &str| {
        report_of(out.path(), student)
            .exercises
            .iter()
            .find(|e| e.id == exercise)
            .unwrap()
            .status
    };
    assert_eq!(status("correct", "01_wait_n"), ExerciseStatus::Passed);
    assert_eq!(book[QUOTED]["total"], book["correct"]["total"]);
    assert_eq!(status("wrong", "01_wait_n"), ExerciseStatus::Failed);
    assert_eq!(
        status("broken", "00_wait_random"),
        ExerciseStatus::CompileError
    );
    assert_eq!(status("hangs", "00_wait_random"), ExerciseStatus::Timeout);
    assert_eq!(
        status("empty", "00_wait_random"),
        ExerciseStatus::NotSubmitted
    );
    assert!(book["broken"]["notes"].contains("00_wait_random: compile_error"));
    // It tries to kill the grader, then solves 00: graded on its merits.
    assert_eq!(status("attacks", "00_wait_random"), ExerciseStatus::Passed);
    assert_eq!(
        number(&book["forges"]["total"]),
        report_of(out.path(), "forges").score
    );

    // A student's report is what grading that submission alone reports.
    drop(serial);
    let alone = common::grade(&class.path().join("wrong"), &EXERCISES);
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let from_class = report_of(out.path(), "wrong");
    assert_eq!(alone.score, from_class.score);
    let statuses = |r: &Report| r.exercises.iter().map(|e| e.status).collect::<Vec<_>>();
    assert_eq!(statuses(&alone), statuses(&from_class));

    // The summary: distribution, compile errors, slowest.
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("8 submissions"), "{summary}");
    assert!(summary.contains("score distribution:"), "{summary}");
    assert!(
        summary.contains("failed to compile (at least one exercise): 1 (broken)"),
        "{summary}"
    );
    assert!(summary.contains("slowest submissions:"), "{summary}");
    assert_eq!(
        std::fs::read_to_string(out.path().join("summary.txt")).unwrap(),
        summary
            .lines()
            .take_while(|l| !l.starts_with("gradebook:"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    // Not a terminal: one plain line per student.
    assert_eq!(
        said.lines().filter(|l| l.starts_with('[')).count(),
        STUDENTS.len(),
        "{said}"
    );

    // A rerun regrades nothing and changes nothing.
    let book_bytes = std::fs::read(out.path().join("gradebook.csv")).unwrap();
    let again = run(&mut class_command(class.path(), out.path(), "2"));
    let said = stderr(&again);
    assert!(again.status.success(), "{said}");
    assert_eq!(
        said.matches("unchanged, not regraded").count(),
        STUDENTS.len(),
        "{said}"
    );
    assert_eq!(
        book_bytes,
        std::fs::read(out.path().join("gradebook.csv")).unwrap()
    );

    // A changed submission is regraded, and only it.
    let lib = class.path().join("wrong/exercises/01_wait_n/src/lib.rs");
    std::fs::copy(root().join("solutions/01_wait_n/src/lib.rs"), &lib).unwrap();
    let third = run(&mut class_command(class.path(), out.path(), "2"));
    let said = stderr(&third);
    assert_eq!(
        said.matches("unchanged, not regraded").count(),
        STUDENTS.len() - 1,
        "{said}"
    );
    assert!(
        said.lines()
            .any(|l| l.contains("wrong: ") && l.contains(" in ")),
        "{said}"
    );
    assert_eq!(
        gradebook(out.path())["wrong"]["01_wait_n"],
        book["correct"]["01_wait_n"]
    );
}

#[test]
fn a_run_killed_halfway_loses_nothing_and_the_rerun_grades_only_the_rest() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let class = class();
    let out = tempfile::tempdir().unwrap();
    let fingerprints = || {
        STUDENTS
            .iter()
            .filter(|s| {
                out.path()
                    .join("students")
                    .join(s)
                    .join("fingerprint")
                    .exists()
            })
            .count()
    };
    let mut child = class_command(class.path(), out.path(), "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while fingerprints() < 3 {
        assert!(start.elapsed() < HANG, "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = fingerprints();
    assert!(done < STUDENTS.len(), "killed too late to tell");

    // What was written is whole: every fingerprinted report parses, and the
    // gradebook lists those students.
    let book = gradebook(out.path());
    for student in STUDENTS {
        let dir = out.path().join("students").join(student);
        if dir.join("fingerprint").exists() {
            report_of(out.path(), student);
            assert!(
                book.contains_key(student),
                "{student} is graded but not in the gradebook"
            );
        }
    }
    assert!(book.len() >= done, "{} rows for {done} graded", book.len());
    for dir in walk(out.path()) {
        let name = dir.file_name().unwrap().to_string_lossy();
        if name.ends_with(".tmp") {
            // A write the kill interrupted: never renamed into place.
            assert!(name.starts_with('.'), "{name}");
        }
    }

    let rerun = run(&mut class_command(class.path(), out.path(), "2"));
    let said = stderr(&rerun);
    assert!(rerun.status.success(), "{said}");
    assert_eq!(
        said.matches("unchanged, not regraded").count(),
        done,
        "{said}"
    );
    assert_eq!(gradebook(out.path()).len(), STUDENTS.len());
}

#[test]
fn a_class_directory_that_cannot_be_read_is_a_usage_error() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["grade", "--class", "/nonexistent/class", "--out-dir"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(checker::exit_code::USAGE));
    let said = stderr(&output);
    assert!(
        said.contains("failed to read the class directory"),
        "{said}"
    );
    // --class needs --out-dir.
    let output = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["grade", "--class", "/tmp"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}
