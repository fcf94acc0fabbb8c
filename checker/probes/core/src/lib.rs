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
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true)
//! #     .build().unwrap().block_on(async {
//! use probe_core::{Mode, Session, Wait, WAIT_RANDOM};
//! let session = Session::new(Mode::Scripted);
//! session.script(WAIT_RANDOM, [Wait::honest(Duration::from_secs(2))]);
//! let _guard = session.install();
//! // ... run the student's wait_n here; it calls the probe, which returns 2s ...
//! assert!(session.records(WAIT_RANDOM).is_empty());
//! # });
//! ```

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::marker::PhantomData;
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
    /// When it was cancelled: its future dropped, or its task aborted,
    /// before it completed. `None` if it completed or is still pending.
    #[serde(default)]
    pub cancelled: Option<Duration>,
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

/// A probe's part of the protocol: what it records per call (`R`) and what a
/// check scripts per call (`S`), under the probe's name. The one thing a new
/// probe adds here is its constant; the session stores every probe's records
/// and scripts by name, so nothing else in this crate changes.
pub struct Probe<R, S> {
    name: &'static str,
    types: PhantomData<fn() -> (R, S)>,
}

impl<R, S> Clone for Probe<R, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R, S> Copy for Probe<R, S> {}

impl<R, S> Probe<R, S> {
    /// The probe named `name` (the crate it stands in for).
    pub const fn new(name: &'static str) -> Self {
        Probe {
            name,
            types: PhantomData,
        }
    }

    /// The crate it stands in for.
    pub const fn name(self) -> &'static str {
        self.name
    }
}

/// `wait_random(max_delay)`: each call recorded, each scripted by a [`Wait`].
pub const WAIT_RANDOM: Probe<Call<Duration, Duration>, Wait> = Probe::new("wait_random");

/// `wait_n(n, max_delay)`: scripted by how long the call takes and the
/// delays it returns (in ascending order). The time is the check's to
/// choose, so a `measure_time` that infers it from the delays shows.
pub const WAIT_N: Probe<WaitNCall, (Duration, Vec<Duration>)> = Probe::new("wait_n");

/// One recorded `wait_n(n, max_delay)` call.
pub type WaitNCall = Call<(usize, Duration), Vec<Duration>>;

/// `task_wait_random(max_delay)`: `started` is when it spawned the task,
/// `ended` when the task finished, awaited or not.
pub const TASK_WAIT_RANDOM: Probe<Call<Duration, Duration>, Wait> = Probe::new("task_wait_random");

/// `async_generator()`: each stream as it was consumed; scripted by its values.
pub const ASYNC_GENERATOR: Probe<StreamRecord, Vec<f64>> = Probe::new("async_generator");

/// `async_comprehension()`: scripted by how long it takes and what it returns.
pub const ASYNC_COMPREHENSION: Probe<Call<(), Vec<f64>>, (Duration, Vec<f64>)> =
    Probe::new("async_comprehension");

/// `services::fetch(id)`: each call recorded; scripted per id by [`Fetch`]es
/// (a call takes the first one queued for its id, so the order in which a
/// student starts the fetches does not matter). Unscripted ids behave as the
/// real `services` crate does.
pub const FETCH: Probe<FetchCall, Fetch> = Probe::new("services::fetch");

/// One recorded `services::fetch(id)` call.
pub type FetchCall = Call<u32, Result<String, services::ServiceError>>;

/// One scripted `fetch`: which id it answers, how long it takes, and what
/// it returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetch {
    /// The id whose next call this answers.
    pub id: u32,
    /// How long the call takes.
    pub latency: Duration,
    /// What it returns.
    pub result: Result<String, services::ServiceError>,
}

impl Fetch {
    /// `fetch(id)` returns `Ok("record {id}")` after `latency`.
    pub fn ok(id: u32, latency: Duration) -> Self {
        Fetch {
            id,
            latency,
            result: Ok(format!("record {id}")),
        }
    }

    /// `fetch(id)` succeeds after `latency`, or, if it `fails`, fails
    /// after it with "timed out": a load's entry, as checks write them.
    pub fn scripted(id: u32, latency: Duration, fails: bool) -> Self {
        if fails {
            Fetch::fails(id, latency, "timed out")
        } else {
            Fetch::ok(id, latency)
        }
    }

    /// `fetch(id)` fails with `reason` after `latency`.
    pub fn fails(id: u32, latency: Duration, reason: &str) -> Self {
        Fetch {
            id,
            latency,
            result: Err(services::ServiceError {
                id,
                reason: reason.to_owned(),
            }),
        }
    }
}

/// `services::store(record)`: each call recorded; scripted by how long each
/// call takes, in call order (unscripted: as the real crate, 50 ms).
pub const STORE: Probe<Call<String, ()>, Duration> = Probe::new("services::store");

/// `services::Connection::open(name)`: each call recorded, returning the
/// connection's number (the index of this record) when it opened; scripted
/// by [`Refusal`]s, in call order (unscripted: as the real crate, 20 ms).
pub const OPEN: Probe<OpenCall, Refusal> = Probe::new("services::Connection::open");

