//! `checker grade`: grades a submission directory safely and fast.
//!
//! 1. [`intake`] takes only `exercises/NN_name/src/**/*.rs` from the
//!    submission; everything else comes from the pristine course.
//! 2. A locked [`slot`] (build workspace in the cache) gets the course's
//!    build files and the submission's sources; one sandboxed `cargo build`
//!    links every exercise into one runner binary. An exercise that breaks
//!    the build is reported as `compile_error` and its starter stub takes
//!    its place, so the others still build ([`build`]).
//! 3. Per exercise, a sandboxed child runs the scenarios and reports
//!    observations ([`observe`]); the parent judges them with
//!    [`crate::Check::judge`], the code `cargo test` runs.
//!
//! Untrusted code runs only inside [`crate::sandbox`]: the build and every
//! child, each in a sandbox of its own with its own budget.

mod build;
mod intake;
pub mod observe;
mod slot;
mod toolchain;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

pub use intake::{Intake, MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES, intake};
pub use observe::OUTPUT_CAP;
pub(crate) use slot::{owner, span_files};

use crate::check::{Check, Status, Verdict};
use crate::exercises::EXERCISES;
use crate::report::{CheckReport, ExerciseReport, ExerciseStatus, Report};
use crate::sandbox::{self, Mode, Rlimits, Sandbox, SandboxError};
use crate::source::Sources;
use crate::subject::Subject;

/// Why grading could not run at all. A submission that fails in any way is
/// a [`Report`], never one of these.
#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    /// The course directory is missing or unreadable.
    #[error(
        "failed to read the course at {path}: {source}\nhint: run from the course repository or pass --course DIR"
    )]
    Course {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The submission directory is missing or not a directory.
    #[error(
        "failed to read the submission {path}: {reason}\nhint: pass the directory that holds exercises/NN_name/src"
    )]
    Submission {
        /// The submission path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// `--exercise` named no exercise of the course.
    #[error("failed to find exercise {0:?}\nhint: exercises are {list}", list = EXERCISES.map(|(d, _)| d).join(", "))]
    UnknownExercise(String),
    /// cargo could not be started.
    #[error(
        "failed to run cargo: {0}\nhint: install Rust with rustup, or set CARGO to cargo's path"
    )]
    Toolchain(std::io::Error),
    /// The build cache could not be prepared.
    #[error(
        "failed to prepare the build cache at {path}: {source}\nhint: set CHECKER_CACHE_DIR to a writable directory"
    )]
    Cache {
        /// The cache path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An exercise's `checks.yaml` is invalid.
    #[error("failed to read the course's check configuration:\n{}", .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Config(Vec<crate::course::ConfigError>),
    /// The course's own code did not build: nothing a submission did.
    #[error("failed to build the course's checker (not the submission's fault):\n{0}")]
    CourseBuild(String),
    /// A quiz file of the course is invalid.
    #[error("failed to read the course's quizzes:\n{}", .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Quiz(Vec<crate::quiz::QuizError>),
    /// No working sandbox, and `--sandbox none` was not given.
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

/// What to grade and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// The pristine course (the repository root).
    pub course: PathBuf,
    /// The submission directory.
    pub submission: PathBuf,
    /// Exercises to grade; empty means all.
    pub exercises: Vec<String>,
    /// Exercises graded at once.
    pub jobs: usize,
    /// Where build slots live.
    pub cache: PathBuf,
    /// Show hidden checks' messages.
    pub reveal_hidden: bool,
    /// How untrusted code is isolated.
    pub sandbox: Mode,
    /// A binary that serves `checker __launch` (the `checker` binary itself).
    pub launcher: PathBuf,
    /// What one build may take.
    pub build: Budget,
    /// What one exercise's checks may take, reruns included.
    pub run: Budget,
}

/// The wall-clock time and the limits of one sandboxed build, or of one
/// exercise's checks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    /// Wall-clock time until the whole tree is killed.
    pub time: Duration,
    /// Memory, processes and per-process limits.
    pub limits: sandbox::Limits,
}

impl Budget {
    /// A build: cold builds of the dependencies take about a minute here.
    pub fn build() -> Budget {
        Budget {
            time: Duration::from_secs(300),
            limits: sandbox::Limits {
                memory: 4 << 30,
                processes: 512,
                rlimits: Rlimits {
                    cpu_seconds: 600,
                    file_size: 2 << 30,
                    open_files: 4096,
                    address_space: None,
                },
            },
        }
    }

