//! `checker new NN_name`: scaffolds an exercise so that `checker verify`
//! then lists exactly what the author still has to write.

use std::path::{Path, PathBuf};

use crate::verify::is_exercise_name;

/// Where `checker new` adds an exercise's entry in the catalog: the line
/// it inserts above, inside `course!`.
pub const CATALOG_MARKER: &str = "// `checker new` adds exercises above this line.";

/// The catalog's file, from the course root.
const CATALOG: &str = "checker/src/catalog.rs";

/// The grading runner's manifest, from the course root.
const RUNNER: &str = "checker/runner/Cargo.toml";
const OWN_RUNNER: &str = "checker/own-runner/Cargo.toml";

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
    /// The catalog or the runner's manifest is not as `checker new` can edit it.
    #[error("failed to add the exercise to {path}: {why}")]
    Wiring {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A file could not be read or written.
    #[error("failed to write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Creates the exercise's crate, stub, README, checks.yaml, reference
/// solution, checks module and fixture folder under `course`, and wires it
/// in the two shared files: its entry in the catalog's `course!` and its
/// dependency in the grading runner's manifest. Returns the files made or
/// changed. Nothing is written unless all of it can be.
pub fn scaffold(course: &Path, name: &str) -> Result<Vec<PathBuf>, ScaffoldError> {
    if !is_exercise_name(name) {
        return Err(ScaffoldError::Name(name.to_owned()));
    }
    let crate_name = name.split_once('_').map(|(_, c)| c).unwrap_or(name);
    let dir = course.join("exercises").join(name);
    if dir.exists() {
        return Err(ScaffoldError::Exists(dir));
    }
    let checks_module = course
        .join("checker/src/exercises")
        .join(format!("{crate_name}.rs"));
    if checks_module.exists() {
        return Err(ScaffoldError::Exists(checks_module));
    }
    let catalog = with_catalog_entry(course, name, crate_name)?;
    let runner = with_runner_dependency(course, RUNNER, name, crate_name, false)?;
    let own_runner = with_runner_dependency(course, OWN_RUNNER, name, crate_name, true)?;
    let stub = format!(
        "//! Exercise {name}. The task is in `README.md`; run the checks with\n\
         //! `cargo test -p {crate_name}`.\n\n\
         /// TODO (author): the exercise's function, with the signature README.md gives\n\
         /// (and its shape in the catalog, checker/src/catalog.rs).\n\
         pub async fn {crate_name}() {{\n    todo!(\"implement {crate_name}\")\n}}\n"
    );
    let files = [
        (dir.join("Cargo.toml"), cargo_toml(crate_name)),
        (dir.join("README.md"), readme(name, crate_name)),
        (dir.join("src/lib.rs"), stub.clone()),
        (dir.join("tests/checks.rs"), harness(crate_name)),
        (
            dir.join("checks.yaml"),
            format!(
                "# The checks of {name}; see CONTRIBUTING.md for every key.\n\
                 format-version: 1\ntitle: \"{crate_name}: TODO (author)\"\nchecks: []\n"
            ),
        ),
        (course.join("solutions").join(name).join("src/lib.rs"), stub),
        (checks_module, checks_module_text(name, crate_name)),
        (
            course.join("tests/fixtures").join(name).join("README.md"),
            format!(
                "Wrong solutions of {name}, one mistake each, each declaring the checks it\n\
                 fails (`//! fails: a, b`); see CONTRIBUTING.md, \"Add a fixture\".\n"
            ),
        ),
        (course.join(CATALOG), catalog),
        (course.join(RUNNER), runner),
        (course.join(OWN_RUNNER), own_runner),
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

/// The catalog with the new exercise's entry above [`CATALOG_MARKER`]: no
/// earlier exercises called, no case vocabulary, and the stub's shape.
fn with_catalog_entry(
    course: &Path,
    name: &str,
    crate_name: &str,
) -> Result<String, ScaffoldError> {
    let path = course.join(CATALOG);
    let text = read(&path)?;
    let wiring = |why: String| ScaffoldError::Wiring {
        path: path.clone(),
        why,
    };
    let declared = format!("\" {crate_name} =>");
    if text.contains(&declared) {
        return Err(wiring(format!(
            "it declares a crate named {crate_name} already"
        )));
    }
    let Some(at) = text.find(CATALOG_MARKER) else {
        return Err(wiring(format!(
            "it has no line {CATALOG_MARKER:?} inside course! to insert above"
        )));
    };
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..at];
    let variant = camel_case(crate_name);
    let entry = [
        format!("/// `{name}`: TODO (author): what it teaches (which lesson)."),
        format!("\"{name}\" {crate_name} => {variant} {{"),
        "    calls: [],".to_owned(),
        "    cases: none,".to_owned(),
        format!("    {crate_name}: {{ async fn() -> () }},"),
        "}".to_owned(),
    ];
    let entry: String = entry.iter().map(|l| format!("{indent}{l}\n")).collect();
    Ok(format!(
        "{}{entry}{}",
        &text[..line_start],
        &text[line_start..]
    ))
}

/// A runner's manifest with the exercise among its dependencies, which
/// is its whole wiring into `checker grade` (the runner's build.rs does the
/// rest), or, `optional`, into `cargo test -p`'s own-runner.
fn with_runner_dependency(
    course: &Path,
    manifest: &str,
    name: &str,
    crate_name: &str,
    optional: bool,
) -> Result<String, ScaffoldError> {
    let path = course.join(manifest);
    let text = read(&path)?;
    let wiring = |why: String| ScaffoldError::Wiring {
        path: path.clone(),
        why,
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| wiring(format!("{e}")))?;
    let Some(deps) = doc
        .get_mut("dependencies")
        .and_then(toml_edit::Item::as_table_like_mut)
    else {
        return Err(wiring("it has no [dependencies] table".to_owned()));
    };
    if deps.contains_key(crate_name) {
        return Err(wiring(format!(
            "it depends on a crate named {crate_name} already"
        )));
    }
    let mut dep = toml_edit::InlineTable::new();
    dep.insert("path", format!("../../exercises/{name}").into());
    if optional {
        dep.insert("optional", true.into());
    }
    deps.insert(crate_name, toml_edit::value(dep));
    Ok(doc.to_string())
}

fn read(path: &Path) -> Result<String, ScaffoldError> {
    std::fs::read_to_string(path).map_err(|source| ScaffoldError::Io {
        path: path.to_owned(),
        source,
    })
}

/// `scratch_race` → `ScratchRace`: the exercise's `Subject` variant.
fn camel_case(crate_name: &str) -> String {
    crate_name
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
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
path = "src/lib.rs"
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

fn harness(crate_name: &str) -> String {
    let args = format!("checker::link!({crate_name}, {crate_name}), env!(\"CARGO_MANIFEST_DIR\")");
    // As rustfmt lays the call out: on one line while its arguments fit in
    // rustfmt's `fn_call_width` (60), one per line after that.
    let call = if args.len() <= 60 {
        format!("    checker::student::main({args})\n")
    } else {
        format!(
            "    checker::student::main(\n        checker::link!({crate_name}, {crate_name}),\n        \
             env!(\"CARGO_MANIFEST_DIR\"),\n    )\n"
        )
    };
    format!(
        "//! The course's checks for this exercise: `cargo test -p {crate_name}`.\n\
         //! This file is the course's; edit `src/` only.\n\n\
         fn main() -> std::process::ExitCode {{\n{call}}}\n"
    )
}

fn checks_module_text(name: &str, crate_name: &str) -> String {
    let variant = camel_case(crate_name);
    format!(
        "//! Checks of `{name}`.\n\n\
         use crate::check::Check;\n\n\
         /// Every check of the exercise, hidden ones included; `checks.yaml` lists\n\
         /// each with its points.\n\
         ///\n\
         /// TODO (author): write them as the other exercises' modules do: each a\n\
         /// `Check::runtime(id, title, hint, run, judge)` whose `run` calls\n\
         /// `subject.{crate_name}` under paused time (`crate::scenario::paused` and `call`)\n\
         /// and whose judge's `Verdict` names the call, what came back and what was\n\
         /// expected. Until then `checker verify` and `cargo test -p {crate_name}` say\n\
         /// the exercise has no checks.\n\
         pub(crate) fn checks(subject: crate::subject::{variant}) -> Vec<Check> {{\n    \
         let _ = subject.{crate_name};\n    \
         Vec::new()\n}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A course with the repository's own catalog and runner manifest.
    fn course() -> tempfile::TempDir {
        let course = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for file in [CATALOG, RUNNER, OWN_RUNNER] {
            let to = course.path().join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(repo.join(file), to).unwrap();
        }
        course
    }

    #[test]
    fn a_new_exercise_is_declared_in_the_catalog_and_linked_by_the_runner() {
        let course = course();
        let made = scaffold(course.path(), "98_scratch_race").unwrap();
        assert_eq!(made.len(), 11);

        let catalog = std::fs::read_to_string(course.path().join(CATALOG)).unwrap();
        let entry = "            \"98_scratch_race\" scratch_race => ScratchRace {\n                calls: [],\n                cases: none,\n                scratch_race: { async fn() -> () },\n            }\n            // `checker new` adds exercises above this line.";
        assert!(catalog.contains(entry), "{catalog}");

        let runner: toml_edit::DocumentMut = std::fs::read_to_string(course.path().join(RUNNER))
            .unwrap()
            .parse()
            .unwrap();
        let path = runner["dependencies"]["scratch_race"]["path"].as_str();
        assert_eq!(path, Some("../../exercises/98_scratch_race"));
        let own: toml_edit::DocumentMut = std::fs::read_to_string(course.path().join(OWN_RUNNER))
            .unwrap()
            .parse()
            .unwrap();
        let dep = &own["dependencies"]["scratch_race"];
        assert_eq!(
            dep["path"].as_str(),
            Some("../../exercises/98_scratch_race")
        );
        assert_eq!(dep["optional"].as_bool(), Some(true));
        let module = course.path().join("checker/src/exercises/scratch_race.rs");
        let module = std::fs::read_to_string(module).unwrap();
        assert!(module.contains("fn checks(subject: crate::subject::ScratchRace) -> Vec<Check>"));
    }

    #[test]
    fn nothing_is_written_when_the_wiring_cannot_be() {
        let course = course();
        let catalog = course.path().join(CATALOG);
        let text = std::fs::read_to_string(&catalog).unwrap();
        std::fs::write(&catalog, text.replace(CATALOG_MARKER, "")).unwrap();
        let err = scaffold(course.path(), "98_scratch_race").unwrap_err();
        assert!(matches!(err, ScaffoldError::Wiring { .. }), "{err}");
        assert!(!course.path().join("exercises/98_scratch_race").exists());

        // An exercise under a new number but an existing crate name.
        let course = self::course();
        let err = scaffold(course.path(), "08_wait_n").unwrap_err();
        assert!(matches!(err, ScaffoldError::Wiring { .. }), "{err}");
    }

    #[test]
    fn harnesses_are_laid_out_as_rustfmt_lays_them_out() {
        assert!(
            harness("hello")
                .contains("    checker::student::main(checker::link!(hello, hello), env!")
        );
        assert!(
            harness("measure_runtime")
                .contains("main(\n        checker::link!(measure_runtime, measure_runtime),\n")
        );
    }
}
