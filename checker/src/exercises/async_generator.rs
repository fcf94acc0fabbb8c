//! Checks of `async_generator`.

use probe_core::sig;

use crate::check::Check;

pub(crate) fn checks(_f: sig::AsyncGenerator) -> Vec<Check> {
    Vec::new()
}
