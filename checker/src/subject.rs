//! The code under check: one exercise's functions, as function pointers.

use std::time::Duration;

use probe_core::sig;

/// The functions of one exercise, wired up by the exercise's
/// `tests/checks.rs` (or the project's fixture runner).
///
/// Each pointer boxes the student's future, e.g.
/// `Subject::WaitN(|n, max| Box::pin(wait_n::wait_n(n, max)))`.
#[derive(Clone, Copy)]
pub enum Subject {
    /// `00_wait_random`.
    WaitRandom {
        /// `wait_random(max_delay)`.
        wait_random: sig::WaitRandom,
        /// `DEFAULT_MAX_DELAY`.
        default_max_delay: Duration,
    },
    /// `01_wait_n`.
    WaitN(sig::WaitN),
    /// `02_measure_time`.
    MeasureTime(sig::MeasureTime),
    /// `03_task_wait_random`.
    TaskWaitRandom(sig::TaskWaitRandom),
    /// `04_task_wait_n`.
    TaskWaitN(sig::WaitN),
    /// `05_async_generator`.
    AsyncGenerator(sig::AsyncGenerator),
    /// `06_async_comprehension`.
    AsyncComprehension(sig::AsyncComprehension),
    /// `07_measure_runtime`.
    MeasureRuntime(sig::MeasureRuntime),
}

impl Subject {
    /// The exercise's directory name, e.g. `01_wait_n`.
    pub fn exercise(&self) -> &'static str {
        match self {
            Subject::WaitRandom { .. } => "00_wait_random",
            Subject::WaitN(_) => "01_wait_n",
            Subject::MeasureTime(_) => "02_measure_time",
            Subject::TaskWaitRandom(_) => "03_task_wait_random",
            Subject::TaskWaitN(_) => "04_task_wait_n",
            Subject::AsyncGenerator(_) => "05_async_generator",
            Subject::AsyncComprehension(_) => "06_async_comprehension",
            Subject::MeasureRuntime(_) => "07_measure_runtime",
        }
    }
}

impl Subject {
    /// A subject with the exercise's shape but no student code behind it:
    /// enough to build its checks and judge observations, as the grading
    /// parent does. Running a scenario on it panics.
    pub fn unlinked(exercise: &str) -> Option<Subject> {
        fn absent() -> ! {
            panic!("the grading parent never runs student code")
        }
        Some(match exercise {
            "00_wait_random" => Subject::WaitRandom {
                wait_random: |_| absent(),
                default_max_delay: Duration::ZERO,
            },
            "01_wait_n" => Subject::WaitN(|_, _| absent()),
            "02_measure_time" => Subject::MeasureTime(|_, _| absent()),
            "03_task_wait_random" => Subject::TaskWaitRandom(|_| absent()),
            "04_task_wait_n" => Subject::TaskWaitN(|_, _| absent()),
            "05_async_generator" => Subject::AsyncGenerator(|| absent()),
            "06_async_comprehension" => Subject::AsyncComprehension(|| absent()),
            "07_measure_runtime" => Subject::MeasureRuntime(|| absent()),
            _ => return None,
        })
    }
}
