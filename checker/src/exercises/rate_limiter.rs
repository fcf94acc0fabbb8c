//! Checks of `12_rate_limiter`.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, Cases, call, call_sync, paused, property};
use crate::show::{durations, secs, tick_ceil};
use crate::subject::Acquire;

type NewLimiter = fn(NonZeroU32) -> Arc<dyn Acquire>;

/// Callers of one limiter: its rate, and when each caller calls `acquire`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Callers {
    rate: u32,
    /// When each caller calls, in caller order (not necessarily sorted).
    at: Vec<Duration>,
}

/// What happened: for each caller, when it called and when its acquire
/// returned, in the order the callers called.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Served {
    callers: Callers,
    /// (caller, called at, returned at), in the order of calling.
    calls: Vec<(usize, Duration, Option<Duration>)>,
}

impl Callers {
    fn describe(&self) -> String {
        format!(
            "RateLimiter::new({}) with acquire() called at {}",
            self.rate,
            durations(&self.at)
        )
    }
}

/// When each acquire is due, for calls at `called` (in calling order) on a
/// token bucket that starts full with `rate` tokens and refills at `rate`
/// per second, serving callers in the order they called.
///
/// Exact: times are kept in units of 1/rate ns (the "generic cell rate"
/// form of the bucket: every acquisition moves a theoretical arrival time
/// on by 1/rate s, and one may happen up to `rate - 1` intervals early).
fn due(rate: u32, called: &[Duration]) -> Vec<Duration> {
    let rate = u128::from(rate);
    let interval = 1_000_000_000u128; // 1/rate s, in units of 1/rate ns
    let tolerance = (rate - 1) * interval;
    let mut tat = 0u128;
    let mut last = 0u128;
    called
        .iter()
        .map(|t| {
            let t = t.as_nanos() * rate;
            // FIFO: never before an earlier caller.
            let start = t.max(tat.saturating_sub(tolerance)).max(last);
            last = start;
            tat = tat.max(start) + interval;
            let ns = start.div_ceil(rate);
            Duration::from_nanos(u64::try_from(ns).expect("checks run for minutes, not centuries"))
        })
        .collect()
}

impl Served {
    fn expected(&self) -> Vec<Duration> {
        let called: Vec<Duration> = self.calls.iter().map(|c| c.1).collect();
        due(self.callers.rate, &called)
    }

    fn returned(&self) -> Vec<Option<Duration>> {
        self.calls.iter().map(|c| c.2).collect()
    }

    /// The first caller (in calling order) whose acquire did not return at
    /// its due instant: on the timer tick it falls in, or the next one
    /// (float arithmetic may round a wait up past an exact tick).
    fn first_wrong(&self) -> Option<(usize, Duration, Option<Duration>, Duration)> {
        self.calls
            .iter()
            .zip(self.expected())
            .find(|((_, _, returned), due)| {
                let tick = tick_ceil(*due);
                !returned.is_some_and(|r| r == tick || r == tick + Duration::from_millis(1))
            })
            .map(|((caller, called, returned), due)| (*caller, *called, *returned, due))
    }

    fn explain(&self) -> String {
        match self.first_wrong() {
            None => String::new(),
            Some((caller, called, returned, due)) => format!(
                "the call of caller {} at {} returned {}, but a token was due at {}",
                caller + 1,
                secs(called),
                returned.map_or("never".to_owned(), |r| format!("at {}", secs(r))),
                secs(tick_ceil(due))
            ),
        }
    }

    fn summary(&self) -> String {
        let show: Vec<String> = self
            .returned()
            .iter()
            .map(|r| r.map_or("never".to_owned(), secs))
            .collect();
        format!(
            "{}: the calls returned at [{}], expected at {}",
            self.callers.describe(),
            show.join(", "),
            durations(&self.expected().iter().map(|d| tick_ceil(*d)).collect::<Vec<_>>())
        )
    }
}

