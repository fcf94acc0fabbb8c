//! The course's catalog: every exercise declared once, and what is derived
//! from it. It depends on nothing else in the checker, so every part can
//! use it without a cycle.

/// One exercise of the course, declared once in [`course!`]; the lists
/// other parts need (directories and crates, what a "works with your own …"
/// check runs through, which YAML vocabulary a case is read in) are derived
/// from [`CATALOG`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exercise {
    /// Its directory under `exercises/`: `01_wait_n`.
    pub dir: &'static str,
    /// Its crate name: `wait_n`.
    pub krate: &'static str,
    /// The earlier exercises its code calls directly, by directory (through
    /// their probes while checking).
    pub calls: &'static [&'static str],
    /// The vocabulary of its `case:` entries in `checks.yaml`, if it has one.
    pub cases: Option<Vocabulary>,
}

/// The declarative case vocabularies (`course::cases`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocabulary {
    /// wait_n and task_wait_n: waits scripted, order and timing expected.
    Waits,
    /// measure_time: wait_n's time scripted, the average expected.
    MeasureTime,
    /// async_generator: a consumer's schedule, arrivals expected.
    Generator,
}

/// The course, in learning order: **the one place an exercise is
/// declared.** Everything that differs per exercise is generated from these
/// entries by the macro named `$then` (a callback, so each part generates
/// its own items beside its own code):
///
/// - here, [`CATALOG`];
/// - in `subject.rs`, the exercise's [`Subject`](crate::Subject) variant and
///   its struct of function pointers, `Subject::exercise`/`unlinked`, the
///   `link!` that boxes a crate's functions into it, and the registration of
///   a reference solution as "your own" for later exercises' probes;
/// - in `exercises/mod.rs`, the `mod` of its checks module
///   (`checker/src/exercises/<crate>.rs`, which has `checks(s)`, and
///   `cases(s, spec, id)` when it has a vocabulary) and the dispatch to it.
///
/// An entry: `"dir" crate => Variant { calls: [dirs it calls], cases:
/// Vocabulary or none, field: { shape }, … }`. A shape is the function's
/// signature as the subject holds it: `async fn(args) -> T` (boxed future),
/// `fn(args) -> impl Stream<Item = T>` (boxed stream), `fn(args) -> T`,
/// `const NAME: T`, `async fn(name: N, f: impl AsyncFnOnce(..) -> T) -> T`
/// (the body boxed as `subject::Body`), or a limiter `struct Name { fn
/// new(rate: NonZeroU32) -> Self; async fn acquire(&self); }` (see
/// `__shape!` in `subject.rs`). The
/// compiler checks each student crate against its shapes where it is
/// linked. Types are written with their paths (`services::ServiceError`),
/// except `Duration` and `JoinHandle`, which `subject.rs` imports, so an
/// entry needs no other file.
macro_rules! course {
    ($then:ident $($extra:tt)*) => {
        $then! { [$($extra)*]
            /// `00_wait_random`: one random wait (0-basic_async_syntax).
            "00_wait_random" wait_random => WaitRandom {
                calls: [],
                cases: none,
                wait_random: { async fn(max_delay: Duration) -> Duration },
                default_max_delay: { const DEFAULT_MAX_DELAY: Duration },
            }
            /// `01_wait_n`: n waits at once, in completion order (1-concurrent_coroutines).
            "01_wait_n" wait_n => WaitN {
                calls: ["00_wait_random"],
                cases: Waits,
                wait_n: { async fn(n: usize, max_delay: Duration) -> Vec<Duration> },
            }
            /// `02_measure_time`: wait_n's average time (2-measure_runtime).
            "02_measure_time" measure_time => MeasureTime {
                calls: ["01_wait_n"],
                cases: MeasureTime,
                measure_time: { async fn(n: usize, max_delay: Duration) -> Duration },
            }
            /// `03_task_wait_random`: a wait as a spawned task (3-tasks).
            "03_task_wait_random" task_wait_random => TaskWaitRandom {
                calls: ["00_wait_random"],
                cases: none,
                task_wait_random: { fn(max_delay: Duration) -> JoinHandle<Duration> },
            }
            /// `04_task_wait_n`: wait_n with tasks (4-tasks).
            "04_task_wait_n" task_wait_n => TaskWaitN {
                calls: ["03_task_wait_random"],
                cases: Waits,
                task_wait_n: { async fn(n: usize, max_delay: Duration) -> Vec<Duration> },
            }
            /// `05_async_generator`: a lazy stream of ten values (0-async_generator).
            "05_async_generator" async_generator => AsyncGenerator {
                calls: [],
                cases: Generator,
                async_generator: { fn() -> impl Stream<Item = f64> },
            }
            /// `06_async_comprehension`: the stream collected (1-async_comprehension).
            "06_async_comprehension" async_comprehension => AsyncComprehension {
                calls: ["05_async_generator"],
                cases: none,
                async_comprehension: { async fn() -> Vec<f64> },
            }
            /// `07_measure_runtime`: four comprehensions at once (2-measure_runtime).
            "07_measure_runtime" measure_runtime => MeasureRuntime {
                calls: ["06_async_comprehension"],
                cases: none,
                measure_runtime: { async fn() -> Duration },
            }
            /// `08_first_completed`: the first of n waits, the rest cancelled
            /// (lesson 16.3, `asyncio.wait(..., return_when=FIRST_COMPLETED)`).
            "08_first_completed" first_completed => FirstCompleted {
                calls: ["00_wait_random"],
                cases: none,
                first_completed: { async fn(n: usize, max_delay: Duration) -> Option<Duration> },
            }
            /// `09_gather`: every fetch at once, errors kept or the first one
            /// returned at once (Mastering Asynchronous Python 4.2, `gather`).
            "09_gather" gather => Gather {
                calls: [],
                cases: none,
                gather: { async fn(ids: Vec<u32>) -> Vec<Result<String, services::ServiceError>> },
                gather_or_first_error: {
                    async fn(ids: Vec<u32>) -> Result<Vec<String>, services::ServiceError>
                },
            }
            /// `10_retry`: retrying a failed call with exponential backoff
            /// (lesson 16.3, handling exceptions in coroutines).
            "10_retry" retry => Retry {
                calls: [],
                cases: none,
                fetch_with_retry: {
                    async fn(id: u32, attempts: std::num::NonZeroU32, backoff: Duration)
                        -> Result<String, services::ServiceError>
                },
            }
            /// `11_bounded_fetch`: at most `limit` fetches in flight, and never
            /// fewer while ids wait (lesson 16.3, Example 1).
            "11_bounded_fetch" bounded_fetch => BoundedFetch {
                calls: [],
                cases: none,
                bounded_fetch: {
                    async fn(ids: Vec<u32>, limit: std::num::NonZeroUsize)
                        -> Vec<Result<String, services::ServiceError>>
                },
            }
            /// `12_rate_limiter`: a token bucket that wakes when a token is due
            /// and serves callers in order (lesson 16.3, Example 3).
            "12_rate_limiter" rate_limiter => RateLimiter {
                calls: [],
                cases: none,
                rate_limiter: {
                    struct RateLimiter {
                        fn new(rate: std::num::NonZeroU32) -> Self;
                        async fn acquire(&self);
                    }
                },
            }
            /// `13_with_connection`: a connection closed exactly once on every
            /// path, cancellation included (lesson 16.3, `async with`).
            "13_with_connection" with_connection => WithConnection {
                calls: [],
                cases: none,
                with_connection: {
                    async fn(
                        name: &'static str,
                        f: impl AsyncFnOnce(&mut services::Connection)
                            -> Result<String, services::ServiceError>,
                    ) -> Result<String, services::ServiceError>
                },
            }
            /// `14_task_queue`: a producer and a consumer joined by a bounded
            /// channel (lesson 16.3, "create an async task queue system").
            "14_task_queue" task_queue => TaskQueue {
                calls: [],
                cases: none,
                task_queue: {
                    async fn(ids: Vec<u32>, capacity: std::num::NonZeroUsize) -> usize
                },
            }
            /// `15_chat_room`: many clients, whole lines to every other one, a slow
            /// reader cut off (Mastering Asynchronous Python 3.1, the chat server).
            "15_chat_room" chat_room => ChatRoom {
                calls: [],
                cases: none,
                chat_room: {
                    async fn(joins: tokio::sync::mpsc::Receiver<tokio::io::DuplexStream>) -> ()
                },
            }
            // `checker new` adds exercises above this line.
        }
    };
}
pub(crate) use course;

