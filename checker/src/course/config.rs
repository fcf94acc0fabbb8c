//! `exercises/NN_name/checks.yaml`: typed, then validated as a whole.
//!
//! The top level and every check entry are read key by key, so a file with
//! several mistakes gets every one reported, each with its key path and a
//! fix; a declarative case is read into its exercise's typed case struct.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde_yaml_ng::Value;

use super::cases::CaseSpec;

/// The `format-version` this checker reads.
pub const FORMAT_VERSION: u64 = 1;

/// One exercise's check configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseConfig {
    /// `format-version`.
    pub format_version: u64,
    /// `title`: the exercise's name for people.
    pub title: String,
    /// `checks`, in the order they run and are reported.
    pub checks: Vec<CheckEntry>,
    /// `withheld`: Rust checks of the exercise that this copy of the course
    /// neither lists nor runs. Only `checker export` writes it, for the
    /// hidden Rust checks it takes out of a student copy (their code ships
    /// with the checker, their configuration does not); `checker grade`
    /// and `checker verify` refuse a course that has one
    /// ([`super::configure_course`]).
    pub withheld: Vec<String>,
}

/// One entry of `checks`.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckEntry {
    /// `id`: a Rust check's registry id, or a new id for a `case`.
    pub id: String,
    /// `name`, replacing the check's own.
    pub name: Option<String>,
    /// `points` (default 1).
    pub points: f64,
    /// `hidden`: graded, but not run by students nor shown in detail.
    pub hidden: bool,
    /// `hint`, replacing the check's own.
    pub hint: Option<String>,
    /// `hints`: what `checker hint` and watch mode's `h` reveal, one step
    /// at a time, to a student stuck on this check.
    pub hints: Option<Hints>,
    /// `case`: a declarative check in the exercise's vocabulary.
    pub case: Option<CaseSpec>,
}

/// A check's progressive hints, in the order a stuck student sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hints {
    /// `nudge`: where to look, without naming the tool.
    pub nudge: String,
    /// `tool`: the API to use, and why.
    pub tool: String,
    /// `shape`: the shape of the code, short of the solution.
    pub shape: String,
}

impl Hints {
    /// The keys, in the order the steps are revealed.
    pub const STEPS: [&'static str; 3] = ["nudge", "tool", "shape"];

    /// The steps, in order.
    pub fn steps(&self) -> [&str; 3] {
        [&self.nudge, &self.tool, &self.shape]
    }
}

/// One problem in a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, as a path from the course root.
    pub file: String,
    /// Where in it: `checks[2].points`.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.path, self.message)
        }
    }
}

struct Errors<'a> {
    file: &'a str,
    list: Vec<ConfigError>,
}

impl Errors<'_> {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.list.push(ConfigError {
            file: self.file.to_owned(),
            path: path.into(),
            message: message.into(),
        });
    }
}

