//! The "works with your own …" check under `cargo test -p`: built on
//! demand, so an earlier exercise that does not compile costs this one
//! check, never the exercise's whole test binary.
//!
//! An exercise crate depends on probes of the earlier exercises, built
//! without the student's crates (see `checker/own-runner/Cargo.toml`), so
//! `cargo test -p wait_n` compiles whatever state `wait_random` is in. The
//! check that runs the student's own `wait_random` runs in the own-runner
//! instead: a test target linking this exercise and every earlier one it
//! calls, built by a nested `cargo test --no-run` into the same target
//! directory (cargo holds no lock while tests run). When that build fails,
//! cargo's JSON messages say which exercise and where, as they do for the
//! grader ([`crate::grade::owner`]).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::check::{Cause, Status, Verdict};

/// How long a nested build may take: a cold one compiles the earlier
/// exercises and links the runner; a warm one links.
const BUILD_BUDGET: Duration = Duration::from_secs(600);

/// What building the own-runner for one exercise gave.
#[derive(Debug)]
pub(crate) enum OwnRunner {
    /// The runner's executable.
    Built(PathBuf),
    /// An earlier exercise does not compile, or cannot be called as the
    /// course calls it.
    Broken {
        /// Its directory, `00_wait_random`.
        exercise: String,
        /// The first error's place, `exercises/00_wait_random/src/lib.rs:9:5`.
        location: Option<String>,
        /// The first error, in one line.
        error: String,
    },
    /// The build failed for a reason no exercise is to blame for.
    Failed(String),
}

impl OwnRunner {
    /// The verdict of the own check when no runner could be built, for
    /// the exercise `exercise` (its directory).
    pub(crate) fn verdict(&self, exercise: &str) -> Option<Verdict> {
        use super::subject_crate as krate;
        match self {
            OwnRunner::Built(_) => None,
            OwnRunner::Broken {
                exercise: earlier,
                location,
                error,
            } => {
                let at = location
                    .as_deref()
                    .map(|l| format!("{l}: "))
                    .unwrap_or_default();
                Some(Verdict::ended(
                    Status::Skipped,
                    Cause::EarlierBroken {
                        exercise: earlier.clone(),
                    },
                    format!(
                        "skipped: your {earlier} does not compile ({at}{error}), and this check \
                         runs {} with it",
                        krate(exercise)
                    ),
                    Some(format!(
                        "fix {earlier} first (`cargo test -p {}` shows every error); this check \
                         then counts",
                        krate(earlier)
                    )),
                ))
            }
            OwnRunner::Failed(why) => Some(Verdict::ended(
                Status::Skipped,
                Cause::Process,
                format!(
                    "skipped: the runner that calls your own earlier exercises could not be \
                     built ({why})"
                ),
                Some("run the checks again; if this persists, tell your instructor".into()),
            )),
        }
    }
}

/// Builds the own-runner for `exercise`, whose crate is at `crate_dir`,
/// with the cargo and target directory of the running test binary.
pub(crate) fn build(exercise: &str, crate_dir: &Path) -> OwnRunner {
    let Some(root) = crate_dir
        .parent()
        .and_then(Path::parent)
        .and_then(|r| r.canonicalize().ok())
    else {
        return OwnRunner::Failed(format!("{} is not in a course", crate_dir.display()));
    };
    let features: Vec<&str> = std::iter::once(exercise)
        .chain(crate::catalog::own_chain(exercise))
        .filter_map(|dir| crate::catalog::exercise(dir).map(|e| e.krate))
        .collect();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["test", "--no-run", "--quiet", "--message-format=json"])
        .args(["-p", "own-runner", "--features", &features.join(",")])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"));
    let exe = std::env::current_exe().ok();
    if let Some((target, profile)) = exe.as_deref().and_then(target_of) {
        command.arg("--target-dir").arg(target);
        if profile != "debug" {
            command.args(["--profile", &profile]);
        }
    }
    command
        .current_dir(&root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => return OwnRunner::Failed(format!("cargo could not be started: {err}")),
    };
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + BUILD_BUDGET;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let Some(status) = status else {
        return OwnRunner::Failed(format!(
            "the build did not finish within {}s",
            BUILD_BUDGET.as_secs()
        ));
    };
    read(&root, &stdout, &stderr, status.success())
}

