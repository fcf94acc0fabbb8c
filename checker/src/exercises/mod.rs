//! The course's checks, one module per exercise.

mod async_comprehension;
pub(crate) mod async_generator;
mod measure_runtime;
pub(crate) mod measure_time;
mod task_wait_random;
mod wait_random;
pub(crate) mod waits;

use crate::check::Check;
use crate::subject::Subject;

pub use crate::catalog::{
    CATALOG, EXERCISES, Exercise, Vocabulary, exercise, exercise_of, own_chain,
};

/// Every check of the subject's exercise, hidden ones included.
pub fn checks(subject: Subject) -> Vec<Check> {
    match subject {
        Subject::WaitRandom {
            wait_random,
            default_max_delay,
        } => wait_random::checks(wait_random, default_max_delay),
        Subject::WaitN(f) => waits::checks(f, waits::Flavour::WaitN),
        Subject::MeasureTime(f) => measure_time::checks(f),
        Subject::TaskWaitRandom(f) => task_wait_random::checks(f),
        Subject::TaskWaitN(f) => waits::checks(f, waits::Flavour::TaskWaitN),
        Subject::AsyncGenerator(f) => async_generator::checks(f),
        Subject::AsyncComprehension(f) => async_comprehension::checks(f),
        Subject::MeasureRuntime(f) => measure_runtime::checks(f),
    }
}
