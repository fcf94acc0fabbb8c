//! The `checker` command: parses arguments, calls the library, prints, and
//! picks the exit code (all codes live in `checker::exit_code`).

use bytesize::ByteSize;
use checker::exit_code;
use checker::grade::{self, Budget, Options};
use checker::report::{Format, Report};
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
    /// Where you stand: every exercise, what it teaches, its state (not
    /// started, failing k of n checks, done) and points, from your last
    /// `cargo test -p` of each.
    List {
        #[command(flatten)]
        course: CourseArg,
    },
    /// Watch mode: the first exercise not yet passing, its checks re-run on
    /// every save; keys h (hint), l (list), n (next), r (re-run), q (quit).
    Watch {
        #[command(flatten)]
        course: CourseArg,
    },
    /// A hint for the first check that failed in your last `cargo test -p`
    /// of an exercise: a nudge first, then the tool to use (--next), then
    /// the shape of the code (--next again).
    Hint {
        /// The exercise: 01, 01_wait_n or wait_n.
        exercise: String,
        /// Reveal the next step of the hint.
        #[arg(long)]
        next: bool,
        /// The check to hint at, by id [default: the first that failed].
        #[arg(long, value_name = "ID")]
        check: Option<String>,
        #[command(flatten)]
        course: CourseArg,
    },
    /// Answer a quiz (the lessons' questions, for Rust): asked one by one
    /// with feedback, the answers saved to quizzes/NAME.answers.yaml, which
    /// `checker grade` grades. Without NAME, lists the quizzes.
    Quiz {
        /// The quiz, e.g. mastering-1.
        name: Option<String>,
        /// Grade this answers file instead of asking (`question-id: b`, one a line).
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// Where the answers given are saved [default: quizzes/NAME.answers.yaml in the course].
        #[arg(long, value_name = "FILE", conflicts_with = "answers")]
        save: Option<PathBuf>,
        #[command(flatten)]
        course: CourseArg,
    },
    /// Write what a course needs to be graded elsewhere (see `init --help`).
    Init {
        #[command(subcommand)]
        what: InitCommand,
    },
    /// Package the course for a grading service.
    Bundle {
        #[command(subcommand)]
        what: BundleCommand,
    },
    /// Internal: sets up one sandboxed process (checker::sandbox::launch).
    #[command(name = checker::sandbox::launch::SUBCOMMAND, hide = true)]
    Launch {
        /// The launch spec, as JSON.
        spec: String,
    },
}

