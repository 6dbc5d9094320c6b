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
#[allow(clippy::large_enum_variant)] // parsed once per process; boxing buys nothing
pub enum Command {
    /// Interpret one sample given on the command line.
    #[command(after_long_help = CHECK_EXAMPLES)]
    Check(Box<CheckArgs>),
    /// List, show or validate reference ranges and protocols.
    Ranges(RangesArgs),
    /// Interpret every row of a CSV file (rows in = rows out; results appended as columns).
    #[command(long_about = BATCH_ABOUT, after_long_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// Print every caveat and flag code with its text and source, or one code's (`lmr caveats
    /// CODE`).
    Caveats(CaveatsArgs),
    /// Summarise a cohort by group: n, medians and IQRs, class and flag counts; optional HTML
    /// page with the cut-offs drawn.
    #[command(after_long_help = SUMMARY_EXAMPLES)]
    Summary(Box<SummaryArgs>),
    /// Establish a reference interval from a lab's own healthy reference group (CLSI EP28-A3c).
    #[command(name = "reference-interval", after_long_help = REFINT_EXAMPLES)]
    ReferenceInterval(Box<RefIntArgs>),
    /// Derive an age- and sex-specific z-score table from a reference group in your own data.
    #[command(name = "zscore-reference", after_long_help = ZREF_EXAMPLES)]
    ZscoreReference(Box<ZrefArgs>),
    /// Open a local web page for one sample or a file (and a JSON API); nothing leaves this
    /// computer.
    #[cfg(feature = "serve")]
    #[command(long_about = SERVE_ABOUT, after_long_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
}

#[cfg(feature = "serve")]
const SERVE_ABOUT: &str = "\
Serve a local web calculator: a page for one sample (the inputs of `lmr check`), a page for a
CSV file (as `lmr batch` and `lmr summary`), and a JSON API (POST /api/check, POST /api/batch,
POST /api/summary, GET /api/ranges, GET /api/caveats; see docs/serve.md). Every page and file is
inside the binary: it works offline and asks no other host for anything. Nothing is kept between
requests; an uploaded file goes through a temporary file that is removed when the answer is sent.

By default only this computer can connect (127.0.0.1). Stop it with Ctrl-C.";

#[cfg(feature = "serve")]
const SERVE_EXAMPLES: &str = "\
Examples:
  # Serve on http://127.0.0.1:8457/ and open it in the default browser
  lmr serve --open

  # Another port, with a lab's own ranges added to the pickers
  lmr serve --port 9000 --ranges my-lab-ranges/

  # Let other machines on the network connect (the results are then visible to them)
  lmr serve --bind 0.0.0.0

Exit codes:
  0  stopped
  1  the address cannot be listened on, or a range file cannot be used";

/// `lmr serve`.
#[cfg(feature = "serve")]
#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the URL printed says which).
    #[arg(long, default_value_t = 8457)]
    pub port: u16,

    /// Address to listen on. Anything but a loopback address lets other machines connect, and
    /// lmr warns about it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// Add reference ranges from a TOML file, or every *.toml in a directory (repeatable).
    #[arg(long, value_name = "FILE|DIR")]
    pub ranges: Vec<PathBuf>,

    /// Open the page in the default browser once the server listens.
    #[arg(long)]
    pub open: bool,
}

const BATCH_ABOUT: &str = "\
Interpret every row of a CSV file with the same calls as `lmr check`, streaming (memory does not
grow with the input). Every input row is written, in order, with every input field unchanged,
followed by the result columns:

  lactulose_recovery_pct, lactulose_recovery_pct_bound, mannitol_recovery_pct,
  mannitol_recovery_pct_bound, lm_ratio, lm_ratio_bound, lm_range, lm_class, vitamin_d_nmol_l,
  vitamin_d_nmol_l_bound, vitamin_d_class_<scheme>... (one per --vitamin-d-scheme), zonulin_range,
  zonulin_class, flags, caveats, missing_inputs, error

