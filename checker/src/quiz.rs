//! The course's quizzes (`quizzes/*.yaml`): the lessons' multiple-choice
//! questions, rewritten for Rust and tokio where the Python answer does not
//! carry over. Typed and validated here, asked by `checker quiz`, and graded
//! from a student's answers file into the report beside the exercises.
//!
//! A quiz file:
//!
//! ```yaml
//! id: mastering-1            # the file's stem
//! title: Async basics
//! source: Mastering Asynchronous Python, section 9
//! questions:
//!   - id: async-fn-returns   # stable: answers files name it
//!     from: 1                # the original question's number (optional)
//!     prompt: What does calling an `async fn` return?
//!     multi: false           # select-all-that-apply (optional)
//!     points: 1              # optional, default 1
//!     options:
//!       - text: A future that does nothing until it is polled
//!         correct: true
//!         why: Calling it only builds the future.
//!       - text: Its return value
//!         why: Nothing runs until the future is polled.
//!     departs: How the Rust version departs from the Python original (optional)
//! ```
//!
//! An answers file (`checker quiz NAME --answers FILE`, and
//! `quizzes/NAME.answers.yaml` in a submission) maps question ids to option
//! letters: `async-fn-returns: a`, or `[a, c]` for a multi-select question.
//!
//! The keys ship with the course, as immediate feedback needs them: a
//! student who reads the YAML can find them. Quizzes are for learning, with
//! points to match.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::check::Status;
use crate::report::{CheckReport, ExerciseReport, ExerciseStatus};

/// Where the course keeps its quizzes.
pub const DIR: &str = "quizzes";
/// The fewest and most options a question may have.
const OPTIONS: std::ops::RangeInclusive<usize> = 3..=5;

/// One quiz file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    /// The file's stem; reports name the quiz `quiz:<id>`.
    pub id: String,
    /// What it covers.
    pub title: String,
    /// Where its questions come from.
    pub source: String,
    /// In the order asked.
    pub questions: Vec<Question>,
}

/// One question.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable within the quiz: answers files name it.
    pub id: String,
    /// The original question's number in its set.
    #[serde(default)]
    pub from: Option<u32>,
    /// The question, Markdown.
    pub prompt: String,
    /// Select all that apply: every correct option, and no other, to pass.
    #[serde(default)]
    pub multi: bool,
    /// Points for a right answer.
    #[serde(default = "one")]
    pub points: f64,
    /// Lettered a, b, c, … in this order.
    pub options: Vec<Choice>,
    /// How the Rust version departs from the Python original, and why.
    #[serde(default)]
    pub departs: Option<String>,
}

fn one() -> f64 {
    1.0
}

/// One option.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// What the learner reads.
    pub text: String,
    /// Whether it is a right answer.
    #[serde(default)]
    pub correct: bool,
    /// Why it is right or wrong: shown after answering.
    pub why: String,
}

/// One problem in a quiz file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct QuizError {
    /// The file, from the course root: `quizzes/mastering-1.yaml`.
    pub file: String,
    /// Where in it: `questions[2].options`.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Question {
    /// The letters of its right options.
    pub fn key(&self) -> BTreeSet<char> {
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| letter(i))
            .collect()
    }
}

/// `a` for the first option.
pub fn letter(index: usize) -> char {
    (b'a' + index as u8) as char
}

