//! The course's checker: checks that run students' async code under paused
//! tokio time, so a 10-second exercise is checked in milliseconds and every
//! timing assertion is exact to the timer's 1 ms tick.
//!
//! Each exercise crate wires its functions into a [`Subject`] in
//! `tests/checks.rs`; `cargo test -p <exercise>` then runs [`student::main`]:
//!
//! ```no_run
//! mod wait_n {
//!     use std::time::Duration;
//!
//!     pub async fn wait_n(n: usize, max_delay: Duration) -> Vec<Duration> {
//!         # let _ = (n, max_delay);
//!         // the student's code
//!         Vec::new()
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     checker::student::main(checker::link!(wait_n, wait_n), env!("CARGO_MANIFEST_DIR"))
//! }
//! ```
//!
//! A check is a scenario that observes student code and a judge that turns
//! the observation into a [`Verdict`] (see [`check`]); later exercises call
//! earlier ones through probes (the `probe-core` crate) that record every
//! call and return values the check chose.

pub mod bundle;
pub mod catalog;
pub mod check;
pub mod child;
pub mod class;
pub mod classroom;
pub mod course;
pub mod engine;
pub mod exercises;
pub mod exit_code;
pub mod export;
pub mod files;
pub mod grade;
pub mod hint;
mod manifest;
pub mod progress;
pub mod quiz;
pub mod report;
pub mod sandbox;
pub mod scaffold;
pub mod scenario;
pub mod show;
pub mod source;
pub mod student;
pub mod subject;
pub mod verify;
pub mod watch;
pub mod wording;

pub use check::{Check, Observation, Status, Verdict};
pub use source::Sources;
pub use subject::Subject;

/// What the macros generated from the catalog name from other crates.
#[doc(hidden)]
pub mod __private {
    pub use futures::future::BoxFuture;
    pub use futures::stream::BoxStream;
    pub use probe_core::set_default_own;
}
