//! The student's loop as a student lives it, in a copy of the course: an
//! earlier exercise that does not compile never blocks a later one's
//! `cargo test -p`; watch mode driven in a real terminal (tmux: keys sent,
//! the pane read) through exercises 00–02, a wrong solution first; watch
//! mode off a terminal; a quiz answered in a terminal.
//!
//! Waiting on the terminal is bounded by watchdogs only (the first build of
//! the copy compiles the checker); nothing here times the code.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use checker::progress::DIR_ENV;

/// How long a screen may take to show what is awaited: a cold build of the
/// copy compiles the checker.
const WATCHDOG: Duration = Duration::from_secs(600);

use common::root;

/// A fresh copy of the course at `target/course-copy/<name>`.
fn course_copy(name: &str) -> PathBuf {
    common::course_copy(
        name,
        &[
            "Cargo.toml",
            "Cargo.lock",
            "checker",
            "exercises",
            "services",
            "solutions",
            "tests",
            "quizzes",
        ],
    )
}

fn put(course: &Path, exercise: &str, text: &str) {
    let path = course.join("exercises").join(exercise).join("src/lib.rs");
    // A new file, not a rewrite in place: what editors do on save.
    let tmp = path.with_extension("rs.new");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

/// `cargo test -p krate` in `course`, as a student runs it, with `env`.
fn cargo_test(course: &Path, env: &[(&str, &Path)], krate: &str) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(["test", "-p", krate])
        .current_dir(course)
        .envs(env.iter().copied())
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap()
}

fn solution(exercise: &str) -> String {
    std::fs::read_to_string(root().join("solutions").join(exercise).join("src/lib.rs")).unwrap()
}

/// A terminal: a tmux session on a server of its own.
struct Terminal {
    socket: String,
}

