//! Isolation for untrusted code: the build of a submission and every child
//! that runs its checks.
//!
//! With bubblewrap ([`Mode::Bwrap`]) each build and each exercise run gets
//! a sandbox of its own: new user, PID, network, IPC, UTS and cgroup
//! namespaces, an unprivileged uid, read-only binds of what it needs (see
//! [`Jail`]), a private scratch `/tmp`, an environment rebuilt from an
//! allow-list, and a control group ([`cgroup`]) whose memory and process
//! limits root inside cannot lift and whose kill reaches the whole tree.
//! The [`launch`]er joins the group and sets rlimits before anything is
//! exec'd; the child then [`confine`]s itself before student code runs.
//!
//! ```no_run
//! use checker::sandbox::{Mode, Sandbox};
//!
//! let sandbox = Sandbox::prepare(Mode::Auto, std::env::current_exe().unwrap())?;
//! println!("grading under {}", sandbox.info().kind);
//! # Ok::<(), checker::sandbox::SandboxError>(())
//! ```

pub mod cgroup;
pub mod confine;
pub mod jail;
pub mod launch;
pub mod supervise;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use cgroup::{Cgroups, GroupLimits};
pub use confine::{Confinement, Enforcement};
pub use jail::Jail;
pub use launch::Rlimits;
pub use supervise::{End, Ended, Outlet, Spawned};

/// `--sandbox`: how untrusted code is isolated (SPEC.md, "Sandbox").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// bubblewrap if it works here; otherwise refuse to grade.
    Auto,
    /// bubblewrap, or refuse to grade.
    Bwrap,
    /// No isolation: for trusted code only, and only when asked for.
    None,
}

/// What one sandboxed tree may use.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Memory, page cache and scratch files included (cgroup).
    pub memory: u64,
    /// Processes and threads at once (cgroup).
    pub processes: u64,
    /// Per-process limits, set before exec.
    pub rlimits: Rlimits,
}

/// Why untrusted code cannot be run here.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// bubblewrap is not installed.
    #[error(
        "failed to find bubblewrap (bwrap), which isolates the code being graded\n\
         hint: install it (Debian and Ubuntu: apt-get install bubblewrap; Fedora: dnf install \
         bubblewrap), set CHECKER_BWRAP to its path, or pass --sandbox none to grade code you \
         trust without isolation"
    )]
    Missing,
    /// No control group can be made for the limits.
    #[error(
        "failed to set up memory and process limits: {0}\n\
         hint: run the grader as root, or under cgroup v2 in a delegated group (systemd-run \
         --user --scope -p Delegate=yes checker grade ...); --sandbox none grades code you \
         trust without limits"
    )]
    NoCgroups(String),
    /// bubblewrap is there but cannot make a sandbox on this host.
    #[error(
        "bubblewrap could not create a sandbox here: {0}\n\
         hint: unprivileged user namespaces are probably forbidden: on Ubuntu 24.04 allow them \
         for bwrap with an AppArmor profile (README.md, \"Sandbox\") or sysctl \
         kernel.apparmor_restrict_unprivileged_userns=0; in Docker, run the container with \
         --security-opt seccomp=unconfined --security-opt apparmor=unconfined, or grade on a \
         VM; --sandbox none grades code you trust without isolation"
    )]
    Refused(String),
}

/// The isolation in force for one grading, named in its report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SandboxInfo {
    /// `bwrap` or `none`.
    pub kind: String,
    /// bubblewrap's version line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The control group version holding the limits: `v1` or `v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cgroup: Option<String>,
    /// How the checks' child confined itself (Landlock, seccomp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confinement: Option<Confinement>,
}

impl std::fmt::Display for SandboxInfo {
    /// One line for people: `sandbox: bubblewrap 0.8.0, cgroup v1, Landlock full, seccomp`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.kind == "none" {
            return f.write_str("sandbox: none (the code ran unisolated)");
        }
        write!(
            f,
            "sandbox: {}",
            self.version.as_deref().unwrap_or(&self.kind)
        )?;
        if let Some(cgroup) = &self.cgroup {
            write!(f, ", cgroup {cgroup}")?;
        }
        if let Some(c) = &self.confinement {
            let landlock = match c.landlock {
                Enforcement::Full => "full",
                Enforcement::Partial => "partial",
                Enforcement::None => "off",
            };
            write!(
                f,
                ", Landlock {landlock}, seccomp {}",
                if c.seccomp { "on" } else { "off" }
            )?;
        }
        Ok(())
    }
}

/// A probed sandbox, ready to start processes in.
#[derive(Clone, Debug)]
pub struct Sandbox {
    /// The grader's own binary, which serves `checker __launch`.
    launcher: PathBuf,
    bwrap: Option<Bwrap>,
}

#[derive(Clone, Debug)]
struct Bwrap {
    program: PathBuf,
    version: String,
    cgroups: Cgroups,
}

