//! `checker watch`: the student's loop, after rustlings' `watch`. Shows the
//! first exercise not yet passing, re-runs its checks on every save, and
//! takes single keys: `h` next hint, `l` the list, `n` next exercise once
//! this one passes, `r` re-run, `q` quit.
//!
//! The checks run exactly as the student would run them, `cargo test -p
//! <crate>`, so the verdicts, messages and hints are `cargo test`'s; the
//! screen is drawn from the progress record that run writes
//! ([`crate::progress::Record`]), and from cargo's errors when it does not
//! compile. On a terminal it draws full screens in raw mode (crossterm),
//! which is undone on every way out: `q`, Ctrl-C (a key in raw mode),
//! SIGINT/SIGTERM from elsewhere, and a panic. Elsewhere (a pipe, CI) it
//! prints lines and reads its keys as lines from stdin.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use crate::catalog::{CATALOG, Exercise};
use crate::progress::{self, State};

/// How long the files must stay quiet before a save re-runs the checks:
/// an editor's save is several events.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// The README lines shown under the exercise's title.
const STATEMENT_LINES: usize = 4;

enum Event {
    Key(char),
    Quit,
    Changed,
    Ran(Run),
}

/// What one `cargo test -p` gave.
struct Run {
    /// Which start it was ([`Screen::runs`]): a run stopped for a newer
    /// one is dropped when it ends.
    number: u64,
    exercise: &'static str,
    success: bool,
    stderr: String,
    took: Duration,
}

/// What the screen shows under the checks.
enum Pane {
    Checks,
    List,
    Hint(String),
    Note(String),
}

