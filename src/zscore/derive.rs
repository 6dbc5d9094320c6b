//! Deriving a z-score table from a reference group in the user's own data
//! (`lmr zscore-reference`).

use std::fmt;

use super::{
    AgeBand, AgeBands, Cell, CellError, CellSex, Scale, TableError, TableSpec, ZscoreTable,
};
use crate::analyte::Analyte;
use crate::protocol::Sex;
use crate::source::{Source, Verification};
use crate::units::Age;

/// The default minimum cell size below which a derived cell is written with a warning.
///
/// # Source
/// A convention, not a guideline: no published rule fixes the size of a z-score reference cell.
/// 30 is the common rule of thumb for "enough observations for a mean and SD". For normal data
/// the relative standard error of a sample SD is about 1 / √(2(n − 1)): ≈ 13 % at n = 30
/// (1 / √58 = 0.131), ≈ 24 % at n = 10, so every z-score from a small cell carries that much
/// uncertainty in its scale. Pass another minimum in [`DeriveOptions::min_cell_n`].
///
/// ```
/// // relative standard error of a sample SD at n = 30: 1 / √(2 × 29) = 0.1313
/// let n = lmr::zscore::DEFAULT_MIN_CELL_N as f64;
/// approx::assert_relative_eq!(1.0 / (2.0 * (n - 1.0)).sqrt(), 0.1313064329, max_relative = 1e-9);
/// ```
pub const DEFAULT_MIN_CELL_N: u64 = 30;

/// One member of the reference group (see [`derive()`] for a derivation from several).
///
/// ```
/// use lmr::Analyte;
/// use lmr::zscore::{derive, DeriveOptions, ExclusionReason, Observation, Scale};
///
/// let child = Observation { value: 0.03, age: "2 y".parse().ok(), sex: None };
/// let no_age = Observation { age: None, ..child };
/// let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4".parse()?);
/// let d = derive([child, no_age], &options)?;
/// assert_eq!(d.cells()[0].n, 1);
/// assert_eq!(d.excluded()[0].reason, ExclusionReason::AgeNotGiven);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    /// The value, in the analyte's unit (a ratio, or percent of dose). A censored value (`<LOD`)
    /// has no place in a mean: the caller leaves it out and says so.
    pub value: f64,
    /// Age (placed in the table's bands, which are in years).
    pub age: Option<Age>,
    /// Sex (needed only for a table by sex).
    pub sex: Option<Sex>,
}

/// How to derive a table.
///
/// ```
/// use lmr::Analyte;
/// use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
///
/// let mut options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-2,2-5".parse()?);
/// options.by_sex = true;
/// let none: [Observation; 0] = [];
/// assert_eq!(derive(none, &options)?.cells().len(), 4); // 2 sexes × 2 bands
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DeriveOptions {
    /// What to derive it for; one of [`super::ZSCORE_ANALYTES`].
    pub analyte: Analyte,
    /// The scale of the means and SDs.
    pub scale: Scale,
    /// The age bands (half-open, `from ≤ age < below`).
    pub bands: AgeBands,
    /// One cell per sex and band (`true`), or both sexes pooled (`false`).
    pub by_sex: bool,
    /// Cells with fewer observations are written with a [`DeriveWarning::SmallCell`].
    pub min_cell_n: u64,
}

impl DeriveOptions {
    /// Pooled sexes and the [`DEFAULT_MIN_CELL_N`].
    ///
    /// ```
    /// use lmr::reference::Analyte;
    /// use lmr::zscore::{DeriveOptions, Scale, DEFAULT_MIN_CELL_N};
    ///
    /// let mut options = DeriveOptions::new(Analyte::LactuloseRecoveryPct, Scale::Linear, "0-2,2-5".parse()?);
    /// assert!(!options.by_sex);
    /// assert_eq!(options.min_cell_n, DEFAULT_MIN_CELL_N);
    /// options.by_sex = true; // one cell per sex and band
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(analyte: Analyte, scale: Scale, bands: AgeBands) -> DeriveOptions {
        DeriveOptions {
            analyte,
            scale,
            bands,
            by_sex: false,
            min_cell_n: DEFAULT_MIN_CELL_N,
        }
    }
}

