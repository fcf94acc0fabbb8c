//! Checks of `14_task_queue`.
//!
//! Every fetch and store is scripted and recorded, so one exact model of
//! the pipeline (a producer that fetches in order and sends into a channel
//! of `capacity`, a consumer that stores one record at a time) says when
//! each call should start; each check judges one aspect of it.

use std::num::NonZeroUsize;
use std::time::Duration;

use futures::future::BoxFuture;
use probe_core::{Call, FETCH, Fetch, FetchCall, Mode, STORE, Session};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

use super::aspects::{Modelled, aspect_check, property_check};
use crate::check::{Check, Failure, Site};
use crate::scenario::{CALL_LIMIT, call, paused};
use crate::show::{durations, secs};

type TaskQueue = fn(Vec<u32>, NonZeroUsize) -> BoxFuture<'static, usize>;

/// What a check asks: the capacity, each id's fetch (in order: id,
/// latency, fails), and how long each store takes, in store order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Load {
    capacity: usize,
    fetches: Vec<(u32, Duration, bool)>,
    stores: Vec<Duration>,
}

/// When each call should start, and when the queue should return.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Model {
    fetch_starts: Vec<Duration>,
    /// The records stored, in order, with when each store starts.
    stores: Vec<(String, Duration)>,
    returns: Duration,
}

impl Load {
    fn ids(&self) -> Vec<u32> {
        self.fetches.iter().map(|f| f.0).collect()
    }

    fn call(&self) -> String {
        format!("task_queue({:?}, {})", self.ids(), self.capacity)
    }

    fn describe(&self) -> String {
        let failing: Vec<u32> = self.fetches.iter().filter(|f| f.2).map(|f| f.0).collect();
        let latencies: Vec<Duration> = self.fetches.iter().map(|f| f.1).collect();
        let fails = match failing.as_slice() {
            [] => String::new(),
            ids => format!(", failing for {ids:?}"),
        };
        format!(
            "{} with fetches taking {}{fails}, and stores taking {}",
            self.call(),
            durations(&latencies),
            durations(&self.stores)
        )
    }

    fn script(&self) -> Vec<Fetch> {
        self.fetches
            .iter()
            .map(|&(id, latency, fails)| Fetch::scripted(id, latency, fails))
            .collect()
    }

    /// The pipeline, exactly. Record `j` (the j-th fetch that succeeds) is
    /// fetched at `F[j]`. A producer that fetches, then sends, completes
    /// its send once the channel has room, when record `j - capacity` was
    /// received: `S[j] = max(F[j], R[j - capacity])`, and starts the next
    /// fetch then. One that reserves a slot before each fetch
    /// (`tx.reserve()`) starts fetching record `j` only at `R[j -
    /// capacity]`, and sends it the moment it is fetched. Either way the
    /// consumer receives it once it is sent and the previous store ended:
    /// `R[j] = max(S[j], E[j - 1])`, and stores it until `E[j]`.
    fn model(&self, producer: Producer) -> Model {
        let mut free = Duration::ZERO;
        let mut fetch_starts = Vec::new();
        let mut received: Vec<Duration> = Vec::new();
        let mut ended: Vec<Duration> = Vec::new();
        let mut stores = Vec::new();
        // When the channel has room for record `j`.
        let room = |received: &[Duration], j: usize, after: Duration| match j
            .checked_sub(self.capacity)
        {
            Some(k) => after.max(received[k]),
            None => after,
        };
        for &(id, latency, fails) in &self.fetches {
            let j = received.len();
            let start = match producer {
                Producer::FetchesThenSends => free,
                Producer::ReservesFirst => room(&received, j, free),
            };
            fetch_starts.push(start);
            let fetched = start + latency;
            if fails {
                free = fetched;
                continue;
            }
            let sent = match producer {
                Producer::FetchesThenSends => room(&received, j, fetched),
                Producer::ReservesFirst => fetched,
            };
            let stored = sent.max(ended.last().copied().unwrap_or_default());
            let store = self.stores.get(j).copied().unwrap_or(UNSCRIPTED_STORE);
            received.push(stored);
            ended.push(stored + store);
            stores.push((format!("record {id}"), stored));
            free = sent;
        }
        Model {
            fetch_starts,
            stores,
            returns: free.max(ended.last().copied().unwrap_or_default()),
        }
    }
}

