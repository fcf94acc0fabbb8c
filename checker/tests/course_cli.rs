//! `checker verify`, `new` and `export`, and a check added by YAML alone,
//! through the real binary on copies of the course.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The copies share one target directory: one at a time keeps it unlocked.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    common::root()
}

fn shared_target() -> PathBuf {
    common::copies_target()
}

fn copy_course(name: &str) -> PathBuf {
    common::course_copy(
        name,
        &[
            "Cargo.toml",
            "Cargo.lock",
            ".gitignore",
            "checker",
            "exercises",
            "services",
            "solutions",
            "tests",
        ],
    )
}

fn checker(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(args)
        .env("CARGO_TARGET_DIR", shared_target())
        .env(
            "CHECKER_CACHE_DIR",
            root().join("target/checker-test-cache"),
        )
        .env("CHECKER_WATCHDOG_MS", "5000")
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `checker verify` on the repository itself: this is how CI runs it.
#[test]
fn the_repository_verifies() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let output = checker(&["verify", "--course", root().to_str().unwrap()]);
    let text = text(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("the course is sound: no problems"), "{text}");
}

#[test]
fn verify_names_a_broken_solution_and_a_fixture_that_stopped_failing() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let course = copy_course("verify");
    // The reference wait_n now awaits its waits one by one.
    std::fs::write(
        course.join("solutions/01_wait_n/src/lib.rs"),
        "use std::time::Duration;\nuse wait_random::wait_random;\n\n\
         pub async fn wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {\n\
         let mut delays = Vec::new();\n    for _ in 0..n {\n        delays.push(wait_random(max_delay).await);\n    }\n    delays\n}\n",
    )
    .unwrap();
    // A fixture that declares it fails, but is now the correct solution.
    let fixture = course.join("tests/fixtures/01_wait_n/sequential_awaits.rs");
    let header: String = std::fs::read_to_string(&fixture)
        .unwrap()
        .lines()
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect();
    let correct = std::fs::read_to_string(root().join("solutions/01_wait_n/src/lib.rs")).unwrap();
    let correct: String = correct
        .lines()
        .filter(|l| !l.starts_with("//!"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&fixture, header + &correct).unwrap();

    let output = checker(&[
        "verify",
        "--rounds",
        "1",
        "--course",
        course.to_str().unwrap(),
    ]);
    let text = text(&output);
    assert_eq!(
        output.status.code(),
        Some(checker::exit_code::FAILED),
        "{text}"
    );
    assert!(
        text.contains("solutions/01_wait_n/src/lib.rs fails concurrent"),
        "{text}"
    );
    assert!(
        text.contains("sequential_awaits.rs passes concurrent, which it declares it fails"),
        "{text}"
    );
    assert!(text.contains("fix:"), "{text}");
}

/// `checker new` wires the exercise in (catalog entry, runner dependency),
/// so the course compiles with it at once; `checker verify`, run from the
/// course's own build, then names what the author has left to write, and
/// the student's `cargo test -p` says there are no checks yet.
#[test]
fn a_new_exercise_is_wired_and_reported_incomplete_until_filled() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let course = copy_course("new");
    let dir = course.to_str().unwrap();
    let made = checker(&["new", "08_gather_all", "--course", dir]);
    assert!(made.status.success(), "{}", text(&made));
    for wired in ["checker/src/catalog.rs", "checker/runner/Cargo.toml"] {
        assert!(text(&made).contains(wired), "{}", text(&made));
    }
    let again = checker(&["new", "08_gather_all", "--course", dir]);
    assert_eq!(again.status.code(), Some(checker::exit_code::USAGE));
    assert!(text(&again).contains("exists already"));

    // The course's own checker, compiled with the new entry, verifies it.
    let output = Command::new(env!("CARGO"))
        .args([
            "run", "-q", "-p", "checker", "--", "verify", "--rounds", "1",
        ])
        .current_dir(&course)
        .env("CARGO_TARGET_DIR", shared_target())
        .output()
        .unwrap();
    let verified = text(&output);
    assert_eq!(
        output.status.code(),
        Some(checker::exit_code::FAILED),
        "{verified}"
    );
    for missing in [
        "checker/src/exercises/gather_all.rs defines no checks",
        "tests/fixtures/08_gather_all/ has no fixtures",
        "solutions/08_gather_all/src/lib.rs still has a todo!()",
    ] {
        assert!(
            verified.contains(missing),
            "expected {missing:?} in:\n{verified}"
        );
    }
    assert!(!verified.contains("not registered"), "{verified}");
    assert!(
        !verified.contains("01_wait_n:"),
        "the other exercises are still sound:\n{verified}"
    );

    let test = Command::new(env!("CARGO"))
        .args(["test", "-q", "-p", "gather_all"])
        .current_dir(&course)
        .env("CARGO_TARGET_DIR", shared_target())
        .output()
        .unwrap();
    assert!(!test.status.success(), "{}", text(&test));
    assert!(
        text(&test).contains("08_gather_all has no checks yet"),
        "{}",
        text(&test)
    );
}

