//! Age- and sex-specific z-scores against a reference table (LMZ-style normalisation).
//!
//! A [`ZscoreTable`] gives, for one analyte (the L:M ratio, a recovery, …), the mean and SD of a
//! reference group per sex and age band, on a declared [`Scale`]. A value's z-score is
//!
//! ```text
//! z = (transform(x) − mean(sex, age)) / SD(sex, age)
//!
//! transform(x) = ln x   on the `ln` scale (x > 0; natural logarithm)
//!              = x      on the `linear` scale
//! x            = the value in the analyte's unit: a ratio for lm_ratio / lr_ratio / l13m_ratio,
//!                percent of the oral dose for lactulose_recovery_pct / mannitol_recovery_pct
//! ```
//!
//! Age bands are **half-open**, `from ≤ age < below` (years), so bands written `0-4,4-7` tile
//! without overlap: a child of exactly 4.0 y is in the 4-7 band. An age outside every band gets
//! no z-score ([`NoZscore::AgeOutsideReference`], flag [`Flag::AgeOutsideReference`]): tables are
//! never extrapolated.
//!
//! No table is shipped as the published MAL-ED reference (Kosek et al. 2017): its means and SDs
//! were not available to the authors of `lmr` (Kosek MN et al., J Pediatr Gastroenterol Nutr 2017;65(1):31–39, doi:10.1097/MPG.0000000000001610: the reference means and SDs are in supplementary content that was not seen). Tables are read from
//! range files (`[[zscore_table]]`, see `docs/zscores.md`), loaded with
//! [`crate::reference::Registry::load_path`] or [`crate::reference::load_zscore_tables`] (the
//! range-file layer reads them; this module only computes with them), or derived from a reference group in the user's
//! own data with [`derive()`] (what the MAL-ED investigators did with their Brazil site).
//!
//! ```
//! use lmr::protocol::Sex;
//! use lmr::reference::Registry;
//!
//! let mut registry = Registry::builtin()?;
//! registry.add_text("ref.toml", r#"
//! [[zscore_table]]
//! id = "my-lmz"
//! analyte = "lm_ratio"
//! unit = "ratio"
//! scale = "ln"
//! title = "L:M z-scores, synthetic example"
//! [zscore_table.source]
//! citation = "synthetic example"
//! quote = "invented numbers"
//! status = "local"
//! [[zscore_table.cell]]
//! sex = "any"
//! age_years = { from = 0, below = 4 }
//! mean = -3.2
//! sd = 0.5
//! n = 40
//! "#, true)?;
//! let table = registry.zscore_table("my-lmz").expect("loaded");
//! // ln(0.05) = −2.995732; (−2.995732 − (−3.2)) / 0.5 = 0.408536
//! let z = table.z(0.05, Some(Sex::Female), Some("2 y".parse()?))?;
//! approx::assert_abs_diff_eq!(z.z, 0.408536, epsilon = 1e-6);
//! // 4.0 y is outside [0, 4): no z, never extrapolated
//! assert_eq!(table.z(0.05, None, Some("4 y".parse()?)).unwrap_err().code(), "age_outside_reference");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod derive;

pub use derive::{
    derive, Derivation, DeriveError, DeriveOptions, DeriveWarning, DerivedCell, Excluded,
    ExclusionReason, NotWrittenReason, Observation, TableMeta, DEFAULT_MIN_CELL_N,
};

use std::fmt;
use std::str::FromStr;

use crate::analyte::{Analyte, RangeUnit};
use crate::flag::Flag;
use crate::protocol::Sex;
use crate::source::{Source, Verification};
use crate::units::Age;

/// The analytes a z-score table may be written for.
///
/// ```
/// use lmr::analyte::Analyte;
///
/// assert_eq!(lmr::zscore::ZSCORE_ANALYTES.len(), 5); // three ratios, two recoveries
/// assert!(!lmr::zscore::ZSCORE_ANALYTES.contains(&Analyte::VitaminD25oh));
/// ```
pub const ZSCORE_ANALYTES: &[Analyte] = &[
    Analyte::LmRatio,
    Analyte::LrRatio,
    Analyte::L13mRatio,
    Analyte::LactuloseRecoveryPct,
    Analyte::MannitolRecoveryPct,
];

/// Whether a z-score table may be written for `analyte` (the sugar ratios and recoveries).
///
/// ```
/// use lmr::{analyte::Analyte, zscore::is_zscore_analyte};
///
/// assert!(is_zscore_analyte(Analyte::MannitolRecoveryPct));
/// assert!(!is_zscore_analyte(Analyte::Zonulin));
/// ```
pub fn is_zscore_analyte(analyte: Analyte) -> bool {
    ZSCORE_ANALYTES.contains(&analyte)
}

/// The output column for an analyte's z-score (`lmz`, `lactulose_z`, `mannitol_z`, `lrz`,
/// `l13mz`); the id of the table used goes in the same name with `_reference` appended.
///
/// ```
/// use lmr::{analyte::Analyte, zscore::z_column};
///
/// assert_eq!(z_column(Analyte::LmRatio), Some("lmz"));
/// assert_eq!(z_column(Analyte::LactuloseRecoveryPct), Some("lactulose_z"));
/// assert_eq!(z_column(Analyte::UrineVolume), None);
/// ```
pub fn z_column(analyte: Analyte) -> Option<&'static str> {
    match analyte {
        Analyte::LmRatio => Some("lmz"),
        Analyte::LrRatio => Some("lrz"),
        Analyte::L13mRatio => Some("l13mz"),
        Analyte::LactuloseRecoveryPct => Some("lactulose_z"),
        Analyte::MannitolRecoveryPct => Some("mannitol_z"),
        _ => None,
    }
}

/// The unit a z-score table's values (and the value scored) are in: a ratio, or percent of dose.
///
/// ```
/// use lmr::{analyte::{Analyte, RangeUnit}, zscore::zscore_unit};
///
/// assert_eq!(zscore_unit(Analyte::LrRatio), Some(RangeUnit::Ratio));
/// assert_eq!(zscore_unit(Analyte::MannitolRecoveryPct), Some(RangeUnit::Percent));
/// assert_eq!(zscore_unit(Analyte::VitaminD25oh), None);
/// ```
pub fn zscore_unit(analyte: Analyte) -> Option<RangeUnit> {
    match analyte {
        Analyte::LmRatio | Analyte::LrRatio | Analyte::L13mRatio => Some(RangeUnit::Ratio),
        Analyte::LactuloseRecoveryPct | Analyte::MannitolRecoveryPct => Some(RangeUnit::Percent),
        _ => None,
    }
}

/// The scale a table's mean and SD are on.
///
/// ```
/// use lmr::zscore::Scale;
///
/// assert_eq!(" ln ".parse::<Scale>()?, Scale::Ln); // `--scale ln`
/// assert_eq!(Scale::Linear.to_string(), "linear");
/// # Ok::<(), lmr::zscore::UnknownScale>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Natural logarithm of the value (`ln`); the value must be positive.
    Ln,
    /// The value itself (`linear`).
    Linear,
}

