//! Where classes are graded: GitHub Classroom (the grader step's result,
//! annotations, the step summary, the workflow `checker init` writes) and
//! Gradescope (the bundle's `run_autograder` in a stand-in `/autograder`),
//! each checked by the reader it is for or a validator written from its
//! specification (tests/validators/validate.py).

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Command;

use base64::Engine;
use checker::report::{Report, classroom};
use common::{ONE_AT_A_TIME, cache, root, submission, submission_of, validate};

/// A submission of 00 that prints and panics with workflow commands and
/// JSON, plus a correct 01.
fn forging_submission() -> tempfile::TempDir {
    let dir = submission_of("solutions", &["01_wait_n"]);
    let to = dir.path().join("exercises/00_wait_random/src");
    std::fs::create_dir_all(&to).unwrap();
    std::fs::copy(
        submission("issues_workflow_commands").join("exercises/00_wait_random/src/lib.rs"),
        to.join("lib.rs"),
    )
    .unwrap();
    dir
}

#[test]
fn in_github_actions_the_result_annotations_and_summary_cannot_be_forged() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let sub = forging_submission();
    let files = tempfile::tempdir().unwrap();
    let output_file = files.path().join("output");
    let summary_file = files.path().join("summary");
    // What the runner has in these files before the step.
    std::fs::write(&output_file, "earlier=1\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["grade", "--format", "classroom", "--submission"])
        .arg(sub.path())
        .args(["--exercise", "00_wait_random", "--exercise", "01_wait_n"])
        .env("CHECKER_CACHE_DIR", cache())
        .env("CHECKER_WATCHDOG_MS", "2000")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // $GITHUB_OUTPUT: what was there, and one `result` line.
    let outputs = std::fs::read_to_string(&output_file).unwrap();
    assert!(outputs.starts_with("earlier=1\nresult="), "{outputs}");
    assert_eq!(
        outputs.lines().filter(|l| l.starts_with("result=")).count(),
        1
    );
    // The reporter's arithmetic over it gives the report's points.
    let points = validate("classroom", &[&output_file]);
    let encoded = outputs
        .lines()
        .find_map(|l| l.strip_prefix("result="))
        .unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    let result: classroom::Result = serde_json::from_slice(&decoded).unwrap();
    let total: f64 = result.tests.iter().map(|t| t.score).sum();
    let max = result.max_score;
    assert!(
        points.contains(&format!("Points {total}/{max}")),
        "{points} vs {total}/{max}"
    );
    assert!(total < max, "the forging submission has no full marks");
    assert_eq!(result.status, "fail");
    let failed = result.tests.iter().find(|t| t.status == "fail").unwrap();
    assert!(
        failed
            .test_code
            .starts_with("cargo test -p wait_random -- --exact ")
    );
    assert_eq!(failed.filename, "exercises/00_wait_random/src/lib.rs");

    // The log: our annotations, then the human report between
    // stop-commands markers; nothing the submission printed or said acts.
    let lines: Vec<&str> = log.lines().collect();
    let stop = lines
        .iter()
        .position(|l| l.starts_with("::stop-commands::"))
        .expect("the report is fenced");
    let token = lines[stop].strip_prefix("::stop-commands::").unwrap();
    assert!(
        token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    let end = lines
        .iter()
        .position(|l| *l == format!("::{token}::"))
        .expect("the fence is closed");
    assert_eq!(end, lines.len() - 1, "nothing after the fence");
    let annotations = &lines[..stop];
    assert!(
        !annotations.is_empty() && annotations.len() <= 10,
        "{annotations:?}"
    );
    for line in annotations {
        assert!(
            line.starts_with("::error file=exercises/0") && line.contains(",title="),
            "{line}"
        );
    }
    assert!(
        annotations
            .iter()
            .any(|l| l.contains("%0A::notice title=Autograding complete")),
        "the forged text stays escaped inside the message: {annotations:?}"
    );
    assert!(
        // The runner reads a command after leading spaces too.
        lines[stop + 1..end]
            .iter()
            .any(|l| l.trim_start().starts_with("::notice title=Autograding")),
        "the forged notice is in the report, fenced"
    );

    // The step summary is the Markdown report.
    let summary = std::fs::read_to_string(&summary_file).unwrap();
    assert!(summary.contains("00_wait_random"), "{summary}");
    assert!(summary.len() <= checker::report::github::STEP_SUMMARY_CAP);
}

#[test]
fn outside_actions_the_classroom_format_is_the_result_alone() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let sub = submission_of("solutions", &["00_wait_random"]);
    let output = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["grade", "--format", "classroom", "--submission"])
        .arg(sub.path())
        .args(["--exercise", "00_wait_random"])
        .env("CHECKER_CACHE_DIR", cache())
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert!(output.status.success());
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &output.stdout).unwrap();
    let points = validate("classroom", &[file.path()]);
    assert!(points.contains("Points 8/8"), "{points}");
}

