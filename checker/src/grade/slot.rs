//! Build workspaces for grading ("slots"): a copy of the course's build
//! files plus one submission's sources, with its own target directory.
//!
//! Slots live in the cache directory, outside the course. A slot is locked
//! while in use: two gradings at once take two slots and never share a
//! target directory. Dependencies stay built in a slot between gradings.
//!
//! The build is untrusted (macros, `include_*!`, `env!` and const
//! evaluation run at compile time), so it runs sandboxed: it sees the slot
//! read-only at `/build`, may write only `/build/target`, reads the
//! toolchain and the registry read-only, and has no network. Before it
//! starts, every artefact built from the previous submission's code is
//! deleted, so nothing compiled can embed another student's work.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::toolchain::Toolchain;
use super::{Budget, GradeError};
use crate::files::files_under;
use crate::manifest::{probe_without_own_crate, workspace_without};
use crate::sandbox::{End, Sandbox};

/// The most bytes of compiler diagnostics kept from one build.
const DIAGNOSTICS_CAP: usize = 4 << 20;

/// The most slots (concurrent gradings) one cache holds.
const MAX_SLOTS: usize = 32;

/// The slot's record of the exercises whose artefacts in its target are
/// course-made only (kept outside `target/`, which the build may write).
const PURE_RECORD: &str = "pure-exercises";

/// Present in a slot once the probe artefacts of builds that linked
/// students' crates into probes are gone (see `Slot::scrub`).
const PROBES_CLEAN: &str = "probes-clean";

/// Where the sandboxed build sees the slot (its dep-info names files there).
pub(crate) const BUILD_ROOT: &str = "/build";

/// A locked build workspace.
pub(crate) struct Slot {
    pub dir: PathBuf,
    _lock: File,
}

