//! Checks of `01_wait_n` and `04_task_wait_n`: the same behaviour, once with
//! `wait_random` and once with tasks from `task_wait_random`.

use std::time::Duration;

use probe_core::{Call, Mode, Session, TASK_WAIT_RANDOM, WAIT_RANDOM, Wait, sig};
use serde::{Deserialize, Serialize};

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, call, paused};
use crate::show::{durations, secs, tick_ceil};
use crate::source::{self, Sources};

/// Which exercise: they differ only in the function they must call.
#[derive(Clone, Copy)]
pub(crate) enum Flavour {
    /// `wait_n`, calling `wait_random`.
    WaitN,
    /// `task_wait_n`, calling `task_wait_random`.
    TaskWaitN,
}

impl Flavour {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Flavour::WaitN => "wait_n",
            Flavour::TaskWaitN => "task_wait_n",
        }
    }

    pub(crate) fn callee(self) -> &'static str {
        match self {
            Flavour::WaitN => "wait_random",
            Flavour::TaskWaitN => "task_wait_random",
        }
    }

    fn script(self, session: &Session, waits: Vec<Wait>) {
        match self {
            Flavour::WaitN => session.script(WAIT_RANDOM, waits),
            Flavour::TaskWaitN => session.script(TASK_WAIT_RANDOM, waits),
        }
    }

    fn calls(self, session: &Session) -> Vec<Call<Duration, Duration>> {
        match self {
            Flavour::WaitN => session.records(WAIT_RANDOM),
            Flavour::TaskWaitN => session.records(TASK_WAIT_RANDOM),
        }
    }
}

/// One call of the student's wait_n, and every call it made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Waited {
    pub n: usize,
    pub max_delay: Duration,
    pub returned: Vec<Duration>,
    pub elapsed: Duration,
    pub calls: Vec<Call<Duration, Duration>>,
}

impl Waited {
    pub(crate) fn call(&self, flavour: Flavour) -> String {
        format!("{}({}, {})", flavour.name(), self.n, secs(self.max_delay))
    }

    /// The callee's calls that completed, in the order they completed.
    fn done(&self) -> Vec<&Call<Duration, Duration>> {
        let mut done: Vec<_> = self.calls.iter().filter(|c| c.ended.is_some()).collect();
        done.sort_by_key(|c| c.ended);
        done
    }

    /// What the callee handed back, in the order the waits completed.
    pub(crate) fn completed(&self) -> Vec<Duration> {
        self.done().iter().filter_map(|c| c.returned).collect()
    }

    /// How long each completed call of the callee waited, in completion order.
    fn waited(&self) -> Vec<Duration> {
        self.done()
            .iter()
            .filter_map(|c| Some(c.ended? - c.started))
            .collect()
    }

    /// What the callee handed back, grouped by the 1 ms tick in which its
    /// wait ends when every wait starts at once, in that order: the order
    /// SPEC.md calls "the order they completed". It is taken from how long
    /// each call waited, not from when it happened to end, so a wait_n that
    /// awaits in sequence (whose waits end in start order) is still out of
    /// order. Tokio may complete the waits of one tick in either order
    /// (SPEC.md, timer resolution), so within a group any order is right.
    fn completion_ticks(&self) -> Vec<Vec<Duration>> {
        let mut waits: Vec<(Duration, Duration)> = self
            .calls
            .iter()
            .filter_map(|c| Some((tick_ceil(c.ended? - c.started), c.returned?)))
            .collect();
        waits.sort_by_key(|(tick, _)| *tick);
        let mut groups: Vec<(Duration, Vec<Duration>)> = Vec::new();
        for (tick, value) in waits {
            match groups.last_mut() {
                Some((t, values)) if *t == tick => values.push(value),
                _ => groups.push((tick, vec![value])),
            }
        }
        groups.into_iter().map(|(_, values)| values).collect()
    }

    /// [`Self::completion_ticks`], flattened: the expected result.
    fn expected_order(&self) -> Vec<Duration> {
        self.completion_ticks().concat()
    }

    /// Whether the student returned exactly the delays the callee gave them.
    pub(crate) fn returned_what_callee_gave(&self) -> bool {
        let mut given = self.completed();
        let mut returned = self.returned.clone();
        given.sort();
        returned.sort();
        given == returned
    }

    /// Whether `returned` is the callee's results in the order their waits
    /// complete when run together (same-tick waits in either order). Without calls of the
    /// callee there is no completion to compare with, and ascending order is
    /// the best the returned values can show.
    fn in_completion_order(&self) -> bool {
        if self.calls.is_empty() {
            return ascending(&self.returned);
        }
        let mut rest = self.returned.as_slice();
        for group in self.completion_ticks() {
            if rest.len() < group.len() {
                return false;
            }
            let (head, tail) = rest.split_at(group.len());
            let (mut head, mut group) = (head.to_vec(), group);
            head.sort();
            group.sort();
            if head != group {
                return false;
            }
            rest = tail;
        }
        rest.is_empty()
    }
}

