//! The student's `04_task_wait_n`, as the checks call it.

use checker::Subject;

pub(crate) fn subject() -> Subject {
    Subject::TaskWaitN(|n, max_delay| Box::pin(task_wait_n::task_wait_n(n, max_delay)))
}
