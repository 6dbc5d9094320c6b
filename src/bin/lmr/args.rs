//! Command-line arguments (clap derive). Values with units are taken as text and parsed by the
//! library, so a rejected value exits 3 with a message naming the flag and the value. The help
//! of every command and flag is in docs/cli.md (see `help.rs`).

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Args as ClapArgs, Parser, Subcommand, ValueEnum};

/// lmr command line.
#[derive(Debug, Parser)]
#[command(name = "lmr", version)]
pub struct Args {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process; boxing buys nothing
pub enum Command {
    Check(Box<CheckArgs>),
    Ranges(RangesArgs),
    Batch(BatchArgs),
    Caveats(CaveatsArgs),
    Summary(Box<SummaryArgs>),
    #[command(name = "reference-interval")]
    ReferenceInterval(Box<RefIntArgs>),
    #[command(name = "zscore-reference")]
    ZscoreReference(Box<ZrefArgs>),
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
}

/// `lmr serve`.
#[cfg(feature = "serve")]
#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    #[arg(long, default_value_t = 8457)]
    pub port: u16,
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    #[arg(long, value_name = "FILE|DIR")]
    pub ranges: Vec<PathBuf>,
    #[arg(long)]
    pub open: bool,
}

/// Batch output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum BatchFormat {
    /// CSV: input columns, then result columns (same delimiter as the input).
    #[default]
    Csv,
    /// JSON Lines: one object per row, input fields and result keys.
    Jsonl,
    /// FHIR R4 NDJSON: one Bundle (type collection) per row, an OperationOutcome for a row
    /// that cannot be interpreted (see docs/fhir.md).
    FhirNdjson,
}

/// `lmr batch`.
#[derive(Debug, ClapArgs)]
pub struct BatchArgs {
    #[arg(value_name = "IN.csv|-")]
    pub input: PathBuf,
    #[arg(short, long, value_name = "OUT|-")]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = BatchFormat::Csv)]
    pub format: BatchFormat,
    #[arg(long, value_name = "MAP.toml")]
    pub columns: Option<PathBuf>,
    #[arg(long, value_name = "C", default_value = ",")]
    pub delimiter: String,
    #[arg(long)]
    pub no_progress: bool,
    #[arg(long, value_name = "COLUMN")]
    pub sample_id: Option<String>,
    #[command(flatten)]
    pub reading: ReadArgs,
    #[command(flatten)]
    pub ranges: RangeOptions,
}

/// How a CSV input is read (see docs/reliability.md).
#[derive(Clone, Debug, ClapArgs)]
pub struct ReadArgs {
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = lmr::files::parse_size)]
    pub max_record_size: u64,
    #[arg(long, value_name = "utf-8|latin1", default_value = "utf-8", value_parser = <lmr::files::Encoding as std::str::FromStr>::from_str)]
    pub encoding: lmr::files::Encoding,
    #[arg(long)]
    pub decimal_comma: bool,
}

/// Output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A short report for people.
    #[default]
    Text,
    /// One JSON object (keys as the batch columns, plus `details`).
    Json,
}

/// Ranges shared by every interpreting command.
#[derive(Clone, Debug, Default, ClapArgs)]
pub struct RangeOptions {
    #[arg(long, value_name = "FILE|DIR")]
    pub ranges: Vec<PathBuf>,
    #[arg(long, value_name = "ID")]
    pub protocol: Option<String>,
    #[arg(long, value_name = "ID")]
    pub lm_range: Option<String>,
    #[arg(long, value_name = "ID")]
    pub vitamin_d_scheme: Vec<String>,
    #[arg(long, value_name = "ID")]
    pub zonulin_range: Option<String>,
    #[arg(long, value_name = "ID")]
    pub lr_range: Option<String>,
    #[arg(long)]
    pub subtract_baseline: bool,
    #[arg(long, value_name = "ID|FILE")]
    pub zscore_reference: Vec<String>,
}

/// The flags of `lmr check` that set a field of the sample, as (flag, value name), in the order
/// `--help` lists them. Each flag is the field name with `-` for `_` (read by
/// [`lmr::sample::apply_fields`]); the four `SUGAR=…` flags are repeatable.
const SAMPLE_FLAGS: [(&str, &str); 25] = [
    ("lactulose", "CONC"),
    ("mannitol", "CONC"),
    ("volume", "VOLUME"),
    ("lactulose-dose", "MASS"),
    ("mannitol-dose", "MASS"),
    ("collection", "DURATION"),
    ("age", "YEARS"),
    ("sex", "F|M"),
    ("vitamin-d", "CONC"),
    ("vitamin-d-form", "total|d3|d2"),
    ("zonulin", "VALUE"),
    ("zonulin-matrix", "serum|stool"),
    ("hp-genotype", "1-1|2-1|2-2"),
    ("pretest-nsaid", "yes|no"),
    ("pretest-alcohol", "yes|no"),
    ("pretest-laxative", "yes|no"),
    ("pretest-steroid", "yes|no"),
    ("recent-diarrhoea", "yes|no"),
    ("glycosuria", "yes|no"),
    ("egfr", "mL/min/1.73 m²"),
    ("sugar", "SUGAR=CONC"),
    ("dose", "SUGAR=MASS"),
    ("dose-volume", "VOLUME"),
    ("solution", "SUGAR=STRENGTH"),
    ("baseline", "SUGAR=CONC"),
];

