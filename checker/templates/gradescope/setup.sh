#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built
# (base image Ubuntu 22.04), from /autograder/source, where the zip was
# unpacked. Written by `checker bundle gradescope`.
set -euo pipefail
cd "$(dirname "$0")"
TOOLCHAIN="{{TOOLCHAIN}}"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq curl ca-certificates build-essential bubblewrap >/dev/null

# The Rust the course was bundled with, so diagnostics read as they did there.
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
  sh -s -- -y --profile minimal --default-toolchain "$TOOLCHAIN"
. "$HOME/.cargo/env"

# The grader, from the course in this bundle.
cargo build --release --locked -p checker --manifest-path course/Cargo.toml
install -m 0755 course/target/release/checker /usr/local/bin/checker

# Warm the build cache: grading the starter code builds every dependency
# into the cache run_autograder uses, so a submission compiles only itself.
mkdir -p /tmp/starter-submission
if ! checker grade --course course --submission /tmp/starter-submission \
  --cache-dir /autograder/cache --format json --out /tmp/starter-report.json; then
  echo "warning: grading the starter code failed; see above (is bubblewrap usable here?)" >&2
fi
