//! Hostile submissions graded through the real binary with the sandbox on,
//! each asserting what must not happen (README, "Threat model").
//!
//! Every grading runs with a secret in the grader's environment and a
//! listener on the host's loopback, and the submissions are written with
//! the real paths of the course, the cache and a marker directory, as an
//! attacker who knows the host would write them (`@@COURSE@@`, `@@CACHE@@`,
//! `@@MARKERS@@`, `@@PORT@@`, `@@TOKEN@@` in `tests/submissions/`). After
//! each grading: no marker and no link landed on the host, the listener
//! heard nothing, no secret or course file is in the report, and no
//! process of the grading is alive.

mod common;

use std::io::ErrorKind;
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use checker::Status;
use checker::report::{ExerciseReport, ExerciseStatus};
use checker::sandbox::Enforcement;
use common::{Grading, all_exercises, cache, exercise, grade_with, root, submission_of};

/// The secret in the grader's environment (and its variable's name, which
/// the submissions know).
const SECRET_VAR: &str = "CHECKER_TEST_SECRET";

/// Texts of the course that students must not see: from the reference
/// solution and from a hidden check's configuration.
const COURSE_SECRETS: [&str; 2] = ["`..=` makes the range inclusive", "max_delay: 1500ms"];

/// One attack's surroundings: what the attacker knows, and what the test
/// watches.
struct Attack {
    token: String,
    secret: String,
    markers: tempfile::TempDir,
    listener: TcpListener,
    udp: UdpSocket,
}

impl Attack {
    fn new() -> Attack {
        let stamp: u64 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let udp = UdpSocket::bind(("127.0.0.1", port)).unwrap();
        udp.set_nonblocking(true).unwrap();
        Attack {
            token: format!("{:x}{:x}", stamp, std::process::id()),
            secret: format!("s3cret-{stamp:x}"),
            markers: tempfile::tempdir().unwrap(),
            listener,
            udp,
        }
    }

    fn port(&self) -> u16 {
        self.listener.local_addr().unwrap().port()
    }

    /// The submission `tests/submissions/<name>` with the placeholders
    /// filled in, plus the reference solutions of `also`.
    fn submission(&self, name: &str, also: &[&str]) -> tempfile::TempDir {
        let dir = submission_of("solutions", also);
        let from = common::submission(name);
        for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let rel = entry.path().strip_prefix(&from).unwrap();
            let to = dir.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                std::fs::write(&to, self.fill(&text)).unwrap();
            }
        }
        dir
    }

    fn fill(&self, text: &str) -> String {
        text.replace("@@COURSE@@", &absolute(&root()))
            .replace("@@CACHE@@", &absolute(&cache()))
            .replace("@@MARKERS@@", &absolute(self.markers.path()))
            .replace("@@PORT@@", &self.port().to_string())
            .replace("@@TOKEN@@", &self.token)
    }

    /// Grades `dir` with the secret set, then asserts the attack was
    /// contained.
    fn grade(&self, dir: &Path, exercises: &[&str], args: &[&str]) -> Grading {
        let grading = grade_with(dir, exercises, args, &[(SECRET_VAR, &self.secret)]);
        self.assert_contained(&grading);
        grading
    }

    fn assert_contained(&self, grading: &Grading) {
        let sandbox = grading
            .report
            .sandbox
            .as_ref()
            .expect("the report names its sandbox");
        assert_eq!(sandbox.kind, "bwrap", "{sandbox:?}");
        if let Some(confinement) = &sandbox.confinement {
            assert_eq!(confinement.landlock, Enforcement::Full, "{confinement:?}");
            assert!(confinement.seccomp, "{confinement:?}");
        }
        assert!(
            !grading.json.contains(&self.secret),
            "the secret leaked:\n{}",
            grading.json
        );
        for text in COURSE_SECRETS {
            assert!(
                !grading.json.contains(text),
                "course text {text:?} leaked:\n{}",
                grading.json
            );
        }
        let markers = self.markers_on_host();
        assert!(
            markers.is_empty(),
            "markers landed on the host: {markers:#?}"
        );
        match self.listener.accept() {
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            other => panic!("the host's listener was reached: {other:?}"),
        }
        let mut buf = [0u8; 256];
        match self.udp.recv_from(&mut buf) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            other => panic!("the host's UDP port was reached: {other:?}"),
        }
        let left = leftovers(grading.pid);
        assert!(left.is_empty(), "the grading left these behind: {left:#?}");
    }

    /// Files or links named with the token, or cargo configurations, that
    /// an attack may have planted where the host or later gradings see them.
    fn markers_on_host(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = Vec::new();
        let deep = [cache(), self.markers.path().to_path_buf()];
        let shallow = [
            root(),
            root().join("solutions"),
            PathBuf::from("/tmp"),
            PathBuf::from("/dev/shm"),
            PathBuf::from("/root"),
        ];
        let walks = deep
            .iter()
            .map(|d| (d, usize::MAX))
            .chain(shallow.iter().map(|d| (d, 1)));
        for (dir, depth) in walks {
            for entry in walkdir::WalkDir::new(dir)
                .max_depth(depth)
                .into_iter()
                .flatten()
            {
                if entry.file_name().to_string_lossy().contains(&self.token) {
                    found.push(entry.into_path());
                }
            }
        }
        for config in [".cargo", "slots/.cargo", "slots/0/.cargo"] {
            let path = cache().join(config);
            if path.exists() {
                found.push(path);
            }
        }
        found
    }
}

