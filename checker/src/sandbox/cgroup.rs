//! Control groups: the limits a sandboxed tree cannot lift (memory,
//! processes) and the one kill that reaches every process in it.
//!
//! Every build and every exercise run gets a fresh group, joined by the
//! launcher before it execs anything, so the whole tree is inside from its
//! first instruction. Version 2 is used where `memory` and `pids` are
//! enabled for a group the grader may create children in; otherwise the
//! version 1 `memory` and `pids` hierarchies (as on the grading machines).
//! Groups live under `async-course-checker/` in the grader's own group and
//! are named `<grader pid>-<n>`; the leftovers of a grader that was killed
//! are removed the next time one starts.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The directory the grader's groups live under, in each hierarchy.
const BASE: &str = "async-course-checker";

/// How long killing a group may take before it is given up on.
const KILL_PATIENCE: Duration = Duration::from_secs(5);

/// Where new groups can be made, found once per grading.
#[derive(Clone, Debug)]
pub struct Cgroups {
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    /// One unified group under which runs are made.
    V2 { base: PathBuf },
    /// The `memory` and `pids` hierarchies' base directories.
    V1 { memory: PathBuf, pids: PathBuf },
}

/// What a group allows.
#[derive(Clone, Copy, Debug)]
pub struct GroupLimits {
    /// Bytes of memory (page cache and tmpfs included); no swap beyond it.
    pub memory: u64,
    /// Tasks (processes and threads) at once.
    pub processes: u64,
}

/// One run's group (one directory per hierarchy). Dropping it kills what
/// is left inside and removes it.
#[derive(Debug)]
pub struct Cgroup {
    dirs: Vec<PathBuf>,
    v2: bool,
}

impl Cgroups {
    /// Finds a cgroup hierarchy the grader may create limited groups in;
    /// `Err` says why not, for the refusal message.
    pub fn discover() -> Result<Cgroups, String> {
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")
            .map_err(|e| format!("failed to read /proc/self/mountinfo: {e}"))?;
        let own = std::fs::read_to_string("/proc/self/cgroup")
            .map_err(|e| format!("failed to read /proc/self/cgroup: {e}"))?;
        let mounts = Mounts::parse(&mountinfo);
        let memberships = memberships(&own);
        let mut why = Vec::new();
        if let Some(unified) = &mounts.unified {
            match v2_base(unified, memberships.get("").map(String::as_str)) {
                Ok(base) => return Ok(Cgroups::prepared(Kind::V2 { base })),
                Err(e) => why.push(format!("cgroup v2 at {}: {e}", unified.display())),
            }
        }
        match (mounts.v1("memory"), mounts.v1("pids")) {
            (Some(memory), Some(pids)) => {
                let dir = |mount: &Path, controller: &str| {
                    let own = memberships.get(controller).map_or("/", String::as_str);
                    mount.join(own.trim_start_matches('/')).join(BASE)
                };
                let kind = Kind::V1 {
                    memory: dir(memory, "memory"),
                    pids: dir(pids, "pids"),
                };
                let cgroups = Cgroups::prepared(kind);
                // Proves the hierarchy writable before any build needs it.
                match cgroups.create(GroupLimits {
                    memory: 64 << 20,
                    processes: 8,
                }) {
                    Ok(_) => Ok(cgroups),
                    Err(e) => {
                        why.push(format!("cgroup v1 memory and pids: {e}"));
                        Err(why.join("; "))
                    }
                }
            }
            _ => {
                why.push("no cgroup v1 memory and pids hierarchies are mounted".into());
                Err(why.join("; "))
            }
        }
    }

    /// `v1` or `v2`, for the report.
    pub fn version(&self) -> &'static str {
        match self.kind {
            Kind::V2 { .. } => "v2",
            Kind::V1 { .. } => "v1",
        }
    }

    fn prepared(kind: Kind) -> Cgroups {
        let cgroups = Cgroups { kind };
        cgroups.remove_stale();
        cgroups
    }

    fn bases(&self) -> Vec<&Path> {
        match &self.kind {
            Kind::V2 { base } => vec![base],
            Kind::V1 { memory, pids } => vec![memory, pids],
        }
    }

    /// A new, empty group with `limits`.
    pub fn create(&self, limits: GroupLimits) -> io::Result<Cgroup> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut group = Cgroup {
            dirs: Vec::new(),
            v2: matches!(self.kind, Kind::V2 { .. }),
        };
        for base in self.bases() {
            std::fs::create_dir_all(base)?;
            let dir = base.join(&name);
            std::fs::create_dir(&dir)?;
            group.dirs.push(dir);
        }
        let set = |dir: &Path, file: &str, value: String| {
            std::fs::write(dir.join(file), value)
                .map_err(|e| io::Error::new(e.kind(), format!("failed to set {file}: {e}")))
        };
        match &self.kind {
            Kind::V2 { .. } => {
                let dir = &group.dirs[0];
                set(dir, "memory.max", limits.memory.to_string())?;
                // Absent where the kernel has no swap accounting.
                let _ = set(dir, "memory.swap.max", "0".into());
                set(dir, "pids.max", limits.processes.to_string())?;
            }
            Kind::V1 { .. } => {
                let (memory, pids) = (&group.dirs[0], &group.dirs[1]);
                set(memory, "memory.limit_in_bytes", limits.memory.to_string())?;
                // Absent where swap is not accounted; then there is no swap to use.
                let _ = set(
                    memory,
                    "memory.memsw.limit_in_bytes",
                    limits.memory.to_string(),
                );
                set(pids, "pids.max", limits.processes.to_string())?;
            }
        }
        Ok(group)
    }

    /// Removes the groups of graders that no longer run (killed before they
    /// could clean up), killing anything still inside.
    fn remove_stale(&self) {
        for base in self.bases() {
            let Ok(entries) = std::fs::read_dir(base) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(pid) = name.to_str().and_then(|n| n.split('-').next()) else {
                    continue;
                };
                let alive = Path::new("/proc").join(pid).exists();
                if !alive && entry.path().is_dir() {
                    let stale = Cgroup {
                        dirs: vec![entry.path()],
                        v2: matches!(self.kind, Kind::V2 { .. }),
                    };
                    drop(stale);
                }
            }
        }
    }
}

