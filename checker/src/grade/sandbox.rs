//! Running the grading child: one process per exercise, a wall-clock
//! deadline, capped output, and a process group killed as a whole.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::check::{Check, Observation, Status, Verdict};
use crate::child::{Record, parse_record};
use crate::source::Sources;

/// Most bytes read from a child's stdout before it is killed for flooding.
pub const OUTPUT_CAP: usize = 16 << 20;
/// Longest line kept for parsing; records are far shorter.
const LINE_CAP: usize = 4 << 20;
/// How much of the child's stderr is kept for a crash summary.
const STDERR_TAIL: usize = 2048;

/// What one child run produced.
#[derive(Debug, Default)]
pub(crate) struct ChildRun {
    /// Observations by check id.
    pub observed: BTreeMap<String, Observation>,
    /// Killed at the deadline.
    pub timed_out: bool,
    /// Killed for printing more than [`OUTPUT_CAP`].
    pub flooded: bool,
    /// How it ended, for people: `exit status 0`, `signal 11 (SIGSEGV)`.
    pub ended: String,
    /// The end of its stderr.
    pub stderr_tail: String,
    /// The start of what it printed on stdout besides records (the student's
    /// own prints), for students debugging with `println!`.
    pub output: String,
}

/// Runs `runner --exercise <exercise> [--check <id>]...` in `workdir`,
/// handing it the nonce and the exercise's `checks.yaml` on stdin.
pub(crate) fn run(
    runner: &Path,
    workdir: &Path,
    exercise: &str,
    config: &str,
    checks: &[String],
    deadline: Duration,
) -> ChildRun {
    let mut command = Command::new(runner);
    command.arg("--exercise").arg(exercise);
    for check in checks {
        command.arg("--check").arg(check);
    }
    command
        .current_dir(workdir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    if let Ok(watchdog) = std::env::var("CHECKER_WATCHDOG_MS") {
        command.env("CHECKER_WATCHDOG_MS", watchdog);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            return ChildRun {
                ended: format!("failed to start the check runner: {err}"),
                ..ChildRun::default()
            };
        }
    };
    let nonce = nonce();
    if let Some(mut stdin) = child.stdin.take() {
        let config = config.to_owned();
        let line = nonce.clone();
        // A thread: a child that never reads must not block the parent.
        std::thread::spawn(move || {
            let _ = writeln!(stdin, "{line}");
            let _ = stdin.write_all(config.as_bytes());
        });
    }

    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped");
    let out_reader = std::thread::spawn(move || read_records(stdout, &nonce, tx));

    let mut stderr = child.stderr.take().expect("piped");
    let err_reader = std::thread::spawn(move || {
        let mut tail = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            tail.extend_from_slice(&buf[..n]);
            if tail.len() > 4 * STDERR_TAIL {
                tail.drain(..tail.len() - STDERR_TAIL);
            }
        }
        let start = tail.len().saturating_sub(STDERR_TAIL);
        String::from_utf8_lossy(&tail[start..]).into_owned()
    });

    let mut run = ChildRun::default();
    let end = Instant::now() + deadline;
    let status = loop {
        while let Ok(event) = rx.try_recv() {
            run.absorb(event);
            if run.flooded {
                kill_group(&mut child);
            }
        }
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= end => {
                run.timed_out = true;
                kill_group(&mut child);
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(_) => break None,
        }
    };
    // Grandchildren may hold the pipes open; the group is gone, so this ends.
    kill_group(&mut child);
    run.output = out_reader.join().unwrap_or_default();
    for event in rx.try_iter() {
        run.absorb(event);
    }
    run.stderr_tail = err_reader.join().unwrap_or_default();
    run.ended = match status {
        Some(s) => match s.signal() {
            Some(sig) => format!("killed by signal {sig}{}", signal_name(sig)),
            None => format!("exit status {}", s.code().unwrap_or(-1)),
        },
        None => "unknown".into(),
    };
    run
}

enum Event {
    Record(Record),
    Flooded,
}

impl ChildRun {
    /// Folds one event from the stdout reader into the run. Only
    /// observations count: a child that says it is done without reporting a
    /// check has not passed it.
    fn absorb(&mut self, event: Event) {
        match event {
            Event::Record(Record::Observed { check, observation }) => {
                self.observed.insert(check, observation);
            }
            Event::Record(Record::Started { .. } | Record::Done) => {}
            Event::Flooded => self.flooded = true,
        }
    }
}

