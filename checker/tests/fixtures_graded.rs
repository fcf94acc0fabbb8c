//! The grader's path agrees with the project's suite on every fixture.
//!
//! The suite (`tests/`) judges each fixture through the fixture runner;
//! here every fixture is graded by `checker grade`, sandboxed, as a
//! student's submission, and must fail exactly the checks its `//! fails:`
//! line declares, while every reference solution passes everything.
//!
//! One grading holds one fixture of every exercise (the k-th of each), the
//! other exercises' reference solutions filling in. A check that runs the
//! student's own earlier exercises ("works with your own …") is compared
//! only where those are reference solutions in that grading, as in the
//! suite; fixtures that declare such a check go last, where the earlier
//! exercises, having fewer fixtures, are references.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use checker::Status;
use checker::grade::own_chain;
use checker::subject::Subject;

/// A fixture: its file and the checks it declares it fails.
struct Fixture {
    path: PathBuf,
    fails: BTreeSet<String>,
}

fn declared(text: &str) -> BTreeSet<String> {
    text.lines()
        .take_while(|l| l.starts_with("//!"))
        .filter_map(|l| l.trim_start_matches("//!").trim().strip_prefix("fails:"))
        .flat_map(|ids| ids.split(','))
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty() && id != "none")
        .collect()
}

/// The ids of `exercise`'s checks that run the student's earlier exercises.
fn own_earlier(exercise: &str) -> BTreeSet<String> {
    Subject::unlinked(exercise)
        .map(checker::exercises::checks)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.uses_own_earlier)
        .map(|c| c.id)
        .collect()
}

/// Every exercise's fixtures, those failing an own-earlier check last.
fn fixtures() -> BTreeMap<&'static str, Vec<Fixture>> {
    let mut all = BTreeMap::new();
    for exercise in common::all_exercises() {
        let own_earlier = own_earlier(exercise);
        let dir = common::root().join("tests/fixtures").join(exercise);
        let mut fixtures: Vec<Fixture> = std::fs::read_dir(&dir)
            .map(|d| d.map(|e| e.unwrap().path()).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .map(|path| Fixture {
                fails: declared(&std::fs::read_to_string(&path).unwrap()),
                path,
            })
            .collect();
        fixtures.sort_by_key(|f| (!f.fails.is_disjoint(&own_earlier), f.path.clone()));
        all.insert(exercise, fixtures);
    }
    all
}

#[test]
fn every_fixture_graded_fails_exactly_what_it_declares() {
    let fixtures = fixtures();
    let rounds = fixtures.values().map(Vec::len).max().unwrap_or(0);
    let mut wrong = Vec::new();
    let mut compared = 0;
    for k in 0..rounds {
        let dir = tempfile::tempdir().unwrap();
        let mut in_play: BTreeMap<&str, &Fixture> = BTreeMap::new();
        for exercise in common::all_exercises() {
            let to = dir.path().join("exercises").join(exercise).join("src");
            std::fs::create_dir_all(&to).unwrap();
            let from = match fixtures[exercise].get(k) {
                Some(fixture) => {
                    in_play.insert(exercise, fixture);
                    fixture.path.clone()
                }
                None => common::root()
                    .join("solutions")
                    .join(exercise)
                    .join("src/lib.rs"),
            };
            std::fs::copy(from, to.join("lib.rs")).unwrap();
        }
        let report = common::grade_with(dir.path(), &[], &["--reveal-hidden"], &[]).report;
        // Quizzes are not fixtures: they have their own tests (quiz_cli).
        for exercise in report
            .exercises
            .iter()
            .filter(|e| e.kind == checker::report::Kind::Exercise)
        {
            let earlier_is_reference = own_chain(&exercise.id)
                .iter()
                .all(|e| !in_play.contains_key(e));
            let own_earlier = own_earlier(&exercise.id);
            let judged = |id: &String| earlier_is_reference || !own_earlier.contains(id);
            let failed: BTreeSet<String> = exercise
                .checks
                .iter()
                .filter(|c| c.status != Status::Passed)
                .map(|c| c.id.clone())
                .filter(judged)
                .collect();
            let (what, expected) = match in_play.get(exercise.id.as_str()) {
                Some(fixture) => (
                    fixture.path.display().to_string(),
                    fixture
                        .fails
                        .iter()
                        .filter(|id| judged(id))
                        .cloned()
                        .collect(),
                ),
                None => (format!("solutions/{}", exercise.id), BTreeSet::new()),
            };
            compared += 1;
            if failed != expected {
                wrong.push(format!(
                    "{what}: graded, fails {failed:?}; declares {expected:?} ({})",
                    exercise.message
                ));
            }
        }
    }
    assert!(
        compared > 150,
        "only {compared} gradings of an exercise compared"
    );
    assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n"));
}
