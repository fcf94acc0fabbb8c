//! Files the grader reads from the course and writes for its users (the
//! submission's are read by `grade::intake`, which refuses links).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` beside `path` and renames, so readers (and a rerun after
/// the grader was killed) never see half a file.
pub fn write_atomically(path: &Path, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other(format!("{} needs a file name", path.display())))?;
    // Unique per process and per write: class gradings write from threads.
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Every regular file under `dir`, sorted, skipping `target/` build output
/// and not following links; none if `dir` does not exist.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && e.file_name() == "target"))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a course that itself lives under a `target/` directory
    /// (as the test suite's copies do) lost every file to the build-output
    /// filter, which looked at the whole path.
    #[test]
    fn only_target_directories_below_the_root_are_skipped() {
        let root = std::env::temp_dir().join(format!("files-test-{}", std::process::id()));
        let course = root.join("target/copy");
        for file in ["src/lib.rs", "target/debug/junk", "nested/target/more"] {
            std::fs::create_dir_all(course.join(file).parent().unwrap()).unwrap();
            std::fs::write(course.join(file), "x").unwrap();
        }
        let found: Vec<_> = files_under(&course)
            .iter()
            .map(|p| p.strip_prefix(&course).unwrap().to_owned())
            .collect();
        assert_eq!(found, [Path::new("src/lib.rs")]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
