use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use shiplint::config::{Config, Overrides};
use shiplint::finding::Level;
use shiplint::report;
use shiplint::rules::{self, BinaryOptions};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

/// Find, explain and fix defects in how Go executables are built and shipped.
#[derive(Parser)]
#[command(name = "shiplint", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LevelArg {
    Info,
    Warning,
    Error,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Info => Level::Info,
            LevelArg::Warning => Level::Warning,
            LevelArg::Error => Level::Error,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Find Go executables and build definitions under PATHs (default `.`) and report how they
    /// build and ship Go programs wrong.
    Check(CheckArgs),
    /// List every rule: code, name, default level and summary.
    Rules,
    /// Print a rule's page: what, why, what really happens, examples, fix.
    Explain { rule: String },
    /// Print Go build information exactly as the newest `go version [-m] [-v] [-json] FILE|DIR...` does.
    #[command(disable_help_flag = true)]
    Buildinfo {
        /// `-m`, `-v`, `-json` (Go flag syntax), then files and directories.
        #[arg(num_args = 0.., allow_hyphen_values = true, trailing_var_arg = true)]
        args: Vec<String>,
    },
    /// Print every fact about Go executables: format, Go version, BuildInfo, build IDs,
    /// pclntab files, symbols, DWARF, linkage, code signature.
    Inspect {
        #[arg(required = true)]
        files: Vec<String>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Say why two builds of the same program are not byte-identical: two executables, or two
    /// folders compared file by file. Exit 0 when identical, 1 when different, 2 on errors.
    Diff {
        a: PathBuf,
        b: PathBuf,
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Keep unstripped executables where `check --symbols DIR` finds them.
    Symbols {
        #[command(subcommand)]
        action: SymbolsAction,
    },
    /// Print a completion script for a shell (e.g. `shiplint completions bash > /etc/bash_completion.d/shiplint`).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page, in roff (`shiplint man > shiplint.1; man -l shiplint.1`).
    Man,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// When the output is a terminal and NO_COLOR is unset or empty.
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct CheckArgs {
    paths: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    /// Run only these rules (codes or names, comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Exit 1 when a finding is at or above this level [default: warning, or shiplint.toml's].
    #[arg(long, value_enum)]
    fail_on: Option<LevelArg>,
    /// Configuration file [default: the nearest shiplint.toml].
    #[arg(long)]
    config: Option<PathBuf>,
    /// A store filled by `shiplint symbols store`, where unstripped twins are looked up.
    #[arg(long)]
    symbols: Option<PathBuf>,
    /// An `importpath.name=value` that should have been set with -X (repeatable).
    #[arg(long = "expect-x")]
    expect_x: Vec<String>,
    /// Apply the safe fixes to the build definitions, then report what remains.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, include fixes that change more than the defect (each says what).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of applying them.
    #[arg(long)]
    diff: bool,
    /// Show findings that `# shiplint: ignore[...]` comments suppress.
    #[arg(long)]
    no_ignores: bool,
    /// Write `# shiplint: ignore[rule] REASON` above every current finding in build definitions
    /// (with --diff: print them as a diff), then report what remains.
    #[arg(long, value_name = "REASON", num_args = 0..=1, require_equals = true,
          default_missing_value = shiplint::add_ignores::DEFAULT_REASON, conflicts_with = "fix")]
    add_ignores: Option<String>,
}

/// How and where `check` writes its report.
#[derive(clap::Args)]
struct OutputArgs {
    #[arg(long, value_enum, default_value_t = report::Format::Human)]
    format: report::Format,
    /// Print the number of findings per rule instead of the findings (human or json format).
    #[arg(long)]
    statistics: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// Whether to colour output going to `terminal` (https://no-color.org: a non-empty NO_COLOR).
fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Writes the report to the output file or standard output; an error names what failed (a
/// closed standard output, as with `| head`, is not one).
fn write_report(args: &OutputArgs, result: &shiplint::check::ScanResult) -> Result<(), String> {
    let render = |out: &mut dyn Write, color: bool| -> io::Result<()> {
        let mut out = io::BufWriter::new(out);
        if args.statistics {
            report::write_statistics(&result.findings, args.format == report::Format::Json, &mut out)?;
        } else {
            report::write(args.format, result, color, &mut out)?;
        }
        out.flush()
    };
    match &args.output_file {
        Some(path) => {
            let shown = path.display();
            let mut file = std::fs::File::create(path).map_err(|e| format!("{shown}: {e}"))?;
            render(&mut file, use_color(args.color, false)).map_err(|e| format!("{shown}: {e}"))?;
            file.sync_all().map_err(|e| format!("{shown}: {e}"))
        }
        None => match render(&mut io::stdout().lock(), use_color(args.color, io::stdout().is_terminal())) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("standard output: {e}")),
            _ => Ok(()),
        },
    }
}

