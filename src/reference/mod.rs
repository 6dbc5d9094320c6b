//! Reference ranges as data: bands with declared bound conventions, what they apply to, and where
//! they come from.
//!
//! Ranges are read from TOML files (the format is in `docs/range-format.md`): the files under
//! `reference-ranges/` are embedded at build time ([`Registry::builtin`]) and a user's files are
//! added with [`Registry::load_path`]. Loading validates every range (gap-free, non-overlapping
//! bands; a source with its quoted wording; a known analyte and unit), so a range that reaches
//! [`ReferenceRange::classify`] is sound.
//!
//! ```
//! use lmr::reference::Registry;
//! let registry = Registry::builtin()?;
//! let iom = registry.range("iom-2011").expect("shipped");
//! // 50 nmol/L: "Practically all persons are sufficient at … at least 50 nmol/L"
//! assert_eq!(iom.band_label(iom.classify(50.0)), "sufficient");
//! assert_eq!(iom.band_label(iom.classify(49.9)), "at_risk_of_inadequacy");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod doc;
mod file;
mod problem;
mod registry;
mod zscore_tables;

pub use crate::analyte::{Analyte, Matrix, RangeUnit};
pub use crate::source::{Source, Verification};
pub use doc::merge_range_files;
pub use file::{RangeFileError, MAX_BANDS, MAX_RANGE_FILE_BYTES};
pub use problem::{RangeProblem, Word};
pub use registry::{Override, Registry};
pub use zscore_tables::{load_zscore_tables, ZscoreReferenceError};

use std::fmt;

use crate::censored::Censored;
use crate::number::Number;
use crate::protocol::{same_amount, Dose, Protocol, Sex, SugarMap};
use crate::sugar::Sugar;
use crate::units::{Duration, Mass};

/// The class printed when no range classified a value.
pub const UNCLASSIFIED: &str = "unclassified";

/// Whether a range may be matched to a sample automatically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Matched automatically when the sample's protocol agrees with the range's.
    Automatic,
    /// Used only when the user names it.
    Explicit,
}

/// One end of a band.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The cut-off, in the range's unit.
    pub value: f64,
    /// Whether a value equal to the cut-off is inside the band.
    pub inclusive: bool,
}

/// One band of a range.
#[derive(Clone, Debug)]
pub struct Band {
    /// snake_case label (`sufficient`, `above`).
    pub label: String,
    /// Lower end (`None`: open).
    pub lower: Option<Bound>,
    /// Upper end (`None`: open).
    pub upper: Option<Bound>,
    /// The source's own words for this band.
    pub wording: Option<String>,
    /// How sure the band is.
    pub status: Verification,
}

impl Band {
    /// Whether `x` lies in this band.
    pub fn contains(&self, x: f64) -> bool {
        let above_lower = self
            .lower
            .is_none_or(|b| x > b.value || (b.inclusive && x == b.value));
        let below_upper = self
            .upper
            .is_none_or(|b| x < b.value || (b.inclusive && x == b.value));
        above_lower && below_upper
    }

    /// The band written as an interval (`30 ≤ x < 50`, `x > 125`).
    pub fn interval(&self) -> String {
        let lo = self.lower.map(|b| {
            format!(
                "{} {} ",
                Number(b.value),
                if b.inclusive { "≤" } else { "<" }
            )
        });
        let hi = self.upper.map(|b| {
            format!(
                " {} {}",
                if b.inclusive { "≤" } else { "<" },
                Number(b.value)
            )
        });
        match (lo, hi) {
            (None, None) => "any value".to_string(),
            (lo, hi) => format!("{}x{}", lo.unwrap_or_default(), hi.unwrap_or_default()),
        }
    }
}

/// A statement printed with every value classified (or reported) under a range.
#[derive(Clone, Debug)]
pub struct Statement {
    /// The statement.
    pub text: String,
    /// How sure it is.
    pub status: Verification,
}

/// A part of a protocol that a source does not state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtocolPart {
    /// The doses.
    Doses,
    /// The collection window.
    Collection,
    /// The age of the people tested.
    Age,
    /// The sex of the people tested.
    Sex,
}

impl ProtocolPart {
    /// The key used in files.
    pub fn key(self) -> &'static str {
        match self {
            ProtocolPart::Doses => "doses",
            ProtocolPart::Collection => "collection",
            ProtocolPart::Age => "age",
            ProtocolPart::Sex => "sex",
        }
    }
}

