//! The course's catalog: every exercise declared once, and what is derived
//! from it. It depends on nothing else in the checker, so every part can
//! use it without a cycle.

/// One exercise of the course, declared once; the lists other parts need
/// (directories and crates, what a "works with your own …" check runs
/// through, which YAML vocabulary a case is read in) are derived from
/// [`CATALOG`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exercise {
    /// Its directory under `exercises/`: `01_wait_n`.
    pub dir: &'static str,
    /// Its crate name: `wait_n`.
    pub krate: &'static str,
    /// The earlier exercises its code calls directly, by directory (through
    /// their probes while checking).
    pub calls: &'static [&'static str],
    /// The vocabulary of its `case:` entries in `checks.yaml`, if it has one.
    pub cases: Option<Vocabulary>,
}

/// The declarative case vocabularies (`course::cases`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocabulary {
    /// wait_n and task_wait_n: waits scripted, order and timing expected.
    Waits,
    /// measure_time: wait_n's time scripted, the average expected.
    MeasureTime,
    /// async_generator: a consumer's schedule, arrivals expected.
    Generator,
}

/// The course, in learning order.
pub const CATALOG: [Exercise; 8] = [
    Exercise {
        dir: "00_wait_random",
        krate: "wait_random",
        calls: &[],
        cases: None,
    },
    Exercise {
        dir: "01_wait_n",
        krate: "wait_n",
        calls: &["00_wait_random"],
        cases: Some(Vocabulary::Waits),
    },
    Exercise {
        dir: "02_measure_time",
        krate: "measure_time",
        calls: &["01_wait_n"],
        cases: Some(Vocabulary::MeasureTime),
    },
    Exercise {
        dir: "03_task_wait_random",
        krate: "task_wait_random",
        calls: &["00_wait_random"],
        cases: None,
    },
    Exercise {
        dir: "04_task_wait_n",
        krate: "task_wait_n",
        calls: &["03_task_wait_random"],
        cases: Some(Vocabulary::Waits),
    },
    Exercise {
        dir: "05_async_generator",
        krate: "async_generator",
        calls: &[],
        cases: Some(Vocabulary::Generator),
    },
    Exercise {
        dir: "06_async_comprehension",
        krate: "async_comprehension",
        calls: &["05_async_generator"],
        cases: None,
    },
    Exercise {
        dir: "07_measure_runtime",
        krate: "measure_runtime",
        calls: &["06_async_comprehension"],
        cases: None,
    },
];

/// The exercises in course order: directory name and crate name.
pub const EXERCISES: [(&str, &str); CATALOG.len()] = {
    let mut out = [("", ""); CATALOG.len()];
    let mut i = 0;
    while i < CATALOG.len() {
        out[i] = (CATALOG[i].dir, CATALOG[i].krate);
        i += 1;
    }
    out
};

/// The exercise in directory `dir`.
pub fn exercise(dir: &str) -> Option<&'static Exercise> {
    CATALOG.iter().find(|e| e.dir == dir)
}

/// The earlier exercises a "works with your own …" check of `dir` runs
/// through: what it calls, and what those call, nearest first.
pub fn own_chain(dir: &str) -> Vec<&'static str> {
    let mut chain: Vec<&'static str> = Vec::new();
    let mut next: Vec<&'static str> = exercise(dir).map(|e| e.calls.to_vec()).unwrap_or_default();
    while let Some(earlier) = next.first().copied() {
        next.remove(0);
        if !chain.contains(&earlier) {
            chain.push(earlier);
            next.extend(exercise(earlier).map(|e| e.calls).unwrap_or_default());
        }
    }
    chain
}

/// The crate name of the exercise a source location lies in:
/// `exercises/00_wait_random/src/lib.rs:12:5` → `wait_random`. The location
/// is rustc's path of the file, relative to the workspace, so an exercise's
/// files start with its directory.
pub fn exercise_of(location: &str) -> Option<&'static str> {
    let path = location.replace('\\', "/");
    EXERCISES
        .iter()
        .find(|(dir, _)| {
            path.strip_prefix("exercises/")
                .or_else(|| path.split_once("/exercises/").map(|(_, rest)| rest))
                .and_then(|rest| rest.strip_prefix(dir))
                .is_some_and(|rest| rest.starts_with('/'))
        })
        .map(|(_, krate)| *krate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercises_call_only_earlier_exercises_of_the_catalog() {
        for (i, e) in CATALOG.iter().enumerate() {
            for callee in e.calls {
                let at = CATALOG.iter().position(|c| c.dir == *callee);
                assert!(at.is_some_and(|at| at < i), "{} calls {callee}", e.dir);
            }
        }
    }

    #[test]
    fn locations_name_the_exercise_by_its_directory() {
        assert_eq!(
            exercise_of("exercises/01_wait_n/src/lib.rs:1:1"),
            Some("wait_n")
        );
        assert_eq!(
            exercise_of("/build/exercises/05_async_generator/src/a.rs:1:1"),
            Some("async_generator")
        );
        assert_eq!(exercise_of("exercises/01_wait_nx/src/lib.rs:1:1"), None);
        assert_eq!(exercise_of("checker/probes/wait_n/src/lib.rs:1:1"), None);
    }

    #[test]
    fn own_chains_follow_calls_transitively() {
        assert_eq!(own_chain("00_wait_random"), Vec::<&str>::new());
        assert_eq!(
            own_chain("02_measure_time"),
            ["01_wait_n", "00_wait_random"]
        );
        assert_eq!(
            own_chain("04_task_wait_n"),
            ["03_task_wait_random", "00_wait_random"]
        );
        assert_eq!(
            own_chain("07_measure_runtime"),
            ["06_async_comprehension", "05_async_generator"]
        );
    }
}
