//! What a grading step in GitHub Actions writes besides its report:
//! annotations for failing checks, the human report fenced so nothing it
//! quotes can act as a workflow command, and a step summary within the
//! runner's limit.
//!
//! The rules are the runner's and `@actions/core`'s (`command.ts`): a
//! command is `::name key=value,…::message`; in the message `%`, CR and LF
//! are escaped as `%25`, `%0D`, `%0A`, in a property also `:` and `,`
//! (`%3A`, `%2C`). A step keeps at most 10 error annotations and prints
//! the rest unkept; a step summary over 1 MiB is dropped whole.

use super::wording::message_and_hint;
use super::{ExerciseStatus, Report};
use crate::check::Status;

/// Error annotations GitHub keeps per step.
pub const ANNOTATIONS_PER_STEP: usize = 10;
/// The runner refuses a larger step summary (and shows none of it).
pub const STEP_SUMMARY_CAP: usize = 1024 * 1024;
/// The runner cuts annotation messages at 4096 characters; this leaves
/// room for the mark saying a message was cut.
const ANNOTATION_MESSAGE_CAP: usize = 4000;

/// A workflow command's message, escaped as the toolkit's `escapeData`.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property, escaped as the toolkit's `escapeProperty`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error` line per failing check (and per exercise that did not
/// compile), at most [`ANNOTATIONS_PER_STEP`]: when there are more, the
/// last one says how many more there are and where to read them.
pub fn annotations(report: &Report) -> String {
    let mut all: Vec<(String, String, String)> = Vec::new();
    for exercise in &report.exercises {
        let file = exercise.student_file();
        if exercise.status == ExerciseStatus::CompileError {
            let first = exercise.message.lines().next().unwrap_or_default();
            all.push((
                file,
                format!("{}: does not compile", exercise.id),
                first.to_owned(),
            ));
            continue;
        }
        for check in &exercise.checks {
            if matches!(check.status, Status::Passed | Status::Skipped) {
                continue;
            }
            let mut message = message_and_hint(check);
            if message.is_empty() {
                message = format!("{} (a hidden check: its message is withheld)", check.status);
            }
            all.push((
                file.clone(),
                format!("{}: {}", exercise.id, check.name),
                message,
            ));
        }
    }
    let mut out = String::new();
    let total = all.len();
    for (i, (file, title, message)) in all.into_iter().enumerate() {
        let (title, message) = if i + 1 == ANNOTATIONS_PER_STEP && total > ANNOTATIONS_PER_STEP {
            (
                format!("{} more failing checks", total - i),
                "see the step summary or the log for every failing check".to_owned(),
            )
        } else {
            (title, message)
        };
        out.push_str(&format!(
            "::error file={},title={}::{}\n",
            escape_property(&file),
            escape_property(&title),
            escape_data(&crate::grade::trim_text(&message, ANNOTATION_MESSAGE_CAP))
        ));
        if i + 1 == ANNOTATIONS_PER_STEP {
            break;
        }
    }
    out
}

/// `text` between `::stop-commands::<token>` and `::<token>::`: the runner
/// processes no workflow command in between, so whatever student code
/// printed (quoted in messages) stays text. `token` must be random per run.
pub fn without_commands(text: &str, token: &str) -> String {
    let mut out = format!("::stop-commands::{token}\n{text}");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("::{token}::\n"));
    out
}

/// A fresh stop-commands token: 32 random hex digits (the runner masks
/// tokens longer than 6 characters in the log, and refuses none of these).
pub fn stop_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The Markdown report cut, at a line, to fit the step summary's limit with
/// a line saying so.
pub fn step_summary(markdown: &str) -> String {
    if markdown.len() <= STEP_SUMMARY_CAP {
        return markdown.to_owned();
    }
    let note = "\n\n_The report was cut here to fit GitHub's 1 MiB step summary; the \
                log has all of it._\n";
    let mut end = STEP_SUMMARY_CAP - note.len();
    while !markdown.is_char_boundary(end) {
        end -= 1;
    }
    let end = markdown[..end].rfind('\n').unwrap_or(end);
    format!("{}{note}", &markdown[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_is_the_toolkits() {
        assert_eq!(escape_data("100%\r\n::x"), "100%25%0D%0A::x");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn an_oversized_summary_is_cut_at_a_line_and_says_so() {
        let big = "line of the report\n".repeat(100_000);
        let cut = step_summary(&big);
        assert!(cut.len() <= STEP_SUMMARY_CAP);
        assert!(cut.contains("line of the report\n\n_The report was cut"));
        assert_eq!(step_summary("small"), "small");
    }
}