#[test]
fn init_writes_the_classroom_workflow_pinned_to_the_course() {
    let repo = tempfile::tempdir().unwrap();
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let init = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_checker"))
            .args(["init", "github-classroom", "--repo"])
            .arg(repo.path())
            .args(["--course-repo", "acme/async-course", "--course-ref", sha])
            .args(extra)
            .output()
            .unwrap()
    };
    let output = init(&[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = repo.path().join(".github/workflows/classroom.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let perms = &yaml["permissions"];
    assert_eq!(perms["checks"], "write");
    assert_eq!(perms["actions"], "read");
    assert_eq!(perms["contents"], "read");
    let job = &yaml["jobs"]["run-autograding-tests"];
    assert!(job.is_mapping(), "the job id GitHub Classroom looks for");
    assert_eq!(job["if"], "github.actor != 'github-classroom[bot]'");
    let steps = job["steps"].as_sequence().unwrap();
    let uses = |prefix: &str| {
        steps
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(prefix)))
            .unwrap_or_else(|| panic!("no step uses {prefix}"))
    };
    let course = steps
        .iter()
        .find(|s| s["with"]["repository"] == "acme/async-course")
        .expect("the course is checked out");
    assert_eq!(course["with"]["ref"], sha, "at the pinned commit");
    assert!(
        text.contains("apt-get install -y -qq bubblewrap"),
        "the sandbox"
    );
    uses("dtolnay/rust-toolchain@");
    let grade = steps.iter().find(|s| s["id"] == "grade").unwrap();
    let run = grade["run"].as_str().unwrap();
    assert!(
        run.contains("--course course --submission submission"),
        "{run}"
    );
    assert!(run.contains("--format classroom"), "{run}");
    let reporter = uses("classroom-resources/autograding-grading-reporter@");
    assert_eq!(reporter["with"]["runners"], "grade");
    // The reporter reads <STEP ID upper-cased>_RESULTS.
    assert_eq!(
        reporter["env"]["GRADE_RESULTS"],
        "${{steps.grade.outputs.result}}"
    );

    // It is not overwritten without --force; a branch is no pin.
    let again = init(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(init(&["--force"]).status.success());
    let branch = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["init", "github-classroom", "--force", "--repo"])
        .arg(repo.path())
        .args(["--course-repo", "acme/async-course", "--course-ref", "main"])
        .output()
        .unwrap();
    assert_eq!(branch.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&branch.stderr).contains("not a full commit hash"));
}

/// Unpacks the bundle into `root/source`, as Gradescope does, and says
/// which files are executable.
fn unpack(zip: &Path, root: &Path) -> Vec<(String, u32)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut modes = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let path = root.join("source").join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        std::fs::write(&path, bytes).unwrap();
        modes.push((name, file.unix_mode().unwrap_or(0)));
    }
    modes
}

