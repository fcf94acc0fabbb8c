//! The student's `07_measure_runtime`, as the checks call it.

use checker::Subject;

pub(crate) fn subject() -> Subject {
    Subject::MeasureRuntime(|| Box::pin(measure_runtime::measure_runtime()))
}
