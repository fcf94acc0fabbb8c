//! Checks of `measure_runtime`.

use probe_core::sig;

use crate::check::Check;

pub(crate) fn checks(_f: sig::MeasureRuntime) -> Vec<Check> {
    Vec::new()
}