Quantity columns hold a number or nothing; a result censored by a below-limit input is empty
there and its `_bound` companion says `<0.0045` (or `>8`). Numbers carry 10 significant digits.

Optional columns come only between lm_class and vitamin_d_nmol_l, when the input calls for them:
<sugar>_recovery_pct for other sugars, lr_ratio/lr_range/lr_class/lr_rhamnose_dose_form,
l13m_ratio, per-fraction <name>_<a>_<b>h, lmz/lactulose_z/mannitol_z (+ _reference) with --zscore-reference, and
<name>_fraction (the row's own fraction) in long format.

Input columns (canonical names; every one optional; the unit in brackets applies to bare numbers):
  urine_lactulose [mg/L]   urine_mannitol [mg/L]   urine_volume [mL]
  lactulose_dose [g]       mannitol_dose [g]       sucrose_dose [g]   collection [h]
  age [y]   sex   zonulin [ng/mL]   zonulin_matrix   hp_genotype
  vitamin_d [nmol/L]   vitamin_d_form
  dose_volume [mL] with <sugar>_solution [mg/mL] (dose = drink volume × strength)
  pretest_nsaid, pretest_alcohol, pretest_laxative, pretest_steroid, recent_diarrhoea,
  glycosuria (yes/no)   egfr [mL/min/1.73 m²]
  urine_<sugar>, <sugar>_dose, <sugar>_dose_form (anhydrous|monohydrate), baseline_<sugar> for
  every sugar: lactulose, mannitol, rhamnose, sucrose, sucralose, erythritol, mannitol_13c1,
  mannitol_13c6, xylose, methylglucose
Timed fractions: wide, urine_<sugar>_0_2h [mg/L] and urine_volume_0_2h [mL] (any <a>_<b>h);
or long, one row per fraction with a `fraction` column and a sample id column (`sample_id`, or
--sample-id COLUMN), a sample's rows consecutive; its last row gets the whole collection in the
unsuffixed columns. Windows are <start>-<end>h in hours (0-2h, 2_8h): a window repeated
(0_2h beside 00_02h), overlapping another (0_4h, 2_6h), reversed (8_2h), empty (2_2h) or ending
after the collection is an error (fatal in column names; the rows' error in long format).
A cell may carry its own unit (\"1.2 L\"); a per-row `<name>_unit` column also works. Empty cells
are missing, never zero. `<0.25`, `ND`, `BLQ`, `< LOD` are results below the detection limit:
flagged `below_detection_limit`, not errors. Any other column passes through.
A column that is not read but looks like an input (`urine lactulose [mg/L]`, `Lactulose (mg/L)`)
gets one warning on stderr naming the header it probably means.
A lab's own headers and units, and values fixed for every row, go in a column map (--columns);
a header the map names that the file lacks is fatal. European exports: --delimiter ';'
--decimal-comma reads `9,21` (a thousands separator is then refused); without it `9,21` is an
error and `1,857` is never guessed. UTF-16 with a byte-order mark is read; CR-only line ends too.
`-0`, `<0`, `1e-400` and ratios that overflow are errors naming the cell.
A row that cannot be interpreted keeps its fields and gets an `error` naming the row, line,
column, value and what was expected. Interpreting threads: one per core, at most 4
(LMR_THREADS=N to change; long-format files run in one). See docs/batch.md and
docs/multi-sugar.md.";

const BATCH_EXAMPLES: &str = "\
Examples:
  # Interpret a cohort; results to a new file (written to a temporary file, renamed at the end)
  lmr batch examples/cohort.csv -o cohort-results.csv

  # A lab's own export: map its headers and units with a column map
  lmr batch examples/lab-lis-export.csv --columns examples/columns-lab-lis.toml

  # Semicolon-separated input, doses and window from a named protocol, JSON Lines to stdout
  lmr batch results.csv --delimiter ';' --protocol dutch-sat-hyperosmolar --format jsonl

  # A European lab export: semicolons and decimal commas (9,21)
  lmr batch lab-export.csv --delimiter ';' --decimal-comma

  # A spreadsheet's \"Unicode text\" (UTF-16 with a byte-order mark, tab-separated)
  lmr batch export.txt --delimiter tab

  # Vitamin D under every shipped scheme; read from stdin
  cat cohort.csv | lmr batch - --vitamin-d-scheme all

  # FHIR R4 NDJSON: one Bundle per row, an OperationOutcome for a row that cannot be read
  lmr batch examples/cohort.csv --format fhir-ndjson -o cohort.ndjson

  # Timed fractions, one row per fraction; several sugars with baseline subtraction and L:R
  lmr batch examples/fractions-long.csv --sample-id sample_id
  lmr batch examples/multi-sugar.csv --subtract-baseline --lr-range lutgens-lr-secondary

Exit codes:
  0  every row interpreted
  1  fatal: unreadable input, missing or unusable header (a column-map header not in the file,
     UTF-16 without a byte-order mark), invalid range file or column map, I/O
  2  usage error (unknown flag, missing value)
  3  a flag value was rejected (nothing written), or the run finished but some rows carry an
     `error` (all rows are still written)";

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
    /// The input CSV file, or `-` for standard input.
    #[arg(value_name = "IN.csv|-")]
    pub input: PathBuf,

    /// Where to write the results (`-` or absent: standard output). A file is written to a
    /// temporary file in the same directory and renamed when complete.
    #[arg(short, long, value_name = "OUT|-")]
    pub output: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = BatchFormat::Csv)]
    pub format: BatchFormat,

    /// A column map (TOML) naming the lab export's own headers, units and fixed values.
    #[arg(long, value_name = "MAP.toml")]
    pub columns: Option<PathBuf>,

    /// Field delimiter: one ASCII character, e.g. ';' (or `tab`).
    #[arg(long, value_name = "C", default_value = ",")]
    pub delimiter: String,

    /// No progress bar (it is shown only when stderr is a terminal and the input is a file).
    #[arg(long)]
    pub no_progress: bool,

    /// Long format (a `fraction` column, one row per timed fraction): the column naming the
    /// sample the rows belong to. Default: the column `sample_id`.
    #[arg(long, value_name = "COLUMN")]
    pub sample_id: Option<String>,

    /// Encoding and record size.
    #[command(flatten)]
    pub reading: ReadArgs,

    /// Ranges, protocol and schemes.
    #[command(flatten)]
    pub ranges: RangeOptions,
}

