//! `--format json`: SPEC.md's schema version 1.

use super::Report;

/// The report as pretty JSON, with a trailing newline.
pub fn render_json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("reports serialise");
    text.push('\n');
    text
}
