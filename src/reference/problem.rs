//! What is wrong with one key of a range file, as facts ([`RangeProblem`]); the file and key are
//! in [`RangeFileError::Invalid`](super::RangeFileError::Invalid).

use std::fmt;

use crate::analyte::{Analyte, Matrix};
use crate::protocol::UnknownSex;
use crate::sugar::{Sugar, UnknownSugar};
use crate::units::UnitError;
use crate::zscore::{AgeBandProblem, CellError, TableError, ZSCORE_ANALYTES};

/// A word-valued key of the range format (its value must be one of a fixed set).
///
/// ```
/// use lmr::reference::{RangeFileError, RangeProblem, Registry, Word};
///
/// let text = "schema = 1\n[[protocol]]\nid = \"p\"\ntitle = \"P\"\ndoses = { lactulose = \"5 g\" }\n\
///             [protocol.source]\ncitation = \"c\"\nquote = \"q\"\nstatus = \"maybe\"\n";
/// let e = Registry::default().add_text("p.toml", text, true).unwrap_err();
/// let RangeFileError::Invalid { problem, .. } = e else { panic!("{e}") };
/// assert_eq!(*problem, RangeProblem::Unknown { word: Word::Status, value: "maybe".into() });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Word {
    /// `source.status`.
    Status,
    /// `protocol.dose_forms.<sugar>`.
    DoseForm,
    /// `range.selection`.
    Selection,
    /// `range.analyte`.
    Analyte,
    /// `zscore_table.analyte`.
    ZscoreAnalyte,
    /// `applies_to.matrix`.
    Matrix,
    /// `applies_to.unstated`.
    ProtocolPart,
    /// `zscore_table.scale`.
    Scale,
    /// `zscore_table.cell.sex`.
    CellSex,
}

impl Word {
    /// What the key names, as the message says it (`dose form`, `z-score analyte`).
    ///
    /// ```
    /// use lmr::reference::Word;
    ///
    /// assert_eq!(Word::ZscoreAnalyte.name(), "z-score analyte");
    /// assert_eq!(Word::CellSex.name(), "sex");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Word::Status => "status",
            Word::DoseForm => "dose form",
            Word::Selection => "selection",
            Word::Analyte => "analyte",
            Word::ZscoreAnalyte => "z-score analyte",
            Word::Matrix => "matrix",
            Word::ProtocolPart => "part",
            Word::Scale => "scale",
            Word::CellSex => "sex",
        }
    }

    fn expected(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one_of = |f: &mut fmt::Formatter<'_>, all: &[Analyte]| {
            f.write_str("one of ")?;
            for (i, a) in all.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(a.key())?;
            }
            Ok(())
        };
        match self {
            Word::Status => f.write_str(r#""verified", "secondary" or "local""#),
            Word::DoseForm => f.write_str("anhydrous or monohydrate"),
            Word::Selection => f.write_str(r#""automatic" or "explicit""#),
            Word::Analyte => one_of(f, Analyte::ALL),
            Word::ZscoreAnalyte => one_of(f, ZSCORE_ANALYTES),
            Word::Matrix => f.write_str("urine, serum or stool"),
            Word::ProtocolPart => f.write_str("doses, collection, age or sex"),
            Word::Scale => f.write_str(r#""ln" for the natural logarithm, or "linear""#),
            Word::CellSex => f.write_str(r#""female", "male" or "any""#),
        }
    }
}

/// The expected values of a [`Word`] key, for messages.
struct Expected(Word);

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expected(f)
    }
}

/// The units a range for `analyte` may be written in, for messages.
struct Units(Analyte);

impl fmt::Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Analyte::LmRatio | Analyte::LrRatio | Analyte::L13mRatio => "\"ratio\"",
            Analyte::LactuloseRecoveryPct | Analyte::MannitolRecoveryPct => "\"%\"",
            Analyte::VitaminD25oh => "nmol/L, ng/mL or µg/L",
            Analyte::Zonulin => "ng/mL, µg/L or ng/g",
            Analyte::UrineVolume => "\"mL\"",
        })
    }
}