/// One recorded `Connection::open(name)` call: `Ok(number)` when it opened.
pub type OpenCall = Call<String, Result<usize, services::ServiceError>>;

/// A scripted `Connection::open` that fails: after `latency`, with `error`.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// How long the call takes before it fails.
    pub latency: Duration,
    /// What it fails with.
    pub error: services::ServiceError,
}

/// `connection.query(sql)`, by connection number: recorded, never
/// scripted (the real crate answers, in 10 ms). A check's own code is what
/// queries, so it needs no script; the record shows which connection it got.
pub const QUERY: Probe<QueryCall, ()> = Probe::new("services::Connection::query");

/// One recorded `query`: the connection's number and the SQL.
pub type QueryCall = Call<(usize, String), Result<String, services::ServiceError>>;

/// `connection.close()`, by connection number: recorded, never scripted
/// (the real crate closes, in 5 ms).
pub const CLOSE: Probe<Call<usize, ()>, ()> = Probe::new("services::Connection::close");

/// Values of many types under probe names; each name holds one type (its
/// probe's), so a lookup under the wrong type is a bug in a probe or a
/// check, and says so.
#[derive(Default)]
struct ByName(HashMap<&'static str, Box<dyn Any + Send>>);

impl ByName {
    fn get<T: Default + Send + 'static>(&mut self, name: &'static str) -> &mut T {
        self.0
            .entry(name)
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut()
            .unwrap_or_else(|| panic!("probe {name:?} used with two different types"))
    }

    fn peek<T: Clone + Default + 'static>(&self, name: &'static str) -> T {
        self.0
            .get(name)
            .map(|v| {
                v.downcast_ref::<T>()
                    .unwrap_or_else(|| panic!("probe {name:?} used with two different types"))
                    .clone()
            })
            .unwrap_or_default()
    }
}

/// Implementations [`Mode::Own`] calls instead of the crate a probe was
/// built against, by `crate::function` (`"wait_n::wait_n"`).
type Owns = HashMap<&'static str, Arc<dyn Any + Send + Sync>>;

struct State {
    mode: Mode,
    own: Arc<Owns>,
    scripts: ByName,
    log: ByName,
    fallbacks: u64,
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
static DEFAULT_OWN: Mutex<Option<Arc<Owns>>> = Mutex::new(None);

/// Makes every session created from now on call `function` (a function
/// pointer of the exercise's shape) for `name` (`"wait_n::wait_n"`) in
/// [`Mode::Own`].
///
/// For the project's fixture runner, which links each exercise's reference
/// solution beside the wrong ones: "your own wait_random" then means the
/// reference one. Student crates cannot reach this crate, so they cannot
/// call it.
pub fn set_default_own<F: Copy + Send + Sync + 'static>(name: &'static str, function: F) {
    let mut own = DEFAULT_OWN.lock().unwrap_or_else(|e| e.into_inner());
    let mut map = own.as_deref().cloned().unwrap_or_default();
    map.insert(name, Arc::new(function));
    *own = Some(Arc::new(map));
}

/// The function set with [`set_default_own`] for `name`, for a probe
/// called outside any session.
pub fn default_own<F: Copy + 'static>(name: &'static str) -> Option<F> {
    let own = DEFAULT_OWN.lock().unwrap_or_else(|e| e.into_inner());
    let function = own.as_deref()?.get(name)?.clone();
    Some(
        *function.downcast_ref::<F>().unwrap_or_else(|| {
            panic!("the own {name} was set with another type than its probe calls")
        }),
    )
}

