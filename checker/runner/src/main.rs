//! The grading child (see `checker::child`): `checker grade` runs it once
//! per exercise. Students never run it. Its wiring of each exercise is
//! generated from its `Cargo.toml` (build.rs).

include!(concat!(env!("OUT_DIR"), "/wiring.rs"));

fn main() -> std::process::ExitCode {
    checker::child::main(subject_of)
}