/// What a range applies to.
#[derive(Clone, Debug)]
pub struct Applicability {
    /// Population the values come from.
    pub population: Option<String>,
    /// Specimen.
    pub matrix: Matrix,
    /// Analytical method (informational).
    pub method: Option<String>,
    /// Sex, if the range is sex-specific.
    pub sex: Option<Sex>,
    /// Age band in years, both ends inclusive.
    pub age_years: Option<(f64, f64)>,
    /// Protocol parts the source does not state.
    pub unstated: Vec<ProtocolPart>,
    /// Doses the range was established with.
    pub doses: SugarMap<Dose>,
    /// Collection window the range was established with.
    pub collection: Option<Duration>,
    /// Collection windows (hours, both ends inclusive) the range applies to, where the source gives
    /// a span rather than one window.
    pub collection_hours: Option<(f64, f64)>,
}

/// How a sample's protocol differs from a range's.
#[derive(Clone, Copy, Debug)]
pub enum Difference {
    /// A dose differs or was not given.
    Dose {
        /// The sugar.
        sugar: Sugar,
        /// The range's dose.
        range: Mass,
        /// The sample's dose (sugar content), if given.
        sample: Option<Mass>,
    },
    /// The collection window differs or was not given.
    Collection {
        /// The range's window.
        range: Duration,
        /// The sample's window, if given.
        sample: Option<Duration>,
    },
    /// The collection window is outside the range's span of windows or was not given.
    CollectionOutside {
        /// Shortest window (h, inclusive).
        min: f64,
        /// Longest window (h, inclusive).
        max: f64,
        /// The sample's window, if given.
        sample: Option<Duration>,
    },
    /// The age is outside the range's band or was not given.
    Age {
        /// Youngest (years, inclusive).
        min: f64,
        /// Oldest (years, inclusive).
        max: f64,
        /// The sample's age, if given.
        sample: Option<f64>,
    },
    /// The sex differs or was not given.
    Sex {
        /// The range's sex.
        range: Sex,
        /// The sample's sex, if given.
        sample: Option<Sex>,
    },
    /// The source does not state this part, so it cannot be checked.
    Unstated(ProtocolPart),
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Dose {
                sugar,
                range,
                sample: Some(s),
            } => {
                write!(f, "{sugar} dose {s} (range: {range})")
            }
            Difference::Dose {
                sugar,
                range,
                sample: None,
            } => {
                write!(f, "{sugar} dose not given (range: {range})")
            }
            Difference::Collection {
                range,
                sample: Some(s),
            } => {
                write!(f, "collection {s} (range: {range})")
            }
            Difference::Collection {
                range,
                sample: None,
            } => {
                write!(f, "collection window not given (range: {range})")
            }
            Difference::CollectionOutside {
                min,
                max,
                sample: Some(s),
            } => {
                write!(f, "collection {s} (range: {min}–{max} h)")
            }
            Difference::CollectionOutside {
                min,
                max,
                sample: None,
            } => {
                write!(f, "collection window not given (range: {min}–{max} h)")
            }
            Difference::Age {
                min,
                max,
                sample: Some(a),
            } => {
                write!(f, "age {a} y (range: {min}–{max} y)")
            }
            Difference::Age {
                min,
                max,
                sample: None,
            } => {
                write!(f, "age not given (range: {min}–{max} y)")
            }
            Difference::Sex {
                range,
                sample: Some(s),
            } => write!(f, "sex {s} (range: {range})"),
            Difference::Sex {
                range,
                sample: None,
            } => write!(f, "sex not given (range: {range})"),
            Difference::Unstated(part) => {
                write!(f, "{} not stated by the source, so not checked", part.key())
            }
        }
    }
}

/// A reference range (or a classification scheme) read from a range file.
#[derive(Clone, Debug)]
pub struct ReferenceRange {
    /// Unique identifier (`iom-2011`).
    pub id: String,
    /// What it measures.
    pub analyte: Analyte,
    /// The unit of its bounds (the source's native unit).
    pub unit: RangeUnit,
    /// Title for people.
    pub title: String,
    /// Automatic or explicit-only.
    pub selection: Selection,
    /// Relative distance from a bound within which `near_boundary` is flagged.
    pub near_boundary_relative: f64,
    /// Where it comes from.
    pub source: Source,
    /// What it applies to.
    pub applies_to: Applicability,
    /// Bands in increasing order, gap-free and non-overlapping (empty: the range classifies nothing).
    pub bands: Vec<Band>,
    /// Statements to print with any value.
    pub statements: Vec<Statement>,
    /// The file it was read from (`builtin:vitamin-d/iom-2011.toml` for shipped files).
    pub origin: String,
}

