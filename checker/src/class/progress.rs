//! How a class grading shows its progress: a bar on a terminal, plain
//! lines otherwise (CI logs, pipes), nothing in tests that do not ask.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Graded;

/// What happened, as it happened.
pub enum Event<'a> {
    /// The run starts with `total` submissions.
    Start {
        /// Submissions in the class.
        total: usize,
    },
    /// A submission's grading starts.
    Grading {
        /// Whose.
        student: &'a str,
    },
    /// A submission is done: graded, reused or failed.
    Done {
        /// Its result.
        graded: &'a Graded,
    },
    /// The run ends.
    Finish,
}

/// Where events go. Called from the grading threads.
pub trait Progress: Sync {
    /// One event.
    fn event(&self, event: Event);
}

/// Shows nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn event(&self, _: Event) {}
}

/// `[ 3/100] alice: 37/40 in 2.1 s` on stderr, one line per submission.
pub struct Lines {
    state: Mutex<(usize, usize)>,
}

impl Lines {
    /// Lines on stderr.
    pub fn new() -> Self {
        Lines {
            state: Mutex::new((0, 0)),
        }
    }
}

impl Default for Lines {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for Lines {
    fn event(&self, event: Event) {
        let mut state = self.state.lock().unwrap();
        match event {
            Event::Start { total } => {
                state.1 = total;
                eprintln!("grading {total} submissions");
            }
            Event::Grading { .. } | Event::Finish => {}
            Event::Done { graded } => {
                state.0 += 1;
                let width = state.1.to_string().len();
                eprintln!("[{:>width$}/{}] {}", state.0, state.1, line(graded));
            }
        }
    }
}

/// A progress bar on stderr: done/total, the students being graded, ETA.
pub struct Bar {
    bar: ProgressBar,
    current: Mutex<Vec<String>>,
}

impl Bar {
    /// A bar on stderr (drawn only where stderr is a terminal).
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30.cyan/blue} {pos}/{len} ETA {eta} {wide_msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        Bar {
            bar,
            current: Mutex::new(Vec::new()),
        }
    }

    fn show_current(&self, current: &[String]) {
        self.bar.set_message(current.join(", "));
    }
}

impl Default for Bar {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for Bar {
    fn event(&self, event: Event) {
        match event {
            Event::Start { total } => self.bar.set_length(total as u64),
            Event::Grading { student } => {
                let mut current = self.current.lock().unwrap();
                current.push(student.to_owned());
                self.show_current(&current);
            }
            Event::Done { graded } => {
                let mut current = self.current.lock().unwrap();
                current.retain(|s| *s != graded.student);
                self.bar.println(line(graded));
                self.bar.inc(1);
                self.show_current(&current);
            }
            Event::Finish => self.bar.finish_and_clear(),
        }
    }
}

/// One submission's outcome on one line.
fn line(graded: &Graded) -> String {
    match &graded.result {
        Ok(report) if graded.reused => format!(
            "{}: {}/{} (unchanged, not regraded)",
            graded.student, report.score, report.max_score
        ),
        Ok(report) => format!(
            "{}: {}/{} in {:.1} s",
            graded.student, report.score, report.max_score, graded.seconds
        ),
        Err(why) => format!(
            "{}: error: {}",
            graded.student,
            why.lines().next().unwrap_or_default()
        ),
    }
}