/// Ascending to the 1 ms tick: waits ending in one tick may complete in
/// either order.
fn ascending(delays: &[Duration]) -> bool {
    delays
        .windows(2)
        .all(|w| tick_ceil(w[0]) <= tick_ceil(w[1]))
}

/// What a wait_n run must show. The Rust checks and the course's YAML cases
/// (`course::cases`) judge with these same predicates, so a rule has one
/// wording and one meaning wherever it is asked for.
pub(crate) mod expect {
    use super::*;

    /// Returns `n` delays.
    pub(crate) fn length(r: &Waited, flavour: Flavour, n: usize) -> Verdict {
        Verdict::expect(r.returned.len() == n, || {
            format!(
                "{} returned {} delays {}; expected {n}, one per wait",
                r.call(flavour),
                r.returned.len(),
                durations(&r.returned),
            )
        })
    }

    /// Returns exactly what the callee returned, nothing changed.
    pub(crate) fn callee_values(r: &Waited, flavour: Flavour) -> Verdict {
        Verdict::expect(r.returned_what_callee_gave(), || {
            format!(
                "{} returned {}, but {} returned {}",
                r.call(flavour),
                durations(&r.returned),
                flavour.callee(),
                durations(&r.completed())
            )
        })
    }

    /// Returns the callee's values in the order their waits completed.
    pub(crate) fn completion_order(r: &Waited, flavour: Flavour) -> Verdict {
        let callee = flavour.callee();
        // With calls, the values must be what they returned before their
        // order means anything.
        if !r.calls.is_empty() && !r.returned_what_callee_gave() {
            return Verdict::fail(format!(
                "{} returned {}, which are not the delays {callee} returned ({}), so their \
                 order cannot be checked",
                r.call(flavour),
                durations(&r.returned),
                durations(&r.completed())
            ))
            .hint("return every delay exactly as you received it; see the returns_n_delays check");
        }
        if r.in_completion_order() {
            return Verdict::pass();
        }
        let completed = r.expected_order();
        let mut by_value = r.returned.clone();
        by_value.sort();
        let started: Vec<Duration> = r.calls.iter().filter_map(|c| c.returned).collect();
        let diagnosis = if r.returned == by_value && completed != by_value {
            " That is the values in ascending order: the order has to come from the waits \
             completing, not from the values."
        } else if r.returned == started {
            " That is the order the waits were started in."
        } else {
            ""
        };
        let honest = r.done().iter().all(|c| match (c.ended, c.returned) {
            (Some(ended), Some(value)) => tick_ceil(value) == tick_ceil(ended - c.started),
            _ => true,
        });
        let shortest = r
            .done()
            .into_iter()
            .min_by_key(|c| c.ended.unwrap_or_default() - c.started);
        let probe = match shortest {
            Some(first) if !honest => format!(
                " In this check {callee} returns a value other than the time it waited \
                 (the shortest wait took {} and returned {}), so only collecting each \
                 value the moment its wait completes gives that order.",
                secs(first.ended.unwrap_or_default() - first.started),
                secs(first.returned.unwrap_or_default())
            ),
            _ => String::new(),
        };
        Verdict::fail(format!(
            "{} returned {}; started together, the waits complete in the order {}.{diagnosis}{probe}",
            r.call(flavour),
            durations(&r.returned),
            durations(&completed),
        ))
    }

    /// Takes as long as the longest wait (to the tick): the waits overlap.
    pub(crate) fn takes_longest(r: &Waited, flavour: Flavour) -> Verdict {
        // Without calls of the callee (calls_* reports that), the delays
        // returned are the only ones there are.
        let waited = if r.calls.is_empty() {
            r.returned.clone()
        } else {
            r.waited()
        };
        let longest = waited.into_iter().max().unwrap_or_default();
        Verdict::expect(
            r.elapsed >= longest && r.elapsed <= tick_ceil(longest),
            || {
                format!(
                    "{} took {} of runtime time; the longest wait was {}, and running the waits \
                 concurrently takes exactly that",
                    r.call(flavour),
                    secs(r.elapsed),
                    secs(longest)
                )
            },
        )
    }