impl Terminal {
    /// Runs `command` (a shell line) in a new 120×50 terminal; after it
    /// ends, the shell prints its exit code and the terminal's settings.
    fn start(name: &str, dir: &Path, env: &[(&str, &Path)], command: &str) -> Terminal {
        let socket = format!("checker-test-{name}-{}", std::process::id());
        let exports: String = env
            .iter()
            .map(|(k, v)| format!("export {k}='{}'; ", v.display()))
            .collect();
        let line = format!(
            "cd '{}'; {exports}{command}; echo \"EXITED rc=$?\"; stty -a; echo SETTINGS-END; sleep 600",
            dir.display()
        );
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "120", "-y", "50", "-s", "t", &line])
            .env_remove("TMUX")
            .status()
            .expect("tmux runs (.ci/setup installs it)");
        assert!(status.success());
        Terminal { socket }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-J", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen once `test` holds for it, within the watchdog.
    fn wait(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if test(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < WATCHDOG,
                "waited {}s for {what}; the screen:\n{screen}",
                WATCHDOG.as_secs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "t"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// The terminal was left as the shell had it: line editing and echo on.
fn assert_cooked(screen: &str) {
    let settings = screen.split("EXITED rc=").nth(1).unwrap_or_default();
    let words: Vec<&str> = settings.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "the terminal was left in raw mode:\n{screen}"
    );
}

fn watch_command() -> String {
    format!("'{}' watch --course .", env!("CARGO_BIN_EXE_checker"))
}

#[test]
fn a_student_works_through_00_to_02_in_watch_mode() {
    let course = course_copy("student-loop");
    let progress = tempfile::tempdir().unwrap();
    let target = common::copies_target();
    let env = [
        ("CARGO_TARGET_DIR", target.as_path()),
        (DIR_ENV, progress.path()),
    ];

    // An earlier exercise that does not compile blocks nothing: 01's
    // checks run, and only "works with your own" waits, saying where 00
    // is broken.
    put(
        &course,
        "00_wait_random",
        "use std::time::Duration;\npub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);\n\
         pub async fn wait_random(max_delay: Duration) -> Duration {\n    max_delay.no_such_method()\n}\n",
    );
    put(&course, "01_wait_n", &solution("01_wait_n"));
    let run = cargo_test(&course, &env, "wait_n");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}{stderr}");
    for check in [
        "returns_n_delays",
        "completion_order",
        "concurrent",
        "no_sort",
    ] {
        assert!(
            stdout.contains(&format!("test {check} "))
                && !stdout.contains(&format!("test {check} ... FAILED")),
            "{stdout}"
        );
    }
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("test with_own_wait_random") && l.ends_with("ignored")),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "with_own_wait_random skipped: your 00_wait_random does not compile \
             (exercises/00_wait_random/src/lib.rs:4:15: error[E0599]: no method named `no_such_method`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("`cargo test -p wait_random` shows every error"),
        "{stderr}"
    );
    // Nor does one whose file is missing.
    std::fs::remove_file(course.join("exercises/00_wait_random/src/lib.rs")).unwrap();
    let run = cargo_test(&course, &env, "wait_n");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "with_own_wait_random skipped: your 00_wait_random does not compile (error: couldn't \
             read `exercises/00_wait_random/src/lib.rs`"
        ),
        "{stderr}"
    );

    // Watch mode, from a wrong 00 to a passing 02.
    put(
        &course,
        "00_wait_random",
        &std::fs::read_to_string(root().join("tests/fixtures/00_wait_random/sleep_not_awaited.rs"))
            .unwrap(),
    );
    put(
        &course,
        "01_wait_n",
        &std::fs::read_to_string(root().join("exercises/01_wait_n/src/lib.rs")).unwrap(),
    );
    let term = Terminal::start("watch", &course, &env, &watch_command());
    let screen = term.wait("00's checks", |s| s.contains("checks: 7 of 8 passing"));
    assert!(screen.starts_with("00_wait_random"), "{screen}");
    assert!(screen.contains("FAIL waits_returned_delay"), "{screen}");
    assert!(
        screen.contains("h hint · l list · n next exercise · r re-run · q quit"),
        "{screen}"
    );
    assert!(screen.contains("0/16 exercises done"), "{screen}");
    term.keys(&["h"]);
    term.wait_for("1/3 nudge:");
    term.keys(&["h"]);
    let hints = term.wait_for("2/3 tool:");
    assert!(hints.contains("waits_returned_delay"), "{hints}");
    term.keys(&["n"]);
    term.wait_for("00_wait_random does not pass yet");

    put(&course, "00_wait_random", &solution("00_wait_random"));
    term.wait_for("00_wait_random passes every check");
    term.keys(&["n"]);
    let screen = term.wait("01's checks", |s| {
        s.starts_with("01_wait_n") && s.contains("checks: ")
    });
    assert!(screen.contains("not implemented yet"), "{screen}");
    assert!(screen.contains("1/16 exercises done"), "{screen}");

    put(&course, "01_wait_n", &solution("01_wait_n"));
    term.wait_for("01_wait_n passes every check");
    term.keys(&["n"]);
    term.wait("02's checks", |s| {
        s.starts_with("02_measure_time") && s.contains("checks: ")
    });
    put(&course, "02_measure_time", &solution("02_measure_time"));
    term.wait_for("02_measure_time passes every check");
    term.keys(&["l"]);
    let list = term.wait("the list", |s| {
        s.contains("points") && s.contains("3/16 exercises done")
    });
    for done in ["00_wait_random", "01_wait_n", "02_measure_time"] {
        assert!(
            list.lines()
                .any(|l| l.starts_with(done) && l.contains(" done ")),
            "{list}"
        );
    }
    term.keys(&["q"]);
    let end = term.wait_for("SETTINGS-END");
    assert!(end.contains("EXITED rc=0"), "{end}");
    assert_cooked(&end);

    // Ctrl-C leaves the terminal as it found it too.
    let term = Terminal::start("ctrl-c", &course, &env, &watch_command());
    term.wait("03's checks", |s| {
        s.starts_with("03_task_wait_random") && s.contains("checks: ")
    });
    term.keys(&["C-c"]);
    let end = term.wait_for("SETTINGS-END");
    assert!(end.contains("EXITED rc=0"), "{end}");
    assert_cooked(&end);

    // Off a terminal: lines out, keys as lines in.
    let mut plain = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["watch", "--course", "."])
        .current_dir(&course)
        .env("CARGO_TARGET_DIR", &target)
        .env(DIR_ENV, progress.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = plain.stdin.take().unwrap();
    let mut lines = BufReader::new(plain.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let start = Instant::now();
    while let Some(Ok(line)) = lines.next() {
        assert!(start.elapsed() < WATCHDOG, "{seen:?}");
        let checks = line.starts_with("checks: ");
        seen.push(line);
        if checks {
            break;
        }
    }
    writeln!(stdin, "q").unwrap();
    let status = plain.wait().unwrap();
    assert!(status.success());
    assert_eq!(
        seen.first().map(String::as_str),
        Some("== 03_task_wait_random: running cargo test -p task_wait_random"),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|l| l.contains('\x1b')),
        "no terminal codes off a terminal: {seen:?}"
    );
}

#[test]
fn a_quiz_is_answered_in_a_terminal() {
    let answers = tempfile::tempdir().unwrap();
    let saved = answers.path().join("lesson-16-3.answers.yaml");
    let command = format!(
        "'{}' quiz lesson-16-3 --course '{}' --save '{}'",
        env!("CARGO_BIN_EXE_checker"),
        root().display(),
        saved.display()
    );
    let term = Terminal::start("quiz", answers.path(), &[], &command);
    term.wait_for("your answer (a-");
    term.keys(&["b", "Enter"]);
    let screen = term.wait("feedback", |s| {
        s.contains("right:") || s.contains("not quite:")
    });
    assert!(
        screen.contains("2. "),
        "the next question follows: {screen}"
    );
    // The end of input stops the quiz and keeps what was answered.
    term.keys(&["C-d"]);
    let end = term.wait_for("SETTINGS-END");
    assert!(end.contains("EXITED rc=0"), "{end}");
    let text = std::fs::read_to_string(&saved).unwrap();
    let first = text
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap_or_default();
    assert!(first.ends_with(": b"), "{text}");
}
