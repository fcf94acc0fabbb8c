#!/usr/bin/env bash
# Measures grading speed on this machine (a benchmark, not a test):
#   (a) cold grade of the reference solutions (empty cache), sandbox on,
#   (b) warm grade of a new submission (every file's contents changed),
#       with the sandbox (bubblewrap) and without it (--sandbox none),
#       each in a cache of its own, and the overhead as a ratio,
#   (c) the compile floor: rebuilding the student crates and linking the
#       runner alone, with cargo called directly in the unsandboxed slot,
#   (d) check execution alone: the runner run once per exercise.
# Prints each in seconds. Usage: scripts/bench.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build -q -p checker
checker=target/debug/checker
sub="$work/submission"
for dir in solutions/*/; do
  name=$(basename "$dir")
  mkdir -p "$sub/exercises/$name"
  cp -r "$dir/src" "$sub/exercises/$name/"
done

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
change() { for f in "$sub"/exercises/*/src/lib.rs; do echo "// run $1 $(date +%s%N)" >> "$f"; done; }
# grade MODE CACHE: one grading, its report in $work/last.json
# Every exercise named, so the course's quizzes (unanswered here) stay out.
only=()
for dir in solutions/*/; do only+=(--exercise "$(basename "$dir")"); done
grade() { CHECKER_CACHE_DIR="$2" "$checker" grade --sandbox "$1" --submission "$sub" "${only[@]}" --format json 2>/dev/null > "$work/last.json"; }
full_marks() {
  score=$(grep -m1 '"score"' "$work/last.json" | tr -dc '0-9.')
  max=$(grep -m1 '"max_score"' "$work/last.json" | tr -dc '0-9.')
  [ -n "$score" ] && [ "$score" = "$max" ] || { echo "reference solutions scored $score of $max ($1)" >&2; exit 1; }
}
# warm MODE CACHE: the median of $runs warm gradings of a new submission
warm() {
  for i in $(seq "$runs"); do
    change "$i"
    t0=$(now); grade "$1" "$2"; t1=$(now)
    full_marks "$1"
    elapsed "$t0" "$t1"
  done | median
}

t0=$(now); grade bwrap "$work/cache-bwrap"; t1=$(now)
full_marks cold
cold=$(elapsed "$t0" "$t1")
grade none "$work/cache-none"   # the unsandboxed cache's own cold build
warm_bwrap=$(warm bwrap "$work/cache-bwrap")
warm_none=$(warm none "$work/cache-none")

slot="$work/cache-none/slots-unsandboxed/0"
floor=$(for i in $(seq "$runs"); do
  for f in "$slot"/exercises/*/src/lib.rs; do echo "// floor $i $(date +%s%N)" >> "$f"; done
  t0=$(now)
  (cd "$slot" && CARGO_TARGET_DIR="$slot/target" CARGO_PROFILE_DEV_DEBUG=0 CARGO_INCREMENTAL=0 \
    cargo build -q --offline -p grade-runner)
  t1=$(now)
  elapsed "$t0" "$t1"
done | median)

runner="$slot/target/debug/grade-runner"
checks=$(for i in $(seq "$runs"); do
  t0=$(now)
  for dir in solutions/*/; do
    ex=$(basename "$dir")
    { echo bench; cat "exercises/$ex/checks.yaml"; } | "$runner" --exercise "$ex" | grep -q '"record":"done"' \
      || { echo "the runner did not finish $ex" >&2; exit 1; }
  done
  t1=$(now)
  elapsed "$t0" "$t1"
done | median)

printf 'cold grade (reference solutions, empty cache, sandbox on): %6.2f s\n' "$cold"
printf 'warm grade of a new submission, sandbox on (median of %s):  %6.2f s\n' "$runs" "$warm_bwrap"
printf 'warm grade of a new submission, --sandbox none (median):   %6.2f s\n' "$warm_none"
printf 'sandbox overhead (on / none):                              %6.2f\n' "$(awk -v a="$warm_bwrap" -v b="$warm_none" 'BEGIN { print a / b }')"
printf 'compile floor (crates + link, cargo alone, median):        %6.2f s\n' "$floor"
count=$(find solutions -mindepth 1 -maxdepth 1 -type d | wc -l)
printf 'check execution, %2d exercises (median):                    %6.2f s\n' "$count" "$checks"
printf 'warm (sandbox on) / floor:                                 %6.2f\n' "$(awk -v w="$warm_bwrap" -v f="$floor" 'BEGIN { print w / f }')"