    /// Starts every call of the callee at once.
    pub(crate) fn starts_together(r: &Waited, flavour: Flavour) -> Verdict {
        let starts: Vec<_> = r.calls.iter().map(|c| c.started).collect();
        Verdict::expect(starts.iter().all(|t| t.is_zero()), || {
            format!(
                "{} started its {} calls at {} of runtime time; expected all at 0s, before \
                 awaiting any",
                r.call(flavour),
                flavour.callee(),
                durations(&starts)
            )
        })
    }

    /// Calls the callee `n` times.
    pub(crate) fn calls(r: &Waited, flavour: Flavour, n: usize) -> Verdict {
        Verdict::expect(r.calls.len() == n, || {
            format!(
                "{} called {} {} times; expected {n}",
                r.call(flavour),
                flavour.callee(),
                r.calls.len()
            )
        })
    }

    /// Passes `max_delay` to every call of the callee.
    pub(crate) fn calls_with(r: &Waited, flavour: Flavour, max_delay: Duration) -> Verdict {
        let args: Vec<_> = r.calls.iter().map(|c| c.args).collect();
        Verdict::expect(args.iter().all(|a| *a == max_delay), || {
            format!(
                "{} called {} with max_delay {}; expected {} in every call",
                r.call(flavour),
                flavour.callee(),
                durations(&args),
                secs(max_delay)
            )
        })
    }
}