impl ReferenceRange {
    /// Whether the range was shipped with lmr (rather than read from a user's file).
    pub fn is_builtin(&self) -> bool {
        self.origin.starts_with("builtin:")
    }

    /// The index of the band holding `x`, or `None` when the range has no bands.
    pub fn classify(&self, x: f64) -> Option<usize> {
        self.bands.iter().position(|b| b.contains(x))
    }

    /// The band holding every value a censored number may take, if one band holds them all.
    pub fn classify_censored(&self, value: Censored) -> Option<usize> {
        match value {
            Censored::Exact(x) => self.classify(x),
            Censored::LessThan(b) => {
                let first = self.classify(0.0)?;
                let upper = self.bands[first].upper;
                upper.is_none_or(|u| b <= u.value).then_some(first)
            }
            Censored::GreaterThan(b) => {
                let last = self.bands.len().checked_sub(1)?;
                let lower = self.bands[last].lower;
                lower.is_none_or(|l| b >= l.value).then_some(last)
            }
        }
    }

    /// The label of a classification result: the band's label, or [`UNCLASSIFIED`].
    pub fn band_label(&self, band: Option<usize>) -> &str {
        band.and_then(|i| self.bands.get(i))
            .map_or(UNCLASSIFIED, |b| b.label.as_str())
    }

    /// The bound (between two bands) that `x` lies within [`Self::near_boundary_relative`] of.
    pub fn near_bound(&self, x: f64) -> Option<Bound> {
        self.bands
            .iter()
            .filter_map(|b| b.upper)
            .find(|b| (x - b.value).abs() <= self.near_boundary_relative * b.value.abs())
    }

    /// How `protocol` differs from what this range applies to, pushed onto `out` (nothing pushed:
    /// the range applies).
    pub fn differences(&self, protocol: &Protocol, out: &mut Vec<Difference>) {
        self.for_each_difference(protocol, |d| out.push(d));
    }

    /// Calls `found` with each way `protocol` differs from what this range applies to (never
    /// called: the range applies). Allocates nothing.
    pub fn for_each_difference(&self, protocol: &Protocol, mut out: impl FnMut(Difference)) {
        let a = &self.applies_to;
        for (sugar, dose) in a.doses.iter() {
            let range_mg = dose.sugar_mg(sugar);
            let sample = protocol.doses.get(sugar);
            let same = sample.is_some_and(|d| same_amount(d.sugar_mg(sugar), range_mg));
            if !same {
                out(Difference::Dose {
                    sugar,
                    range: dose.mass.scaled(dose.form.sugar_fraction(sugar)),
                    sample: sample.map(|d| d.mass.scaled(d.form.sugar_fraction(sugar))),
                });
            }
        }
        if let Some(window) = a.collection {
            let same = protocol
                .collection
                .is_some_and(|c| same_amount(c.in_hours(), window.in_hours()));
            if !same {
                out(Difference::Collection {
                    range: window,
                    sample: protocol.collection,
                });
            }
        }
        if let Some((min, max)) = a.collection_hours {
            let h = protocol.collection.map(|c| c.in_hours());
            if !h.is_some_and(|h| h >= min && h <= max) {
                out(Difference::CollectionOutside {
                    min,
                    max,
                    sample: protocol.collection,
                });
            }
        }
        if let Some((min, max)) = a.age_years {
            if !protocol.age_years.is_some_and(|y| y >= min && y <= max) {
                out(Difference::Age {
                    min,
                    max,
                    sample: protocol.age_years,
                });
            }
        }
        if let Some(sex) = a.sex {
            if protocol.sex != Some(sex) {
                out(Difference::Sex {
                    range: sex,
                    sample: protocol.sex,
                });
            }
        }
        for &p in &a.unstated {
            out(Difference::Unstated(p));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(label: &str, lower: Option<(f64, bool)>, upper: Option<(f64, bool)>) -> Band {
        let b = |(value, inclusive)| Bound { value, inclusive };
        Band {
            label: label.into(),
            lower: lower.map(b),
            upper: upper.map(b),
            wording: None,
            status: Verification::Verified,
        }
    }

    #[test]
    fn bounds_behave_as_declared_on_both_sides() {
        let within = band("within", None, Some((0.089, true)));
        let above = band("above", Some((0.089, false)), None);
        assert!(within.contains(0.089) && !above.contains(0.089));
        assert!(!within.contains(0.0890001) && above.contains(0.0890001));
        assert_eq!(within.interval(), "x ≤ 0.089");
        assert_eq!(above.interval(), "0.089 < x");
    }
}
