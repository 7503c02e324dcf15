use clap::{Parser, Subcommand, ValueEnum};
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
}

#[derive(clap::Args)]
struct CheckArgs {
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = report::Format::Human)]
    format: report::Format,
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
        no_ignores: args.no_ignores,
    };
    let progress = shiplint::check::Progress::default();
    let mut result = with_progress_bar(&progress, || shiplint::check::scan(&paths, &options, &config, &progress));
    if args.fix || args.diff {
        let files = match shiplint::fix::plan(&result.findings, args.unsafe_fixes) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("shiplint: {e}");
                return 2;
            }
        };
        if args.diff {
            let mut out = io::stdout().lock();
            for f in &files {
                let _ = out.write_all(shiplint::fix::diff(f).as_bytes());
            }
            return i32::from(!files.is_empty());
        }
        let (mut applied, mut written) = (0, 0);
        for f in &files {
            match shiplint::fix::write(f, &paths) {
                Ok(()) => (applied, written) = (applied + f.applied, written + 1),
                // Left alone (a hard link, a link out of the tree, vendor/): its findings stay.
                Err(e) => eprintln!("shiplint: {}: {e}", report::printable(&f.path)),
            }
        }
        eprintln!("shiplint: applied {applied} fix(es) in {written} file(s)");
        result = shiplint::check::scan(&paths, &options, &config, &progress);
    }
    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let _ = report::write(args.format, &result, color, &mut out);
    let _ = out.flush();
    if args.format != report::Format::Github {
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
