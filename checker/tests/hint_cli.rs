//! `checker hint NN [--next]`: the first failing check's hints from
//! checks.yaml, one step more each time, remembered beside the records.

use std::path::Path;
use std::process::{Command, Output};

use checker::progress::{self, DIR_ENV, Record};

fn course() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn hint(records: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("hint")
        .args(args)
        .arg("--course")
        .arg(course())
        .env(DIR_ENV, records)
        .output()
        .unwrap()
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn record(records: &Path, failing: &[&str]) {
    let record = Record {
        exercise: "01_wait_n".into(),
        passed: 8 - failing.len(),
        total: 8,
        score: (8 - failing.len()) as f64,
        max_score: 8.0,
        sources: progress::source_hash(&course().join("exercises/01_wait_n/src")),
        failing: failing.iter().map(|s| s.to_string()).collect(),
        checks: Vec::new(),
    };
    std::fs::write(
        records.join("01_wait_n.json"),
        serde_json::to_string(&record).unwrap(),
    )
    .unwrap();
}

#[test]
fn hints_come_one_step_at_a_time_for_the_first_failing_check() {
    let records = tempfile::tempdir().unwrap();
    record(records.path(), &["concurrent", "no_sort"]);

    let first = hint(records.path(), &["01"]);
    assert!(first.status.success(), "{}", said(&first));
    let text = said(&first);
    assert!(text.starts_with("01_wait_n: concurrent ("), "{text}");
    assert!(text.contains("failed in your last run"), "{text}");
    assert!(text.contains("  1/3 nudge: "), "{text}");
    assert!(!text.contains("2/3"), "{text}");
    assert!(
        text.contains("more: cargo run -p checker -- hint 01 --next"),
        "{text}"
    );

    let again = said(&hint(records.path(), &["wait_n"]));
    assert!(
        again.contains("1/3 nudge") && !again.contains("2/3"),
        "asking again reveals nothing new: {again}"
    );
    let tool = said(&hint(records.path(), &["01_wait_n", "--next"]));
    assert!(
        tool.contains("  2/3 tool: ") && tool.contains("FuturesUnordered"),
        "{tool}"
    );
    let shape = said(&hint(records.path(), &["01", "--next"]));
    assert!(
        shape.contains("  3/3 shape: ") && shape.contains("that is every hint"),
        "{shape}"
    );
    let still = said(&hint(records.path(), &["01", "--next"]));
    assert!(
        still.contains("3/3 shape") && still.contains("that is every hint"),
        "{still}"
    );

    // Another check, by id, starts from its own first step.
    let other = said(&hint(
        records.path(),
        &["01", "--check", "no_sort", "--next"],
    ));
    assert!(
        other.starts_with("01_wait_n: no_sort (")
            && other.contains("1/3 nudge")
            && !other.contains("2/3"),
        "{other}"
    );

    // Fixed: nothing to hint at.
    record(records.path(), &[]);
    let done = hint(records.path(), &["01"]);
    assert!(done.status.success());
    assert!(
        said(&done).contains("every check of 01_wait_n passes"),
        "{}",
        said(&done)
    );

    for (args, why) in [
        (&["99"][..], "no exercise \"99\""),
        (
            &["01", "--check", "nope"][..],
            "01_wait_n has no check \"nope\"",
        ),
    ] {
        let out = hint(records.path(), args);
        assert_eq!(out.status.code(), Some(2), "{}", said(&out));
        assert!(said(&out).contains(why), "{}", said(&out));
    }
}
