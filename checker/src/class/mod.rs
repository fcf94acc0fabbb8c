//! `checker grade --class DIR`: every subdirectory of DIR is one student's
//! submission, graded as `checker grade --submission` grades it, in
//! parallel, into one output directory:
//!
//! ```text
//! OUT/gradebook.csv                  one row per student (see gradebook)
//! OUT/summary.txt                    what the end of the run printed
//! OUT/students/<name>/report.json    always; the other formats asked for beside it
//! OUT/students/<name>/fingerprint    the key the report was graded under
//! OUT/students/<name>/error.txt      when grading could not run at all
//! ```
//!
//! Each submission is graded in a sandbox and build slot of its own, so a
//! submission that crashes, hangs or attacks the grader costs only its own
//! result. Every file is written atomically and a student's fingerprint
//! last, so a run killed at any point leaves only whole results, and a
//! rerun takes every student whose fingerprint still matches (same files,
//! same course, same options) from the reports already written and grades
//! the rest.

mod fingerprint;
mod gradebook;
pub mod progress;
mod summary;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::files::write_atomically;
use crate::grade::{self, GradeError, Options};
use crate::report::{Format, Report};

pub use progress::{Event, Progress};

/// What to grade and where to write it.
#[derive(Clone, Debug)]
pub struct ClassOptions {
    /// The class: one subdirectory per submission.
    pub class: PathBuf,
    /// Where the gradebook and the students' reports go.
    pub out_dir: PathBuf,
    /// Formats written per student besides `json`.
    pub formats: Vec<Format>,
    /// Submissions graded at once.
    pub jobs: usize,
    /// How each submission is graded (its `submission` is replaced).
    pub grade: Options,
}

/// One student's result.
#[derive(Clone, Debug)]
pub struct Graded {
    /// The submission's directory name.
    pub student: String,
    /// The report, or why grading could not run for this submission.
    pub result: Result<Report, String>,
    /// Wall-clock seconds its grading took (in the run that graded it).
    pub seconds: f64,
    /// Taken from an earlier run: its fingerprint was unchanged.
    pub reused: bool,
}

/// The whole class.
#[derive(Debug)]
pub struct Class {
    /// Every student, by name.
    pub students: Vec<Graded>,
    /// The run's wall-clock time.
    pub elapsed: Duration,
}

impl Class {
    /// The end-of-run summary: score distribution, compile errors, the
    /// slowest submissions.
    pub fn summary(&self) -> String {
        summary::render(self)
    }
}

/// Why a whole class could not be graded. One submission's trouble is
/// never one of these: it is that student's row.
#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    /// The class directory cannot be listed.
    #[error(
        "failed to read the class directory {path}: {source}\nhint: pass a directory with one subdirectory per submission"
    )]
    Class {
        /// The class directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The output directory cannot be written.
    #[error("failed to write {path}: {source}\nhint: pass a writable --out-dir")]
    Out {
        /// What could not be written.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Grading cannot run for anyone (no toolchain, no sandbox, a broken
    /// course); what was graded before it is kept.
    #[error(transparent)]
    Grade(#[from] GradeError),
}

/// Grades every submission of the class; see the module docs.
pub fn grade_class(options: &ClassOptions, progress: &dyn Progress) -> Result<Class, ClassError> {
    let started = Instant::now();
    // Reports are files: never coloured, decided once for every thread.
    colored::control::set_override(false);
    let submissions = list(&options.class)?;
    let students_dir = options.out_dir.join("students");
    std::fs::create_dir_all(&students_dir).map_err(|source| ClassError::Out {
        path: students_dir.clone(),
        source,
    })?;
    let course_key = fingerprint::course_key(&options.grade);
    let quizzes = quiz_ids(&options.grade);
    let mut formats = vec![Format::Json];
    formats.extend(options.formats.iter().filter(|f| **f != Format::Json));
    formats.dedup();

    let jobs = options.jobs.clamp(1, submissions.len().max(1));
    grade::prepare_slots(&options.grade, jobs)?;
    progress.event(Event::Start {
        total: submissions.len(),
    });
    let queue = Mutex::new(submissions.iter().rev().collect::<Vec<_>>());
    let done: Mutex<BTreeMap<String, Graded>> = Mutex::new(BTreeMap::new());
    let fatal: Mutex<Option<ClassError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    if fatal.lock().unwrap().is_some() {
                        break;
                    }
                    let Some((name, path)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let dir = students_dir.join(name);
                    let key = fingerprint::submission_key(&course_key, path, &quizzes);
                    let graded = match reuse(&dir, name, &key) {
                        Some(graded) => graded,
                        None => {
                            progress.event(Event::Grading { student: name });
                            match grade_one(&options.grade, name, path) {
                                Ok(graded) => graded,
                                Err(err) => {
                                    *fatal.lock().unwrap() = Some(err.into());
                                    break;
                                }
                            }
                        }
                    };
                    let written = write_student(&dir, &graded, &formats);
                    let seconds = graded.seconds;
                    let mut all = done.lock().unwrap();
                    progress.event(Event::Done { graded: &graded });
                    all.insert(name.clone(), graded);
                    // Kept current as students finish, so a killed run
                    // leaves a gradebook of everyone graded so far; the
                    // fingerprint comes last, once the row is in it.
                    let book = write_gradebook(&options.out_dir, &options.grade, &quizzes, &all);
                    drop(all);
                    let result = written
                        .and(book)
                        .and_then(|()| write_fingerprint(&dir, &key, seconds));
                    if let Err(err) = result {
                        *fatal.lock().unwrap() = Some(err);
                        break;
                    }
                }
            });
        }
    });
    if let Some(err) = fatal.into_inner().unwrap() {
        progress.event(Event::Finish);
        return Err(err);
    }
    let class = Class {
        students: done.into_inner().unwrap().into_values().collect(),
        elapsed: started.elapsed(),
    };
    progress.event(Event::Finish);
    let summary_path = options.out_dir.join("summary.txt");
    write_atomically(&summary_path, class.summary()).map_err(|source| ClassError::Out {
        path: summary_path,
        source,
    })?;
    Ok(class)
}

