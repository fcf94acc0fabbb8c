//! Checks of `01_wait_n` and `04_task_wait_n`: the same behaviour, once with
//! `wait_random` and once with tasks from `task_wait_random`.

use std::time::Duration;

use probe_core::{Call, Mode, Session, sig};
use serde::{Deserialize, Serialize};

use crate::check::{Check, Failure, Verdict};
use crate::fmt::{durations, secs, tick_ceil};
use crate::scenario::{CALL_LIMIT, call, paused};
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

    fn script(self, session: &Session, delays: Vec<Duration>) {
        match self {
            Flavour::WaitN => session.script_wait_random(delays),
            Flavour::TaskWaitN => session.script_task_wait_random(delays),
        }
    }

    fn calls(self, session: &Session) -> Vec<Call<Duration, Duration>> {
        match self {
            Flavour::WaitN => session.wait_random_calls(),
            Flavour::TaskWaitN => session.task_wait_random_calls(),
        }
    }
}

/// One call of the student's wait_n, and every call it made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Run {
    pub n: usize,
    pub max_delay: Duration,
    pub returned: Vec<Duration>,
    pub elapsed: Duration,
    pub calls: Vec<Call<Duration, Duration>>,
}

impl Run {
    pub(crate) fn call(&self, flavour: Flavour) -> String {
        format!("{}({}, {})", flavour.name(), self.n, secs(self.max_delay))
    }

    /// What the callee handed back, in the order the waits completed.
    pub(crate) fn completed(&self) -> Vec<Duration> {
        let mut done: Vec<_> = self.calls.iter().filter(|c| c.ended.is_some()).collect();
        done.sort_by_key(|c| c.ended);
        done.iter().filter_map(|c| c.returned).collect()
    }

    /// Whether the student returned exactly the delays the callee gave them.
    pub(crate) fn returned_what_callee_gave(&self) -> bool {
        let mut given = self.completed();
        let mut returned = self.returned.clone();
        given.sort();
        returned.sort();
        given == returned
    }
}

