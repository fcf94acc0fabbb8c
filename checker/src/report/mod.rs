//! The grading report: one data model, rendered by every format.
//! Checks never print; reporters read this.

pub mod classroom;
pub mod github;
mod gradescope;
mod human;
mod json;
mod junit;
mod markdown;
mod wording;
pub(crate) use wording::points;

pub use classroom::render_classroom;
pub use gradescope::render_gradescope;
pub use human::render_human;
pub use json::render_json;
pub use junit::render_junit;
pub use markdown::render_markdown;

/// A way to render a [`Report`]: every one renders the same data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// Text for a terminal.
    Human,
    /// The report as SPEC.md defines it.
    Json,
    /// JUnit XML for CI test reporters.
    Junit,
    /// Gradescope's results.json.
    Gradescope,
    /// GitHub-flavoured Markdown for $GITHUB_STEP_SUMMARY or a PR comment.
    Markdown,
    /// GitHub Classroom's grader result (base64 JSON for the reporter action).
    Classroom,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [
        Format::Human,
        Format::Json,
        Format::Junit,
        Format::Gradescope,
        Format::Markdown,
        Format::Classroom,
    ];

    /// The report in this format. `human` is coloured as `colored` is set.
    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Human => render_human(report),
            Format::Json => render_json(report),
            Format::Junit => render_junit(report),
            Format::Gradescope => render_gradescope(report),
            Format::Markdown => render_markdown(report),
            Format::Classroom => classroom::render_classroom(report),
        }
    }

    /// The file a class grading writes this format to, per student.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Human => "report.txt",
            Format::Json => "report.json",
            Format::Junit => "junit.xml",
            Format::Gradescope => "results.json",
            Format::Markdown => "report.md",
            Format::Classroom => "classroom.txt",
        }
    }
}

use serde::{Deserialize, Serialize};

use crate::check::Status;
pub use crate::sandbox::SandboxInfo;

/// The report's schema version (SPEC.md).
pub const SCHEMA_VERSION: u32 = 1;

/// A whole grading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// One entry per graded exercise, in course order, then one per quiz.
    pub exercises: Vec<ExerciseReport>,
    /// Wall-clock seconds the whole grading took, build included.
    #[serde(default)]
    pub seconds: f64,
    /// The isolation the submission's build and checks ran under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<SandboxInfo>,
}

impl Report {
    /// Totals the exercises.
    pub fn new(exercises: Vec<ExerciseReport>) -> Self {
        Report {
            schema_version: SCHEMA_VERSION,
            score: exercises.iter().map(|e| e.score).sum(),
            max_score: exercises.iter().map(|e| e.max_score).sum(),
            exercises,
            seconds: 0.0,
            sandbox: None,
        }
    }
}

/// How an exercise as a whole came out (SPEC.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseStatus {
    /// Every check passed.
    Passed,
    /// Some check failed.
    Failed,
    /// It did not compile, or its files were refused.
    CompileError,
    /// Some check never finished.
    Timeout,
    /// The process running its checks died.
    Crashed,
    /// The submission does not contain it.
    NotSubmitted,
}

impl ExerciseStatus {
    /// The exercise's status from its checks: the worst one decides.
    pub fn from_checks(checks: &[CheckReport]) -> Self {
        let any = |s: Status| checks.iter().any(|c| c.status == s);
        if any(Status::Crashed) {
            ExerciseStatus::Crashed
        } else if any(Status::Timeout) {
            ExerciseStatus::Timeout
        } else if any(Status::Failed) || any(Status::Skipped) {
            ExerciseStatus::Failed
        } else {
            ExerciseStatus::Passed
        }
    }

    /// As the JSON report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ExerciseStatus::Passed => "passed",
            ExerciseStatus::Failed => "failed",
            ExerciseStatus::CompileError => "compile_error",
            ExerciseStatus::Timeout => "timeout",
            ExerciseStatus::Crashed => "crashed",
            ExerciseStatus::NotSubmitted => "not_submitted",
        }
    }
}

/// What a report entry grades.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A course exercise: `01_wait_n`.
    #[default]
    Exercise,
    /// A quiz (`quizzes/NAME.yaml`): `quiz:NAME`, one check per question.
    Quiz,
}

impl Kind {
    fn is_exercise(&self) -> bool {
        *self == Kind::Exercise
    }
}

/// One exercise's result (or a quiz's, with `kind: quiz`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseReport {
    /// `01_wait_n`, or `quiz:mastering-1`.
    pub id: String,
    /// An exercise, or a quiz; written only for a quiz.
    #[serde(default, skip_serializing_if = "Kind::is_exercise")]
    pub kind: Kind,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// How it came out.
    pub status: ExerciseStatus,
    /// Compiler output or crash summary; empty when passed or failed.
    pub message: String,
    /// Every check, in the course's order.
    pub checks: Vec<CheckReport>,
    /// Wall-clock seconds its checks took to run, reruns included (0 when
    /// none ran).
    #[serde(default)]
    pub seconds: f64,
}

impl ExerciseReport {
    /// The file the student edits for it: `exercises/01_wait_n/src/lib.rs`,
    /// or a quiz's answers file.
    pub fn student_file(&self) -> String {
        match self.kind {
            Kind::Exercise => format!("exercises/{}/src/lib.rs", self.id),
            Kind::Quiz => crate::quiz::answers_path(self.id.trim_start_matches("quiz:")),
        }
    }

    /// Totals the checks.
    pub fn new(
        id: &str,
        status: ExerciseStatus,
        message: String,
        checks: Vec<CheckReport>,
    ) -> Self {
        ExerciseReport {
            id: id.to_owned(),
            kind: Kind::Exercise,
            score: checks.iter().map(|c| c.score).sum(),
            max_score: checks.iter().map(|c| c.max_score).sum(),
            seconds: checks.iter().map(|c| c.seconds).sum(),
            status,
            message,
            checks,
        }
    }
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Stable id.
    pub id: String,
    /// What it checks.
    pub name: String,
    /// How it ended.
    pub status: Status,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// What happened; empty on a pass or for a hidden check.
    pub message: String,
    /// How to fix it; empty on a pass or for a hidden check.
    pub hint: String,
    /// Hidden checks show only pass or fail.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// Wall-clock seconds it took, as the grader saw it (0 when not run).
    #[serde(default)]
    pub seconds: f64,
}
