//! Command-line arguments (clap derive). Values with units are taken as text and parsed by the
//! library, so a rejected value exits 3 with a message naming the flag and the value.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "Interpret lactulose–mannitol intestinal permeability tests, and put serum zonulin and 25-hydroxyvitamin D in context against named, sourced reference ranges.";

const LONG_ABOUT: &str = "\
Interpret lactulose–mannitol intestinal permeability tests, and put serum zonulin and
25-hydroxyvitamin D in context against named, sourced reference ranges.

Increased intestinal permeability is measurable; \"leaky gut syndrome\" is not an established
diagnosis. lmr describes the measurement, compares it with a named reference, and states the
caveats. It never tells a person they have a syndrome or a disease.";

const EXIT_CODES: &str = "\
Exit codes:
  0  interpreted
  1  fatal: unreadable or invalid range file, I/O error
  2  usage error (unknown flag, missing value)
  3  an input value was rejected (the message names the flag and the value)";

/// lmr command line.
#[derive(Debug, Parser)]
#[command(name = "lmr", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXIT_CODES)]
pub struct Args {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Interpret one sample given on the command line.
    #[command(after_long_help = CHECK_EXAMPLES)]
    Check(Box<CheckArgs>),
    /// List, show or validate reference ranges and protocols.
    Ranges(RangesArgs),
    /// Print every caveat and flag code with its text and source.
    Caveats(CaveatsArgs),
}

const CHECK_EXAMPLES: &str = "\
Examples:
  # Adult 5 g / 1 g, 5 h test (no verified range exists for it: the ratio is reported unclassified)
  lmr check --lactulose \"9.21 mg/L\" --mannitol \"72.9 mg/L\" --volume \"1857 mL\" \\
            --lactulose-dose \"5 g\" --mannitol-dose \"1 g\" --collection \"5 h\" --age 35 --sex F

  # A named protocol supplies the doses and window; the matching range classifies the ratio
  lmr check --protocol dutch-sat-hyperosmolar --lactulose \"30 mg/L\" --mannitol \"200 mg/L\" --volume \"1 L\"

  # Vitamin D under every shipped guideline, side by side
  lmr check --vitamin-d \"20 ng/mL\" --vitamin-d-scheme all

  # Zonulin, compared with one lab's serum cut-off
  lmr check --zonulin \"52 ng/mL\" --zonulin-matrix serum --zonulin-range enterosan-serum

Values take a unit: \"9.21 mg/L\", \"9.21mg/L\", \"0.58 mmol/L\", \"1.857 L\", \"300 min\".
A result below the detection limit may be written \"<2.5 mg/L\" or \"ND\".

Exit codes:
  0  interpreted
  1  fatal: unreadable or invalid range file, I/O error
  2  usage error (unknown flag, missing value)
  3  an input value was rejected (the message names the flag and the value)";

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
    /// Add reference ranges from a TOML file, or every *.toml in a directory (repeatable). A
    /// range with the id of a shipped one replaces it, and lmr says so on stderr.
    #[arg(long, value_name = "FILE|DIR")]
    pub ranges: Vec<PathBuf>,

    /// Take the oral doses and collection window from a named protocol (see `lmr ranges list`).
    /// Doses and window given as flags win over the protocol's.
    #[arg(long, value_name = "ID")]
    pub protocol: Option<String>,

    /// Classify the L:M ratio against this range even if its protocol differs from the sample's
    /// (flagged `protocol_mismatch`). Without it, only a range whose declared protocol matches
    /// the sample's (doses, window, age) classifies the ratio.
    #[arg(long, value_name = "ID")]
    pub lm_range: Option<String>,

    /// Vitamin D scheme(s) to classify with (repeatable; `all` for every shipped scheme).
    /// Default: iom-2011.
    #[arg(long, value_name = "ID")]
    pub vitamin_d_scheme: Vec<String>,

    /// A lab's zonulin range to compare with (lmr ships no "normal" zonulin range). Must be for
    /// the value's matrix.
    #[arg(long, value_name = "ID")]
    pub zonulin_range: Option<String>,

    /// Classify the lactulose : rhamnose ratio against this range (L:R ranges are used only when
    /// named; a differing protocol is flagged `protocol_mismatch`).
    #[arg(long, value_name = "ID")]
    pub lr_range: Option<String>,

    /// Subtract each sugar's baseline (pre-dose) concentration from the post-dose one before
    /// computing its recovery (net = post − baseline, not below zero). Without it, a baseline above
    /// the detection limit is only flagged (`baseline_sugar_detected`).
    #[arg(long)]
    pub subtract_baseline: bool,

    /// Score ratios and recoveries against an age- and sex-specific z-score table: a table id
    /// (shipped or from --ranges) or a TOML file of tables (repeatable; at most one table per
    /// analyte). Adds `lmz`, `lactulose_z`, `mannitol_z` (and `_reference`) as selected. lmr ships
    /// no table: see docs/zscores.md to load a published one or derive your own.
    #[arg(long, value_name = "ID|FILE")]
    pub zscore_reference: Vec<String>,
}

