//! The workspace root `Cargo.toml`, as the copies of the course need it.
//!
//! The grader's build slots and the student export both hold the workspace
//! without its project tests (`tests/`, which compiles fixtures and
//! solutions). Both edit the course's manifest through
//! [`workspace_without`], which parses it with `toml_edit` and rewrites
//! only the two lists it changes, so comments, key order and each list's
//! own layout (one line or many) are kept.

use toml_edit::{Array, DocumentMut, Item, Value};

/// Why the workspace manifest could not be edited.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The text is not TOML.
    #[error("failed to parse the workspace manifest: {0}")]
    Toml(#[from] toml_edit::TomlError),
    /// A key the edit needs has the wrong shape, or the result would be no
    /// workspace cargo accepts.
    #[error("failed to edit the workspace manifest: {key}: {message}")]
    Shape {
        /// Where: `workspace.members[2]`.
        key: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// `manifest` with the members `drop` removed from `[workspace] members`.
///
/// `default-members` stays consistent: a default member that is dropped (or
/// that a dropped glob such as `exercises/*` matches) is dropped from it
/// too, and when none remains the key is removed, so cargo falls back to
/// every member. Every remaining default member must still be a member
/// (equal to one, or matched by one's glob), as cargo requires; otherwise
/// the manifest is refused.
///
/// One rule serves both callers. The student export needs `default-members
/// = ["checker"]` (a bare `cargo test` in the export then tests the
/// checker, not all eight stubs at once), which is what dropping `"tests"`
/// from the course's `["checker", "tests"]` leaves. The grader's slots name
/// every package they build with `-p`, so they need no particular default,
/// only a manifest cargo accepts without the `tests/` directory, which the
/// same edit gives them.
///
/// Entries of `drop` that are not members are no error: a slot rewrites
/// the manifest on every grading, and the result is the same.
///
/// # Errors
///
/// [`ManifestError::Toml`] if `manifest` is not TOML, and
/// [`ManifestError::Shape`] if it has no `[workspace]` table, if `members`
/// or `default-members` is not a list of paths, or if a default member is
/// not a member.
pub fn workspace_without(manifest: &str, drop: &[&str]) -> Result<String, ManifestError> {
    let mut doc: DocumentMut = manifest.parse()?;
    let Some(workspace) = doc.get_mut("workspace").and_then(Item::as_table_like_mut) else {
        return Err(shape(
            "workspace",
            "missing; this is not a workspace manifest",
        ));
    };
    let dropped = |path: &str| {
        drop.iter()
            .any(|d| same_path(d, path) || glob_matches(d, path))
    };

    let members = match workspace.get_mut("members") {
        Some(item) => paths_mut(item, "workspace.members")?,
        None => {
            return Err(shape(
                "workspace.members",
                "missing; list the workspace's crates",
            ));
        }
    };
    retain(members, |m| !drop.iter().any(|d| same_path(d, m)));
    let members: Vec<String> = members
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();

    if let Some(item) = workspace.get_mut("default-members") {
        let defaults = paths_mut(item, "workspace.default-members")?;
        retain(defaults, |m| !dropped(m));
        if let Some((i, stray)) =
            defaults
                .iter()
                .filter_map(Value::as_str)
                .enumerate()
                .find(|(_, d)| {
                    !members
                        .iter()
                        .any(|m| same_path(m, d) || glob_matches(m, d))
                })
        {
            return Err(shape(
                format!("workspace.default-members[{i}]"),
                format!(
                    "{stray:?} is not a member; cargo requires every default member to be one: add it to `members` or remove it here"
                ),
            ));
        }
        if defaults.is_empty() {
            workspace.remove("default-members");
        }
    }
    Ok(doc.to_string())
}

fn shape(key: impl Into<String>, message: impl Into<String>) -> ManifestError {
    ManifestError::Shape {
        key: key.into(),
        message: message.into(),
    }
}

/// `item` as a list of path strings, or the error naming `key`.
fn paths_mut<'a>(item: &'a mut Item, key: &str) -> Result<&'a mut Array, ManifestError> {
    let Some(list) = item.as_array_mut() else {
        return Err(shape(key, "expected a list of paths like [\"checker\"]"));
    };
    if let Some(i) = list.iter().position(|v| v.as_str().is_none()) {
        return Err(shape(format!("{key}[{i}]"), "expected a path as a string"));
    }
    Ok(list)
}

