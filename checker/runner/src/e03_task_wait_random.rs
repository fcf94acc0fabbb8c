//! The student's `03_task_wait_random`, as the checks call it.

use checker::Subject;

pub(crate) fn subject() -> Subject {
    Subject::TaskWaitRandom(task_wait_random::task_wait_random)
}
