//! `checker init github-classroom`: the workflow that makes a student
//! repository grade itself in GitHub Actions and report to GitHub
//! Classroom (`templates/classroom.yml`).
//!
//! The checks are the course repository's at one commit, checked out beside
//! the submission, so a student editing tests or the checker in their own
//! repository changes nothing; the grade step's `result` goes to the
//! reporter action (see [`crate::report::classroom`]).
//!
//! Everything the workflow can read, the student can read too (they can
//! edit the workflow), so the course repository it names should be the
//! student copy (`checker export --student`), which has no solutions.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workflow, with `{{COURSE_REPO}}`, `{{COURSE_REF}}` and `{{TOOLCHAIN}}`
/// to fill in.
const TEMPLATE: &str = include_str!("../templates/classroom.yml");
/// Where GitHub Classroom looks for it.
pub const WORKFLOW: &str = ".github/workflows/classroom.yml";

/// Why no workflow was written.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The course repository could not be told from `origin`.
    #[error(
        "failed to find the course repository on GitHub: {0}\nhint: pass --course-repo OWNER/NAME"
    )]
    Repo(String),
    /// The course commit could not be told.
    #[error(
        "failed to find the course's commit: {0}\nhint: pass --course-ref SHA (a full commit hash)"
    )]
    Ref(String),
    /// The workflow exists.
    #[error("{0} exists\nhint: pass --force to replace it")]
    Exists(PathBuf),
    /// It could not be written.
    #[error("failed to write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The course the workflow grades with: a GitHub repository at a commit,
/// built with one toolchain.
#[derive(Clone, Debug, PartialEq)]
pub struct Pin {
    /// `OWNER/NAME`.
    pub repo: String,
    /// A full commit hash.
    pub commit: String,
    /// The Rust version to build with, e.g. `1.95.0`.
    pub toolchain: String,
}

impl Pin {
    /// The pin for the course at `course`: the given repository and commit,
    /// else its `origin` remote and `HEAD`; the toolchain is the one that
    /// builds here, so the workflow grades as this machine does.
    pub fn find(
        course: &Path,
        repo: Option<String>,
        commit: Option<String>,
    ) -> Result<Pin, InitError> {
        let repo = match repo {
            Some(repo) => repo,
            None => {
                let url = git(course, &["remote", "get-url", "origin"]).map_err(InitError::Repo)?;
                github_repo(&url)
                    .ok_or_else(|| InitError::Repo(format!("origin is {url}, not a GitHub URL")))?
            }
        };
        if !valid_repo(&repo) {
            return Err(InitError::Repo(format!("{repo:?} is not OWNER/NAME")));
        }
        let commit = match commit {
            Some(commit) => commit,
            None => git(course, &["rev-parse", "HEAD"]).map_err(InitError::Ref)?,
        };
        if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(InitError::Ref(format!(
                "{commit:?} is not a full commit hash (a branch or tag can move)"
            )));
        }
        let toolchain = rustc_version().unwrap_or_else(|| "stable".to_owned());
        Ok(Pin {
            repo,
            commit: commit.to_ascii_lowercase(),
            toolchain,
        })
    }
}

/// The workflow for `pin`.
pub fn workflow(pin: &Pin) -> String {
    TEMPLATE
        .replace("{{COURSE_REPO}}", &pin.repo)
        .replace("{{COURSE_REF}}", &pin.commit)
        .replace("{{TOOLCHAIN}}", &pin.toolchain)
}

/// Writes the workflow into the repository at `repo`; returns its path.
pub fn init(repo: &Path, pin: &Pin, force: bool) -> Result<PathBuf, InitError> {
    let path = repo.join(WORKFLOW);
    if path.exists() && !force {
        return Err(InitError::Exists(path));
    }
    let io = |source| InitError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(path.parent().expect("a workflow has a folder")).map_err(io)?;
    crate::files::write_atomically(&path, workflow(pin)).map_err(io)?;
    Ok(path)
}

/// The Rust version that builds here: `1.95.0` from `rustc 1.95.0
/// (59807616e 2026-04-14)`.
pub(crate) fn rustc_version() -> Option<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    version
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.')
        .then(|| version.to_owned())
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `OWNER/NAME` of a GitHub remote URL (https or ssh, with or without `.git`).
fn github_repo(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("git@github.com:"))
        .or_else(|| url.strip_prefix("ssh://git@github.com/"))?;
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    valid_repo(rest).then(|| rest.to_owned())
}

/// GitHub's owner and repository name characters, one slash.
fn valid_repo(repo: &str) -> bool {
    let mut parts = repo.split('/');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_name_their_repository() {
        for url in [
            "https://github.com/acme/async-course.git",
            "git@github.com:acme/async-course.git",
            "ssh://git@github.com/acme/async-course",
        ] {
            assert_eq!(
                github_repo(url).as_deref(),
                Some("acme/async-course"),
                "{url}"
            );
        }
        assert_eq!(github_repo("https://gitlab.com/acme/x"), None);
        assert!(!valid_repo("acme/x; rm -rf /"));
    }
}
