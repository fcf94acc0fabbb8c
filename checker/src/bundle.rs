//! `checker bundle gradescope`: the course as a Gradescope autograder zip.
//!
//! ```text
//! setup.sh         installs the toolchain and bubblewrap, builds the
//!                  grader, warms the build cache (runs once, as root)
//! run_autograder   grades /autograder/submission into
//!                  /autograder/results/results.json (runs per submission)
//! course/          the grader's copy of the course: every check, hidden
//!                  ones too; no solutions, fixtures or project tests
//! ```
//!
//! Gradescope unpacks the zip into `/autograder/source` on its Ubuntu 22.04
//! base image, runs `setup.sh` there, and copies `run_autograder` to
//! `/autograder/`. The scripts are `templates/gradescope/`.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::export::{Copy, ExportError, export_copy};
use crate::files::files_under;

const SETUP: &str = include_str!("../templates/gradescope/setup.sh");
const RUN: &str = include_str!("../templates/gradescope/run_autograder");

/// Why no bundle was written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The course could not be copied.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The zip could not be written.
    #[error("failed to write {path}: {message}")]
    Zip {
        /// The zip.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Writes the autograder zip of `course` to `out`; returns how many files
/// it holds.
pub fn gradescope(course: &Path, out: &Path) -> Result<usize, BundleError> {
    let staging = tempdir_beside(out)?;
    let result = write_zip(course, &staging, out);
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn write_zip(course: &Path, staging: &Path, out: &Path) -> Result<usize, BundleError> {
    let copy = staging.join("course");
    export_copy(course, &copy, Copy::Grader)?;
    let err = |message: String| BundleError::Zip {
        path: out.to_path_buf(),
        message,
    };
    let toolchain = crate::classroom::rustc_version().unwrap_or_else(|| "stable".to_owned());

    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // Fixed times: the same course makes the same zip.
    let base = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    let mut count = 0;
    let mut add = |name: &str, bytes: &[u8], mode: u32| -> Result<(), BundleError> {
        zip.start_file(name, base.unix_permissions(mode))
            .map_err(|e| err(e.to_string()))?;
        zip.write_all(bytes).map_err(|e| err(e.to_string()))?;
        count += 1;
        Ok(())
    };
    add(
        "setup.sh",
        SETUP.replace("{{TOOLCHAIN}}", &toolchain).as_bytes(),
        0o755,
    )?;
    add("run_autograder", RUN.as_bytes(), 0o755)?;
    for file in files_under(&copy) {
        let rel = file.strip_prefix(staging).expect("under staging");
        let bytes = std::fs::read(&file).map_err(|e| err(format!("{}: {e}", file.display())))?;
        add(&rel.to_string_lossy(), &bytes, 0o644)?;
    }
    let bytes = zip.finish().map_err(|e| err(e.to_string()))?.into_inner();
    crate::files::write_atomically(out, bytes).map_err(|e| err(e.to_string()))?;
    Ok(count)
}

/// A fresh directory beside `out` for the course copy.
fn tempdir_beside(out: &Path) -> Result<PathBuf, BundleError> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = dir.join(format!(".bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| BundleError::Zip {
        path: out.to_path_buf(),
        message: format!("{}: {e}", staging.display()),
    })?;
    Ok(staging)
}
