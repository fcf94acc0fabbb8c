//! The student's `01_wait_n`, as the checks call it.

pub(crate) fn subject() -> checker::Subject {
    checker::link!(wait_n, wait_n)
}