    /// One exercise's checks: correct code needs milliseconds; the budget
    /// covers every check blocking until its watchdog, and the reruns.
    pub fn run() -> Budget {
        Budget {
            time: crate::engine::watchdog() * 2 + Duration::from_secs(50),
            limits: sandbox::Limits {
                memory: 1 << 30,
                processes: 256,
                rlimits: Rlimits {
                    cpu_seconds: 120,
                    file_size: 16 << 20,
                    open_files: 256,
                    address_space: Some(4 << 30),
                },
            },
        }
    }
}

/// The most of one check's message a report holds.
const MESSAGE_CAP: usize = 4 * 1024;

/// The limits `checker grade --help` lists beside its options: what the
/// sandbox sets on every process, which the options do not change.
pub fn limits_help() -> String {
    let line = |what: &str, budget: Budget| {
        let r = budget.limits.rlimits;
        let address = r
            .address_space
            .map(|a| format!(", {} MiB address space", a >> 20))
            .unwrap_or_default();
        format!(
            "  {what}: {} s of CPU, {} MiB files, {} open files{address}, no core dumps",
            r.cpu_seconds,
            r.file_size >> 20,
            r.open_files
        )
    };
    format!(
        "Limits on every process, set before it starts (besides the budgets above, which hold \
         for the whole tree through a control group):\n{}\n{}",
        line("build", Budget::build()),
        line("checks", Budget::run())
    )
}

impl Options {
    /// Defaults for grading `submission` against the course at `course`.
    pub fn new(course: PathBuf, submission: PathBuf) -> Self {
        Options {
            course,
            submission,
            exercises: Vec::new(),
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            cache: default_cache_dir(),
            reveal_hidden: false,
            sandbox: Mode::Auto,
            launcher: std::env::current_exe().unwrap_or_else(|_| "checker".into()),
            build: Budget::build(),
            run: Budget::run(),
        }
    }
}

/// `$CHECKER_CACHE_DIR`, else `$XDG_CACHE_HOME/async-course-checker`, else
/// `~/.cache/async-course-checker`. Delete it to start cold.
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CHECKER_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("async-course-checker")
}

pub use crate::exercises::own_chain;

/// Readies `count` build slots for gradings at once (a class): where the
/// cache has one warm slot, the others start as copies of it. Returns how
/// many were copied.
pub fn prepare_slots(options: &Options, count: usize) -> Result<usize, GradeError> {
    let sandbox = Sandbox::prepare(options.sandbox, options.launcher.clone())?;
    slot::seed(&options.cache, &sandbox, count)
}

