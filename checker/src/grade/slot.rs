//! Build workspaces for grading ("slots"): a copy of the course's build
//! files plus one submission's sources, with its own target directory.
//!
//! Slots live in the cache directory, outside the course, so student code
//! compiled there finds no relative path to `solutions/`. A slot is locked
//! while in use: two gradings at once take two slots and never share a
//! target directory. Dependencies stay built in a slot between gradings.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::GradeError;
use super::sandbox::kill_group;
use crate::files::files_under;

/// The most slots (concurrent gradings) one cache holds.
const MAX_SLOTS: usize = 32;

/// A locked build workspace.
pub(crate) struct Slot {
    pub dir: PathBuf,
    _lock: File,
}

/// Takes the first free slot in `cache`, creating it if needed.
pub(crate) fn acquire(cache: &Path) -> Result<Slot, GradeError> {
    let slots = cache.join("slots");
    let io = |source| GradeError::Cache {
        path: slots.clone(),
        source,
    };
    std::fs::create_dir_all(&slots).map_err(io)?;
    for i in 0..MAX_SLOTS {
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(slots.join(format!("{i}.lock")))
            .map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {
                let dir = slots.join(i.to_string());
                std::fs::create_dir_all(&dir).map_err(io)?;
                return Ok(Slot { dir, _lock: lock });
            }
            Err(std::fs::TryLockError::WouldBlock) => continue,
            Err(std::fs::TryLockError::Error(source)) => return Err(io(source)),
        }
    }
    Err(io(std::io::Error::other(format!(
        "all {MAX_SLOTS} build slots are in use"
    ))))
}

/// What one `cargo build` of the runner said.
#[derive(Debug, Default)]
pub(crate) struct Build {
    pub success: bool,
    /// Rendered errors, by the exercise they are blamed on.
    pub errors: Vec<(String, String)>,
    /// Errors in the course's own code (the grader cannot run).
    pub unattributed: Vec<String>,
    /// Crates compiled before a timeout, to blame the rest.
    pub finished: BTreeSet<String>,
    pub timed_out: bool,
    /// What cargo printed on stderr (manifest errors and the like).
    pub stderr: String,
}

impl Slot {
    /// Copies the course's build files into the slot, rewriting only files
    /// whose content changed so cargo's fingerprints stay valid.
    pub fn sync_course(&self, course: &Path) -> Result<(), GradeError> {
        let manifest = std::fs::read_to_string(course.join("Cargo.toml")).map_err(|source| {
            GradeError::Course {
                path: course.join("Cargo.toml"),
                source,
            }
        })?;
        // The course's own test crate (fixtures, solutions) stays behind.
        let manifest: String = manifest
            .lines()
            .filter(|l| !l.starts_with("default-members"))
            .map(|l| {
                if l.starts_with("members") {
                    l.replace(", \"tests\"", "")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        self.write_if_changed(Path::new("Cargo.toml"), manifest.as_bytes())?;
        self.copy(course, Path::new("Cargo.lock"))?;
        // The whole checker but its own tests (which grade the project's
        // fixtures and are no part of a build).
        for file in files_under(&course.join("checker")) {
            let rel = file.strip_prefix(course).expect("listed under the course");
            if !rel.starts_with("checker/tests") {
                self.copy(course, rel)?;
            }
        }
        for (exercise, _) in crate::exercises::EXERCISES {
            let base = Path::new("exercises").join(exercise);
            self.copy(course, &base.join("Cargo.toml"))?;
            self.copy_tree(course, &base.join("tests"))?;
        }
        Ok(())
    }

    /// Makes `exercises/<exercise>/src` hold exactly `files`.
    pub fn write_exercise(
        &self,
        exercise: &str,
        files: &[(PathBuf, String)],
    ) -> Result<(), GradeError> {
        let src = Path::new("exercises").join(exercise).join("src");
        let keep: BTreeSet<PathBuf> = files.iter().map(|(p, _)| src.join(p)).collect();
        for old in files_under(&self.dir.join(&src)) {
            let rel = old
                .strip_prefix(&self.dir)
                .expect("listed under the slot")
                .to_path_buf();
            if !keep.contains(&rel) {
                std::fs::remove_file(&old).map_err(|source| self.err(source))?;
            }
        }
        for (path, text) in files {
            self.write_if_changed(&src.join(path), text.as_bytes())?;
        }
        Ok(())
    }

    /// Builds the runner, reporting which exercise each error belongs to.
    pub fn build(&self, cargo: &Path, timeout: Duration) -> Result<Build, GradeError> {
        let mut child = Command::new(cargo)
            .args(["build", "--message-format=json", "-p", "grade-runner"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.target())
            // The leanest layout: no debug info, no incremental state.
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(GradeError::Toolchain)?;
        let stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        let err_reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let dir = self.dir.clone();
        let reader = std::thread::spawn(move || {
            let mut build = Build::default();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                read_message(&dir, &line, &mut build);
            }
            build
        });
        let deadline = Instant::now() + timeout;
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(GradeError::Toolchain)? {
                break Some(status);
            }
            if Instant::now() >= deadline {
                kill_group(&mut child);
                timed_out = true;
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut build = reader.join().unwrap_or_default();
        build.stderr = err_reader.join().unwrap_or_default();
        build.timed_out = timed_out;
        build.success = status.is_some_and(|s| s.success());
        Ok(build)
    }

    /// The built runner.
    pub fn runner(&self) -> PathBuf {
        self.target().join("debug").join("grade-runner")
    }

    fn target(&self) -> PathBuf {
        self.dir.join("target")
    }

    fn err(&self, source: std::io::Error) -> GradeError {
        GradeError::Cache {
            path: self.dir.clone(),
            source,
        }
    }

    fn copy(&self, course: &Path, rel: &Path) -> Result<(), GradeError> {
        let bytes = std::fs::read(course.join(rel)).map_err(|source| GradeError::Course {
            path: course.join(rel),
            source,
        })?;
        self.write_if_changed(rel, &bytes)
    }

    fn copy_tree(&self, course: &Path, rel: &Path) -> Result<(), GradeError> {
        for file in files_under(&course.join(rel)) {
            let rel = file.strip_prefix(course).expect("listed under the course");
            self.copy(course, rel)?;
        }
        Ok(())
    }

    /// Writes a file only when its content differs. A rewritten file gets a
    /// fresh mtime, newer than any earlier build's, so cargo never reuses an
    /// artifact of different code, whatever times the submission carried.
    fn write_if_changed(&self, rel: &Path, bytes: &[u8]) -> Result<(), GradeError> {
        let path = self.dir.join(rel);
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| self.err(source))?;
        }
        let file = File::create(&path).map_err(|source| self.err(source))?;
        std::io::Write::write_all(&mut &file, bytes).map_err(|source| self.err(source))?;
        file.set_modified(std::time::SystemTime::now())
            .map_err(|source| self.err(source))?;
        Ok(())
    }
}

/// Folds one line of cargo's JSON output into `build`.
fn read_message(slot: &Path, line: &str, build: &mut Build) {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
        return;
    };
    let package = message["package_id"].as_str().unwrap_or_default();
    let package_dir = package_dir(package);
    match message["reason"].as_str() {
        Some("compiler-artifact") => {
            if let Some(dir) = package_dir {
                build.finished.insert(dir);
            }
        }
        Some("compiler-message") if message["message"]["level"] == "error" => {
            let rendered = message["message"]["rendered"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let primary_file = message["message"]["spans"]
                .as_array()
                .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true))
                .and_then(|s| s["file_name"].as_str())
                .unwrap_or_default()
                .to_owned();
            let rendered = rendered.replace(&format!("{}/", slot.display()), "");
            match package_dir
                .as_deref()
                .and_then(|dir| blame(dir, &primary_file))
            {
                Some(exercise) => build.errors.push((exercise, rendered)),
                None => build.unattributed.push(rendered),
            }
        }
        _ => {}
    }
}

