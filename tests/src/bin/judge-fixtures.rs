//! Prints, as JSON, the course's layout problems and every check's verdicts
//! on every reference solution, stub and fixture: what `checker verify`
//! analyses (`checker::verify::Judgement`).
//! Usage: `judge-fixtures [ROUNDS]` (default 3). The same binary is the
//! child each entry's checks run in (`--entry PATH --exercise ...`) and the
//! sandbox's launcher.

fn main() -> std::process::ExitCode {
    if let Some(code) = course_tests::serve_child() {
        return code;
    }
    let rounds = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let runner = std::env::current_exe().expect("the fixture runner knows its path");
    let judgement = checker::verify::Judgement {
        layout: checker::verify::layout(&course_tests::root()),
        judged: course_tests::judge_all(&course_tests::entries(), rounds, &runner),
    };
    println!(
        "{}",
        serde_json::to_string(&judgement).expect("verdicts serialise")
    );
    std::process::ExitCode::SUCCESS
}