/// Runs `f(n, max_delay)` once under paused time, its callee scripted by
/// `script` (in call order) unless `mode` is [`Mode::Own`].
pub(crate) fn run(
    f: sig::WaitN,
    flavour: Flavour,
    mode: Mode,
    n: usize,
    max_delay: Duration,
    script: Vec<Wait>,
) -> Result<Waited, Failure> {
    paused(async move {
        let session = Session::new(mode);
        flavour.script(&session, script);
        let _installed = session.install();
        let site = Site::called(
            flavour.name(),
            format!("{}({n}, {})", flavour.name(), secs(max_delay)),
        );
        let t = call(site, CALL_LIMIT, f(n, max_delay)).await?;
        Ok(Waited {
            n,
            max_delay,
            returned: t.value,
            elapsed: t.elapsed,
            calls: flavour.calls(&session),
        })
    })
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

fn s(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Waits that return what they waited.
fn honest(delays: impl IntoIterator<Item = Duration>) -> Vec<Wait> {
    delays.into_iter().map(Wait::honest).collect()
}

/// Waits of `waits` that return `values`.
fn returning(waits: &[Duration], values: &[Duration]) -> Vec<Wait> {
    waits
        .iter()
        .zip(values)
        .map(|(&wait, &value)| Wait { wait, value })
        .collect()
}

pub(crate) fn checks(f: sig::WaitN, flavour: Flavour) -> Vec<Check> {
    let name = flavour.name();
    let callee = flavour.callee();
    let ten = s(10);
    vec![
        Check::runtime(
            "returns_n_delays",
            &format!("returns n delays: the ones {callee} returned"),
            &format!("call {callee}(max_delay) n times and return every delay it gives you, unchanged"),
            move || {
                [(1, vec![ms(2500)]), (3, vec![s(3), s(1), s(2)]), (7, (1..=7).rev().map(|i| ms(700 * i)).collect())]
                    .into_iter()
                    .map(|(n, script)| run(f, flavour, Mode::Scripted, n, ten, honest(script)))
                    .collect::<Result<Vec<_>, _>>()
            },
            move |runs: &Vec<Waited>| {
                all(runs, |r| expect::length(r, flavour, r.n).and_then(|| expect::callee_values(r, flavour)))
            },
        ),
        Check::runtime(
            "zero_waits",
            &format!("{name}(0, max_delay) returns an empty Vec at once"),
            "with n = 0 there is nothing to wait for: make sure your loop and your result handle it",
            move || run(f, flavour, Mode::Scripted, 0, ten, vec![]),
            move |r: &Waited| {
                Verdict::expect(r.returned.is_empty() && r.elapsed.is_zero(), || {
                    format!(
                        "{} returned {} after {} of runtime time; expected [] at once",
                        r.call(flavour),
                        durations(&r.returned),
                        secs(r.elapsed)
                    )
                })
            },
        ),
        Check::runtime(
            "completion_order",
            "returns the delays in the order the waits completed",
            "collect each delay as its wait completes (e.g. FuturesUnordered, or a JoinSet), \
             not in the order you started them; and don't put them in order yourself \
             (no sort, no insertion at a computed position, no ordered collection)",
            move || {
                // SPEC.md lets the probe return values other than the time it
                // waited: here neither ascending values, nor start order, nor
                // any order derived from the values is the completion order,
                // so only collecting results as they complete passes. The
                // second run has two waits ending in the same 1 ms tick:
                // tokio may complete them in either order, so both are right.
                let first = returning(&[s(5), s(1), s(4), s(2), s(3)], &[ms(2500), s(4), ms(1500), ms(500), ms(3500)]);
                let second = returning(
                    &[s(3), ms(2_000) + Duration::from_micros(400), s(1), ms(2_000) + Duration::from_micros(100)],
                    &[ms(1200), ms(2700), ms(3900), ms(800)],
                );
                [first, second]
                    .into_iter()
                    .map(|script| run(f, flavour, Mode::Scripted, script.len(), ten, script))
                    .collect::<Result<Vec<_>, _>>()
            },
            move |runs: &Vec<Waited>| all(runs, |r| expect::completion_order(r, flavour)),
        ),
        Check::runtime(
            "concurrent",
            "runs the waits concurrently: total time is the longest delay, not the sum",
            "start every wait before awaiting any of them",
            move || run(f, flavour, Mode::Scripted, 3, ten, honest([s(3), s(1), s(2)])),
            move |r: &Waited| expect::starts_together(r, flavour).and_then(|| expect::takes_longest(r, flavour)),
        ),
        Check::runtime(
            &format!("calls_{callee}"),
            &format!("calls {callee}(max_delay) exactly n times"),
            &format!("call {callee} once per wait and pass max_delay through unchanged"),
            move || run(f, flavour, Mode::Scripted, 4, ms(7_500), vec![]),
            move |r: &Waited| expect::calls(r, flavour, r.n).and_then(|| expect::calls_with(r, flavour, r.max_delay)),
        ),
        Check::source(
            "no_sort",
            "does not sort (the order must come from completion)",
            "remove the sort: push each delay the moment its wait completes, and the Vec is in completion order by itself",
            no_sort,
        ),
        Check::runtime(
            &format!("with_own_{callee}"),
            &format!("works with your own {callee}"),
            &format!("this check runs {name} with your {callee} instead of the course's probe; fix that exercise first"),
            // 20 waits: a wait_n that returns them in start order is
            // ascending by chance only once in 20! runs.
            move || run(f, flavour, Mode::Own, 20, s(2), vec![]),
            move |r: &Waited| {
                let longest = r.returned.iter().max().copied().unwrap_or_default();
                let ascending = ascending(&r.returned);
                if r.returned.len() != r.n || r.returned.iter().any(|d| *d > r.max_delay) {
                    Verdict::fail(format!(
                        "{} with your {callee} returned {}; expected {} delays of at most {}",
                        r.call(flavour),
                        durations(&r.returned),
                        r.n,
                        secs(r.max_delay)
                    ))
                } else if !ascending {
                    Verdict::fail(format!(
                        "{} with your {callee} returned {}, not in completion (ascending) order",
                        r.call(flavour),
                        durations(&r.returned)
                    ))
                } else {
                    Verdict::expect(r.elapsed >= longest && r.elapsed <= tick_ceil(longest), || {
                        format!(
                            "{} with your {callee} took {} of runtime time; its longest delay was {}",
                            r.call(flavour),
                            secs(r.elapsed),
                            secs(longest)
                        )
                    })
                }
            },
        )
        .own_earlier(),
    ]
}

/// The first of `runs` whose verdict fails, else a pass.
fn all(runs: &[Waited], judge: impl Fn(&Waited) -> Verdict) -> Verdict {
    runs.iter()
        .map(judge)
        .find(|v| v.status != crate::check::Status::Passed)
        .unwrap_or_else(Verdict::pass)
}

/// A use of a sort fails; with none, a file the scan could not read fails
/// too, as the check cannot vouch for it.
fn no_sort(sources: &Sources) -> Verdict {
    let scan = source::sorting(sources);
    let in_all = |n: usize, what: &str| {
        if n > 1 {
            format!(" ({n} {what} in all)")
        } else {
            String::new()
        }
    };
    let guessed = sources
        .fallback
        .as_ref()
        .map(|why| format!(" ({why})"))
        .unwrap_or_default();
    match (scan.uses.first(), scan.unreadable.first()) {
        (Some(u), _) => Verdict::fail(format!(
            "found `{}` at {}:{}; the exercise forbids sorting (Python: \"without using sort()\"){}{guessed}",
            u.ident,
            u.path,
            u.line,
            in_all(scan.uses.len(), "places")
        )),
        (None, Some(file)) => Verdict::fail(format!(
            "could not read {} to look for sorting: {}; the check cannot vouch for it{}",
            file.path,
            file.reason,
            in_all(scan.unreadable.len(), "unreadable files")
        ))
        .hint("keep the exercise's code in UTF-8 Rust files under its own src/"),
        (None, None) => Verdict::pass(),
    }
}
