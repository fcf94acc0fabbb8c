//! The `checker` command: parses arguments, calls the library, prints, and
//! picks the exit code (all codes live in `checker::exit_code`).

use bytesize::ByteSize;
use checker::exit_code;
use checker::grade::{self, Budget, Options};
use checker::report::{render_human, render_json};
use checker::sandbox::Mode;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "checker",
    version,
    about = "Grades the async course's exercises under paused tokio time"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grade a submission directory and print a report.
    #[command(after_help = format!("{}\n\n{}", grade::limits_help(), exit_code::HELP))]
    Grade(GradeArgs),
    /// Prove the course sound: solutions pass, stubs fail, every fixture fails
    /// exactly what it declares, every check is caught, verdicts repeat.
    /// Exits 1 when anything needs fixing.
    Verify {
        /// How often every check runs on every implementation.
        #[arg(long, default_value_t = 3, value_name = "N")]
        rounds: usize,
        #[command(flatten)]
        course: CourseArg,
    },
    /// Scaffold a new exercise (crate, stub, README, checks.yaml, solution,
    /// checks module, fixture folder) and wire it into the catalog and the
    /// grading runner; `checker verify` then lists what is left to write.
    New {
        /// Its directory name: two digits and the crate name, e.g. 08_gather_all.
        name: String,
        #[command(flatten)]
        course: CourseArg,
    },
    /// Write the course as students get it: no solutions, hidden checks or fixtures.
    Export {
        /// The directory to write (new or empty).
        #[arg(long, value_name = "OUT_DIR")]
        student: PathBuf,
        #[command(flatten)]
        course: CourseArg,
    },
    /// Internal: sets up one sandboxed process (checker::sandbox::launch).
    #[command(name = checker::sandbox::launch::SUBCOMMAND, hide = true)]
    Launch {
        /// The launch spec, as JSON.
        spec: String,
    },
}

#[derive(clap::Args)]
struct CourseArg {
    /// The course [default: the repository this checker was built in].
    #[arg(long = "course", value_name = "DIR", env = "CHECKER_COURSE")]
    dir: Option<PathBuf>,
}

impl CourseArg {
    fn path(self) -> PathBuf {
        self.dir.unwrap_or_else(default_course)
    }
}

/// The repository this checker was built in.
fn default_course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(clap::Args)]
struct GradeArgs {
    /// The submission: a directory laid out like the course; only
    /// exercises/NN_name/src/**/*.rs is read from it.
    #[arg(long, value_name = "DIR")]
    submission: PathBuf,
    /// Report format [default: human on a terminal, else json].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Grade only this exercise (repeatable), e.g. 01_wait_n.
    #[arg(long = "exercise", value_name = "NN_name")]
    exercises: Vec<String>,
    /// Exercises graded at once [default: number of CPUs].
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// When to colour the human report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Show hidden checks' messages and hints.
    #[arg(long)]
    reveal_hidden: bool,
    /// The pristine course [default: the repository this checker was built in].
    #[arg(long, value_name = "DIR", env = "CHECKER_COURSE")]
    course: Option<PathBuf>,
    /// Where built dependencies are kept between gradings [default:
    /// $XDG_CACHE_HOME/async-course-checker]. Delete it to start cold.
    #[arg(long, value_name = "DIR", env = "CHECKER_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// How the submission's build and checks are isolated: auto uses
    /// bubblewrap and refuses to grade where it does not work; none runs
    /// them unisolated, for code you trust.
    #[arg(long, value_enum, default_value_t = SandboxMode::Auto)]
    sandbox: SandboxMode,
    /// Wall-clock budget of one build; then the whole build is killed.
    #[arg(long, value_name = "DURATION", default_value_t = Budget::build().time.into())]
    build_timeout: humantime::Duration,
    /// Memory one build may use (rustc and cargo together).
    #[arg(long, value_name = "BYTES", default_value_t = ByteSize(Budget::build().limits.memory))]
    build_memory: ByteSize,
    /// Processes and threads one build may run at once.
    #[arg(long, value_name = "N", default_value_t = Budget::build().limits.processes)]
    build_processes: u64,
    /// Wall-clock budget of one exercise's checks, reruns included.
    #[arg(long, value_name = "DURATION", default_value_t = Budget::run().time.into())]
    run_timeout: humantime::Duration,
    /// Memory one exercise's checks may use.
    #[arg(long, value_name = "BYTES", default_value_t = ByteSize(Budget::run().limits.memory))]
    run_memory: ByteSize,
    /// Processes and threads one exercise's checks may run at once.
    #[arg(long, value_name = "N", default_value_t = Budget::run().limits.processes)]
    run_processes: u64,
}

