//! The project's own tests of its grader: the rules of `checker verify`,
//! applied to every reference solution, pristine stub and wrong-solution
//! fixture, one test per rule.

use std::sync::OnceLock;

use checker::verify::{Judged, Problem, Rule, analyze, layout};
use course_tests::{entries, judge_all, root};

/// How often each check runs on each entry. Every round must agree;
/// `COURSE_TEST_ROUNDS=100` makes this the 100-run determinism soak.
fn rounds() -> usize {
    std::env::var("COURSE_TEST_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
}

/// The fixture runner the checks run in, as children.
fn runner() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_BIN_EXE_judge-fixtures"))
}

fn judged() -> &'static [Judged] {
    static JUDGED: OnceLock<Vec<Judged>> = OnceLock::new();
    JUDGED.get_or_init(|| judge_all(&entries(), rounds(), runner()))
}

fn problems() -> &'static [Problem] {
    static PROBLEMS: OnceLock<Vec<Problem>> = OnceLock::new();
    PROBLEMS.get_or_init(|| analyze(judged()))
}

fn assert_none(rule: Rule) {
    let broken: Vec<String> = problems()
        .iter()
        .filter(|p| p.rule == rule)
        .map(|p| format!("{}: {}\n    fix: {}", p.exercise, p.what, p.fix))
        .collect();
    assert!(broken.is_empty(), "\n{}\n", broken.join("\n"));
}

#[test]
fn every_exercise_is_complete_and_configured() {
    let broken: Vec<String> = layout(&root())
        .iter()
        .map(|p| format!("{}: {}", p.exercise, p.what))
        .collect();
    assert!(broken.is_empty(), "\n{}\n", broken.join("\n"));
}

#[test]
fn every_check_ran() {
    assert!(judged().len() > 300, "only {} verdicts", judged().len());
}

#[test]
fn reference_solutions_pass_every_check() {
    assert_none(Rule::SolutionPasses);
}

#[test]
fn stubs_fail_saying_not_implemented() {
    assert_none(Rule::StubFails);
}

#[test]
fn fixtures_fail_exactly_what_they_declare() {
    assert_none(Rule::FixtureExact);
}

#[test]
fn every_check_is_failed_by_some_fixture() {
    assert_none(Rule::CheckCaught);
}

#[test]
fn verdicts_are_the_same_every_round() {
    assert_none(Rule::Deterministic);
}

#[test]
fn failing_checks_say_what_to_do() {
    assert_none(Rule::Explained);
}

#[test]
fn at_most_one_check_per_exercise_uses_the_own_earlier_exercise() {
    assert_none(Rule::OwnEarlier);
}