impl Scale {
    /// `ln` or `linear`, as written in files.
    ///
    /// ```
    /// assert_eq!(lmr::zscore::Scale::Ln.key(), "ln");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Scale::Ln => "ln",
            Scale::Linear => "linear",
        }
    }

    /// Parses `ln` or `linear` (exactly; `log` is refused because its base is ambiguous).
    ///
    /// ```
    /// use lmr::zscore::Scale;
    ///
    /// assert_eq!(Scale::from_key("linear"), Some(Scale::Linear));
    /// assert_eq!(Scale::from_key("log"), None);
    /// assert_eq!(Scale::from_key("LN"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<Scale> {
        match key {
            "ln" => Some(Scale::Ln),
            "linear" => Some(Scale::Linear),
            _ => None,
        }
    }

    /// The value on this scale.
    ///
    /// ```text
    /// ln:     t = ln x   (x > 0)
    /// linear: t = x
    /// ```
    ///
    /// # Errors
    /// [`NoZscore::NotFinite`] for NaN or ±∞; [`NoZscore::NotPositive`] for x ≤ 0 on the `ln`
    /// scale.
    ///
    /// ```
    /// use lmr::zscore::{NoZscore, Scale};
    ///
    /// // ln 0.05 = −2.995732274 (natural logarithm)
    /// approx::assert_relative_eq!(Scale::Ln.transform(0.05)?, -2.995732274, max_relative = 1e-9);
    /// assert_eq!(Scale::Linear.transform(0.05)?, 0.05);
    /// assert_eq!(Scale::Ln.transform(0.0), Err(NoZscore::NotPositive { value: 0.0 }));
    /// assert!(Scale::Linear.transform(f64::NAN).is_err());
    /// # Ok::<(), NoZscore>(())
    /// ```
    pub fn transform(self, x: f64) -> Result<f64, NoZscore> {
        if !x.is_finite() {
            return Err(NoZscore::NotFinite { value: x });
        }
        match self {
            Scale::Ln if x <= 0.0 => Err(NoZscore::NotPositive { value: x }),
            Scale::Ln => Ok(x.ln()),
            Scale::Linear => Ok(x),
        }
    }
}

impl FromStr for Scale {
    type Err = UnknownScale;

    /// Parses `ln` or `linear` (for `--scale`).
    fn from_str(s: &str) -> Result<Scale, UnknownScale> {
        Scale::from_key(s.trim()).ok_or_else(|| UnknownScale(s.to_string()))
    }
}

/// A scale name that is not `ln` or `linear`.
///
/// ```
/// use lmr::zscore::{Scale, UnknownScale};
///
/// assert_eq!("log10".parse::<Scale>(), Err(UnknownScale("log10".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?}: unknown scale (expected \"ln\" for the natural logarithm, or \"linear\")")]
pub struct UnknownScale(pub String);

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The sex a cell applies to.
///
/// ```
/// use lmr::{protocol::Sex, zscore::CellSex};
///
/// assert_eq!(CellSex::from(Sex::Male), CellSex::Male);
/// assert_eq!(CellSex::Any.to_string(), "any");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CellSex {
    /// Girls and women.
    Female,
    /// Boys and men.
    Male,
    /// Both sexes pooled.
    Any,
}

impl CellSex {
    /// `female`, `male` or `any`, as written in files.
    ///
    /// ```
    /// assert_eq!(lmr::zscore::CellSex::Female.key(), "female");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            CellSex::Female => "female",
            CellSex::Male => "male",
            CellSex::Any => "any",
        }
    }

    /// Parses `female`, `male` or `any` (exactly, as written by [`Self::key`]).
    ///
    /// ```
    /// use lmr::zscore::CellSex;
    ///
    /// assert_eq!(CellSex::from_key("any"), Some(CellSex::Any));
    /// assert_eq!(CellSex::from_key("F"), None); // files are written by programs: exact keys
    /// ```
    pub fn from_key(key: &str) -> Option<CellSex> {
        match key {
            "female" => Some(CellSex::Female),
            "male" => Some(CellSex::Male),
            "any" => Some(CellSex::Any),
            _ => None,
        }
    }

    /// Whether a cell of this sex applies to a person of sex `sex` (an `any` cell applies to
    /// everyone, including a person whose sex is not given).
    ///
    /// ```
    /// use lmr::{protocol::Sex, zscore::CellSex};
    ///
    /// assert!(CellSex::Any.applies_to(None));
    /// assert!(CellSex::Female.applies_to(Some(Sex::Female)));
    /// assert!(!CellSex::Female.applies_to(None));
    /// assert!(!CellSex::Male.applies_to(Some(Sex::Female)));
    /// ```
    pub fn applies_to(self, sex: Option<Sex>) -> bool {
        match self {
            CellSex::Any => true,
            CellSex::Female => sex == Some(Sex::Female),
            CellSex::Male => sex == Some(Sex::Male),
        }
    }

    /// Whether two cells of these sexes could both apply to one person.
    fn collides(self, other: CellSex) -> bool {
        self == other || self == CellSex::Any || other == CellSex::Any
    }
}

impl From<Sex> for CellSex {
    fn from(s: Sex) -> CellSex {
        match s {
            Sex::Female => CellSex::Female,
            Sex::Male => CellSex::Male,
        }
    }
}

impl fmt::Display for CellSex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// An age band in years, **half-open**: it holds the ages `from ≤ age < below`.
///
/// Half-open bands tile: `0-4` and `4-7` share the edge 4 and a child of exactly 4.0 y is in
/// `4-7` only.
///
/// ```
/// use lmr::zscore::AgeBand;
///
/// let b = AgeBand::new(0.5, 2.0)?;
/// assert_eq!((b.from().in_years(), b.below().in_years()), (0.5, 2.0));
/// assert_eq!(b.to_string(), "0.5 ≤ age < 2 y");
/// # Ok::<(), lmr::zscore::AgeBandsError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AgeBand {
    from: f64,
    below: f64,
}

