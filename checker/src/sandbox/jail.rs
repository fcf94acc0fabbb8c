//! What a sandboxed process sees: the host paths it may read, the one it
//! may write, private scratch space, and its whole environment.
//!
//! A [`Jail`] is described once and read two ways: as bubblewrap's
//! arguments, or (with `--sandbox none`) as the same environment and host
//! paths used directly. Each `expose_*` call returns the path the code
//! inside uses, so callers never spell either form.

use std::path::{Path, PathBuf};

/// The uid and gid code runs as inside the sandbox (`nobody`).
const INSIDE_ID: &str = "65534";

/// One mount, in bubblewrap's order.
#[derive(Clone, Debug, PartialEq)]
enum Mount {
    ReadOnly(PathBuf, PathBuf),
    Writable(PathBuf, PathBuf),
    Tmpfs(PathBuf, u64),
    Symlink(PathBuf, PathBuf),
    Dev,
    Proc,
    RemountReadOnly(PathBuf),
}

/// A sandbox's view of the host.
#[derive(Clone, Debug)]
pub struct Jail {
    sandboxed: bool,
    mounts: Vec<Mount>,
    env: Vec<(String, String)>,
    cwd: PathBuf,
}

impl Jail {
    /// An empty view: with `sandboxed`, nothing of the host is visible until
    /// exposed; without, every path is the host's own.
    pub fn new(sandboxed: bool) -> Jail {
        Jail {
            sandboxed,
            mounts: Vec::new(),
            env: Vec::new(),
            cwd: PathBuf::from("/"),
        }
    }