fn absolute(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Processes still in one of the grading's control groups (named after the
/// grader's pid), and the groups themselves.
fn leftovers(grader: u32) -> Vec<String> {
    let tag = format!("/async-course-checker/{grader}-");
    let mut left = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let groups = std::fs::read_to_string(entry.path().join("cgroup")).unwrap_or_default();
        if groups.contains(&tag) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            left.push(format!(
                "process {pid}: {}",
                String::from_utf8_lossy(&cmdline)
            ));
        }
    }
    for entry in walkdir::WalkDir::new("/sys/fs/cgroup")
        .max_depth(8)
        .into_iter()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy();
        let parent = entry.path().parent().and_then(Path::file_name);
        if entry.file_type().is_dir()
            && name.starts_with(&format!("{grader}-"))
            && parent.is_some_and(|p| p == "async-course-checker")
        {
            left.push(format!("group {}", entry.path().display()));
        }
    }
    left
}

/// The cache holds a build of the course before any test tightens a
/// budget: a cold build needs the default ones.
fn warm() {
    static WARM: OnceLock<()> = OnceLock::new();
    WARM.get_or_init(|| {
        let dir = submission_of("solutions", &all_exercises());
        let grading = grade_with(dir.path(), &[], &[], &[]);
        assert_eq!(
            grading.report.score, grading.report.max_score,
            "{:#?}",
            grading.report
        );
    });
}

/// No check that calls wait_random passed (`default_max_delay` reads a
/// constant).
fn assert_no_call_passed(ex: &ExerciseReport) {
    for check in ex.checks.iter().filter(|c| c.id != "default_max_delay") {
        assert_ne!(check.status, Status::Passed, "{}: {check:#?}", ex.id);
    }
}