/// How a CSV input is read (see docs/reliability.md).
#[derive(Clone, Debug, ClapArgs)]
pub struct ReadArgs {
    /// The longest record (a row, or the header) read, in bytes (suffix K, M or G for KiB, MiB,
    /// GiB). A longer one stops the run with exit 1 naming its line: memory stays bounded
    /// whatever the input (an unterminated quote, a file with no line ends).
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = crate::files::parse_size)]
    pub max_record_size: u64,

    /// The input's character encoding: utf-8, or latin1 (ISO 8859-1, transcoded to UTF-8 as it
    /// is read; the output is UTF-8). With utf-8, JSON Lines output refuses a field that is not
    /// UTF-8 (exit 1, naming line and column) rather than alter it; CSV output keeps its bytes.
    #[arg(long, value_name = "utf-8|latin1", default_value = "utf-8", value_parser = crate::files::parse_encoding)]
    pub encoding: lmr::files::Encoding,

    /// Numbers are written with a decimal comma: `9,21` is 9.21 (European lab exports; usually
    /// with --delimiter ';'). A number with a point is then refused, never guessed: thousands
    /// separators are not read. The same as `decimal = ","` in a column map.
    #[arg(long)]
    pub decimal_comma: bool,
}

const CHECK_EXAMPLES: &str = "\
Examples:
  # Adult 5 g / 1 g, 5 h test (no verified range exists for it: the ratio is reported unclassified)
  lmr check --lactulose \"9.21 mg/L\" --mannitol \"72.9 mg/L\" --volume \"1857 mL\" \\
            --lactulose-dose \"5 g\" --mannitol-dose \"1 g\" --collection \"5 h\" --age 35 --sex F

  # A named protocol supplies the doses and window; the matching range classifies the ratio
  lmr check --protocol dutch-sat-hyperosmolar --lactulose \"30 mg/L\" --mannitol \"200 mg/L\" --volume \"1 L\"

  # No urine volume: the L:M ratio from the dose ratio, (C_L/C_M) × (D_M/D_L); no recoveries
  lmr check --lactulose \"20 mg/L\" --mannitol \"150 mg/L\" --lactulose-dose \"5 g\" --mannitol-dose \"1 g\"

  # Vitamin D under every shipped guideline, side by side
  lmr check --vitamin-d \"20 ng/mL\" --vitamin-d-scheme all

  # Zonulin, compared with one lab's serum cut-off
  lmr check --zonulin \"52 ng/mL\" --zonulin-matrix serum --zonulin-range enterosan-serum

  # The same sample as a FHIR R4 Bundle (LOINC/lmr codes, UCUM units; see docs/fhir.md)
  lmr check --protocol dutch-sat-hyperosmolar --lactulose \"30 mg/L\" --mannitol \"200 mg/L\" \\
            --volume \"1 L\" --format fhir

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

    /// Urine volume collected in the window, e.g. "1857 mL", "1.857 L". Without it, the L:M
    /// (L:R, L:13C-M) ratio still comes from the concentrations and the dose ratio (caveat
    /// ratio_without_recoveries); the recoveries are unknown.
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

    /// NSAIDs or aspirin taken before the test: yes or no (raises pretest_nsaid).
    #[arg(long, value_name = "yes|no", allow_hyphen_values = true)]
    pub pretest_nsaid: Option<String>,

    /// Alcohol taken before the test: yes or no (raises pretest_alcohol).
    #[arg(long, value_name = "yes|no", allow_hyphen_values = true)]
    pub pretest_alcohol: Option<String>,

    /// A laxative taken before the test: yes or no (raises pretest_laxative).
    #[arg(long, value_name = "yes|no", allow_hyphen_values = true)]
    pub pretest_laxative: Option<String>,

    /// Oral corticosteroids taken before the test: yes or no (raises pretest_steroid).
    #[arg(long, value_name = "yes|no", allow_hyphen_values = true)]
    pub pretest_steroid: Option<String>,

    /// Diarrhoea shortly before the test: yes or no (raises recent_diarrhoea).
    #[arg(long, value_name = "yes|no", allow_hyphen_values = true)]
    pub recent_diarrhoea: Option<String>,

    /// Glucose in the urine (e.g. diabetes): yes or no (raises glycosuria).
    #[arg(long, value_name = "yes|no", allow_hyphen_values = true)]
    pub glycosuria: Option<String>,

    /// Estimated GFR in mL/min/1.73 m², e.g. 55; below 60 (KDIGO 2012: decreased GFR) raises
    /// reduced_renal_function.
    #[arg(long, value_name = "mL/min/1.73 m²", allow_hyphen_values = true)]
    pub egfr: Option<String>,

    /// Urine concentration of any probe sugar, as SUGAR=CONC (repeatable), e.g.
    /// `--sugar rhamnose="20 mg/dL" --sugar sucralose="1.2 mg/L"`. Sugars: lactulose, mannitol,
    /// rhamnose, sucrose, sucralose, erythritol, mannitol_13c1, mannitol_13c6, xylose, methylglucose.
    #[arg(long, value_name = "SUGAR=CONC", allow_hyphen_values = true)]
    pub sugar: Vec<String>,

    /// Oral dose of any probe sugar, as SUGAR=MASS (repeatable); append "monohydrate" for a dose
    /// weighed as the hydrate, e.g. `--dose rhamnose="1 g monohydrate"` (= 0.9011 g rhamnose).
    #[arg(long, value_name = "SUGAR=MASS", allow_hyphen_values = true)]
    pub dose: Vec<String>,

    /// Volume of test solution drunk, e.g. "12 mL": with --solution, the dose is volume ×
    /// strength for each sugar of the drink (field studies: 2 mL/kg up to 20 mL).
    #[arg(long, value_name = "VOLUME", allow_hyphen_values = true)]
    pub dose_volume: Option<String>,

    /// A sugar's strength in the test solution, as SUGAR=STRENGTH (repeatable), e.g.
    /// `--solution lactulose="250 mg/mL" --solution mannitol="50 mg/mL"` (mg/mL, g/L, g/100 mL).
    /// With --dose-volume it gives the dose; without any volume, the dose ratio for L:M.
    #[arg(long, value_name = "SUGAR=STRENGTH", allow_hyphen_values = true)]
    pub solution: Vec<String>,

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
    /// Print only this code's text and sources (a caveat or a flag code, e.g.
    /// `sugar_test_general`, or a former code such as `lm_ratio_not_diagnostic`).
    pub code: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