fn run_autograder(root: &Path) -> Report {
    let status = Command::new("bash")
        .arg(root.join("source/run_autograder"))
        .env("AUTOGRADER_ROOT", root)
        .env("CHECKER", env!("CARGO_BIN_EXE_checker"))
        .env("CHECKER_CACHE_DIR", cache())
        .env("CHECKER_WATCHDOG_MS", "2000")
        .status()
        .unwrap();
    assert!(status.success(), "run_autograder exits 0 whatever happened");
    let results = root.join("results/results.json");
    validate("gradescope", &[&results]);
    // The results are the report's: rebuild the score from them.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    let tests = json["tests"].as_array().unwrap();
    let mut report = Report::new(Vec::new());
    report.score = json["score"].as_f64().unwrap();
    report.max_score = tests.iter().map(|t| t["max_score"].as_f64().unwrap()).sum();
    report.seconds = json["execution_time"].as_f64().unwrap_or_default();
    report
}

#[test]
fn the_gradescope_bundle_grades_a_submission_in_a_stand_in_autograder_root() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let work = tempfile::tempdir().unwrap();
    let zip = work.path().join("autograder.zip");
    let output = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["bundle", "gradescope", "--out"])
        .arg(&zip)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ag = work.path().join("autograder");
    let modes = unpack(&zip, &ag);
    let mode = |name: &str| modes.iter().find(|(n, _)| n == name).map(|(_, m)| *m);
    assert_eq!(
        mode("setup.sh").map(|m| m & 0o111),
        Some(0o111),
        "setup.sh at the root, executable"
    );
    assert_eq!(mode("run_autograder").map(|m| m & 0o111), Some(0o111));
    let names: Vec<&str> = modes.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"course/Cargo.lock"));
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with("course/solutions") && !n.starts_with("course/tests"))
    );
    // Hidden checks are graded there, so the grader's copy keeps them.
    let config =
        std::fs::read_to_string(ag.join("source/course/exercises/01_wait_n/checks.yaml")).unwrap();
    let original = std::fs::read_to_string(root().join("exercises/01_wait_n/checks.yaml")).unwrap();
    assert_eq!(config, original);
    let setup = std::fs::read_to_string(ag.join("source/setup.sh")).unwrap();
    assert!(setup.contains("bubblewrap") && setup.contains("rustup") && !setup.contains("{{"));
    for script in ["setup.sh", "run_autograder"] {
        let parsed = Command::new("bash")
            .arg("-n")
            .arg(ag.join("source").join(script))
            .status();
        assert!(parsed.unwrap().success(), "{script} is not valid bash");
    }

    // A submission as a zip of the repository unpacks: one folder, then exercises/.
    let sub = forging_submission();
    let inner = ag.join("submission/async-course");
    std::fs::create_dir_all(&inner).unwrap();
    for exercise in ["00_wait_random", "01_wait_n"] {
        let to = inner.join("exercises").join(exercise).join("src");
        std::fs::create_dir_all(&to).unwrap();
        std::fs::copy(
            sub.path()
                .join("exercises")
                .join(exercise)
                .join("src/lib.rs"),
            to.join("lib.rs"),
        )
        .unwrap();
    }
    let graded = run_autograder(&ag);
    assert!(
        graded.score > 0.0 && graded.score < graded.max_score,
        "{graded:?}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ag.join("results/results.json")).unwrap())
            .unwrap();
    let tests = json["tests"].as_array().unwrap();
    for test in tests {
        assert_eq!(test["output_format"], "md");
        assert!(test["execution_time"].is_number());
    }
    let hidden: Vec<_> = tests
        .iter()
        .filter(|t| t["visibility"] == "after_published")
        .collect();
    assert!(
        !hidden.is_empty(),
        "the course's hidden checks are after_published"
    );
    assert!(tests.iter().any(|t| t["visibility"] == "visible"));
    // What the forging submission said is in an output, as text.
    assert!(
        tests.iter().any(|t| t["output"]
            .as_str()
            .is_some_and(|o| o.contains("\"score\":127"))),
        "quoted, not parsed"
    );
    assert_eq!(json["score"].as_f64(), Some(graded.score));

    // When grading cannot run at all, results.json still says so.
    std::fs::remove_dir_all(ag.join("source/course/exercises")).unwrap();
    let broken = run_autograder(&ag);
    assert_eq!(broken.score, 0.0);
    let json = std::fs::read_to_string(ag.join("results/results.json")).unwrap();
    assert!(json.contains("could not grade this submission"), "{json}");
}