/// The course's own crates that exercises call (`use services::fetch;`):
/// given to students to read, never edited, and probed while checking like
/// an earlier exercise. Each is a directory at the course's root, copied
/// into every build slot and into the student export.
pub const COURSE_CRATES: &[&str] = &["services"];

/// Generates [`CATALOG`] from [`course!`].
macro_rules! catalog {
    ([] $(
        $(#[doc = $doc:literal])*
        $dir:literal $krate:ident => $variant:ident {
            calls: [$($call:literal),* $(,)?],
            cases: $cases:ident,
            $($field:ident: { $($shape:tt)* }),+ $(,)?
        }
    )*) => {
        /// The course, in learning order (declared in [`course!`]).
        pub const CATALOG: &[Exercise] = &[$(
            Exercise {
                dir: $dir,
                krate: stringify!($krate),
                calls: &[$($call),*],
                cases: catalog!(@cases $cases),
            },
        )*];
    };
    (@cases none) => { None };
    (@cases $vocabulary:ident) => { Some(Vocabulary::$vocabulary) };
}

course!(catalog);

/// The exercises in course order: directory name and crate name.
pub const EXERCISES: [(&str, &str); CATALOG.len()] = {
    let mut out = [("", ""); CATALOG.len()];
    let mut i = 0;
    while i < CATALOG.len() {
        out[i] = (CATALOG[i].dir, CATALOG[i].krate);
        i += 1;
    }
    out
};

/// The exercise in directory `dir`.
pub fn exercise(dir: &str) -> Option<&'static Exercise> {
    CATALOG.iter().find(|e| e.dir == dir)
}

