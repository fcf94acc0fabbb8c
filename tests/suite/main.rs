//! The project's own tests of its grader, on every reference solution,
//! pristine stub and wrong-solution fixture (see `course_tests`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use checker::Status;
use course_tests::{Judged, Kind, entries, judge_all};

/// How often each check runs on each entry. Every round must agree;
/// `COURSE_TEST_ROUNDS=100` makes this the 100-run determinism soak.
fn rounds() -> usize {
    std::env::var("COURSE_TEST_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
}

/// Every check on every entry, judged once for all tests below.
fn judged() -> &'static [Judged] {
    static JUDGED: OnceLock<Vec<Judged>> = OnceLock::new();
    JUDGED.get_or_init(|| judge_all(&entries(), rounds()))
}

fn of(kind: Kind) -> impl Iterator<Item = &'static Judged> {
    judged().iter().filter(move |j| j.entry.kind == kind)
}

fn status(j: &Judged) -> Status {
    j.verdicts[0].status
}

fn assert_none(problems: Vec<String>) {
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn reference_solutions_pass_every_check() {
    let problems = of(Kind::Solution)
        .filter(|j| status(j) != Status::Passed)
        .map(|j| format!("{} {}: {:?}", j.entry.exercise, j.check.id, j.verdicts[0]))
        .collect();
    assert_none(problems);
}

#[test]
fn stubs_fail_saying_not_implemented() {
    let mut failing_per_exercise: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for j in of(Kind::Stub) {
        let verdict = &j.verdicts[0];
        if verdict.status == Status::Passed {
            continue;
        }
        *failing_per_exercise.entry(j.entry.exercise).or_default() += 1;
        if !verdict.message.contains("not implemented yet") {
            problems.push(format!(
                "{} {}: {}",
                j.entry.exercise, j.check.id, verdict.message
            ));
        }
    }
    for (exercise, _) in checker::exercises::EXERCISES {
        if !failing_per_exercise.contains_key(exercise) {
            problems.push(format!("the stub of {exercise} passes every check"));
        }
    }
    assert_none(problems);
}

#[test]
fn fixtures_fail_exactly_what_they_declare() {
    let mut failed: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut declared = BTreeMap::new();
    for j in of(Kind::Fixture) {
        declared.insert(j.entry.path, j.entry.declared_failures());
        let set = failed.entry(j.entry.path).or_default();
        if status(j) != Status::Passed {
            set.insert(j.check.id.clone());
        }
    }
    let mut problems = Vec::new();
    for (path, failed) in &failed {
        let Some(declared) = &declared[path] else {
            problems.push(format!(
                "{path}: no `//! fails:` line (use `fails: none` for a correct one)"
            ));
            continue;
        };
        let unexpected: Vec<_> = failed.difference(declared).collect();
        let missed: Vec<_> = declared.difference(failed).collect();
        if !unexpected.is_empty() || !missed.is_empty() {
            problems.push(format!(
                "{path}: also failed {unexpected:?}; passed although declared {missed:?}"
            ));
            for j in of(Kind::Fixture)
                .filter(|j| j.entry.path == *path && unexpected.contains(&&j.check.id))
            {
                problems.push(format!("    {}: {}", j.check.id, j.verdicts[0].message));
            }
        }
    }
    assert_none(problems);
}

#[test]
fn every_check_is_failed_by_some_fixture() {
    let mut caught: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for j in judged().iter().filter(|j| j.entry.kind == Kind::Solution) {
        caught.insert((j.entry.exercise, j.check.id.as_str()), 0);
    }
    for j in of(Kind::Fixture).filter(|j| status(j) != Status::Passed) {
        *caught
            .entry((j.entry.exercise, j.check.id.as_str()))
            .or_default() += 1;
    }
    let problems = caught
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|((exercise, id), _)| format!("{exercise} {id}: no fixture fails it"))
        .collect();
    assert_none(problems);
}

#[test]
fn verdicts_are_the_same_every_round() {
    let problems = judged()
        .iter()
        .filter(|j| j.verdicts.iter().any(|v| v.status != j.verdicts[0].status))
        .map(|j| {
            let statuses: Vec<_> = j.verdicts.iter().map(|v| v.status).collect();
            format!("{} {}: {statuses:?}", j.entry.path, j.check.id)
        })
        .collect();
    assert_none(problems);
}

#[test]
fn failing_checks_say_what_to_do() {
    let problems = judged()
        .iter()
        .filter(|j| status(j) != Status::Passed)
        .filter(|j| j.verdicts[0].message.trim().is_empty() || j.verdicts[0].hint.is_none())
        .map(|j| format!("{} {}: {:?}", j.entry.path, j.check.id, j.verdicts[0]))
        .collect();
    assert_none(problems);
}

#[test]
fn at_most_one_check_per_exercise_uses_the_own_earlier_exercise() {
    let problems = of(Kind::Solution)
        .filter(|j| j.check.uses_own_earlier)
        .fold(BTreeMap::<&str, Vec<&str>>::new(), |mut m, j| {
            m.entry(j.entry.exercise).or_default().push(&j.check.id);
            m
        })
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(exercise, ids)| format!("{exercise}: {ids:?}"))
        .collect();
    assert_none(problems);
}

#[test]
fn check_ids_are_unique_within_an_exercise() {
    let mut problems = Vec::new();
    for (exercise, _) in checker::exercises::EXERCISES {
        let mut seen = BTreeSet::new();
        for j in of(Kind::Solution).filter(|j| j.entry.exercise == exercise) {
            if !seen.insert(j.check.id.clone()) {
                problems.push(format!("{exercise}: duplicate id {}", j.check.id));
            }
        }
    }
    assert_none(problems);
}