impl AgeBand {
    /// The band `from ≤ age < below`.
    ///
    /// # Errors
    /// [`AgeBandProblem::NotANumber`] if an end is not a finite, non-negative number, and
    /// [`AgeBandProblem::NotPositiveWidth`] unless `from < below`; the error quotes the band as
    /// `from-below`.
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, AgeBandProblem};
    ///
    /// assert!(AgeBand::new(0.0, 4.0).is_ok());
    /// let e = AgeBand::new(4.0, 4.0).unwrap_err();
    /// assert_eq!(e.problem, AgeBandProblem::NotPositiveWidth { item: "4-4".into() });
    /// assert!(AgeBand::new(-1.0, 4.0).is_err());
    /// ```
    pub fn new(from: f64, below: f64) -> Result<AgeBand, AgeBandsError> {
        let text = format!("{from}-{below}");
        for bound in [from, below] {
            if !(bound.is_finite() && bound >= 0.0) {
                return Err(AgeBandsError {
                    problem: AgeBandProblem::NotANumber {
                        item: text.clone(),
                        bound: bound.to_string(),
                    },
                    text,
                });
            }
        }
        if from >= below {
            return Err(AgeBandsError {
                problem: AgeBandProblem::NotPositiveWidth { item: text.clone() },
                text,
            });
        }
        Ok(AgeBand { from, below })
    }

    /// The youngest age in the band (inclusive, in years; shown with [`AgeBand`]).
    ///
    /// ```
    /// let bands: lmr::zscore::AgeBands = "0-4,4-7".parse()?;
    /// assert_eq!(bands.as_slice()[1].from().to_string(), "4 y"); // a child of exactly 4.0 y is in 4-7
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from(self) -> Age {
        Age::from_checked_years(self.from)
    }

    /// The age the band stops below (exclusive, in years; shown with [`AgeBand`]).
    ///
    /// ```
    /// let bands: lmr::zscore::AgeBands = "0-0.5,0.5-2".parse()?;
    /// assert_eq!(bands.as_slice()[0].below().in_years(), 0.5); // 6 months, exclusive
    /// # Ok::<(), lmr::zscore::AgeBandsError>(())
    /// ```
    pub fn below(self) -> Age {
        Age::from_checked_years(self.below)
    }

    /// Whether `age` is in the band: `from ≤ age < below` (compared in years).
    ///
    /// ```
    /// use lmr::units::Age;
    ///
    /// let band = lmr::zscore::AgeBand::new(0.0, 4.0)?;
    /// let age = |text: &str| text.parse::<Age>();
    /// assert!(band.contains(age("0 y")?) && band.contains(age("3.99 y")?));
    /// assert!(!band.contains(age("4 y")?)); // the upper end is exclusive
    /// assert!(band.contains(age("47 months")?)); // 47 ÷ 12 = 3.92 y
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contains(self, age: Age) -> bool {
        let y = age.in_years();
        self.from <= y && y < self.below
    }

    /// Whether the two bands share any age.
    ///
    /// ```
    /// use lmr::zscore::AgeBand;
    ///
    /// let (a, b, c) = (AgeBand::new(0.0, 4.0)?, AgeBand::new(4.0, 7.0)?, AgeBand::new(3.0, 5.0)?);
    /// assert!(!a.overlaps(b)); // they share only the edge 4, which is in `b` alone
    /// assert!(a.overlaps(c) && c.overlaps(b));
    /// # Ok::<(), lmr::zscore::AgeBandsError>(())
    /// ```
    pub fn overlaps(self, other: AgeBand) -> bool {
        self.from < other.below && other.from < self.below
    }

    /// The band as written in `--age-bands` (`0-4`, `0.5-2`).
    ///
    /// ```
    /// assert_eq!(lmr::zscore::AgeBand::new(0.5, 2.0)?.label(), "0.5-2");
    /// # Ok::<(), lmr::zscore::AgeBandsError>(())
    /// ```
    pub fn label(self) -> String {
        format!("{}-{}", self.from, self.below)
    }
}

impl fmt::Display for AgeBand {
    /// `0 ≤ age < 4 y`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ≤ age < {} y", self.from, self.below)
    }
}

/// Age bands for deriving a table, increasing and non-overlapping (gaps between them are allowed:
/// ages in a gap are left out and counted).
///
/// Parsed from a comma-separated list of `FROM-BELOW` years, each band half-open:
///
/// ```
/// use lmr::zscore::AgeBands;
/// let bands: AgeBands = "0-4,4-7,7-10".parse()?;
/// assert_eq!(bands.as_slice().len(), 3);
/// let four: lmr::units::Age = "4 y".parse()?;
/// assert!(bands.as_slice()[1].contains(four) && !bands.as_slice()[0].contains(four));
/// assert_eq!(bands.to_string(), "0-4,4-7,7-10");
/// let err = "0-4,3-7".parse::<AgeBands>().unwrap_err();
/// assert_eq!(err.to_string(), "age bands \"0-4,3-7\": band \"3-7\" starts before the previous band \"0-4\" ends (bands must be increasing and must not overlap)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AgeBands(Vec<AgeBand>);

impl AgeBands {
    /// Checks a list of bands.
    ///
    /// # Errors
    /// [`AgeBandProblem::Empty`] for no bands; [`AgeBandProblem::Overlap`] when a band starts
    /// before the previous one ends.
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, AgeBandProblem, AgeBands};
    ///
    /// // a gap (2–4 y) is allowed: those ages are left out and counted
    /// let bands = AgeBands::new(vec![AgeBand::new(0.0, 2.0)?, AgeBand::new(4.0, 7.0)?])?;
    /// assert_eq!(bands.to_string(), "0-2,4-7");
    /// assert_eq!(AgeBands::new(vec![]).unwrap_err().problem, AgeBandProblem::Empty);
    /// # Ok::<(), lmr::zscore::AgeBandsError>(())
    /// ```
    pub fn new(bands: Vec<AgeBand>) -> Result<AgeBands, AgeBandsError> {
        let text = || {
            bands
                .iter()
                .map(|b| b.label())
                .collect::<Vec<_>>()
                .join(",")
        };
        if bands.is_empty() {
            return Err(AgeBandsError {
                text: String::new(),
                problem: AgeBandProblem::Empty,
            });
        }
        for pair in bands.windows(2) {
            if pair[1].from < pair[0].below {
                return Err(AgeBandsError {
                    text: text(),
                    problem: AgeBandProblem::Overlap {
                        item: pair[1].label(),
                        previous: pair[0].label(),
                    },
                });
            }
        }
        Ok(AgeBands(bands))
    }

    /// The bands, in increasing order.
    ///
    /// ```
    /// let bands: lmr::zscore::AgeBands = "0-4, 4-7".parse()?;
    /// assert_eq!(bands.as_slice()[1].label(), "4-7");
    /// # Ok::<(), lmr::zscore::AgeBandsError>(())
    /// ```
    pub fn as_slice(&self) -> &[AgeBand] {
        &self.0
    }
}

impl FromStr for AgeBands {
    type Err = AgeBandsError;

    /// Parses `0-4,4-7,7-10` (years; spaces around items are ignored).
    fn from_str(text: &str) -> Result<AgeBands, AgeBandsError> {
        let fail = |problem| AgeBandsError {
            text: text.to_string(),
            problem,
        };
        if text.trim().is_empty() {
            return Err(fail(AgeBandProblem::Empty));
        }
        let mut bands = Vec::new();
        for item in text.split(',').map(str::trim) {
            let Some((a, b)) = item.split_once('-') else {
                return Err(fail(AgeBandProblem::NotARange {
                    item: item.to_string(),
                }));
            };
            let number = |s: &str| -> Result<f64, AgeBandsError> {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| {
                        fail(AgeBandProblem::NotANumber {
                            item: item.to_string(),
                            bound: s.trim().to_string(),
                        })
                    })
            };
            let (from, below) = (number(a)?, number(b)?);
            if from >= below {
                return Err(fail(AgeBandProblem::NotPositiveWidth {
                    item: item.to_string(),
                }));
            }
            bands.push(AgeBand { from, below });
        }
        AgeBands::new(bands).map_err(|e| fail(e.problem))
    }
}

impl fmt::Display for AgeBands {
    /// `0-4,4-7,7-10`: reads back with [`FromStr`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(&b.label())?;
        }
        Ok(())
    }
}

