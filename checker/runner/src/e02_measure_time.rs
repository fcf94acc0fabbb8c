//! The student's `02_measure_time`, as the checks call it.

pub(crate) fn subject() -> checker::Subject {
    checker::link!(measure_time, measure_time)
}
