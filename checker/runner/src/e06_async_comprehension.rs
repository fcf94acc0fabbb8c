//! The student's `06_async_comprehension`, as the checks call it.

pub(crate) fn subject() -> checker::Subject {
    checker::link!(async_comprehension, async_comprehension)
}