/// What is wrong with one key of a range file. Each variant carries the values it is about; the
/// message says what was found and what is expected.
///
/// ```
/// use lmr::reference::{RangeFileError, RangeProblem, Registry};
///
/// let e = Registry::default()
///     .add_text("mine.toml", "schema = 2\n", true)
///     .unwrap_err();
/// let RangeFileError::Invalid { key, problem, .. } = &e else { panic!("{e}") };
/// assert_eq!(key, "schema");
/// assert_eq!(**problem, RangeProblem::Schema { found: 2 });
/// assert_eq!(e.to_string(), "mine.toml: key `schema`: unsupported schema 2 (expected 1)");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RangeProblem {
    /// A required key is absent.
    #[error("missing (required)")]
    Missing,
    /// A required text is empty.
    #[error("empty (required)")]
    Empty,
    /// `schema` is not 1.
    #[error("unsupported schema {found} (expected 1)")]
    Schema {
        /// The schema written.
        found: i64,
    },
    /// An id with characters other than lower-case letters, digits and '-'.
    #[error("{id:?}: use lower-case letters, digits and '-'")]
    InvalidId {
        /// The id.
        id: String,
    },
    /// A word-valued key with a value outside its set.
    #[error("unknown {} {value:?} (expected {})", .word.name(), Expected(*.word))]
    Unknown {
        /// Which key.
        word: Word,
        /// The value written.
        value: String,
    },
    /// A unit the analyte is not reported in.
    #[error("unknown unit {value:?} for {analyte} (expected {})", Units(*.analyte))]
    UnknownUnit {
        /// The unit written.
        value: String,
        /// The analyte.
        analyte: Analyte,
    },
    /// `status = "unverified"`.
    #[error("\"unverified\" values are never shipped or used as classifying ranges (make it a user setting, or verify it)")]
    Unverified,
    /// A published source with neither doi nor url.
    #[error("missing: a source needs a doi or a url (only status \"local\" may omit both)")]
    NoLink,
    /// A sugar name that is not known.
    #[error("{0}")]
    Sugar(UnknownSugar),
    /// A mass or duration that does not parse.
    #[error("{0}")]
    Quantity(UnitError),
    /// A dose form for a sugar with no dose.
    #[error("no dose given for {sugar}")]
    FormWithoutDose {
        /// The sugar.
        sugar: Sugar,
    },
    /// A protocol with no dose.
    #[error("missing: a protocol needs at least one dose (or a solution strength)")]
    NoDoses,
    /// `near_boundary_relative` outside [0, 0.5).
    #[error("{value}: expected a fraction in [0, 0.5)")]
    NearBoundary {
        /// The value written.
        value: f64,
    },
    /// `ng/g` for a matrix other than stool.
    #[error("ng/g is a stool unit, but the matrix is {matrix}")]
    StoolUnit {
        /// The matrix.
        matrix: Matrix,
    },
    /// `selection = "automatic"` on a urine-sugar range whose protocol is not fully stated.
    #[error("\"automatic\" needs a fully stated protocol (doses and collection, nothing unstated); use \"explicit\"")]
    AutomaticUnstated,
    /// A range with neither bands nor statements.
    #[error("no bands and no statements: a range must classify or state something")]
    ClassifiesNothing,
    /// A matrix the analyte is not measured in.
    #[error("{matrix} is not a matrix for {analyte}")]
    WrongMatrix {
        /// The matrix.
        matrix: Matrix,
        /// The analyte.
        analyte: Analyte,
    },
    /// A sex that is not understood.
    #[error("{0}")]
    Sex(UnknownSex),
    /// A span (`min`, `max`) that is not `0 ≤ min ≤ max`.
    #[error("min {min} / max {max}: expected 0 ≤ min ≤ max")]
    Span {
        /// The smaller end written.
        min: f64,
        /// The larger end written.
        max: f64,
    },
    /// Both one collection window (`protocol.collection`) and a span of windows
    /// (`collection_hours`): a range describes its collection once.
    #[error("give either protocol.collection (the one window the source used) or collection_hours (a span of windows), not both")]
    TwoCollections,
    /// A protocol on a range whose analyte is not a urine sugar.
    #[error("{analyte} is not a urine-sugar analyte")]
    NotUrineSugar {
        /// The analyte.
        analyte: Analyte,
    },
    /// A band label that is not snake_case.
    #[error("{label:?}: use snake_case")]
    Label {
        /// The label.
        label: String,
    },
    /// A bound that is negative or not finite.
    #[error("{value}: expected a finite, non-negative number")]
    Bound {
        /// The bound written.
        value: f64,
    },
    /// A band whose lower end is above its upper end (or equal with an open side).
    #[error("inverted or empty band: lower {lower} above upper {upper}")]
    EmptyBand {
        /// The lower bound.
        lower: f64,
        /// The upper bound.
        upper: f64,
    },
    /// The first band does not start at 0 inclusive.
    #[error(
        "gap: values from 0 to {lower} fall in no band (omit `lower`, or start at 0 inclusive)"
    )]
    GapFromZero {
        /// The first band's lower bound.
        lower: f64,
    },
    /// The last band has an upper bound.
    #[error("gap: values above {upper} fall in no band (omit `upper` on the last band)")]
    GapAbove {
        /// The last band's upper bound.
        upper: f64,
    },
    /// Two neighbouring bands with an open end between them.
    #[error("overlap: band {below:?} and band {above:?} must meet at one bound")]
    BandsDoNotMeet {
        /// The lower band's label.
        below: String,
        /// The upper band's label.
        above: String,
    },
    /// Values between two neighbouring bands fall in neither.
    #[error("gap: values between {from} and {to} fall in no band")]
    Gap {
        /// The lower band's upper bound.
        from: f64,
        /// The upper band's lower bound.
        to: f64,
    },
    /// A value lies in two bands.
    #[error("overlap: {value} is in both {below:?} and {above:?}")]
    Overlap {
        /// The value.
        value: f64,
        /// The lower band's label.
        below: String,
        /// The upper band's label.
        above: String,
    },
    /// Two bands meet at a bound that neither includes.
    #[error("gap: {value} itself falls in no band (exactly one side must be inclusive)")]
    NeitherInclusive {
        /// The bound.
        value: f64,
    },
    /// Two bands of a range share a label.
    #[error("duplicate label {label:?}")]
    DuplicateLabel {
        /// The label.
        label: String,
    },
    /// A z-score table that cannot be used.
    #[error("{0}")]
    Table(TableError),
    /// A z-score cell's age band that is not `0 ≤ from < below`.
    #[error("from {from} / below {below}: expected 0 ≤ from < below (years; the band is from ≤ age < below): {problem}")]
    AgeBand {
        /// The lower end written.
        from: f64,
        /// The upper end written.
        below: f64,
        /// What is wrong.
        problem: AgeBandProblem,
    },
    /// A negative observation count.
    #[error("n {n}: a mean and SD need at least 2 observations")]
    NegativeCount {
        /// The count written.
        n: i64,
    },
    /// A z-score cell that cannot be used.
    #[error("{0}")]
    Cell(CellError),
    /// A file named as a z-score reference holds no `[[zscore_table]]`.
    #[error("no [[zscore_table]] in this file")]
    NoZscoreTable,
    /// More bands in one range than [`super::MAX_BANDS`].
    #[error("{count} bands, more than the limit of {limit} per range")]
    TooManyBands {
        /// The bands written.
        count: usize,
        /// The limit.
        limit: usize,
    },
}
