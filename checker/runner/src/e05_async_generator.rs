//! The student's `05_async_generator`, as the checks call it.

use checker::Subject;

pub(crate) fn subject() -> Subject {
    Subject::AsyncGenerator(|| Box::pin(async_generator::async_generator()))
}