/// `check --add-ignores`: the comments above every finding, as a diff or written; returns an exit
/// status when that is all there is to do (`--diff`) or it failed.
fn add_ignores(reason: &str, diff: bool, result: &shiplint::check::ScanResult, paths: &[PathBuf]) -> Option<i32> {
    let (files, skipped) = match shiplint::add_ignores::plan(&result.findings, reason) {
        Ok(planned) => planned,
        Err(e) => {
            eprintln!("shiplint: {e}");
            return Some(2);
        }
    };
    for s in &skipped {
        eprintln!("shiplint: {}:{}: no ignore comment: {}", report::printable(&s.path), s.line, s.why);
    }
    diff_or_write(&files, diff, paths, ("added", "ignore comment(s)"))
}

/// `check --fix`: the fixes, as a diff or written; like `add_ignores`.
fn fix(unsafe_too: bool, diff: bool, result: &shiplint::check::ScanResult, paths: &[PathBuf]) -> Option<i32> {
    match shiplint::fix::plan(&result.findings, unsafe_too) {
        Ok(files) => diff_or_write(&files, diff, paths, ("applied", "fix(es)")),
        Err(e) => {
            eprintln!("shiplint: {e}");
            Some(2)
        }
    }
}

/// Prints the changed files as a unified diff (exit status 1 when there is one), or writes them
/// and says how many changes (`what`: verb and noun) went into how many files.
fn diff_or_write(files: &[shiplint::fix::Fixed], diff: bool, paths: &[PathBuf], what: (&str, &str)) -> Option<i32> {
    if diff {
        let mut out = io::stdout().lock();
        for f in files {
            let _ = out.write_all(shiplint::fix::diff(f).as_bytes());
        }
        return Some(i32::from(!files.is_empty()));
    }
    let (mut changes, mut written) = (0, 0);
    for f in files {
        match shiplint::fix::write(f, paths) {
            Ok(()) => (changes, written) = (changes + f.applied, written + 1),
            // Left alone (a hard link, a link out of the tree, vendor/): its findings stay.
            Err(e) => eprintln!("shiplint: {}: {e}", report::printable(&f.path)),
        }
    }
    let (verb, noun) = what;
    eprintln!("shiplint: {verb} {changes} {noun} in {written} file(s)");
    None
}

#[derive(Subcommand)]
enum SymbolsAction {
    /// File unstripped binaries by Go build ID (and GNU build ID, in the .build-id layout).
    Store {
        #[arg(required = true)]
        binaries: Vec<PathBuf>,
        #[arg(long)]
        into: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

/// Runs `work`, showing "scanned N/M files" on a terminal's stderr once it takes over half a second.
fn with_progress_bar<T>(progress: &shiplint::check::Progress, work: impl FnOnce() -> T) -> T {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    if !io::stderr().is_terminal() {
        return work();
    }
    let finished = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let start = Instant::now();
            let mut shown = false;
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if start.elapsed() > Duration::from_millis(500) {
                    let (done, total) = (progress.done.load(Ordering::Relaxed), progress.total.load(Ordering::Relaxed));
                    eprint!("\rscanned {done}/{total} files");
                    shown = true;
                }
            }
            if shown {
                eprint!("\r\x1b[K");
            }
        });
        let result = work();
        finished.store(true, Ordering::Relaxed);
        result
    })
}

