//! Cohort summaries: per group, n, errors, median and IQR of each measure, counts per class and
//! per flag, as a text table, JSON or CSV, and an HTML page of figures ([`html()`]).
//!
//! A [`Summary`] is fed one interpreted row at a time ([`Summary::add`]) with the values of the
//! grouping columns (`--by site --by sex`). Groups are kept in sorted order of their values.
//!
//! **Quantiles** are Hyndman and Fan's definition 7, the default of R's `quantile()`
//! ([`quantile_type7`], [`QUANTILE_METHOD`]).
//!
//! **Censored values** (a recovery `<0.0125 %` from a urine result below the detection limit, or
//! a ratio with a censored part) are never treated as exact: they are left out of the median and
//! IQR and counted apart (`n_below_limit`, `n_above_limit`), so a reader sees how many there were
//! ([`CENSORED_METHOD`]). Leaving out values below a limit that lies under the median moves the
//! median of the exact values up; the counts say how many values were left out.
//!
//! **Zonulin** is summarised per matrix and unit as reported: serum and stool, or ng/mL and ng/g,
//! are never pooled.
//!
//! ```
//! use lmr::interpretation::{Interpreter, Interpretation, Options, Sample};
//! use lmr::reference::Registry;
//! use lmr::summary::Summary;
//! use lmr::sugar::Sugar;
//!
//! let registry = Registry::builtin()?;
//! let interpreter = Interpreter::new(&registry, &Options::default())?;
//! let mut summary = Summary::new(&["site"], &interpreter, &registry);
//! let mut out = Interpretation::default();
//! for (site, lactulose) in [("A", "20 mg/L"), ("A", "40 mg/L"), ("B", "10 mg/L")] {
//!     let mut sample = Sample::default();
//!     sample.set_urine(Sugar::Lactulose, lactulose.parse()?);
//!     sample.set_urine(Sugar::Mannitol, "150 mg/L".parse()?);
//!     sample.urine_volume = Some("1 L".parse()?);
//!     sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
//!     sample.set_dose(Sugar::Mannitol, "1 g".parse()?);
//!     interpreter.interpret(&sample, &mut out)?;
//!     summary.add(&[site], Some(&out), false);
//! }
//! summary.add(&["B"], None, true); // a row that could not be interpreted
//! let a = summary.group(&["A"]).unwrap();
//! assert_eq!(a.rows(), 2);
//! // 20 mg and 40 mg of 5000 mg: 0.4 % and 0.8 %; median (type 7) 0.6 %
//! approx::assert_relative_eq!(a.lactulose_recovery().quartiles().unwrap().median, 0.6, max_relative = 1e-12);
//! assert_eq!(summary.group(&["B"]).unwrap().rows_with_error(), 1);
//! assert!(summary.to_text().contains("site=A"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "plots")]
pub mod html;
mod output;
pub use output::significant;
pub mod plot;
mod stats;

#[cfg(feature = "plots")]
pub use html::{html, svg_figures, write_svg_figures, HtmlOptions};
pub use stats::{quantile_type7, Measure, Quartiles, CENSORED_METHOD, QUANTILE_METHOD};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use crate::batch::{Rejected, Scanned};
use crate::caveat::Caveat;
use crate::flag::Flag;
use crate::interpretation::{Interpretation, Interpreter, MANNITOL_BAND_ID};
use crate::reference::{Analyte, Matrix, ReferenceRange, Registry, UNCLASSIFIED};
use crate::sugar::Sugar;
use crate::zonulin::ZonulinUnit;

/// Output format of [`Summary::render`].
///
/// ```
/// use lmr::summary::Format;
/// assert_eq!(" JSON ".parse::<Format>()?, Format::Json); // trimmed, any case
/// assert_eq!(Format::Csv.to_string(), "csv");
/// assert!("xml".parse::<Format>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Aligned tables, units in the headers.
    #[default]
    Text,
    /// One JSON object.
    Json,
    /// Long ("tidy") CSV, one statistic per row.
    Csv,
}