/// Reads the child's stdout to its end (so the child never blocks on a full
/// pipe), passing on records with the right nonce; returns the start of the
/// rest, which is the student's own output.
fn read_records(mut stdout: impl Read, nonce: &str, tx: mpsc::Sender<Event>) -> String {
    const KEEP: usize = 8 * 1024;
    let mut other = Vec::new();
    let mut total = 0usize;
    let mut line = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match stdout.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        total += n;
        if total > OUTPUT_CAP {
            let _ = tx.send(Event::Flooded);
            break;
        }
        for &byte in &buf[..n] {
            if byte == b'\n' {
                match std::str::from_utf8(&line)
                    .ok()
                    .and_then(|l| parse_record(l, nonce))
                {
                    Some(record) => {
                        let _ = tx.send(Event::Record(record));
                    }
                    None if other.len() < KEEP => {
                        other.extend_from_slice(&line[..line.len().min(KEEP - other.len())]);
                        other.push(b'\n');
                    }
                    None => {}
                }
                line.clear();
            } else if line.len() < LINE_CAP {
                line.push(byte);
            }
        }
    }
    String::from_utf8_lossy(&other).into_owned()
}

/// Kills the child's whole process group (the runner and anything it
/// started), then reaps the child.
pub(crate) fn kill_group(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn nonce() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        6 => " (SIGABRT: the process aborted)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV: invalid memory access, often a stack overflow)",
        24 => " (SIGXCPU: CPU time limit)",
        25 => " (SIGXFSZ: file size limit)",
        _ => "",
    }
}

/// How a check ended when run in a child.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    /// The child reported an observation, to be judged.
    Observed(Observation),
    /// The child was stopped at its deadline first.
    Timeout(String),
    /// The child died before reporting it, even when run alone.
    Crashed(String),
}

impl Outcome {
    /// The verdict: judged by [`Check::judge`] when observed.
    pub(crate) fn verdict(&self, check: &Check, sources: &Sources) -> Verdict {
        let (status, why) = match self {
            Outcome::Observed(observation) => return check.judge(observation, sources),
            Outcome::Timeout(why) => (Status::Timeout, why),
            Outcome::Crashed(why) => (Status::Crashed, why),
        };
        Verdict {
            status,
            message: why.clone(),
            hint: Some(check.hint.clone()),
        }
    }
}

/// What the children of one exercise reported.
pub(crate) struct Observed {
    /// Every check's outcome.
    pub outcomes: BTreeMap<String, Outcome>,
    /// What went wrong with the process, if anything: for the report.
    pub message: String,
    /// The student's own output, from the first run.
    pub output: String,
}

/// Runs the checks `ids` of `exercise` in one child; a check the child did
/// not report (it crashed or exited) is run again alone, to pin the crash
/// on the check that caused it.
pub(crate) fn observe(
    runner: &Path,
    workdir: &Path,
    exercise: &str,
    config: &str,
    ids: &[String],
    deadline: Duration,
) -> Observed {
    let first = run(runner, workdir, exercise, config, ids, deadline);
    let mut outcomes: BTreeMap<String, Outcome> = first
        .observed
        .iter()
        .map(|(id, obs)| (id.clone(), Outcome::Observed(obs.clone())))
        .collect();
    let missing: Vec<&String> = ids
        .iter()
        .filter(|id| !outcomes.contains_key(*id))
        .collect();
    let mut message = String::new();
    if first.timed_out && !missing.is_empty() {
        message = format!(
            "the checks were still running after {}s of real time and were stopped",
            deadline.as_secs()
        );
        for id in missing {
            outcomes.insert(id.clone(), Outcome::Timeout(message.clone()));
        }
    } else if !missing.is_empty() {
        message = crash_summary(&first);
        for id in missing {
            let alone = run(
                runner,
                workdir,
                exercise,
                config,
                std::slice::from_ref(id),
                deadline,
            );
            let outcome = match alone.observed.get(id) {
                Some(obs) => Outcome::Observed(obs.clone()),
                None if alone.timed_out => Outcome::Timeout(format!(
                    "the check was still running after {}s of real time and was stopped",
                    deadline.as_secs()
                )),
                None => Outcome::Crashed(crash_summary(&alone)),
            };
            outcomes.insert(id.clone(), outcome);
        }
    }
    Observed {
        outcomes,
        message,
        output: first.output,
    }
}

fn crash_summary(run: &ChildRun) -> String {
    let mut text = if run.flooded {
        format!(
            "the process printed more than {} MiB and was stopped",
            OUTPUT_CAP >> 20
        )
    } else if run.ended == "exit status 0" {
        "the process exited (exit status 0) before reporting its results; does your code call \
         std::process::exit?"
            .to_owned()
    } else {
        format!("the process running the checks ended early: {}", run.ended)
    };
    let tail: Vec<&str> = run
        .stderr_tail
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let tail = &tail[tail.len().saturating_sub(3)..];
    if !tail.is_empty() {
        text.push_str("; its last words: ");
        let words = tail.join(" | ");
        let mut end = words.len().min(400);
        while !words.is_char_boundary(end) {
            end -= 1;
        }
        text.push_str(&words[..end]);
    }
    text
}