/// Age bands that cannot be used. The message quotes the text.
///
/// ```
/// use lmr::zscore::{AgeBandProblem, AgeBands};
///
/// let e = "0-4,x-7".parse::<AgeBands>().unwrap_err();
/// assert_eq!(e.text, "0-4,x-7");
/// assert_eq!(e.problem, AgeBandProblem::NotANumber { item: "x-7".into(), bound: "x".into() });
/// assert_eq!(e.to_string(), r#"age bands "0-4,x-7": band "x-7": "x" is not a non-negative number of years"#);
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("age bands {text:?}: {problem}")]
pub struct AgeBandsError {
    /// The bands as given.
    pub text: String,
    /// What is wrong.
    pub problem: AgeBandProblem,
}

/// What is wrong with age bands.
///
/// ```
/// use lmr::zscore::{AgeBandProblem, AgeBands};
///
/// assert_eq!("0to4".parse::<AgeBands>().unwrap_err().problem, AgeBandProblem::NotARange { item: "0to4".into() });
/// assert_eq!(" ".parse::<AgeBands>().unwrap_err().problem, AgeBandProblem::Empty);
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AgeBandProblem {
    /// No band was given.
    #[error("no bands given (expected e.g. 0-4,4-7,7-10)")]
    Empty,
    /// An item is not `FROM-BELOW`.
    #[error("band {item:?}: expected FROM-BELOW in years, e.g. 0-4")]
    NotARange {
        /// The item.
        item: String,
    },
    /// An end is not a finite, non-negative number.
    #[error("band {item:?}: {bound:?} is not a non-negative number of years")]
    NotANumber {
        /// The item.
        item: String,
        /// The end.
        bound: String,
    },
    /// `from ≥ below`.
    #[error("band {item:?}: its width must be positive (FROM < BELOW)")]
    NotPositiveWidth {
        /// The item.
        item: String,
    },
    /// A band starts before the previous one ends.
    #[error("band {item:?} starts before the previous band {previous:?} ends (bands must be increasing and must not overlap)")]
    Overlap {
        /// The band.
        item: String,
        /// The previous band.
        previous: String,
    },
}

/// One cell of a table: the reference group's mean and SD, on the table's scale, for one sex and
/// age band.
///
/// ```
/// use lmr::zscore::{AgeBand, Cell, CellSex};
///
/// let c = Cell::new(CellSex::Female, AgeBand::new(4.0, 7.0)?, -3.1, 0.6, 42)?;
/// assert_eq!((c.sex(), c.mean(), c.sd(), c.n()), (CellSex::Female, -3.1, 0.6, 42));
/// assert_eq!(c.age().label(), "4-7");
/// assert_eq!(c.to_string(), "female, 4 ≤ age < 7 y: mean -3.1, SD 0.6 (n 42)");
/// // (−2.5 − (−3.1)) / 0.6 = 1.0
/// approx::assert_relative_eq!(c.z_of_transformed(-2.5), 1.0, max_relative = 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    sex: CellSex,
    age: AgeBand,
    mean: f64,
    sd: f64,
    n: u64,
}

impl fmt::Display for Cell {
    /// `female, 4–7 y: mean −3.1, SD 0.6 (n 42)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}: mean {}, SD {} (n {})",
            self.sex, self.age, self.mean, self.sd, self.n
        )
    }
}

impl Cell {
    /// A cell, checked.
    ///
    /// # Errors
    /// [`CellError::MeanNotFinite`]; [`CellError::SdNotPositive`] unless `sd` is finite and
    /// > 0; [`CellError::TooFewObservations`] for `n` < 2 (an SD needs two observations).
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, Cell, CellError, CellSex};
    ///
    /// let band = AgeBand::new(0.0, 4.0)?;
    /// assert!(Cell::new(CellSex::Any, band, -3.2, 0.5, 40).is_ok());
    /// assert_eq!(Cell::new(CellSex::Any, band, -3.2, 0.0, 40), Err(CellError::SdNotPositive { sd: 0.0 }));
    /// assert_eq!(Cell::new(CellSex::Any, band, -3.2, 0.5, 1), Err(CellError::TooFewObservations { n: 1 }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(sex: CellSex, age: AgeBand, mean: f64, sd: f64, n: u64) -> Result<Cell, CellError> {
        if !mean.is_finite() {
            return Err(CellError::MeanNotFinite { mean });
        }
        if !(sd.is_finite() && sd > 0.0) {
            return Err(CellError::SdNotPositive { sd });
        }
        if n < 2 {
            return Err(CellError::TooFewObservations { n });
        }
        Ok(Cell {
            sex,
            age,
            mean,
            sd,
            n,
        })
    }

    /// The sex it applies to (the accessors are shown with [`Cell`]).
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, Cell, CellSex};
    /// let cell = Cell::new(CellSex::from(lmr::Sex::Male), AgeBand::new(0.0, 4.0)?, -3.1, 0.4, 25)?;
    /// assert_eq!(cell.sex(), CellSex::Male);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sex(&self) -> CellSex {
        self.sex
    }

    /// The age band it applies to.
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, Cell, CellSex};
    /// let cell = Cell::new(CellSex::Any, AgeBand::new(0.5, 2.0)?, -3.1, 0.4, 25)?;
    /// // 12 months is 1 y, inside 0.5 ≤ age < 2; 2 y is the excluded upper end
    /// assert!(cell.age().contains("12 mo".parse()?) && !cell.age().contains("2 y".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn age(&self) -> AgeBand {
        self.age
    }

    /// Mean of the transformed values.
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, Cell, CellSex};
    /// let cell = Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.1, 0.4, 25)?;
    /// assert_eq!(cell.mean(), -3.1); // on the table's scale (here ln of the ratio)
    /// assert_eq!(cell.z_of_transformed(cell.mean()), 0.0); // the mean scores 0
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// SD of the transformed values (> 0).
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, Cell, CellSex};
    /// let cell = Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 25)?;
    /// assert_eq!(cell.sd(), 0.5);
    /// assert_eq!(cell.z_of_transformed(-2.0), 2.0); // (−2 − (−3)) / 0.5
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sd(&self) -> f64 {
        self.sd
    }

    /// Number of reference observations.
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, Cell, CellSex};
    /// assert_eq!(Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 25)?.n(), 25);
    /// assert!(Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 1).is_err()); // n ≥ 2
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The z-score of a value already on the table's scale.
    ///
    /// ```text
    /// z = (t − mean) / SD
    /// ```
    ///
    /// ```
    /// use lmr::zscore::{AgeBand, Cell, CellSex};
    /// let cell = Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.2, 0.5, 40)?;
    /// approx::assert_relative_eq!(cell.z_of_transformed(-2.7), 1.0, max_relative = 1e-12); // (−2.7 + 3.2) / 0.5
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn z_of_transformed(&self, t: f64) -> f64 {
        (t - self.mean) / self.sd
    }
}

/// A cell that cannot be used.
///
/// ```
/// use lmr::zscore::{AgeBand, Cell, CellSex};
///
/// let e = Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, f64::NAN, 0.5, 40).unwrap_err();
/// assert_eq!(e.to_string(), "mean NaN: expected a finite number");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CellError {
    /// The mean is NaN or infinite.
    #[error("mean {mean}: expected a finite number")]
    MeanNotFinite {
        /// The mean.
        mean: f64,
    },
    /// The SD is not a finite number > 0.
    #[error("sd {sd}: expected a finite number > 0")]
    SdNotPositive {
        /// The SD.
        sd: f64,
    },
    /// Fewer than two observations.
    #[error("n {n}: a mean and SD need at least 2 observations")]
    TooFewObservations {
        /// The count.
        n: u64,
    },
}

