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
mod validate;
mod zscore_tables;

pub use crate::analyte::{Analyte, Matrix, RangeUnit};
pub use crate::source::{Source, Verification};
pub use doc::merge_range_files;
pub use file::{RangeFileError, MAX_BANDS, MAX_RANGE_FILE_BYTES};
pub use problem::{RangeProblem, Word};
pub use registry::{Override, Registry};
pub use validate::Validation;
pub use zscore_tables::{load_zscore_tables, ZscoreReferenceError};

use std::fmt;

use crate::censored::Censored;
use crate::number::Number;
use crate::protocol::{same_amount, Dose, Protocol, Sex, SugarMap};
use crate::sugar::Sugar;
use crate::units::{Age, Duration, Mass};

/// The class printed when no range classified a value.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
/// let iom = registry.range("iom-2011").expect("shipped");
/// assert_eq!(iom.band_label(None), lmr::reference::UNCLASSIFIED);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const UNCLASSIFIED: &str = "unclassified";

/// Whether a range may be matched to a sample automatically.
///
/// ```
/// use lmr::reference::Selection;
///
/// let registry = lmr::Registry::builtin()?;
/// // an L:M cut-off tied to its protocol is matched by protocol; a vitamin D scheme is chosen by name
/// assert_eq!(registry.range("dutch-sat-hyperosmolar-5h").unwrap().selection, Selection::Automatic);
/// assert_eq!(registry.range("iom-2011").unwrap().selection, Selection::Explicit);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Matched automatically when the sample's protocol agrees with the range's.
    Automatic,
    /// Used only when the user names it.
    Explicit,
}

/// One end of a band.
///
/// ```
/// use lmr::reference::Bound;
///
/// let registry = lmr::Registry::builtin()?;
/// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
/// let iom = registry.range("iom-2011").expect("shipped");
/// // "Practically all persons are sufficient at … at least 50 nmol/L": 50 is in `sufficient`
/// assert_eq!(iom.bands[2].lower, Some(Bound { value: 50.0, inclusive: true }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The cut-off, in the range's unit.
    pub value: f64,
    /// Whether a value equal to the cut-off is inside the band.
    pub inclusive: bool,
}

/// One band of a range.
///
/// ```
/// use lmr::reference::{Band, Bound, Verification};
///
/// let band = Band {
///     label: "at_risk_of_inadequacy".into(),
///     lower: Some(Bound { value: 30.0, inclusive: true }),
///     upper: Some(Bound { value: 50.0, inclusive: false }),
///     wording: None,
///     status: Verification::Verified,
/// };
/// assert!(band.contains(30.0) && !band.contains(50.0));
/// assert_eq!(band.interval(), "30 ≤ x < 50");
/// ```
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
    /// Whether `x` lies in this band (each end inclusive or exclusive as declared).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
    /// let iom = registry.range("iom-2011").expect("shipped");
    /// let sufficient = &iom.bands[2]; // 50 ≤ x ≤ 125
    /// assert!(sufficient.contains(50.0) && sufficient.contains(125.0));
    /// assert!(!sufficient.contains(49.99) && !sufficient.contains(125.01));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contains(&self, x: f64) -> bool {
        let above_lower = self
            .lower
            .is_none_or(|b| x > b.value || (b.inclusive && x == b.value));
        let below_upper = self
            .upper
            .is_none_or(|b| x < b.value || (b.inclusive && x == b.value));
        above_lower && below_upper
    }

    /// The band written as an interval (`30 ≤ x < 50`, `125 < x`, `x < 30`).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
    /// let iom = registry.range("iom-2011").expect("shipped");
    /// let intervals: Vec<String> = iom.bands.iter().map(|b| b.interval()).collect();
    /// assert_eq!(intervals, ["x < 30", "30 ≤ x < 50", "50 ≤ x ≤ 125", "125 < x"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