/// Takes the first free slot in `cache` for builds in `sandbox`, creating
/// it if needed.
pub(crate) fn acquire(cache: &Path, sandbox: &Sandbox) -> Result<Slot, GradeError> {
    // Sandboxed builds see other paths than unsandboxed ones, so each would
    // rebuild everything the other built: they keep slots of their own.
    let slots = cache.join(if sandbox.is_sandboxed() {
        "slots"
    } else {
        "slots-unsandboxed"
    });
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

/// Makes the first `count` free slots warm where one of them is: a slot
/// without built dependencies gets a copy of a warm one's `target/`, which
/// takes a second where building takes a minute. Only sandboxed slots: the
/// sandbox shows every slot at the same [`BUILD_ROOT`], so cargo finds a
/// copy fresh; unsandboxed builds see each slot's own path and would
/// rebuild it all anyway. Returns how many slots were seeded.
pub(crate) fn seed(cache: &Path, sandbox: &Sandbox, count: usize) -> Result<usize, GradeError> {
    if !sandbox.is_sandboxed() {
        return Ok(0);
    }
    let mut held = Vec::new();
    for _ in 0..count {
        match acquire(cache, sandbox) {
            Ok(slot) => held.push(slot),
            Err(_) => break,
        }
    }
    let warm = |slot: &Slot| slot.dir.join("target/debug/deps").is_dir();
    let Some(source) = held.iter().find(|s| warm(s)) else {
        return Ok(0);
    };
    let mut seeded = 0;
    for slot in held.iter().filter(|s| !warm(s)) {
        let target = slot.dir.join("target");
        let _ = std::fs::remove_dir_all(&target);
        // cp keeps modification times (cargo compares them) and shares
        // blocks where the file system can.
        let copied = Command::new("cp")
            .args(["-a", "--reflink=auto"])
            .arg(source.dir.join("target"))
            .arg(&target)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if copied.is_ok_and(|s| s.success()) {
            // The copy holds what the source's record says it holds.
            let _ = std::fs::copy(source.dir.join(PURE_RECORD), slot.dir.join(PURE_RECORD));
            seeded += 1;
        } else {
            // A half copy would be trusted by cargo: start that slot cold.
            let _ = std::fs::remove_dir_all(&target);
        }
    }
    Ok(seeded)
}

/// What one `cargo build` of the runner said.
#[derive(Debug)]
pub(crate) struct Build {
    pub success: bool,
    /// Rendered errors, by the exercise they are blamed on.
    pub errors: Vec<(String, String)>,
    /// Errors in the course's own code (the grader cannot run).
    pub unattributed: Vec<String>,
    /// Exercises whose crate (or its probe) compiled.
    pub finished: BTreeSet<String>,
    /// How cargo ended.
    pub end: End,
    /// What cargo printed on stderr (manifest errors and the like).
    pub stderr: String,
}

impl Build {
    /// cargo finished and said so.
    pub fn succeeded(&self) -> bool {
        self.success && self.end == End::Exited(0)
    }
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
        let manifest =
            workspace_without(&manifest, &["tests"]).map_err(|err| GradeError::Course {
                path: course.join("Cargo.toml"),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, err),
            })?;
        self.write_if_changed(Path::new("Cargo.toml"), manifest.as_bytes())?;
        self.copy(course, Path::new("Cargo.lock"))?;
        // The whole checker but its own tests (which grade the project's
        // fixtures and are no part of a build).
        for file in files_under(&course.join("checker")) {
            let rel = file.strip_prefix(course).expect("listed under the course");
            if rel.starts_with("checker/tests") {
                continue;
            }
            if rel.starts_with("checker/probes") && rel.ends_with("Cargo.toml") {
                let text = std::fs::read_to_string(&file).map_err(|source| GradeError::Course {
                    path: file.clone(),
                    source,
                })?;
                let text = probe_without_own_crate(&text).map_err(|err| GradeError::Course {
                    path: file.clone(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, err),
                })?;
                self.write_if_changed(rel, text.as_bytes())?;
            } else {
                self.copy(course, rel)?;
            }
        }
        for krate in crate::catalog::COURSE_CRATES {
            self.copy_tree(course, Path::new(krate))?;
        }
        self.remove_stale_exercises()?;
        for (exercise, _) in crate::exercises::EXERCISES {
            let base = Path::new("exercises").join(exercise);
            self.copy(course, &base.join("Cargo.toml"))?;
            self.copy_tree(course, &base.join("tests"))?;
        }
        Ok(())
    }

    /// Removes exercise directories the course does not have: a slot is
    /// shared by every course graded from this cache, and cargo's
    /// `exercises/*` glob would make a stale one a member, which the
    /// course's lock file (rightly, with `--locked`) does not know.
    fn remove_stale_exercises(&self) -> Result<(), GradeError> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("exercises")) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let known = crate::exercises::EXERCISES
                .iter()
                .any(|(dir, _)| name.to_str() == Some(*dir));
            if !known {
                let path = entry.path();
                let removed = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
                removed.map_err(|source| self.err(source))?;
            }
        }
        Ok(())
    }

    /// Whether `exercises/<exercise>/src` holds exactly `files`.
    pub fn holds(&self, exercise: &str, files: &[(PathBuf, String)]) -> bool {
        let src = self.dir.join("exercises").join(exercise).join("src");
        let found = files_under(&src);
        found.len() == files.len()
            && files.iter().all(|(path, text)| {
                std::fs::read(src.join(path)).is_ok_and(|bytes| bytes == text.as_bytes())
            })
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

    /// Builds the runner in a fresh sandbox within `budget`, reporting
    /// which exercise each error belongs to.
    ///
    /// `pure` are the exercises built from course code alone this time (a
    /// starter stub whose whole chain of earlier exercises is stubs too);
    /// their artefacts survive from one build to the next where they were
    /// pure then too, as they hold nobody's work.
    pub fn build(
        &self,
        sandbox: &Sandbox,
        toolchain: &Toolchain,
        budget: &Budget,
        pure: &BTreeSet<&str>,
    ) -> Result<Build, GradeError> {
        let record = self.dir.join(PURE_RECORD);
        let before = std::fs::read_to_string(&record).unwrap_or_default();
        let keep: BTreeSet<&str> = before.lines().filter(|l| pure.contains(l)).collect();
        self.scrub(&keep).map_err(|source| self.err(source))?;
        // From here on the target holds student-made artefacts of every
        // exercise not in `pure`; the record says so before cargo starts.
        let listed: String = pure.iter().map(|e| format!("{e}\n")).collect();
        std::fs::write(&record, listed).map_err(|source| self.err(source))?;
        std::fs::create_dir_all(self.target()).map_err(|source| self.err(source))?;
        let mut jail = sandbox.jail();
        jail.expose_system();
        jail.processes();
        jail.devices(64 << 20);
        let tmp = jail.scratch("/tmp", 512 << 20, &std::env::temp_dir());
        let sysroot = jail.expose_read_only(&toolchain.sysroot, "/toolchain");
        let cargo_home = if sandbox.is_sandboxed() {
            // Writable for cargo's lock files only; the registry is read-only.
            let home = jail.scratch("/cargo", 16 << 20, &toolchain.cargo_home);
            for dir in ["registry", "git"] {
                let host = toolchain.cargo_home.join(dir);
                if host.is_dir() {
                    jail.expose_read_only(&host, &format!("/cargo/{dir}"));
                }
            }
            home
        } else {
            toolchain.cargo_home.clone()
        };
        let root = jail.expose_read_only(&self.dir, BUILD_ROOT);
        let target = jail.expose_writable(&self.target(), "/build/target");
        let path = std::env::join_paths([
            sysroot.join("bin"),
            "/usr/local/bin".into(),
            "/usr/bin".into(),
            "/bin".into(),
        ])
        .map_err(|e| self.err(std::io::Error::other(e)))?;
        jail.env("PATH", path);
        jail.env("RUSTC", sysroot.join("bin/rustc"));
        jail.env("CARGO_HOME", &cargo_home);
        jail.env("CARGO_TARGET_DIR", &target);
        // The leanest layout: no debug info, no incremental state.
        jail.env("CARGO_PROFILE_DEV_DEBUG", "0");
        jail.env("CARGO_INCREMENTAL", "0");
        jail.env("CARGO_TERM_COLOR", "never");
        jail.env("CARGO_NET_OFFLINE", "true");
        jail.env("TMPDIR", &tmp);
        jail.cwd(root.clone());
        let argv: Vec<String> = [
            toolchain
                .cargo_inside(&sysroot)
                .to_string_lossy()
                .into_owned(),
            "build".into(),
            "--message-format=json".into(),
            "--offline".into(),
            "--locked".into(),
            "-p".into(),
            "grade-runner".into(),
        ]
        .into();
        let spawned = sandbox
            .spawn(&jail, &argv, &budget.limits, Stdio::null())
            .map_err(GradeError::Toolchain)?;
        let ended = spawned.supervise(
            Instant::now() + budget.time,
            64 * 1024,
            move |stdout, outlet| {
                // Code can make the compiler say a great deal: past the cap
                // its diagnostics are dropped, but not what says how the
                // build went.
                let mut said = 0usize;
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    said += line.len();
                    let diagnostic = line.contains(r#""reason":"compiler-message""#);
                    if diagnostic && said > DIAGNOSTICS_CAP {
                        continue;
                    }
                    outlet.send(line);
                }
            },
        );
        let mut build = Build {
            success: false,
            errors: Vec::new(),
            unattributed: Vec::new(),
            finished: BTreeSet::new(),
            end: ended.end,
            stderr: ended.stderr,
        };
        for line in &ended.items {
            read_message(&root, line, &mut build);
        }
        Ok(build)
    }

    /// Downloads and unpacks every dependency of the course's lock file into
    /// the host's registry, once per lock file: the sandboxed build is
    /// offline and sees the registry read-only. Runs outside the sandbox,
    /// on course files only (the slot's manifests and lock file are the
    /// course's; cargo reads no student source to fetch).
    pub fn fetch(&self, cache: &Path, toolchain: &Toolchain) -> Result<(), GradeError> {
        use std::hash::{Hash, Hasher};
        let lock = std::fs::read(self.dir.join("Cargo.lock")).map_err(|source| self.err(source))?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&lock, &toolchain.cargo_home).hash(&mut hasher);
        let stamp = cache.join(format!("fetched-{:016x}", hasher.finish()));
        if stamp.exists() {
            return Ok(());
        }
        let fetch = |offline: bool| {
            let mut command = Command::new(&toolchain.cargo);
            command
                .args(["fetch", "--locked", "--quiet"])
                .current_dir(&self.dir)
                .stdin(Stdio::null());
            if offline {
                command.arg("--offline");
            }
            command.output()
        };
        let output = match fetch(true) {
            Ok(out) if out.status.success() => out,
            _ => fetch(false).map_err(GradeError::Toolchain)?,
        };
        if !output.status.success() {
            return Err(GradeError::Toolchain(std::io::Error::other(format!(
                "`cargo fetch` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))));
        }
        std::fs::write(&stamp, "").map_err(|source| self.err(source))
    }

    /// Deletes what earlier builds made of student code (the exercise
    /// crates but those in `keep`, and the runner), so nothing this build
    /// compiles can read another submission's artefacts. Dependencies stay,
    /// and so do the probes, which the slot builds without students' crates
    /// ([`probe_without_own_crate`]); probes from before that (a slot the
    /// marker [`PROBES_CLEAN`] is missing in) go once.
    fn scrub(&self, keep: &BTreeSet<&str>) -> std::io::Result<()> {
        let mut student_made: BTreeSet<String> = BTreeSet::from(["grade_runner".to_owned()]);
        let probes_clean = self.dir.join(PROBES_CLEAN).exists();
        for (dir, krate) in crate::exercises::EXERCISES {
            if !probes_clean {
                student_made.insert(format!("probe_{krate}"));
            }
            if keep.contains(dir) {
                continue;
            }
            student_made.insert(krate.to_owned());
        }
        let debug = self.target().join("debug");
        for dir in [debug.join("deps"), debug.join(".fingerprint")] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().replace('-', "_");
                let name = name.strip_prefix("lib").unwrap_or(&name);
                let Some((krate, _hash)) = name.rsplit_once('_') else {
                    continue;
                };
                if student_made.contains(krate) {
                    let path = entry.path();
                    if entry.file_type()?.is_dir() {
                        std::fs::remove_dir_all(&path)?;
                    } else {
                        std::fs::remove_file(&path)?;
                    }
                }
            }
        }
        match std::fs::remove_file(debug.join("grade-runner")) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        if !probes_clean {
            std::fs::write(self.dir.join(PROBES_CLEAN), "")?;
        }
        Ok(())
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
        // Nothing in the slot is a link unless planted; never write through one.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            std::fs::remove_file(&path).map_err(|source| self.err(source))?;
        }
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

/// Folds one line of cargo's JSON output into `build`; lines that are not
/// cargo's messages (a build script's output, say) are ignored.
fn read_message(root: &Path, line: &str, build: &mut Build) {
    use cargo_metadata::Message;
    use cargo_metadata::diagnostic::DiagnosticLevel;
    let Ok(message) = serde_json::from_str::<Message>(line) else {
        return;
    };
    match message {
        Message::CompilerArtifact(artifact) => {
            if let Some(exercise) = owner(root, artifact.target.src_path.as_std_path(), &[]) {
                build.finished.insert(exercise);
            }
        }
        Message::BuildFinished(finished) => build.success = finished.success,
        Message::CompilerMessage(message) if message.message.level == DiagnosticLevel::Error => {
            let rendered = message
                .message
                .rendered
                .clone()
                .unwrap_or_else(|| message.message.message.clone());
            let rendered = relative_to(&rendered, root);
            let files = span_files(&message.message);
            match owner(root, message.target.src_path.as_std_path(), &files) {
                Some(exercise) => build.errors.push((exercise, rendered)),
                None => build.unattributed.push(rendered),
            }
        }
        _ => {}
    }
}

/// The files of a diagnostic's primary span and of the macro calls it was
/// expanded from, for [`owner`]: an error inside `checker::link!` is the
/// runner file's that called it.
pub(crate) fn span_files(diagnostic: &cargo_metadata::diagnostic::Diagnostic) -> Vec<&Path> {
    let mut files: Vec<&Path> = Vec::new();
    let mut span = diagnostic.spans.iter().find(|span| span.is_primary);
    while let Some(s) = span {
        files.push(Path::new(&s.file_name));
        span = s.expansion.as_ref().map(|e| &e.span);
    }
    files
}

/// `text` with every path that starts with `root` made relative to it: the
/// student reads `exercises/01_wait_n/src/lib.rs`, not the slot's path. Only
/// whole paths, so `target/debug/build/` inside one stays as it is.
fn relative_to(text: &str, root: &Path) -> String {
    let prefix = format!("{}/", root.display());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&prefix) {
        out.push_str(&rest[..at]);
        let before = out.chars().next_back();
        if !before.is_none_or(|c| c.is_whitespace() || "([\"'`".contains(c)) {
            out.push_str(&prefix);
        }
        rest = &rest[at + prefix.len()..];
    }
    out.push_str(rest);
    out
}

/// Which exercise is to blame for what the compiler said about the target
/// whose crate root is `src_path` (cargo's `target.src_path`): the
/// exercise's own crate, the probe standing in for it, or, in a runner
/// (the grader's, or `cargo test -p`'s own-runner), the runner's wiring of it (`eNN_name.rs`, generated by the runner's
/// build.rs; the first
/// such file among the diagnostic's primary span and the macro calls it
/// came from, `files`). `None`: the course's own code.
pub(crate) fn owner(root: &Path, src_path: &Path, files: &[&Path]) -> Option<String> {
    use crate::catalog::{CATALOG, exercise};
    let rel = src_path.strip_prefix(root).ok()?;
    let in_dir = |dir: &str| -> Option<String> {
        let name = rel.strip_prefix(dir).ok()?.components().next()?;
        Some(name.as_os_str().to_str()?.to_owned())
    };
    let found = if let Some(dir) = in_dir("exercises") {
        exercise(&dir)
    } else if let Some(probe) = in_dir("checker/probes") {
        CATALOG.iter().find(|e| e.krate == probe)
    } else if rel.starts_with("checker/runner") || rel.starts_with("checker/own-runner") {
        files
            .iter()
            .find_map(|file| exercise(file.file_stem()?.to_str()?.strip_prefix('e')?))
    } else {
        None
    };
    found.map(|e| e.dir.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_blamed_on_the_exercise_whose_target_they_are_in() {
        let root = Path::new("/s");
        let cases = [
            ("/s/exercises/01_wait_n/src/lib.rs", None, Some("01_wait_n")),
            (
                "/s/checker/probes/wait_random/src/lib.rs",
                None,
                Some("00_wait_random"),
            ),
            (
                "/s/checker/runner/src/main.rs",
                Some("/s/target/debug/build/grade-runner-1/out/e05_async_generator.rs"),
                Some("05_async_generator"),
            ),
            (
                "/s/checker/runner/src/main.rs",
                Some("checker/runner/src/main.rs"),
                None,
            ),
            ("/s/checker/probes/core/src/lib.rs", None, None),
            ("/s/checker/src/lib.rs", None, None),
            ("/s/exercises/99_unknown/src/lib.rs", None, None),
            ("/elsewhere/exercises/01_wait_n/src/lib.rs", None, None),
        ];
        for (src, file, want) in cases {
            assert_eq!(
                owner(
                    root,
                    Path::new(src),
                    &file.map(Path::new).into_iter().collect::<Vec<_>>()
                )
                .as_deref(),
                want,
                "{src} {file:?}"
            );
        }
    }

    #[test]
    fn only_whole_paths_are_made_relative() {
        let root = Path::new("/build");
        assert_eq!(
            relative_to(
                " --> /build/target/debug/build/x/out/e07.rs:4:5\n::: /build/exercises/a.rs",
                root
            ),
            " --> target/debug/build/x/out/e07.rs:4:5\n::: exercises/a.rs"
        );
        assert_eq!(
            relative_to("/build/a.rs (/build/b.rs)", root),
            "a.rs (b.rs)"
        );
    }

    #[test]
    fn cargo_messages_are_read_as_cargo_writes_them() {
        let root = Path::new("/s");
        let mut build = Build {
            success: true,
            errors: Vec::new(),
            unattributed: Vec::new(),
            finished: BTreeSet::new(),
            end: End::Exited(101),
            stderr: String::new(),
        };
        let target = |src: &str| {
            format!(
                r#"{{"kind":["lib"],"crate_types":["lib"],"name":"x","src_path":"{src}","edition":"2024","doc":true,"doctest":true,"test":true}}"#
            )
        };
        let lines = [
            format!(
                r#"{{"reason":"compiler-artifact","package_id":"path+file:///s/exercises/00_wait_random#wait_random@0.1.0","manifest_path":"/s/exercises/00_wait_random/Cargo.toml","target":{},"profile":{{"opt_level":"0","debuginfo":0,"debug_assertions":true,"overflow_checks":true,"test":false}},"features":[],"filenames":[],"executable":null,"fresh":false}}"#,
                target("/s/exercises/00_wait_random/src/lib.rs")
            ),
            format!(
                r#"{{"reason":"compiler-message","package_id":"path+file:///s/exercises/01_wait_n#wait_n@0.1.0","manifest_path":"/s/exercises/01_wait_n/Cargo.toml","target":{},"message":{{"$message_type":"diagnostic","message":"mismatched types","code":null,"level":"error","spans":[],"children":[],"rendered":"error: mismatched types --> /s/exercises/01_wait_n/src/lib.rs:3:5"}}}}"#,
                target("/s/exercises/01_wait_n/src/lib.rs")
            ),
            r#"{"reason":"build-finished","success":false}"#.to_owned(),
            "not json at all".to_owned(),
        ];
        for line in &lines {
            read_message(root, line, &mut build);
        }
        assert_eq!(
            build.finished,
            BTreeSet::from(["00_wait_random".to_owned()])
        );
        assert_eq!(
            build.errors,
            [(
                "01_wait_n".to_owned(),
                "error: mismatched types --> exercises/01_wait_n/src/lib.rs:3:5".to_owned()
            )]
        );
        assert!(!build.success);
    }

    #[test]
    fn an_exercise_the_course_does_not_have_is_removed_from_the_slot() {
        let cache = std::env::temp_dir().join(format!("checker-stale-test-{}", std::process::id()));
        let none = Sandbox::prepare(crate::sandbox::Mode::None, "checker".into()).unwrap();
        let slot = acquire(&cache, &none).unwrap();
        let stale = slot.dir.join("exercises/98_from_another_course/src");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(stale.join("lib.rs"), "").unwrap();
        let course = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        slot.sync_course(&course).unwrap();
        assert!(!slot.dir.join("exercises/98_from_another_course").exists());
        assert!(
            slot.dir
                .join("exercises/00_wait_random/Cargo.toml")
                .is_file()
        );
        drop(slot);
        let _ = std::fs::remove_dir_all(&cache);
    }

    #[test]
    fn concurrent_gradings_get_different_slots() {
        let cache = std::env::temp_dir().join(format!("checker-slot-test-{}", std::process::id()));
        let none = Sandbox::prepare(crate::sandbox::Mode::None, "checker".into()).unwrap();
        let first = acquire(&cache, &none).unwrap();
        let second = acquire(&cache, &none).unwrap();
        assert_ne!(first.dir, second.dir);
        drop(first);
        let third = acquire(&cache, &none).unwrap();
        assert_eq!(
            third.dir,
            cache.join("slots-unsandboxed/0"),
            "a released slot is reused"
        );
        drop((second, third));
        let _ = std::fs::remove_dir_all(&cache);
    }
}
