//! The course's quizzes: every file valid, a broken one rejected with its
//! key path, a quiz answered through `checker quiz` (lines piped in, as a
//! terminal would send them) and by file, and its points in the grader's
//! JSON report and the class gradebook.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use checker::quiz::{self, Answers};
use checker::report::Kind;
use common::{ONE_AT_A_TIME, cache, root};

fn checker() -> Command {
    Command::new(env!("CARGO_BIN_EXE_checker"))
}

#[test]
fn every_quiz_of_the_course_is_valid_and_its_key_scores_full_marks() {
    let quizzes = quiz::load_all(&root()).unwrap_or_else(|errors| {
        panic!(
            "{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let questions: usize = quizzes.iter().map(|q| q.questions.len()).sum();
    assert!(
        quizzes.len() >= 6 && questions >= 60,
        "{} quizzes, {questions} questions",
        quizzes.len()
    );
    for q in &quizzes {
        let key: Answers = q
            .questions
            .iter()
            .map(|x| (x.id.clone(), x.key()))
            .collect();
        let entry = quiz::report(q, Some(&key));
        assert_eq!(entry.score, entry.max_score, "{}", q.id);
        assert_eq!(entry.kind, Kind::Quiz);
        // The key is not always the same letter.
        let letters: BTreeSet<char> = key.values().flatten().copied().collect();
        assert!(
            letters.len() >= 3,
            "{}: every answer is among {letters:?}",
            q.id
        );
    }
}

/// A course holding only `quizzes/<name>`.
fn course_with_quiz(name: &str, text: &str) -> tempfile::TempDir {
    let course = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(course.path().join("quizzes")).unwrap();
    std::fs::write(course.path().join("quizzes").join(name), text).unwrap();
    course
}

#[test]
fn a_broken_quiz_file_is_rejected_with_its_key_path() {
    let text = std::fs::read_to_string(root().join("quizzes/lesson-16-3.yaml")).unwrap();
    // A second right answer to the first question.
    let broken = text.replacen("      - text:", "      - correct: true\n        text:", 2);
    let broken = broken.replacen("      - correct: true\n        text:", "      - text:", 1);
    let course = course_with_quiz("lesson-16-3.yaml", &broken);
    let output = checker()
        .args(["quiz", "--course"])
        .arg(course.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(checker::exit_code::COURSE));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("quizzes/lesson-16-3.yaml: questions[0].options: 2 options are correct"),
        "{said}"
    );
    // An unknown key is named with its path.
    let course = course_with_quiz(
        "lesson-16-3.yaml",
        &text.replacen("    prompt:", "    prompt_:", 1),
    );
    let output = checker()
        .args(["quiz", "--course"])
        .arg(course.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("questions[0].prompt_") && said.contains("unknown field"),
        "{said}"
    );
}

fn ask(course: &Path, name: &str, lines: &str) -> String {
    let mut child = checker()
        .args(["quiz", name, "--course"])
        .arg(course)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_quiz_is_answered_interactively_and_by_file_with_feedback() {
    let text = std::fs::read_to_string(root().join("quizzes/lesson-16-3.yaml")).unwrap();
    let course = course_with_quiz("lesson-16-3.yaml", &text);
    let q = quiz::parse("quizzes/lesson-16-3.yaml", &text).unwrap();
    let first = &q.questions[0];
    let right = *first.key().first().unwrap();
    let wrong = (b'a'..)
        .map(char::from)
        .find(|c| !first.key().contains(c))
        .unwrap();
    let second_right = *q.questions[1].key().first().unwrap();

    // One wrong, one right, then an invalid answer and the input ends.
    let said = ask(
        course.path(),
        "lesson-16-3",
        &format!("{wrong}\n{second_right}\nz\n"),
    );
    assert!(
        said.contains(&format!("you answered {wrong}; the answer is {right}")),
        "{said}"
    );
    let why = &first.options[(right as u8 - b'a') as usize].why;
    assert!(
        said.contains(why.as_str()),
        "the explanation of the key is shown: {said}"
    );
    assert!(said.contains("answer with one letter"), "{said}");
    assert!(said.contains("lesson-16-3: 1 of 10 points"), "{said}");
    let saved = course.path().join("quizzes/lesson-16-3.answers.yaml");
    let answers = quiz::parse_answers(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(answers.len(), 2);

    // Asked again, Enter keeps the earlier answers; the rest are answered right.
    let rest: String = q.questions[2..]
        .iter()
        .map(|x| {
            format!(
                "{}\n",
                x.key()
                    .iter()
                    .map(char::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    let said = ask(course.path(), "lesson-16-3", &format!("\n\n{rest}"));
    assert!(said.contains("lesson-16-3: 9 of 10 points"), "{said}");

    // By file.
    let output = checker()
        .args(["quiz", "lesson-16-3", "--answers"])
        .arg(&saved)
        .arg("--course")
        .arg(course.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("wrong         async-fn-creates"), "{said}");
    assert!(said.contains("lesson-16-3: 9 of 10 points"), "{said}");
}

#[test]
fn quiz_answers_in_a_submission_are_graded_into_the_report_and_the_gradebook() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let class = tempfile::tempdir().unwrap();
    let sub = class.path().join("alice");
    std::fs::create_dir_all(sub.join("quizzes")).unwrap();
    let q = quiz::load_all(&root())
        .unwrap()
        .into_iter()
        .find(|q| q.id == "mastering-1")
        .unwrap();
    let mut answers: Answers = q
        .questions
        .iter()
        .map(|x| (x.id.clone(), x.key()))
        .collect();
    let first = q.questions[0].id.clone();
    answers.remove(&first);
    std::fs::write(
        sub.join("quizzes/mastering-1.answers.yaml"),
        quiz::render_answers(&q, &answers),
    )
    .unwrap();

    let output = common::grade_command(&sub, &[])
        .env("CHECKER_WATCHDOG_MS", "2000")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: checker::report::Report = serde_json::from_slice(&output.stdout).unwrap();
    let entry = common::exercise(&report, "quiz:mastering-1");
    assert_eq!(entry.kind, Kind::Quiz);
    assert_eq!((entry.score, entry.max_score), (9.0, 10.0));
    let unanswered = entry.checks.iter().find(|c| c.id == first).unwrap();
    assert_eq!(unanswered.status, checker::Status::Skipped);
    let other = common::exercise(&report, "quiz:lesson-16-3");
    assert_eq!(other.status, checker::report::ExerciseStatus::NotSubmitted);
    let json = String::from_utf8_lossy(&output.stdout);
    assert!(json.contains("\"kind\": \"quiz\""), "quiz entries say so");
    let exercises: f64 = report
        .exercises
        .iter()
        .filter(|e| e.kind == Kind::Exercise)
        .map(|e| e.max_score)
        .sum();
    assert_eq!(
        report.max_score,
        exercises + 60.0,
        "the quizzes' points count"
    );

    // The class gradebook has a column per quiz.
    let out = tempfile::tempdir().unwrap();
    let graded = checker()
        .args(["grade", "--class"])
        .arg(class.path())
        .arg("--out-dir")
        .arg(out.path())
        .env("CHECKER_CACHE_DIR", cache())
        .env("CHECKER_WATCHDOG_MS", "2000")
        .output()
        .unwrap();
    assert!(
        graded.status.success(),
        "{}",
        String::from_utf8_lossy(&graded.stderr)
    );
    let book = std::fs::read_to_string(out.path().join("gradebook.csv")).unwrap();
    let mut lines = book.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "quiz:mastering-1")
        .expect("a quiz column");
    assert_eq!(row[column], "9");
}