#[derive(Subcommand)]
enum InitCommand {
    /// Write .github/workflows/classroom.yml into a student repository: it
    /// grades every push with the course's checks at a pinned commit and
    /// reports the points to GitHub Classroom.
    GithubClassroom {
        /// The student repository (or the assignment's template) to write into.
        #[arg(long, value_name = "DIR", default_value = ".")]
        repo: PathBuf,
        /// The course repository on GitHub, OWNER/NAME [default: the
        /// course's `origin` remote].
        #[arg(long, value_name = "OWNER/NAME")]
        course_repo: Option<String>,
        /// The course commit to grade with [default: the course's HEAD].
        #[arg(long, value_name = "SHA")]
        course_ref: Option<String>,
        /// Replace an existing workflow file.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        course: CourseArg,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Write a Gradescope autograder zip: setup.sh and run_autograder at its
    /// root, the course (with hidden checks, without solutions) beside them.
    Gradescope {
        /// The zip to write.
        #[arg(long, value_name = "FILE", default_value = "autograder.zip")]
        out: PathBuf,
        #[command(flatten)]
        course: CourseArg,
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
#[command(group(clap::ArgGroup::new("what").required(true).args(["submission", "class"])))]
struct GradeArgs {
    /// The submission: a directory laid out like the course; only
    /// exercises/NN_name/src/**/*.rs is read from it.
    #[arg(long, value_name = "DIR")]
    submission: Option<PathBuf>,
    /// Grade a class: every subdirectory of DIR is one student's
    /// submission, named by its directory. Writes a gradebook and every
    /// student's reports into --out-dir.
    #[arg(long, value_name = "DIR", requires = "out_dir")]
    class: Option<PathBuf>,
    /// With --class: where the gradebook (gradebook.csv), the summary and
    /// the students' reports (students/NAME/) go. A rerun into the same
    /// directory regrades only what changed.
    #[arg(long, value_name = "DIR", requires = "class")]
    out_dir: Option<PathBuf>,
    /// Report format [default: human on a terminal, else json]. With
    /// --class, repeatable: each student gets every format asked for, and
    /// always json.
    #[arg(long, value_enum)]
    format: Vec<Format>,
    /// Grade only this exercise (repeatable), e.g. 01_wait_n.
    #[arg(long = "exercise", value_name = "NN_name")]
    exercises: Vec<String>,
    /// Exercises graded at once; with --class, submissions graded at once
    /// [default: number of CPUs].
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
        Command::List { course } => {
            print!("{}", checker::progress::list(&course.path()));
            code(exit_code::OK)
        }
        Command::Watch { course } => code(checker::watch::watch(&course.path())),
        Command::Hint {
            exercise,
            next,
            check,
            course,
        } => {
            use checker::hint::NoHint;
            match checker::hint::hint(&course.path(), &exercise, check.as_deref(), next) {
                Ok(shown) => {
                    let more = format!("cargo run -p checker -- hint {exercise} --next");
                    print!("{}", shown.render(&more));
                    code(exit_code::OK)
                }
                Err(all @ NoHint::AllPass(_)) => {
                    println!("{all}");
                    code(exit_code::OK)
                }
                Err(err @ NoHint::Course(..)) => {
                    eprintln!("error: {err}");
                    code(exit_code::COURSE)
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    code(exit_code::USAGE)
                }
            }
        }
        Command::Quiz {
            name,
            answers,
            save,
            course,
        } => quiz_command(&course.path(), name, answers, save),
        Command::Init {
            what:
                InitCommand::GithubClassroom {
                    repo,
                    course_repo,
                    course_ref,
                    force,
                    course,
                },
        } => {
            let course = course.path();
            let pin = checker::classroom::Pin::find(&course, course_repo, course_ref);
            match pin.and_then(|pin| checker::classroom::init(&repo, &pin, force)) {
                Ok(path) => {
                    println!("wrote {}", path.display());
                    code(exit_code::OK)
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    code(exit_code::USAGE)
                }
            }
        }
        Command::Bundle {
            what: BundleCommand::Gradescope { out, course },
        } => match checker::bundle::gradescope(&course.path(), &out) {
            Ok(files) => {
                println!("wrote {} ({files} files)", out.display());
                code(exit_code::OK)
            }
            Err(err) => {
                eprintln!("error: {err}");
                code(exit_code::IO)
            }
        },
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
    let course = args.course.clone().unwrap_or_else(default_course);
    let mut options = Options::new(course, args.submission.clone().unwrap_or_default());
    options.exercises = args.exercises.clone();
    options.reveal_hidden = args.reveal_hidden;
    if let Some(cache) = &args.cache_dir {
        options.cache = cache.clone();
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
    if let (Some(class), Some(out_dir)) = (&args.class, &args.out_dir) {
        return class_command(&args, options, class, out_dir);
    }
    if let Some(jobs) = args.jobs {
        options.jobs = jobs.max(1);
    }
    if args.format.len() > 1 {
        eprintln!(
            "error: one --format at a time for one submission (or --class, which writes each)"
        );
        return code(exit_code::USAGE);
    }
    let to_terminal = args.out.is_none() && std::io::stdout().is_terminal();
    let format = args.format.first().copied().unwrap_or(if to_terminal {
        Format::Human
    } else {
        Format::Json
    });
    let report = match grade::grade(&options) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: {err}");
            return code(exit_code::for_error(&err));
        }
    };
    colored::control::set_override(use_color(args.color, to_terminal));
    let text = format.render(&report);
    let written = if format == Format::Classroom {
        classroom_outputs(&report, &text, args.out.as_deref())
    } else {
        match &args.out {
            Some(path) => checker::files::write_atomically(path, &text),
            None => std::io::stdout().write_all(text.as_bytes()),
        }
    };
    match written {
        Ok(()) => code(exit_code::OK),
        Err(err) => {
            eprintln!("error: failed to write the report: {err}");
            code(exit_code::IO)
        }
    }
}

/// `--format classroom`: the result goes to `--out` (or stdout); in GitHub
/// Actions also to `$GITHUB_OUTPUT` as `result`, the Markdown report to
/// `$GITHUB_STEP_SUMMARY`, and to the log the failing checks as
/// annotations and the human report, fenced so that nothing it quotes from
/// student code is read as a workflow command.
fn classroom_outputs(report: &Report, result: &str, out: Option<&Path>) -> std::io::Result<()> {
    use checker::report::github;
    let append = |var: &str, text: &str| -> std::io::Result<()> {
        match std::env::var_os(var).filter(|v| !v.is_empty()) {
            Some(path) => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?
                .write_all(text.as_bytes()),
            None => Ok(()),
        }
    };
    append("GITHUB_OUTPUT", &format!("result={result}"))?;
    append(
        "GITHUB_STEP_SUMMARY",
        &github::step_summary(&Format::Markdown.render(report)),
    )?;
    let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    match out {
        Some(path) => checker::files::write_atomically(path, result)?,
        None if !in_actions => std::io::stdout().write_all(result.as_bytes())?,
        None => {}
    }
    if in_actions {
        colored::control::set_override(false);
        let log = format!(
            "{}{}",
            github::annotations(report),
            github::without_commands(&Format::Human.render(report), &github::stop_token())
        );
        std::io::stdout().write_all(log.as_bytes())?;
    }
    Ok(())
}

/// `--class DIR --out-dir OUT`.
fn class_command(args: &GradeArgs, options: Options, class: &Path, out_dir: &Path) -> ExitCode {
    use checker::class::{self, ClassOptions, progress};
    let jobs = args.jobs.unwrap_or(options.jobs).max(1);
    let mut options = options;
    // Submissions run side by side; each one's exercises share what is left.
    options.jobs = (options.jobs / jobs).max(1);
    let class_options = ClassOptions {
        class: class.to_path_buf(),
        out_dir: out_dir.to_path_buf(),
        formats: args.format.clone(),
        jobs,
        grade: options,
    };
    let bar;
    let lines;
    let progress: &dyn class::Progress = if std::io::stderr().is_terminal() {
        bar = progress::Bar::new();
        &bar
    } else {
        lines = progress::Lines::new();
        &lines
    };
    match class::grade_class(&class_options, progress) {
        Ok(graded) => {
            print!("{}", graded.summary());
            println!("gradebook: {}", out_dir.join("gradebook.csv").display());
            code(exit_code::OK)
        }
        Err(err) => {
            eprintln!("error: {err}");
            code(match &err {
                class::ClassError::Grade(err) => exit_code::for_error(err),
                class::ClassError::Class { .. } => exit_code::USAGE,
                class::ClassError::Out { .. } => exit_code::IO,
            })
        }
    }
}

/// `checker quiz [NAME] [--answers FILE | --save FILE]`.
fn quiz_command(
    course: &Path,
    name: Option<String>,
    answers: Option<PathBuf>,
    save: Option<PathBuf>,
) -> ExitCode {
    use checker::quiz;
    let quizzes = match quiz::load_all(course) {
        Ok(quizzes) => quizzes,
        Err(errors) => {
            for error in errors {
                eprintln!("error: {error}");
            }
            return code(exit_code::COURSE);
        }
    };
    let Some(name) = name else {
        for q in &quizzes {
            let saved = course.join(quiz::answers_path(&q.id)).exists();
            println!(
                "{:<14} {:>2} questions  {}{}",
                q.id,
                q.questions.len(),
                q.title,
                if saved { "  (answered)" } else { "" }
            );
        }
        println!("answer one with `checker quiz NAME`");
        return code(exit_code::OK);
    };
    let Some(quiz) = quizzes.iter().find(|q| q.id == name) else {
        let ids: Vec<&str> = quizzes.iter().map(|q| q.id.as_str()).collect();
        eprintln!(
            "error: no quiz {name:?}\nhint: the quizzes are {}",
            ids.join(", ")
        );
        return code(exit_code::USAGE);
    };
    if let Some(file) = answers {
        let parsed = std::fs::read_to_string(&file)
            .map_err(|e| e.to_string())
            .and_then(|text| quiz::parse_answers(&text));
        return match parsed {
            Ok(given) => {
                print!("{}", quiz::render_marks(quiz, &given));
                code(exit_code::OK)
            }
            Err(err) => {
                eprintln!("error: {}: {err}", file.display());
                code(exit_code::USAGE)
            }
        };
    }
    let path = save.unwrap_or_else(|| course.join(quiz::answers_path(&quiz.id)));
    let earlier = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| quiz::parse_answers(&t).ok())
        .unwrap_or_default();
    let stdin = std::io::stdin();
    let echo = !stdin.is_terminal();
    let asked = quiz::ask(
        quiz,
        &earlier,
        &mut stdin.lock(),
        &mut std::io::stdout(),
        echo,
    );
    let given = match asked {
        Ok(given) => given,
        Err(err) => {
            eprintln!("error: {err}");
            return code(exit_code::IO);
        }
    };
    print!("{}", quiz::render_marks(quiz, &given));
    match checker::files::write_atomically(&path, quiz::render_answers(quiz, &given)) {
        Ok(()) => {
            println!("answers saved to {}", path.display());
            code(exit_code::OK)
        }
        Err(err) => {
            eprintln!(
                "error: failed to save the answers to {}: {err}",
                path.display()
            );
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

fn code(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