impl CellError {
    /// The file key the error is about (`mean`, `sd` or `n`).
    ///
    /// ```
    /// use lmr::zscore::CellError;
    ///
    /// assert_eq!(CellError::SdNotPositive { sd: -1.0 }.key(), "sd");
    /// assert_eq!(CellError::TooFewObservations { n: 0 }.key(), "n");
    /// ```
    pub fn key(&self) -> &'static str {
        match self {
            CellError::MeanNotFinite { .. } => "mean",
            CellError::SdNotPositive { .. } => "sd",
            CellError::TooFewObservations { .. } => "n",
        }
    }
}

/// What a table is built from (see [`ZscoreTable::new`], whose example builds one).
///
/// ```
/// use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableError, TableSpec, ZscoreTable};
/// use lmr::{Analyte, Source, Verification};
/// let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
/// let cells = vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
/// let spec = TableSpec { id: "My LMZ".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "t".into(), population: None, source, cells };
/// let e = ZscoreTable::new(spec, "example").unwrap_err();
/// assert_eq!(e, TableError::InvalidId { id: "My LMZ".into() }); // lower case, digits and '-'
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct TableSpec {
    /// Unique identifier (lower-case letters, digits and '-').
    pub id: String,
    /// What it scores; one of [`ZSCORE_ANALYTES`].
    pub analyte: Analyte,
    /// The scale of the means and SDs.
    pub scale: Scale,
    /// Title for people.
    pub title: String,
    /// The reference group (free text).
    pub population: Option<String>,
    /// Where the numbers come from.
    pub source: Source,
    /// The cells.
    pub cells: Vec<Cell>,
}

/// A z-score reference table: per sex and age band, the reference mean and SD of one analyte on a
/// declared scale, with its source. Built by [`ZscoreTable::new`], the range-file loader, or
/// [`Derivation::to_table`], so its cells never overlap for one person.
///
/// ```
/// use lmr::analyte::Analyte;
/// use lmr::source::{Source, Verification};
/// use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec, ZscoreTable};
///
/// let source = Source {
///     citation: "synthetic example".into(), doi: None, url: None,
///     quote: "invented numbers".into(), status: Verification::Local, notes: None,
/// };
/// let cell = |sex, from, below, mean, sd| -> Result<Cell, Box<dyn std::error::Error>> {
///     Ok(Cell::new(sex, AgeBand::new(from, below)?, mean, sd, 40)?)
/// };
/// let table = ZscoreTable::new(
///     TableSpec {
///         id: "lmz-example".into(),
///         analyte: Analyte::LmRatio,
///         scale: Scale::Ln,
///         title: "L:M z-scores, synthetic".into(),
///         population: None,
///         source,
///         cells: vec![
///             cell(CellSex::Female, 0.0, 4.0, -3.0, 0.5)?,
///             cell(CellSex::Male, 0.0, 4.0, -3.2, 0.6)?,
///             cell(CellSex::Any, 4.0, 7.0, -3.4, 0.4)?,
///         ],
///     },
///     "example",
/// )?;
/// assert_eq!((table.id(), table.analyte(), table.scale()), ("lmz-example", Analyte::LmRatio, Scale::Ln));
/// assert_eq!(table.unit(), lmr::analyte::RangeUnit::Ratio);
/// assert_eq!((table.title(), table.population(), table.origin()), ("L:M z-scores, synthetic", None, "example"));
/// assert_eq!(table.source().status, Verification::Local);
/// assert_eq!(table.cells().len(), 3);
/// assert!(table.is_by_sex());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ZscoreTable {
    id: String,
    analyte: Analyte,
    scale: Scale,
    title: String,
    population: Option<String>,
    source: Source,
    cells: Vec<Cell>,
    origin: String,
}

/// A table that cannot be used.
///
/// ```
/// use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableError, TableSpec, ZscoreTable};
/// use lmr::{Analyte, Source, Verification};
/// let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
/// let band = |from, below| AgeBand::new(from, below);
/// let cells = vec![Cell::new(CellSex::Any, band(0.0, 4.0)?, -3.0, 0.5, 40)?, Cell::new(CellSex::Female, band(2.0, 6.0)?, -3.1, 0.5, 30)?];
/// let spec = TableSpec { id: "lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "t".into(), population: None, source, cells };
/// let e = ZscoreTable::new(spec, "example").unwrap_err();
/// assert!(matches!(e, TableError::Overlap { index: 1, other: 0, .. })); // a girl of 3 would match both
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// The id has characters other than lower-case letters, digits and '-'.
    #[error("id {id:?}: use lower-case letters, digits and '-'")]
    InvalidId {
        /// The id.
        id: String,
    },
    /// The analyte has no z-scores.
    #[error("{analyte} has no z-score tables (expected one of lm_ratio, lr_ratio, l13m_ratio, lactulose_recovery_pct, mannitol_recovery_pct)")]
    NotZscoreAnalyte {
        /// The analyte.
        analyte: Analyte,
    },
    /// The title is empty.
    #[error("title is empty (required)")]
    EmptyTitle,
    /// A source field is missing (`citation`, `quote`, or `url` for a published source).
    #[error("source.{field} is missing or empty (required{})", url_hint(.field))]
    IncompleteSource {
        /// `citation`, `quote` or `url`.
        field: &'static str,
    },
    /// No cells.
    #[error("no cells: a table needs at least one [[zscore_table.cell]]")]
    NoCells,
    /// Two cells could both apply to one person.
    #[error("cell[{index}] ({sex}, {age}) overlaps cell[{other}] ({other_sex}, {other_age}): one person must match at most one cell")]
    Overlap {
        /// The later cell (0-based).
        index: usize,
        /// Its sex.
        sex: CellSex,
        /// Its band.
        age: AgeBand,
        /// The earlier cell it overlaps.
        other: usize,
        /// Its sex.
        other_sex: CellSex,
        /// Its band.
        other_age: AgeBand,
    },
}

fn url_hint(field: &str) -> &'static str {
    if field == "url" {
        ": a published source needs a doi or a url; only status \"local\" may omit both"
    } else {
        ""
    }
}

fn outside_span(span: &Option<AgeBand>, sex: &Option<Sex>) -> String {
    match span {
        Some(band) => {
            let whom = sex.map(|s| format!(" for {s}")).unwrap_or_default();
            format!(" (its bands{whom} cover {band})")
        }
        None => String::new(),
    }
}

pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl ZscoreTable {
    /// A table, checked. `origin` names where it came from (a file path, or e.g. `derived`).
    ///
    /// # Errors
    /// [`TableError::InvalidId`], [`TableError::NotZscoreAnalyte`], [`TableError::EmptyTitle`],
    /// [`TableError::IncompleteSource`] (empty citation or quote; neither doi nor url unless the
    /// status is `local`), [`TableError::NoCells`], and [`TableError::Overlap`] when two cells'
    /// age bands overlap for the same sex (an `any` cell collides with every sex).
    ///
    /// ```
    /// use lmr::analyte::Analyte;
    /// use lmr::source::{Source, Verification};
    /// use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableError, TableSpec, ZscoreTable};
    ///
    /// let spec = |cells| TableSpec {
    ///     id: "lmz-example".into(),
    ///     analyte: Analyte::LmRatio,
    ///     scale: Scale::Ln,
    ///     title: "L:M z-scores, synthetic".into(),
    ///     population: None,
    ///     source: Source {
    ///         citation: "synthetic example".into(), doi: None, url: None,
    ///         quote: "invented numbers".into(), status: Verification::Local, notes: None,
    ///     },
    ///     cells,
    /// };
    /// let female = Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?;
    /// let any = Cell::new(CellSex::Any, AgeBand::new(2.0, 7.0)?, -3.4, 0.4, 40)?;
    /// assert!(ZscoreTable::new(spec(vec![female]), "example").is_ok());
    /// // a girl of 3 would match both cells
    /// let e = ZscoreTable::new(spec(vec![female, any]), "example").unwrap_err();
    /// assert!(matches!(e, TableError::Overlap { index: 1, other: 0, .. }));
    /// assert_eq!(ZscoreTable::new(spec(vec![]), "example").unwrap_err(), TableError::NoCells);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(spec: TableSpec, origin: impl Into<String>) -> Result<ZscoreTable, TableError> {
        if !valid_id(&spec.id) {
            return Err(TableError::InvalidId { id: spec.id });
        }
        if !is_zscore_analyte(spec.analyte) {
            return Err(TableError::NotZscoreAnalyte {
                analyte: spec.analyte,
            });
        }
        if spec.title.trim().is_empty() {
            return Err(TableError::EmptyTitle);
        }
        let blank = |s: &str| s.trim().is_empty();
        let src = &spec.source;
        if blank(&src.citation) {
            return Err(TableError::IncompleteSource { field: "citation" });
        }
        if blank(&src.quote) {
            return Err(TableError::IncompleteSource { field: "quote" });
        }
        let has_link = src.doi.as_deref().is_some_and(|s| !blank(s))
            || src.url.as_deref().is_some_and(|s| !blank(s));
        if !has_link && src.status != Verification::Local {
            return Err(TableError::IncompleteSource { field: "url" });
        }
        if spec.cells.is_empty() {
            return Err(TableError::NoCells);
        }
        for (i, c) in spec.cells.iter().enumerate() {
            for (j, d) in spec.cells[..i].iter().enumerate() {
                if c.sex.collides(d.sex) && c.age.overlaps(d.age) {
                    return Err(TableError::Overlap {
                        index: i,
                        sex: c.sex,
                        age: c.age,
                        other: j,
                        other_sex: d.sex,
                        other_age: d.age,
                    });
                }
            }
        }
        Ok(ZscoreTable {
            id: spec.id,
            analyte: spec.analyte,
            scale: spec.scale,
            title: spec.title,
            population: spec.population,
            source: spec.source,
            cells: spec.cells,
            origin: origin.into(),
        })
    }

    /// Unique identifier.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// assert_eq!(table.id(), "my-lmz");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What it scores.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, 1.2, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "lact-z".into(), analyte: Analyte::LactuloseRecoveryPct, scale: Scale::Linear, title: "Lactulose z-scores".into(), population: None, source, cells }, "example")?;
    /// assert_eq!(table.analyte(), Analyte::LactuloseRecoveryPct);
    /// assert_eq!(z_column(table.analyte()), Some("lactulose_z")); // the result column it fills
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn analyte(&self) -> Analyte {
        self.analyte
    }

    /// The unit of the values scored (a ratio, or percent of dose).
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, 1.2, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "lact-z".into(), analyte: Analyte::LactuloseRecoveryPct, scale: Scale::Linear, title: "Lactulose z-scores".into(), population: None, source, cells }, "example")?;
    /// assert_eq!(table.unit(), lmr::RangeUnit::Percent); // recoveries are % of the oral dose
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unit(&self) -> RangeUnit {
        zscore_unit(self.analyte).unwrap_or(RangeUnit::Ratio)
    }

    /// The scale of the means and SDs.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// assert_eq!(table.scale(), Scale::Ln);
    /// approx::assert_relative_eq!(table.scale().transform(0.05)?, 0.05f64.ln()); // ln(0.05) = −2.9957
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Title for people.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// assert_eq!(table.title(), "L:M z-scores");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The reference group, if stated.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// let population = Some("children aged 0–4 y, one study site".to_string());
    /// let spec = TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population, source, cells };
    /// assert_eq!(ZscoreTable::new(spec, "example")?.population(), Some("children aged 0–4 y, one study site"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn population(&self) -> Option<&str> {
        self.population.as_deref()
    }

    /// Where the numbers come from.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// assert_eq!((table.source().citation.as_str(), table.source().status), ("synthetic", Verification::Local));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The cells, in file order.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// let band = AgeBand::new(0.0, 4.0)?;
    /// let cells = vec![Cell::new(CellSex::Female, band, -3.0, 0.5, 40)?, Cell::new(CellSex::Male, band, -3.2, 0.6, 38)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// let n: Vec<u64> = table.cells().iter().map(|c| c.n()).collect();
    /// assert_eq!(n, [40, 38]); // file order
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// Where the table was read from (a path, `builtin:…`, or what the caller named it).
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// let spec = TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells };
    /// assert_eq!(ZscoreTable::new(spec, "cohort-ref.toml")?.origin(), "cohort-ref.toml");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Whether any cell is specific to one sex.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// let cells = vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// assert!(!table.is_by_sex()); // one `any` cell: sex is not needed for a z-score
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_by_sex(&self) -> bool {
        self.cells.iter().any(|c| c.sex != CellSex::Any)
    }

    /// The cell that applies to a person of this sex and age (years). A sex-specific cell applies
    /// only when the sex is given; an `any` cell applies to everyone.
    ///
    /// # Errors
    /// [`NoZscore::AgeNotGiven`]; [`NoZscore::AgeOutsideReference`] when no cell's band holds
    /// the age (never extrapolated); [`NoZscore::SexNotGiven`] when only sex-specific cells hold
    /// the age and no sex is given; [`NoZscore::SexOutsideReference`] when cells hold the age
    /// for the other sex only.
    ///
    /// ```
    /// # use lmr::analyte::Analyte;
    /// # use lmr::source::{Source, Verification};
    /// # use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec, ZscoreTable};
    /// #
    /// # let source = Source {
    /// #     citation: "synthetic example".into(), doi: None, url: None,
    /// #     quote: "invented numbers".into(), status: Verification::Local, notes: None,
    /// # };
    /// # let cell = |sex, from, below, mean, sd| -> Result<Cell, Box<dyn std::error::Error>> {
    /// #     Ok(Cell::new(sex, AgeBand::new(from, below)?, mean, sd, 40)?)
    /// # };
    /// # let table = ZscoreTable::new(
    /// #     TableSpec {
    /// #         id: "lmz-example".into(),
    /// #         analyte: Analyte::LmRatio,
    /// #         scale: Scale::Ln,
    /// #         title: "L:M z-scores, synthetic".into(),
    /// #         population: None,
    /// #         source,
    /// #         cells: vec![
    /// #             cell(CellSex::Female, 0.0, 4.0, -3.0, 0.5)?,
    /// #             cell(CellSex::Male, 0.0, 4.0, -3.2, 0.6)?,
    /// #             cell(CellSex::Any, 4.0, 7.0, -3.4, 0.4)?,
    /// #         ],
    /// #     },
    /// #     "example",
    /// # )?;
    /// # let _ = &table;
    /// use lmr::{protocol::Sex, zscore::NoZscore};
    ///
    /// // cells: female 0–4 y, male 0–4 y, any 4–7 y
    /// assert_eq!(table.cell_for(Some(Sex::Male), Some("2.0 y".parse()?))?.mean(), -3.2);
    /// assert_eq!(table.cell_for(None, Some("5.0 y".parse()?))?.sex(), CellSex::Any);
    /// assert_eq!(table.cell_for(None, Some("2.0 y".parse()?)), Err(NoZscore::SexNotGiven { age: "2 y".parse()? }));
    /// assert_eq!(table.cell_for(Some(Sex::Female), None), Err(NoZscore::AgeNotGiven));
    /// assert_eq!(
    ///     table.cell_for(Some(Sex::Female), Some("7.0 y".parse()?)).unwrap_err().to_string(),
    ///     "age 7 y is outside the reference table (its bands for female cover 0 ≤ age < 7 y); not extrapolated"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cell_for(&self, sex: Option<Sex>, age: Option<Age>) -> Result<&Cell, NoZscore> {
        let age = age.ok_or(NoZscore::AgeNotGiven)?;
        if let Some(c) = self
            .cells
            .iter()
            .find(|c| c.age.contains(age) && c.sex.applies_to(sex))
        {
            return Ok(c);
        }
        if self.cells.iter().any(|c| c.age.contains(age)) {
            return Err(match sex {
                None => NoZscore::SexNotGiven { age },
                Some(sex) => NoZscore::SexOutsideReference { sex, age },
            });
        }
        let applicable = self.cells.iter().filter(|c| c.sex.applies_to(sex));
        let (from, below) = applicable.fold((f64::INFINITY, f64::NEG_INFINITY), |(f, b), c| {
            (f.min(c.age.from), b.max(c.age.below))
        });
        Err(NoZscore::AgeOutsideReference {
            age,
            sex,
            // the cells' bands have from < below, so their hull is a band too
            span: (from < below).then_some(AgeBand { from, below }),
        })
    }

    /// The z-score of `x` (in [`Self::unit`]) for a person of this sex and age (the table's
    /// bands are in years: `18 mo` falls in a 1–2 y band).
    ///
    /// ```text
    /// z = (transform(x) − mean(sex, age)) / SD(sex, age)
    /// transform = ln (scale "ln", x > 0) or identity (scale "linear")
    /// ```
    ///
    /// # Errors
    /// [`NoZscore::NotFinite`] and [`NoZscore::NotPositive`] (ln of x ≤ 0) from
    /// [`Scale::transform`]; then every error of [`Self::cell_for`].
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, 1.0, 0.5, 40)?];
    /// let spec = TableSpec { id: "lact-z".into(), analyte: Analyte::LactuloseRecoveryPct, scale: Scale::Linear, title: "t".into(), population: None, source, cells };
    /// let table = ZscoreTable::new(spec, "example")?;
    /// // linear scale: (0.4 % − 1.0) / 0.5 = −1.2
    /// approx::assert_relative_eq!(table.z(0.4, Some(lmr::Sex::Female), Some("2 y".parse()?))?.z, -1.2, max_relative = 1e-12);
    /// assert!(matches!(table.z(0.4, None, Some("2 y".parse()?)), Err(NoZscore::SexNotGiven { .. }))); // female-only cell
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn z(&self, x: f64, sex: Option<Sex>, age: Option<Age>) -> Result<Zscore, NoZscore> {
        let transformed = self.scale.transform(x)?;
        let cell = *self.cell_for(sex, age)?;
        Ok(Zscore {
            z: cell.z_of_transformed(transformed),
            transformed,
            cell,
        })
    }
}

