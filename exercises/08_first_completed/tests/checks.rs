//! The course's checks for this exercise: `cargo test -p first_completed`.
//! This file is the course's; edit `src/` only.

fn main() -> std::process::ExitCode {
    checker::student::main(
        checker::link!(first_completed, first_completed),
        env!("CARGO_MANIFEST_DIR"),
    )
}
