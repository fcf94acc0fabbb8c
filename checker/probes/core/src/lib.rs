//! The probe protocol: what the course's stand-ins for earlier exercises
//! record, and what a check can script them to do.
//!
//! While a later exercise is built, `use wait_random::wait_random;` in the
//! student's code resolves to the crate `probe-wait-random`, not to the
//! student's `exercises/00_wait_random` (see the exercise's `Cargo.toml`).
//! Outside a check a probe simply calls the student's own function, so their
//! program behaves as written. Inside a check, a [`Session`] is installed on
//! the check's thread: every probe call is then recorded in runtime time, and
//! the check decides whether the probe calls the student's own code
//! ([`Mode::Own`]) or returns values the check chose ([`Mode::Scripted`]), so
//! that ordering and concurrency are asserted on known values and a broken
//! earlier exercise cannot fail a later one.
//!
//! ```
//! use std::time::Duration;
//! use probe_core::{Mode, Session};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true)
//! #     .build().unwrap().block_on(async {
//! let session = Session::new(Mode::Scripted);
//! session.script_wait_random([Duration::from_secs(2)]);
//! let _guard = session.install();
//! // ... run the student's wait_n here; it calls the probe, which returns 2s ...
//! assert!(session.wait_random_calls().is_empty());
//! # });
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The exercise signatures as function pointers, so a check, a probe and the
/// project's fixture runner can all name "some implementation of wait_n".
///
/// The futures are `Send` because a student may hand them to
/// `tokio::spawn` (task_wait_random does exactly that).
pub mod sig {
    use super::*;
    /// `wait_random(max_delay)`.
    pub type WaitRandom = fn(Duration) -> BoxFuture<'static, Duration>;
    /// `wait_n(n, max_delay)`.
    pub type WaitN = fn(usize, Duration) -> BoxFuture<'static, Vec<Duration>>;
    /// `measure_time(n, max_delay)`.
    pub type MeasureTime = fn(usize, Duration) -> BoxFuture<'static, Duration>;
    /// `task_wait_random(max_delay)`.
    pub type TaskWaitRandom = fn(Duration) -> JoinHandle<Duration>;
    /// `async_generator()`.
    pub type AsyncGenerator = fn() -> BoxStream<'static, f64>;
    /// `async_comprehension()` and `measure_runtime()` share a shape.
    pub type AsyncComprehension = fn() -> BoxFuture<'static, Vec<f64>>;
    /// `measure_runtime()`.
    pub type MeasureRuntime = fn() -> BoxFuture<'static, Duration>;
}

/// Whether probes run the student's own earlier function or the check's script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Call the student's own earlier function (recording the call).
    Own,
    /// Return the values the check scripted; once a script runs out, return
    /// deterministic values spread over the allowed range.
    Scripted,
}

/// One recorded call of a probed function, in runtime time since the
/// session was created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call<A, R> {
    /// The arguments the student passed.
    pub args: A,
    /// When the call's future was first polled.
    pub started: Duration,
    /// When it completed; `None` if it never did (dropped or still pending).
    pub ended: Option<Duration>,
    /// What it returned, if it completed.
    pub returned: Option<R>,
}

/// A stream returned by the `async_generator` probe, as it was consumed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StreamRecord {
    /// When `async_generator()` was called.
    pub created: Duration,
    /// Every value delivered: when it was requested and when it arrived.
    pub items: Vec<Item>,
    /// When the stream reported its end, if it was polled that far.
    pub finished: Option<Duration>,
}

/// One value of a probed stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// When the consumer asked for it (first poll after the previous value).
    pub requested: Duration,
    /// When it was delivered.
    pub delivered: Duration,
    /// The value.
    pub value: f64,
}

/// Student implementations the probes call in [`Mode::Own`] instead of the
/// crate they were built against. The project's fixture runner sets these to
/// the reference solutions; students and the grader leave them unset.
#[derive(Clone, Copy, Default)]
pub struct Own {
    /// Replaces the student's `wait_random`.
    pub wait_random: Option<sig::WaitRandom>,
    /// Replaces the student's `wait_n`.
    pub wait_n: Option<sig::WaitN>,
    /// Replaces the student's `task_wait_random`.
    pub task_wait_random: Option<sig::TaskWaitRandom>,
    /// Replaces the student's `async_generator`.
    pub async_generator: Option<sig::AsyncGenerator>,
    /// Replaces the student's `async_comprehension`.
    pub async_comprehension: Option<sig::AsyncComprehension>,
}

