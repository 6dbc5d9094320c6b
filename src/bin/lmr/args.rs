//! Command-line arguments (clap derive). A value the library parses (`--delimiter`,
//! `--age-bands`, ...) is parsed by clap with the library's parser, and main turns a rejected
//! value into exit 3; values with units are read by the sample layer. The help of every command
//! and flag is in docs/cli.md (see `help.rs`).

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand};
use lmr::batch::{Format as BatchFormat, Input};
use lmr::interpretation::RangeSetup;
use lmr::report::Format;
use lmr::sample::check::Format as CheckFormat;

/// lmr command line.
#[derive(Debug, Parser)]
#[command(name = "lmr", version)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process; boxing buys nothing
pub enum Command {
    Check(CheckArgs),
    Ranges {
        #[command(subcommand)]
        action: RangesAction,
    },
    Batch(BatchArgs),
    Caveats {
        code: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    Summary(SummaryArgs),
    ReferenceInterval(RefIntArgs),
    ZscoreReference(ZrefArgs),
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
}

/// `lmr serve`.
#[cfg(feature = "serve")]
#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    #[command(flatten)]
    pub config: lmr::serve::Config,
    #[arg(long)]
    pub open: bool,
}

/// `lmr batch`.
#[derive(Debug, ClapArgs)]
pub struct BatchArgs {
    #[command(flatten)]
    pub input: Input,
    #[arg(short, long, value_name = "OUT|-")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: BatchFormat,
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub ranges: RangeSetup,
}

/// `lmr check`.
#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    #[command(flatten)]
    pub fields: lmr::sample::check::Fields,
    #[arg(long, value_name = "FILE")]
    pub sample: Option<PathBuf>,
    #[command(flatten)]
    pub ranges: RangeSetup,
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
}

/// `lmr ranges` actions.
#[derive(Debug, Subcommand)]
pub enum RangesAction {
    List {
        #[arg(long, value_name = "FILE|DIR")]
        ranges: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    Show {
        id: String,
        #[arg(long, value_name = "FILE|DIR")]
        ranges: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    Validate {
        path: PathBuf,
    },
}

/// `lmr summary`.
#[derive(Debug, ClapArgs)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub groups: lmr::cohort::Groups,
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub svg_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: lmr::summary::Format,
    #[command(flatten)]
    pub ranges: RangeSetup,
}

/// `lmr reference-interval`.
#[derive(Debug, ClapArgs)]
pub struct RefIntArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub interval: lmr::cohort::IntervalOptions,
    #[arg(long, value_name = "FILE.toml")]
    pub write_range: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub ranges: RangeSetup,
}

/// `lmr zscore-reference`.
#[derive(Debug, ClapArgs)]
pub struct ZrefArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub table: lmr::cohort::ZscoreOptions,
    #[arg(short, long, value_name = "REF.toml|-")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub ranges: RangeSetup,
}
