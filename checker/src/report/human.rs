//! `--format human`: a line per exercise, and for each failing check its
//! message and hint. Colour is decided by the caller (`colored`'s override).

use std::fmt::Write;

use colored::Colorize;

use super::wording::points;
use super::{ExerciseStatus, Report};
use crate::check::Status;

/// The report as text for a terminal.
pub fn render_human(report: &Report) -> String {
    let mut out = String::new();
    for exercise in &report.exercises {
        let status = match exercise.status {
            ExerciseStatus::Passed => exercise.status.as_str().green().bold(),
            ExerciseStatus::NotSubmitted => exercise.status.as_str().dimmed(),
            _ => exercise.status.as_str().red().bold(),
        };
        let _ = writeln!(
            out,
            "{:<24} {:>5} / {:<5} {status}",
            exercise.id.bold(),
            points(exercise.score),
            points(exercise.max_score)
        );
        if !exercise.message.is_empty() {
            for line in exercise.message.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        if matches!(
            exercise.status,
            ExerciseStatus::NotSubmitted | ExerciseStatus::CompileError
        ) {
            continue;
        }
        for check in exercise
            .checks
            .iter()
            .filter(|c| c.status != Status::Passed)
        {
            let _ = writeln!(
                out,
                "  {} {} ({})",
                "✗".red(),
                check.name,
                check.id.dimmed()
            );
            if check.hidden && check.message.is_empty() {
                let _ = writeln!(out, "      {}", "(hidden check: details withheld)".dimmed());
                continue;
            }
            for line in check.message.lines() {
                let _ = writeln!(out, "      {line}");
            }
            if !check.hint.is_empty() {
                let _ = writeln!(out, "      {} {}", "hint:".cyan(), check.hint);
            }
        }
    }
    let _ = writeln!(
        out,
        "\n{} {} / {}",
        "score:".bold(),
        points(report.score),
        points(report.max_score)
    );
    if let Some(sandbox) = &report.sandbox {
        let _ = writeln!(out, "{}", sandbox.to_string().dimmed());
    }
    out
}
