//! Watching a started tree to its end: a wall-clock deadline, output read
//! as it comes, and a kill that reaches every process in the tree. No wait
//! is unbounded: once the tree is dead the readers get a short grace to
//! finish, and are left behind if something still holds the pipes.

use std::io::Read;
use std::process::{Child, ChildStdin, ChildStdout, ExitStatus};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::cgroup::Cgroup;

/// How long the pipe readers may take once the tree is dead.
const READER_GRACE: Duration = Duration::from_secs(2);

/// A process tree started by [`super::Sandbox::spawn`].
pub struct Spawned {
    pub(super) child: Child,
    pub(super) cgroup: Option<Cgroup>,
    /// bubblewrap reports a child killed by signal N as exit status 128 + N.
    pub(super) sandboxed: bool,
}

/// How a supervised tree ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// The program exited with this status.
    Exited(i32),
    /// The program was killed by this signal.
    Signaled(i32),
    /// Killed at its deadline; the command lines of what was still running
    /// (first the program, then its arguments), where they could be read.
    TimedOut {
        /// Every process alive at the deadline.
        running: Vec<Vec<String>>,
    },
    /// The kernel killed something in the tree for using more memory than
    /// the limit allows.
    OutOfMemory,
    /// Killed because the reader asked (output over its cap).
    Stopped,
    /// Its status could not be read.
    Unknown,
}

/// What a supervised tree produced.
#[derive(Debug)]
pub struct Ended<M> {
    /// How it ended.
    pub end: End,
    /// What the stdout reader passed on, in order.
    pub items: Vec<M>,
    /// The last `stderr_cap` bytes of its stderr.
    pub stderr: String,
}

/// The stdout reader's way back to the supervisor.
pub struct Outlet<M> {
    tx: Sender<Event<M>>,
}

impl<M> Outlet<M> {
    /// Passes one item on.
    pub fn send(&self, item: M) {
        let _ = self.tx.send(Event::Item(item));
    }

    /// Asks for the tree to be killed now.
    pub fn stop(&self) {
        let _ = self.tx.send(Event::Stop);
    }
}

enum Event<M> {
    Item(M),
    Stop,
    Stderr(Vec<u8>),
    Exited(Option<ExitStatus>),
    ReaderDone,
}

impl Spawned {
    /// The tree's stdin, to feed it.
    pub fn stdin(&mut self) -> Option<ChildStdin> {
        self.child.stdin.take()
    }

    /// Watches the tree until it ends or `deadline` passes, with
    /// `read` consuming its stdout on a thread of its own; then kills
    /// whatever is left of the tree.
    pub fn supervise<M: Send + 'static>(
        mut self,
        deadline: Instant,
        stderr_cap: usize,
        read: impl FnOnce(ChildStdout, Outlet<M>) + Send + 'static,
    ) -> Ended<M> {
        let (tx, rx) = mpsc::channel();
        let mut readers = 0;
        if let Some(stdout) = self.child.stdout.take() {
            let outlet = Outlet { tx: tx.clone() };
            let done = tx.clone();
            readers += 1;
            std::thread::spawn(move || {
                read(stdout, outlet);
                let _ = done.send(Event::ReaderDone);
            });
        }
        if let Some(mut stderr) = self.child.stderr.take() {
            let tx = tx.clone();
            readers += 1;
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 16 * 1024];
                while let Ok(n) = stderr.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let _ = tx.send(Event::Stderr(buf[..n].to_vec()));
                }
                let _ = tx.send(Event::ReaderDone);
            });
        }
        let pid = self.child.id();
        let waiter = {
            let tx = tx.clone();
            let mut child = self.child;
            std::thread::spawn(move || {
                let status = child.wait().ok();
                let _ = tx.send(Event::Exited(status));
            })
        };
        drop(tx);

        let mut items = Vec::new();
        let mut stderr = Vec::new();
        let keep = |stderr: &mut Vec<u8>, bytes: Vec<u8>| {
            stderr.extend_from_slice(&bytes);
            if stderr.len() > 2 * stderr_cap {
                stderr.drain(..stderr.len() - stderr_cap);
            }
        };
        let mut status = None;
        let mut end = None;
        let mut done_readers = 0;
        // Until the program exits, the deadline passes, or the reader stops
        // it; then whatever is left of the tree dies, its pipes close, and
        // the readers get a short grace to pass on what they still hold.
        let mut until = deadline;
        let mut killed = false;
        while !(killed && done_readers == readers && status.is_some()) {
            let left = until.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(Event::Item(item)) => items.push(item),
                Ok(Event::Stderr(bytes)) => keep(&mut stderr, bytes),
                Ok(Event::Exited(s)) => status = Some(s),
                Ok(Event::Stop) if !killed => end = Some(End::Stopped),
                Ok(Event::Stop) => {}
                Ok(Event::ReaderDone) => done_readers += 1,
                Err(RecvTimeoutError::Timeout) if !killed => {
                    end = Some(End::TimedOut {
                        running: self.cgroup.as_ref().map(running).unwrap_or_default(),
                    });
                }
                Err(_) => break,
            }
            if !killed && (status.is_some() || end.is_some()) {
                kill_tree(pid, self.cgroup.as_ref());
                killed = true;
                until = Instant::now() + READER_GRACE;
            }
        }
        if !killed {
            kill_tree(pid, self.cgroup.as_ref());
        }
        if status.is_some() {
            let _ = waiter.join();
        }
        let oom = self.cgroup.as_ref().is_some_and(|c| c.oom_kills() > 0);
        let end = match (oom, end, status.flatten()) {
            (true, _, _) => End::OutOfMemory,
            (false, Some(end), _) => end,
            (false, None, Some(status)) => end_of(status, self.sandboxed),
            (false, None, None) => End::Unknown,
        };
        let start = stderr.len().saturating_sub(stderr_cap);
        Ended {
            end,
            items,
            stderr: String::from_utf8_lossy(&stderr[start..]).into_owned(),
        }
    }
}

/// The program's end from its exit status.
fn end_of(status: ExitStatus, sandboxed: bool) -> End {
    use std::os::unix::process::ExitStatusExt;
    match (status.signal(), status.code()) {
        (Some(signal), _) => End::Signaled(signal),
        (None, Some(code)) if sandboxed && code > 128 && code < 128 + 65 => {
            End::Signaled(code - 128)
        }
        (None, Some(code)) => End::Exited(code),
        (None, None) => End::Unknown,
    }
}

/// Kills the tree: its control group when it has one, else its process
/// group (the launcher leads one), and the process itself.
fn kill_tree(pid: u32, cgroup: Option<&Cgroup>) {
    use nix::sys::signal::{Signal, kill, killpg};
    use nix::unistd::Pid;
    if let Some(cgroup) = cgroup {
        cgroup.kill_all();
    }
    if let Ok(pid) = i32::try_from(pid) {
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

/// The command lines of the processes in `cgroup`.
fn running(cgroup: &Cgroup) -> Vec<Vec<String>> {
    cgroup
        .pids()
        .into_iter()
        .filter_map(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).ok())
        .map(|bytes| {
            bytes
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        })
        .collect()
}
