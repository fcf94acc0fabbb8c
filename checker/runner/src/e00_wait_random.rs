//! The student's `00_wait_random`, as the checks call it.

use checker::Subject;

pub(crate) fn subject() -> Subject {
    Subject::WaitRandom {
        wait_random: |max_delay| Box::pin(wait_random::wait_random(max_delay)),
        default_max_delay: wait_random::DEFAULT_MAX_DELAY,
    }
}