/// A z-score with the cell it was computed against.
///
/// ```
/// # use lmr::analyte::Analyte;
/// # use lmr::source::{Source, Verification};
/// # use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec, ZscoreTable};
/// # let source = Source {
/// #     citation: "synthetic example".into(), doi: None, url: None,
/// #     quote: "invented numbers".into(), status: Verification::Local, notes: None,
/// # };
/// # let cells = vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.2, 0.5, 40)?];
/// # let spec = TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln,
/// #     title: "L:M z-scores, synthetic".into(), population: None, source, cells };
/// # let table = ZscoreTable::new(spec, "example")?;
/// // the table `my-lmz`: any sex, 0–4 y, ln scale, mean −3.2, SD 0.5
/// let z = table.z(0.03, None, Some("1.5 y".parse()?))?;
/// // ln 0.03 = −3.506558; (−3.506558 − (−3.2)) / 0.5 = −0.613116
/// approx::assert_relative_eq!(z.transformed, -3.506557897, max_relative = 1e-9);
/// approx::assert_relative_eq!(z.z, -0.6131157946, max_relative = 1e-9);
/// assert_eq!(z.cell.n(), 40);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Zscore {
    /// The z-score.
    pub z: f64,
    /// The value on the table's scale (ln x, or x).
    pub transformed: f64,
    /// The cell used.
    pub cell: Cell,
}

/// Why a value has no z-score. [`Self::code`] gives a stable snake_case code for output.
///
/// ```
/// # use lmr::analyte::Analyte;
/// # use lmr::source::{Source, Verification};
/// # use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec, ZscoreTable};
/// # let source = Source {
/// #     citation: "synthetic example".into(), doi: None, url: None,
/// #     quote: "invented numbers".into(), status: Verification::Local, notes: None,
/// # };
/// # let cells = vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.2, 0.5, 40)?];
/// # let spec = TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln,
/// #     title: "L:M z-scores, synthetic".into(), population: None, source, cells };
/// # let table = ZscoreTable::new(spec, "example")?;
/// use lmr::zscore::NoZscore;
///
/// // the table `my-lmz` is on the ln scale, for 0–4 y
/// assert_eq!(table.z(0.0, None, Some("2 y".parse()?)), Err(NoZscore::NotPositive { value: 0.0 }));
/// assert!(matches!(table.z(0.03, None, Some("4 y".parse()?)), Err(NoZscore::AgeOutsideReference { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NoZscore {
    /// The value is NaN or infinite.
    #[error("value {value} is not a finite number")]
    NotFinite {
        /// The value.
        value: f64,
    },
    /// The table is on the ln scale and the value is ≤ 0.
    #[error("value {value} is not positive, so it has no logarithm (the reference table is on the ln scale)")]
    NotPositive {
        /// The value.
        value: f64,
    },
    /// No age was given.
    #[error("age not given (the reference table is by age band)")]
    AgeNotGiven,
    /// The age is outside every band that applies; the table is not extrapolated.
    #[error("age {} y is outside the reference table{}; not extrapolated", .age.in_years(), outside_span(.span, .sex))]
    AgeOutsideReference {
        /// The age given.
        age: Age,
        /// The sex given.
        sex: Option<Sex>,
        /// From the youngest to the (exclusive) oldest age of the bands that apply to this sex,
        /// if any.
        span: Option<AgeBand>,
    },
    /// The table is by sex at this age and no sex was given.
    #[error("sex not given (the reference table is by sex at age {} y)", .age.in_years())]
    SexNotGiven {
        /// The age given.
        age: Age,
    },
    /// The table has cells at this age for the other sex only.
    #[error("the reference table has no {sex} cell at age {} y", .age.in_years())]
    SexOutsideReference {
        /// The sex given.
        sex: Sex,
        /// The age given.
        age: Age,
    },
}