/// let iom = registry.range("iom-2011").expect("shipped");
/// assert!(iom.statements[0].text.contains("not consistently associated with increased benefit"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Statement {
    /// The statement.
    pub text: String,
    /// How sure it is.
    pub status: Verification,
}

/// A part of a protocol that a source does not state.
///
/// ```
/// use lmr::reference::ProtocolPart;
/// let registry = lmr::Registry::builtin()?;
/// let catassi = &registry.range("catassi-1997-children").expect("shipped").applies_to;
/// assert_eq!(catassi.unstated, [ProtocolPart::Collection]); // its source gives no window
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// The key used in files (`applies_to.unstated = ["doses", "collection"]`).
    ///
    /// ```
    /// use lmr::reference::ProtocolPart;
    ///
    /// assert_eq!(ProtocolPart::Collection.key(), "collection");
    /// ```
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
///
/// ```
/// use lmr::reference::{CollectionWindow, Matrix};
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let dutch = &registry.range("dutch-sat-hyperosmolar-5h").expect("shipped").applies_to;
/// assert_eq!(dutch.matrix, Matrix::Urine);
/// assert_eq!(dutch.doses.get(Sugar::Mannitol).unwrap().mass.to_string(), "2 g");
/// assert_eq!(dutch.collection.unwrap().to_string(), "5 h");
/// assert!(matches!(dutch.collection, Some(CollectionWindow::Exact(_))));
/// assert!(dutch.unstated.is_empty());
/// // the adult urine-volume band: 18–150 y, any window from 5 to 6 h
/// let volume = &registry.range("urine-volume-adult-5-6h").expect("shipped").applies_to;
/// assert_eq!(volume.age.unwrap().to_string(), "18–150 y");
/// assert_eq!(volume.collection.unwrap().to_string(), "5–6 h");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// Ages the range applies to, both ends inclusive (`age_years = { min, max }` in the file).
    pub age: Option<Span<Age>>,
    /// Protocol parts the source does not state.
    pub unstated: Vec<ProtocolPart>,
    /// Doses the range was established with.
    pub doses: SugarMap<Dose>,
    /// The collection window the range was established with (`protocol.collection` in the
    /// file), or the span of windows it applies to (`collection_hours = { min, max }`).
    pub collection: Option<CollectionWindow>,
}

/// An inclusive span of quantities, `min ≤ x ≤ max`: the ages (`Span<Age>`) or collection
/// windows (`Span<Duration>`) a range applies to. Each end keeps its unit; the two are compared
/// through it (an age in months against a span in years).
///
/// ```
/// use lmr::reference::Span;
/// use lmr::units::{Age, Duration};
///
/// let adults = Span { min: "18 y".parse::<Age>()?, max: "65 y".parse()? };
/// assert!(adults.contains("18 y".parse()?) && adults.contains("65 y".parse()?)); // both ends in
/// assert!(!adults.contains("210 months".parse()?)); // 210 mo ÷ 12 = 17.5 y
/// assert_eq!(adults.to_string(), "18–65 y");
/// let windows = Span { min: "5 h".parse::<Duration>()?, max: "6 h".parse()? };
/// assert!(windows.contains("330 min".parse()?)); // 330 min ÷ 60 = 5.5 h
/// assert_eq!(windows.to_string(), "5–6 h");
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span<Q> {
    /// The smallest value in the span (inclusive).
    pub min: Q,
    /// The largest value in the span (inclusive).
    pub max: Q,
}

impl Span<Age> {
    /// Whether `age` lies in the span, both ends inclusive (compared in years).
    ///
    /// ```
    /// use lmr::reference::Span;
    /// use lmr::units::Age;
    ///
    /// // Hossain 2016: children 0.5–2 y; 18 months ÷ 12 = 1.5 y
    /// let infants: Span<Age> = Span { min: "6 mo".parse()?, max: "2 y".parse()? };
    /// assert!(infants.contains("18 months".parse()?));
    /// assert!(!infants.contains("25 mo".parse()?)); // 25 ÷ 12 = 2.083 y
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn contains(self, age: Age) -> bool {
        let y = age.in_years();
        y >= self.min.in_years() && y <= self.max.in_years()
    }
}