/// A format name that is not `text`, `json` or `csv`.
///
/// ```
/// let e = "tsv".parse::<lmr::summary::Format>().unwrap_err();
/// assert_eq!(e, lmr::summary::UnknownFormat("tsv".into()));
/// assert_eq!(e.to_string(), r#"unknown summary format "tsv" (expected text, json or csv)"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown summary format {0:?} (expected text, json or csv)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Csv => "csv",
        })
    }
}

/// A classification count's key: which class column, under which range, which band.
///
/// ```
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
/// # let mut out = lmr::Interpretation::default();
/// let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
/// summary.add(&[], Some(&out), false);
/// // 30 mg of 5 g = 0.6 %, 200 mg of 2 g = 10 %; 0.6 / 10 = 0.06 ≤ 0.089: "within"
/// let (key, n) = summary.group(&[]).unwrap().classes().next().unwrap();
/// assert_eq!((key.column.as_str(), key.range.as_deref(), key.class.as_str(), n),
///            ("lm_class", Some("dutch-sat-hyperosmolar-5h"), "within", 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClassKey {
    /// Sort rank of the column: 0 L:M, 1 + i the i-th vitamin D scheme, then zonulin.
    rank: usize,
    /// The result column (`lm_class`, `vitamin_d_class_iom_2011`, `zonulin_class`).
    pub column: String,
    /// Rows no range classified sort after the ranges' classes.
    no_range: bool,
    /// The range that classified the value (`None`: no range applied).
    pub range: Option<String>,
    /// Band index within the range (`usize::MAX` for `unclassified`), for ordering.
    band: usize,
    /// The class label, or `unclassified`.
    pub class: String,
}

/// Zonulin values of one matrix and one unit (never pooled with another).
///
/// ```
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
/// # let mut out = lmr::Interpretation::default();
/// let fields = [("zonulin", "46 ng/mL"), ("zonulin_matrix", "serum")];
/// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
/// summary.add(&[], Some(&out), false);
/// let z = &summary.group(&[]).unwrap().zonulin()[0];
/// assert_eq!((z.matrix, z.unit), (lmr::Matrix::Serum, lmr::zonulin::ZonulinUnit::NgPerMl));
/// assert_eq!(z.values.values(), [46.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ZonulinMeasure {
    /// The matrix.
    pub matrix: Matrix,
    /// The unit as reported.
    pub unit: ZonulinUnit,
    /// The values.
    pub values: Measure,
}

/// The statistics of one group.
///
/// ```
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
/// # let mut out = lmr::Interpretation::default();
/// let fields = [("vitamin_d", "40 nmol/L")];
/// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
/// summary.add(&["A"], Some(&out), false);
/// summary.add(&["A"], None, true);
/// let a = summary.group(&["A"]).unwrap();
/// assert_eq!((a.rows(), a.rows_with_error(), a.vitamin_d().n_exact()), (2, 1, 1));
/// // IOM 2011: 30 ≤ 40 < 50 nmol/L
/// assert_eq!(a.class_count("vitamin_d_class_iom_2011", "at_risk_of_inadequacy"), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Group {
    rows: u64,
    errors: u64,
    lactulose: Measure,
    mannitol: Measure,
    lm_ratio: Measure,
    vitamin_d: Measure,
    /// Vitamin D per chosen scheme, in that scheme's unit (for drawing its bands).
    vitamin_d_schemes: Vec<Measure>,
    zonulin: Vec<ZonulinMeasure>,
    /// Rows whose zonulin is missing because a cell it needed was rejected (no matrix or unit
    /// to file it under).
    zonulin_rejected: u64,
    classes: BTreeMap<ClassKey, u64>,
    flags: BTreeMap<Flag, u64>,
    /// (lactulose %, mannitol %) of rows where both are exact.
    pairs: Vec<(f64, f64)>,
    /// L:M ranges that classified a row of this group, by id, in order first seen.
    lm_ranges: Vec<String>,
}