/// Why an observation was left out of the derivation.
///
/// ```
/// use lmr::zscore::ExclusionReason;
///
/// assert_eq!(ExclusionReason::ValueNotPositive.to_string(), "value ≤ 0 has no logarithm");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ExclusionReason {
    /// The value is NaN or infinite.
    ValueNotFinite,
    /// The value is ≤ 0 and the scale is `ln`.
    ValueNotPositive,
    /// No age given.
    AgeNotGiven,
    /// The age is in no band.
    AgeOutsideBands,
    /// No sex given, and the table is by sex.
    SexNotGiven,
}

impl ExclusionReason {
    /// The stable code (`value_not_positive`, …).
    ///
    /// ```
    /// assert_eq!(lmr::zscore::ExclusionReason::AgeOutsideBands.code(), "age_outside_bands");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            ExclusionReason::ValueNotFinite => "value_not_finite",
            ExclusionReason::ValueNotPositive => "value_not_positive",
            ExclusionReason::AgeNotGiven => "age_not_given",
            ExclusionReason::AgeOutsideBands => "age_outside_bands",
            ExclusionReason::SexNotGiven => "sex_not_given",
        }
    }
}

impl fmt::Display for ExclusionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExclusionReason::ValueNotFinite => "value not a finite number",
            ExclusionReason::ValueNotPositive => "value ≤ 0 has no logarithm",
            ExclusionReason::AgeNotGiven => "age not given",
            ExclusionReason::AgeOutsideBands => "age in no band",
            ExclusionReason::SexNotGiven => "sex not given (table by sex)",
        })
    }
}

/// An observation left out.
///
/// ```
/// use lmr::reference::Analyte;
/// use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
/// use lmr::units::{Age, AgeUnit};
///
/// let y = |years| Age::new(years, AgeUnit::Years).ok();
/// let at = |t: f64, age: Option<Age>| Observation { value: t.exp(), age, sex: None };
/// let obs = [
///     at(-3.5, y(1.0)), at(-2.5, y(3.0)), // 0–4 y: ln values −3.5, −2.5
///     at(-3.0, y(5.0)),                      // 4–7 y: one value
///     Observation { value: 0.0, age: y(2.0), sex: None }, // ln 0: left out
///     at(-3.0, None),                           // no age: left out
///     at(-3.0, y(9.0)),                      // in no band: left out
/// ];
/// let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
/// let d = derive(obs, &options)?;
/// use lmr::zscore::{ExclusionReason, Excluded};
/// assert_eq!(d.excluded()[0], Excluded { index: 3, reason: ExclusionReason::ValueNotPositive });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excluded {
    /// Its position in the observations given (0-based).
    pub index: usize,
    /// Why.
    pub reason: ExclusionReason,
}

/// Why a derived cell is not written to the table.
///
/// ```
/// use lmr::Analyte;
/// use lmr::zscore::{derive, DeriveOptions, NotWrittenReason, Observation, Scale};
///
/// let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4".parse()?);
/// let same = Observation { value: 0.03, age: "2 y".parse().ok(), sex: None };
/// let d = derive([same; 3], &options)?; // ln 0.03 three times: SD 0
/// assert_eq!(d.cells()[0].not_written(), Some(NotWrittenReason::ZeroSd));
/// let d = derive([same], &options)?; // one value: no SD
/// assert_eq!(d.cells()[0].not_written(), Some(NotWrittenReason::TooFew));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotWrittenReason {
    /// Fewer than 2 observations: no sample SD.
    TooFew,
    /// Every value is the same: SD 0, so no z-score could be computed against it.
    ZeroSd,
}