fn texts(ex: &ExerciseReport) -> String {
    std::iter::once(ex.message.as_str())
        .chain(ex.checks.iter().map(|c| c.message.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Grades the attack `name` on exercise 00 alone.
fn attack_00(name: &str) -> (Attack, ExerciseReport) {
    let attack = Attack::new();
    let dir = attack.submission(name, &[]);
    let grading = attack.grade(dir.path(), &["00_wait_random"], &[]);
    let ex = exercise(&grading.report, "00_wait_random").clone();
    (attack, ex)
}

// Forging a passing verdict.

#[test]
fn the_nonce_cannot_be_read_from_the_childs_own_memory() {
    let (_, ex) = attack_00("forges_with_proc_self_mem");
    assert_no_call_passed(&ex);
    let said = texts(&ex);
    assert!(!said.contains("LEAKED-NONCE"), "{said}");
    assert!(said.contains("the forgery could not read memory"), "{said}");
}

#[test]
fn code_that_would_run_before_the_nonce_does_not_compile() {
    let attack = Attack::new();
    let dir = attack.submission("unsafe_constructor_and_main", &["05_async_generator"]);
    let grading = attack.grade(dir.path(), &["00_wait_random", "05_async_generator"], &[]);
    let ex = exercise(&grading.report, "00_wait_random");
    assert_eq!(ex.status, ExerciseStatus::CompileError, "{ex:#?}");
    for says in [
        "incompatible with previous forbid",
        "link_section",
        "no_mangle",
        "unsafe",
    ] {
        assert!(ex.message.contains(says), "{says:?} in {}", ex.message);
    }
    let other = exercise(&grading.report, "05_async_generator");
    assert_eq!(other.status, ExerciseStatus::Passed, "{other:#?}");
}

#[test]
fn the_runner_cannot_be_replaced_for_the_reruns() {
    let (_, ex) = attack_00("replaces_the_runner");
    assert_eq!(ex.status, ExerciseStatus::Crashed, "{ex:#?}");
    for check in ex.checks.iter().filter(|c| c.id != "default_max_delay") {
        assert_eq!(check.status, Status::Crashed, "{check:#?}");
        assert!(
            check.message.contains("SIGABRT"),
            "a rerun ran something else: {check:#?}"
        );
    }
    // The runner holds the submission's code, the replacement's text
    // included; it must still be the binary the build linked.
    for slot in std::fs::read_dir(cache().join("slots")).unwrap().flatten() {
        let runner = slot.path().join("target/debug/grade-runner");
        if let Ok(bytes) = std::fs::read(&runner) {
            assert!(
                bytes.starts_with(b"\x7fELF") && bytes.len() > 1 << 20,
                "{} was replaced",
                runner.display()
            );
        }
    }
}

// Reading what students must not see.

#[test]
fn the_course_and_the_graders_environment_are_out_of_reach_at_run_time() {
    let (_, ex) = attack_00("reads_the_course_at_run_time");
    assert_no_call_passed(&ex);
    let said = texts(&ex);
    // The attack ran and reported what it saw: nothing.
    assert!(said.contains("found: "), "{said}");
    assert!(said.contains("[env: PATH=/usr/bin:/bin"), "{said}");
}

#[test]
fn the_compiler_sees_only_the_builds_own_environment() {
    let (_, ex) = attack_00("reads_the_environment_at_compile_time");
    assert_ne!(
        ex.status,
        ExerciseStatus::CompileError,
        "it compiles: {ex:#?}"
    );
    assert_no_call_passed(&ex);
    let said = texts(&ex);
    assert!(said.contains("secret=None home=None"), "{said}");
    assert!(said.contains("CARGO_TARGET_DIR=/build/target"), "{said}");
}

#[test]
fn the_course_cannot_be_included_at_compile_time() {
    let (_, ex) = attack_00("includes_a_solution_at_compile_time");
    assert_eq!(ex.status, ExerciseStatus::CompileError, "{ex:#?}");
    assert!(ex.message.contains("couldn't read"), "{}", ex.message);
}

// Damaging the host and later gradings.

#[test]
fn nothing_lands_on_the_host_or_in_the_cache() {
    let (_, ex) = attack_00("damages_the_host");
    assert_eq!(
        ex.status,
        ExerciseStatus::Passed,
        "graded on its merits: {ex:#?}"
    );
}

#[test]
fn the_network_is_out_of_reach() {
    let (_, ex) = attack_00("phones_home");
    assert_eq!(
        ex.status,
        ExerciseStatus::Passed,
        "graded on its merits: {ex:#?}"
    );
}

#[test]
fn a_fork_bomb_is_contained_by_the_process_limit() {
    let (_, ex) = attack_00("fork_bomb");
    assert_no_call_passed(&ex);
    let said = texts(&ex);
    assert!(
        said.contains("the process limit stopped the bomb"),
        "{said}"
    );
}

#[test]
fn the_grader_cannot_be_signalled() {
    let (_, ex) = attack_00("signals_the_grader");
    assert_eq!(
        ex.status,
        ExerciseStatus::Passed,
        "graded on its merits: {ex:#?}"
    );
}

#[test]
fn the_compilers_memory_is_limited_and_the_culprit_found() {
    warm();
    let attack = Attack::new();
    let dir = attack.submission("eats_memory_at_compile_time", &["05_async_generator"]);
    let grading = attack.grade(
        dir.path(),
        &["00_wait_random", "05_async_generator"],
        &["--build-memory", "2GiB"],
    );
    let ex = exercise(&grading.report, "00_wait_random");
    assert_eq!(ex.status, ExerciseStatus::CompileError, "{ex:#?}");
    assert!(ex.message.contains("ran out of memory"), "{}", ex.message);
    let other = exercise(&grading.report, "05_async_generator");
    assert_eq!(other.status, ExerciseStatus::Passed, "{other:#?}");
}

// Wedging the grader.

/// Measured before the sandbox: a never-ending constant left rustc running
/// past the build's deadline, holding cargo's lock on the slot, and every
/// later grading waited out its own deadline.
#[test]
fn a_compile_that_never_ends_is_killed_whole_and_the_next_grading_runs_normally() {
    warm();
    let budget = Duration::from_secs(20);
    let attack = Attack::new();
    let dir = attack.submission("compiles_forever", &["01_wait_n"]);
    let grading = attack.grade(
        dir.path(),
        &["00_wait_random", "01_wait_n"],
        &["--build-timeout", "20s"],
    );
    let ex = exercise(&grading.report, "00_wait_random");
    assert_eq!(ex.status, ExerciseStatus::CompileError, "{ex:#?}");
    assert!(ex.message.contains("budget of 20s"), "{}", ex.message);
    let wait_n = exercise(&grading.report, "01_wait_n");
    for check in &wait_n.checks {
        let expected = if check.id == "with_own_wait_random" {
            Status::Skipped
        } else {
            Status::Passed
        };
        assert_eq!(check.status, expected, "{check:#?}");
    }
    // The killed build and one rebuild with the stub; generous, a watchdog.
    assert!(grading.elapsed < budget * 4, "took {:?}", grading.elapsed);

    let correct = submission_of("solutions", &all_exercises());
    let next = attack.grade(correct.path(), &[], &[]);
    assert_eq!(
        next.report.score, next.report.max_score,
        "{:#?}",
        next.report
    );
}

#[test]
fn a_grandchild_cannot_hold_the_pipes_open() {
    let (_, ex) = attack_00("holds_the_pipes");
    assert_eq!(
        ex.status,
        ExerciseStatus::Passed,
        "graded on its merits: {ex:#?}"
    );
}

// Swamping the grader.

#[test]
fn a_report_stays_small_however_much_the_code_says() {
    // `grade_with` holds every report to 300 KiB.
    let (_, ex) = attack_00("says_a_lot");
    assert_no_call_passed(&ex);
    for check in &ex.checks {
        assert!(
            check.message.len() < 8 * 1024,
            "{} bytes",
            check.message.len()
        );
    }
    let (_, ex) = attack_00("floods_the_compiler");
    assert_eq!(ex.status, ExerciseStatus::CompileError, "{ex:#?}");
    assert!(ex.message.contains("flood"), "{}", ex.message);
    assert!(ex.message.len() < 16 * 1024, "{} bytes", ex.message.len());
}
