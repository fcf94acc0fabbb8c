//! The launcher: the grader's own binary, started as `checker __launch
//! SPEC`, does what must happen between fork and the sandbox, then execs
//! it. It joins the run's control groups and sets the resource limits, so
//! the whole tree is limited before its first instruction and nothing in it
//! ran early enough to skip them; and it hands bubblewrap its arguments
//! through a pipe (`--args FD`), so the sandbox's process 1 shows no host
//! path on its command line. Doing this in a freshly exec'd process keeps
//! the project free of `unsafe` (no `pre_exec` hook in a threaded parent).

use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use serde::{Deserialize, Serialize};

/// The subcommand name the `checker` binary dispatches to [`main`].
pub const SUBCOMMAND: &str = "__launch";

/// Exit status of a launcher that could not set the sandbox up (bubblewrap
/// uses 1 for its own set-up failures).
pub const LAUNCH_FAILED: i32 = 125;

/// Per-process limits, set soft and hard so nothing inside can raise them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rlimits {
    /// CPU seconds (`RLIMIT_CPU`).
    pub cpu_seconds: u64,
    /// Largest file written, bytes (`RLIMIT_FSIZE`).
    pub file_size: u64,
    /// Open files (`RLIMIT_NOFILE`).
    pub open_files: u64,
    /// Address space, bytes (`RLIMIT_AS`); `None` leaves it to the cgroup.
    pub address_space: Option<u64>,
}

/// Everything the launcher does, serialised as its one argument.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Spec {
    /// `cgroup.procs` files to write the launcher's pid to.
    pub join: Vec<PathBuf>,
    pub rlimits: Rlimits,
    /// What to exec.
    pub program: PathBuf,
    /// Passed to `program` through a pipe as `--args FD` (bubblewrap).
    pub piped_args: Vec<String>,
    /// Passed on the command line.
    pub args: Vec<String>,
    /// The whole environment `program` gets.
    pub env: Vec<(String, String)>,
}

/// `checker __launch SPEC`: sets up and execs; returns only on failure.
pub fn main(spec: &str) -> std::process::ExitCode {
    let err = match serde_json::from_str::<Spec>(spec) {
        Ok(spec) => launch(&spec),
        Err(e) => format!("invalid launch spec: {e}"),
    };
    eprintln!("checker launcher: {err}");
    std::process::ExitCode::from(LAUNCH_FAILED as u8)
}

fn launch(spec: &Spec) -> String {
    let pid = std::process::id().to_string();
    for procs in &spec.join {
        if let Err(e) = std::fs::write(procs, &pid) {
            return format!("failed to join {}: {e}", procs.display());
        }
    }
    if let Err(e) = set_rlimits(&spec.rlimits) {
        return format!("failed to set resource limits: {e}");
    }
    let mut command = Command::new(&spec.program);
    command.env_clear().envs(spec.env.iter().cloned());
    // Kept alive until exec; not close-on-exec, so the program inherits it.
    let mut _args_pipe = None;
    if !spec.piped_args.is_empty() {
        let (read, write) = match nix::unistd::pipe() {
            Ok(ends) => ends,
            Err(e) => return format!("failed to make a pipe: {e}"),
        };
        let mut text = Vec::new();
        for arg in &spec.piped_args {
            text.extend_from_slice(arg.as_bytes());
            text.push(0);
        }
        // Far below a pipe's capacity, so this never blocks.
        if let Err(e) = std::fs::File::from(write).write_all(&text) {
            return format!("failed to pass the sandbox its arguments: {e}");
        }
        command.arg("--args").arg(read.as_raw_fd().to_string());
        _args_pipe = Some(read);
    }
    command.args(&spec.args);
    let err = command.exec();
    format!("failed to run {}: {err}", spec.program.display())
}

impl Rlimits {
    /// Every limit as (resource, value); core dumps are always off.
    fn each(&self) -> Vec<(rlimit::Resource, u64)> {
        use rlimit::Resource;
        let mut each = vec![
            (Resource::CPU, self.cpu_seconds),
            (Resource::FSIZE, self.file_size),
            (Resource::NOFILE, self.open_files),
            (Resource::CORE, 0),
        ];
        each.extend(self.address_space.map(|bytes| (Resource::AS, bytes)));
        each
    }
}

/// Sets every limit. Grading runs on Linux, where each must hold; elsewhere
/// (a student's Mac running `cargo test`) they are best effort, as some
/// (`RLIMIT_AS`) are refused there.
fn set_rlimits(limits: &Rlimits) -> std::io::Result<()> {
    for (resource, value) in limits.each() {
        match resource.set(value, value) {
            Err(e) if cfg!(target_os = "linux") => return Err(e),
            _ => {}
        }
    }
    Ok(())
}