/// The two producers the checks accept: both send each record into the
/// channel in order and keep at most `capacity + 1` fetched records
/// waiting, and neither waits longer than the channel makes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Producer {
    /// `fetch(id).await`, then `tx.send(record).await` (the README's way).
    FetchesThenSends,
    /// `tx.reserve().await`, then `fetch(id).await`, then `permit.send`.
    ReservesFirst,
}

/// How long a store takes when the script ran out (the real crate's).
const UNSCRIPTED_STORE: Duration = Duration::from_millis(50);

/// One call of `task_queue`, and every fetch and store it made, watched
/// for a minute after it returned.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Queued {
    load: Load,
    returned: usize,
    elapsed: Duration,
    fetches: Vec<FetchCall>,
    stores: Vec<Call<String, ()>>,
}

/// What a check looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aspect {
    /// Every record that was fetched stored, in order, and the count returned.
    Stored,
    /// Every id fetched once, in order, one at a time.
    Fetched,
    /// Each fetch and store starting when the model says: neither task
    /// waits longer than the channel makes it.
    Timing,
    /// At most `capacity + 1` fetched records waiting for their store.
    Backlog,
    /// Returned once both tasks were done.
    Returned,
}

impl Modelled for Queued {
    type Aspect = Aspect;
    type Input = Load;

    fn input(&self) -> &Load {
        &self.load
    }

    fn describe(load: &Load) -> String {
        load.describe()
    }

    fn problems(&self) -> Vec<(Aspect, String)> {
        // Judged against the producer it matches, if either; else against
        // the README's.
        let sends = self.load.model(Producer::FetchesThenSends);
        let reserves = self.load.model(Producer::ReservesFirst);
        let model = if self.mistimed(&sends).is_some() && self.mistimed(&reserves).is_none() {
            reserves
        } else {
            sends
        };
        let mut out = Vec::new();

        let stored: Vec<&str> = self.stores.iter().map(|s| s.args.as_str()).collect();
        let expected: Vec<&str> = model.stores.iter().map(|s| s.0.as_str()).collect();
        if stored != expected || self.returned != expected.len() {
            out.push((
                Aspect::Stored,
                format!(
                    "it stored {stored:?} and returned {}; expected it to store {expected:?}, in that order, and return {}",
                    self.returned,
                    expected.len()
                ),
            ));
        }
        let overlapping = self.stores.windows(2).find(|w| match w[0].ended {
            Some(ended) => w[1].started < ended,
            None => true,
        });
        if let Some(w) = overlapping {
            out.push((
                Aspect::Stored,
                format!(
                    "store({:?}) started at {}, before store({:?}) ended: expected one store at a time, by one consumer",
                    w[1].args,
                    secs(w[1].started),
                    w[0].args
                ),
            ));
        }

        let fetched: Vec<u32> = self.fetches.iter().map(|f| f.args).collect();
        if fetched != self.load.ids() {
            out.push((
                Aspect::Fetched,
                format!(
                    "it fetched {fetched:?}; expected every id once, in order: {:?}",
                    self.load.ids()
                ),
            ));
        } else if let Some(w) = self
            .fetches
            .windows(2)
            .find(|w| w[0].ended.is_none_or(|ended| w[1].started < ended))
        {
            out.push((
                Aspect::Fetched,
                format!(
                    "fetch({}) started at {}, before fetch({}) ended: expected one producer fetching one id at a time",
                    w[1].args,
                    secs(w[1].started),
                    w[0].args
                ),
            ));
        }

        if let Some(wrong) = self.mistimed(&model) {
            out.push((Aspect::Timing, wrong));
        }

        if let Some((at, waiting)) = self.worst_backlog()
            && waiting > self.load.capacity + 1
        {
            out.push((
                Aspect::Backlog,
                format!(
                    "at {}, {waiting} fetched records were waiting for their store; expected at most {} (the channel's {} and the one the producer holds)",
                    secs(at),
                    self.load.capacity + 1,
                    self.load.capacity
                ),
            ));
        }

        if self.elapsed != model.returns {
            out.push((
                Aspect::Returned,
                format!(
                    "it returned at {}; expected at {}, when both the producer and the consumer were done",
                    secs(self.elapsed),
                    secs(model.returns)
                ),
            ));
        }
        out
    }
}

