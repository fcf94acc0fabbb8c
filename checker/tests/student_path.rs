//! The student's path agrees with the suite and the grader on every fixture.
//!
//! `tests/suite` judges each fixture through the fixture runner and
//! `fixtures_graded.rs` grades it with `checker grade`; here each one is put
//! in a copy of the course as the student's `src/lib.rs` and run with
//! `cargo test -p <crate>`, the command students use. All three hold it to
//! the same `//! fails:` line, so the three paths give the same verdicts.
//! Students do not run hidden checks, so those are compared by the other
//! two paths only. The earlier exercises hold reference solutions, as in
//! the suite, so "works with your own …" checks run rather than wait.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use checker::subject::Subject;

use common::root;

fn declared(text: &str) -> BTreeSet<String> {
    text.lines()
        .take_while(|l| l.starts_with("//!"))
        .filter_map(|l| l.trim_start_matches("//!").trim().strip_prefix("fails:"))
        .flat_map(|ids| ids.split(','))
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty() && id != "none")
        .collect()
}

/// `cargo test -p krate` in `course`: each check's libtest status
/// (`ok`, `FAILED`, `ignored`) by id, and the whole output.
fn student_run(course: &Path, krate: &str) -> (Vec<(String, String)>, String) {
    let output = Command::new(env!("CARGO"))
        .args(["test", "-p", krate, "--", "--test-threads", "4"])
        .current_dir(course)
        .env("CARGO_TARGET_DIR", common::copies_target())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let statuses = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test "))
        .filter_map(|l| l.split_once(" ... "))
        .map(|(id, status)| (id.trim().to_owned(), status.trim().to_owned()))
        .collect();
    let all = format!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    (statuses, all)
}

#[test]
fn cargo_test_fails_exactly_what_each_fixture_declares() {
    let course = common::course_copy(
        "student-path",
        &[
            "Cargo.toml",
            "Cargo.lock",
            "checker",
            "exercises",
            "services",
            "solutions",
            "tests",
        ],
    );
    for (dir, _) in checker::exercises::EXERCISES {
        let rel = format!("{dir}/src/lib.rs");
        std::fs::copy(
            root().join("solutions").join(&rel),
            course.join("exercises").join(&rel),
        )
        .unwrap();
    }

    let mut mismatches = Vec::new();
    let mut ran = 0;
    for (dir, krate) in checker::exercises::EXERCISES {
        let subject = Subject::unlinked(dir).expect("a catalog exercise");
        let public: BTreeSet<String> =
            checker::course::configured_checks(subject, &root().join("exercises").join(dir))
                .expect("the course's checks.yaml is valid")
                .into_iter()
                .filter(|c| !c.hidden)
                .map(|c| c.id)
                .collect();
        let mut cases = vec![(root().join("solutions").join(dir).join("src/lib.rs"))];
        let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures").join(dir))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        fixtures.retain(|p| p.extension().is_some_and(|e| e == "rs"));
        fixtures.sort();
        cases.extend(fixtures);

        let target = course.join("exercises").join(dir).join("src/lib.rs");
        for case in &cases {
            let text = std::fs::read_to_string(case).unwrap();
            std::fs::write(&target, &text).unwrap();
            let expected: BTreeSet<String> =
                declared(&text).intersection(&public).cloned().collect();
            let (statuses, output) = student_run(&course, krate);
            let ids: BTreeSet<String> = statuses.iter().map(|(id, _)| id.clone()).collect();
            let failed: BTreeSet<String> = statuses
                .iter()
                .filter(|(_, s)| s == "FAILED")
                .map(|(id, _)| id.clone())
                .collect();
            let other: Vec<_> = statuses
                .iter()
                .filter(|(_, s)| s != "FAILED" && s != "ok")
                .collect();
            ran += 1;
            if ids != public || failed != expected || !other.is_empty() {
                mismatches.push(format!(
                    "{}: cargo test -p {krate} failed {failed:?}, expected {expected:?}; \
                     checks shown {ids:?}, public {public:?}; not run: {other:?}\n{output}",
                    case.strip_prefix(root()).unwrap_or(case).display()
                ));
            }
        }
        std::fs::copy(
            root().join("solutions").join(dir).join("src/lib.rs"),
            &target,
        )
        .unwrap();
    }
    assert!(ran > 100, "only {ran} implementations ran");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