/// The exercise a student names on a command line: its number (`1`, `01`),
/// its directory (`01_wait_n`) or its crate (`wait_n`).
pub fn named(name: &str) -> Option<&'static Exercise> {
    let number = name.parse::<usize>().ok().map(|n| format!("{n:02}_"));
    CATALOG.iter().find(|e| {
        e.dir == name || e.krate == name || number.as_deref().is_some_and(|n| e.dir.starts_with(n))
    })
}

/// The earlier exercises a "works with your own …" check of `dir` runs
/// through: what it calls, and what those call, nearest first.
pub fn own_chain(dir: &str) -> Vec<&'static str> {
    let mut chain: Vec<&'static str> = Vec::new();
    let mut next: Vec<&'static str> = exercise(dir).map(|e| e.calls.to_vec()).unwrap_or_default();
    while let Some(earlier) = next.first().copied() {
        next.remove(0);
        if !chain.contains(&earlier) {
            chain.push(earlier);
            next.extend(exercise(earlier).map(|e| e.calls).unwrap_or_default());
        }
    }
    chain
}

/// The crate name of the exercise a source location lies in:
/// `exercises/00_wait_random/src/lib.rs:12:5` → `wait_random`. The location
/// is rustc's path of the file, relative to the workspace, so an exercise's
/// files start with its directory.
pub fn exercise_of(location: &str) -> Option<&'static str> {
    let path = location.replace('\\', "/");
    EXERCISES
        .iter()
        .find(|(dir, _)| {
            path.strip_prefix("exercises/")
                .or_else(|| path.split_once("/exercises/").map(|(_, rest)| rest))
                .and_then(|rest| rest.strip_prefix(dir))
                .is_some_and(|rest| rest.starts_with('/'))
        })
        .map(|(_, krate)| *krate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercises_call_only_earlier_exercises_of_the_catalog() {
        for (i, e) in CATALOG.iter().enumerate() {
            for callee in e.calls {
                let at = CATALOG.iter().position(|c| c.dir == *callee);
                assert!(at.is_some_and(|at| at < i), "{} calls {callee}", e.dir);
            }
        }
    }

    #[test]
    fn locations_name_the_exercise_by_its_directory() {
        assert_eq!(
            exercise_of("exercises/01_wait_n/src/lib.rs:1:1"),
            Some("wait_n")
        );
        assert_eq!(
            exercise_of("/build/exercises/05_async_generator/src/a.rs:1:1"),
            Some("async_generator")
        );
        assert_eq!(exercise_of("exercises/01_wait_nx/src/lib.rs:1:1"), None);
        assert_eq!(exercise_of("checker/probes/wait_n/src/lib.rs:1:1"), None);
    }

    #[test]
    fn own_chains_follow_calls_transitively() {
        assert_eq!(own_chain("00_wait_random"), Vec::<&str>::new());
        assert_eq!(
            own_chain("02_measure_time"),
            ["01_wait_n", "00_wait_random"]
        );
        assert_eq!(
            own_chain("04_task_wait_n"),
            ["03_task_wait_random", "00_wait_random"]
        );
        assert_eq!(
            own_chain("07_measure_runtime"),
            ["06_async_comprehension", "05_async_generator"]
        );
    }
}