pub(crate) fn run(
    f: sig::WaitN,
    flavour: Flavour,
    mode: Mode,
    n: usize,
    max_delay: Duration,
    script: Vec<Duration>,
) -> Result<Run, Failure> {
    paused(async move {
        let session = Session::new(mode);
        flavour.script(&session, script);
        let _installed = session.install();
        let call_text = format!("{}({n}, {})", flavour.name(), secs(max_delay));
        let t = call(call_text, CALL_LIMIT, f(n, max_delay)).await?;
        Ok(Run {
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
                    .map(|(n, script)| run(f, flavour, Mode::Scripted, n, ten, script))
                    .collect::<Result<Vec<_>, _>>()
            },
            move |runs: &Vec<Run>| {
                for r in runs {
                    if r.returned.len() != r.n {
                        return Verdict::fail(format!(
                            "{} returned {} delays {}; expected {}, one per wait",
                            r.call(flavour),
                            r.returned.len(),
                            durations(&r.returned),
                            r.n
                        ));
                    }
                    if !r.returned_what_callee_gave() {
                        return Verdict::fail(format!(
                            "{} returned {}, but {callee} returned {}",
                            r.call(flavour),
                            durations(&r.returned),
                            durations(&r.completed())
                        ));
                    }
                }
                Verdict::pass()
            },
        ),
        Check::runtime(
            "zero_waits",
            &format!("{name}(0, max_delay) returns an empty Vec at once"),
            "with n = 0 there is nothing to wait for: make sure your loop and your result handle it",
            move || run(f, flavour, Mode::Scripted, 0, ten, vec![]),
            move |r: &Run| {
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
             not in the order you started them; and don't sort",
            move || {
                // The second script has two delays in the same 1 ms tick:
                // tokio may complete them in either order, so both are right.
                [vec![s(5), s(1), s(4), s(2), s(3)], vec![s(3), ms(2_000) + Duration::from_micros(400), s(1), ms(2_000) + Duration::from_micros(100)]]
                    .into_iter()
                    .map(|script| run(f, flavour, Mode::Scripted, script.len(), ten, script))
                    .collect::<Result<Vec<_>, _>>()
            },
            move |runs: &Vec<Run>| {
                for r in runs {
                    let order = order_verdict(r, flavour);
                    if order.status != crate::check::Status::Passed {
                        return order;
                    }
                }
                Verdict::pass()
            },
        ),
        Check::runtime(
            "concurrent",
            "runs the waits concurrently: total time is the longest delay, not the sum",
            "start every wait before awaiting any of them",
            move || run(f, flavour, Mode::Scripted, 3, ten, vec![s(3), s(1), s(2)]),
            move |r: &Run| {
                // Without calls of the callee (calls_* reports that), the
                // delays returned are the only ones there are.
                let waited = if r.calls.is_empty() { r.returned.clone() } else { r.completed() };
                let longest = waited.into_iter().max().unwrap_or_default();
                let starts: Vec<_> = r.calls.iter().map(|c| c.started).collect();
                Verdict::expect(r.elapsed <= tick_ceil(longest) && starts.iter().all(|t| t.is_zero()), || {
                    format!(
                        "{} took {} of runtime time; the longest delay was {}, and the {} calls \
                         started at {}; expected all to start at 0s and the whole call to take {}",
                        r.call(flavour),
                        secs(r.elapsed),
                        secs(longest),
                        callee,
                        durations(&starts),
                        secs(longest)
                    )
                })
            },
        ),
        Check::runtime(
            &format!("calls_{callee}"),
            &format!("calls {callee}(max_delay) exactly n times"),
            &format!("call {callee} once per wait and pass max_delay through unchanged"),
            move || run(f, flavour, Mode::Scripted, 4, ms(7_500), vec![]),
            move |r: &Run| {
                let args: Vec<_> = r.calls.iter().map(|c| c.args).collect();
                Verdict::expect(args.len() == r.n && args.iter().all(|a| *a == r.max_delay), || {
                    format!(
                        "{} called {callee} {} times, with max_delay {}; expected {} calls with {}",
                        r.call(flavour),
                        args.len(),
                        durations(&args),
                        r.n,
                        secs(r.max_delay)
                    )
                })
            },
        ),
        Check::source(
            "no_sort",
            "does not sort (the order must come from completion)",
            "remove the sort: push each delay when its wait completes and the Vec is ascending by itself",
            no_sort,
        ),
        Check::runtime(
            &format!("with_own_{callee}"),
            &format!("works with your own {callee}"),
            &format!("this check runs {name} with your {callee} instead of the course's probe; fix that exercise first"),
            // 20 waits: a wait_n that returns them in start order is
            // ascending by chance only once in 20! runs.
            move || run(f, flavour, Mode::Own, 20, s(2), vec![]),
            move |r: &Run| {
                let longest = r.returned.iter().max().copied().unwrap_or_default();
                let ascending = r.returned.windows(2).all(|w| tick_ceil(w[0]) <= tick_ceil(w[1]));
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

fn order_verdict(r: &Run, flavour: Flavour) -> Verdict {
    let callee = flavour.callee();
    // Without calls of the callee (calls_* reports that), judge the order of
    // what was returned; with calls, it must be what they returned.
    if !r.calls.is_empty() && !r.returned_what_callee_gave() {
        return Verdict::fail(format!(
            "{} returned {}, which are not the delays {callee} returned ({}), so their order \
             cannot be checked",
            r.call(flavour),
            durations(&r.returned),
            durations(&r.completed())
        ))
        .hint("return every delay exactly as you received it; see the returns_n_delays check");
    }
    // Waits that end in the same 1 ms tick may complete in either order.
    let ascending = r
        .returned
        .windows(2)
        .all(|w| tick_ceil(w[0]) <= tick_ceil(w[1]));
    Verdict::expect(ascending, || {
        format!(
            "{} returned {}; the waits completed in the order {}",
            r.call(flavour),
            durations(&r.returned),
            durations(&r.completed())
        )
    })
}

fn no_sort(sources: &Sources) -> Verdict {
    let uses = source::sorting(sources);
    match uses.first() {
        None => Verdict::pass(),
        Some(u) => Verdict::fail(format!(
            "found `{}` at {}:{}; the exercise forbids sorting (Python: \"without using sort()\"){}",
            u.ident,
            u.path,
            u.line,
            if uses.len() > 1 {
                format!(" ({} places in all)", uses.len())
            } else {
                String::new()
            }
        )),
    }
}