impl NoZscore {
    /// The stable code: `value_not_finite`, `value_not_positive`, `age_not_given`,
    /// `age_outside_reference`, `sex_not_given` or `sex_outside_reference`.
    ///
    /// ```
    /// use lmr::zscore::NoZscore;
    ///
    /// assert_eq!(NoZscore::AgeNotGiven.code(), "age_not_given");
    /// assert_eq!(NoZscore::NotPositive { value: 0.0 }.code(), "value_not_positive");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            NoZscore::NotFinite { .. } => "value_not_finite",
            NoZscore::NotPositive { .. } => "value_not_positive",
            NoZscore::AgeNotGiven => "age_not_given",
            NoZscore::AgeOutsideReference { .. } => "age_outside_reference",
            NoZscore::SexNotGiven { .. } => "sex_not_given",
            NoZscore::SexOutsideReference { .. } => "sex_outside_reference",
        }
    }

    /// The quality flag to raise, if any ([`Flag::AgeOutsideReference`] for an age outside the
    /// table; the other reasons are missing or unusable input, reported by their code).
    ///
    /// ```
    /// use lmr::{flag::Flag, zscore::NoZscore};
    ///
    /// let outside = NoZscore::AgeOutsideReference {
    ///     age: "9 y".parse()?,
    ///     sex: None,
    ///     span: Some(lmr::zscore::AgeBand::new(0.0, 4.0)?),
    /// };
    /// assert_eq!(outside.to_string(), "age 9 y is outside the reference table (its bands cover 0 ≤ age < 4 y); not extrapolated");
    /// assert_eq!(outside.flag(), Some(Flag::AgeOutsideReference));
    /// assert_eq!(NoZscore::AgeNotGiven.flag(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flag(&self) -> Option<Flag> {
        match self {
            NoZscore::AgeOutsideReference { .. } => Some(Flag::AgeOutsideReference),
            _ => None,
        }
    }
}

/// Two tables selected for one analyte (each analyte takes at most one table in a run).
///
/// ```
/// # use lmr::analyte::Analyte;
/// # use lmr::source::{Source, Verification};
/// # use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec, ZscoreTable};
/// # let source = Source {
/// #     citation: "synthetic example".into(), doi: None, url: None,
/// #     quote: "invented numbers".into(), status: Verification::Local, notes: None,
/// # };
/// # let cells = vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.2, 0.5, 40)?];
/// # let spec = TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln,
/// #     title: "L:M z-scores, synthetic".into(), population: None, source, cells };
/// # let table = ZscoreTable::new(spec, "example")?;
/// use lmr::zscore::ZscoreSelection;
///
/// let e = ZscoreSelection::new(vec![table.clone(), table]).unwrap_err();
/// assert_eq!(e.analyte, Analyte::LmRatio);
/// assert_eq!(e.to_string(), r#"two z-score tables selected for lm_ratio: "my-lmz" and "my-lmz" (select one)"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("two z-score tables selected for {analyte}: {first:?} and {second:?} (select one)")]
pub struct AmbiguousTables {
    /// The analyte.
    pub analyte: Analyte,
    /// The first table's id.
    pub first: String,
    /// The second table's id.
    pub second: String,
}

/// The tables selected for one run: at most one per analyte (`lmz` from the `lm_ratio` table,
/// `lactulose_z` from the `lactulose_recovery_pct` table, …).
///
/// ```
/// # use lmr::analyte::Analyte;
/// # use lmr::source::{Source, Verification};
/// # use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec, ZscoreTable};
/// # let source = Source {
/// #     citation: "synthetic example".into(), doi: None, url: None,
/// #     quote: "invented numbers".into(), status: Verification::Local, notes: None,
/// # };
/// # let cells = vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.2, 0.5, 40)?];
/// # let spec = TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln,
/// #     title: "L:M z-scores, synthetic".into(), population: None, source, cells };
/// # let table = ZscoreTable::new(spec, "example")?;
/// use lmr::zscore::ZscoreSelection;
///
/// assert!(ZscoreSelection::default().is_empty());
/// let selection = ZscoreSelection::new(vec![table])?; // `my-lmz`, an lm_ratio table
/// assert_eq!(selection.table(Analyte::LmRatio).map(|t| t.id()), Some("my-lmz"));
/// assert!(selection.table(Analyte::LactuloseRecoveryPct).is_none());
/// assert_eq!(selection.tables().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ZscoreSelection {
    tables: Vec<ZscoreTable>,
}

impl ZscoreSelection {
    /// Checks that no two tables score the same analyte.
    ///
    /// # Errors
    /// [`AmbiguousTables`] naming the two tables.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// let e = ZscoreSelection::new(vec![table.clone(), table]).unwrap_err();
    /// assert_eq!((e.analyte, e.first.as_str()), (Analyte::LmRatio, "my-lmz")); // two lm_ratio tables
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(tables: Vec<ZscoreTable>) -> Result<ZscoreSelection, AmbiguousTables> {
        for (i, t) in tables.iter().enumerate() {
            if let Some(o) = tables[..i].iter().find(|o| o.analyte == t.analyte) {
                return Err(AmbiguousTables {
                    analyte: t.analyte,
                    first: o.id.clone(),
                    second: t.id.clone(),
                });
            }
        }
        Ok(ZscoreSelection { tables })
    }

    /// The table for `analyte`, if one was selected.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// let selection = ZscoreSelection::new(vec![table])?;
    /// assert!(selection.table(Analyte::LmRatio).is_some());
    /// assert!(selection.table(Analyte::LrRatio).is_none()); // no lrz column then
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn table(&self, analyte: Analyte) -> Option<&ZscoreTable> {
        self.tables.iter().find(|t| t.analyte == analyte)
    }

    /// Every selected table.
    ///
    /// ```
    /// # use lmr::{zscore::*, Analyte, Source, Verification};
    /// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
    /// # let cells = vec![Cell::new(CellSex::Female, AgeBand::new(0.0, 4.0)?, -3.0, 0.5, 40)?];
    /// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
    /// let selection = ZscoreSelection::new(vec![table])?;
    /// assert_eq!(selection.tables().iter().map(|t| t.id()).collect::<Vec<_>>(), ["my-lmz"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tables(&self) -> &[ZscoreTable] {
        &self.tables
    }

    /// Whether nothing was selected.
    ///
    /// ```
    /// let selection = lmr::zscore::ZscoreSelection::new(Vec::new())?;
    /// assert!(selection.is_empty()); // no z-score columns are written
    /// # Ok::<(), lmr::zscore::AmbiguousTables>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}