/// Reads cargo's JSON messages of the nested build.
fn read(root: &Path, stdout: &str, stderr: &str, success: bool) -> OwnRunner {
    use cargo_metadata::Message;
    use cargo_metadata::diagnostic::DiagnosticLevel;
    let mut unattributed = None;
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<Message>(line) else {
            continue;
        };
        match message {
            Message::CompilerArtifact(artifact)
                if success && artifact.target.name == "own_runner" =>
            {
                if let Some(exe) = artifact.executable {
                    return OwnRunner::Built(exe.into_std_path_buf());
                }
            }
            Message::CompilerMessage(message)
                if message.message.level == DiagnosticLevel::Error =>
            {
                let diagnostic = &message.message;
                let files = crate::grade::span_files(diagnostic);
                let primary = diagnostic.spans.iter().find(|span| span.is_primary);
                let error = match &diagnostic.code {
                    Some(code) => format!("error[{}]: {}", code.code, diagnostic.message),
                    None => format!("error: {}", diagnostic.message),
                };
                let location = primary.map(|s| {
                    let file = Path::new(&s.file_name);
                    let file = file.strip_prefix(root).unwrap_or(file);
                    format!("{}:{}:{}", file.display(), s.line_start, s.column_start)
                });
                match crate::grade::owner(root, message.target.src_path.as_std_path(), &files) {
                    Some(exercise) => {
                        return OwnRunner::Broken {
                            exercise,
                            location,
                            error,
                        };
                    }
                    None => {
                        unattributed.get_or_insert(error);
                    }
                }
            }
            _ => {}
        }
    }
    OwnRunner::Failed(unattributed.unwrap_or_else(|| {
        let said: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error"))
            .take(3)
            .collect();
        if said.is_empty() {
            "cargo gave no runner".to_owned()
        } else {
            said.join("; ")
        }
    }))
}

/// The target directory and profile a test binary at `exe` was built in:
/// `<target>/[<triple>/]<profile>/deps/<name>`. The target directory is
/// the one cargo tagged (`CACHEDIR.TAG`).
fn target_of(exe: &Path) -> Option<(PathBuf, String)> {
    let profile_dir = exe.parent()?.parent()?;
    let profile = profile_dir.file_name()?.to_str()?.to_owned();
    let target = profile_dir
        .ancestors()
        .skip(1)
        .take(2)
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())?;
    Some((target.to_path_buf(), profile))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_in_an_earlier_exercise_is_blamed_on_it_with_its_place() {
        let line = r#"{"reason":"compiler-message","package_id":"path+file:///c/exercises/00_wait_random#wait_random@0.1.0","manifest_path":"/c/exercises/00_wait_random/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"wait_random","src_path":"/c/exercises/00_wait_random/src/lib.rs","edition":"2024","doc":true,"doctest":false,"test":false},"message":{"$message_type":"diagnostic","message":"cannot find value `delay` in this scope","code":{"code":"E0425","explanation":null},"level":"error","spans":[{"file_name":"exercises/00_wait_random/src/lib.rs","byte_start":1,"byte_end":2,"line_start":9,"line_end":9,"column_start":5,"column_end":10,"is_primary":true,"text":[],"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[],"rendered":"error"}}"#;
        let got = read(Path::new("/c"), line, "", false);
        let OwnRunner::Broken {
            exercise,
            location,
            error,
        } = got
        else {
            panic!("not blamed: {got:?}");
        };
        assert_eq!(exercise, "00_wait_random");
        assert_eq!(
            location.as_deref(),
            Some("exercises/00_wait_random/src/lib.rs:9:5")
        );
        assert_eq!(
            error,
            "error[E0425]: cannot find value `delay` in this scope"
        );
    }

    #[test]
    fn a_failure_nobody_is_blamed_for_says_what_cargo_said() {
        let got = read(
            Path::new("/c"),
            "not json",
            "   Compiling x\nerror: no matching package named `own-runner` found\n",
            false,
        );
        assert!(
            matches!(&got, OwnRunner::Failed(why) if why.contains("no matching package")),
            "{got:?}"
        );
    }

    #[test]
    fn the_target_directory_is_the_tagged_one_above_the_profile() {
        let dir = tempfile::tempdir().unwrap();
        let deps = dir.path().join("x86_64-unknown-linux-gnu/release/deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(dir.path().join("CACHEDIR.TAG"), "").unwrap();
        assert_eq!(
            target_of(&deps.join("checks-1")),
            Some((dir.path().to_path_buf(), "release".to_owned()))
        );
        assert_eq!(target_of(Path::new("/nowhere/debug/deps/checks-1")), None);
    }
}