/// One scripted wait: how long the probe waits, and what it then returns.
///
/// The two differ when a check needs to tell "in the order the waits
/// completed" from "in order of the values" (SPEC.md, wait_n): with equal
/// values both orders coincide, and a solution that orders by value could
/// not be told apart from one that collects results as they complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    /// How long the probe waits before returning.
    pub wait: Duration,
    /// What it returns.
    pub value: Duration,
}

impl Wait {
    /// Waits `delay` and returns it, as the exercise itself does.
    pub fn honest(delay: Duration) -> Self {
        Wait {
            wait: delay,
            value: delay,
        }
    }
}

#[derive(Default)]
struct Scripts {
    wait_random: VecDeque<Wait>,
    wait_n: VecDeque<(Duration, Vec<Duration>)>,
    task_wait_random: VecDeque<Wait>,
    async_generator: VecDeque<Vec<f64>>,
    async_comprehension: VecDeque<(Duration, Vec<f64>)>,
}

#[derive(Default)]
struct Log {
    wait_random: Vec<Call<Duration, Duration>>,
    wait_n: Vec<Call<(usize, Duration), Vec<Duration>>>,
    task_wait_random: Vec<Call<Duration, Duration>>,
    async_generator: Vec<StreamRecord>,
    async_comprehension: Vec<Call<(), Vec<f64>>>,
    fallbacks: u64,
}

struct State {
    mode: Mode,
    own: Own,
    scripts: Scripts,
    log: Log,
}

/// The probes' state for one check: its mode, scripts and call log.
///
/// Shared behind an `Arc<Mutex>` (never locked across an `.await`) so the
/// futures probes return stay `Send`.
#[derive(Clone)]
pub struct Session {
    origin: Instant,
    state: Arc<Mutex<State>>,
}

/// What [`Mode::Own`] calls in every new session of this process.
static DEFAULT_OWN: Mutex<Own> = Mutex::new(Own {
    wait_random: None,
    wait_n: None,
    task_wait_random: None,
    async_generator: None,
    async_comprehension: None,
});

/// Makes every session created from now on call `own` in [`Mode::Own`].
///
/// For the project's fixture runner, which links each exercise's reference
/// solution beside the wrong ones: "your own wait_random" then means the
/// reference one. Student crates cannot reach this crate, so they cannot
/// call it.
pub fn set_default_own(own: Own) {
    *DEFAULT_OWN.lock().unwrap_or_else(|e| e.into_inner()) = own;
}