/// One sex × age-band cell of a derivation, written or not.
///
/// ```
/// use lmr::reference::Analyte;
/// use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
/// use lmr::units::{Age, AgeUnit};
///
/// let y = |years| Age::new(years, AgeUnit::Years).ok();
/// let at = |t: f64, age: Option<Age>| Observation { value: t.exp(), age, sex: None };
/// let obs = [
///     at(-3.5, y(1.0)), at(-2.5, y(3.0)), // 0–4 y: ln values −3.5, −2.5
///     at(-3.0, y(5.0)),                      // 4–7 y: one value
///     Observation { value: 0.0, age: y(2.0), sex: None }, // ln 0: left out
///     at(-3.0, None),                           // no age: left out
///     at(-3.0, y(9.0)),                      // in no band: left out
/// ];
/// let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
/// let d = derive(obs, &options)?;
/// let cell = d.cells()[0]; // any sex, 0–4 y
/// assert_eq!(cell.n, 2);
/// // mean (−3.5 − 2.5) / 2 = −3; SD √((0.5² + 0.5²) / (2 − 1)) = √0.5 = 0.7071068
/// approx::assert_relative_eq!(cell.mean.unwrap(), -3.0, max_relative = 1e-12);
/// approx::assert_relative_eq!(cell.sd.unwrap(), 0.5f64.sqrt(), max_relative = 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DerivedCell {
    /// Sex (`any` when pooled).
    pub sex: CellSex,
    /// Age band.
    pub age: AgeBand,
    /// Observations in the cell.
    pub n: u64,
    /// Mean of the transformed values (n ≥ 1).
    pub mean: Option<f64>,
    /// Sample SD (n − 1 denominator) of the transformed values (n ≥ 2).
    pub sd: Option<f64>,
}

impl DerivedCell {
    /// Why the cell is left out of the table, if it is.
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, CellSex, DerivedCell, NotWrittenReason};
    ///
    /// let age = AgeBand::new(0.0, 4.0)?;
    /// let one = DerivedCell { sex: CellSex::Any, age, n: 1, mean: Some(-3.0), sd: None };
    /// assert_eq!(one.not_written(), Some(NotWrittenReason::TooFew));
    /// let equal = DerivedCell { sex: CellSex::Any, age, n: 5, mean: Some(-3.0), sd: Some(0.0) };
    /// assert_eq!(equal.not_written(), Some(NotWrittenReason::ZeroSd));
    /// let fine = DerivedCell { sex: CellSex::Any, age, n: 40, mean: Some(-3.0), sd: Some(0.5) };
    /// assert_eq!(fine.not_written(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn not_written(&self) -> Option<NotWrittenReason> {
        match self.sd {
            None => Some(NotWrittenReason::TooFew),
            Some(sd) if sd <= 0.0 => Some(NotWrittenReason::ZeroSd),
            Some(_) => None,
        }
    }
}

/// Something the user should be told about a derivation (see [`Derivation::warnings`]).
///
/// ```
/// use lmr::zscore::{AgeBand, CellSex, DeriveWarning};
///
/// let w = DeriveWarning::SmallCell { sex: CellSex::Female, age: AgeBand::new(0.0, 4.0)?, n: 12, minimum: 30 };
/// assert_eq!(w.to_string(), "female, 0 ≤ age < 4 y: small cell, n = 12 < 30 (written; its mean and SD are imprecise)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum DeriveWarning {
    /// A cell with fewer observations than the minimum; written.
    SmallCell {
        /// Sex.
        sex: CellSex,
        /// Age band.
        age: AgeBand,
        /// Observations.
        n: u64,
        /// The minimum asked for.
        minimum: u64,
    },
    /// A cell left out of the table.
    NotWritten {
        /// Sex.
        sex: CellSex,
        /// Age band.
        age: AgeBand,
        /// Observations.
        n: u64,
        /// Why.
        reason: NotWrittenReason,
    },
    /// Observations left out, by reason.
    Excluded {
        /// Why.
        reason: ExclusionReason,
        /// How many.
        count: usize,
    },
}

impl fmt::Display for DeriveWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeriveWarning::SmallCell {
                sex,
                age,
                n,
                minimum,
            } => write!(
                f,
                "{sex}, {age}: small cell, n = {n} < {minimum} (written; its mean and SD are imprecise)"
            ),
            DeriveWarning::NotWritten {
                sex,
                age,
                n,
                reason: NotWrittenReason::TooFew,
            } => write!(
                f,
                "{sex}, {age}: n = {n}, fewer than 2 observations: no SD, cell not written"
            ),
            DeriveWarning::NotWritten {
                sex,
                age,
                n,
                reason: NotWrittenReason::ZeroSd,
            } => write!(
                f,
                "{sex}, {age}: n = {n}, all values equal: SD 0, cell not written"
            ),
            DeriveWarning::Excluded { reason, count } => {
                write!(f, "{count} observation(s) left out: {reason}")
            }
        }
    }
}

