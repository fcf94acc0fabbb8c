//! The code under check: one exercise's functions, as function pointers.

use std::time::Duration;

use probe_core::sig;

/// The functions of one exercise, wired up by the exercise's
/// `tests/checks.rs` (or the project's fixture runner).
///
/// Each pointer boxes the student's future, e.g.
/// `Subject::WaitN(|n, max| Box::pin(wait_n::wait_n(n, max)))`.
#[derive(Clone, Copy)]
pub enum Subject {
    /// `00_wait_random`.
    WaitRandom {
        /// `wait_random(max_delay)`.
        wait_random: sig::WaitRandom,
        /// `DEFAULT_MAX_DELAY`.
        default_max_delay: Duration,
    },
    /// `01_wait_n`.
    WaitN(sig::WaitN),
    /// `02_measure_time`.
    MeasureTime(sig::MeasureTime),
    /// `03_task_wait_random`.
    TaskWaitRandom(sig::TaskWaitRandom),
    /// `04_task_wait_n`.
    TaskWaitN(sig::WaitN),
    /// `05_async_generator`.
    AsyncGenerator(sig::AsyncGenerator),
    /// `06_async_comprehension`.
    AsyncComprehension(sig::AsyncComprehension),
    /// `07_measure_runtime`.
    MeasureRuntime(sig::MeasureRuntime),
}

impl Subject {
    /// The exercise's directory name, e.g. `01_wait_n`.
    pub fn exercise(&self) -> &'static str {
        match self {
            Subject::WaitRandom { .. } => "00_wait_random",
            Subject::WaitN(_) => "01_wait_n",
            Subject::MeasureTime(_) => "02_measure_time",
            Subject::TaskWaitRandom(_) => "03_task_wait_random",
            Subject::TaskWaitN(_) => "04_task_wait_n",
            Subject::AsyncGenerator(_) => "05_async_generator",
            Subject::AsyncComprehension(_) => "06_async_comprehension",
            Subject::MeasureRuntime(_) => "07_measure_runtime",
        }
    }
}

impl Subject {
    /// A subject with the exercise's shape but no student code behind it:
    /// enough to build its checks and judge observations, as the grading
    /// parent does. Running a scenario on it panics.
    pub fn unlinked(exercise: &str) -> Option<Subject> {
        fn absent() -> ! {
            panic!("the grading parent never runs student code")
        }
        Some(match exercise {
            "00_wait_random" => Subject::WaitRandom {
                wait_random: |_| absent(),
                default_max_delay: Duration::ZERO,
            },
            "01_wait_n" => Subject::WaitN(|_, _| absent()),
            "02_measure_time" => Subject::MeasureTime(|_, _| absent()),
            "03_task_wait_random" => Subject::TaskWaitRandom(|_| absent()),
            "04_task_wait_n" => Subject::TaskWaitN(|_, _| absent()),
            "05_async_generator" => Subject::AsyncGenerator(|| absent()),
            "06_async_comprehension" => Subject::AsyncComprehension(|| absent()),
            "07_measure_runtime" => Subject::MeasureRuntime(|| absent()),
            _ => return None,
        })
    }
}

/// The [`Subject`] of exercise `$exercise` (its crate name) from the crate
/// or module `$m` that implements it: `checker::link!(wait_n, wait_n)`.
///
/// The one place that knows how each exercise's functions are boxed into a
/// subject; the grading runner, each exercise's `tests/checks.rs` and the
/// project's fixture runner all wire through it. An exercise it does not
/// know is a compile error; `link!(? name, m)` gives an `Option` instead,
/// `None` for an exercise not in the course yet (the fixture runner's case,
/// which `checker verify` then reports).
#[macro_export]
macro_rules! link {
    (? $exercise:ident, $m:path) => {
        $crate::__link!(maybe $exercise, $m)
    };
    ($exercise:ident, $m:path) => {
        $crate::__link!(exact $exercise, $m)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __link {
    ($mode:ident wait_random, $m:path) => {
        $crate::__link!(@$mode {
            use $m as m;
            $crate::Subject::WaitRandom {
                wait_random: |max_delay| ::std::boxed::Box::pin(m::wait_random(max_delay)),
                default_max_delay: m::DEFAULT_MAX_DELAY,
            }
        })
    };
    ($mode:ident wait_n, $m:path) => {
        $crate::__link!(@$mode {
            use $m as m;
            $crate::Subject::WaitN(|n, max_delay| ::std::boxed::Box::pin(m::wait_n(n, max_delay)))
        })
    };
    ($mode:ident measure_time, $m:path) => {
        $crate::__link!(@$mode {
            use $m as m;
            $crate::Subject::MeasureTime(|n, max_delay| {
                ::std::boxed::Box::pin(m::measure_time(n, max_delay))
            })
        })
    };
    ($mode:ident task_wait_random, $m:path) => {
        $crate::__link!(@$mode {
            use $m as m;
            $crate::Subject::TaskWaitRandom(m::task_wait_random)
        })
    };
    ($mode:ident task_wait_n, $m:path) => {
        $crate::__link!(@$mode {
            use $m as m;
            $crate::Subject::TaskWaitN(|n, max_delay| {
                ::std::boxed::Box::pin(m::task_wait_n(n, max_delay))
            })
        })
    };
    ($mode:ident async_generator, $m:path) => {
        $crate::__link!(@$mode {
            use $m as m;
            $crate::Subject::AsyncGenerator(|| ::std::boxed::Box::pin(m::async_generator()))
        })
    };
    ($mode:ident async_comprehension, $m:path) => {
        $crate::__link!(@$mode {
            use $m as m;
            $crate::Subject::AsyncComprehension(|| ::std::boxed::Box::pin(m::async_comprehension()))
        })
    };
    ($mode:ident measure_runtime, $m:path) => {
        $crate::__link!(@$mode {
            use $m as m;
            $crate::Subject::MeasureRuntime(|| ::std::boxed::Box::pin(m::measure_runtime()))
        })
    };
    (maybe $other:ident, $m:path) => {
        ::std::option::Option::None::<$crate::Subject>
    };
    (exact $other:ident, $m:path) => {
        ::std::compile_error!(::std::concat!(
            "checker::link!: the course has no exercise `",
            ::std::stringify!($other),
            "` (add it to checker/src/subject.rs)"
        ))
    };
    (@exact $subject:block) => {
        $subject
    };
    (@maybe $subject:block) => {
        ::std::option::Option::Some($subject)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every exercise of the catalog has a subject, and each subject names
    /// its own exercise: the enum and the catalog cannot drift apart.
    #[test]
    fn every_catalog_exercise_has_its_subject() {
        for exercise in crate::exercises::CATALOG {
            let subject = Subject::unlinked(exercise.dir);
            assert_eq!(subject.map(|s| s.exercise()), Some(exercise.dir));
        }
    }
}