impl Sandbox {
    /// Probes for `mode` and proves it works by starting a sandbox once.
    /// `launcher` is a binary whose `main` serves [`launch::SUBCOMMAND`]
    /// (the `checker` binary).
    ///
    /// # Errors
    ///
    /// Where `mode` cannot be had, with why and how to fix it.
    pub fn prepare(mode: Mode, launcher: PathBuf) -> Result<Sandbox, SandboxError> {
        if mode == Mode::None {
            return Ok(Sandbox {
                launcher,
                bwrap: None,
            });
        }
        let program = find_bwrap().ok_or(SandboxError::Missing)?;
        let version = Command::new(&program)
            .arg("--version")
            .env_clear()
            .output()
            .map_err(|_| SandboxError::Missing)?;
        let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
        let cgroups = Cgroups::discover().map_err(SandboxError::NoCgroups)?;
        let sandbox = Sandbox {
            launcher,
            bwrap: Some(Bwrap {
                program,
                version,
                cgroups,
            }),
        };
        sandbox.prove()?;
        Ok(sandbox)
    }

    /// Runs `true` in the smallest sandbox: namespaces, the group, the launcher.
    fn prove(&self) -> Result<(), SandboxError> {
        let mut jail = self.jail();
        jail.expose_system();
        let limits = Limits {
            memory: 64 << 20,
            processes: 16,
            rlimits: Rlimits {
                cpu_seconds: 10,
                file_size: 1 << 20,
                open_files: 64,
                address_space: None,
            },
        };
        let spawned = self
            .spawn(&jail, &["/usr/bin/true".to_owned()], &limits, Stdio::null())
            .map_err(|e| SandboxError::Refused(e.to_string()))?;
        let ended = spawned.supervise(
            Instant::now() + Duration::from_secs(20),
            4096,
            |_, _: Outlet<()>| {},
        );
        match ended.end {
            End::Exited(0) => Ok(()),
            end => {
                let said = ended.stderr.trim();
                Err(SandboxError::Refused(if said.is_empty() {
                    format!("the trial sandbox ended with {end:?}")
                } else {
                    said.to_owned()
                }))
            }
        }
    }

    /// Whether code runs sandboxed (not `--sandbox none`).
    pub fn is_sandboxed(&self) -> bool {
        self.bwrap.is_some()
    }

    /// An empty view for this sandbox.
    pub fn jail(&self) -> Jail {
        Jail::new(self.is_sandboxed())
    }

    /// For the report.
    pub fn info(&self) -> SandboxInfo {
        match &self.bwrap {
            Some(bwrap) => SandboxInfo {
                kind: "bwrap".into(),
                version: Some(bwrap.version.clone()),
                cgroup: Some(bwrap.cgroups.version().into()),
                confinement: None,
            },
            None => SandboxInfo {
                kind: "none".into(),
                version: None,
                cgroup: None,
                confinement: None,
            },
        }
    }

    /// Starts `argv` (paths as the jail sees them) in a fresh sandbox of
    /// `jail`'s view, limited by `limits`, with stdout and stderr piped.
    ///
    /// # Errors
    ///
    /// When the group or the launcher cannot be started.
    pub fn spawn(
        &self,
        jail: &Jail,
        argv: &[String],
        limits: &Limits,
        stdin: Stdio,
    ) -> std::io::Result<Spawned> {
        let (program, rest) = argv
            .split_first()
            .ok_or_else(|| std::io::Error::other("nothing to run"))?;
        let (spec, cgroup, cwd) = match &self.bwrap {
            Some(bwrap) => {
                let cgroup = bwrap.cgroups.create(GroupLimits {
                    memory: limits.memory,
                    processes: limits.processes,
                })?;
                let spec = launch::Spec {
                    join: cgroup.procs_files(),
                    rlimits: limits.rlimits,
                    program: bwrap.program.clone(),
                    piped_args: jail.bwrap_options(),
                    args: std::iter::once("--".to_owned())
                        .chain(argv.iter().cloned())
                        .collect(),
                    env: Vec::new(),
                };
                (spec, Some(cgroup), Path::new("/").to_path_buf())
            }
            None => {
                let spec = launch::Spec {
                    join: Vec::new(),
                    rlimits: limits.rlimits,
                    program: program.into(),
                    piped_args: Vec::new(),
                    args: rest.to_vec(),
                    env: jail.environment().to_vec(),
                };
                (spec, None, jail.working_dir().to_path_buf())
            }
        };
        let spec = serde_json::to_string(&spec).map_err(std::io::Error::other)?;
        let child = {
            use std::os::unix::process::CommandExt;
            Command::new(&self.launcher)
                .arg(launch::SUBCOMMAND)
                .arg(spec)
                .env_clear()
                .current_dir(cwd)
                .stdin(stdin)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .process_group(0)
                .spawn()?
        };
        Ok(Spawned {
            child,
            cgroup,
            sandboxed: self.is_sandboxed(),
        })
    }
}

/// `$CHECKER_BWRAP`, else `bwrap` on `PATH`, else `/usr/bin/bwrap`.
fn find_bwrap() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHECKER_BWRAP") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("bwrap"))
        .find(|candidate| candidate.is_file())
}
