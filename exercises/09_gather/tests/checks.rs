//! The course's checks for this exercise: `cargo test -p gather`.
//! This file is the course's; edit `src/` only.

fn main() -> std::process::ExitCode {
    checker::student::main(checker::link!(gather, gather), env!("CARGO_MANIFEST_DIR"))
}
