//! The student's `07_measure_runtime`, as the checks call it.

pub(crate) fn subject() -> checker::Subject {
    checker::link!(measure_runtime, measure_runtime)
}
