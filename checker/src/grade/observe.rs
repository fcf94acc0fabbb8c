//! Observing an exercise's checks in children: one sandboxed process per
//! run, one wall-clock budget per exercise that its reruns share, capped
//! output, and a kill that takes the whole tree.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::check::{Cause, Check, Observation, Status, Verdict};
use crate::child::{Record, parse_record};
use crate::sandbox::{Confinement, End, Limits, Outlet, Sandbox};
use crate::source::Sources;

/// Most bytes read from a child's stdout before it is killed for flooding.
pub const OUTPUT_CAP: usize = 16 << 20;
/// Longest line kept for parsing; records are far shorter.
const LINE_CAP: usize = 4 << 20;
/// How much of the child's stderr is kept for a crash summary.
const STDERR_TAIL: usize = 2048;
/// The size of the child's private `/tmp` and `/dev/shm`.
const SCRATCH: u64 = 16 << 20;

/// How to start an exercise's child: which binary, in which sandbox, with
/// which limits.
pub(crate) struct Children<'a> {
    pub sandbox: &'a Sandbox,
    /// The runner binary (the grader's, student mode's own test binary, or
    /// the project's fixture runner).
    pub runner: PathBuf,
    /// Arguments before the protocol's own (the fixture runner's `--entry`).
    pub runner_args: Vec<String>,
    /// Its working directory when not sandboxed.
    pub workdir: PathBuf,
    pub limits: Limits,
}

/// What one child run produced.
#[derive(Debug)]
struct ChildRun {
    /// Observations by check id.
    observed: BTreeMap<String, Observation>,
    /// Each reported check's wall-clock time, as the grader saw it: from
    /// the record before it to its own (a child cannot shorten it).
    took: BTreeMap<String, Duration>,
    confinement: Option<Confinement>,
    end: End,
    /// The end of its stderr.
    stderr_tail: String,
    /// The start of what it printed on stdout besides records (the student's
    /// own prints), for students debugging with `println!`.
    output: String,
}

enum Event {
    /// A record, and the time since the one before it (or since the child
    /// started).
    Record(Record, Duration),
    Output(String),
}

impl Children<'_> {
    /// Runs `runner --exercise <exercise> [--check <id>]...`, handing it the
    /// nonce and the exercise's `checks.yaml` on stdin, until `deadline`.
    fn run(&self, exercise: &str, config: &str, checks: &[String], deadline: Instant) -> ChildRun {
        let mut jail = self.sandbox.jail();
        jail.expose_system();
        jail.devices(SCRATCH);
        let tmp = jail.scratch("/tmp", SCRATCH, &self.workdir);
        let runner = jail.expose_read_only(&self.runner, "/grader/grade-runner");
        jail.env("PATH", "/usr/bin:/bin");
        if let Ok(watchdog) = std::env::var("CHECKER_WATCHDOG_MS") {
            jail.env("CHECKER_WATCHDOG_MS", watchdog);
        }
        jail.cwd(tmp);
        let mut argv = vec![runner.to_string_lossy().into_owned()];
        argv.extend(self.runner_args.iter().cloned());
        argv.extend(["--exercise".into(), exercise.into()]);
        for check in checks {
            argv.extend(["--check".into(), check.clone()]);
        }
        let mut spawned = match self
            .sandbox
            .spawn(&jail, &argv, &self.limits, Stdio::piped())
        {
            Ok(spawned) => spawned,
            Err(err) => {
                return ChildRun {
                    observed: BTreeMap::new(),
                    took: BTreeMap::new(),
                    confinement: None,
                    end: End::Unknown,
                    stderr_tail: format!("failed to start the check runner: {err}"),
                    output: String::new(),
                };
            }
        };
        let nonce = nonce();
        if let Some(mut stdin) = spawned.stdin() {
            let input = format!("{nonce}\n{config}");
            // A thread: a child that never reads must not block the parent.
            std::thread::spawn(move || {
                let _ = stdin.write_all(input.as_bytes());
            });
        }
        let ended = spawned.supervise(deadline, STDERR_TAIL, move |stdout, outlet| {
            read_records(stdout, &nonce, &outlet);
        });
        let mut run = ChildRun {
            observed: BTreeMap::new(),
            took: BTreeMap::new(),
            confinement: None,
            end: ended.end,
            stderr_tail: ended.stderr,
            output: String::new(),
        };
        for event in ended.items {
            match event {
                // Only observations count: a child that says it is done
                // without reporting a check has not passed it.
                Event::Record(Record::Observed { check, observation }, took) => {
                    run.took.insert(check.clone(), took);
                    run.observed.insert(check, observation);
                }
                Event::Record(Record::Started { confinement, .. }, _) => {
                    run.confinement = Some(confinement);
                }
                Event::Record(Record::Done, _) => {}
                Event::Output(text) => run.output = text,
            }
        }
        run
    }
}