impl Group {
    /// Rows added (with and without errors).
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// summary.add(&[], None, true);
    /// summary.add(&[], None, false); // a row with nothing to interpret still counts
    /// assert_eq!(summary.group(&[]).unwrap().rows(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Rows that could not be interpreted.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// summary.add(&["A"], None, true);
    /// summary.add(&["A"], None, false);
    /// assert_eq!(summary.group(&["A"]).unwrap().rows_with_error(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rows_with_error(&self) -> u64 {
        self.errors
    }

    /// Lactulose recovery, % of dose.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// let fields = [("lactulose", "30 mg/L"), ("volume", "1.5 L"), ("lactulose_dose", "5 g")];
    /// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// let l = summary.group(&[]).unwrap().lactulose_recovery();
    /// // 30 mg/L × 1.5 L = 45 mg; 45 / 5000 mg = 0.9 %
    /// approx::assert_relative_eq!(l.values()[0], 0.9, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lactulose_recovery(&self) -> &Measure {
        &self.lactulose
    }

    /// Mannitol recovery, % of dose.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// let fields = [("mannitol", "<10 mg/L"), ("volume", "1 L"), ("mannitol_dose", "1 g")];
    /// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// let m = summary.group(&[]).unwrap().mannitol_recovery();
    /// // < 10 mg of 1000 mg: a bound (< 1 %), counted apart, not a value
    /// assert_eq!((m.n_exact(), m.n_below_limit()), (0, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mannitol_recovery(&self) -> &Measure {
        &self.mannitol
    }

    /// L:M ratio of fractional excretions.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "20 mg/L"), ("mannitol", "400 mg/L"), ("volume", "1 L")];
    /// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// // 20 mg of 5 g = 0.4 %; 400 mg of 2 g = 20 %; 0.4 / 20 = 0.02
    /// let q = summary.group(&[]).unwrap().lm_ratio().quartiles().unwrap();
    /// approx::assert_relative_eq!(q.median, 0.02, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lm_ratio(&self) -> &Measure {
        &self.lm_ratio
    }

    /// 25(OH)D in nmol/L.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// for given in ["30 nmol/L", "70 nmol/L"] {
    ///     interpreter.interpret(&lmr::sample::from_fields([("vitamin_d", given)], &registry)?, &mut out)?;
    ///     summary.add(&[], Some(&out), false);
    /// }
    /// // type 7 median of two values: (30 + 70) / 2
    /// assert_eq!(summary.group(&[]).unwrap().vitamin_d().quartiles().unwrap().median, 50.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vitamin_d(&self) -> &Measure {
        &self.vitamin_d
    }

    /// 25(OH)D in the unit of the `i`-th chosen scheme (as that scheme classified it).
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// interpreter.interpret(&lmr::sample::from_fields([("vitamin_d", "62 nmol/L")], &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// let g = summary.group(&[]).unwrap();
    /// assert_eq!(g.vitamin_d_in_scheme(0).unwrap().values(), [62.0]); // IOM 2011 is in nmol/L
    /// assert!(g.vitamin_d_in_scheme(1).is_none()); // one scheme chosen (the default)
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vitamin_d_in_scheme(&self, i: usize) -> Option<&Measure> {
        self.vitamin_d_schemes.get(i)
    }

    /// Zonulin, one entry per matrix and unit seen, in order first seen.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// for (value, matrix) in [("40 ng/mL", "serum"), ("90 ng/g", "stool"), ("50 ng/mL", "serum")] {
    ///     let fields = [("zonulin", value), ("zonulin_matrix", matrix)];
    ///     interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    ///     summary.add(&[], Some(&out), false);
    /// }
    /// let z = summary.group(&[]).unwrap().zonulin();
    /// assert_eq!(z.len(), 2); // serum ng/mL and stool ng/g are never pooled
    /// assert_eq!((z[0].values.n_exact(), z[1].values.n_exact()), (2, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zonulin(&self) -> &[ZonulinMeasure] {
        &self.zonulin
    }

    /// Rows whose zonulin was left out because a cell it needed was rejected.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// summary.add(&[], None, true); // an errored row: every analyte it might have had is counted
    /// assert_eq!(summary.group(&[]).unwrap().zonulin_rejected(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zonulin_rejected(&self) -> u64 {
        self.zonulin_rejected
    }

    /// Rows per class, ordered by column (L:M, vitamin D schemes in chosen order, zonulin), range
    /// and band.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// for given in ["20 nmol/L", "60 nmol/L", "80 nmol/L"] {
    ///     interpreter.interpret(&lmr::sample::from_fields([("vitamin_d", given)], &registry)?, &mut out)?;
    ///     summary.add(&[], Some(&out), false);
    /// }
    /// // IOM 2011 bands in band order: < 30, 50–125 (both 60 and 80)
    /// let classes: Vec<_> = summary.group(&[]).unwrap().classes().map(|(k, n)| (k.class.clone(), n)).collect();
    /// assert_eq!(classes, [("at_risk_of_deficiency".to_string(), 1), ("sufficient".to_string(), 2)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classes(&self) -> impl Iterator<Item = (&ClassKey, u64)> {
        self.classes.iter().map(|(k, &n)| (k, n))
    }

    /// The count of one class of one column (summed over ranges).
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "100 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
    /// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// // 100 mg of 5 g = 2 %; 200 mg of 2 g = 10 %; 2 / 10 = 0.2 > 0.089
    /// let g = summary.group(&[]).unwrap();
    /// assert_eq!((g.class_count("lm_class", "above"), g.class_count("lm_class", "within")), (1, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn class_count(&self, column: &str, class: &str) -> u64 {
        self.classes
            .iter()
            .filter(|(k, _)| k.column == column && k.class == class)
            .map(|(_, &n)| n)
            .sum()
    }

    /// Rows per flag (each row counted once per flag), in [`Flag::ALL`] order.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// let fields = [("vitamin_d", "50 nmol/L"), ("pretest_nsaid", "yes")];
    /// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// let flags: Vec<_> = summary.group(&[]).unwrap().flags().collect();
    /// assert!(flags.contains(&(lmr::Flag::PretestNsaid, 1)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flags(&self) -> impl Iterator<Item = (Flag, u64)> + '_ {
        self.flags.iter().map(|(&f, &n)| (f, n))
    }

    /// Rows carrying `flag`.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// for nsaid in ["yes", "no", "yes"] {
    ///     let fields = [("vitamin_d", "50 nmol/L"), ("pretest_nsaid", nsaid)];
    ///     interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    ///     summary.add(&[], Some(&out), false);
    /// }
    /// assert_eq!(summary.group(&[]).unwrap().flag_count(lmr::Flag::PretestNsaid), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flag_count(&self, flag: Flag) -> u64 {
        self.flags.get(&flag).copied().unwrap_or(0)
    }

    /// (lactulose %, mannitol %) of the rows where both recoveries are exact, in order added.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// for lactulose in ["50 mg/L", "<5 mg/L"] {
    ///     let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", lactulose), ("mannitol", "300 mg/L"), ("volume", "1 L")];
    ///     interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    ///     summary.add(&[], Some(&out), false);
    /// }
    /// // 50 mg of 5 g = 1 %; 300 mg of 2 g = 15 %; the censored row makes no pair
    /// let pairs = summary.group(&[]).unwrap().recovery_pairs();
    /// assert_eq!(pairs.len(), 1);
    /// approx::assert_relative_eq!(pairs[0].0, 1.0, max_relative = 1e-12);
    /// approx::assert_relative_eq!(pairs[0].1, 15.0, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recovery_pairs(&self) -> &[(f64, f64)] {
        &self.pairs
    }

    /// Ids of the L:M ranges that classified a row of this group, in order first seen.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
    /// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// assert_eq!(summary.group(&[]).unwrap().lm_ranges(), ["dutch-sat-hyperosmolar-5h"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lm_ranges(&self) -> &[String] {
        &self.lm_ranges
    }

    fn count_class(
        &mut self,
        rank: usize,
        column: &str,
        range: Option<&ReferenceRange>,
        band: Option<usize>,
    ) {
        let key = ClassKey {
            rank,
            column: column.to_string(),
            no_range: range.is_none(),
            range: range.map(|r| r.id.clone()),
            band: band.unwrap_or(usize::MAX),
            class: range
                .map_or(UNCLASSIFIED, |r| r.band_label(band))
                .to_string(),
        };
        *self.classes.entry(key).or_insert(0) += 1;
    }
}