/// The sample flags given, as (field, value) in the order of [`SAMPLE_FLAGS`].
#[derive(Debug, Default)]
pub struct SampleFlags(pub Vec<(String, String)>);

impl clap::FromArgMatches for SampleFlags {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let given = SAMPLE_FLAGS.iter().flat_map(|&(flag, _)| {
            let values = m.get_many::<String>(flag).into_iter().flatten();
            values.map(move |v| (flag.replace('-', "_"), v.clone()))
        });
        Ok(SampleFlags(given.collect()))
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl ClapArgs for SampleFlags {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        SAMPLE_FLAGS.iter().fold(cmd, |cmd, &(flag, value)| {
            let repeatable = value.starts_with("SUGAR=");
            cmd.arg(
                Arg::new(flag)
                    .long(flag)
                    .value_name(value)
                    .allow_hyphen_values(true)
                    .action(if repeatable {
                        ArgAction::Append
                    } else {
                        ArgAction::Set
                    }),
            )
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// `lmr check`.
#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    #[command(flatten)]
    pub fields: SampleFlags,
    #[arg(long, value_name = "FILE")]
    pub sample: Option<PathBuf>,
    #[command(flatten)]
    pub ranges: RangeOptions,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

/// `lmr check` output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A short report for people.
    #[default]
    Text,
    /// One JSON object (keys as the batch columns, plus `details`).
    Json,
    /// A FHIR R4 Bundle (type collection) of Observations with LOINC/lmr codes and UCUM units
    /// (see docs/fhir.md).
    Fhir,
}

/// `lmr ranges`.
#[derive(Debug, ClapArgs)]
pub struct RangesArgs {
    #[command(subcommand)]
    pub action: RangesAction,
}

/// `lmr ranges` actions.
#[derive(Debug, Subcommand)]
pub enum RangesAction {
    List {
        #[arg(long, value_name = "FILE|DIR")]
        ranges: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    Show {
        id: String,
        #[arg(long, value_name = "FILE|DIR")]
        ranges: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    Validate {
        path: PathBuf,
    },
}

/// `lmr caveats`.
#[derive(Debug, ClapArgs)]
pub struct CaveatsArgs {
    pub code: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Input shared by the commands that read a cohort CSV.
#[derive(Debug, ClapArgs)]
pub struct InputArgs {
    #[arg(value_name = "IN.csv|-")]
    pub input: PathBuf,
    #[arg(long, value_name = "MAP.toml")]
    pub columns: Option<PathBuf>,
    #[arg(long, value_name = "C", default_value = ",")]
    pub delimiter: String,
    #[arg(long, value_name = "COLUMN")]
    pub sample_id: Option<String>,
    #[command(flatten)]
    pub reading: ReadArgs,
}

/// Output format of `lmr summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// Aligned tables, units in the headers.
    #[default]
    Text,
    /// One JSON object.
    Json,
    /// Long ("tidy") CSV, one statistic per row.
    Csv,
}

/// `lmr summary`.
#[derive(Debug, ClapArgs)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_name = "COLUMN")]
    pub by: Vec<String>,
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub svg_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,
    #[arg(long, value_name = "N", default_value_t = lmr::cohort::DEFAULT_MAX_GROUPS)]
    pub max_groups: usize,
    #[command(flatten)]
    pub ranges: RangeOptions,
}

/// Which outliers `lmr reference-interval` leaves out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ExcludeArg {
    /// Values flagged by Dixon's D/R rule (CLSI EP28-A3c).
    #[default]
    Dixon,
    /// Values outside Tukey's fences.
    Tukey,
    /// Either.
    Both,
    /// None (flags are still reported).
    None,
}

/// `lmr reference-interval`.
#[derive(Debug, ClapArgs)]
pub struct RefIntArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_name = "ANALYTE")]
    pub analyte: String,
    #[arg(long, value_name = "COLUMN")]
    pub by: Vec<String>,
    #[arg(long, value_name = "N", default_value_t = lmr::cohort::DEFAULT_MAX_GROUPS)]
    pub max_groups: usize,
    #[arg(long, value_enum, default_value_t = ExcludeArg::Dixon)]
    pub exclude: ExcludeArg,
    #[arg(long, value_name = "FILE.toml")]
    pub write_range: Option<PathBuf>,
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub population: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub method: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub ranges: RangeOptions,
}

/// `lmr zscore-reference`.
#[derive(Debug, ClapArgs)]
pub struct ZrefArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_name = "ANALYTE")]
    pub analyte: String,
    #[arg(long, value_name = "BANDS")]
    pub age_bands: String,
    #[arg(long)]
    pub by_sex: bool,
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filter: Vec<String>,
    #[arg(long, value_name = "ln|linear", default_value = "ln")]
    pub scale: String,
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub min_cell: u64,
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub population: Option<String>,
    #[arg(short, long, value_name = "REF.toml|-")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub ranges: RangeOptions,
}