/// The class's submissions, by name: every subdirectory not starting with
/// `.` (a symbolic link is one too, as intake refuses links inside it).
fn list(class: &Path) -> Result<Vec<(String, PathBuf)>, ClassError> {
    let io = |source| ClassError::Class {
        path: class.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(class).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name: OsString = entry.file_name();
        let Some(name) = name.to_str().map(str::to_owned) else {
            // A name that is not UTF-8 cannot be a gradebook row.
            eprintln!(
                "warning: skipping {:?}: its name is not UTF-8",
                entry.path()
            );
            continue;
        };
        if name.starts_with('.') || !entry.path().is_dir() {
            continue;
        }
        found.push((name, entry.path()));
    }
    found.sort();
    Ok(found)
}

/// The earlier result in `dir`, when it was graded under `key`.
fn reuse(dir: &Path, student: &str, key: &str) -> Option<Graded> {
    let stored = std::fs::read_to_string(dir.join("fingerprint")).ok()?;
    let (stored_key, seconds) = stored.trim().split_once(' ')?;
    if stored_key != key {
        return None;
    }
    let result = match std::fs::read_to_string(dir.join(Format::Json.file_name())) {
        Ok(text) => Ok(serde_json::from_str(&text).ok()?),
        Err(_) => Err(std::fs::read_to_string(dir.join("error.txt")).ok()?),
    };
    Some(Graded {
        student: student.to_owned(),
        result,
        seconds: seconds.parse().ok()?,
        reused: true,
    })
}

/// Grades one submission. `Err` only for what stops every grading; a
/// panic in the grader is this student's error, and the run goes on.
fn grade_one(template: &Options, student: &str, path: &Path) -> Result<Graded, GradeError> {
    let mut options = template.clone();
    options.submission = path.to_path_buf();
    let started = Instant::now();
    let graded = std::panic::catch_unwind(|| grade::grade(&options));
    let result = match graded {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(err @ GradeError::Submission { .. })) => Err(err.to_string()),
        Ok(Err(err)) => return Err(err),
        Err(panic) => Err(format!(
            "the grader failed on this submission (a bug in the grader, please report it): {}",
            crate::scenario::panic_message(&*panic)
        )),
    };
    Ok(Graded {
        student: student.to_owned(),
        result,
        seconds: started.elapsed().as_secs_f64(),
        reused: false,
    })
}

/// The student's reports (and no fingerprint: [`write_fingerprint`]).
fn write_student(dir: &Path, graded: &Graded, formats: &[Format]) -> Result<(), ClassError> {
    let out = |path: PathBuf| move |source| ClassError::Out { path, source };
    std::fs::create_dir_all(dir).map_err(out(dir.to_path_buf()))?;
    match &graded.result {
        Ok(report) => {
            for format in formats {
                let path = dir.join(format.file_name());
                // A reused report's files stay as they were; a format asked
                // for now is rendered from it.
                if graded.reused && path.exists() {
                    continue;
                }
                write_atomically(&path, format.render(report)).map_err(out(path))?;
            }
            let _ = std::fs::remove_file(dir.join("error.txt"));
        }
        Err(why) => {
            let path = dir.join("error.txt");
            write_atomically(&path, format!("{why}\n")).map_err(out(path))?;
            for format in Format::ALL {
                let _ = std::fs::remove_file(dir.join(format.file_name()));
            }
        }
    }
    Ok(())
}

/// The key `dir`'s reports were graded under, written once they and the
/// gradebook row are whole: a rerun takes the student as graded.
fn write_fingerprint(dir: &Path, key: &str, seconds: f64) -> Result<(), ClassError> {
    let path = dir.join("fingerprint");
    write_atomically(&path, format!("{key} {seconds}\n"))
        .map_err(|source| ClassError::Out { path, source })
}

/// The course's quizzes a grading includes (all, unless `--exercise`
/// limits it); a broken quiz file stops the first grading, which says why.
fn quiz_ids(options: &Options) -> Vec<String> {
    if !options.exercises.is_empty() {
        return Vec::new();
    }
    crate::quiz::load_all(&options.course)
        .map(|quizzes| quizzes.into_iter().map(|q| q.id).collect())
        .unwrap_or_default()
}

fn write_gradebook(
    out_dir: &Path,
    options: &Options,
    quizzes: &[String],
    students: &BTreeMap<String, Graded>,
) -> Result<(), ClassError> {
    let mut columns: Vec<String> = if options.exercises.is_empty() {
        crate::exercises::EXERCISES
            .iter()
            .map(|(d, _)| (*d).to_owned())
            .collect()
    } else {
        let mut chosen = options.exercises.clone();
        chosen.sort();
        chosen.dedup();
        chosen
    };
    columns.extend(quizzes.iter().map(|q| format!("quiz:{q}")));
    let exercises: Vec<&str> = columns.iter().map(String::as_str).collect();
    let rows: Vec<gradebook::Row> = students
        .values()
        .map(|g| gradebook::Row {
            student: &g.student,
            result: g.result.as_ref().map_err(String::as_str),
        })
        .collect();
    let path = out_dir.join("gradebook.csv");
    write_atomically(&path, gradebook::render(&exercises, &rows))
        .map_err(|source| ClassError::Out { path, source })
}