impl Span<Duration> {
    /// Whether `window` lies in the span, both ends inclusive (compared in hours).
    ///
    /// ```
    /// use lmr::reference::Span;
    /// use lmr::units::Duration;
    ///
    /// let windows: Span<Duration> = Span { min: "5 h".parse()?, max: "6 h".parse()? };
    /// assert!(windows.contains("360 min".parse()?)); // 360 ÷ 60 = 6 h: the end is in
    /// assert!(!windows.contains("4.5 h".parse()?));
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn contains(self, window: Duration) -> bool {
        let h = window.in_hours();
        h >= self.min.in_hours() && h <= self.max.in_hours()
    }
}

impl fmt::Display for Span<Age> {
    /// `18–65 y`: both ends in years, as range files write them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{} y", self.min.in_years(), self.max.in_years())
    }
}

impl fmt::Display for Span<Duration> {
    /// `5–6 h`: both ends in hours, as range files write them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{} h", self.min.in_hours(), self.max.in_hours())
    }
}

/// The urine collection a range applies to: the one window its source used, or a span of
/// windows.
///
/// ```
/// use lmr::reference::{CollectionWindow, Span};
///
/// let five: CollectionWindow = CollectionWindow::Exact("300 min".parse()?);
/// assert!(five.admits("5 h".parse()?)); // 300 min = 5 h
/// assert!(!five.admits("6 h".parse()?));
/// assert_eq!(five.to_string(), "300 min"); // as the file wrote it
/// let span = CollectionWindow::Within(Span { min: "5 h".parse()?, max: "6 h".parse()? });
/// assert!(span.admits("6 h".parse()?));
/// assert_eq!(span.to_string(), "5–6 h");
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CollectionWindow {
    /// One window (`applies_to.protocol.collection = "5 h"`).
    Exact(Duration),
    /// Any window in a span, both ends inclusive (`applies_to.collection_hours = { min, max }`).
    Within(Span<Duration>),
}

impl CollectionWindow {
    /// Whether a collection of `window` is the range's: the same length (to rounding) as an
    /// exact window, or within the span.
    ///
    /// ```
    /// use lmr::reference::CollectionWindow;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let dutch = registry.range("dutch-sat-hyperosmolar-5h").expect("shipped");
    /// let window: CollectionWindow = dutch.applies_to.collection.expect("stated");
    /// assert!(window.admits("5 h".parse()?) && !window.admits("4 h".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn admits(self, window: Duration) -> bool {
        match self {
            CollectionWindow::Exact(d) => same_amount(window.in_hours(), d.in_hours()),
            CollectionWindow::Within(span) => span.contains(window),
        }
    }
}

impl fmt::Display for CollectionWindow {
    /// The window as the file gave it (`5 h`, `300 min`), or the span (`5–6 h`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CollectionWindow::Exact(d) => d.fmt(f),
            CollectionWindow::Within(span) => span.fmt(f),
        }
    }
}