/// `lmr check`.
#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    /// Urine lactulose concentration, e.g. "9.21 mg/L", "0.027 mmol/L", "<2.5 mg/L", "ND".
    #[arg(long, value_name = "CONC", allow_hyphen_values = true)]
    pub lactulose: Option<String>,

    /// Urine mannitol concentration, e.g. "72.9 mg/L".
    #[arg(long, value_name = "CONC", allow_hyphen_values = true)]
    pub mannitol: Option<String>,

    /// Urine volume collected in the window, e.g. "1857 mL", "1.857 L".
    #[arg(long, value_name = "VOLUME", allow_hyphen_values = true)]
    pub volume: Option<String>,

    /// Oral lactulose dose, e.g. "5 g".
    #[arg(long, value_name = "MASS", allow_hyphen_values = true)]
    pub lactulose_dose: Option<String>,

    /// Oral mannitol dose, e.g. "1 g", "1000 mg".
    #[arg(long, value_name = "MASS", allow_hyphen_values = true)]
    pub mannitol_dose: Option<String>,

    /// Urine collection window from the dose, e.g. "5 h", "300 min".
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub collection: Option<String>,

    /// Age in years (decimals allowed: 1.5 for 18 months).
    #[arg(long, value_name = "YEARS", allow_hyphen_values = true)]
    pub age: Option<String>,

    /// Sex: F or M.
    #[arg(long, value_name = "F|M", allow_hyphen_values = true)]
    pub sex: Option<String>,

    /// Serum 25-hydroxyvitamin D, e.g. "20 ng/mL", "50 nmol/L", "20 ug/L".
    #[arg(long, allow_hyphen_values = true, value_name = "CONC")]
    pub vitamin_d: Option<String>,

    /// Which 25(OH)D was measured: total (converted as D3, the default), d3 or d2.
    #[arg(long, value_name = "total|d3|d2", allow_hyphen_values = true)]
    pub vitamin_d_form: Option<String>,

    /// Zonulin (immunoassay) value, e.g. "46 ng/mL" (serum) or "61 ng/g" (stool).
    #[arg(long, allow_hyphen_values = true, value_name = "VALUE")]
    pub zonulin: Option<String>,

    /// The zonulin value's matrix: serum or stool (required with --zonulin).
    #[arg(long, value_name = "serum|stool", allow_hyphen_values = true)]
    pub zonulin_matrix: Option<String>,

    /// Haptoglobin genotype: 1-1, 2-1 or 2-2.
    #[arg(long, value_name = "1-1|2-1|2-2", allow_hyphen_values = true)]
    pub hp_genotype: Option<String>,

    /// Urine concentration of any probe sugar, as SUGAR=CONC (repeatable), e.g.
    /// `--sugar rhamnose="20 mg/dL" --sugar sucralose="1.2 mg/L"`. Sugars: lactulose, mannitol,
    /// rhamnose, sucrose, sucralose, erythritol, mannitol_13c1, mannitol_13c6, xylose, methylglucose.
    #[arg(long, value_name = "SUGAR=CONC", allow_hyphen_values = true)]
    pub sugar: Vec<String>,

    /// Oral dose of any probe sugar, as SUGAR=MASS (repeatable); append "monohydrate" for a dose
    /// weighed as the hydrate, e.g. `--dose rhamnose="1 g monohydrate"` (= 0.9011 g rhamnose).
    #[arg(long, value_name = "SUGAR=MASS", allow_hyphen_values = true)]
    pub dose: Vec<String>,

    /// Baseline (pre-dose) urine concentration, as SUGAR=CONC (repeatable), e.g.
    /// `--baseline mannitol="11 mg/L"`. See --subtract-baseline.
    #[arg(long, value_name = "SUGAR=CONC", allow_hyphen_values = true)]
    pub baseline: Vec<String>,

    /// Read the sample from a TOML file: doses, age, sex, baseline, and timed urine fractions
    /// (`[[fraction]]` with label, volume and urine concentrations). Flags given as well win.
    /// See docs/multi-sugar.md.
    #[arg(long, value_name = "FILE")]
    pub sample: Option<PathBuf>,

    /// Ranges, protocol and schemes.
    #[command(flatten)]
    pub ranges: RangeOptions,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `lmr ranges`.
#[derive(Debug, ClapArgs)]
pub struct RangesArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: RangesAction,
}

/// `lmr ranges` actions.
#[derive(Debug, Subcommand)]
pub enum RangesAction {
    /// List every range and protocol (shipped, plus --ranges).
    List {
        /// Add ranges from a file or directory.
        #[arg(long, value_name = "FILE|DIR")]
        ranges: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show one range or protocol in full: bands, what it applies to, source.
    Show {
        /// The id.
        id: String,
        /// Add ranges from a file or directory.
        #[arg(long, value_name = "FILE|DIR")]
        ranges: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Validate a range file or a directory of them (exit 0 valid, 1 invalid).
    Validate {
        /// The file or directory.
        path: PathBuf,
    },
}

/// `lmr caveats`.
#[derive(Debug, ClapArgs)]
pub struct CaveatsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}
