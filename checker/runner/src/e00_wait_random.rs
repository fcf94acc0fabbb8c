//! The student's `00_wait_random`, as the checks call it.

pub(crate) fn subject() -> checker::Subject {
    checker::link!(wait_random, wait_random)
}