/// Runs watch mode on `course` until the student quits. Returns the exit
/// code.
pub fn watch(course: &Path) -> i32 {
    let tty = std::io::stdout().is_terminal();
    let (tx, rx) = mpsc::channel();
    let _watcher = match watch_files(course, tx.clone()) {
        Ok(watcher) => watcher,
        Err(err) => {
            eprintln!(
                "error: cannot watch {}: {err}",
                course.join("exercises").display()
            );
            return crate::exit_code::IO;
        }
    };
    forward_signals(tx.clone());
    let _raw = if tty {
        match Raw::enter() {
            Ok(raw) => {
                read_keys(tx.clone());
                Some(raw)
            }
            Err(err) => {
                eprintln!("error: the terminal cannot be put in raw mode: {err}");
                return crate::exit_code::IO;
            }
        }
    } else {
        read_lines(tx.clone());
        None
    };
    let mut screen = Screen {
        course: course.to_path_buf(),
        tty,
        exercise: first_unfinished(course),
        pane: Pane::Checks,
        public: public_checks(course),
        running: None,
        runs: 0,
        last: None,
    };
    screen.start(&tx);
    // A save is several events: the checks re-run once the files have been
    // quiet for DEBOUNCE.
    let mut changed_at: Option<Instant> = None;
    loop {
        let event = match changed_at {
            Some(at) => {
                match rx.recv_timeout((at + DEBOUNCE).saturating_duration_since(Instant::now())) {
                    Ok(event) => event,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        changed_at = None;
                        screen.pane = Pane::Checks;
                        screen.start(&tx);
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match rx.recv() {
                Ok(event) => event,
                Err(_) => break,
            },
        };
        match event {
            Event::Quit | Event::Key('q') => break,
            Event::Changed => changed_at = Some(Instant::now()),
            Event::Key('r') => {
                screen.pane = Pane::Checks;
                screen.start(&tx);
            }
            Event::Ran(run) if run.number != screen.runs => {}
            Event::Ran(run) => {
                screen.running = None;
                screen.last = Some(run);
                screen.draw();
            }
            Event::Key('h') => {
                let dir = screen.exercise.dir;
                screen.pane = match crate::hint::hint(course, dir, None, true) {
                    Ok(shown) => Pane::Hint(shown.render("press h again")),
                    Err(err) => Pane::Note(err.to_string()),
                };
                screen.draw();
            }
            Event::Key('l') => {
                screen.pane = Pane::List;
                screen.draw();
            }
            Event::Key('n') => {
                if passes(course, screen.exercise) {
                    match next_after(screen.exercise) {
                        Some(next) => {
                            screen.exercise = next;
                            screen.pane = Pane::Checks;
                            screen.last = None;
                            screen.start(&tx);
                        }
                        None => {
                            screen.pane =
                                Pane::Note("that was the last exercise: the course is done".into());
                            screen.draw();
                        }
                    }
                } else {
                    screen.pane = Pane::Note(format!(
                        "{} does not pass yet: finish it first (h for a hint)",
                        screen.exercise.dir
                    ));
                    screen.draw();
                }
            }
            Event::Key(_) => {
                screen.pane = Pane::Checks;
                screen.draw();
            }
        }
    }
    screen.stop();
    crate::exit_code::OK
}

struct Screen {
    course: PathBuf,
    tty: bool,
    exercise: &'static Exercise,
    pane: Pane,
    /// The course's checks students run ([`public_checks`]).
    public: usize,
    /// The cargo under way.
    running: Option<nix::unistd::Pid>,
    /// Runs started so far.
    runs: u64,
    last: Option<Run>,
}

impl Screen {
    /// Starts `cargo test -p` of the exercise (stopping a run under way);
    /// its end arrives as [`Event::Ran`].
    fn start(&mut self, tx: &Sender<Event>) {
        self.stop();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let spawned = Command::new(cargo)
            .args(["test", "-q", "--color", "never", "-p", self.exercise.krate])
            .current_dir(&self.course)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        self.draw_running();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) => {
                self.pane = Pane::Note(format!("cargo could not be started: {err}"));
                self.draw();
                return;
            }
        };
        self.runs += 1;
        self.running = i32::try_from(child.id())
            .ok()
            .map(nix::unistd::Pid::from_raw);
        let (number, exercise, started) = (self.runs, self.exercise.dir, Instant::now());
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
            }
            let success = child.wait().is_ok_and(|s| s.success());
            let _ = tx.send(Event::Ran(Run {
                number,
                exercise,
                success,
                stderr,
                took: started.elapsed(),
            }));
        });
    }

    /// Stops the run under way, if any: cargo passes SIGTERM on.
    fn stop(&mut self) {
        if let Some(pid) = self.running.take() {
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        }
    }

    fn draw_running(&self) {
        if self.tty {
            let mut text = self.header();
            let _ = writeln!(text, "\nrunning cargo test -p {} ...", self.exercise.krate);
            paint(&text);
        } else {
            println!(
                "== {}: running cargo test -p {}",
                self.exercise.dir, self.exercise.krate
            );
        }
    }

    fn draw(&self) {
        let mut text = if self.tty {
            self.header()
        } else {
            String::new()
        };
        match &self.pane {
            Pane::Checks => text.push_str(&self.checks()),
            Pane::List => text.push_str(&progress::list(&self.course)),
            Pane::Hint(hint) => text.push_str(hint),
            Pane::Note(note) => {
                let _ = writeln!(text, "{note}");
            }
        }
        text.push('\n');
        text.push_str(&progress_bar(&self.course, self.public));
        if self.tty {
            text.push_str("\nh hint · l list · n next exercise · r re-run · q quit\n");
            paint(&text);
        } else {
            print!("{text}");
            println!("(keys, one a line: h hint, l list, n next, r re-run, q quit)");
            let _ = std::io::stdout().flush();
        }
    }

    /// The exercise, its title and the first lines of its statement.
    fn header(&self) -> String {
        let dir = self.course.join("exercises").join(self.exercise.dir);
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        let mut lines = readme.lines().filter(|l| !l.trim().is_empty());
        let title = lines
            .next()
            .unwrap_or(self.exercise.dir)
            .trim_start_matches('#')
            .trim();
        let mut out = format!("{}  {title}\n", self.exercise.dir);
        for line in lines.take(STATEMENT_LINES) {
            let _ = writeln!(out, "  {}", line.trim());
        }
        let _ = writeln!(
            out,
            "  (the whole task: exercises/{}/README.md; your code: exercises/{}/src/)\n",
            self.exercise.dir, self.exercise.dir
        );
        out
    }

    /// The last run's verdicts, or what stopped it.
    fn checks(&self) -> String {
        let mut out = String::new();
        let Some(run) = self
            .last
            .as_ref()
            .filter(|r| r.exercise == self.exercise.dir)
        else {
            return "not run yet\n".into();
        };
        let record = match progress::state(&self.course, self.exercise.dir) {
            State::Ran(record) => Some(record),
            _ => None,
        };
        let Some(record) = record.filter(|_| run.success || !compile_failed(&run.stderr)) else {
            let _ = writeln!(
                out,
                "{} does not compile: cargo test -p {} says\n",
                self.exercise.dir, self.exercise.krate
            );
            out.push_str(&compile_errors(&run.stderr));
            return out;
        };
        let _ = writeln!(
            out,
            "checks: {} of {} passing (cargo test -p {}, {:.1}s)",
            record.passed,
            record.total,
            self.exercise.krate,
            run.took.as_secs_f64()
        );
        // The first failure in full, as rustlings shows one error: fixing
        // it is the next step.
        let first = record
            .checks
            .iter()
            .position(|l| l.status != "passed" && l.status != "skipped");
        for (i, line) in record.checks.iter().enumerate() {
            let mark = match line.status.as_str() {
                "passed" => "ok  ",
                "skipped" => "skip",
                _ => "FAIL",
            };
            let _ = writeln!(out, "  {mark} {}: {}", line.id, line.name);
            if Some(i) == first || line.status == "skipped" {
                for text in line.message.lines() {
                    let _ = writeln!(out, "         {text}");
                }
                if let Some(hint) = &line.hint {
                    let _ = writeln!(out, "         hint: {hint}");
                }
            }
        }
        if record.passed == record.total {
            let _ = writeln!(
                out,
                "\n{} passes every check: n for the next exercise",
                self.exercise.dir
            );
        }
        out
    }
}

