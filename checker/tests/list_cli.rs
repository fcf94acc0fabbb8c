//! `checker list`: each exercise's state from the student's last
//! `cargo test -p` of it (a record beside the build), or from its sources
//! when it has never run.

use std::process::Command;

use checker::progress::{self, Record};

#[test]
fn list_shows_every_exercise_with_its_state_and_points() {
    let course = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (exercise, from) in [
        ("00_wait_random", "solutions"),
        ("01_wait_n", "exercises"),
        ("02_measure_time", "solutions"),
        ("03_task_wait_random", "solutions"),
    ] {
        let dir = course.path().join("exercises").join(exercise);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::copy(
            root.join(from).join(exercise).join("src/lib.rs"),
            dir.join("src/lib.rs"),
        )
        .unwrap();
        std::fs::copy(
            root.join("exercises").join(exercise).join("checks.yaml"),
            dir.join("checks.yaml"),
        )
        .unwrap();
    }
    let src = |e: &str| course.path().join("exercises").join(e).join("src");
    let record = |exercise: &str, passed, sources: String| Record {
        exercise: exercise.into(),
        passed,
        total: 5,
        score: passed as f64 * 2.0,
        max_score: 10.0,
        sources,
        failing: Vec::new(),
        checks: Vec::new(),
    };
    // The records of this course alone, where its runs would write them.
    let records = tempfile::tempdir().unwrap();
    let save = |r: Record| {
        let path = records.path().join(format!("{}.json", r.exercise));
        std::fs::write(path, serde_json::to_string(&r).unwrap()).unwrap();
    };
    save(record(
        "00_wait_random",
        5,
        progress::source_hash(&src("00_wait_random")),
    ));
    save(record("03_task_wait_random", 3, "an older version".into()));

    let output = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["list", "--course"])
        .arg(course.path())
        .env(progress::DIR_ENV, records.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    let said = String::from_utf8_lossy(&output.stdout);
    let line = |e: &str| {
        said.lines()
            .find(|l| l.starts_with(e))
            .unwrap_or_else(|| panic!("{said}"))
            .to_owned()
    };
    assert!(
        line("00_wait_random").contains("done") && line("00_wait_random").ends_with("10/10"),
        "{said}"
    );
    assert!(
        line("00_wait_random").contains("wait a random delay without blocking"),
        "{said}"
    );
    assert!(line("01_wait_n").contains("not started"), "{said}");
    assert!(
        line("02_measure_time").contains("not checked: cargo test -p measure_time"),
        "{said}"
    );
    assert!(
        line("03_task_wait_random").contains("changed since its last run (3/5)"),
        "{said}"
    );
    let total = said.lines().last().unwrap();
    assert!(
        total.contains("1/16 exercises done, 10/10 points checked so far"),
        "{said}"
    );
}
