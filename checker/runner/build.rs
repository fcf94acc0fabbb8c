//! Generates the runner's wiring from its own `Cargo.toml` (see wiring.rs).

#[path = "wiring.rs"]
mod wiring;

fn main() {
    let manifest_dir = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    wiring::generate(&manifest_dir.join("Cargo.toml"), &out, false);
}