/// Clears the terminal and writes `text` from its top-left corner; in raw
/// mode a newline does not return the carriage, so each line gets one.
fn paint(text: &str) {
    use crossterm::{cursor::MoveTo, execute, terminal::Clear, terminal::ClearType};
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        Clear(ClearType::All),
        Clear(ClearType::Purge),
        MoveTo(0, 0)
    );
    let _ = out.write_all(text.replace('\n', "\r\n").as_bytes());
    let _ = out.flush();
}

fn compile_failed(stderr: &str) -> bool {
    stderr.contains("error: could not compile") || stderr.lines().any(|l| l.starts_with("error["))
}

/// cargo's errors, without its progress lines, at most 40 lines.
fn compile_errors(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("error") && !l.starts_with("warning"))
        .collect();
    let mut out: String = lines.iter().take(40).map(|l| format!("{l}\n")).collect();
    if lines.len() > 40 {
        let _ = writeln!(
            out,
            "... ({} more lines: run cargo test -p yourself)",
            lines.len() - 40
        );
    }
    if out.is_empty() {
        out = format!("{stderr}\n");
    }
    out
}

/// The course progress bar: exercises done, and checks passing of the
/// course's `public` checks.
fn progress_bar(course: &Path, public: usize) -> String {
    let (mut done, mut passing) = (0, 0);
    for exercise in CATALOG {
        if let State::Ran(record) = progress::state(course, exercise.dir) {
            passing += record.passed;
            if record.passed == record.total {
                done += 1;
            }
        }
    }
    format!(
        "{} {done}/{} exercises done · {passing}/{public} checks passing\n",
        progress::bar(done, CATALOG.len()),
        CATALOG.len()
    )
}