/// Reads the child's stdout to its end (so the child never blocks on a full
/// pipe), passing on records with the right nonce and, last, the start of
/// the rest, which is the student's own output. Past [`OUTPUT_CAP`] it asks
/// for the child to be stopped.
fn read_records(mut stdout: impl Read, nonce: &str, outlet: &Outlet<Event>) {
    const KEEP: usize = 8 * 1024;
    let mut other = Vec::new();
    let mut total = 0usize;
    let mut line = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut last = Instant::now();
    loop {
        let n = match stdout.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        total += n;
        if total > OUTPUT_CAP {
            outlet.stop();
            break;
        }
        for &byte in &buf[..n] {
            if byte == b'\n' {
                match std::str::from_utf8(&line)
                    .ok()
                    .and_then(|l| parse_record(l, nonce))
                {
                    Some(record) => {
                        let now = Instant::now();
                        outlet.send(Event::Record(record, now - last));
                        last = now;
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
    outlet.send(Event::Output(String::from_utf8_lossy(&other).into_owned()));
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
        31 => " (SIGSYS: a forbidden system call)",
        _ => "",
    }
}

/// How a check ended when run in a child.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    /// The child reported an observation, to be judged.
    Observed(Observation),
    /// The exercise's budget ran out first.
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
        Verdict::ended(
            status,
            Cause::Process,
            why.clone(),
            Some(check.hint.clone()),
        )
    }
}

/// Runs `checks` of `exercise` in children of `runner` and judges them: the
/// same protocol, limits and judging as `checker grade` and `cargo test -p`,
/// for the project's fixture runner and `checker verify`, so that "verify
/// passes" means what "grade passes" means. `runner` must serve the child
/// protocol ([`crate::child::serve_subject`]) after `runner_args`, and act
/// as the sandbox's launcher ([`crate::sandbox::launch`]).
pub fn judge_in_children(
    sandbox: &Sandbox,
    runner: &std::path::Path,
    runner_args: &[String],
    exercise: &str,
    config: &str,
    checks: &[Check],
    sources: &Sources,
) -> Vec<Verdict> {
    let budget = super::Budget::run();
    let children = Children {
        sandbox,
        runner: runner.to_path_buf(),
        runner_args: runner_args.to_vec(),
        workdir: std::env::temp_dir(),
        limits: budget.limits,
    };
    let ids: Vec<String> = checks.iter().map(|c| c.id.clone()).collect();
    let observed = children.observe(exercise, config, &ids, budget.time);
    checks
        .iter()
        .map(|check| match observed.outcomes.get(&check.id) {
            Some(outcome) => outcome.verdict(check, sources),
            None => Verdict::ended(
                Status::Crashed,
                Cause::Process,
                format!("the child never reported {}", check.id),
                None,
            ),
        })
        .collect()
}

/// What the children of one exercise reported.
pub(crate) struct Observed {
    /// Every check's outcome.
    pub outcomes: BTreeMap<String, Outcome>,
    /// Every check's wall-clock time: as reported, or its rerun's whole
    /// run when it was run alone.
    pub took: BTreeMap<String, Duration>,
    /// What went wrong with the process, if anything: for the report.
    pub message: String,
    /// The student's own output, from the first run.
    pub output: String,
    /// How the first child confined itself.
    pub confinement: Option<Confinement>,
}

impl Children<'_> {
    /// Runs the checks `ids` of `exercise` in one child; a check the child
    /// did not report (it crashed or exited) is run again alone, to pin the
    /// crash on the check that caused it. All of it within `budget`.
    pub(crate) fn observe(
        &self,
        exercise: &str,
        config: &str,
        ids: &[String],
        budget: Duration,
    ) -> Observed {
        let deadline = Instant::now() + budget;
        let out_of_time = format!(
            "the checks were still running after {}s of real time (the exercise's budget) and \
             were stopped",
            budget.as_secs()
        );
        let first = self.run(exercise, config, ids, deadline);
        let mut took = first.took.clone();
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
        if !missing.is_empty() {
            message = if matches!(first.end, End::TimedOut { .. }) {
                out_of_time.clone()
            } else {
                self.crash_summary(&first)
            };
        }
        for id in missing {
            let started = Instant::now();
            let outcome = if started >= deadline {
                Outcome::Timeout(out_of_time.clone())
            } else {
                let alone = self.run(exercise, config, std::slice::from_ref(id), deadline);
                took.insert(id.clone(), started.elapsed());
                match alone.observed.get(id) {
                    Some(obs) => Outcome::Observed(obs.clone()),
                    None if matches!(alone.end, End::TimedOut { .. }) => {
                        Outcome::Timeout(out_of_time.clone())
                    }
                    None => Outcome::Crashed(self.crash_summary(&alone)),
                }
            };
            outcomes.insert(id.clone(), outcome);
        }
        Observed {
            outcomes,
            took,
            message,
            output: first.output,
            confinement: first.confinement,
        }
    }

    fn crash_summary(&self, run: &ChildRun) -> String {
        let mut text = match &run.end {
            End::Stopped => format!(
                "the process printed more than {} MiB and was stopped",
                OUTPUT_CAP >> 20
            ),
            End::Exited(0) => "the process exited (exit status 0) before reporting its results; \
                               does your code call std::process::exit?"
                .to_owned(),
            End::Exited(code) => {
                format!("the process running the checks ended early: exit status {code}")
            }
            End::Signaled(sig) => format!(
                "the process running the checks ended early: killed by signal {sig}{}",
                signal_name(*sig)
            ),
            End::OutOfMemory => format!(
                "the process ran out of memory: it used more than the {} MiB the checks may use \
                 and was killed",
                self.limits.memory >> 20
            ),
            End::TimedOut { .. } => "the process was stopped at the exercise's budget".to_owned(),
            End::Unknown => "the process running the checks ended early".to_owned(),
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
}