impl Queued {
    /// The first fetch or store that did not start when `model` says.
    fn mistimed(&self, model: &Model) -> Option<String> {
        self.fetches
            .iter()
            .zip(&model.fetch_starts)
            .enumerate()
            .find(|(_, (call, due))| call.started != **due)
            .map(|(i, (call, due))| {
                let capacity = self.load.capacity;
                // When the fetch before it ended: a later start is the
                // channel's doing.
                let free = match i.checked_sub(1) {
                    Some(k) => model.fetch_starts[k] + self.load.fetches[k].1,
                    None => Duration::ZERO,
                };
                let why = if *due > free {
                    format!(
                        "the moment the channel ({capacity} records) had room for the record the producer held"
                    )
                } else if i == 0 {
                    "at once".to_owned()
                } else {
                    "the moment the fetch before it ended".to_owned()
                };
                format!(
                    "fetch({}) started at {}; expected at {}, {why}",
                    call.args,
                    secs(call.started),
                    secs(*due)
                )
            })
            .or_else(|| {
                self.stores
                    .iter()
                    .zip(&model.stores)
                    .find(|(call, (_, due))| call.started != *due)
                    .map(|(call, (record, due))| {
                        format!(
                            "store({record:?}) started at {}; expected at {}, the moment it was in the channel and the store before it had ended",
                            secs(call.started),
                            secs(*due)
                        )
                    })
            })
    }

    /// The most fetched records whose store had not started, at the end
    /// of any instant, and the first instant it happened.
    fn worst_backlog(&self) -> Option<(Duration, usize)> {
        let mut events: Vec<(Duration, i64)> = self
            .fetches
            .iter()
            .filter(|f| matches!(f.returned, Some(Ok(_))))
            .filter_map(|f| f.ended.map(|at| (at, 1)))
            .chain(self.stores.iter().map(|s| (s.started, -1)))
            .collect();
        events.sort();
        let mut waiting = 0i64;
        let mut worst: Option<(Duration, usize)> = None;
        let mut i = 0;
        while i < events.len() {
            let at = events[i].0;
            while i < events.len() && events[i].0 == at {
                waiting += events[i].1;
                i += 1;
            }
            let now = usize::try_from(waiting.max(0)).unwrap_or_default();
            if worst.is_none_or(|(_, most)| now > most) {
                worst = Some((at, now));
            }
        }
        worst
    }
}