/// How many checks students run in the whole course: read once, as the
/// course does not change while it is watched (only its `src/`).
fn public_checks(course: &Path) -> usize {
    CATALOG
        .iter()
        .filter_map(|exercise| {
            let subject = crate::Subject::unlinked(exercise.dir)?;
            crate::course::configured_checks(subject, &course.join("exercises").join(exercise.dir))
                .ok()
        })
        .map(|checks| checks.iter().filter(|c| !c.hidden).count())
        .sum()
}

fn passes(course: &Path, exercise: &Exercise) -> bool {
    matches!(progress::state(course, exercise.dir), State::Ran(r) if r.passed == r.total)
}

/// The first exercise whose last run, on its code as it is, did not pass
/// every check (the last one when all do).
fn first_unfinished(course: &Path) -> &'static Exercise {
    CATALOG
        .iter()
        .find(|e| !passes(course, e))
        .unwrap_or(&CATALOG[CATALOG.len() - 1])
}

fn next_after(exercise: &Exercise) -> Option<&'static Exercise> {
    let at = CATALOG.iter().position(|e| e.dir == exercise.dir)?;
    CATALOG.get(at + 1)
}

/// Sends [`Event::Changed`] for every change to an exercise's Rust
/// sources (writes, creations, removals, renames; not the compiler reading
/// them); the main loop debounces.
fn watch_files(
    course: &Path,
    tx: Sender<Event>,
) -> Result<notify::RecommendedWatcher, notify::Error> {
    use notify::event::{EventKind, ModifyKind};
    use notify::{RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let changed = match event.kind {
            EventKind::Create(_) | EventKind::Remove(_) => true,
            EventKind::Modify(ModifyKind::Metadata(_)) => false,
            EventKind::Modify(_) => true,
            _ => false,
        };
        let sources = event.paths.iter().any(|path| {
            path.components().any(|c| c.as_os_str() == "src")
                && path.extension().is_some_and(|x| x == "rs")
        });
        if changed && sources {
            let _ = tx.send(Event::Changed);
        }
    })?;
    watcher.watch(&course.join("exercises"), RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// Keys, in raw mode: Ctrl-C and Esc quit too.
fn read_keys(tx: Sender<Event>) {
    use crossterm::event::{self, Event as Term, KeyCode, KeyEventKind, KeyModifiers};
    std::thread::spawn(move || {
        loop {
            let Ok(event) = event::read() else {
                let _ = tx.send(Event::Quit);
                return;
            };
            let Term::Key(key) = event else { continue };
            if key.kind != KeyEventKind::Press {
                continue;
            }
            let sent = match key.code {
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    tx.send(Event::Quit)
                }
                KeyCode::Esc => tx.send(Event::Quit),
                KeyCode::Char(c) => tx.send(Event::Key(c.to_ascii_lowercase())),
                _ => Ok(()),
            };
            if sent.is_err() {
                return;
            }
        }
    });
}

/// Keys as lines of stdin, off a terminal; the end of stdin is no key.
fn read_lines(tx: Sender<Event>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { return };
            if let Some(c) = line.trim().chars().next()
                && tx.send(Event::Key(c.to_ascii_lowercase())).is_err()
            {
                return;
            }
        }
    });
}

/// SIGINT, SIGTERM and SIGHUP end watch mode through its normal way out,
/// which restores the terminal.
fn forward_signals(tx: Sender<Event>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Event::Quit);
        }
    });
}

/// Raw mode, left when dropped, and by the panic hook on a panic.
struct Raw;

impl Raw {
    fn enter() -> std::io::Result<Raw> {
        crossterm::terminal::enable_raw_mode()?;
        let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Hide);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        Ok(Raw)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        restore();
    }
}

fn restore() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
    let _ = crossterm::terminal::disable_raw_mode();
}
