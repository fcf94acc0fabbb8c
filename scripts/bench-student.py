#!/usr/bin/env python3
"""Measures the student's loop on this machine (a benchmark, not a test):
a student's edit to one exercise, to its verdict on screen, warm,
  (a) through `cargo test -p <crate>` (the edit, then the command), and
  (b) in watch mode off a terminal (the edit saved, to the last line of
      the verdicts it prints),
for exercises whose crate no later exercise's probe links: without a
"works with your own ..." check (09, 15) and with one (02, 07), whose
runner is built on demand beside the other checks; and for 00, which later
exercises call.

Works in a copy of the course (target/course-copy/bench-student) holding
the reference solutions, with its own target directory. Prints medians in
seconds. Usage: scripts/bench-student.py [runs]
"""

import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
COURSE = os.path.join(ROOT, "target/course-copy/bench-student")
TARGET = os.path.join(ROOT, "target/course-copies")
EXERCISES = [
    ("00_wait_random", "wait_random"),
    ("02_measure_time", "measure_time"),
    ("07_measure_runtime", "measure_runtime"),
    ("09_gather", "gather"),
    ("15_chat_room", "chat_room"),
]


def copy_course():
    shutil.rmtree(COURSE, ignore_errors=True)
    ignore = shutil.ignore_patterns("target", "submissions")
    for item in ["Cargo.toml", "Cargo.lock"]:
        os.makedirs(COURSE, exist_ok=True)
        shutil.copy(os.path.join(ROOT, item), COURSE)
    for item in ["checker", "exercises", "services", "solutions", "tests", "quizzes"]:
        shutil.copytree(os.path.join(ROOT, item), os.path.join(COURSE, item), ignore=ignore)
    for name in os.listdir(os.path.join(ROOT, "solutions")):
        shutil.copy(
            os.path.join(ROOT, "solutions", name, "src/lib.rs"),
            os.path.join(COURSE, "exercises", name, "src/lib.rs"),
        )


ENV = dict(os.environ, CARGO_TARGET_DIR=TARGET, CHECKER_PROGRESS_DIR=os.path.join(COURSE, "progress"))
ENV.pop("RUSTFLAGS", None)


def edit(exercise, n):
    with open(os.path.join(COURSE, "exercises", exercise, "src/lib.rs"), "a") as f:
        f.write(f"// edit {n} {time.time_ns()}\n")


def cargo_test(krate):
    run = subprocess.run(
        ["cargo", "test", "-q", "-p", krate], cwd=COURSE, env=ENV, capture_output=True, text=True
    )
    if run.returncode != 0:
        sys.exit(f"cargo test -p {krate} failed on the reference solution:\n{run.stdout}{run.stderr}")


def through_cargo_test(exercise, krate):
    cargo_test(krate)  # warm
    times = []
    for n in range(RUNS):
        edit(exercise, n)
        start = time.monotonic()
        cargo_test(krate)
        times.append(time.monotonic() - start)
    return statistics.median(times)


def in_watch_mode(exercise, checker):
    watch = subprocess.Popen(
        [checker, "watch", "--course", "."],
        cwd=COURSE,
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )

    def verdict():
        # The verdicts end with the progress bar line.
        for line in watch.stdout:
            if line.startswith("[") and "exercises done" in line:
                return
        sys.exit("watch mode ended")

    verdict()  # its first run
    times = []
    for n in range(RUNS):
        start = time.monotonic()
        edit(exercise, f"w{n}")
        verdict()
        times.append(time.monotonic() - start)
    watch.stdin.write("q\n")
    watch.stdin.flush()
    watch.wait(timeout=60)
    return statistics.median(times)


def main():
    subprocess.run(["cargo", "build", "-q", "-p", "checker"], cwd=ROOT, check=True)
    checker = os.path.join(ROOT, "target/debug/checker")
    copy_course()
    for _, krate in EXERCISES:
        cargo_test(krate)  # builds the copy, and each exercise's own-runner
    print(f"edit to verdict, warm, median of {RUNS} (seconds):")
    for exercise, krate in EXERCISES:
        print(f"  {exercise:<22} cargo test -p {krate:<16} {through_cargo_test(exercise, krate):.2f}")
    # Watch mode opens the first exercise not passing: each one in turn.
    for exercise, krate in EXERCISES:
        progress = ENV["CHECKER_PROGRESS_DIR"]
        shutil.rmtree(progress, ignore_errors=True)
        os.makedirs(progress)
        # Only `exercise` is unrecorded among the first ones: record every
        # earlier exercise by running it, so watch mode opens this one.
        for name in sorted(os.listdir(os.path.join(COURSE, "exercises"))):
            if name == exercise:
                break
            cargo_test(name.split("_", 1)[1])
        print(f"  {exercise:<22} watch mode{'':<22} {in_watch_mode(exercise, checker):.2f}")


if __name__ == "__main__":
    main()