/// The package's directory from a cargo package id
/// (`path+file:///slot/exercises/01_wait_n#wait_n@0.1.0`).
fn package_dir(id: &str) -> Option<String> {
    let path = id.split_once("file://")?.1;
    Some(path.split('#').next()?.to_owned())
}

/// Which exercise an error in package `dir` (at `file`) is the student's
/// doing: their crate, the probe of their crate, or the runner's wiring of it.
pub(crate) fn blame(dir: &str, file: &str) -> Option<String> {
    let exercises = crate::exercises::EXERCISES;
    if let Some((_, ex)) = dir.rsplit_once("/exercises/") {
        return exercises
            .iter()
            .find(|(d, _)| *d == ex)
            .map(|(d, _)| d.to_string());
    }
    if let Some((_, probe)) = dir.rsplit_once("/checker/probes/") {
        return exercises
            .iter()
            .find(|(_, c)| *c == probe)
            .map(|(d, _)| d.to_string());
    }
    if dir.ends_with("/checker/runner") {
        let name = Path::new(file).file_stem()?.to_str()?.strip_prefix('e')?;
        return exercises
            .iter()
            .find(|(d, _)| *d == name)
            .map(|(d, _)| d.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_blamed_on_the_exercise_that_caused_them() {
        let cases = [
            (
                "/s/exercises/01_wait_n",
                "exercises/01_wait_n/src/lib.rs",
                Some("01_wait_n"),
            ),
            (
                "/s/checker/probes/wait_random",
                "checker/probes/wait_random/src/lib.rs",
                Some("00_wait_random"),
            ),
            (
                "/s/checker/runner",
                "checker/runner/src/e05_async_generator.rs",
                Some("05_async_generator"),
            ),
            ("/s/checker/runner", "checker/runner/src/main.rs", None),
            (
                "/s/checker/probes/core",
                "checker/probes/core/src/lib.rs",
                None,
            ),
            ("/s/checker", "checker/src/lib.rs", None),
        ];
        for (dir, file, want) in cases {
            assert_eq!(blame(dir, file).as_deref(), want, "{dir} {file}");
        }
    }

    #[test]
    fn concurrent_gradings_get_different_slots() {
        let cache = std::env::temp_dir().join(format!("checker-slot-test-{}", std::process::id()));
        let first = acquire(&cache).unwrap();
        let second = acquire(&cache).unwrap();
        assert_ne!(first.dir, second.dir);
        drop(first);
        let third = acquire(&cache).unwrap();
        assert_eq!(
            third.dir,
            cache.join("slots/0"),
            "a released slot is reused"
        );
        drop((second, third));
        let _ = std::fs::remove_dir_all(&cache);
    }

    #[test]
    fn package_ids_give_their_directory() {
        assert_eq!(
            package_dir("path+file:///tmp/s/exercises/01_wait_n#wait_n@0.1.0").as_deref(),
            Some("/tmp/s/exercises/01_wait_n")
        );
    }
}
