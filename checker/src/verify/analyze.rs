//! The rules a sound course obeys, applied to the verdicts of every check on
//! every reference solution, stub and fixture. `cargo test` (course-tests)
//! and `checker verify` apply these same rules.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::check::{Cause, Status};

/// What an implementation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `solutions/NN_name/src/lib.rs`.
    Solution,
    /// `exercises/NN_name/src/lib.rs`, pristine.
    Stub,
    /// `tests/fixtures/NN_name/*.rs`.
    Fixture,
}

/// The verdicts of one check on one implementation, one per round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    /// What the implementation is.
    pub kind: Kind,
    /// Its exercise.
    pub exercise: String,
    /// Its path from the course root.
    pub path: String,
    /// A fixture's declared failures (`None`: no `fails:` line).
    pub declared: Option<BTreeSet<String>>,
    /// The check.
    pub check: String,
    /// The check runs the student's own earlier exercise.
    pub uses_own_earlier: bool,
    /// One status per round.
    pub statuses: Vec<Status>,
    /// Why the first round did not pass: what the rules read.
    #[serde(default)]
    pub cause: Option<Cause>,
    /// The first round's message: what people read.
    pub message: String,
    /// The first round's hint.
    pub hint: String,
}

impl Judged {
    fn passed(&self) -> bool {
        self.statuses.first() == Some(&Status::Passed)
    }
}

/// Which rule a problem breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The course's layout or configuration is incomplete.
    Layout,
    /// A reference solution fails a check.
    SolutionPasses,
    /// A stub passes everything, or fails without saying it is not implemented.
    StubFails,
    /// A fixture fails other checks than it declares.
    FixtureExact,
    /// A check no fixture fails.
    CheckCaught,
    /// A check whose verdict changed between rounds.
    Deterministic,
    /// A failing check without a message or hint.
    Explained,
    /// More than one check of an exercise runs the student's own earlier exercise.
    OwnEarlier,
}

/// One thing wrong with the course, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Problem {
    /// The rule it breaks.
    pub rule: Rule,
    /// The exercise it concerns.
    pub exercise: String,
    /// What is wrong.
    pub what: String,
    /// How to fix it.
    pub fix: String,
}

fn problem(rule: Rule, exercise: &str, what: String, fix: &str) -> Problem {
    Problem {
        rule,
        exercise: exercise.to_owned(),
        what,
        fix: fix.to_owned(),
    }
}