/// A derivation's per-cell results, ready to become a table with [`Derivation::to_table`].
///
/// ```
/// use lmr::reference::Analyte;
/// use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
/// use lmr::units::{Age, AgeUnit};
///
/// let y = |years| Age::new(years, AgeUnit::Years).ok();
/// let at = |t: f64, age: Option<Age>| Observation { value: t.exp(), age, sex: None };
/// let obs = [
///     at(-3.5, y(1.0)), at(-2.5, y(3.0)), // 0–4 y: ln values −3.5, −2.5
///     at(-3.0, y(5.0)),                      // 4–7 y: one value
///     Observation { value: 0.0, age: y(2.0), sex: None }, // ln 0: left out
///     at(-3.0, None),                           // no age: left out
///     at(-3.0, y(9.0)),                      // in no band: left out
/// ];
/// let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
/// let d = derive(obs, &options)?;
/// assert_eq!(d.observations(), 6);
/// assert_eq!(d.used(), 3); // two in 0–4 y, one in 4–7 y
/// assert_eq!(d.cells().len(), 2); // pooled: one cell per band
/// assert_eq!(d.excluded().len(), 3);
/// assert_eq!(d.options().scale, Scale::Ln);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Derivation {
    options: DeriveOptions,
    cells: Vec<DerivedCell>,
    excluded: Vec<Excluded>,
    observations: usize,
}

/// A derivation that cannot produce a table.
///
/// ```
/// use lmr::reference::Analyte;
/// use lmr::zscore::{derive, DeriveError, DeriveOptions, Observation, Scale};
/// use lmr::units::{Age, AgeUnit};
///
/// let options = DeriveOptions::new(Analyte::Zonulin, Scale::Linear, "0-4".parse()?);
/// let none: [Observation; 0] = [];
/// assert_eq!(derive(none, &options).unwrap_err(), DeriveError::NotZscoreAnalyte { analyte: Analyte::Zonulin });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DeriveError {
    /// The analyte has no z-scores.
    #[error("{analyte} has no z-score tables (expected one of lm_ratio, lr_ratio, l13m_ratio, lactulose_recovery_pct, mannitol_recovery_pct)")]
    NotZscoreAnalyte {
        /// The analyte.
        analyte: Analyte,
    },
    /// No cell has two observations with different values.
    #[error("no cell has at least 2 observations with different values ({used} of {observations} observation(s) fell in a cell): nothing to write")]
    NoCellWritten {
        /// Observations given.
        observations: usize,
        /// Observations in some cell.
        used: u64,
    },
    /// A cell's mean or SD is not a finite number (values so large that their sum overflows).
    #[error("{sex}, {age}: {error}")]
    Cell {
        /// Sex.
        sex: CellSex,
        /// Age band.
        age: AgeBand,
        /// What is wrong (in the message, so not also a `source`).
        error: CellError,
    },
    /// The date is empty.
    #[error("the derivation date is empty (required, e.g. 2026-11-25)")]
    EmptyDate,
    /// The table built is invalid (e.g. its id).
    #[error(transparent)]
    Table(#[from] TableError),
}