/// Grades a submission. `Err` only when grading itself cannot run.
pub fn grade(options: &Options) -> Result<Report, GradeError> {
    let started = std::time::Instant::now();
    let selected: Vec<&str> = if options.exercises.is_empty() {
        EXERCISES.iter().map(|(d, _)| *d).collect()
    } else {
        let mut selected = Vec::new();
        for wanted in &options.exercises {
            let found = EXERCISES.iter().find(|(d, _)| d == wanted);
            let (dir, _) = found.ok_or_else(|| GradeError::UnknownExercise(wanted.clone()))?;
            if !selected.contains(dir) {
                selected.push(*dir);
            }
        }
        selected.sort();
        selected
    };
    let course = &options.course;
    if !options.submission.is_dir() {
        return Err(GradeError::Submission {
            path: options.submission.clone(),
            reason: "not a directory".into(),
        });
    }

    // The course's configuration, validated before anything is built.
    let mut configs = BTreeMap::new();
    let mut config_errors = Vec::new();
    for exercise in &selected {
        let dir = course.join("exercises").join(exercise);
        let text = std::fs::read_to_string(dir.join("checks.yaml")).map_err(|source| {
            GradeError::Course {
                path: dir.join("checks.yaml"),
                source,
            }
        })?;
        let subject = Subject::unlinked(exercise).expect("a course exercise");
        let parsed = crate::course::parse(&crate::course::config_path(exercise), exercise, &text);
        match parsed.and_then(|config| crate::course::configure_course(subject, &config)) {
            Ok(checks) => {
                configs.insert(*exercise, (text, checks));
            }
            Err(errors) => config_errors.extend(errors),
        }
    }
    if !config_errors.is_empty() {
        return Err(GradeError::Config(config_errors));
    }
    // Quizzes are graded with the whole course, not with `--exercise`.
    let quizzes = if options.exercises.is_empty() {
        crate::quiz::load_all(course).map_err(GradeError::Quiz)?
    } else {
        Vec::new()
    };

    // Intake every exercise: later ones run through earlier ones.
    let mut stubs = BTreeMap::new();
    let mut intakes = BTreeMap::new();
    for (exercise, _) in EXERCISES {
        let stub_dir = course.join("exercises").join(exercise).join("src");
        let stub = read_tree(&stub_dir).map_err(|source| GradeError::Course {
            path: stub_dir.clone(),
            source,
        })?;
        let stub_lib = stub
            .iter()
            .find(|(p, _)| p == Path::new("lib.rs"))
            .map(|(_, t)| t.clone())
            .ok_or_else(|| GradeError::Course {
                path: stub_dir.join("lib.rs"),
                source: std::io::ErrorKind::NotFound.into(),
            })?;
        intakes.insert(
            exercise,
            intake(&options.submission, exercise, Some(&stub_lib)),
        );
        stubs.insert(exercise, stub);
    }

    let sandbox = Sandbox::prepare(options.sandbox, options.launcher.clone())?;
    let toolchain = toolchain::Toolchain::find()?;
    let slot = slot::acquire(&options.cache, &sandbox)?;
    slot.sync_course(course)?;
    for (exercise, intake) in &intakes {
        let files = match intake {
            Intake::Files(files) => files,
            _ => &stubs[exercise],
        };
        slot.write_exercise(exercise, files)?;
    }
    slot.fetch(&options.cache, &toolchain)?;
    let compile_errors = build::Builder {
        slot: &slot,
        sandbox: &sandbox,
        toolchain: &toolchain,
        budget: &options.build,
        intakes: &intakes,
        stubs: &stubs,
    }
    .build()?;

    let workdir = slot.dir.join("run");
    let _ = std::fs::create_dir_all(&workdir);
    let built = Built {
        options,
        intakes: &intakes,
        compile_errors: &compile_errors,
        slot_dir: &slot.dir,
        children: observe::Children {
            sandbox: &sandbox,
            runner: slot.runner(),
            runner_args: Vec::new(),
            workdir,
            limits: options.run.limits,
        },
    };
    let queue = Mutex::new(selected.clone());
    let reports = Mutex::new(BTreeMap::new());
    let confinement = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let Some(exercise) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let (config, checks) = &configs[exercise];
                    let (report, confined) = built.grade_exercise(exercise, config, checks);
                    if confined.is_some() {
                        *confinement.lock().unwrap() = confined;
                    }
                    reports.lock().unwrap().insert(exercise, report);
                }
            });
        }
    });
    let mut exercises: Vec<ExerciseReport> = reports.into_inner().unwrap().into_values().collect();
    exercises.extend(quizzes.iter().map(|quiz| {
        crate::quiz::report_for(
            quiz,
            crate::quiz::submitted_answers(&options.submission, &quiz.id),
        )
    }));
    let mut report = Report::new(exercises);
    report.seconds = started.elapsed().as_secs_f64();
    let mut info = sandbox.info();
    info.confinement = confinement.into_inner().unwrap();
    report.sandbox = Some(info);
    Ok(report)
}

/// What grading every exercise shares once the runner is built.
struct Built<'a> {
    options: &'a Options,
    intakes: &'a BTreeMap<&'static str, Intake>,
    compile_errors: &'a BTreeMap<&'static str, String>,
    slot_dir: &'a Path,
    children: observe::Children<'a>,
}

