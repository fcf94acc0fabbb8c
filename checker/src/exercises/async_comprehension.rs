//! Checks of `async_comprehension`.

use probe_core::sig;

use crate::check::Check;

pub(crate) fn checks(_f: sig::AsyncComprehension) -> Vec<Check> {
    Vec::new()
}