/// What to record in a derived table's source (see also [`Derivation::to_table`]).
///
/// ```
/// use lmr::Analyte;
/// use lmr::zscore::{derive, DeriveOptions, Observation, Scale, TableMeta};
///
/// let obs = [0.02, 0.05].map(|value| Observation { value, age: "2 y".parse().ok(), sex: None });
/// let d = derive(obs, &DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4".parse()?))?;
/// let meta = TableMeta {
///     id: "br-lmz".into(),
///     input: "cohort.csv".into(),
///     filter: Some("site=BR".into()),
///     date: "2026-11-25".into(),
///     ..TableMeta::default()
/// };
/// let table = d.to_table(&meta)?;
/// assert!(table.source().citation.ends_with("from cohort.csv (rows where site=BR) on 2026-11-25"));
/// assert_eq!(table.title(), "lm_ratio z-score reference derived from cohort.csv"); // no title given
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableMeta {
    /// The table's id (lower-case letters, digits and '-').
    pub id: String,
    /// Its title (default: `<analyte> z-score reference derived from <input>`).
    pub title: Option<String>,
    /// The input file, as the user named it.
    pub input: String,
    /// The row filter applied (`site=BR`), if any.
    pub filter: Option<String>,
    /// When the table was derived (ISO 8601, `2026-11-25`): the caller supplies it so the
    /// library stays deterministic.
    pub date: String,
    /// The reference group, for people (`healthy children, Brazil site`).
    pub population: Option<String>,
}

/// Derives per-cell n, mean and sample SD of the transformed values.
///
/// ```text
/// t_i  = transform(x_i)                     (ln x_i, or x_i)
/// mean = Σ t_i / n
/// SD   = √( Σ (t_i − mean)² / (n − 1) )     (n ≥ 2)
/// ```
///
/// Each observation goes to the cell of its sex (or `any` when pooled) and the band holding its
/// age (`from ≤ age < below`). Observations with no usable value, age, or (by sex) sex are left
/// out and listed in [`Derivation::excluded`], never dropped silently.
///
/// ```
/// use lmr::reference::Analyte;
/// use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
/// use lmr::units::{Age, AgeUnit};
/// // ln values −3 ± 0.5, alternating: mean −3, SD 0.5·√(n/(n−1)) = 0.5·√(4/3)
/// let obs = [-3.5, -2.5, -3.5, -2.5].map(|t: f64| Observation {
///     value: t.exp(), age: "2 y".parse().ok(), sex: None,
/// });
/// let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4".parse()?);
/// let d = derive(obs, &options)?;
/// let cell = d.cells()[0];
/// approx::assert_relative_eq!(cell.mean.unwrap(), -3.0, max_relative = 1e-12);
/// approx::assert_relative_eq!(cell.sd.unwrap(), 0.5 * (4.0f64 / 3.0).sqrt(), max_relative = 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`DeriveError::NotZscoreAnalyte`].
pub fn derive(
    observations: impl IntoIterator<Item = Observation>,
    options: &DeriveOptions,
) -> Result<Derivation, DeriveError> {
    if !super::is_zscore_analyte(options.analyte) {
        return Err(DeriveError::NotZscoreAnalyte {
            analyte: options.analyte,
        });
    }
    let sexes: &[CellSex] = if options.by_sex {
        &[CellSex::Female, CellSex::Male]
    } else {
        &[CellSex::Any]
    };
    let bands = options.bands.as_slice();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); sexes.len() * bands.len()];
    let mut excluded = Vec::new();
    let mut count = 0;
    for (index, o) in observations.into_iter().enumerate() {
        count += 1;
        match place(&o, options) {
            Ok((slot, t)) => values[slot].push(t),
            Err(reason) => excluded.push(Excluded { index, reason }),
        }
    }
    let cells = sexes
        .iter()
        .flat_map(|&sex| bands.iter().map(move |&age| (sex, age)))
        .zip(&values)
        .map(|((sex, age), v)| {
            let (mean, sd) = mean_sd(v);
            DerivedCell {
                sex,
                age,
                n: v.len() as u64,
                mean,
                sd,
            }
        })
        .collect();
    Ok(Derivation {
        options: options.clone(),
        cells,
        excluded,
        observations: count,
    })
}