impl Built<'_> {
    /// Runs one exercise's checks in children and judges what they saw;
    /// also says how its child confined itself.
    fn grade_exercise(
        &self,
        exercise: &str,
        config: &str,
        all: &[Check],
    ) -> (ExerciseReport, Option<sandbox::Confinement>) {
        let Built {
            options,
            intakes,
            compile_errors,
            ..
        } = *self;
        let unrun = |status: ExerciseStatus, message: String| {
            let checks = all
                .iter()
                .map(|c| {
                    CheckReport::new(
                        c,
                        Status::Skipped,
                        String::new(),
                        None,
                        options.reveal_hidden,
                        Duration::ZERO,
                    )
                })
                .collect();
            (ExerciseReport::new(exercise, status, message, checks), None)
        };
        match (&intakes[exercise], compile_errors.get(exercise)) {
            (Intake::NotSubmitted(why), _) => {
                return unrun(ExerciseStatus::NotSubmitted, why.clone());
            }
            (Intake::Refused(why), _) => {
                return unrun(ExerciseStatus::CompileError, format!("refused: {why}"));
            }
            (_, Some(errors)) => return unrun(ExerciseStatus::CompileError, errors.clone()),
            _ => {}
        }
        let sources = compiled_sources(self.slot_dir, self.children.sandbox, exercise);
        let ids: Vec<String> = all.iter().map(|c| c.id.clone()).collect();
        let started = std::time::Instant::now();
        let observed = self
            .children
            .observe(exercise, config, &ids, options.run.time);
        let seconds = started.elapsed().as_secs_f64();
        let mut exercise_message = observed.message;
        let outcomes = observed.outcomes;

        let broken_earlier: Vec<&str> = own_chain(exercise)
            .iter()
            .copied()
            .filter(|e| {
                compile_errors.contains_key(e) || matches!(intakes.get(e), Some(Intake::Refused(_)))
            })
            .collect();
        let reports = all
            .iter()
            .map(|check| {
                let Verdict {
                    status,
                    mut message,
                    hint,
                    ..
                } = outcomes[&check.id].verdict(check, &sources);
                if check.uses_own_earlier && status != Status::Passed && !broken_earlier.is_empty()
                {
                    message.push_str(&format!(
                        " (your {} did not compile, so its starter stub stood in for it)",
                        broken_earlier.join(" and ")
                    ));
                }
                let took = observed.took.get(&check.id).copied().unwrap_or_default();
                CheckReport::new(check, status, message, hint, options.reveal_hidden, took)
            })
            .collect::<Vec<_>>();
        let status = ExerciseStatus::from_checks(&reports);
        if status == ExerciseStatus::Passed || status == ExerciseStatus::Failed {
            exercise_message.clear();
        }
        let mut report = ExerciseReport::new(exercise, status, exercise_message, reports);
        report.seconds = seconds;
        (report, observed.confinement)
    }
}

/// The sources `exercise`'s lib crate was compiled from in the last build
/// of the slot at `slot_dir`, read from the compiler's dep-info (see
/// [`Sources::compiled`] for the fallback). The build deletes every earlier
/// build's artefacts of the exercise crates first, so the dep-info found is
/// its own.
fn compiled_sources(slot_dir: &Path, sandbox: &Sandbox, exercise: &str) -> Sources {
    let krate = crate::catalog::exercise(exercise).map_or(exercise, |e| e.krate);
    let seen_as = if sandbox.is_sandboxed() {
        Path::new(slot::BUILD_ROOT)
    } else {
        slot_dir
    };
    let crate_dir = Path::new("exercises").join(exercise);
    Sources::compiled(
        &slot_dir.join("target").join("debug").join("deps"),
        krate,
        &slot_dir.join(&crate_dir),
        &seen_as.join(&crate_dir),
        &format!("exercises/{exercise}"),
    )
}

/// At most `max` bytes of `text`, cut at a char boundary, marked when cut.
pub(crate) fn trim_text(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} more bytes)", &text[..end], text.len() - end)
}

/// Every file under `dir` as (path relative to `dir`, text).
fn read_tree(dir: &Path) -> std::io::Result<Vec<(PathBuf, String)>> {
    crate::files::files_under(dir)
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
            Ok((rel, std::fs::read_to_string(&path)?))
        })
        .collect()
}

impl CheckReport {
    /// The report of one check; a hidden one's message and hint are
    /// withheld unless `reveal`.
    fn new(
        check: &Check,
        status: Status,
        message: String,
        hint: Option<String>,
        reveal: bool,
        took: Duration,
    ) -> Self {
        let passed = status == Status::Passed;
        let redact = check.hidden && !reveal;
        CheckReport {
            id: check.id.clone(),
            name: check.name.clone(),
            status,
            score: if passed { check.points } else { 0.0 },
            max_score: check.points,
            // Messages quote what student code said (a panic message can
            // be megabytes); a report stays readable.
            message: if redact {
                String::new()
            } else {
                trim_text(&message, MESSAGE_CAP)
            },
            hint: if redact || passed {
                String::new()
            } else {
                hint.unwrap_or_default()
            },
            hidden: check.hidden,
            seconds: took.as_secs_f64(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_char_boundary_and_says_so() {
        assert_eq!(trim_text("short", 10), "short");
        let cut = trim_text("ééééé", 3);
        assert!(
            cut.starts_with('é') && cut.ends_with("(8 more bytes)"),
            "{cut}"
        );
    }
}
