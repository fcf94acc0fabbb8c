//! The grading child (see `checker::child`): `checker grade` runs it once
//! per exercise. Students never run it.

mod e00_wait_random;
mod e01_wait_n;
mod e02_measure_time;
mod e03_task_wait_random;
mod e04_task_wait_n;
mod e05_async_generator;
mod e06_async_comprehension;
mod e07_measure_runtime;

fn subject_of(exercise: &str) -> Option<checker::Subject> {
    Some(match exercise {
        "00_wait_random" => e00_wait_random::subject(),
        "01_wait_n" => e01_wait_n::subject(),
        "02_measure_time" => e02_measure_time::subject(),
        "03_task_wait_random" => e03_task_wait_random::subject(),
        "04_task_wait_n" => e04_task_wait_n::subject(),
        "05_async_generator" => e05_async_generator::subject(),
        "06_async_comprehension" => e06_async_comprehension::subject(),
        "07_measure_runtime" => e07_measure_runtime::subject(),
        _ => return None,
    })
}

fn main() -> std::process::ExitCode {
    checker::child::main(subject_of)
}