/// How a sample's protocol differs from a range's.
///
/// ```
/// use lmr::protocol::Sex;
/// use lmr::reference::{Difference, ProtocolPart, Span};
///
/// let adults = Span { min: "18 y".parse()?, max: "65 y".parse()? };
/// let d = Difference::Age { range: adults, sample: Some("70 y".parse()?) };
/// assert_eq!(d.to_string(), "age 70 y (range: 18–65 y)");
/// // an age in months is shown in years: 18 mo ÷ 12 = 1.5 y
/// let d = Difference::Age { range: adults, sample: Some("18 months".parse()?) };
/// assert_eq!(d.to_string(), "age 1.5 y (range: 18–65 y)");
/// let windows = Span { min: "5 h".parse()?, max: "6 h".parse()? };
/// let d = Difference::CollectionOutside { range: windows, sample: Some("8 h".parse()?) };
/// assert_eq!(d.to_string(), "collection 8 h (range: 5–6 h)");
/// assert_eq!(
///     Difference::Sex { range: Sex::Female, sample: None }.to_string(),
///     "sex not given (range: female)"
/// );
/// assert_eq!(
///     Difference::Unstated(ProtocolPart::Doses).to_string(),
///     "doses not stated by the source, so not checked"
/// );
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
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
        /// The range's span of windows.
        range: Span<Duration>,
        /// The sample's window, if given.
        sample: Option<Duration>,
    },
    /// The age is outside the range's band or was not given.
    Age {
        /// The range's ages.
        range: Span<Age>,
        /// The sample's age, if given.
        sample: Option<Age>,
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
                range,
                sample: Some(s),
            } => {
                write!(f, "collection {s} (range: {range})")
            }
            Difference::CollectionOutside {
                range,
                sample: None,
            } => {
                write!(f, "collection window not given (range: {range})")
            }
            Difference::Age {
                range,
                sample: Some(a),
            } => {
                write!(f, "age {} y (range: {range})", a.in_years())
            }
            Difference::Age {
                range,
                sample: None,
            } => {
                write!(f, "age not given (range: {range})")
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
///
/// ```
/// use lmr::reference::{Analyte, RangeUnit};
/// use lmr::units::ConcentrationUnit;
///
/// let registry = lmr::Registry::builtin()?;
/// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
/// let iom = registry.range("iom-2011").expect("shipped");
/// assert_eq!(iom.analyte, Analyte::VitaminD25oh);
/// assert_eq!(iom.unit, RangeUnit::Concentration(ConcentrationUnit::NmolPerL));
/// assert_eq!(iom.origin, "builtin:vitamin-d/iom-2011.toml");
/// assert_eq!(iom.bands.len(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// assert!(registry.ranges().iter().all(|r| r.is_builtin()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_builtin(&self) -> bool {
        self.origin.starts_with("builtin:")
    }

    /// The index of the band holding `x`, or `None` when the range has no bands.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
    /// let iom = registry.range("iom-2011").expect("shipped");
    /// assert_eq!(iom.classify(29.9), Some(0));
    /// assert_eq!(iom.classify(30.0), Some(1)); // "between 30 and 50": 30 is in
    /// assert_eq!(iom.classify(125.0), Some(2));
    /// assert_eq!(iom.classify(125.5), Some(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classify(&self, x: f64) -> Option<usize> {
        self.bands.iter().position(|b| b.contains(x))
    }

    /// The band holding every value a censored number may take, if one band holds them all.
    ///
    /// ```
    /// use lmr::censored::Censored;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
    /// let iom = registry.range("iom-2011").expect("shipped");
    /// // every value below 25 is below 30: at risk of deficiency
    /// assert_eq!(iom.classify_censored(Censored::LessThan(25.0)), Some(0));
    /// // below 40 could be either side of 30: no class
    /// assert_eq!(iom.classify_censored(Censored::LessThan(40.0)), None);
    /// assert_eq!(iom.classify_censored(Censored::GreaterThan(150.0)), Some(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
    /// let iom = registry.range("iom-2011").expect("shipped");
    /// assert_eq!(iom.band_label(iom.classify(75.0)), "sufficient");
    /// assert_eq!(iom.band_label(Some(99)), "unclassified");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn band_label(&self, band: Option<usize>) -> &str {
        band.and_then(|i| self.bands.get(i))
            .map_or(UNCLASSIFIED, |b| b.label.as_str())
    }

    /// The bound (between two bands) that `x` lies within [`Self::near_boundary_relative`] of.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// // IOM 2011, nmol/L: <30 | 30 ≤ x < 50 | 50 ≤ x ≤ 125 | >125
    /// let iom = registry.range("iom-2011").expect("shipped");
    /// // default tolerance 0.2 %: |49.95 − 50| = 0.05 ≤ 0.002 × 50 = 0.1
    /// assert_eq!(iom.near_bound(49.95).map(|b| b.value), Some(50.0));
    /// // 20 ng/mL × 1000 ÷ 400.64 = 49.92 nmol/L: 0.08 from 50, also near
    /// assert_eq!(iom.near_bound(49.92).map(|b| b.value), Some(50.0));
    /// assert_eq!(iom.near_bound(49.8), None); // 0.2 > 0.1
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn near_bound(&self, x: f64) -> Option<Bound> {
        self.bands
            .iter()
            .filter_map(|b| b.upper)
            .find(|b| (x - b.value).abs() <= self.near_boundary_relative * b.value.abs())
    }

    /// How `protocol` differs from what this range applies to, pushed onto `out` (nothing pushed:
    /// the range applies).
    ///
    /// ```
    /// use lmr::protocol::{Dose, Protocol};
    /// use lmr::sugar::Sugar;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// // Dutch SAT cut-off 0.089: 5 g lactulose, 2 g mannitol, 40 g sucrose, 5 h
    /// let dutch = registry.range("dutch-sat-hyperosmolar-5h").expect("shipped");
    /// let mut p = Protocol::default();
    /// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
    /// p.doses.set(Sugar::Mannitol, Some(Dose::parse("1 g")?));
    /// p.collection = Some("6 h".parse()?);
    /// let mut out = Vec::new();
    /// dutch.differences(&p, &mut out);
    /// let text: Vec<String> = out.iter().map(|d| d.to_string()).collect();
    /// assert_eq!(
    ///     text,
    ///     ["mannitol dose 1 g (range: 2 g)", "sucrose dose not given (range: 40 g)", "collection 6 h (range: 5 h)"]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn differences(&self, protocol: &Protocol, out: &mut Vec<Difference>) {
        self.for_each_difference(protocol, |d| out.push(d));
    }

    /// Calls `found` with each way `protocol` differs from what this range applies to (never
    /// called: the range applies). Allocates nothing.
    ///
    /// ```
    /// use lmr::protocol::{Dose, Protocol};
    /// use lmr::sugar::Sugar;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let dutch = registry.range("dutch-sat-hyperosmolar-5h").expect("shipped");
    /// let mut p = Protocol::default();
    /// for (sugar, dose) in [(Sugar::Lactulose, "5 g"), (Sugar::Mannitol, "2 g"), (Sugar::Sucrose, "40 g")] {
    ///     p.doses.set(sugar, Some(Dose::parse(dose)?));
    /// }
    /// p.collection = Some("300 min".parse()?);
    /// let mut n = 0;
    /// dutch.for_each_difference(&p, |_| n += 1);
    /// assert_eq!(n, 0); // the protocol of the range: it applies
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_each_difference(&self, protocol: &Protocol, mut out: impl FnMut(Difference)) {
        let a = &self.applies_to;
        for (sugar, dose) in a.doses.iter() {
            let range_mg = dose.sugar_mass(sugar).in_milligrams();
            let sample = protocol.doses.get(sugar);
            let same =
                sample.is_some_and(|d| same_amount(d.sugar_mass(sugar).in_milligrams(), range_mg));
            if !same {
                out(Difference::Dose {
                    sugar,
                    range: dose.mass.scaled(dose.form.sugar_fraction(sugar)),
                    sample: sample.map(|d| d.mass.scaled(d.form.sugar_fraction(sugar))),
                });
            }
        }
        if let Some(window) = a.collection {
            if !protocol.collection.is_some_and(|c| window.admits(c)) {
                let sample = protocol.collection;
                out(match window {
                    CollectionWindow::Exact(range) => Difference::Collection { range, sample },
                    CollectionWindow::Within(range) => {
                        Difference::CollectionOutside { range, sample }
                    }
                });
            }
        }
        if let Some(range) = a.age {
            if !protocol.age.is_some_and(|y| range.contains(y)) {
                out(Difference::Age {
                    range,
                    sample: protocol.age,
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