/// Keeps the paths `keep` accepts. The list keeps its layout: when its
/// first or last entry goes, the new first or last takes over the spacing
/// that entry had at the bracket (`["a", "b"]` without `a` is `["b"]`, not
/// `[ "b"]`), unless a comment is involved, which stays with its own entry.
fn retain(list: &mut Array, keep: impl Fn(&str) -> bool) {
    let decor = |v: Option<&Value>| {
        v.map(|v| {
            let d = v.decor();
            (
                d.prefix().and_then(|r| r.as_str()).map(str::to_owned),
                d.suffix().and_then(|r| r.as_str()).map(str::to_owned),
            )
        })
    };
    let (first, _) = decor(list.get(0)).unwrap_or_default();
    let (_, last) = decor(list.iter().last()).unwrap_or_default();
    list.retain(|v| v.as_str().is_some_and(&keep));
    let plain = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.contains('#'));
    if let Some(v) = list.get_mut(0)
        && plain(&first)
        && v.decor()
            .prefix()
            .and_then(|r| r.as_str())
            .is_some_and(|s| !s.contains('#'))
    {
        v.decor_mut().set_prefix(first.unwrap_or_default());
    }
    let n = list.len();
    if let Some(v) = n.checked_sub(1).and_then(|i| list.get_mut(i))
        && plain(&last)
        && v.decor()
            .suffix()
            .and_then(|r| r.as_str())
            .is_some_and(|s| !s.contains('#'))
    {
        v.decor_mut().set_suffix(last.unwrap_or_default());
    }
}

/// The same workspace path, ignoring a leading `./` and trailing `/`.
fn same_path(a: &str, b: &str) -> bool {
    normal(a) == normal(b)
}

fn normal(path: &str) -> &str {
    path.trim_start_matches("./").trim_end_matches('/')
}

/// Whether the member glob `pattern` (`*` within a path component, as
/// cargo's `exercises/*`) matches `path`; a pattern without `*` matches
/// nothing here ([`same_path`] covers that).
fn glob_matches(pattern: &str, path: &str) -> bool {
    if !pattern.contains('*') {
        return false;
    }
    let pattern: Vec<_> = normal(pattern).split('/').collect();
    let path: Vec<_> = normal(path).split('/').collect();
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(p, s)| component_matches(p.as_bytes(), s.as_bytes()))
}

fn component_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| component_matches(rest, &text[i..])),
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, tail)| t == c && component_matches(rest, tail)),
    }
}

/// A probe's manifest (`checker/probes/NAME/Cargo.toml`) as the grader
/// builds it: without the `own-crate` feature, so no probe depends on a
/// student's crate. Refused, so that the grader never builds probes with
/// student code in them, when a dependency on an exercise crate is not
/// optional, or when any feature but `own-crate` would enable one.
pub fn probe_without_own_crate(manifest: &str) -> Result<String, ManifestError> {
    let shape = |key: &str, message: &str| ManifestError::Shape {
        key: key.to_owned(),
        message: message.to_owned(),
    };
    let mut doc: DocumentMut = manifest.parse()?;
    let mut students = Vec::new();
    if let Some(deps) = doc.get("dependencies").and_then(Item::as_table_like) {
        for (name, dep) in deps.iter() {
            let path = dep.get("path").and_then(Item::as_str).unwrap_or_default();
            if path.contains("/exercises/") {
                if !dep.get("optional").and_then(Item::as_bool).unwrap_or(false) {
                    return Err(shape(
                        &format!("dependencies.{name}"),
                        "a probe's dependency on an exercise must be optional, behind own-crate",
                    ));
                }
                students.push(name.to_owned());
            }
        }
    }
    let Some(features) = doc.get_mut("features").and_then(Item::as_table_like_mut) else {
        return Ok(doc.to_string());
    };
    for (feature, enables) in features.iter() {
        if feature == "own-crate" || feature == "default" {
            continue;
        }
        let named = enables
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str());
        if let Some(dep) = named.into_iter().find(|n| {
            students.iter().any(|s| *n == format!("dep:{s}") || n == s) || *n == "own-crate"
        }) {
            return Err(shape(
                &format!("features.{feature}"),
                &format!("only own-crate may enable {dep}"),
            ));
        }
    }
    features.insert("default", Item::Value(Value::Array(Array::new())));
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The course's manifest, in part. Written out, not read from the
    /// repository: these tests also run in the student export, whose
    /// manifest has lost its tests already.
    const COURSE: &str = r#"[workspace]
resolver = "3"
members = ["exercises/*", "checker", "checker/probes/*", "checker/runner", "tests"]
# `cargo test` at the root runs the project's own tests; students run
# `cargo test -p <exercise>`.
default-members = ["checker", "tests"]

[workspace.package]
edition = "2024"