/// Reads `text` (the file `file`) for `exercise`. Every problem found is
/// returned at once.
pub fn parse(file: &str, exercise: &str, text: &str) -> Result<ExerciseConfig, Vec<ConfigError>> {
    let mut errors = Errors {
        file,
        list: Vec::new(),
    };
    let doc: Value = match serde_yaml_ng::from_str(text) {
        Ok(doc) => doc,
        Err(err) => {
            errors.push("", format!("not valid YAML: {err}"));
            return Err(errors.list);
        }
    };
    let Value::Mapping(top) = doc else {
        errors.push(
            "",
            "expected a mapping with format-version, title and checks",
        );
        return Err(errors.list);
    };
    let mut format_version = None;
    let mut title = None;
    let mut checks = Vec::new();
    let mut withheld = Vec::new();
    for (key, value) in &top {
        match key.as_str() {
            Some("format-version") => match value.as_u64() {
                Some(FORMAT_VERSION) => format_version = Some(FORMAT_VERSION),
                _ => errors.push(
                    "format-version",
                    format!("expected {FORMAT_VERSION}, got {}; this checker reads format-version {FORMAT_VERSION}", show(value)),
                ),
            },
            Some("title") => match value.as_str() {
                Some(t) if !t.trim().is_empty() => title = Some(t.to_owned()),
                _ => errors.push("title", format!("expected the exercise's title as text, got {}", show(value))),
            },
            Some("checks") => match value.as_sequence() {
                Some(entries) => {
                    for (i, entry) in entries.iter().enumerate() {
                        if let Some(entry) = check_entry(&mut errors, &format!("checks[{i}]"), exercise, entry) {
                            checks.push(entry);
                        }
                    }
                }
                None => errors.push("checks", format!("expected a list of checks, got {}", show(value))),
            },
            Some("withheld") => match value.as_sequence() {
                Some(ids) => {
                    for (i, id) in ids.iter().enumerate() {
                        match id.as_str() {
                            Some(id) if is_id(id) => withheld.push((i, id.to_owned())),
                            _ => errors.push(
                                format!("withheld[{i}]"),
                                format!("expected a Rust check's id in snake_case (a-z, 0-9, _), got {}", show(id)),
                            ),
                        }
                    }
                }
                None => errors.push("withheld", format!("expected a list of check ids, got {}", show(value))),
            },
            _ => errors.push(
                key_text(key),
                "unknown key; the top level has format-version, title, checks and withheld",
            ),
        }
    }
    if format_version.is_none() && !top.contains_key("format-version") {
        errors.push(
            "format-version",
            format!("missing; add `format-version: {FORMAT_VERSION}` at the top"),
        );
    }
    if title.is_none() && !top.contains_key("title") {
        errors.push(
            "title",
            "missing; add `title: ...`, the exercise's name for people",
        );
    }
    if !top.contains_key("checks") {
        errors.push(
            "checks",
            "missing; list the exercise's checks under `checks:`",
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, check) in checks.iter().enumerate() {
        if !seen.insert(check.id.clone()) {
            errors.push(
                format!("checks[{i}].id"),
                format!(
                    "duplicate id {:?}; ids must be unique in an exercise",
                    check.id
                ),
            );
        }
    }
    let mut seen_withheld = std::collections::BTreeSet::new();
    for (i, id) in &withheld {
        if !seen_withheld.insert(id) {
            errors.push(
                format!("withheld[{i}]"),
                format!("duplicate id {id:?}; list each withheld check once"),
            );
        } else if seen.contains(id) {
            errors.push(
                format!("withheld[{i}]"),
                format!(
                    "{id:?} is also listed under `checks`; a check is either listed or withheld: remove it here"
                ),
            );
        }
    }
    if errors.list.is_empty() {
        Ok(ExerciseConfig {
            format_version: FORMAT_VERSION,
            title: title.unwrap_or_default(),
            checks,
            withheld: withheld.into_iter().map(|(_, id)| id).collect(),
        })
    } else {
        Err(errors.list)
    }
}

fn check_entry(
    errors: &mut Errors<'_>,
    at: &str,
    exercise: &str,
    entry: &Value,
) -> Option<CheckEntry> {
    let Value::Mapping(map) = entry else {
        errors.push(
            at,
            format!(
                "expected a check (a mapping with at least `id`), got {}",
                show(entry)
            ),
        );
        return None;
    };
    let before = errors.list.len();
    let mut out = CheckEntry {
        id: String::new(),
        name: None,
        points: 1.0,
        hidden: false,
        hint: None,
        hints: None,
        case: None,
    };
    for (key, value) in map {
        let path = format!("{at}.{}", key_text(key));
        match key.as_str() {
            Some("id") => match value.as_str() {
                Some(id) if is_id(id) => out.id = id.to_owned(),
                _ => errors.push(
                    path,
                    format!(
                        "expected an id in snake_case (a-z, 0-9, _), got {}",
                        show(value)
                    ),
                ),
            },
            Some("name") => match value.as_str() {
                Some(name) => out.name = Some(name.to_owned()),
                None => errors.push(path, format!("expected text, got {}", show(value))),
            },
            Some("hint") => match value.as_str() {
                Some(hint) => out.hint = Some(hint.to_owned()),
                None => errors.push(path, format!("expected text, got {}", show(value))),
            },
            Some("hints") => out.hints = hints(errors, &path, value),
            Some("points") => match value.as_f64() {
                Some(p) if p >= 0.0 && p.is_finite() => out.points = p,
                _ => errors.push(path, format!("expected a number ≥ 0, got {}", show(value))),
            },
            Some("hidden") => match value.as_bool() {
                Some(h) => out.hidden = h,
                None => errors.push(path, format!("expected true or false, got {}", show(value))),
            },
            Some("case") => match CaseSpec::parse(exercise, value) {
                Ok(case) => out.case = Some(case),
                Err((inner, message)) => {
                    let path = if inner.is_empty() || inner == "." {
                        path
                    } else {
                        format!("{path}.{inner}")
                    };
                    errors.push(path, message);
                }
            },
            _ => errors.push(
                path,
                "unknown key; a check has id, name, points, hidden, hint, hints and case",
            ),
        }
    }
    if !map.contains_key("id") {
        errors.push(format!("{at}.id"), "missing; every check needs an id");
    }
    (errors.list.len() == before).then_some(out)
}

/// `hints: {nudge, tool, shape}`, every step a non-empty text.
fn hints(errors: &mut Errors<'_>, at: &str, value: &Value) -> Option<Hints> {
    let Value::Mapping(map) = value else {
        errors.push(
            at,
            format!(
                "expected the hints as a mapping with nudge, tool and shape, got {}",
                show(value)
            ),
        );
        return None;
    };
    let before = errors.list.len();
    let mut steps: [Option<String>; 3] = Default::default();
    for (key, step) in map {
        let path = format!("{at}.{}", key_text(key));
        let Some(i) = key
            .as_str()
            .and_then(|k| Hints::STEPS.iter().position(|s| *s == k))
        else {
            errors.push(
                path,
                "unknown key; hints are nudge (where to look), tool (what to use) and shape (how \
                 the code goes), revealed in that order",
            );
            continue;
        };
        match step.as_str() {
            Some(text) if !text.trim().is_empty() => steps[i] = Some(text.trim().to_owned()),
            _ => errors.push(
                path,
                format!("expected the hint as text, got {}", show(step)),
            ),
        }
    }
    for step in Hints::STEPS.iter().filter(|s| !map.contains_key(**s)) {
        errors.push(
            format!("{at}.{step}"),
            format!(
                "missing; a check's hints have all three steps: {}",
                Hints::STEPS.join(", ")
            ),
        );
    }
    let [nudge, tool, shape] = steps;
    Some(Hints {
        nudge: nudge?,
        tool: tool?,
        shape: shape?,
    })
    .filter(|_| errors.list.len() == before)
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn key_text(key: &Value) -> String {
    key.as_str().map(str::to_owned).unwrap_or_else(|| show(key))
}

/// A YAML value as the error message quotes it.
pub(crate) fn show(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::String(s) => format!("{s:?}"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        other => serde_yaml_ng::to_string(other)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    }
}

/// Deserialises `1500ms`, `10s`, `2m` (humantime) into a Duration.
pub(crate) fn duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(d)?;
    humantime::parse_duration(&text).map_err(|e| {
        serde::de::Error::custom(format!(
            "expected a duration like 1500ms or 10s, got {text:?} ({e})"
        ))
    })
}

/// [`duration`] for lists.
pub(crate) fn durations<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Duration>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "duration")] Duration);
    Ok(Vec::<Wrapped>::deserialize(d)?
        .into_iter()
        .map(|w| w.0)
        .collect())
}

