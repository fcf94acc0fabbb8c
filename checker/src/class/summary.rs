//! The end of a class run: what an instructor reads first.

use std::fmt::Write;

use super::Class;
use crate::report::ExerciseStatus;

/// How many of the slowest submissions are named.
const SLOWEST: usize = 5;

pub(super) fn render(class: &Class) -> String {
    let mut out = String::new();
    let students = &class.students;
    let reused = students.iter().filter(|s| s.reused).count();
    let reports: Vec<_> = students
        .iter()
        .filter_map(|s| s.result.as_ref().ok().map(|r| (s, r)))
        .collect();
    let errors = students.len() - reports.len();
    let _ = writeln!(
        out,
        "{} submissions in {:.1} s: {} graded, {} unchanged since the last run, {} could not be graded",
        students.len(),
        class.elapsed.as_secs_f64(),
        students.len() - reused,
        reused,
        errors
    );
    let mut times: Vec<f64> = students
        .iter()
        .filter(|s| !s.reused)
        .map(|s| s.seconds)
        .collect();
    times.sort_by(f64::total_cmp);
    if let Some(median) = times.get(times.len() / 2) {
        let _ = writeln!(out, "median grading time: {median:.2} s a submission");
    }

    // Deciles of the percentage; 100 % is a bucket of its own.
    let mut buckets = [0usize; 11];
    for (_, report) in &reports {
        let percent = if report.max_score > 0.0 {
            100.0 * report.score / report.max_score
        } else {
            0.0
        };
        buckets[((percent / 10.0).floor() as usize).min(10)] += 1;
    }
    if !reports.is_empty() {
        let _ = writeln!(out, "\nscore distribution:");
        let widest = buckets.iter().copied().max().unwrap_or(1).max(1);
        for (i, count) in buckets.iter().enumerate().rev() {
            let label = if i == 10 {
                "   100 %".to_owned()
            } else {
                format!("{:>3}-{:<2} %", i * 10, i * 10 + 9)
            };
            let bar = "#".repeat((count * 40).div_ceil(widest));
            let _ = writeln!(out, "  {label} {count:>4} {bar}");
        }
    }

    let compile: Vec<&str> = reports
        .iter()
        .filter(|(_, r)| {
            r.exercises
                .iter()
                .any(|e| e.status == ExerciseStatus::CompileError)
        })
        .map(|(s, _)| s.student.as_str())
        .collect();
    let _ = writeln!(
        out,
        "\nfailed to compile (at least one exercise): {}{}",
        compile.len(),
        named(&compile)
    );
    let broken: Vec<&str> = students
        .iter()
        .filter(|s| s.result.is_err())
        .map(|s| s.student.as_str())
        .collect();
    if !broken.is_empty() {
        let _ = writeln!(
            out,
            "could not be graded: {}{}",
            broken.len(),
            named(&broken)
        );
    }

    let mut slowest: Vec<_> = students.iter().filter(|s| !s.reused).collect();
    slowest.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    if !slowest.is_empty() {
        let _ = writeln!(out, "\nslowest submissions:");
        for s in slowest.iter().take(SLOWEST) {
            let _ = writeln!(out, "  {:>7.2} s  {}", s.seconds, s.student);
        }
    }
    out
}

/// ` (alice, bob, …)`: up to ten names.
fn named(names: &[&str]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let shown = names
        .iter()
        .take(10)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if names.len() > 10 { ", …" } else { "" };
    format!(" ({shown}{more})")
}