/// A cohort summary, fed one interpreted row at a time.
///
/// ```
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
/// summary.add(&["B"], None, true);
/// summary.add(&["A"], None, false);
/// let keys: Vec<_> = summary.groups().map(|(key, _)| key[0].as_str()).collect();
/// assert_eq!(keys, ["A", "B"]); // sorted by key values, not in order added
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Summary {
    by: Vec<String>,
    groups: BTreeMap<Vec<String>, Group>,
    /// Every range met (L:M ranges of rows, the explicit one, the schemes, the mannitol band).
    ranges: BTreeMap<String, ReferenceRange>,
    lm_explicit: Option<String>,
    vitamin_d_schemes: Vec<String>,
    vitamin_d_columns: Vec<String>,
    mannitol_band: Option<String>,
    caveats: BTreeSet<Caveat>,
}

impl Summary {
    /// An empty summary grouped by the columns `by` (empty: one group of all rows), for rows
    /// interpreted by `interpreter`. The explicit L:M range, the chosen vitamin D schemes and the
    /// mannitol plausibility band ([`MANNITOL_BAND_ID`], from `registry`) are kept for the
    /// figures.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let summary = lmr::summary::Summary::new(&["site", "sex"], &interpreter, &registry);
    /// assert_eq!((summary.by(), summary.rows()), (&["site".to_string(), "sex".to_string()][..], 0));
    /// let band = summary.mannitol_band().unwrap();
    /// assert_eq!(band.id, lmr::interpretation::MANNITOL_BAND_ID);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(by: &[&str], interpreter: &Interpreter<'_>, registry: &Registry) -> Summary {
        let mut ranges = BTreeMap::new();
        let mut keep = |r: &ReferenceRange| {
            ranges.entry(r.id.clone()).or_insert_with(|| r.clone());
            r.id.clone()
        };
        let lm_explicit = interpreter.lm_explicit().map(&mut keep);
        let vitamin_d_schemes: Vec<String> = interpreter
            .vitamin_d_schemes()
            .iter()
            .map(|r| keep(r))
            .collect();
        let mannitol_band = registry
            .range(MANNITOL_BAND_ID)
            .filter(|r| r.analyte == Analyte::MannitolRecoveryPct)
            .map(&mut keep);
        Summary {
            by: by.iter().map(|s| s.to_string()).collect(),
            groups: BTreeMap::new(),
            ranges,
            lm_explicit,
            vitamin_d_columns: vitamin_d_schemes
                .iter()
                .map(|id| crate::report::vitamin_d_class_column(id))
                .collect(),
            vitamin_d_schemes,
            mannitol_band,
            caveats: BTreeSet::new(),
        }
    }

    /// Adds one row: `group` holds the values of the `by` columns (in order), `result` the
    /// row's interpretation. A row with `errored` set counts in [`Group::rows_with_error`] and its
    /// result, if any, is not used (each measure counts it in [`Measure::n_rejected`]). A group
    /// key shorter or longer than `by` is used as given. [`Summary::add_scanned`] keeps what an
    /// errored row still gives.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// interpreter.interpret(&lmr::sample::from_fields([("vitamin_d", "50 nmol/L")], &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// summary.add(&[], Some(&out), true); // errored: its result is not used
    /// let d = summary.group(&[]).unwrap().vitamin_d();
    /// assert_eq!((d.n_exact(), d.n_rejected()), (1, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add(&mut self, group: &[&str], result: Option<&Interpretation<'_>>, errored: bool) {
        let (result, rejected) = match errored {
            true => (None, Rejected::ALL),
            false => (result, Rejected::NONE),
        };
        self.add_row(group, result, errored, rejected);
    }

    /// Adds one row as a cohort scan hands it over ([`crate::batch::Scan::for_each`]; in the
    /// long layout, one sample with its whole collection). Each analyte stands alone, as in
    /// `lmr batch`: a rejected vitamin D cell leaves out that row's vitamin D (counted in
    /// [`Measure::n_rejected`]) and keeps its L:M ratio. A row with any problem also counts in
    /// [`Group::rows_with_error`].
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Options, Scan};
    /// use lmr::interpretation::{Interpreter, Options as RangeOptions};
    /// use lmr::reference::Registry;
    /// use lmr::summary::Summary;
    ///
    /// let registry = Registry::builtin()?;
    /// let interpreter = Interpreter::new(&registry, &RangeOptions::default())?;
    /// let csv = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],vitamin_d [nmol/L]\n\
    ///            a,20,150,1000,5,1,50\n\
    ///            b,20,150,1000,5,1,fifty\n";
    /// let map = ColumnMap::default();
    /// let options = Options::new(&map);
    /// let mut summary = Summary::new(&[], &interpreter, &registry);
    /// Scan::new(csv.as_bytes(), &options)?
    ///     .for_each(&interpreter, &options, |row| summary.add_scanned(&[], &row))?;
    /// let all = summary.group(&[]).unwrap();
    /// assert_eq!(all.lm_ratio().n_exact(), 2); // b's L:M is kept
    /// assert_eq!((all.vitamin_d().n_exact(), all.vitamin_d().n_rejected()), (1, 1));
    /// assert_eq!(all.rows_with_error(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_scanned(&mut self, group: &[&str], row: &Scanned<'_, '_>) {
        self.add_row(group, row.result, row.has_error(), row.rejected);
    }

    fn add_row(
        &mut self,
        group: &[&str],
        result: Option<&Interpretation<'_>>,
        errored: bool,
        rejected: Rejected,
    ) {
        let n_schemes = self.vitamin_d_schemes.len();
        let key: Vec<String> = group.iter().map(|s| s.to_string()).collect();
        let g = self.groups.entry(key).or_default();
        if g.vitamin_d_schemes.len() < n_schemes {
            g.vitamin_d_schemes.resize_with(n_schemes, Measure::default);
        }
        g.rows += 1;
        if errored {
            g.errors += 1;
        }
        // A value the row lacks because a cell it needed was rejected is counted apart.
        let value = |a: Analyte| result.and_then(|r| r.value_of(a));
        for (analyte, measure) in [
            (Analyte::LactuloseRecoveryPct, &mut g.lactulose),
            (Analyte::MannitolRecoveryPct, &mut g.mannitol),
            (Analyte::LmRatio, &mut g.lm_ratio),
            (Analyte::VitaminD25oh, &mut g.vitamin_d),
        ] {
            if value(analyte).is_none() && rejected.concerns(analyte) {
                measure.reject();
            }
        }
        if result.is_none_or(|r| r.zonulin.is_none()) && rejected.concerns(Analyte::Zonulin) {
            g.zonulin_rejected += 1;
        }
        let Some(r) = result else { return };
        self.caveats.extend(r.caveats.iter().copied());
        let l = r.recoveries.get(Sugar::Lactulose).map(|c| c.in_percent());
        let m = r.recoveries.get(Sugar::Mannitol).map(|c| c.in_percent());
        if let Some(l) = l {
            g.lactulose.add(l);
        }
        if let Some(m) = m {
            g.mannitol.add(m);
        }
        if let (Some(l), Some(m)) = (l.and_then(|c| c.exact()), m.and_then(|c| c.exact())) {
            if l.is_finite() && m.is_finite() {
                g.pairs.push((l, m));
            }
        }
        if let Some(ratio) = r.lm_ratio {
            g.lm_ratio.add(ratio.value());
            let lm = r.lm.as_ref();
            g.count_class(0, "lm_class", lm.map(|x| x.range), lm.and_then(|x| x.band));
            if let Some(x) = lm {
                if !g.lm_ranges.contains(&x.range.id) {
                    g.lm_ranges.push(x.range.id.clone());
                }
                self.ranges
                    .entry(x.range.id.clone())
                    .or_insert_with(|| x.range.clone());
            }
        }
        // A result below a stated limit (`<10 ng/mL`) counts as censored, with the class of the
        // band that holds every value below the limit (as the row's class column says).
        let vitamin_d = r.vitamin_d.as_ref().map(|vd| &vd.schemes);
        let schemes = vitamin_d.or(r.vitamin_d_below.as_ref().map(|b| &b.schemes));
        if let (Some(value), Some(schemes)) = (r.value_of(Analyte::VitaminD25oh), schemes) {
            g.vitamin_d.add(value);
            for (i, s) in schemes.iter().enumerate().take(n_schemes) {
                g.vitamin_d_schemes[i].add(s.value);
                g.count_class(1 + i, &self.vitamin_d_columns[i], Some(s.range), s.band);
            }
        }
        if let Some(z) = &r.zonulin {
            let (matrix, unit) = (z.value.matrix(), z.value.unit());
            let at = match g
                .zonulin
                .iter()
                .position(|e| e.matrix == matrix && e.unit == unit)
            {
                Some(i) => i,
                None => {
                    g.zonulin.push(ZonulinMeasure {
                        matrix,
                        unit,
                        values: Measure::default(),
                    });
                    g.zonulin.len() - 1
                }
            };
            g.zonulin[at]
                .values
                .add(crate::censored::Censored::Exact(z.value.value()));
            let range = z.range.as_ref();
            g.count_class(
                usize::MAX,
                "zonulin_class",
                range.map(|x| x.range),
                range.and_then(|x| x.band),
            );
        }
        // Each row counts once per flag, however many times it was raised.
        for (i, hit) in r.flags.iter().enumerate() {
            if !r.flags[..i].iter().any(|e| e.flag == hit.flag) {
                *g.flags.entry(hit.flag).or_insert(0) += 1;
            }
        }
    }

    /// The grouping columns.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// assert_eq!(summary.by(), ["site"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn by(&self) -> &[String] {
        &self.by
    }

    /// The groups, in sorted order of their key values.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site", "sex"], &interpreter, &registry);
    /// for key in [["B", "F"], ["A", "M"], ["A", "F"], ["A", "F"]] {
    ///     summary.add(&key, None, false);
    /// }
    /// let rows: Vec<_> = summary.groups().map(|(k, g)| (k.join("/"), g.rows())).collect();
    /// assert_eq!(rows, [("A/F".to_string(), 2), ("A/M".to_string(), 1), ("B/F".to_string(), 1)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn groups(&self) -> impl Iterator<Item = (&[String], &Group)> {
        self.groups.iter().map(|(k, g)| (k.as_slice(), g))
    }

    /// How many groups there are.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// for site in ["A", "B", "A"] {
    ///     summary.add(&[site], None, false);
    /// }
    /// assert_eq!(summary.group_count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Whether a group with these key values exists.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// summary.add(&["A"], None, false);
    /// assert!(summary.has_group(&["A".to_string()]));
    /// assert!(!summary.has_group(&["B".to_string()]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn has_group(&self, key: &[String]) -> bool {
        self.groups.contains_key(key)
    }

    /// One group by its key values.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site", "sex"], &interpreter, &registry);
    /// summary.add(&["A", "F"], None, true);
    /// assert_eq!(summary.group(&["A", "F"]).map(|g| g.rows_with_error()), Some(1));
    /// assert!(summary.group(&["A"]).is_none()); // the whole key, not a prefix
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn group(&self, key: &[&str]) -> Option<&Group> {
        self.groups
            .iter()
            .find(|(k, _)| k.iter().map(String::as_str).eq(key.iter().copied()))
            .map(|(_, g)| g)
    }

    /// Rows added, in every group.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// for site in ["A", "B", "B"] {
    ///     summary.add(&[site], None, false);
    /// }
    /// assert_eq!(summary.rows(), 3); // 1 in A + 2 in B
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rows(&self) -> u64 {
        self.groups.values().map(|g| g.rows).sum()
    }

    /// Rows that could not be interpreted, in every group (`lmr summary` exits 3 when this is
    /// not zero, as `lmr batch` does).
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// for (site, errored) in [("A", true), ("B", true), ("B", false)] {
    ///     summary.add(&[site], None, errored);
    /// }
    /// assert_eq!(summary.rows_with_error(), 2); // 1 in A + 1 in B
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rows_with_error(&self) -> u64 {
        self.groups.values().map(|g| g.errors).sum()
    }

    /// A group's key as text: `site=A, sex=F` (`all rows` without grouping columns).
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let summary = lmr::summary::Summary::new(&["site", "sex"], &interpreter, &registry);
    /// assert_eq!(summary.group_label(&["A".into(), "F".into()]), "site=A, sex=F");
    /// assert_eq!(summary.group_label(&[]), "all rows");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn group_label(&self, key: &[String]) -> String {
        if key.is_empty() {
            return "all rows".to_string();
        }
        key.iter()
            .enumerate()
            .map(|(i, v)| match self.by.get(i) {
                Some(col) => format!("{col}={v}"),
                None => v.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A range met while summarising (an L:M range of a row, the explicit one, a chosen
    /// vitamin D scheme, the mannitol plausibility band), by id.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// assert!(summary.range("iom-2011").is_some()); // the default vitamin D scheme
    /// assert!(summary.range("dutch-sat-hyperosmolar-5h").is_none()); // no row met it yet
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn range(&self, id: &str) -> Option<&ReferenceRange> {
        self.ranges.get(id)
    }

    /// The L:M range named explicitly (`--lm-range`), if any.
    ///
    /// ```
    /// use lmr::interpretation::{Interpreter, Options};
    /// let registry = lmr::Registry::builtin()?;
    /// let options = Options { lm_range: Some("dutch-sat-hyperosmolar-5h".into()), ..Options::default() };
    /// let interpreter = Interpreter::new(&registry, &options)?;
    /// let summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// assert_eq!(summary.lm_explicit().map(|r| r.id.as_str()), Some("dutch-sat-hyperosmolar-5h"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lm_explicit(&self) -> Option<&ReferenceRange> {
        self.lm_explicit.as_deref().and_then(|id| self.range(id))
    }

    /// The chosen vitamin D schemes, in chosen order.
    ///
    /// ```
    /// use lmr::interpretation::{Interpreter, Options};
    /// let registry = lmr::Registry::builtin()?;
    /// let options = Options { vitamin_d_schemes: vec!["endocrine-2011".into(), "iom-2011".into()], ..Options::default() };
    /// let interpreter = Interpreter::new(&registry, &options)?;
    /// let summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// let ids: Vec<_> = summary.vitamin_d_schemes().map(|r| r.id.as_str()).collect();
    /// assert_eq!(ids, ["endocrine-2011", "iom-2011"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vitamin_d_schemes(&self) -> impl Iterator<Item = &ReferenceRange> {
        self.vitamin_d_schemes
            .iter()
            .filter_map(|id| self.range(id))
    }

    /// The mannitol plausibility band ([`MANNITOL_BAND_ID`]) as loaded, if any.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// let band = summary.mannitol_band().unwrap();
    /// assert_eq!(band.analyte, lmr::Analyte::MannitolRecoveryPct);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mannitol_band(&self) -> Option<&ReferenceRange> {
        self.mannitol_band.as_deref().and_then(|id| self.range(id))
    }

    /// Every caveat carried by a row, each once, in [`Caveat::ALL`] order.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// # let mut summary = lmr::summary::Summary::new(&[], &interpreter, &registry);
    /// # let mut out = lmr::Interpretation::default();
    /// assert_eq!(summary.caveats().count(), 0);
    /// interpreter.interpret(&lmr::sample::from_fields([("vitamin_d", "50 nmol/L")], &registry)?, &mut out)?;
    /// summary.add(&[], Some(&out), false);
    /// summary.add(&[], Some(&out), false); // a caveat is listed once, however many rows carry it
    /// let caveats: Vec<_> = summary.caveats().collect();
    /// assert_eq!(caveats.iter().filter(|&&c| c == lmr::Caveat::VitaminDGeneral).count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn caveats(&self) -> impl Iterator<Item = Caveat> + '_ {
        self.caveats.iter().copied()
    }

    /// The summary in `format`.
    ///
    /// ```
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut summary = lmr::summary::Summary::new(&["site"], &interpreter, &registry);
    /// summary.add(&["A"], None, false);
    /// use lmr::summary::Format;
    /// assert_eq!(summary.render(Format::Csv), summary.to_csv());
    /// assert!(summary.render(Format::Json).starts_with('{'));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.to_text(),
            Format::Json => self.to_json(),
            Format::Csv => self.to_csv(),
        }
    }
}