impl Cgroup {
    /// The `cgroup.procs` files a process writes its pid to, to join.
    pub fn procs_files(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }

    /// Every process in the group.
    pub fn pids(&self) -> Vec<i32> {
        let mut pids = BTreeSet::new();
        for file in self.procs_files() {
            if let Ok(text) = std::fs::read_to_string(file) {
                pids.extend(text.lines().filter_map(|l| l.trim().parse::<i32>().ok()));
            }
        }
        pids.into_iter().collect()
    }

    /// How often the kernel's out-of-memory killer acted in the group.
    pub fn oom_kills(&self) -> u64 {
        let (file, key) = if self.v2 {
            ("memory.events", "oom_kill")
        } else {
            ("memory.oom_control", "oom_kill")
        };
        std::fs::read_to_string(self.dirs[0].join(file))
            .ok()
            .and_then(|text| {
                text.lines().find_map(|line| {
                    let (k, v) = line.split_once(' ')?;
                    (k == key).then(|| v.trim().parse().ok())?
                })
            })
            .unwrap_or(0)
    }

    /// Kills every process in the group and waits (boundedly) until it is
    /// empty. Nothing in it can fork meanwhile: v2 kills atomically, and on
    /// v1 the process limit drops to zero first.
    pub fn kill_all(&self) {
        if self.v2 {
            let _ = std::fs::write(self.dirs[0].join("cgroup.kill"), "1");
        } else {
            for dir in &self.dirs {
                let _ = std::fs::write(dir.join("pids.max"), "0");
            }
        }
        let give_up = Instant::now() + KILL_PATIENCE;
        loop {
            let pids = self.pids();
            if pids.is_empty() || Instant::now() >= give_up {
                return;
            }
            for pid in pids {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        self.kill_all();
        for dir in &self.dirs {
            // Busy for a moment while the last tasks finish exiting.
            for _ in 0..200 {
                match std::fs::remove_dir(dir) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    _ => break,
                }
            }
        }
    }
}

/// The cgroup filesystems mounted, from `/proc/self/mountinfo`.
#[derive(Debug, Default)]
struct Mounts {
    unified: Option<PathBuf>,
    /// (mount point, controllers it carries)
    v1: Vec<(PathBuf, Vec<String>)>,
}

impl Mounts {
    fn parse(mountinfo: &str) -> Mounts {
        let mut mounts = Mounts::default();
        for line in mountinfo.lines() {
            // `id parent major:minor root mount-point options ... - fstype source super-options`
            let Some((left, right)) = line.split_once(" - ") else {
                continue;
            };
            let fields: Vec<&str> = left.split(' ').collect();
            let right: Vec<&str> = right.split(' ').collect();
            let (Some(point), Some(fstype)) = (fields.get(4), right.first()) else {
                continue;
            };
            let point = PathBuf::from(unescape(point));
            match *fstype {
                "cgroup2" if mounts.unified.is_none() => mounts.unified = Some(point),
                "cgroup" => {
                    let options = right.get(2).copied().unwrap_or_default();
                    let controllers = options.split(',').map(str::to_owned).collect();
                    mounts.v1.push((point, controllers));
                }
                _ => {}
            }
        }
        mounts
    }

    fn v1(&self, controller: &str) -> Option<&Path> {
        self.v1
            .iter()
            .find(|(_, cs)| cs.iter().any(|c| c == controller))
            .map(|(p, _)| p.as_path())
    }
}

/// mountinfo escapes spaces and the like as `\040`.
fn unescape(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let code: String = chars.by_ref().take(3).collect();
            match u8::from_str_radix(&code, 8) {
                Ok(byte) => out.push(char::from(byte)),
                Err(_) => {
                    out.push('\\');
                    out.push_str(&code);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The grader's group in each hierarchy, from `/proc/self/cgroup`
/// (`3:memory:/path`; v2 is `0::/path`, keyed by `""`).
fn memberships(text: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), Some(c)) => (a, b, c),
            _ => continue,
        };
        if controllers.is_empty() {
            out.insert(String::new(), path.to_owned());
        }
        for controller in controllers.split(',').filter(|c| !c.is_empty()) {
            out.insert(controller.to_owned(), path.to_owned());
        }
    }
    out
}

