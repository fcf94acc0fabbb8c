//! `--format markdown`: a GitHub-flavoured summary for `$GITHUB_STEP_SUMMARY`
//! or a pull-request comment.

use std::fmt::Write;

use super::wording::{message_and_hint, points};
use super::{ExerciseStatus, Report};
use crate::check::Status;

/// The report as GitHub-flavoured Markdown.
///
/// A heading with the total, a table of exercises (score and status), then a
/// section for every exercise that did not pass: compiler output in a
/// collapsed `<details>` block, why an exercise was not submitted, a crash
/// summary, and a bullet per check that did not pass with its message and
/// hint. Whatever the checks or the compiler wrote sits in ```` ```text ````
/// fences, so `<`, `&`, `*` and `|` show as written; check names are
/// escaped. A hidden check shows only that it did not pass.
pub fn render_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Grade: {} / {}\n",
        points(report.score),
        points(report.max_score)
    );
    let _ = writeln!(out, "| Exercise | Score | Status |");
    let _ = writeln!(out, "| :-- | --: | :-- |");
    for exercise in &report.exercises {
        let _ = writeln!(
            out,
            "| {} | {} / {} | {} {} |",
            cell(&code(&exercise.id)),
            points(exercise.score),
            points(exercise.max_score),
            icon(exercise.status),
            cell(exercise.status.as_str())
        );
    }
    for exercise in &report.exercises {
        if exercise.status == ExerciseStatus::Passed {
            continue;
        }
        let _ = writeln!(
            out,
            "\n### {} {}: {}\n",
            icon(exercise.status),
            code(&exercise.id),
            exercise.status.as_str()
        );
        match exercise.status {
            ExerciseStatus::CompileError => {
                let _ = writeln!(out, "<details><summary>Compiler output</summary>\n");
                fenced(&mut out, "", &exercise.message);
                let _ = writeln!(out, "\n</details>");
                continue;
            }
            ExerciseStatus::NotSubmitted => {
                let _ = writeln!(out, "Not submitted: {}", inline(&exercise.message));
                continue;
            }
            _ => {}
        }
        if !exercise.message.is_empty() {
            fenced(&mut out, "", &exercise.message);
            out.push('\n');
        }
        for check in exercise
            .checks
            .iter()
            .filter(|c| c.status != Status::Passed)
        {
            let _ = write!(
                out,
                "- **{}** ({}): {}",
                inline(&check.name),
                code(&check.id),
                check.status
            );
            let detail = message_and_hint(check);
            if check.hidden && detail.is_empty() {
                let _ = writeln!(out, " _(hidden check: details withheld)_");
            } else if detail.is_empty() {
                out.push('\n');
            } else {
                out.push('\n');
                fenced(&mut out, "  ", &detail);
            }
        }
    }
    out
}

fn icon(status: ExerciseStatus) -> &'static str {
    match status {
        ExerciseStatus::Passed => "✅",
        ExerciseStatus::NotSubmitted => "➖",
        _ => "❌",
    }
}

/// `text` in a ```` ```text ```` fence long enough that nothing inside can
/// close it, every line indented by `indent` (to sit in a list item).
pub(super) fn fenced(out: &mut String, indent: &str, text: &str) {
    let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
    let _ = writeln!(out, "{indent}{fence}text");
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
    let _ = writeln!(out, "{indent}{fence}");
}

/// `text` as inline code, whatever backticks it holds.
fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_run(text, '`') + 1);
    if ticks.len() == 1 {
        format!("`{text}`")
    } else {
        format!("{ticks} {text} {ticks}")
    }
}

/// `text` on one line with Markdown's and HTML's special characters escaped.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A table cell's content: one line, `|` escaped (GitHub splits cells on it
/// even inside inline code).
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}