[workspace.dependencies]
tokio = { version = "1.47", features = ["full", "test-util"] }
"#;

    fn without_tests(manifest: &str) -> String {
        workspace_without(manifest, &["tests"]).unwrap()
    }

    fn list(manifest: &str, key: &str) -> Option<Vec<String>> {
        let doc: DocumentMut = manifest.parse().unwrap();
        doc["workspace"].get(key).map(|item| {
            item.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        })
    }

    #[test]
    fn the_course_manifest_loses_its_tests_and_keeps_everything_else() {
        let out = without_tests(COURSE);
        let members = list(&out, "members").unwrap();
        assert!(!members.contains(&"tests".to_owned()), "{out}");
        assert!(members.contains(&"checker".to_owned()), "{out}");
        assert_eq!(list(&out, "default-members").unwrap(), ["checker"]);
        // Only the two lists changed: every other line, comments included.
        let changed: Vec<_> = COURSE
            .lines()
            .zip(out.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(changed.len(), 2, "{changed:#?}");
        assert_eq!(COURSE.lines().count(), out.lines().count());
        assert!(out.contains("# `cargo test` at the root runs the project's own tests"));
    }

    #[test]
    fn a_one_line_list_keeps_its_spacing() {
        let manifest = "[workspace]\nmembers = [\"tests\", \"checker\" ,\"runner\"]  # crates\ndefault-members = [ \"checker\", \"tests\" ]\n";
        assert_eq!(
            without_tests(manifest),
            "[workspace]\nmembers = [\"checker\" ,\"runner\"]  # crates\ndefault-members = [ \"checker\" ]\n"
        );
    }

    /// The line-based edit this replaces matched `, "tests"` on a line
    /// starting `members`, so a list over several lines kept its tests.
    #[test]
    fn a_list_over_several_lines_loses_the_member_and_its_comment() {
        let manifest = "\
[workspace]
resolver = \"3\"
members   =   [
    \"exercises/*\",
    \"checker\",
    # the project's own tests
    \"tests\",
]
default-members=[\"checker\",\"tests\"]

[workspace.package]
edition = \"2024\" # kept
";
        assert_eq!(
            without_tests(manifest),
            "\
[workspace]
resolver = \"3\"
members   =   [
    \"exercises/*\",
    \"checker\",
]
default-members=[\"checker\"]

[workspace.package]
edition = \"2024\" # kept
"
        );
    }

    #[test]
    fn default_members_lose_what_members_lose() {
        let manifest = "[workspace]\nmembers = [\"exercises/*\", \"checker\"]\ndefault-members = [\"exercises/00_wait_random\", \"checker\"]\n";
        let out = workspace_without(manifest, &["exercises/*"]).unwrap();
        assert_eq!(list(&out, "members").unwrap(), ["checker"]);
        assert_eq!(list(&out, "default-members").unwrap(), ["checker"]);
    }

    #[test]
    fn default_members_that_would_be_empty_are_removed() {
        let manifest =
            "[workspace]\nmembers = [\"checker\", \"./tests/\"]\ndefault-members = [\"tests\"]\n";
        let out = without_tests(manifest);
        assert_eq!(list(&out, "members").unwrap(), ["checker"]);
        assert_eq!(list(&out, "default-members"), None, "{out}");
    }

    #[test]
    fn a_manifest_without_the_member_is_unchanged() {
        let out = without_tests(COURSE);
        assert_eq!(without_tests(&out), out);
    }

    #[test]
    fn a_broken_manifest_is_refused_saying_where() {
        let table: &[(&str, &str)] = &[
            (
                "[workspace\nmembers = []\n",
                "failed to parse the workspace manifest: TOML parse error at line 1",
            ),
            (
                "[package]\nname = \"x\"\n",
                "workspace: missing; this is not a workspace manifest",
            ),
            (
                "[workspace]\nresolver = \"3\"\n",
                "workspace.members: missing",
            ),
            (
                "[workspace]\nmembers = \"checker\"\n",
                "workspace.members: expected a list of paths",
            ),
            (
                "[workspace]\nmembers = [\"checker\", 3]\n",
                "workspace.members[1]: expected a path as a string",
            ),
            (
                "[workspace]\nmembers = [\"checker\", \"tests\"]\ndefault-members = [\"runner\"]\n",
                "workspace.default-members[0]: \"runner\" is not a member",
            ),
        ];
        for (manifest, want) in table {
            let err = workspace_without(manifest, &["tests"])
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(want),
                "{manifest:?}: expected {want:?} in {err}"
            );
        }
    }

    #[test]
    fn member_globs_match_one_component_each() {
        assert!(glob_matches("exercises/*", "exercises/01_wait_n"));
        assert!(glob_matches("checker/probes/*", "./checker/probes/core/"));
        assert!(glob_matches("ex*/0*_wait_*", "exercises/01_wait_n"));
        assert!(!glob_matches("exercises/*", "exercises/01_wait_n/src"));
        assert!(!glob_matches("exercises/*", "checker"));
        assert!(!glob_matches("checker", "checker"), "not a glob");
    }
}
