//! Checks of `task_wait_random`.

use probe_core::sig;

use crate::check::Check;

pub(crate) fn checks(_f: sig::TaskWaitRandom) -> Vec<Check> {
    Vec::new()
}