/// Where to make v2 groups: under the nearest group above the grader's own
/// that hands `memory` and `pids` to its children (a group cannot both hold
/// processes and enable controllers, so the grader's own group serves only
/// when it is the root). Failing that, in a delegated group of the
/// grader's own, the grader first moves itself into a leaf `grader/`.
fn v2_base(mount: &Path, own: Option<&str>) -> Result<PathBuf, String> {
    let own = own.ok_or("the grader's v2 group is unknown")?;
    let own_dir = mount.join(own.trim_start_matches('/'));
    let controllers = |dir: &Path, file: &str| -> bool {
        std::fs::read_to_string(dir.join(file)).is_ok_and(|text| {
            let set: Vec<&str> = text.split_whitespace().collect();
            set.contains(&"memory") && set.contains(&"pids")
        })
    };
    let enable = |dir: &Path| std::fs::write(dir.join("cgroup.subtree_control"), "+memory +pids");
    let mut candidate = if own_dir == mount {
        Some(own_dir.clone())
    } else {
        own_dir.parent().map(Path::to_path_buf)
    };
    while let Some(dir) = candidate {
        if !dir.starts_with(mount) {
            break;
        }
        if controllers(&dir, "cgroup.subtree_control") {
            let base = dir.join(BASE);
            if std::fs::create_dir_all(&base).is_ok() && enable(&base).is_ok() {
                return Ok(base);
            }
        }
        candidate = dir.parent().map(Path::to_path_buf);
    }
    // A delegated group: leave it for a leaf so its children may have controllers.
    if controllers(&own_dir, "cgroup.controllers") {
        let leaf = own_dir.join("grader");
        let moved = std::fs::create_dir_all(&leaf)
            .and_then(|()| {
                std::fs::write(leaf.join("cgroup.procs"), std::process::id().to_string())
            })
            .and_then(|()| enable(&own_dir));
        let base = own_dir.join(BASE);
        if moved.is_ok() && std::fs::create_dir_all(&base).is_ok() && enable(&base).is_ok() {
            return Ok(base);
        }
    }
    Err("no group the grader may create children in has the memory and pids controllers".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_gives_each_hierarchy_its_mount_point() {
        let mounts = Mounts::parse(
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n\
             35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n\
             32 31 0:29 / /sys/fs/cgroup/cpu\\040x rw,relatime - cgroup cgroup rw,cpu,cpuacct\n\
             40 31 0:37 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n\
             41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
        );
        assert_eq!(
            mounts.v1("memory"),
            Some(Path::new("/sys/fs/cgroup/memory"))
        );
        assert_eq!(
            mounts.v1("cpuacct"),
            Some(Path::new("/sys/fs/cgroup/cpu x"))
        );
        assert_eq!(mounts.v1("freezer"), None);
        assert_eq!(
            mounts.unified.as_deref(),
            Some(Path::new("/sys/fs/cgroup/unified"))
        );
    }

    #[test]
    fn memberships_are_read_per_controller() {
        let own = memberships("9:name=systemd:/\n4:memory:/a/b\n1:cpu,cpuacct:/\n0::/user.slice\n");
        assert_eq!(own["memory"], "/a/b");
        assert_eq!(own["cpuacct"], "/");
        assert_eq!(own[""], "/user.slice");
    }

    /// A fake v2 tree: the grader in a leaf service whose parent slice hands
    /// out memory and pids, as systemd sets up.
    #[test]
    fn v2_groups_go_under_the_nearest_ancestor_that_hands_out_the_controllers() {
        let root = tempfile::tempdir().unwrap();
        let mount = root.path();
        let slice = mount.join("system.slice");
        let service = slice.join("grader.service");
        std::fs::create_dir_all(&service).unwrap();
        std::fs::write(slice.join("cgroup.subtree_control"), "cpu memory pids").unwrap();
        std::fs::write(service.join("cgroup.subtree_control"), "").unwrap();
        let base = v2_base(mount, Some("/system.slice/grader.service")).unwrap();
        assert_eq!(base, slice.join(BASE));
        assert_eq!(
            std::fs::read_to_string(base.join("cgroup.subtree_control")).unwrap(),
            "+memory +pids"
        );
    }

    #[test]
    fn v2_without_the_controllers_anywhere_is_refused_with_a_reason() {
        let root = tempfile::tempdir().unwrap();
        let service = root.path().join("a.service");
        std::fs::create_dir_all(&service).unwrap();
        std::fs::write(root.path().join("cgroup.subtree_control"), "cpu").unwrap();
        let err = v2_base(root.path(), Some("/a.service")).unwrap_err();
        assert!(err.contains("memory and pids"), "{err}");
    }
}
