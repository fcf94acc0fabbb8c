//! The student's `06_async_comprehension`, as the checks call it.

use checker::Subject;

pub(crate) fn subject() -> Subject {
    Subject::AsyncComprehension(|| Box::pin(async_comprehension::async_comprehension()))
}