/// Every broken rule in `judged`.
pub fn analyze(judged: &[Judged]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let of = |kind: Kind| judged.iter().filter(move |j| j.kind == kind);

    for j in of(Kind::Solution).filter(|j| !j.passed()) {
        problems.push(problem(
            Rule::SolutionPasses,
            &j.exercise,
            format!("{} fails {}: {}", j.path, j.check, j.message),
            "fix the reference solution, or the check if the solution is right",
        ));
    }

    let mut stub_failing: BTreeMap<&str, usize> = BTreeMap::new();
    for j in of(Kind::Stub) {
        stub_failing.entry(&j.exercise).or_default();
        if j.passed() {
            continue;
        }
        *stub_failing.entry(&j.exercise).or_default() += 1;
        if !matches!(j.cause, Some(Cause::Unimplemented { .. })) {
            problems.push(problem(
                Rule::StubFails,
                &j.exercise,
                format!(
                    "the stub fails {} without saying it is not implemented: {}",
                    j.check, j.message
                ),
                "make the stub's body todo!(), so every check reports \"not implemented yet\"",
            ));
        }
    }
    for (exercise, failing) in stub_failing {
        if failing == 0 {
            problems.push(problem(
                Rule::StubFails,
                exercise,
                format!("the stub of {exercise} passes every check"),
                "the stub must not solve the exercise: give it a todo!() body",
            ));
        }
    }

    let mut fixtures: BTreeMap<&str, (&Judged, BTreeSet<&str>)> = BTreeMap::new();
    for j in of(Kind::Fixture) {
        let entry = fixtures.entry(&j.path).or_insert((j, BTreeSet::new()));
        if !j.passed() {
            entry.1.insert(&j.check);
        }
    }
    for (path, (first, failed)) in &fixtures {
        let Some(declared) = &first.declared else {
            problems.push(problem(
                Rule::FixtureExact,
                &first.exercise,
                format!("{path} has no `//! fails:` line"),
                "declare the checks it must fail (`//! fails: none` for a correct alternative)",
            ));
            continue;
        };
        let declared: BTreeSet<&str> = declared.iter().map(String::as_str).collect();
        for check in failed.difference(&declared) {
            let message = of(Kind::Fixture)
                .find(|j| j.path == *path && j.check == *check)
                .map(|j| j.message.as_str())
                .unwrap_or_default();
            problems.push(problem(
                Rule::FixtureExact,
                &first.exercise,
                format!("{path} also fails {check}: {message}"),
                "add it to the fixture's `fails:` line if that is right, else fix the check",
            ));
        }
        for check in declared.difference(failed) {
            problems.push(problem(
                Rule::FixtureExact,
                &first.exercise,
                format!("{path} passes {check}, which it declares it fails"),
                "the check no longer catches this mistake: fix the check, or the declaration",
            ));
        }
    }

    let mut caught: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for j in of(Kind::Solution) {
        caught.entry((&j.exercise, &j.check)).or_default();
    }
    for j in of(Kind::Fixture).filter(|j| !j.passed()) {
        *caught.entry((&j.exercise, &j.check)).or_default() += 1;
    }
    for ((exercise, check), n) in caught {
        if n == 0 {
            problems.push(problem(
                Rule::CheckCaught,
                exercise,
                format!("no fixture fails {check}"),
                "add a wrong-solution fixture that fails it (tests/fixtures/NN_name/)",
            ));
        }
    }

    for j in judged
        .iter()
        .filter(|j| j.statuses.iter().any(|s| *s != j.statuses[0]))
    {
        problems.push(problem(
            Rule::Deterministic,
            &j.exercise,
            format!("{} on {} gave {:?} across rounds", j.check, j.path, j.statuses),
            "the verdict must not depend on luck: use more samples, or script the values the check depends on",
        ));
    }

    for j in judged
        .iter()
        .filter(|j| !j.passed() && (j.message.trim().is_empty() || j.hint.trim().is_empty()))
    {
        problems.push(problem(
            Rule::Explained,
            &j.exercise,
            format!(
                "{} on {} fails without a message and a hint",
                j.check, j.path
            ),
            "every failing verdict says what happened and how to fix it",
        ));
    }

    let mut own: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for j in of(Kind::Solution).filter(|j| j.uses_own_earlier) {
        own.entry(&j.exercise).or_default().insert(&j.check);
    }
    for (exercise, checks) in own.into_iter().filter(|(_, c)| c.len() > 1) {
        problems.push(problem(
            Rule::OwnEarlier,
            exercise,
            format!(
                "{} checks run the student's own earlier exercise: {checks:?}",
                checks.len()
            ),
            "at most one check per exercise may depend on an earlier exercise (SPEC.md, Grading 3)",
        ));
    }

    problems.sort();
    problems.dedup();
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(
        kind: Kind,
        path: &str,
        check: &str,
        statuses: &[Status],
        declared: Option<&[&str]>,
    ) -> Judged {
        Judged {
            kind,
            exercise: "01_wait_n".into(),
            path: path.into(),
            declared: declared.map(|d| d.iter().map(|s| s.to_string()).collect()),
            check: check.into(),
            uses_own_earlier: false,
            statuses: statuses.to_vec(),
            cause: (statuses[0] != Status::Passed)
                .then_some(Cause::Unimplemented { exercise: None }),
            message: if statuses[0] == Status::Passed {
                String::new()
            } else {
                "not implemented yet".into()
            },
            hint: "hint".into(),
        }
    }

    const PASS: &[Status] = &[Status::Passed];
    const FAIL: &[Status] = &[Status::Failed];

    /// A sound little course: the baseline every case below breaks once.
    fn sound() -> Vec<Judged> {
        vec![
            judged(Kind::Solution, "solutions/01", "concurrent", PASS, None),
            judged(Kind::Stub, "exercises/01", "concurrent", FAIL, None),
            judged(
                Kind::Fixture,
                "fixtures/seq.rs",
                "concurrent",
                FAIL,
                Some(&["concurrent"]),
            ),
            judged(
                Kind::Fixture,
                "fixtures/alt.rs",
                "concurrent",
                PASS,
                Some(&[]),
            ),
        ]
    }

    fn rules(judged: &[Judged]) -> Vec<Rule> {
        analyze(judged).into_iter().map(|p| p.rule).collect()
    }

    #[test]
    fn a_sound_course_has_no_problems() {
        assert_eq!(analyze(&sound()), []);
    }

    #[test]
    fn each_rule_catches_its_breach() {
        type Breach = Box<dyn Fn(&mut Vec<Judged>)>;
        let cases: Vec<(Rule, Breach)> = vec![
            (
                Rule::SolutionPasses,
                Box::new(|c| c[0].statuses = FAIL.to_vec()),
            ),
            (Rule::StubFails, Box::new(|c| c[1].statuses = PASS.to_vec())),
            (
                Rule::StubFails,
                Box::new(|c| {
                    c[1].cause = Some(Cause::Panicked);
                    c[1].message = "wait_n(3, 10s) panicked: oops".into();
                }),
            ),
            (
                Rule::FixtureExact,
                Box::new(|c| c[3].statuses = FAIL.to_vec()),
            ),
            (Rule::FixtureExact, Box::new(|c| c[3].declared = None)),
            (
                Rule::CheckCaught,
                Box::new(|c| {
                    c[2].statuses = PASS.to_vec();
                    c[2].declared = Some(BTreeSet::new());
                }),
            ),
            (
                Rule::Deterministic,
                Box::new(|c| c[2].statuses = vec![Status::Failed, Status::Passed]),
            ),
            (Rule::Explained, Box::new(|c| c[2].hint = String::new())),
            (
                Rule::OwnEarlier,
                Box::new(|c| {
                    let mut other = c[0].clone();
                    other.check = "with_own_too".into();
                    other.uses_own_earlier = true;
                    c[0].uses_own_earlier = true;
                    c.push(other);
                }),
            ),
        ];
        for (rule, breach) in cases {
            let mut course = sound();
            breach(&mut course);
            assert!(
                rules(&course).contains(&rule),
                "{rule:?} not reported: {:?}",
                analyze(&course)
            );
        }
    }
}