/// Makes a limiter, starts one task per caller that calls `acquire` at its
/// instant, and watches for a minute of runtime time.
fn run(new: NewLimiter, callers: Callers) -> Result<Served, Failure> {
    paused(async move {
        let rate = NonZeroU32::new(callers.rate).expect("callers have a rate");
        let site = Site::called("RateLimiter::new", format!("RateLimiter::new({rate})"));
        let limiter = call_sync(site, || new(rate))?;
        let start = Instant::now();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let failure = Arc::new(Mutex::new(None));
        for (caller, at) in callers.at.iter().copied().enumerate() {
            let (limiter, calls, failure) = (limiter.clone(), calls.clone(), failure.clone());
            tokio::spawn(async move {
                tokio::time::sleep_until(start + at).await;
                let index = {
                    let mut calls = calls.lock().unwrap();
                    calls.push((caller, at, None));
                    calls.len() - 1
                };
                let site = Site::called("acquire", format!("acquire() at {}", secs(at)));
                match call(site, CALL_LIMIT, limiter.acquire()).await {
                    Ok(_) => calls.lock().unwrap()[index].2 = Some(start.elapsed()),
                    Err(f) => {
                        failure.lock().unwrap().get_or_insert(f);
                    }
                }
            });
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
        if let Some(failure) = failure.lock().unwrap().take() {
            return Err(failure);
        }
        let calls = calls.lock().unwrap().clone();
        Ok(Served { callers, calls })
    })
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

fn at(ms_each: &[u64]) -> Vec<Duration> {
    ms_each.iter().map(|m| ms(*m)).collect()
}

fn schedule_check(
    id: &str,
    name: &str,
    hint: &str,
    new: NewLimiter,
    callers: Callers,
    lesson: &'static str,
) -> Check {
    Check::runtime(
        id,
        name,
        hint,
        move || run(new, callers.clone()),
        move |r: &Served| {
            Verdict::expect(r.first_wrong().is_none(), || {
                format!("{}; {}. {lesson}", r.summary(), r.explain())
            })
        },
    )
}

/// Every check of the exercise, hidden ones included.
pub(crate) fn checks(subject: crate::subject::RateLimiter) -> Vec<Check> {
    let new = subject.rate_limiter;
    vec![
        schedule_check(
            "starts_full",
            "lets `rate` callers through at once",
            "the bucket starts full: RateLimiter::new(rate) holds `rate` tokens",
            new,
            Callers { rate: 3, at: at(&[0, 0, 0]) },
            "A new limiter holds `rate` tokens",
        ),
        schedule_check(
            "spaced_after_burst",
            "then lets one through every 1/rate s",
            "tokens refill continuously at `rate` per second: the next is due 1/rate s after the bucket emptied",
            new,
            Callers { rate: 2, at: at(&[0, 0, 0, 0, 0, 0]) },
            "With 2 tokens a second, one every 500ms after the first two",
        ),
        schedule_check(
            "wakes_when_due",
            "wakes the moment a token is due, not on a polling interval",
            "compute when the next token is due and sleep exactly until then (tokio::time::sleep_until), instead of checking every 100ms as the lesson's Python does",
            new,
            Callers { rate: 3, at: at(&[0, 0, 0, 0, 0]) },
            "With 3 tokens a second the 4th is due at 333.3ms, so it returns at the 334ms tick",
        ),
        schedule_check(
            "first_come_first_served",
            "serves callers in the order they called",
            "queue the waiters: hold a tokio::sync::Mutex (fair, first come first served) while waiting for the token, so a later caller cannot take it first",
            new,
            Callers { rate: 1, at: at(&[0, 500, 1_000, 1_000]) },
            "The caller at 500ms waits for the token due at 1s, so the callers at 1s come after it",
        ),
        schedule_check(
            "holds_at_most_rate",
            "saves up at most `rate` tokens while idle",
            "cap the bucket: tokens = (tokens + elapsed × rate).min(rate)",
            new,
            Callers { rate: 2, at: at(&[0, 0, 5_000, 5_000, 5_000]) },
            "After 5 idle seconds the bucket holds 2 tokens, not 10",
        ),
        Check::runtime(
            "any_callers",
            "serves any callers at exactly the instants a token bucket allows",
            "a token bucket: starts full, refills continuously at `rate` per second up to `rate`, one token per acquire, waiters served in order",
            move || {
                let strategy = (1u32..=5, prop::collection::vec(0u64..=60, 1..=10)).prop_map(
                    |(rate, tenths)| Callers {
                        rate,
                        at: tenths.into_iter().map(|t| ms(t * 50)).collect(),
                    },
                );
                Ok(property(
                    40,
                    strategy,
                    |callers| run(new, callers.clone()),
                    |_, result| result.as_ref().is_ok_and(|r| r.first_wrong().is_none()),
                ))
            },
            |cases: &Cases<Callers, Served>| {
                cases.judge(
                    |a, b| (a.at.len(), a.rate).cmp(&(b.at.len(), b.rate)),
                    |_, result| match result {
                        Err(failure) => Some(failure.verdict()),
                        Ok(r) => r
                            .first_wrong()
                            .is_some()
                            .then(|| Verdict::fail(format!("{}; {}", r.summary(), r.explain()))),
                    },
                    Callers::describe,
                )
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_a_token_bucket() {
        let s = |ms_each: &[u64]| at(ms_each);
        assert_eq!(due(2, &s(&[0, 0, 0, 0])), s(&[0, 0, 500, 1_000]));
        assert_eq!(due(2, &s(&[0, 0, 5_000, 5_000, 5_000])), s(&[0, 0, 5_000, 5_000, 5_500]));
        assert_eq!(due(1, &s(&[0, 500, 1_000, 1_000])), s(&[0, 1_000, 2_000, 3_000]));
        let third = due(3, &s(&[0, 0, 0, 0]))[3];
        assert_eq!(tick_ceil(third), ms(334));
    }
}
