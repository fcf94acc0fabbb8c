//! Nothing to link: the runner is its test target, `src/main.rs` (see
//! Cargo.toml for why).
