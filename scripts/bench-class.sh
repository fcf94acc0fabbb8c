#!/usr/bin/env bash
# Measures grading a class on this machine (a benchmark, not a test):
# N distinct submissions (default 100), each with all eight exercises of
# the Python project (00-07): the reference solutions, one exercise of each
# replaced by a wrong-solution fixture in turn, and a line of its own, so no
# two are alike. Prints
#   (a) the warm-up: a cold cache built once, then a second slot seeded,
#   (b) `checker grade --class` of all N with --jobs 2, sandbox on,
#   (c) the same N graded one by one (`checker grade --submission` each),
#   (d) the speed-up of (b) over (c), and each one's per-submission median.
# Usage: scripts/bench-class.sh [students]
set -euo pipefail
cd "$(dirname "$0")/.."
students=${1:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build -q -p checker
checker=target/debug/checker
exercises=(00_wait_random 01_wait_n 02_measure_time 03_task_wait_random 04_task_wait_n
  05_async_generator 06_async_comprehension 07_measure_runtime)
only=()
for ex in "${exercises[@]}"; do only+=(--exercise "$ex"); done

class="$work/class"
for i in $(seq -f "%03g" 1 "$students"); do
  for ex in "${exercises[@]}"; do
    mkdir -p "$class/s$i/exercises/$ex/src"
    cp "solutions/$ex/src/lib.rs" "$class/s$i/exercises/$ex/src/lib.rs"
  done
  # One exercise wrong, a different fixture each time.
  ex=${exercises[$((10#$i % 8))]}
  mapfile -t wrong < <(find "tests/fixtures/$ex" -name '*.rs' ! -name 'alt_*' | sort)
  cp "${wrong[$((10#$i % ${#wrong[@]}))]}" "$class/s$i/exercises/$ex/src/lib.rs"
  for f in "$class/s$i"/exercises/*/src/lib.rs; do echo "// student $i" >> "$f"; done
done

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
export CHECKER_CACHE_DIR="$work/cache"

# (a) Two slots made current: a cold build in one, then the second seeded
# from it (`checker grade --class` copies a warm slot's dependencies).
for pass in 1 2; do
  mkdir -p "$work/warmup$pass"
  cp -r "$class/s00$((2 * pass - 1))" "$class/s00$((2 * pass))" "$work/warmup$pass/"
  for f in "$work/warmup$pass"/*/exercises/*/src/lib.rs; do echo "// warm-up" >> "$f"; done
done
t0=$(now)
"$checker" grade --class "$work/warmup1" --out-dir "$work/warmup-out1" --jobs 1 "${only[@]}" >/dev/null 2>&1
"$checker" grade --class "$work/warmup2" --out-dir "$work/warmup-out2" --jobs 2 "${only[@]}" >/dev/null 2>&1
t1=$(now)
warm_up=$(elapsed "$t0" "$t1")

# (b) The class.
t0=$(now)
"$checker" grade --class "$class" --out-dir "$work/out" --jobs 2 "${only[@]}" >"$work/summary" 2>/dev/null
t1=$(now)
class_time=$(elapsed "$t0" "$t1")
graded=$(grep -c '' "$work/out/gradebook.csv")
[ "$graded" = $((students + 1)) ] || { echo "the gradebook has $graded lines" >&2; exit 1; }
class_median=$(sed -n 's/^median grading time: \([0-9.]*\) s.*/\1/p' "$work/summary")

# (c) One by one.
t0=$(now)
for dir in "$class"/*/; do
  s0=$(now)
  "$checker" grade --submission "$dir" "${only[@]}" --format json --out "$work/one.json" 2>/dev/null
  s1=$(now)
  elapsed "$s0" "$s1" >>"$work/one-by-one"
  echo >>"$work/one-by-one"
done
t1=$(now)
one_time=$(elapsed "$t0" "$t1")
one_median=$(median <"$work/one-by-one" | awk '{printf "%.2f", $1}')

printf 'warm-up: cold cache, two build slots made current:        %6.1f s\n' "$warm_up"
printf 'class of %d submissions, --class --jobs 2, sandbox on:   %6.1f s (median %s s a submission)\n' \
  "$students" "$class_time" "$class_median"
printf 'the same graded one by one (checker grade --submission):  %6.1f s (median %s s a submission)\n' \
  "$one_time" "$one_median"
printf 'speed-up of --class over one by one:                      %6.2f\n' \
  "$(awk -v a="$one_time" -v b="$class_time" 'BEGIN { print a / b }')"