/// What a probe built without its `own-crate` feature (as everything in
/// the course builds probes) does when asked for the student's function
/// and no runner registered one: the student's own code calling an earlier
/// exercise outside the checks, which needs that feature.
pub fn unlinked(name: &str) -> ! {
    let krate = name.split("::").next().unwrap_or(name);
    panic!(
        "the course's probe of {name} has no {krate} to call: the checks link your own \
         {krate} themselves, but this build does not; to call it from your own code \
         outside the checks, build with `--features {krate}/own-crate`"
    )
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
        let own = DEFAULT_OWN
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or_default();
        Session {
            origin: Instant::now(),
            state: Arc::new(Mutex::new(State {
                mode,
                own,
                scripts: ByName::default(),
                log: ByName::default(),
                fallbacks: 0,
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

    /// The implementation [`Mode::Own`] calls for `name`
    /// (`"wait_n::wait_n"`) instead of the linked crate, if one was set
    /// with [`set_default_own`].
    pub fn own<F: Copy + 'static>(&self, name: &'static str) -> Option<F> {
        let own = self.lock().own.get(name).cloned()?;
        Some(*own.downcast_ref::<F>().unwrap_or_else(|| {
            panic!("the own {name} was set with another type than its probe calls")
        }))
    }

    /// What the probe returns on its next calls, one per call, in call order.
    pub fn script<R, S: Send + 'static>(
        &self,
        probe: Probe<R, S>,
        calls: impl IntoIterator<Item = S>,
    ) {
        self.lock()
            .scripts
            .get::<VecDeque<S>>(probe.name)
            .extend(calls);
    }

    /// Every record of the probe so far.
    pub fn records<R: Clone + Send + 'static, S>(&self, probe: Probe<R, S>) -> Vec<R> {
        self.lock().log.peek::<Vec<R>>(probe.name)
    }

    /// A deterministic fraction in `[0, 1)` for scripted probes whose script
    /// ran out (the golden-ratio sequence spreads evenly without repeating).
    pub fn fallback_fraction(&self) -> f64 {
        let mut state = self.lock();
        state.fallbacks += 1;
        (state.fallbacks as f64 * 0.618_033_988_749_895).fract()
    }
}

/// A call of a probe, from [`Session::begin`] until [`Session::end`].
/// Held across the probe's awaits, it is dropped with the probe's future:
/// dropped unfinished, it records when the call was cancelled, which is how
/// a check sees that the student dropped a future or aborted a task.
#[must_use = "finish the call with Session::end, or it is recorded as cancelled"]
pub struct Begun<A: Send + 'static, T: Send + 'static, S> {
    session: Session,
    probe: Probe<Call<A, T>, S>,
    index: usize,
    ended: bool,
}

impl<A: Send + 'static, T: Send + 'static, S> Begun<A, T, S> {
    /// The index of the call's record among the probe's records.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl<A: Send + 'static, T: Send + 'static, S> Drop for Begun<A, T, S> {
    fn drop(&mut self) {
        // A runtime torn down with the call pending is no cancellation by
        // the student, and its clock is gone.
        if self.ended || tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let now = self.session.now();
        self.session.update(self.probe, self.index, |call| {
            call.cancelled = Some(now);
        });
    }
}

/// What a probe should do for one call.
pub enum Plan<T> {
    /// Call the student's code.
    Own,
    /// Return this value (after the probe's scripted wait).
    Scripted(T),
}

/// The probes' side of the protocol.
impl Session {
    /// Plans one call of the probe: the student's own code in [`Mode::Own`],
    /// else the next scripted value, or `fallback`'s once the script ran out.
    pub fn plan<R, S: Send + 'static>(
        &self,
        probe: Probe<R, S>,
        fallback: impl FnOnce(&Session) -> S,
    ) -> Plan<S> {
        if self.mode() == Mode::Own {
            return Plan::Own;
        }
        let next = self
            .lock()
            .scripts
            .get::<VecDeque<S>>(probe.name)
            .pop_front();
        Plan::Scripted(next.unwrap_or_else(|| fallback(self)))
    }

    /// Takes the first script entry of the probe that `matching` accepts,
    /// leaving the others queued; `None` when there is none (the probe then
    /// behaves as the real crate does). Unlike [`Session::plan`], this does
    /// not depend on the mode: a course crate is never the student's own.
    pub fn take_script<R, S: Send + 'static>(
        &self,
        probe: Probe<R, S>,
        matching: impl Fn(&S) -> bool,
    ) -> Option<S> {
        let mut state = self.lock();
        let queue = state.scripts.get::<VecDeque<S>>(probe.name);
        let at = queue.iter().position(matching)?;
        queue.remove(at)
    }

    /// Adds a record; returns its index for [`Session::update`].
    pub fn record<R: Send + 'static, S>(&self, probe: Probe<R, S>, record: R) -> usize {
        let mut state = self.lock();
        let log = state.log.get::<Vec<R>>(probe.name);
        log.push(record);
        log.len() - 1
    }

    /// Changes record `index` of the probe.
    pub fn update<R: Send + 'static, S>(
        &self,
        probe: Probe<R, S>,
        index: usize,
        change: impl FnOnce(&mut R),
    ) {
        change(&mut self.lock().log.get::<Vec<R>>(probe.name)[index]);
    }

    /// Records the start of a call, now. [`Session::end`] finishes it; if
    /// the returned [`Begun`] is dropped first (the probe's future dropped,
    /// its task aborted), the call is recorded as cancelled at that moment.
    pub fn begin<A: Send + 'static, T: Send + 'static, S>(
        &self,
        probe: Probe<Call<A, T>, S>,
        args: A,
    ) -> Begun<A, T, S> {
        let started = self.now();
        let index = self.record(
            probe,
            Call {
                args,
                started,
                ended: None,
                returned: None,
                cancelled: None,
            },
        );
        Begun {
            session: self.clone(),
            probe,
            index,
            ended: false,
        }
    }

    /// Records that the call returned `value`, now.
    pub fn end<A: Send + 'static, T: Send + 'static, S>(&self, mut call: Begun<A, T, S>, value: T) {
        let now = self.now();
        call.ended = true;
        self.update(call.probe, call.index, |call| {
            call.ended = Some(now);
            call.returned = Some(value);
        });
    }

    /// A wait spread over `[0, max_delay)`, for a script that ran out.
    pub fn fallback_wait(&self, max_delay: Duration) -> Wait {
        Wait::honest(max_delay.mul_f64(self.fallback_fraction()))
    }
}
