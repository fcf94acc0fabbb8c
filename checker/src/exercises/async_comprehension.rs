//! Checks of `06_async_comprehension`.

use std::time::Duration;

use probe_core::{ASYNC_GENERATOR, Mode, Session, StreamRecord, sig};
use serde::{Deserialize, Serialize};

use crate::check::{Check, Failure, Site, Verdict};
use crate::scenario::{CALL_LIMIT, call, paused};
use crate::show::{numbers, secs};

const TEN_SECONDS: Duration = Duration::from_secs(10);

/// One call of the student's async_comprehension and the streams it used.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Collected {
    scripted: Vec<f64>,
    returned: Vec<f64>,
    elapsed: Duration,
    streams: Vec<StreamRecord>,
}

/// Values no correct implementation would invent: distinct, unordered,
/// with fractions.
fn script() -> Vec<f64> {
    vec![7.25, 0.5, 9.875, 3.125, 3.0625, 6.5, 1.75, 8.375, 0.0, 10.0]
}

fn run(f: sig::AsyncComprehension, mode: Mode) -> Result<Collected, Failure> {
    paused(async move {
        let session = Session::new(mode);
        let scripted = script();
        // A second stream gets other values, so using two is visible.
        session.script(ASYNC_GENERATOR, [
            scripted.clone(),
            scripted.iter().map(|v| 10.0 - v).collect(),
        ]);
        let _installed = session.install();
        let t = call(
            Site::called("async_comprehension", "async_comprehension()"),
            CALL_LIMIT,
            f(),
        )
        .await?;
        Ok(Collected {
            scripted,
            returned: t.value,
            elapsed: t.elapsed,
            streams: session.records(ASYNC_GENERATOR),
        })
    })
}

pub(crate) fn checks(s: crate::subject::AsyncComprehension) -> Vec<Check> {
    let f = s.async_comprehension;
    vec![
        Check::runtime(
            "collects_values",
            "returns the 10 values of async_generator, in order",
            "collect every value the stream yields, in order, e.g. async_generator().collect::<Vec<_>>().await",
            move || run(f, Mode::Scripted),
            |r: &Collected| {
                Verdict::expect(r.returned == r.scripted, || {
                    let streams = if r.streams.len() > 1 {
                        format!(" (the first of the {} streams it asked for)", r.streams.len())
                    } else {
                        String::new()
                    };
                    format!(
                        "async_comprehension() returned {}; async_generator() yielded {}{streams}",
                        numbers(&r.returned),
                        numbers(&r.scripted)
                    )
                })
            },
        ),
        Check::runtime(
            "takes_ten_seconds",
            "takes the generator's 10 seconds, no more",
            "consume one stream once: its 10 values take 10 s in all",
            move || run(f, Mode::Scripted),
            |r: &Collected| {
                Verdict::expect(r.elapsed == TEN_SECONDS, || {
                    format!("async_comprehension() took {} of runtime time; expected 10s", secs(r.elapsed))
                })
            },
        ),
        Check::runtime(
            "uses_generator_once",
            "calls async_generator() once",
            "call async_generator() once and collect that one stream",
            move || run(f, Mode::Scripted),
            |r: &Collected| {
                Verdict::expect(r.streams.len() == 1, || {
                    format!("async_comprehension() called async_generator() {} times; expected once", r.streams.len())
                })
            },
        ),
        Check::runtime(
            "with_own_generator",
            "works with your own async_generator",
            "this check runs async_comprehension with your own async_generator; fix that exercise first",
            move || run(f, Mode::Own),
            |r: &Collected| {
                let ok = r.returned.len() == 10 && r.returned.iter().all(|v| (0.0..=10.0).contains(v)) && r.elapsed == TEN_SECONDS;
                Verdict::expect(ok, || {
                    format!(
                        "async_comprehension() with your async_generator returned {} after {}; expected 10 numbers in [0, 10] after 10s",
                        numbers(&r.returned),
                        secs(r.elapsed)
                    )
                })
            },
        )
        .own_earlier(),
    ]
}