const SUMMARY_EXAMPLES: &str = "\
Examples:
  lmr summary examples/cohort.csv
  lmr summary cohort.csv --by site --by sex --html cohort.html
  lmr summary cohort.csv --by site --format csv > summary.csv

The file is read as `lmr batch` reads it (columns, --columns maps, --protocol, layouts). Each
analyte stands alone: a row with a rejected vitamin D cell still gives its L:M ratio; values left
out for a rejected cell are counted per measure (`n rejected`). A long-layout file (one row per
timed fraction) is summarised per sample, with its whole collection. Quartiles are Hyndman–Fan
type 7 (R's default). Values below a detection limit are left out of the quartiles and counted.
Zonulin is summarised per matrix and unit, never pooled.

Exit codes: 0 every row interpreted; 1 fatal; 2 usage; 3 some rows had a rejected cell (counted in
`rows_with_error` of their group; what they still give is used).";

const REFINT_EXAMPLES: &str = "\
Examples:
  lmr reference-interval healthy.csv --analyte lm_ratio --protocol dutch-sat-hyperosmolar
  lmr reference-interval healthy.csv --analyte mannitol_recovery_pct --by sex --format json
  lmr reference-interval healthy.csv --analyte lm_ratio --write-range my-lab-lm.toml --id my-lab-lm \\
      --population \"healthy adult volunteers, our lab\"
  lmr check ... --ranges my-lab-lm.toml --lm-range my-lab-lm

Method: CLSI EP28-A3c nonparametric central 95 % interval (rank r = p(n+1)) with 90 % confidence
intervals of each limit from order statistics (binomial); below 120 individuals per partition a
log-normal (parametric) and a robust (Horn & Pesce) estimate are given, labelled as such. Dixon's
outlier rule is applied and reported; Tukey's fences are reported. See docs/reference-interval.md.";

const ZREF_EXAMPLES: &str = "\
Examples:
  lmr zscore-reference cohort.csv --analyte lm_ratio --age-bands 0-4,4-7,7-10,10-13,13-19,19-25 \\
      --by-sex --where site=BR -o brazil-lmz.toml --id brazil-lmz
  lmr check ... --zscore-reference brazil-lmz.toml

Bands are half-open (from ≤ age < below). Cells with fewer than --min-cell observations are written
with a warning; cells with fewer than 2 are not written. See docs/zscores.md.";

/// Input shared by the commands that read a cohort CSV.
#[derive(Debug, ClapArgs)]
pub struct InputArgs {
    /// The input CSV file (the columns of `lmr batch`), or `-` for standard input.
    #[arg(value_name = "IN.csv|-")]
    pub input: PathBuf,

    /// A column map (TOML) naming the lab export's own headers, units and fixed values.
    #[arg(long, value_name = "MAP.toml")]
    pub columns: Option<PathBuf>,

    /// Field delimiter: one ASCII character, e.g. ';' (or `tab`).
    #[arg(long, value_name = "C", default_value = ",")]
    pub delimiter: String,

    /// Long format (a `fraction` column, one row per timed fraction): the column naming the
    /// sample the rows belong to, as in `lmr batch`. Default: the column `sample_id`. Each sample
    /// counts once, with its whole collection.
    #[arg(long, value_name = "COLUMN")]
    pub sample_id: Option<String>,

    /// Encoding and record size.
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
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,

    /// Group by this column (repeatable: --by site --by sex).
    #[arg(long, value_name = "COLUMN")]
    pub by: Vec<String>,

    /// Also write a self-contained HTML page (inline SVG figures, no network).
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,

    /// Also write each figure as an SVG file in this directory.
    #[arg(long, value_name = "DIR")]
    pub svg_dir: Option<PathBuf>,

    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    pub format: SummaryFormat,

    /// The most groups (distinct --by values) summarised: more stops the run (exit 1) naming
    /// the row, so memory stays bounded.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_groups: usize,

    /// Ranges, protocol and schemes.
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
    /// The input: a file of healthy reference individuals.
    #[command(flatten)]
    pub input: InputArgs,

    /// What to establish the interval for: lm_ratio, lr_ratio, l13m_ratio,
    /// lactulose_recovery_pct, mannitol_recovery_pct or vitamin_d_25oh.
    #[arg(long, value_name = "ANALYTE")]
    pub analyte: String,

    /// Partition by this column (repeatable: --by sex).
    #[arg(long, value_name = "COLUMN")]
    pub by: Vec<String>,

    /// The most partitions (distinct --by values): more stops the run (exit 1) naming the row,
    /// so memory stays bounded.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_groups: usize,

    /// Which flagged outliers to leave out (always reported).
    #[arg(long, value_enum, default_value_t = ExcludeArg::Dixon)]
    pub exclude: ExcludeArg,

    /// Write the interval as a range file (one range per partition) for --ranges.
    #[arg(long, value_name = "FILE.toml")]
    pub write_range: Option<PathBuf>,

    /// Id of the written range (default: `local-<analyte>`; partitions add `-<value>`).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// The reference population, for the written range (e.g. "healthy adult volunteers").
    #[arg(long, value_name = "TEXT")]
    pub population: Option<String>,

    /// The analytical method, for the written range (e.g. "LC-MS/MS").
    #[arg(long, value_name = "TEXT")]
    pub method: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Ranges, protocol and schemes.
    #[command(flatten)]
    pub ranges: RangeOptions,
}

/// `lmr zscore-reference`.
#[derive(Debug, ClapArgs)]
pub struct ZrefArgs {
    /// The input: a file holding the reference group.
    #[command(flatten)]
    pub input: InputArgs,

    /// What to derive the table for: lm_ratio, lr_ratio, l13m_ratio, lactulose_recovery_pct or
    /// mannitol_recovery_pct.
    #[arg(long, value_name = "ANALYTE")]
    pub analyte: String,

    /// Age bands in years, half-open (from ≤ age < below), e.g. 0-4,4-7,7-10.
    #[arg(long, value_name = "BANDS")]
    pub age_bands: String,

    /// One cell per sex and band (default: sexes pooled).
    #[arg(long)]
    pub by_sex: bool,

    /// Use only rows whose COLUMN equals VALUE (repeatable; all must hold), e.g. site=BR.
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filter: Vec<String>,

    /// Scale of the means and SDs: ln (log) or linear.
    #[arg(long, value_name = "ln|linear", default_value = "ln")]
    pub scale: String,

    /// Cells with fewer observations are written with a warning.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub min_cell: u64,

    /// Id of the table (default: `local-<analyte>-z`).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// The reference group, for the table's source (e.g. "healthy children, Brazil site").
    #[arg(long, value_name = "TEXT")]
    pub population: Option<String>,

    /// Where to write the table (`-` or absent: standard output).
    #[arg(short, long, value_name = "REF.toml|-")]
    pub output: Option<PathBuf>,

    /// Ranges, protocol and schemes.
    #[command(flatten)]
    pub ranges: RangeOptions,
}