#[test]
fn a_check_added_by_yaml_alone_runs_in_cargo_test_and_in_grade() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let course = copy_course("yaml");
    let config = course.join("exercises/01_wait_n/checks.yaml");
    let mut yaml = std::fs::read_to_string(&config).unwrap();
    yaml.push_str(
        "  - id: three_waits_from_yaml\n    points: 3\n    case:\n      n: 3\n      max_delay: 2s\n      \
         delays: [2s, 500ms, 1s]\n      values: [1s, 2s, 500ms]\n      expect:\n        length: 3\n        \
         completion_order: true\n        elapsed: 2s\n",
    );
    std::fs::write(&config, yaml).unwrap();
    // wait_n solved, and the wait_random its "own" check runs through.
    solve(&course, &["00_wait_random", "01_wait_n"]);

    let test = Command::new(env!("CARGO"))
        .args(["test", "-p", "wait_n"])
        .current_dir(&course)
        .env("CARGO_TARGET_DIR", shared_target())
        .output()
        .unwrap();
    let out = text(&test);
    assert!(test.status.success(), "{out}");
    assert!(out.contains("test three_waits_from_yaml ... ok"), "{out}");

    // Grade a separate submission against the copy, whose stubs are back.
    let submission = root().join("target/course-copy/yaml-submission");
    let _ = std::fs::remove_dir_all(&submission);
    for exercise in ["00_wait_random", "01_wait_n"] {
        let rel = format!("{exercise}/src/lib.rs");
        std::fs::copy(
            root().join("exercises").join(&rel),
            course.join("exercises").join(&rel),
        )
        .unwrap();
        std::fs::create_dir_all(submission.join("exercises").join(exercise).join("src")).unwrap();
        std::fs::copy(
            root().join("solutions").join(&rel),
            submission.join("exercises").join(&rel),
        )
        .unwrap();
    }
    let graded = checker(&[
        "grade",
        "--format",
        "json",
        "--exercise",
        "01_wait_n",
        "--course",
        course.to_str().unwrap(),
        "--submission",
        submission.to_str().unwrap(),
    ]);
    assert!(graded.status.success(), "{}", text(&graded));
    let report: checker::report::Report = serde_json::from_slice(&graded.stdout).unwrap();
    let check = report.exercises[0]
        .checks
        .iter()
        .find(|c| c.id == "three_waits_from_yaml")
        .expect("the YAML check is graded");
    assert_eq!((check.status, check.score), (checker::Status::Passed, 3.0));
}