thread_local! {
    static CURRENT: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// The session installed on this thread, if a check is running here.
pub fn current() -> Option<Session> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Uninstalls the session when dropped.
#[must_use = "the session is uninstalled when the guard is dropped"]
pub struct Installed(());

impl Drop for Installed {
    fn drop(&mut self) {
        CURRENT.with(|c| c.borrow_mut().take());
    }
}

impl Session {
    /// A session whose clock starts now. Call inside a tokio runtime.
    pub fn new(mode: Mode) -> Self {
        Session {
            origin: Instant::now(),
            state: Arc::new(Mutex::new(State {
                mode,
                own: *DEFAULT_OWN.lock().unwrap_or_else(|e| e.into_inner()),
                scripts: Scripts::default(),
                log: Log::default(),
            })),
        }
    }

    /// Makes probes on this thread use this session until the guard drops.
    ///
    /// Checks run on a `current_thread` runtime, so every task the student
    /// spawns runs on this thread too and sees the session.
    pub fn install(&self) -> Installed {
        CURRENT.with(|c| *c.borrow_mut() = Some(self.clone()));
        Installed(())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in student code never happens while this lock is held, but
        // a poisoned log is still a usable log.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runtime time since the session started.
    pub fn now(&self) -> Duration {
        Instant::now() - self.origin
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.lock().mode
    }

    /// Switches between the student's own code and scripted values.
    pub fn set_mode(&self, mode: Mode) {
        self.lock().mode = mode;
    }

    /// The implementations [`Mode::Own`] calls instead of the linked crates.
    pub fn set_own(&self, own: Own) {
        self.lock().own = own;
    }

    /// The overrides set by [`Session::set_own`].
    pub fn own(&self) -> Own {
        self.lock().own
    }

    /// Delays the `wait_random` probe waits and returns, one per call, in
    /// call order.
    pub fn script_wait_random(&self, delays: impl IntoIterator<Item = Duration>) {
        self.script_wait_random_waits(delays.into_iter().map(Wait::honest));
    }

    /// Like [`Session::script_wait_random`], but each call may return a
    /// value other than the time it waited.
    pub fn script_wait_random_waits(&self, waits: impl IntoIterator<Item = Wait>) {
        self.lock().scripts.wait_random.extend(waits);
    }

    /// Results of `wait_n` calls: each call takes the given time and returns
    /// the delays in ascending order. The time is the check's to choose, so
    /// a `measure_time` that infers it from the delays instead of measuring
    /// shows.
    pub fn script_wait_n(&self, calls: impl IntoIterator<Item = (Duration, Vec<Duration>)>) {
        self.lock().scripts.wait_n.extend(calls);
    }

    /// Delays the tasks made by the `task_wait_random` probe wait and return.
    pub fn script_task_wait_random(&self, delays: impl IntoIterator<Item = Duration>) {
        self.script_task_wait_random_waits(delays.into_iter().map(Wait::honest));
    }

    /// Like [`Session::script_task_wait_random`], but each task may return a
    /// value other than the time it waited.
    pub fn script_task_wait_random_waits(&self, waits: impl IntoIterator<Item = Wait>) {
        self.lock().scripts.task_wait_random.extend(waits);
    }

    /// The values of each stream the `async_generator` probe returns.
    pub fn script_async_generator(&self, streams: impl IntoIterator<Item = Vec<f64>>) {
        self.lock().scripts.async_generator.extend(streams);
    }

    /// How long each `async_comprehension` call takes and what it returns.
    pub fn script_async_comprehension(
        &self,
        calls: impl IntoIterator<Item = (Duration, Vec<f64>)>,
    ) {
        self.lock().scripts.async_comprehension.extend(calls);
    }

    /// Every `wait_random` call so far.
    pub fn wait_random_calls(&self) -> Vec<Call<Duration, Duration>> {
        self.lock().log.wait_random.clone()
    }

    /// Every `wait_n` call so far.
    pub fn wait_n_calls(&self) -> Vec<Call<(usize, Duration), Vec<Duration>>> {
        self.lock().log.wait_n.clone()
    }

    /// Every `task_wait_random` call so far: `started` is when it spawned
    /// the task, `ended` when the task finished.
    pub fn task_wait_random_calls(&self) -> Vec<Call<Duration, Duration>> {
        self.lock().log.task_wait_random.clone()
    }

    /// Every stream made by `async_generator` so far.
    pub fn streams(&self) -> Vec<StreamRecord> {
        self.lock().log.async_generator.clone()
    }

    /// Every `async_comprehension` call so far.
    pub fn async_comprehension_calls(&self) -> Vec<Call<(), Vec<f64>>> {
        self.lock().log.async_comprehension.clone()
    }

    /// A deterministic fraction in `[0, 1)` for scripted probes whose script
    /// ran out (the golden-ratio sequence spreads evenly without repeating).
    fn fallback_fraction(&self) -> f64 {
        let mut state = self.lock();
        state.log.fallbacks += 1;
        (state.log.fallbacks as f64 * 0.618_033_988_749_895).fract()
    }
}

/// What a probe should do for one call.
pub enum Plan<T> {
    /// Call the student's code.
    Own,
    /// Return this value (after the probe's scripted wait).
    Scripted(T),
}

macro_rules! record_call {
    ($begin:ident, $end:ident, $field:ident, $args:ty, $ret:ty) => {
        /// Records the start of a call; returns its index for the matching end.
        pub fn $begin(&self, args: $args) -> usize {
            let now = self.now();
            let mut state = self.lock();
            state.log.$field.push(Call {
                args,
                started: now,
                ended: None,
                returned: None,
            });
            state.log.$field.len() - 1
        }

        /// Records that call `index` returned `value`.
        pub fn $end(&self, index: usize, value: $ret) {
            let now = self.now();
            let mut state = self.lock();
            let call = &mut state.log.$field[index];
            call.ended = Some(now);
            call.returned = Some(value);
        }
    };
}

/// The probes' side of the protocol.
impl Session {
    record_call!(
        begin_wait_random,
        end_wait_random,
        wait_random,
        Duration,
        Duration
    );
    record_call!(
        begin_wait_n,
        end_wait_n,
        wait_n,
        (usize, Duration),
        Vec<Duration>
    );
    record_call!(begin_task, end_task, task_wait_random, Duration, Duration);
    record_call!(
        begin_comprehension,
        end_comprehension,
        async_comprehension,
        (),
        Vec<f64>
    );

    /// Plans one `wait_random(max_delay)` call.
    pub fn plan_wait_random(&self, max_delay: Duration) -> Plan<Wait> {
        if self.mode() == Mode::Own {
            return Plan::Own;
        }
        let next = self.lock().scripts.wait_random.pop_front();
        Plan::Scripted(next.unwrap_or_else(|| self.fallback_wait(max_delay)))
    }

    fn fallback_wait(&self, max_delay: Duration) -> Wait {
        Wait::honest(max_delay.mul_f64(self.fallback_fraction()))
    }

    /// Plans one `wait_n(n, max_delay)` call.
    pub fn plan_wait_n(&self, n: usize, max_delay: Duration) -> Plan<(Duration, Vec<Duration>)> {
        if self.mode() == Mode::Own {
            return Plan::Own;
        }
        let next = self.lock().scripts.wait_n.pop_front();
        Plan::Scripted(next.unwrap_or_else(|| {
            let delays: Vec<Duration> = (0..n)
                .map(|_| max_delay.mul_f64(self.fallback_fraction()))
                .collect();
            (delays.iter().copied().max().unwrap_or_default(), delays)
        }))
    }

    /// Plans one `task_wait_random(max_delay)` call.
    pub fn plan_task(&self, max_delay: Duration) -> Plan<Wait> {
        if self.mode() == Mode::Own {
            return Plan::Own;
        }
        let next = self.lock().scripts.task_wait_random.pop_front();
        Plan::Scripted(next.unwrap_or_else(|| self.fallback_wait(max_delay)))
    }

    /// Plans one `async_generator()` call: its values, and the index of its
    /// record for [`Session::item`] and [`Session::finish_stream`].
    pub fn plan_stream(&self) -> (usize, Plan<Vec<f64>>) {
        let created = self.now();
        let plan = if self.mode() == Mode::Own {
            Plan::Own
        } else {
            let next = self.lock().scripts.async_generator.pop_front();
            Plan::Scripted(
                next.unwrap_or_else(|| (0..10).map(|_| 10.0 * self.fallback_fraction()).collect()),
            )
        };
        let mut state = self.lock();
        state.log.async_generator.push(StreamRecord {
            created,
            ..StreamRecord::default()
        });
        (state.log.async_generator.len() - 1, plan)
    }

    /// Records a value of stream `index` requested at `requested`.
    pub fn item(&self, index: usize, requested: Duration, value: f64) {
        let delivered = self.now();
        self.lock().log.async_generator[index].items.push(Item {
            requested,
            delivered,
            value,
        });
    }

    /// Records that stream `index` reported its end.
    pub fn finish_stream(&self, index: usize) {
        let now = self.now();
        self.lock().log.async_generator[index]
            .finished
            .get_or_insert(now);
    }

    /// Plans one `async_comprehension()` call: how long it takes and what it
    /// returns.
    pub fn plan_comprehension(&self) -> Plan<(Duration, Vec<f64>)> {
        if self.mode() == Mode::Own {
            return Plan::Own;
        }
        let next = self.lock().scripts.async_comprehension.pop_front();
        Plan::Scripted(next.unwrap_or_else(|| {
            let values = (0..10).map(|_| 10.0 * self.fallback_fraction()).collect();
            (Duration::from_secs(10), values)
        }))
    }
}