/// Parses and validates the quiz `text` of `file`.
pub fn parse(file: &str, text: &str) -> Result<Quiz, Vec<QuizError>> {
    let error = |path: String, message: String| QuizError {
        file: file.to_owned(),
        path,
        message,
    };
    let quiz: Quiz = serde_path_to_error::deserialize(serde_yaml_ng::Deserializer::from_str(text))
        .map_err(|err| {
            let path = err.path().to_string();
            vec![error(
                if path == "." { String::new() } else { path },
                err.into_inner().to_string(),
            )]
        })?;
    let mut errors = Vec::new();
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if quiz.id != stem {
        errors.push(error(
            "id".into(),
            format!("{:?} must be the file's name, {stem:?}", quiz.id),
        ));
    }
    if quiz.questions.is_empty() {
        errors.push(error("questions".into(), "a quiz needs questions".into()));
    }
    let mut ids = BTreeSet::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        let at = |key: &str| format!("questions[{i}]{key}");
        if !is_id(&q.id) {
            errors.push(error(
                at(".id"),
                format!("{:?}: ids are lowercase kebab-case", q.id),
            ));
        }
        if !ids.insert(q.id.as_str()) {
            errors.push(error(
                at(".id"),
                format!("{:?} is the id of an earlier question", q.id),
            ));
        }
        if q.prompt.trim().is_empty() {
            errors.push(error(at(".prompt"), "empty".into()));
        }
        if !(q.points.is_finite() && q.points > 0.0) {
            errors.push(error(
                at(".points"),
                format!("{} is not a positive number", q.points),
            ));
        }
        if !OPTIONS.contains(&q.options.len()) {
            errors.push(error(
                at(".options"),
                format!(
                    "{} options; a question has {} to {}",
                    q.options.len(),
                    OPTIONS.start(),
                    OPTIONS.end()
                ),
            ));
        }
        let right = q.options.iter().filter(|o| o.correct).count();
        match (q.multi, right) {
            (false, 1) => {}
            (false, n) => errors.push(error(
                at(".options"),
                format!(
                    "{n} options are correct; exactly one must be, or declare the question `multi: true`"
                ),
            )),
            (true, n) if n >= 2 => {}
            (true, n) => errors.push(error(
                at(".options"),
                format!("{n} options are correct; a multi-select question has at least two"),
            )),
        }
        let mut texts = BTreeSet::new();
        for (j, option) in q.options.iter().enumerate() {
            if option.text.trim().is_empty() || !texts.insert(option.text.trim()) {
                errors.push(error(
                    format!("questions[{i}].options[{j}].text"),
                    "empty, or the text of another option".into(),
                ));
            }
            if option.why.trim().is_empty() {
                errors.push(error(
                    format!("questions[{i}].options[{j}].why"),
                    "every option explains why it is right or wrong".into(),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(quiz)
    } else {
        Err(errors)
    }
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Every quiz of the course at `course`, by id; all problems of all files.
pub fn load_all(course: &Path) -> Result<Vec<Quiz>, Vec<QuizError>> {
    let mut quizzes = Vec::new();
    let mut errors = Vec::new();
    for path in quiz_files(course) {
        let file = format!(
            "{DIR}/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse(&file, &text) {
                Ok(quiz) => quizzes.push(quiz),
                Err(more) => errors.extend(more),
            },
            Err(err) => errors.push(QuizError {
                file,
                path: String::new(),
                message: err.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(quizzes)
    } else {
        Err(errors)
    }
}

/// `quizzes/*.yaml`, sorted; answers files (`*.answers.yaml`) are not quizzes.
fn quiz_files(course: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(course.join(DIR))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.ends_with(".yaml") && !name.ends_with(".answers.yaml")
        })
        .collect();
    files.sort();
    files
}

/// Where a submission (and `checker quiz`) keeps the answers to quiz `id`.
pub fn answers_path(id: &str) -> String {
    format!("{DIR}/{id}.answers.yaml")
}

/// The most bytes of an answers file the grader reads.
const ANSWERS_CAP: u64 = 64 * 1024;

/// The answers to `quiz` in `submission`: `None` when there are none; an
/// answers file that cannot be accepted (a link, too large, not UTF-8, not
/// an answers file) is `Err` with why. Nothing is written.
pub fn submitted_answers(submission: &Path, quiz: &str) -> Option<Result<Answers, String>> {
    let rel = answers_path(quiz);
    let path = submission.join(&rel);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() {
        return Some(Err(format!("{rel} is not a regular file")));
    }
    if meta.len() > ANSWERS_CAP {
        return Some(Err(format!(
            "{rel} is larger than {} KiB",
            ANSWERS_CAP >> 10
        )));
    }
    let dir_is_link =
        std::fs::symlink_metadata(submission.join(DIR)).is_ok_and(|m| m.file_type().is_symlink());
    if dir_is_link {
        return Some(Err(format!("{DIR} is a symbolic link")));
    }
    Some(match std::fs::read_to_string(&path) {
        Ok(text) => parse_answers(&text).map_err(|e| format!("{rel}: {e}")),
        Err(e) => Err(format!("{rel}: {e}")),
    })
}

/// A student's answers: question id to the letters chosen.
pub type Answers = BTreeMap<String, BTreeSet<char>>;

/// Reads an answers file: `id: b` or `id: [a, c]` per question.
pub fn parse_answers(text: &str) -> Result<Answers, String> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        One(String),
        Many(Vec<String>),
    }
    let raw: BTreeMap<String, Given> = serde_yaml_ng::from_str(text)
        .map_err(|e| format!("not an answers file (question id: letter, one a line): {e}"))?;
    raw.into_iter()
        .map(|(id, given)| {
            let letters = match given {
                Given::One(one) => vec![one],
                Given::Many(many) => many,
            };
            let mut chosen = BTreeSet::new();
            for l in letters {
                let l = l.trim().to_ascii_lowercase();
                let mut chars = l.chars();
                match (chars.next(), chars.next()) {
                    (Some(c @ 'a'..='z'), None) => {
                        chosen.insert(c);
                    }
                    _ => return Err(format!("{id}: {l:?} is not an option letter")),
                }
            }
            Ok((id, chosen))
        })
        .collect()
}

/// How one question was answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Marked {
    /// Right, wrong, or not answered (skipped).
    pub status: Status,
    /// What to say: the explanations of what was chosen and of the key.
    pub message: String,
}

/// Marks `question` answered with `chosen` (`None`: not answered).
pub fn mark(question: &Question, chosen: Option<&BTreeSet<char>>) -> Marked {
    let key = question.key();
    let Some(chosen) = chosen.filter(|c| !c.is_empty()) else {
        return Marked {
            status: Status::Skipped,
            message: "not answered".into(),
        };
    };
    let letters = |set: &BTreeSet<char>| {
        set.iter()
            .map(char::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let unknown: Vec<char> = chosen
        .iter()
        .copied()
        .filter(|c| {
            (*c as usize) < ('a' as usize) || (*c as usize - 'a' as usize) >= question.options.len()
        })
        .collect();
    if !unknown.is_empty() {
        return Marked {
            status: Status::Failed,
            message: format!(
                "answered {}, but the options are a to {}",
                letters(chosen),
                letter(question.options.len() - 1)
            ),
        };
    }
    let explain = |c: char| {
        let option = &question.options[c as usize - 'a' as usize];
        format!("{c}. {} — {}", option.text, option.why)
    };
    if *chosen == key {
        return Marked {
            status: Status::Passed,
            message: chosen
                .iter()
                .map(|c| explain(*c))
                .collect::<Vec<_>>()
                .join("\n"),
        };
    }
    let mut lines = vec![format!(
        "you answered {}; the answer is {}",
        letters(chosen),
        letters(&key)
    )];
    lines.extend(
        chosen
            .iter()
            .filter(|c| !key.contains(c))
            .map(|c| explain(*c)),
    );
    lines.extend(key.iter().map(|c| explain(*c)));
    Marked {
        status: Status::Failed,
        message: lines.join("\n"),
    }
}

/// The quiz graded from a submission's answers (see [`submitted_answers`]).
pub fn report_for(quiz: &Quiz, submitted: Option<Result<Answers, String>>) -> ExerciseReport {
    match submitted {
        None => report(quiz, None),
        Some(Ok(answers)) => report(quiz, Some(&answers)),
        Some(Err(why)) => {
            let mut entry = report(quiz, None);
            entry.message = format!("refused: {why}");
            entry
        }
    }
}

/// The quiz graded from `answers` as a report entry (`quiz:<id>`, one
/// check per question), for every report format and the gradebook.
pub fn report(quiz: &Quiz, answers: Option<&Answers>) -> ExerciseReport {
    let checks: Vec<CheckReport> = quiz
        .questions
        .iter()
        .map(|q| {
            let marked = match answers {
                Some(answers) => mark(q, answers.get(&q.id)),
                None => Marked {
                    status: Status::Skipped,
                    message: "not answered".into(),
                },
            };
            let passed = marked.status == Status::Passed;
            CheckReport {
                id: q.id.clone(),
                name: first_line(&q.prompt),
                status: marked.status,
                score: if passed { q.points } else { 0.0 },
                max_score: q.points,
                message: if passed {
                    String::new()
                } else {
                    marked.message
                },
                hint: String::new(),
                hidden: false,
                seconds: 0.0,
            }
        })
        .collect();
    let status = match answers {
        None => ExerciseStatus::NotSubmitted,
        Some(_) => ExerciseStatus::from_checks(&checks),
    };
    let message = match answers {
        None => format!("no {DIR}/{}.answers.yaml in the submission", quiz.id),
        Some(_) => String::new(),
    };
    let mut entry = ExerciseReport::new(&format!("quiz:{}", quiz.id), status, message, checks);
    entry.kind = crate::report::Kind::Quiz;
    entry
}

/// Asks `quiz` question by question on `input`/`output` (a terminal, or
/// lines piped in): the options lettered, one answer a line (letters
/// separated by commas or spaces for a multi-select question), feedback and
/// the explanations right after each. Stops at the end of input, keeping
/// what was answered. A question already in `earlier` can be kept with an
/// empty line.
///
/// `echo` repeats each answer read, for input that is not a terminal (which
/// echoes it itself).
pub fn ask(
    quiz: &Quiz,
    earlier: &Answers,
    input: &mut dyn std::io::BufRead,
    output: &mut dyn std::io::Write,
    echo: bool,
) -> std::io::Result<Answers> {
    let mut answers = earlier.clone();
    writeln!(
        output,
        "{} ({} questions; from {})
",
        quiz.title,
        quiz.questions.len(),
        quiz.source
    )?;
    for (n, q) in quiz.questions.iter().enumerate() {
        writeln!(output, "{}. {}", n + 1, q.prompt.trim())?;
        for (i, option) in q.options.iter().enumerate() {
            writeln!(output, "   {}) {}", letter(i), option.text)?;
        }
        let last = letter(q.options.len() - 1);
        let chosen = loop {
            let kept = earlier.get(&q.id).map(|c| {
                format!(
                    ", Enter keeps {}",
                    c.iter().map(char::to_string).collect::<Vec<_>>().join(",")
                )
            });
            if q.multi {
                write!(
                    output,
                    "select all that apply (a-{last}, e.g. a,c{}): ",
                    kept.unwrap_or_default()
                )?;
            } else {
                write!(
                    output,
                    "your answer (a-{last}{}): ",
                    kept.unwrap_or_default()
                )?;
            }
            output.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                writeln!(output)?;
                return Ok(answers);
            }
            if echo {
                writeln!(output, "{}", line.trim_end())?;
            }
            let letters: BTreeSet<char> = line
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|l| !l.is_empty())
                .flat_map(|l| l.chars())
                .map(|c| c.to_ascii_lowercase())
                .collect();
            if letters.is_empty() {
                if let Some(kept) = earlier.get(&q.id) {
                    break kept.clone();
                }
                continue;
            }
            let valid = letters.iter().all(|c| ('a'..=last).contains(c));
            if valid && (q.multi || letters.len() == 1) {
                break letters;
            }
            writeln!(
                output,
                "  answer with {} from a to {last}",
                if q.multi { "letters" } else { "one letter" }
            )?;
        };
        let marked = mark(q, Some(&chosen));
        let verdict = if marked.status == Status::Passed {
            "right"
        } else {
            "not quite"
        };
        writeln!(output, "  {verdict}:")?;
        for line in marked.message.lines() {
            writeln!(output, "  {line}")?;
        }
        writeln!(output)?;
        answers.insert(q.id.clone(), chosen);
    }
    Ok(answers)
}

/// An answers file for `answers`, in `quiz`'s question order.
pub fn render_answers(quiz: &Quiz, answers: &Answers) -> String {
    let mut out = format!(
        "# Answers to {} ({}); `checker quiz {}` writes this file.\n",
        quiz.id, quiz.title, quiz.id
    );
    for q in &quiz.questions {
        if let Some(chosen) = answers.get(&q.id) {
            let letters: Vec<String> = chosen.iter().map(char::to_string).collect();
            if q.multi {
                out.push_str(&format!("{}: [{}]\n", q.id, letters.join(", ")));
            } else {
                out.push_str(&format!("{}: {}\n", q.id, letters.join("")));
            }
        }
    }
    out
}

/// The marks of `answers`: one line a question, explanations of the wrong
/// ones, and the score.
pub fn render_marks(quiz: &Quiz, answers: &Answers) -> String {
    let entry = report(quiz, Some(answers));
    let mut out = String::new();
    for (q, check) in quiz.questions.iter().zip(&entry.checks) {
        let mark = match check.status {
            Status::Passed => "right",
            Status::Skipped => "not answered",
            _ => "wrong",
        };
        out.push_str(&format!("{:<13} {}\n", mark, q.id));
        if check.status == Status::Failed {
            for line in check.message.lines() {
                out.push_str(&format!("              {line}\n"));
            }
        }
    }
    out.push_str(&format!(
        "{}: {} of {} points\n",
        quiz.id,
        crate::report::points(entry.score),
        crate::report::points(entry.max_score)
    ));
    out
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "quizzes/basics.yaml";
    const QUIZ: &str = "id: basics\ntitle: t\nsource: s\nquestions:\n  - id: returns\n    prompt: What does an async fn return?\n    options:\n      - text: a future\n        correct: true\n        why: lazy\n      - text: a value\n        why: no\n      - text: a thread\n        why: no\n";

    #[test]
    fn a_valid_quiz_parses_and_marks_answers_with_explanations() {
        let quiz = parse(FILE, QUIZ).unwrap();
        let q = &quiz.questions[0];
        assert_eq!(q.key(), BTreeSet::from(['a']));
        assert_eq!(mark(q, Some(&BTreeSet::from(['a']))).status, Status::Passed);
        let wrong = mark(q, Some(&BTreeSet::from(['b'])));
        assert_eq!(wrong.status, Status::Failed);
        assert!(
            wrong.message.starts_with(
                "you answered b; the answer is a\nb. a value — no\na. a future — lazy"
            ),
            "{}",
            wrong.message
        );
        assert_eq!(mark(q, None).status, Status::Skipped);
        assert_eq!(mark(q, Some(&BTreeSet::from(['z']))).status, Status::Failed);
        let answers = parse_answers("returns: A\n").unwrap();
        let entry = report(&quiz, Some(&answers));
        assert_eq!(
            (entry.id.as_str(), entry.score, entry.max_score),
            ("quiz:basics", 1.0, 1.0)
        );
    }

    #[test]
    fn a_broken_quiz_is_rejected_with_its_key_path() {
        let two_right = QUIZ.replace(
            "why: no\n      - text: a thread",
            "why: no\n        correct: true\n      - text: a thread",
        );
        let errors = parse(FILE, &two_right).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "quizzes/basics.yaml: questions[0].options: 2 options are correct; exactly one must be, or declare the question `multi: true`"
        );
        let unknown = QUIZ.replace("    prompt:", "    promt: x\n    prompt:");
        let errors = parse(FILE, &unknown).unwrap_err();
        let said = errors[0].to_string();
        assert!(
            said.starts_with("quizzes/basics.yaml: questions[0].promt: ")
                && said.contains("unknown field `promt`")
                && said.contains("line 6"),
            "{said}"
        );
        let no_why = QUIZ.replace("        why: lazy\n", "");
        let errors = parse(FILE, &no_why).unwrap_err();
        let said = errors[0].to_string();
        assert!(
            said.contains("questions[0].options[0]") && said.contains("missing field `why`"),
            "{said}"
        );
        let renamed = parse("quizzes/other.yaml", QUIZ).unwrap_err();
        assert_eq!(renamed[0].path, "id");
    }
}
