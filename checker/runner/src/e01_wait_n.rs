//! The student's `01_wait_n`, as the checks call it.

use checker::Subject;

pub(crate) fn subject() -> Subject {
    Subject::WaitN(|n, max_delay| Box::pin(wait_n::wait_n(n, max_delay)))
}
