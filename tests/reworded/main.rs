//! No verdict, skip or `checker verify` rule may rest on how a message is
//! worded. This test judges every reference solution, stub and fixture,
//! then rewords every message and hint the checker writes
//! (`checker::wording`) and judges them all again: every check must end the
//! same way, for the same typed cause, and the rules must find the same
//! problems (none). Its own binary, because rewording is process-wide.

use checker::verify::analyze;
use course_tests::{entries, judge_all};

#[test]
fn verdicts_and_rules_do_not_depend_on_wording() {
    let entries = entries();
    let runner = std::path::Path::new(env!("CARGO_BIN_EXE_judge-fixtures"));
    let plain = judge_all(&entries, 1, runner);
    checker::wording::reword_everything();
    let reworded = judge_all(&entries, 1, runner);

    assert_eq!(plain.len(), reworded.len());
    let mut changed = Vec::new();
    for (a, b) in plain.iter().zip(&reworded) {
        assert_eq!((&a.path, &a.check), (&b.path, &b.check));
        if a.statuses != b.statuses || a.cause != b.cause {
            changed.push(format!(
                "{} {}: {:?} {:?} became {:?} {:?}",
                a.path, a.check, a.statuses, a.cause, b.statuses, b.cause
            ));
        }
    }
    assert!(changed.is_empty(), "\n{}\n", changed.join("\n"));

    // The rewording really happened: a failing verdict reads differently.
    let failing = plain
        .iter()
        .zip(&reworded)
        .find(|(a, _)| !a.message.is_empty())
        .expect("some fixture fails with a message");
    assert_ne!(failing.0.message, failing.1.message);
    assert!(failing.1.message.starts_with("[reworded]"));

    let rules = |judged| {
        analyze(judged)
            .into_iter()
            .map(|p| (p.rule, p.exercise))
            .collect::<Vec<_>>()
    };
    assert_eq!(rules(&plain), rules(&reworded));
    assert_eq!(rules(&reworded), vec![], "the rules found problems");
}