/// The cell slot and transformed value of one observation.
fn place(o: &Observation, options: &DeriveOptions) -> Result<(usize, f64), ExclusionReason> {
    let t = options.scale.transform(o.value).map_err(|e| match e {
        super::NoZscore::NotPositive { .. } => ExclusionReason::ValueNotPositive,
        _ => ExclusionReason::ValueNotFinite,
    })?;
    let age = o.age.ok_or(ExclusionReason::AgeNotGiven)?;
    let bands = options.bands.as_slice();
    let band = bands
        .iter()
        .position(|b| b.contains(age))
        .ok_or(ExclusionReason::AgeOutsideBands)?;
    // Slots follow `sexes`: [any] pooled, [female, male] by sex.
    let sex = match (options.by_sex, o.sex) {
        (false, _) => 0,
        (true, Some(Sex::Female)) => 0,
        (true, Some(Sex::Male)) => 1,
        (true, None) => return Err(ExclusionReason::SexNotGiven),
    };
    Ok((sex * bands.len() + band, t))
}

/// Mean (n ≥ 1) and sample SD (n ≥ 2; exactly 0 when every value is equal).
fn mean_sd(v: &[f64]) -> (Option<f64>, Option<f64>) {
    let Some(&first) = v.first() else {
        return (None, None);
    };
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    if v.len() < 2 {
        return (Some(mean), None);
    }
    if v.iter().all(|&x| x == first) {
        return (Some(first), Some(0.0));
    }
    let ss: f64 = v.iter().map(|x| (x - mean).powi(2)).sum();
    (Some(mean), Some((ss / (n - 1.0)).sqrt()))
}

impl Derivation {
    /// Every sex × band cell, written or not: by sex, female then male; bands in order.
    ///
    /// ```
    /// use lmr::{Analyte, Sex};
    /// use lmr::zscore::{derive, CellSex, DeriveOptions, Observation, Scale};
    ///
    /// let mut options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
    /// options.by_sex = true;
    /// let girl = Observation { value: 0.03, age: "2 y".parse().ok(), sex: Some(Sex::Female) };
    /// let boy = Observation { value: 0.04, age: "5 y".parse().ok(), sex: Some(Sex::Male) };
    /// let d = derive([girl, boy], &options)?;
    /// let cells: Vec<_> = d.cells().iter().map(|c| (c.sex, c.age.from().in_years(), c.n)).collect();
    /// assert_eq!(cells, [
    ///     (CellSex::Female, 0.0, 1), (CellSex::Female, 4.0, 0),
    ///     (CellSex::Male, 0.0, 0), (CellSex::Male, 4.0, 1),
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cells(&self) -> &[DerivedCell] {
        &self.cells
    }

    /// The observations left out, in input order.
    ///
    /// ```
    /// # use lmr::Analyte;
    /// # use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
    /// # let at = |value, age: &str| Observation { value, age: age.parse().ok(), sex: None };
    /// # let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
    /// // bands 0–4 and 4–7 y, ln scale; −1 has no logarithm, 9 y is in no band
    /// let d = derive([at(0.02, "1 y"), at(0.05, "3 y"), at(-1.0, "2 y"), at(0.03, "9 y")], &options)?;
    /// use lmr::zscore::{Excluded, ExclusionReason::*};
    /// assert_eq!(d.excluded(), [
    ///     Excluded { index: 2, reason: ValueNotPositive },
    ///     Excluded { index: 3, reason: AgeOutsideBands },
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn excluded(&self) -> &[Excluded] {
        &self.excluded
    }

    /// How many observations were given, left out or not.
    ///
    /// ```
    /// # use lmr::Analyte;
    /// # use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
    /// # let at = |value, age: &str| Observation { value, age: age.parse().ok(), sex: None };
    /// # let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
    /// // bands 0–4 and 4–7 y, ln scale; −1 has no logarithm, 9 y is in no band
    /// let d = derive([at(0.02, "1 y"), at(0.05, "3 y"), at(-1.0, "2 y"), at(0.03, "9 y")], &options)?;
    /// assert_eq!(d.observations(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// How many observations fell in a cell.
    ///
    /// ```
    /// # use lmr::Analyte;
    /// # use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
    /// # let at = |value, age: &str| Observation { value, age: age.parse().ok(), sex: None };
    /// # let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
    /// // bands 0–4 and 4–7 y, ln scale; −1 has no logarithm, 9 y is in no band
    /// let d = derive([at(0.02, "1 y"), at(0.05, "3 y"), at(-1.0, "2 y"), at(0.03, "9 y")], &options)?;
    /// assert_eq!(d.used(), 2); // 1 y and 3 y, both in 0–4 y
    /// assert_eq!(d.used() as usize, d.observations() - d.excluded().len()); // 4 − 2
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn used(&self) -> u64 {
        self.cells.iter().map(|c| c.n).sum()
    }

