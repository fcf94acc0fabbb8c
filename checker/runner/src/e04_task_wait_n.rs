//! The student's `04_task_wait_n`, as the checks call it.

pub(crate) fn subject() -> checker::Subject {
    checker::link!(task_wait_n, task_wait_n)
}