/// Runs `task_queue` on `load` under paused time, then lets a minute pass
/// so a task left running is seen.
fn run(f: TaskQueue, load: Load) -> Result<Queued, Failure> {
    paused(async move {
        let session = Session::new(Mode::Scripted);
        session.script(FETCH, load.script());
        session.script(STORE, load.stores.clone());
        let _installed = session.install();
        let capacity = NonZeroUsize::new(load.capacity).expect("loads have a capacity");
        let site = Site::called("task_queue", load.call());
        let t = call(site, CALL_LIMIT, f(load.ids(), capacity)).await?;
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(Queued {
            load,
            returned: t.value,
            elapsed: t.elapsed,
            fetches: session.records(FETCH),
            stores: session.records(STORE),
        })
    })
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// `n` ids, 1..=n, each fetched in `fetch`, those in `failing` failing, and
/// every store taking `store`.
fn load(capacity: usize, n: u32, fetch: u64, failing: &[u32], store: u64) -> Load {
    let fetches: Vec<(u32, Duration, bool)> = (1..=n)
        .map(|id| (id, ms(fetch), failing.contains(&id)))
        .collect();
    let stores = vec![ms(store); fetches.len()];
    Load {
        capacity,
        fetches,
        stores,
    }
}

/// Every check of the exercise, hidden ones included; `checks.yaml` lists
/// each with its points.
pub(crate) fn checks(subject: crate::subject::TaskQueue) -> Vec<Check> {
    use Aspect::{Backlog, Fetched, Returned, Stored, Timing};
    let f = subject.task_queue;
    vec![
        aspect_check(
            "stores_every_record_in_order",
            "stores every record, in order, and returns how many",
            "the consumer stores what it receives, one record after another, and counts them; return the count once it is done",
            move |l| run(f, l),
            load(2, 5, 100, &[], 50),
            &[Stored],
        ),
        aspect_check(
            "skips_failed_fetches",
            "skips a failed fetch and goes on with the next id",
            "send only the Ok records (if let Ok(record) = fetch(id).await); an Err is skipped, not the end of the queue",
            move |l| run(f, l),
            load(2, 5, 100, &[2, 4], 50),
            &[Stored, Fetched],
        ),
        aspect_check(
            "fetches_while_storing",
            "fetches the next id while the consumer stores",
            "run the producer and the consumer at the same time (two tokio::spawn'ed tasks, or tokio::join! of the two loops), connected by tokio::sync::mpsc::channel(capacity)",
            move |l| run(f, l),
            load(5, 4, 100, &[], 150),
            &[Fetched, Timing],
        ),
        aspect_check(
            "applies_backpressure",
            "holds at most capacity + 1 fetched records that wait for their store",
            "use a bounded channel, tokio::sync::mpsc::channel(capacity.get()): send().await waits while it is full, so the producer cannot run ahead of a slow consumer",
            move |l| run(f, l),
            load(2, 8, 10, &[], 1_000),
            &[Backlog],
        ),
        aspect_check(
            "buffers_capacity_records",
            "lets the producer run ahead by exactly capacity records",
            "the channel's capacity is the argument, not a constant: mpsc::channel(capacity.get()); send each record the moment the channel has room",
            move |l| run(f, l),
            load(3, 8, 10, &[], 1_000),
            &[Timing],
        ),
        aspect_check(
            "returns_when_both_finish",
            "returns once the producer and the consumer are both done",
            "await both tasks' JoinHandles (or the join!): the last store ends after the last fetch; return the consumer's count",
            move |l| run(f, l),
            load(2, 3, 100, &[], 500),
            &[Returned, Stored],
        ),
        aspect_check(
            "empty_queue",
            "returns 0 at once for no ids",
            "with no ids the producer ends at once and drops its Sender, so the consumer's recv() returns None: nothing to store",
            move |l| run(f, l),
            load(1, 0, 100, &[], 50),
            &[Stored, Fetched, Returned],
        ),
        property_check(
            "any_load",
            "runs any load as the pipeline does, exactly",
            "one producer task (fetch in order, send each Ok into mpsc::channel(capacity)), one consumer task (recv, store, count), both awaited",
            (40, any_load),
            move |l| run(f, l),
            |a, b| (a.fetches.len(), a.capacity).cmp(&(b.fetches.len(), b.capacity)),
        ),
    ]
}

/// Up to 10 ids, some failing, a capacity of 1–3, fetches mostly faster
/// (10–100 ms, now and then up to 1 s) than stores (10 ms–1 s): so the
/// channel fills, empties and fills again, in most loads.
fn any_load() -> impl Strategy<Value = Load> {
    (
        1usize..=3,
        prop::collection::vec(
            (
                prop_oneof![3 => 1u64..=10, 1 => 1u64..=100],
                prop::bool::weighted(0.2),
            ),
            0..=10,
        ),
        prop::collection::vec(1u64..=100, 10),
    )
        .prop_map(|(capacity, fetches, stores)| {
            let fetches: Vec<(u32, Duration, bool)> = (1..)
                .zip(fetches)
                .map(|(id, (tens, fails))| (id, ms(tens * 10), fails))
                .collect();
            let stored = fetches.iter().filter(|f| !f.2).count();
            Load {
                capacity,
                fetches,
                stores: stores.into_iter().take(stored).map(|t| ms(t * 10)).collect(),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_the_pipeline() {
        // Fast fetches, slow stores, capacity 2: the producer fetches 1, 2, 3
        // and 4 at once (10 ms each; 2 and 3 go into the channel, 4 waits in
        // its hand) and fetches 5 only when store 1 ends and record 2 leaves.
        let m = load(2, 5, 10, &[], 1_000).model(Producer::FetchesThenSends);
        assert_eq!(
            m.fetch_starts,
            [0, 10, 20, 30, 1_010].map(ms).to_vec()
        );
        let starts: Vec<Duration> = m.stores.iter().map(|s| s.1).collect();
        assert_eq!(starts, [10, 1_010, 2_010, 3_010, 4_010].map(ms).to_vec());
        assert_eq!(m.returns, ms(5_010));
        // A failed fetch is skipped: the producer goes straight on.
        let m = load(1, 3, 100, &[2], 50).model(Producer::FetchesThenSends);
        assert_eq!(m.fetch_starts, [0, 100, 200].map(ms).to_vec());
        assert_eq!(m.stores.len(), 2);
        assert_eq!(m.returns, ms(350));
        // A producer that reserves a slot first fetches record 4 only when
        // record 2 leaves the channel, at 1010 ms, and sends it at once.
        let m = load(2, 5, 10, &[], 1_000).model(Producer::ReservesFirst);
        assert_eq!(m.fetch_starts, [0, 10, 20, 1_010, 2_010].map(ms).to_vec());
        let starts: Vec<Duration> = m.stores.iter().map(|s| s.1).collect();
        assert_eq!(starts, [10, 1_010, 2_010, 3_010, 4_010].map(ms).to_vec());
        assert_eq!(m.returns, ms(5_010));
    }
}
