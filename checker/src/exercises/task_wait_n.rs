//! task_wait_n's checks: those of [`waits`](super::waits), the module
//! `wait_n` and `task_wait_n` share (same ordering and timing, one through
//! tasks).

use super::waits::{self, Flavour};
use crate::check::Check;
use crate::course::cases::{self, CaseSpec};

/// Every check of task_wait_n.
pub(crate) fn checks(s: crate::subject::TaskWaitN) -> Vec<Check> {
    waits::checks(s.task_wait_n, Flavour::TaskWaitN)
}

/// The check a `case:` of `checks.yaml` declares.
pub(crate) fn cases(s: crate::subject::TaskWaitN, spec: &CaseSpec, id: &str) -> Option<Check> {
    match spec {
        CaseSpec::Waits(case) => Some(cases::waits_case(id, case.clone(), s.task_wait_n, Flavour::TaskWaitN)),
        _ => None,
    }
}
