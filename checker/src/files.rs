//! Listing files under a directory, for the course's own trees (the
//! submission's are read by `grade::intake`, which refuses links).

use std::path::{Path, PathBuf};

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
