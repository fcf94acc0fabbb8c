//! Generates the module list of every reference solution, stub and fixture,
//! so adding a fixture is adding a file.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = here.parent().unwrap().to_path_buf();
    let mut modules = String::new();
    let mut entries = String::new();

    for (group, kind, dir) in [
        ("solutions", "Solution", root.join("solutions")),
        ("stubs", "Stub", root.join("exercises")),
    ] {
        println!("cargo::rerun-if-changed={}", dir.display());
        writeln!(modules, "pub mod {group} {{").unwrap();
        for exercise in sorted_dirs(&dir) {
            let file = exercise.join("src/lib.rs");
            println!("cargo::rerun-if-changed={}", file.display());
            let id = name(&exercise);
            let module = format!("e{id}");
            writeln!(modules, "    #[path = {file:?}]\n    pub mod {module};").unwrap();
            entry(
                &mut entries,
                kind,
                &id,
                "reference",
                &root,
                &file,
                &format!("{group}::{module}"),
            );
        }
        writeln!(modules, "}}").unwrap();
    }

    let fixtures = here.join("fixtures");
    println!("cargo::rerun-if-changed={}", fixtures.display());
    writeln!(
        modules,
        "#[allow(warnings, clippy::all)]\npub mod fixtures {{"
    )
    .unwrap();
    for exercise in sorted_dirs(&fixtures) {
        println!("cargo::rerun-if-changed={}", exercise.display());
        let id = name(&exercise);
        let mut files: Vec<_> = std::fs::read_dir(&exercise)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        for file in files {
            println!("cargo::rerun-if-changed={}", file.display());
            let fixture = file.file_stem().unwrap().to_string_lossy().into_owned();
            let module = format!("e{id}__{fixture}");
            writeln!(modules, "    #[path = {file:?}]\n    pub mod {module};").unwrap();
            entry(
                &mut entries,
                "Fixture",
                &id,
                &fixture,
                &root,
                &file,
                &format!("fixtures::{module}"),
            );
        }
    }
    writeln!(modules, "}}").unwrap();

    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("registry.rs");
    let code = format!(
        "{modules}\n/// Every solution, stub and fixture.\npub fn entries() -> Vec<Entry> {{\n    vec![\n{entries}    ]\n}}\n"
    );
    std::fs::write(out, code).unwrap();
}

fn entry(
    out: &mut String,
    kind: &str,
    id: &str,
    name: &str,
    root: &Path,
    file: &Path,
    module: &str,
) {
    let crate_name = id.split_once('_').map(|(_, c)| c).unwrap_or(id);
    let rel = file.strip_prefix(root).unwrap().to_string_lossy();
    writeln!(
        out,
        "        Entry {{ kind: Kind::{kind}, exercise: {id:?}, name: {name:?}, path: {rel:?}, \
         source: include_str!({file:?}), subject: subject!({crate_name}, crate::{module}) }},"
    )
    .unwrap();
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}