    /// The options it was derived with.
    ///
    /// ```
    /// # use lmr::Analyte;
    /// # use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
    /// # let at = |value, age: &str| Observation { value, age: age.parse().ok(), sex: None };
    /// # let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
    /// // bands 0–4 and 4–7 y, ln scale; −1 has no logarithm, 9 y is in no band
    /// let d = derive([at(0.02, "1 y"), at(0.05, "3 y"), at(-1.0, "2 y"), at(0.03, "9 y")], &options)?;
    /// assert_eq!(d.options(), &options);
    /// assert_eq!(d.options().min_cell_n, lmr::zscore::DEFAULT_MIN_CELL_N);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn options(&self) -> &DeriveOptions {
        &self.options
    }

    /// What to tell the user: small cells (written), cells not written (n < 2, SD 0), and the
    /// observations left out, counted by reason.
    ///
    /// ```
    /// use lmr::reference::Analyte;
    /// use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
    /// use lmr::units::{Age, AgeUnit};
    ///
    /// let y = |years| Age::new(years, AgeUnit::Years).ok();
    /// let at = |t: f64, age: Option<Age>| Observation { value: t.exp(), age, sex: None };
    /// let obs = [
    ///     at(-3.5, y(1.0)), at(-2.5, y(3.0)), // 0–4 y: ln values −3.5, −2.5
    ///     at(-3.0, y(5.0)),                      // 4–7 y: one value
    ///     Observation { value: 0.0, age: y(2.0), sex: None }, // ln 0: left out
    ///     at(-3.0, None),                           // no age: left out
    ///     at(-3.0, y(9.0)),                      // in no band: left out
    /// ];
    /// let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
    /// let d = derive(obs, &options)?;
    /// use lmr::zscore::DeriveWarning;
    /// let w = d.warnings();
    /// // 0–4 y: n = 2 < 30, written; 4–7 y: n = 1, not written; three reasons, one each
    /// assert!(matches!(w[0], DeriveWarning::SmallCell { n: 2, minimum: 30, .. }));
    /// assert_eq!(w[1].to_string(), "any, 4 ≤ age < 7 y: n = 1, fewer than 2 observations: no SD, cell not written");
    /// assert_eq!(w.iter().filter(|x| matches!(x, DeriveWarning::Excluded { count: 1, .. })).count(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warnings(&self) -> Vec<DeriveWarning> {
        let mut out = Vec::new();
        for c in &self.cells {
            match c.not_written() {
                Some(reason) => out.push(DeriveWarning::NotWritten {
                    sex: c.sex,
                    age: c.age,
                    n: c.n,
                    reason,
                }),
                None if c.n < self.options.min_cell_n => out.push(DeriveWarning::SmallCell {
                    sex: c.sex,
                    age: c.age,
                    n: c.n,
                    minimum: self.options.min_cell_n,
                }),
                None => {}
            }
        }
        let mut reasons: Vec<ExclusionReason> = self.excluded.iter().map(|e| e.reason).collect();
        reasons.sort();
        reasons.dedup();
        for reason in reasons {
            let count = self.excluded.iter().filter(|e| e.reason == reason).count();
            out.push(DeriveWarning::Excluded { reason, count });
        }
        out
    }

    /// The table: every cell with n ≥ 2 and SD > 0, and a source with status `local` whose
    /// citation names the input file, the filter and the date, and whose notes list the
    /// warnings. Write it with [`ZscoreTable::to_toml`].
    ///
    /// # Errors
    /// [`DeriveError::EmptyDate`]; [`DeriveError::NoCellWritten`]; [`DeriveError::Cell`] when a
    /// mean or SD overflowed; [`DeriveError::Table`] for an invalid id or an empty title.
    ///
    /// ```
    /// use lmr::reference::Analyte;
    /// use lmr::zscore::{derive, DeriveOptions, Observation, Scale};
    /// use lmr::units::{Age, AgeUnit};
    ///
    /// let y = |years| Age::new(years, AgeUnit::Years).ok();
    /// let at = |t: f64, age: Option<Age>| Observation { value: t.exp(), age, sex: None };
    /// let obs = [
    ///     at(-3.5, y(1.0)), at(-2.5, y(3.0)), // 0–4 y: ln values −3.5, −2.5
    ///     at(-3.0, y(5.0)),                      // 4–7 y: one value
    ///     Observation { value: 0.0, age: y(2.0), sex: None }, // ln 0: left out
    ///     at(-3.0, None),                           // no age: left out
    ///     at(-3.0, y(9.0)),                      // in no band: left out
    /// ];
    /// let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse()?);
    /// let d = derive(obs, &options)?;
    /// use lmr::source::Verification;
    /// use lmr::zscore::{DeriveError, TableMeta};
    /// let meta = TableMeta {
    ///     id: "our-lmz".into(),
    ///     input: "cohort.csv".into(),
    ///     date: "2026-11-25".into(),
    ///     ..TableMeta::default()
    /// };
    /// let table = d.to_table(&meta)?;
    /// assert_eq!(table.cells().len(), 1); // the 4–7 y cell (n = 1) is not written
    /// approx::assert_relative_eq!(table.cells()[0].sd(), 0.5f64.sqrt(), max_relative = 1e-12);
    /// assert_eq!(table.source().status, Verification::Local);
    /// assert!(table.source().citation.contains("cohort.csv"));
    /// let undated = TableMeta { date: String::new(), ..meta };
    /// assert_eq!(d.to_table(&undated).unwrap_err(), DeriveError::EmptyDate);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_table(&self, meta: &TableMeta) -> Result<ZscoreTable, DeriveError> {
        if meta.date.trim().is_empty() {
            return Err(DeriveError::EmptyDate);
        }
        let o = &self.options;
        let mut cells = Vec::new();
        for c in &self.cells {
            if let (Some(mean), Some(sd), None) = (c.mean, c.sd, c.not_written()) {
                let cell =
                    Cell::new(c.sex, c.age, mean, sd, c.n).map_err(|error| DeriveError::Cell {
                        sex: c.sex,
                        age: c.age,
                        error,
                    })?;
                cells.push(cell);
            }
        }
        if cells.is_empty() {
            return Err(DeriveError::NoCellWritten {
                observations: self.observations,
                used: self.used(),
            });
        }
        let rows = match &meta.filter {
            Some(f) => format!("rows where {f}"),
            None => "all rows".to_string(),
        };
        let citation = format!(
            "Derived with lmr {} (zscore-reference) from {} ({rows}) on {}",
            env!("CARGO_PKG_VERSION"),
            meta.input,
            meta.date
        );
        let transformed = match o.scale {
            Scale::Ln => format!("ln({})", o.analyte),
            Scale::Linear => o.analyte.to_string(),
        };
        let quote = format!(
            "n, mean and sample SD (n − 1 denominator) of {transformed} per {} (from ≤ age < below, years); {} of {} observations used; cells with n < 2 or SD 0 not written",
            if o.by_sex { "sex and age band" } else { "age band, sexes pooled" },
            self.used(),
            self.observations
        );
        let mut notes = vec![format!(
            "Status local: derived from the user's own reference group, not a published reference. Minimum cell size {} (a convention, not a guideline).",
            o.min_cell_n
        )];
        notes.extend(self.warnings().iter().map(|w| format!("{w}.")));
        let spec = TableSpec {
            id: meta.id.clone(),
            analyte: o.analyte,
            scale: o.scale,
            title: meta.title.clone().unwrap_or_else(|| {
                format!(
                    "{} z-score reference derived from {}",
                    o.analyte, meta.input
                )
            }),
            population: meta.population.clone(),
            source: Source {
                citation,
                doi: None,
                url: None,
                quote,
                status: Verification::Local,
                notes: Some(notes.join(" ")),
            },
            cells,
        };
        Ok(ZscoreTable::new(spec, "derived")?)
    }
}
