use clap::{Parser, Subcommand, ValueEnum};

/// Find, explain and fix defects in how Go executables are built and shipped.
#[derive(Parser)]
#[command(name = "shiplint", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

fn main() {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Buildinfo { args } => shiplint::goversion::run(&args),
        Command::Inspect { files, format } => {
            shiplint::inspect::run(&files, matches!(format, OutputFormat::Json))
        }
    };
    std::process::exit(status);
}