/// [`duration`] for optional values.
pub(crate) fn opt_duration<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Duration>, D::Error> {
    duration(d).map(Some)
}

/// Reads `value` as `T`, returning the key path inside it and the message of
/// the first problem.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value.clone()).map_err(|err| {
        let path = err.path().to_string();
        (path, err.into_inner().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "exercises/01_wait_n/checks.yaml";

    fn errors(yaml: &str) -> Vec<String> {
        match parse(FILE, "01_wait_n", yaml) {
            Ok(config) => panic!("expected errors, got {config:?}"),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_valid_file_becomes_typed_entries() {
        let yaml = "format-version: 1\ntitle: wait_n\nchecks:\n  - id: concurrent\n    points: 2.5\n    hidden: true\n    hint: start them all\n  - id: no_sort\n";
        let config = parse(FILE, "01_wait_n", yaml).unwrap();
        assert_eq!(config.title, "wait_n");
        assert_eq!(
            config.checks[0],
            CheckEntry {
                id: "concurrent".into(),
                name: None,
                points: 2.5,
                hidden: true,
                hint: Some("start them all".into()),
                hints: None,
                case: None,
            }
        );
        assert_eq!(config.checks[1].points, 1.0, "points default to 1");
        assert!(config.withheld.is_empty(), "nothing is withheld by default");
    }

    #[test]
    fn hints_are_three_steps_in_order() {
        let yaml = "format-version: 1\ntitle: wait_n\nchecks:\n  - id: concurrent\n    hints:\n      nudge: when does each start?\n      tool: FuturesUnordered\n      shape: |\n        build all\n        then await\n";
        let config = parse(FILE, "01_wait_n", yaml).unwrap();
        let hints = config.checks[0].hints.as_ref().unwrap();
        assert_eq!(
            hints.steps(),
            [
                "when does each start?",
                "FuturesUnordered",
                "build all\nthen await"
            ]
        );
    }

    #[test]
    fn a_broken_hint_is_reported_with_its_key_path() {
        let yaml = "format-version: 1\ntitle: wait_n\nchecks:\n  - id: concurrent\n  - id: no_sort\n    hints:\n      nudge: look at the order\n      tool: 3\n      shap: typo\n  - id: zero_waits\n    hints: [a, b, c]\n";
        let said = errors(yaml);
        assert_eq!(
            said,
            [
                "exercises/01_wait_n/checks.yaml: checks[1].hints.tool: expected the hint as text, got 3",
                "exercises/01_wait_n/checks.yaml: checks[1].hints.shap: unknown key; hints are nudge (where to look), tool (what to use) and shape (how the code goes), revealed in that order",
                "exercises/01_wait_n/checks.yaml: checks[1].hints.shape: missing; a check's hints have all three steps: nudge, tool, shape",
                "exercises/01_wait_n/checks.yaml: checks[2].hints: expected the hints as a mapping with nudge, tool and shape, got a list",
            ]
        );
    }

    #[test]
    fn an_exported_file_lists_its_withheld_checks() {
        let yaml = "format-version: 1\ntitle: wait_n\nchecks:\n  - id: concurrent\nwithheld: [no_sort, zero_waits]\n";
        let config = parse(FILE, "01_wait_n", yaml).unwrap();
        assert_eq!(config.withheld, ["no_sort", "zero_waits"]);
    }

    #[test]
    fn three_mistakes_get_three_precise_errors() {
        let yaml = "format-version: 2\ntitle: wait_n\nchecks:\n  - id: concurrent\n  - id: no_sort\n  - id: completion_order\n    points: two\n  - id: zero_waits\n    hidden: maybe\n";
        assert_eq!(
            errors(yaml),
            [
                "exercises/01_wait_n/checks.yaml: format-version: expected 1, got 2; this checker reads format-version 1",
                "exercises/01_wait_n/checks.yaml: checks[2].points: expected a number ≥ 0, got \"two\"",
                "exercises/01_wait_n/checks.yaml: checks[3].hidden: expected true or false, got \"maybe\"",
            ]
        );
    }

    #[test]
    fn each_mistake_is_named_with_its_key_path() {
        let table: &[(&str, &str)] = &[
            (
                "format-version: 1\ntitle: t\nchecks: []\nextra: 1\n",
                "extra: unknown key; the top level has",
            ),
            ("title: t\nchecks: []\n", "format-version: missing"),
            ("format-version: 1\nchecks: []\n", "title: missing"),
            ("format-version: 1\ntitle: t\n", "checks: missing"),
            (
                "format-version: 1\ntitle: t\nchecks: {}\n",
                "checks: expected a list of checks",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - points: 1\n",
                "checks[0].id: missing",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - id: Bad-Id\n",
                "checks[0].id: expected an id in snake_case",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - id: a\n    pionts: 1\n",
                "checks[0].pionts: unknown key",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - id: a\n    points: -1\n",
                "checks[0].points: expected a number ≥ 0, got -1",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - id: a\n  - id: a\n",
                "checks[1].id: duplicate id \"a\"",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - id: c\n    case:\n      n: 5\n      max_delay: soon\n      expect: {}\n",
                "checks[0].case.max_delay: expected a duration like 1500ms or 10s, got \"soon\"",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - id: c\n    case:\n      n: 5\n      max_delay: 1s\n      expect:\n        elapsed: forever\n",
                "checks[0].case.expect.elapsed: expected longest, sum or a duration like 5s, got \"forever\"",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - id: c\n    case:\n      n: 5\n      max_delay: 1s\n      expect:\n        lenght: 5\n",
                "checks[0].case.expect.lenght: unknown field `lenght`, expected one of `length`",
            ),
            ("format-version: 1\ntitle: t\nchecks: [\n", "not valid YAML"),
            (
                "format-version: 1\ntitle: t\nchecks: []\nwithheld: no_sort\n",
                "withheld: expected a list of check ids, got \"no_sort\"",
            ),
            (
                "format-version: 1\ntitle: t\nchecks: []\nwithheld: [no_sort, No-Sort]\n",
                "withheld[1]: expected a Rust check's id in snake_case",
            ),
            (
                "format-version: 1\ntitle: t\nchecks: []\nwithheld: [no_sort, no_sort]\n",
                "withheld[1]: duplicate id \"no_sort\"",
            ),
            (
                "format-version: 1\ntitle: t\nchecks:\n  - id: no_sort\nwithheld: [no_sort]\n",
                "withheld[0]: \"no_sort\" is also listed under `checks`",
            ),
        ];
        for (yaml, want) in table {
            let got = errors(yaml);
            assert!(
                got.iter().any(|e| e.contains(want)),
                "{yaml:?}: expected {want:?} in {got:#?}"
            );
        }
    }

    #[test]
    fn cases_are_read_in_their_exercises_vocabulary() {
        let yaml = "format-version: 1\ntitle: t\nchecks:\n  - id: c\n    case:\n      first_ask: 1s\n      expect: {}\n";
        let got = parse(
            "exercises/00_wait_random/checks.yaml",
            "00_wait_random",
            yaml,
        )
        .unwrap_err();
        assert!(
            got[0]
                .message
                .contains("00_wait_random has no declarative cases"),
            "{got:?}"
        );
        assert!(parse(FILE, "05_async_generator", yaml).is_ok());
    }
}
