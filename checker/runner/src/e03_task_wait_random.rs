//! The student's `03_task_wait_random`, as the checks call it.

pub(crate) fn subject() -> checker::Subject {
    checker::link!(task_wait_random, task_wait_random)
}
