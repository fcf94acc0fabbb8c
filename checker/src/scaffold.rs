//! `checker new NN_name`: scaffolds an exercise so that `checker verify`
//! then lists exactly what the author still has to write.

use std::path::{Path, PathBuf};

use crate::verify::is_exercise_name;

/// Why an exercise could not be scaffolded.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The name is not `NN_snake_case`.
    #[error(
        "failed to use {0:?} as an exercise name\nhint: write two digits, an underscore and the crate name in snake_case, e.g. 08_gather_all"
    )]
    Name(String),
    /// The exercise exists already.
    #[error("failed to create {0}: it exists already")]
    Exists(PathBuf),
    /// A file could not be written.
    #[error("failed to write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Creates the exercise's crate, stub, README, checks.yaml, reference
/// solution file and fixture folder under `course`; returns the files made.
pub fn scaffold(course: &Path, name: &str) -> Result<Vec<PathBuf>, ScaffoldError> {
    if !is_exercise_name(name) {
        return Err(ScaffoldError::Name(name.to_owned()));
    }
    let crate_name = name.split_once('_').map(|(_, c)| c).unwrap_or(name);
    let dir = course.join("exercises").join(name);
    if dir.exists() {
        return Err(ScaffoldError::Exists(dir));
    }
    let stub = format!(
        "//! Exercise {name}. The task is in `README.md`; run the checks with\n\
         //! `cargo test -p {crate_name}`.\n\n\
         /// TODO (author): the exercise's function, with the signature README.md gives.\n\
         pub async fn {crate_name}() {{\n    todo!(\"implement {crate_name}\")\n}}\n"
    );
    let files = [
        (dir.join("Cargo.toml"), cargo_toml(crate_name)),
        (dir.join("README.md"), readme(name, crate_name)),
        (dir.join("src/lib.rs"), stub.clone()),
        (dir.join("tests/checks.rs"), harness(name, crate_name)),
        (
            dir.join("checks.yaml"),
            format!(
                "# The checks of {name}; see CONTRIBUTING.md for every key.\n\
                 format-version: 1\ntitle: \"{crate_name}: TODO (author)\"\nchecks: []\n"
            ),
        ),
        (course.join("solutions").join(name).join("src/lib.rs"), stub),
        (
            course.join("tests/fixtures").join(name).join("README.md"),
            format!(
                "Wrong solutions of {name}, one mistake each, each declaring the checks it\n\
                 fails (`//! fails: a, b`); see CONTRIBUTING.md, \"Add a fixture\".\n"
            ),
        ),
    ];
    let mut made = Vec::new();
    for (path, text) in files {
        let io = |source| ScaffoldError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(path.parent().expect("files have parents")).map_err(io)?;
        std::fs::write(&path, text).map_err(io)?;
        made.push(path);
    }
    Ok(made)
}

fn cargo_toml(crate_name: &str) -> String {
    format!(
        r#"[package]
name = "{crate_name}"
version = "0.1.0"
edition.workspace = true
rust-version.workspace = true
publish.workspace = true

[lib]
test = false
doctest = false

[dependencies]
# To call an earlier exercise, depend on its probe under the earlier crate's
# name, e.g.: wait_random = {{ package = "probe-wait-random", path = "../../checker/probes/wait_random" }}
tokio.workspace = true
rand.workspace = true
futures.workspace = true
tokio-stream.workspace = true
async-stream.workspace = true

# No `unsafe` anywhere in your code (an `allow` cannot lift `forbid`): the
# grader relies on it to keep checks honest (README.md, "Sandbox").
[lints]
workspace = true

[dev-dependencies]
checker.workspace = true

# `cargo test -p {crate_name}` runs the course's checks for this exercise.
[[test]]
name = "checks"
harness = false
"#
    )
}

fn readme(name: &str, crate_name: &str) -> String {
    format!(
        "# {name}\n\n**What you learn:** TODO (author).\n\n## The task\n\nTODO (author): the task as a student \
         reads it, with the Python original's wording where there is one.\n\n## Signature\n\n```rust\n\
         pub async fn {crate_name}() // TODO (author)\n```\n\n## Example\n\n```rust,ignore\nTODO (author)\n```\n\n\
         ## Check your work\n\n```sh\ncargo test -p {crate_name}\n```\n\nEdit only `src/`: the grader takes nothing \
         else from your work.\n"
    )
}

fn harness(name: &str, crate_name: &str) -> String {
    format!(
        "//! The course's checks for this exercise: `cargo test -p {crate_name}`.\n\
         //! This file is the course's; edit `src/` only.\n\n\
         // TODO (author): once the checker knows this exercise, wire it here like\n\
         // the other exercises do: `checker::student::main(checker::link!({crate_name}, {crate_name}), env!(\"CARGO_MANIFEST_DIR\"))`.\n\
         fn main() -> std::process::ExitCode {{\n    checker::student::unregistered(\"{name}\")\n}}\n"
    )
}