/// `--sandbox`.
#[derive(Clone, Copy, ValueEnum)]
enum SandboxMode {
    /// bubblewrap where it works, else refuse (exit 7).
    Auto,
    /// bubblewrap, else refuse (exit 7).
    Bwrap,
    /// No isolation: only for code you trust.
    None,
}

/// `--format`: every one renders the same `Report` (`checker::report`).
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Text for a terminal.
    Human,
    /// The report as SPEC.md defines it.
    Json,
    /// JUnit XML for CI test reporters.
    Junit,
    /// Gradescope's results.json.
    Gradescope,
    /// GitHub-flavoured Markdown for $GITHUB_STEP_SUMMARY or a PR comment.
    Markdown,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Grade(args) => grade_command(args),
        Command::Verify { rounds, course } => {
            match checker::verify::verify(&course.path(), rounds.max(1)) {
                Ok(verification) => {
                    print!("{}", verification.render());
                    code(if verification.problems.is_empty() {
                        exit_code::OK
                    } else {
                        exit_code::FAILED
                    })
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    code(exit_code::TOOLCHAIN)
                }
            }
        }
        Command::New { name, course } => {
            let root = course.path();
            match checker::scaffold::scaffold(&root, &name) {
                Ok(files) => {
                    println!("wrote {} files for {name}:", files.len());
                    for file in files {
                        // As the course names its files: exercises/08_x/README.md.
                        let shown = file.strip_prefix(&root).unwrap_or(&file);
                        println!("  {}", shown.display());
                    }
                    println!("next: `cargo run -p checker -- verify` lists what is left to write");
                    code(exit_code::OK)
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    code(exit_code::USAGE)
                }
            }
        }
        Command::Launch { spec } => checker::sandbox::launch::main(&spec),
        Command::Export { student, course } => {
            match checker::export::export(&course.path(), &student) {
                Ok(count) => {
                    println!("wrote {count} files to {}", student.display());
                    code(exit_code::OK)
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    code(exit_code::IO)
                }
            }
        }
    }
}

fn grade_command(args: GradeArgs) -> ExitCode {
    let course = args.course.unwrap_or_else(default_course);
    let mut options = Options::new(course, args.submission);
    options.exercises = args.exercises;
    options.reveal_hidden = args.reveal_hidden;
    if let Some(jobs) = args.jobs {
        options.jobs = jobs.max(1);
    }
    if let Some(cache) = args.cache_dir {
        options.cache = cache;
    }
    options.sandbox = match args.sandbox {
        SandboxMode::Auto => Mode::Auto,
        SandboxMode::Bwrap => Mode::Bwrap,
        SandboxMode::None => Mode::None,
    };
    if options.sandbox == Mode::None {
        eprintln!("warning: --sandbox none: the submission's code runs unisolated, as you");
    }
    options.build.time = args.build_timeout.into();
    options.build.limits.memory = args.build_memory.as_u64();
    options.build.limits.processes = args.build_processes;
    options.run.time = args.run_timeout.into();
    options.run.limits.memory = args.run_memory.as_u64();
    options.run.limits.processes = args.run_processes;
    let report = match grade::grade(&options) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: {err}");
            return code(exit_code::for_error(&err));
        }
    };
    let to_terminal = args.out.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Human
    } else {
        Format::Json
    });
    colored::control::set_override(use_color(args.color, to_terminal));
    let text = match format {
        Format::Json => render_json(&report),
        Format::Human => render_human(&report),
        Format::Junit => checker::report::render_junit(&report),
        Format::Gradescope => checker::report::render_gradescope(&report),
        Format::Markdown => checker::report::render_markdown(&report),
    };
    let written = match &args.out {
        Some(path) => write_atomically(path, &text),
        None => std::io::stdout().write_all(text.as_bytes()),
    };
    match written {
        Ok(()) => code(exit_code::OK),
        Err(err) => {
            eprintln!("error: failed to write the report: {err}");
            code(exit_code::IO)
        }
    }
}

/// `--color`, `NO_COLOR` and `CARGO_TERM_COLOR`, decided once.
fn use_color(choice: Color, to_terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            match std::env::var("CARGO_TERM_COLOR").as_deref() {
                Ok("always") => !no_color,
                Ok("never") => false,
                _ => to_terminal && !no_color,
            }
        }
    }
}

/// Writes beside `path` and renames, so readers never see half a report.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("--out needs a file name"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn code(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
