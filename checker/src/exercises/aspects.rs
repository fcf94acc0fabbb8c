//! Checks that judge one exact model by aspects (exercises 13–15): an
//! observation lists every way it differs from the model, each problem
//! under one aspect. A named check passes when none of its aspects has a
//! problem, so one mistake fails the checks about it and no others; the
//! property check passes when no input shows any problem.

use std::cmp::Ordering;
use std::fmt::Debug;

use proptest::strategy::Strategy;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::check::{Check, Failure, Verdict};
use crate::scenario::{Cases, property};

/// What one run of student code showed, against the model of its input.
pub(crate) trait Modelled: Serialize + DeserializeOwned + 'static {
    /// What a check looks at.
    type Aspect: Copy + PartialEq + Send + Sync + 'static;
    /// What the check chose: the call, the script, the load.
    type Input: Clone + Debug + Serialize + DeserializeOwned + Send + Sync + 'static;

    /// Every way this run differs from the model, by aspect.
    fn problems(&self) -> Vec<(Self::Aspect, String)>;

    /// The input this run was given.
    fn input(&self) -> &Self::Input;

    /// An input, for messages: the call and what the check scripted.
    fn describe(input: &Self::Input) -> String;

    /// The problems of `aspects`, joined for a message; empty when none.
    fn explain(&self, aspects: &[Self::Aspect]) -> String {
        let found: Vec<String> = self
            .problems()
            .into_iter()
            .filter(|(aspect, _)| aspects.contains(aspect))
            .map(|(_, problem)| problem)
            .collect();
        found.join("; ")
    }
}

/// A check of one input, judged on `aspects`.
pub(crate) fn aspect_check<O: Modelled>(
    id: &str,
    name: &str,
    hint: &str,
    run: impl Fn(O::Input) -> Result<O, Failure> + Send + Sync + 'static,
    input: O::Input,
    aspects: &'static [O::Aspect],
) -> Check {
    Check::runtime(
        id,
        name,
        hint,
        move || run(input.clone()),
        move |observed: &O| {
            let found = observed.explain(aspects);
            Verdict::expect(found.is_empty(), || {
                format!("{}: {found}", O::describe(observed.input()))
            })
        },
    )
}

/// The property check: `cases` inputs from `strategy`, each judged on
/// every aspect; a failure names the smallest failing input by `order`.
pub(crate) fn property_check<O, S>(
    id: &str,
    name: &str,
    hint: &str,
    (cases, strategy): (u32, fn() -> S),
    run: impl Fn(O::Input) -> Result<O, Failure> + Send + Sync + 'static,
    order: fn(&O::Input, &O::Input) -> Ordering,
) -> Check
where
    O: Modelled,
    S: Strategy<Value = O::Input> + 'static,
{
    let passes = |result: &Result<O, Failure>| {
        result
            .as_ref()
            .is_ok_and(|observed| observed.problems().is_empty())
    };
    Check::runtime(
        id,
        name,
        hint,
        move || {
            Ok(property(
                cases,
                strategy(),
                |input| run(input.clone()),
                |_, result| passes(result),
            ))
        },
        move |cases: &Cases<O::Input, O>| {
            cases.judge(
                order,
                |_, result| match result {
                    Err(failure) => Some(failure.verdict()),
                    Ok(observed) => {
                        let found: Vec<String> =
                            observed.problems().into_iter().map(|(_, p)| p).collect();
                        (!found.is_empty()).then(|| Verdict::fail(found.join("; ")))
                    }
                },
                O::describe,
            )
        },
    )
}
