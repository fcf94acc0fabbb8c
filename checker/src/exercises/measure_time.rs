//! Checks of `measure_time`.

use probe_core::sig;

use crate::check::Check;

pub(crate) fn checks(_f: sig::MeasureTime) -> Vec<Check> {
    Vec::new()
}