/// `shiplint check`: scan, optionally fix or preview fixes, report; returns the exit status.
fn run_check(args: CheckArgs) -> i32 {
    if args.output.statistics && !matches!(args.output.format, report::Format::Human | report::Format::Json) {
        eprintln!("shiplint: --statistics prints in the human or json format only");
        return 2;
    }
    let overrides = Overrides { select: args.select, ignore: args.ignore, fail_on: args.fail_on.map(Level::from) };
    let cwd = std::env::current_dir().unwrap_or_default();
    let config = match Config::load(args.config.as_deref(), &cwd, &overrides) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("shiplint: {e}");
            return 2;
        }
    };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let options = BinaryOptions {
        expect_x: args.expect_x,
        symbols_dir: args.symbols,
        newest_go_minor: config.newest_go_minor,
        newest_go_patch: config.newest_go_patch,
        no_ignores: args.no_ignores,
    };
    let progress = shiplint::check::Progress::default();
    let mut result = with_progress_bar(&progress, || shiplint::check::scan(&paths, &options, &config, &progress));
    let changed = if let Some(reason) = &args.add_ignores {
        Some(add_ignores(reason, args.diff, &result, &paths))
    } else if args.fix || args.diff {
        Some(fix(args.unsafe_fixes, args.diff, &result, &paths))
    } else {
        None
    };
    match changed {
        Some(Some(status)) => return status,
        // The files changed: report what remains.
        Some(None) => result = shiplint::check::scan(&paths, &options, &config, &progress),
        None => {}
    }
    if let Err(e) = write_report(&args.output, &result) {
        eprintln!("shiplint: {e}");
        return 2;
    }
    if args.output.format != report::Format::Github {
        for e in &result.errors {
            eprintln!("shiplint: {}: {}", report::printable(&e.path), report::printable(&e.message));
        }
        for n in &result.notes {
            eprintln!("shiplint: note: {}: {}", report::printable(&n.path), report::printable(&n.message));
        }
    }
    if !result.errors.is_empty() {
        2
    } else if result.findings.iter().any(|f| f.level >= config.fail_on) {
        1
    } else {
        0
    }
}

fn main() {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rules => {
            let mut out = io::stdout().lock();
            for m in rules::all() {
                // A closed pipe (`| head`) is not an error worth reporting.
                let _ = writeln!(out, "{:6} {:28} {:8} {}", m.code, m.name, m.default_level, m.summary);
            }
            0
        }
        Command::Explain { rule } => match rules::lookup(&rule) {
            Some(m) => {
                let _ = io::stdout().lock().write_all(m.page().as_bytes());
                0
            }
            None => {
                eprintln!("shiplint: unknown rule `{rule}` (see `shiplint rules`)");
                2
            }
        },
        Command::Buildinfo { args } => shiplint::goversion::run(&args),
        Command::Inspect { files, format } => shiplint::inspect::run(&files, matches!(format, OutputFormat::Json)),
        Command::Diff { a, b, format } => match shiplint::diff::diff(&a, &b) {
            Ok(report) => {
                let mut out = io::stdout().lock();
                let _ = match format {
                    OutputFormat::Json => {
                        writeln!(out, "{}", serde_json::to_string_pretty(&report).unwrap_or_default())
                    }
                    OutputFormat::Human => out.write_all(shiplint::diff::render(&report).as_bytes()),
                };
                let _ = out.flush();
                for e in &report.errors {
                    eprintln!("shiplint: {}", report::printable(e));
                }
                if report.errors.is_empty() { i32::from(!report.identical()) } else { 2 }
            }
            Err(e) => {
                eprintln!("shiplint: {e}");
                2
            }
        },
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "shiplint", &mut io::stdout().lock());
            0
        }
        Command::Man => {
            let _ = clap_mangen::Man::new(Cli::command()).render(&mut io::stdout().lock());
            0
        }
        Command::Symbols { action: SymbolsAction::Store { binaries, into } } => {
            let mut status = 0;
            for b in &binaries {
                match shiplint::symbol_store::store(b, &into) {
                    Ok(paths) => {
                        for p in paths {
                            let _ = writeln!(io::stdout().lock(), "{} -> {}", b.display(), p.display());
                        }
                    }
                    Err(e) => {
                        eprintln!("shiplint: {}: {e}", b.display());
                        status = 2;
                    }
                }
            }
            status
        }
    };
    std::process::exit(status);
}