    /// The system's programs and libraries, read-only: `/usr`, the
    /// top-level links or directories into it, and the few files of `/etc`
    /// the dynamic loader and the C compiler driver read.
    pub fn expose_system(&mut self) {
        if !self.sandboxed {
            return;
        }
        self.mounts
            .push(Mount::ReadOnly("/usr".into(), "/usr".into()));
        for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
            let path = Path::new(top);
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    if let Ok(target) = std::fs::read_link(path) {
                        self.mounts.push(Mount::Symlink(target, path.into()));
                    }
                }
                Ok(meta) if meta.is_dir() => {
                    self.mounts.push(Mount::ReadOnly(path.into(), path.into()));
                }
                _ => {}
            }
        }
        for etc in [
            "/etc/ld.so.cache",
            "/etc/ld.so.conf",
            "/etc/ld.so.conf.d",
            "/etc/alternatives",
        ] {
            if Path::new(etc).exists() {
                self.mounts.push(Mount::ReadOnly(etc.into(), etc.into()));
            }
        }
    }

    /// `host` read-only at `inside`; returns the path to use.
    pub fn expose_read_only(&mut self, host: &Path, inside: &str) -> PathBuf {
        self.expose(host, inside, false)
    }

    /// `host` writable at `inside`; returns the path to use.
    pub fn expose_writable(&mut self, host: &Path, inside: &str) -> PathBuf {
        self.expose(host, inside, true)
    }

    fn expose(&mut self, host: &Path, inside: &str, writable: bool) -> PathBuf {
        if !self.sandboxed {
            return host.to_path_buf();
        }
        let inside = PathBuf::from(inside);
        self.mounts.push(if writable {
            Mount::Writable(host.to_path_buf(), inside.clone())
        } else {
            Mount::ReadOnly(host.to_path_buf(), inside.clone())
        });
        inside
    }

    /// A private scratch filesystem of at most `size` bytes at `inside`
    /// (its pages count against the memory limit too); without a sandbox,
    /// `host` serves instead.
    pub fn scratch(&mut self, inside: &str, size: u64, host: &Path) -> PathBuf {
        if !self.sandboxed {
            return host.to_path_buf();
        }
        self.mounts.push(Mount::Tmpfs(inside.into(), size));
        inside.into()
    }

    /// A minimal `/dev` (null, zero, full, random, urandom, tty), read-only,
    /// with its own small `/dev/shm`.
    pub fn devices(&mut self, shm_size: u64) {
        if self.sandboxed {
            self.mounts.push(Mount::Dev);
            self.mounts.push(Mount::RemountReadOnly("/dev".into()));
            self.mounts.push(Mount::Tmpfs("/dev/shm".into(), shm_size));
        }
    }

    /// A `/proc` of the sandbox's own processes (the compiler finds its
    /// sysroot through `/proc/self/exe`). Checks get none.
    pub fn processes(&mut self) {
        if self.sandboxed {
            self.mounts.push(Mount::Proc);
        }
    }

    /// Sets one variable of the (otherwise empty) environment.
    pub fn env(&mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) {
        let value = value.as_ref().to_string_lossy().into_owned();
        self.env.push((key.to_owned(), value));
    }

    /// The working directory, as the code sees it.
    pub fn cwd(&mut self, dir: PathBuf) {
        self.cwd = dir;
    }

    /// The environment the program gets, exactly.
    pub fn environment(&self) -> &[(String, String)] {
        &self.env
    }

    /// The working directory, as the code sees it.
    pub fn working_dir(&self) -> &Path {
        &self.cwd
    }

    /// bubblewrap's options for this view: every namespace new, an
    /// unprivileged user that cannot make namespaces of its own, a
    /// read-only root, the environment rebuilt from nothing, and the tree
    /// killed with its parent. The command follows them, after `--`.
    pub fn bwrap_options(&self) -> Vec<String> {
        let mut args: Vec<String> = [
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--uid",
            INSIDE_ID,
            "--gid",
            INSIDE_ID,
            "--hostname",
            "sandbox",
            "--cap-drop",
            "ALL",
            "--die-with-parent",
            "--new-session",
            "--clearenv",
        ]
        .map(str::to_owned)
        .into();
        let path = |p: &Path| p.to_string_lossy().into_owned();
        for mount in &self.mounts {
            match mount {
                Mount::ReadOnly(host, inside) => {
                    args.extend(["--ro-bind".into(), path(host), path(inside)]);
                }
                Mount::Writable(host, inside) => {
                    args.extend(["--bind".into(), path(host), path(inside)]);
                }
                Mount::Tmpfs(inside, size) => {
                    args.extend([
                        "--size".into(),
                        size.to_string(),
                        "--tmpfs".into(),
                        path(inside),
                    ]);
                }
                Mount::Symlink(target, at) => {
                    args.extend(["--symlink".into(), path(target), path(at)]);
                }
                Mount::Dev => args.extend(["--dev".into(), "/dev".into()]),
                Mount::Proc => args.extend(["--proc".into(), "/proc".into()]),
                Mount::RemountReadOnly(inside) => {
                    args.extend(["--remount-ro".into(), path(inside)]);
                }
            }
        }
        // Last: everything bubblewrap made on the root (mount points,
        // links) would otherwise be writable by the user inside.
        args.extend(["--remount-ro".into(), "/".into()]);
        for (key, value) in &self.env {
            args.extend(["--setenv".into(), key.clone(), value.clone()]);
        }
        args.extend(["--chdir".into(), path(&self.cwd)]);
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_sandbox_every_path_is_the_hosts_own() {
        let mut jail = Jail::new(false);
        jail.expose_system();
        let seen = jail.expose_read_only(Path::new("/host/slot"), "/build");
        assert_eq!(seen, Path::new("/host/slot"));
        assert_eq!(
            jail.scratch("/tmp", 1, Path::new("/host/tmp")),
            Path::new("/host/tmp")
        );
        assert!(jail.mounts.is_empty());
    }

    #[test]
    fn bwrap_arguments_end_with_a_read_only_root_and_the_command() {
        let mut jail = Jail::new(true);
        let runner = jail.expose_read_only(Path::new("/cache/slot/runner"), "/grader/runner");
        assert_eq!(runner, Path::new("/grader/runner"));
        jail.scratch("/tmp", 1024, Path::new("/tmp"));
        jail.env("PATH", "/usr/bin");
        jail.cwd("/tmp".into());
        let text = jail.bwrap_options().join(" ");
        assert!(
            text.contains("--ro-bind /cache/slot/runner /grader/runner"),
            "{text}"
        );
        assert!(text.contains("--size 1024 --tmpfs /tmp"), "{text}");
        assert!(
            text.ends_with("--remount-ro / --setenv PATH /usr/bin --chdir /tmp"),
            "{text}"
        );
        assert!(
            text.starts_with("--unshare-all --unshare-user --disable-userns"),
            "{text}"
        );
    }
}
