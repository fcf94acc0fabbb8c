//! The student's `02_measure_time`, as the checks call it.

use checker::Subject;

pub(crate) fn subject() -> Subject {
    Subject::MeasureTime(|n, max_delay| Box::pin(measure_time::measure_time(n, max_delay)))
}