/// The export of a course that hides a case (`many_waits`) and a Rust check
/// (`no_sort`, whose code ships with the checker, so the export withholds
/// it): no secret leaves, and `cargo test -p <exercise>` in the export runs
/// the public checks, where it once refused its own checks.yaml.
#[test]
fn the_student_export_holds_no_secrets_and_runs_its_checks() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let course = copy_course("export-source");
    let config = course.join("exercises/01_wait_n/checks.yaml");
    let yaml = std::fs::read_to_string(&config).unwrap();
    let hidden_rust = yaml.replace("  - id: no_sort\n", "  - id: no_sort\n    hidden: true\n");
    assert_ne!(hidden_rust, yaml, "wait_n lists the Rust check no_sort");
    std::fs::write(&config, hidden_rust).unwrap();
    let out = root().join("target/course-copy/export");
    let _ = std::fs::remove_dir_all(&out);
    let export = |out: &Path| {
        checker(&[
            "export",
            "--student",
            out.to_str().unwrap(),
            "--course",
            course.to_str().unwrap(),
        ])
    };
    let exported = export(&out);
    assert!(exported.status.success(), "{}", text(&exported));
    let again = export(&out);
    assert_eq!(
        again.status.code(),
        Some(checker::exit_code::IO),
        "a non-empty directory is refused"
    );

    let mut files = Vec::new();
    let mut stack = vec![out.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.push((
                    entry.path(),
                    std::fs::read_to_string(entry.path()).unwrap_or_default(),
                ));
            }
        }
    }
    assert!(!out.join("solutions").exists() && !out.join("tests").exists());

    // No line of any reference solution that the course's public files
    // (the checker, the exercises) do not also hold.
    let mut public = String::new();
    let mut stack = vec![root().join("checker"), root().join("exercises")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                if entry.file_name() != "target" && entry.file_name() != "tests" {
                    stack.push(entry.path());
                }
            } else {
                public.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
    }
    let mut secret_lines = 0;
    for (exercise, _) in checker::exercises::EXERCISES {
        let solution =
            std::fs::read_to_string(root().join("solutions").join(exercise).join("src/lib.rs"))
                .unwrap();
        for line in solution
            .lines()
            .map(str::trim)
            .filter(|l| l.len() > 20 && !public.contains(*l))
        {
            secret_lines += 1;
            for (path, text) in &files {
                assert!(
                    !text.contains(line),
                    "{} holds solution text {line:?}",
                    path.display()
                );
            }
        }
    }
    assert!(
        secret_lines > 50,
        "only {secret_lines} solution lines to look for"
    );
    // No hidden check, while the public ones are there.
    let hidden = ["many_waits"];
    let config = std::fs::read_to_string(root().join("exercises/01_wait_n/checks.yaml")).unwrap();
    assert!(
        config.contains("many_waits") && config.contains("hidden: true"),
        "the course has a hidden check to strip"
    );
    for (path, text) in &files {
        for id in hidden {
            assert!(
                !text.contains(id),
                "{} mentions the hidden check {id}",
                path.display()
            );
        }
    }
    // The hidden Rust check is withheld, by id only.
    let rel = "exercises/01_wait_n/checks.yaml";
    let exported = std::fs::read_to_string(out.join(rel)).unwrap();
    let public = checker::course::parse(rel, "01_wait_n", &exported).unwrap();
    assert_eq!(public.withheld, ["no_sort"], "{exported}");
    let ids: Vec<_> = public.checks.iter().map(|e| e.id.as_str()).collect();
    assert!(
        ids.contains(&"five_waits") && ids.contains(&"concurrent"),
        "{ids:?}"
    );
    assert!(!ids.contains(&"no_sort"), "{ids:?}");
    assert!(public.checks.iter().all(|e| !e.hidden), "{exported}");

    // It builds, and the stub fails its checks saying it is not
    // implemented: the config is accepted, the withheld check not shown.
    let cargo_test = |package: &str| {
        let test = Command::new(env!("CARGO"))
            .args(["test", "--offline", "-p", package])
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", shared_target())
            .output()
            .unwrap();
        (test.status.success(), text(&test))
    };
    let (passed, text) = cargo_test("wait_n");
    assert!(!passed, "{text}");
    assert!(text.contains("wait_n is not implemented yet"), "{text}");
    assert!(text.contains("test result: FAILED"), "{text}");
    assert!(!text.contains("is invalid"), "{text}");
    assert!(!text.contains("no_sort"), "{text}");

    // The reference solutions pass every public check.
    solve(&out, &["00_wait_random", "01_wait_n"]);
    for (package, check) in [("wait_random", "within_range"), ("wait_n", "concurrent")] {
        let (passed, text) = cargo_test(package);
        assert!(passed, "{text}");
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("test {check} ")) && l.ends_with("... ok")),
            "{text}"
        );
        assert!(!text.contains("no_sort"), "{text}");
    }
}

/// Puts the reference solutions of `exercises` into the course copy `course`.
fn solve(course: &Path, exercises: &[&str]) {
    for exercise in exercises {
        let rel = format!("{exercise}/src/lib.rs");
        std::fs::copy(
            root().join("solutions").join(&rel),
            course.join("exercises").join(&rel),
        )
        .unwrap();
    }
}
