//! The few phrasings several formats share, so a student reads the same words
//! in a terminal, a CI summary and Gradescope.

use super::{CheckReport, ExerciseReport, ExerciseStatus};

/// Points as people write them: `3`, `2.5`.
pub(crate) fn points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// A check's message, then `hint: ...` on its own line; either may be
/// empty (a pass, a hidden check), and so may the result.
pub(crate) fn message_and_hint(check: &CheckReport) -> String {
    match (check.message.is_empty(), check.hint.is_empty()) {
        (_, true) => check.message.clone(),
        (true, false) => format!("hint: {}", check.hint),
        (false, false) => format!("{}\nhint: {}", check.message, check.hint),
    }
}

/// Why none of an exercise's checks ran, for formats that list every check;
/// `None` when they did run.
pub(crate) fn not_run(exercise: &ExerciseReport) -> Option<String> {
    match exercise.status {
        ExerciseStatus::CompileError => Some(format!("not run: {} did not compile", exercise.id)),
        ExerciseStatus::NotSubmitted if exercise.message.is_empty() => {
            Some(format!("not run: {} was not submitted", exercise.id))
        }
        ExerciseStatus::NotSubmitted => Some(format!("not run: {}", exercise.message)),
        _ => None,
    }
}
