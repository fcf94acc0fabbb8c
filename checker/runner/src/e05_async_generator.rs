//! The student's `05_async_generator`, as the checks call it.

pub(crate) fn subject() -> checker::Subject {
    checker::link!(async_generator, async_generator)
}
