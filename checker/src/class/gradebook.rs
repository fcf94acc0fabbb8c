//! The class's gradebook: one CSV row per student.
//!
//! RFC 4180 (written by the `csv` crate: CRLF line ends, fields quoted
//! when they hold a comma, quote or line break), UTF-8 without a byte-order
//! mark. The first column is the student (the submission's directory name),
//! which LMS imports match on (Canvas, Moodle and Blackboard all take a
//! header row and an identifier column); then one column per exercise with
//! its score, then `total`, `max_score`, `status` and `notes`.

use crate::report::{ExerciseStatus, Report};

/// One student's line: a report, or why grading it could not run.
pub(crate) struct Row<'a> {
    pub student: &'a str,
    pub result: Result<&'a Report, &'a str>,
}

/// How a student came out as a whole, for the `status` column.
pub(crate) fn status(report: &Report) -> &'static str {
    if report
        .exercises
        .iter()
        .all(|e| e.status == ExerciseStatus::Passed)
    {
        "passed"
    } else {
        "failed"
    }
}

/// The gradebook of `rows` (in the order given) over `exercises`.
pub(crate) fn render(exercises: &[&str], rows: &[Row]) -> String {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec!["student"];
    header.extend(exercises);
    header.extend(["total", "max_score", "status", "notes"]);
    csv.write_record(&header).expect("writes to memory");
    for row in rows {
        let mut record = vec![row.student.to_owned()];
        match row.result {
            Ok(report) => {
                for id in exercises {
                    let score = report.exercises.iter().find(|e| e.id == *id);
                    record.push(score.map(|e| number(e.score)).unwrap_or_default());
                }
                record.push(number(report.score));
                record.push(number(report.max_score));
                record.push(status(report).to_owned());
                record.push(notes(report));
            }
            Err(why) => {
                record.extend(exercises.iter().map(|_| String::new()));
                record.extend([String::new(), String::new()]);
                record.push("error".to_owned());
                record.push(why.lines().next().unwrap_or_default().to_owned());
            }
        }
        csv.write_record(&record).expect("writes to memory");
    }
    String::from_utf8(csv.into_inner().expect("writes to memory")).expect("UTF-8 in, UTF-8 out")
}

/// Every exercise that did not pass, with how: `02_measure_time:
/// compile_error; 05_async_generator: failed (4 of 6 checks passed); not
/// submitted: 08, 09`.
fn notes(report: &Report) -> String {
    let missing: Vec<&str> = report
        .exercises
        .iter()
        .filter(|e| e.status == ExerciseStatus::NotSubmitted)
        .map(|e| e.id.split('_').next().unwrap_or(&e.id))
        .collect();
    let mut notes: Vec<String> = report
        .exercises
        .iter()
        .filter(|e| {
            !matches!(
                e.status,
                ExerciseStatus::Passed | ExerciseStatus::NotSubmitted
            )
        })
        .map(|e| match e.status {
            ExerciseStatus::Failed => {
                let passed = e
                    .checks
                    .iter()
                    .filter(|c| c.status == crate::Status::Passed)
                    .count();
                format!(
                    "{}: failed ({passed} of {} checks passed)",
                    e.id,
                    e.checks.len()
                )
            }
            other => format!("{}: {}", e.id, other.as_str()),
        })
        .collect();
    if !missing.is_empty() {
        notes.push(format!("not submitted: {}", missing.join(", ")));
    }
    notes.join("; ")
}

/// Scores as the JSON report writes them: `7`, `2.5`.
fn number(value: f64) -> String {
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CheckReport, ExerciseReport};

    #[test]
    fn names_that_need_quoting_are_quoted_and_errors_keep_their_row() {
        let check = CheckReport {
            id: "c".into(),
            name: "c".into(),
            status: crate::Status::Passed,
            score: 2.5,
            max_score: 2.5,
            message: String::new(),
            hint: String::new(),
            hidden: false,
            seconds: 0.0,
        };
        let exercise =
            ExerciseReport::new("00_a", ExerciseStatus::Passed, String::new(), vec![check]);
        let report = Report::new(vec![exercise]);
        let rows = [
            Row {
                student: "Müller, \"Jo\"",
                result: Ok(&report),
            },
            Row {
                student: "broken",
                result: Err("failed to read the submission\nmore"),
            },
        ];
        let text = render(&["00_a", "01_b"], &rows);
        assert_eq!(
            text,
            "student,00_a,01_b,total,max_score,status,notes\r\n\
             \"Müller, \"\"Jo\"\"\",2.5,,2.5,2.5,passed,\r\n\
             broken,,,,,error,failed to read the submission\r\n"
        );
    }
}
