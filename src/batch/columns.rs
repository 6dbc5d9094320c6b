//! Header mapping: which input column holds which field, in which unit.
//!
//! A header is recognised when it is a canonical name ([`Field::name`]), optionally followed by
//! its unit in brackets (`urine_lactulose [mg/L]`), or `<name>_unit` (a per-row unit column), or a
//! header named in a column map ([`ColumnMap`], `--columns MAP.toml`). Names are matched
//! ignoring ASCII case and surrounding spaces. Every other column passes through untouched.
//!
//! The header is resolved once, into a [`Layout`]: per field the column index and the default
//! unit for bare numbers. Rows are then read by index, without looking at names again.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::fraction::{Window, WindowError, WindowProblem};
use crate::protocol::{StrengthUnit, SugarMap};
use crate::sugar::Sugar;
use crate::units::{ConcentrationUnit, DurationUnit, MassUnit, VolumeUnit};
use crate::zonulin::ZonulinUnit;

use super::near_miss::HeaderWarning;

/// An input field `lmr batch` reads.
///
/// The per-sugar fields exist for every sugar in [`Sugar::ALL`]: `urine_<sugar>`,
/// `<sugar>_dose`, `<sugar>_dose_form` and `baseline_<sugar>` (sugar keys as in
/// [`Sugar::key`]: `urine_rhamnose`, `mannitol_13c6_dose`, …). A timed fraction's columns carry
/// the fraction in the name instead (`urine_lactulose_0_2h`, `urine_volume_0_2h`): see
/// [`Layout::fractions`].
///
/// ```
/// use lmr::batch::Field;
/// use lmr::Sugar;
/// assert_eq!(Field::Dose(Sugar::Rhamnose).to_string(), "rhamnose_dose");
/// assert_eq!(Field::from_name("Urine_Volume"), Some(Field::UrineVolume));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// Urine concentration of a sugar (`urine_<sugar>`).
    Urine(Sugar),
    /// Urine volume collected.
    UrineVolume,
    /// Oral dose of a sugar (`<sugar>_dose`).
    Dose(Sugar),
    /// The form the dose was weighed in (`<sugar>_dose_form`: `anhydrous` or `monohydrate`).
    DoseForm(Sugar),
    /// Baseline (pre-dose) urine concentration of a sugar (`baseline_<sugar>`).
    Baseline(Sugar),
    /// A sugar's strength in the test solution (`<sugar>_solution`, e.g. 250 mg/mL).
    Solution(Sugar),
    /// Collection window.
    Collection,
    /// Age.
    Age,
    /// Sex.
    Sex,
    /// Zonulin value.
    Zonulin,
    /// Zonulin matrix (serum or stool).
    ZonulinMatrix,
    /// Haptoglobin genotype.
    HpGenotype,
    /// Serum 25(OH)D.
    VitaminD,
    /// Which 25(OH)D was measured.
    VitaminDForm,
    /// The timed fraction a row holds (long format: one row per fraction).
    Fraction,
    /// The sample a fraction row belongs to (long format; `sample_id`, or `--sample-id`).
    SampleId,
    /// The volume of test solution drunk (`dose_volume`): with `<sugar>_solution`, the dose.
    DoseVolume,
    /// A yes/no pre-test condition (`pretest_nsaid`, …, `glycosuria`): raises the flag of its name.
    Pretest(PretestField),
    /// Estimated glomerular filtration rate (`egfr`, mL/min/1.73 m²).
    Egfr,
}

/// The kind of unit a field takes.
///
/// ```
/// use lmr::batch::{Field, UnitKind};
/// assert_eq!(Field::Age.unit_kind(), UnitKind::Age);
/// assert_eq!(Field::Sex.unit_kind(), UnitKind::None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    /// No unit (text fields).
    None,
    /// A concentration.
    Concentration,
    /// A volume.
    Volume,
    /// A mass.
    Mass,
    /// A duration.
    Duration,
    /// Years (or months).
    Age,
    /// A zonulin unit.
    Zonulin,
    /// A solution strength (mg/mL).
    Strength,
    /// An eGFR (mL/min/1.73 m², the only unit).
    Egfr,
}

const SUGARS: usize = Sugar::ALL.len();

macro_rules! sugar_names {
    ($pre:literal, $post:literal) => {
        [
            concat!($pre, "lactulose", $post),
            concat!($pre, "mannitol", $post),
            concat!($pre, "rhamnose", $post),
            concat!($pre, "sucrose", $post),
            concat!($pre, "sucralose", $post),
            concat!($pre, "erythritol", $post),
            concat!($pre, "mannitol_13c1", $post),
            concat!($pre, "mannitol_13c6", $post),
            concat!($pre, "xylose", $post),
            concat!($pre, "methylglucose", $post),
        ]
    };
}

const URINE_NAMES: [&str; SUGARS] = sugar_names!("urine_", "");
const DOSE_NAMES: [&str; SUGARS] = sugar_names!("", "_dose");
const DOSE_FORM_NAMES: [&str; SUGARS] = sugar_names!("", "_dose_form");
const BASELINE_NAMES: [&str; SUGARS] = sugar_names!("baseline_", "");
const SOLUTION_NAMES: [&str; SUGARS] = sugar_names!("", "_solution");

/// The fields after the per-sugar ones, in index order.
const OTHERS: [Field; 18] = [
    Field::Collection,
    Field::Age,
    Field::Sex,
    Field::Zonulin,
    Field::ZonulinMatrix,
    Field::HpGenotype,
    Field::VitaminD,
    Field::VitaminDForm,
    Field::Fraction,
    Field::SampleId,
    Field::DoseVolume,
    Field::Pretest(PretestField::Nsaid),
    Field::Pretest(PretestField::Alcohol),
    Field::Pretest(PretestField::Laxative),
    Field::Pretest(PretestField::Steroid),
    Field::Pretest(PretestField::RecentDiarrhoea),
    Field::Pretest(PretestField::Glycosuria),
    Field::Egfr,
];

impl Field {
    /// The number of fields.
    ///
    /// ```
    /// // 5 per-sugar fields × 10 sugars + urine_volume + 18 others = 69
    /// assert_eq!(lmr::Sugar::ALL.len(), 10);
    /// assert_eq!(lmr::batch::Field::COUNT, 69);
    /// assert_eq!(lmr::batch::Field::all().count(), lmr::batch::Field::COUNT);
    /// ```
    pub const COUNT: usize = 5 * SUGARS + 1 + OTHERS.len();

    /// Every field, in the order of the canonical column list.
    ///
    /// ```
    /// use lmr::batch::Field;
    /// let mut all = Field::all();
    /// assert_eq!(all.next(), Some(Field::Urine(lmr::Sugar::Lactulose))); // urine_lactulose first
    /// assert_eq!(Field::all().last(), Some(Field::Egfr));
    /// ```
    pub fn all() -> impl Iterator<Item = Field> {
        (0..Field::COUNT).map(Field::from_index)
    }

    fn from_index(i: usize) -> Field {
        let sugar = |j: usize| Sugar::ALL[j % SUGARS];
        match i {
            _ if i < SUGARS => Field::Urine(sugar(i)),
            _ if i == SUGARS => Field::UrineVolume,
            _ if i < 2 * SUGARS + 1 => Field::Dose(sugar(i - SUGARS - 1)),
            _ if i < 3 * SUGARS + 1 => Field::DoseForm(sugar(i - 2 * SUGARS - 1)),
            _ if i < 4 * SUGARS + 1 => Field::Baseline(sugar(i - 3 * SUGARS - 1)),
            _ if i < 5 * SUGARS + 1 => Field::Solution(sugar(i - 4 * SUGARS - 1)),
            _ => OTHERS[(i - 5 * SUGARS - 1).min(OTHERS.len() - 1)],
        }
    }

    /// The canonical column name.
    ///
    /// ```
    /// use lmr::batch::Field;
    /// assert_eq!(Field::Baseline(lmr::Sugar::Mannitol).name(), "baseline_mannitol");
    /// assert_eq!(Field::VitaminDForm.name(), "vitamin_d_form");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Field::Urine(s) => URINE_NAMES[s as usize],
            Field::UrineVolume => "urine_volume",
            Field::Dose(s) => DOSE_NAMES[s as usize],
            Field::DoseForm(s) => DOSE_FORM_NAMES[s as usize],
            Field::Baseline(s) => BASELINE_NAMES[s as usize],
            Field::Solution(s) => SOLUTION_NAMES[s as usize],
            Field::DoseVolume => "dose_volume",
            Field::Collection => "collection",
            Field::Age => "age",
            Field::Sex => "sex",
            Field::Zonulin => "zonulin",
            Field::ZonulinMatrix => "zonulin_matrix",
            Field::HpGenotype => "hp_genotype",
            Field::VitaminD => "vitamin_d",
            Field::VitaminDForm => "vitamin_d_form",
            Field::Fraction => "fraction",
            Field::SampleId => "sample_id",
            Field::Pretest(p) => p.name(),
            Field::Egfr => "egfr",
        }
    }

    /// Looks a canonical name up (ASCII case ignored).
    ///
    /// ```
    /// use lmr::batch::Field;
    /// assert_eq!(Field::from_name(" SUCRALOSE_DOSE "), Some(Field::Dose(lmr::Sugar::Sucralose)));
    /// assert_eq!(Field::from_name("lactulose"), None); // the column is urine_lactulose
    /// ```
    pub fn from_name(name: &str) -> Option<Field> {
        let name = name.trim();
        Field::all().find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// The kind of unit the field takes.
    ///
    /// ```
    /// use lmr::batch::{Field, UnitKind};
    /// assert_eq!(Field::VitaminD.unit_kind(), UnitKind::Concentration);
    /// assert_eq!(Field::Solution(lmr::Sugar::Lactulose).unit_kind(), UnitKind::Strength);
    /// ```
    pub fn unit_kind(self) -> UnitKind {
        match self {
            Field::Urine(_) | Field::Baseline(_) | Field::VitaminD => UnitKind::Concentration,
            Field::UrineVolume | Field::DoseVolume => UnitKind::Volume,
            Field::Dose(_) => UnitKind::Mass,
            Field::Solution(_) => UnitKind::Strength,
            Field::Collection => UnitKind::Duration,
            Field::Age => UnitKind::Age,
            Field::Zonulin => UnitKind::Zonulin,
            Field::Egfr => UnitKind::Egfr,
            Field::DoseForm(_)
            | Field::Pretest(_)
            | Field::Sex
            | Field::ZonulinMatrix
            | Field::HpGenotype
            | Field::VitaminDForm
            | Field::Fraction
            | Field::SampleId => UnitKind::None,
        }
    }

    fn index(self) -> usize {
        let s = SUGARS;
        match self {
            Field::Urine(x) => x as usize,
            Field::UrineVolume => s,
            Field::Dose(x) => s + 1 + x as usize,
            Field::DoseForm(x) => 2 * s + 1 + x as usize,
            Field::Baseline(x) => 3 * s + 1 + x as usize,
            Field::Solution(x) => 4 * s + 1 + x as usize,
            Field::Collection => 5 * s + 1,
            Field::Age => 5 * s + 2,
            Field::Sex => 5 * s + 3,
            Field::Zonulin => 5 * s + 4,
            Field::ZonulinMatrix => 5 * s + 5,
            Field::HpGenotype => 5 * s + 6,
            Field::VitaminD => 5 * s + 7,
            Field::VitaminDForm => 5 * s + 8,
            Field::Fraction => 5 * s + 9,
            Field::SampleId => 5 * s + 10,
            Field::DoseVolume => 5 * s + 11,
            Field::Pretest(p) => 5 * s + 12 + p as usize,
            Field::Egfr => 5 * s + 18,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub use crate::sample::{AgeUnit, PretestField};

/// A unit a bare number in a column takes.
///
/// ```
/// use lmr::batch::{Unit, UnitKind};
/// use lmr::units::VolumeUnit;
/// assert_eq!(Unit::parse(UnitKind::Volume, "ml"), Some(Unit::Volume(VolumeUnit::Ml)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A concentration.
    Concentration(ConcentrationUnit),
    /// A volume.
    Volume(VolumeUnit),
    /// A mass.
    Mass(MassUnit),
    /// A duration.
    Duration(DurationUnit),
    /// An age unit.
    Age(AgeUnit),
    /// A zonulin unit.
    Zonulin(ZonulinUnit),
    /// A solution strength unit.
    Strength(StrengthUnit),
    /// mL/min/1.73 m² (an eGFR's one unit).
    Egfr,
}

/// The units each kind accepts, for messages.
pub(crate) fn expected_units(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::None => "no unit",
        UnitKind::Concentration => ConcentrationUnit::EXPECTED,
        UnitKind::Volume => VolumeUnit::EXPECTED,
        UnitKind::Mass => MassUnit::EXPECTED,
        UnitKind::Duration => DurationUnit::EXPECTED,
        UnitKind::Age => "y, months",
        UnitKind::Zonulin => "ng/mL, µg/L, ng/g",
        UnitKind::Strength => StrengthUnit::EXPECTED,
        UnitKind::Egfr => crate::sample::parse::EGFR_UNITS,
    }
}

impl Unit {
    /// Parses a unit spelling for a kind of field; `None` when it is not one of its units.
    ///
    /// ```
    /// use lmr::batch::{Unit, UnitKind};
    /// use lmr::units::MassUnit;
    /// assert_eq!(Unit::parse(UnitKind::Mass, "g"), Some(Unit::Mass(MassUnit::G)));
    /// assert_eq!(Unit::parse(UnitKind::Mass, "mL"), None); // not a mass
    /// assert_eq!(Unit::parse(UnitKind::None, "g"), None); // a text field takes no unit
    /// ```
    pub fn parse(kind: UnitKind, text: &str) -> Option<Unit> {
        match kind {
            UnitKind::None => None,
            UnitKind::Concentration => ConcentrationUnit::lookup(text).map(Unit::Concentration),
            UnitKind::Volume => VolumeUnit::lookup(text).map(Unit::Volume),
            UnitKind::Mass => MassUnit::lookup(text).map(Unit::Mass),
            UnitKind::Duration => DurationUnit::lookup(text).map(Unit::Duration),
            UnitKind::Age => AgeUnit::lookup(text).map(Unit::Age),
            UnitKind::Zonulin => ZonulinUnit::lookup(text).map(Unit::Zonulin),
            UnitKind::Strength => StrengthUnit::lookup(text).map(Unit::Strength),
            UnitKind::Egfr => crate::sample::parse::is_egfr_unit(text).then_some(Unit::Egfr),
        }
    }
}

/// A header or column map that cannot be used. Fatal: nothing is read.
///
/// ```
/// use lmr::batch::{ColumnMap, HeaderError, Layout};
/// let e = Layout::resolve(&["id", "urine_lactulose [kg]"], &ColumnMap::default()).unwrap_err();
/// assert!(matches!(e, HeaderError::UnknownUnit { column: 2, ref unit, .. } if unit == "kg"));
/// assert!(e.to_string().starts_with(r#"column 2 ("urine_lactulose [kg]"): unknown unit "kg""#));
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// The input has no header row.
    #[error("no header row (the first line must name the columns, e.g. `urine_lactulose [mg/L]`)")]
    Missing,
    /// A unit in brackets that the field does not take.
    #[error("column {column} ({header:?}): unknown unit {unit:?} for {field} (expected one of {expected})")]
    UnknownUnit {
        /// 1-based column number.
        column: usize,
        /// The header as written.
        header: String,
        /// The unit text.
        unit: String,
        /// The field.
        field: Field,
        /// The units accepted.
        expected: &'static str,
    },
    /// A unit given for a field that takes none.
    #[error("column {column} ({header:?}): {field} takes no unit")]
    UnitNotAllowed {
        /// 1-based column number.
        column: usize,
        /// The header.
        header: String,
        /// The field.
        field: Field,
    },
    /// Two columns (or a column and a fixed value) give the same field.
    #[error("{field} is given twice: by {first} and by {second}")]
    Duplicate {
        /// The field.
        field: Field,
        /// Where it was first given.
        first: String,
        /// Where again.
        second: String,
    },
    /// No column was recognised.
    #[error("no column was recognised (header fields: {found}); canonical names are {canonical}, or map the lab's headers with --columns MAP.toml{hint}")]
    NothingRecognised {
        /// The header fields, quoted.
        found: String,
        /// The canonical names.
        canonical: String,
        /// A hint about the delimiter, if one seems likely.
        hint: &'static str,
    },
    /// A column map names a header the file does not have: the map was written for another
    /// export, or the name is misspelt. Fatal, so that no mapped field is missing in silence.
    #[error("the column map names the column {header:?}{}, but the header has no such column (header fields: {found}): correct the name or remove the entry", .line.map_or_else(String::new, |n| format!(" (line {n} of the map)")))]
    MapHeaderAbsent {
        /// The header as written in the map.
        header: String,
        /// The map's line that names it.
        line: Option<usize>,
        /// The file's header fields, quoted (the first few).
        found: String,
    },
    /// NUL bytes in every other place of the header: UTF-16 without a byte-order mark, which
    /// cannot be told from other bytes for sure.
    #[error("the header holds NUL bytes in every other place: the file looks like {order} without a byte-order mark; save it as UTF-8 (a spreadsheet's \"CSV UTF-8\"), or as UTF-16 with its byte-order mark (\"Unicode text\", then --delimiter tab), or convert it: iconv -f {order} -t UTF-8 IN > OUT")]
    Utf16WithoutBom {
        /// `UTF-16LE` or `UTF-16BE`, from where the NUL bytes are.
        order: &'static str,
    },
    /// Two columns give the same timed-fraction field.
    #[error("{name} is given twice: by {first} and by {second}")]
    DuplicateColumn {
        /// The canonical name (`urine_lactulose_0_2h`).
        name: String,
        /// Where it was first given.
        first: String,
        /// Where again.
        second: String,
    },
    /// A `fraction` column (long format) without a column naming the sample.
    #[error("a fraction column ({fraction:?}) needs a sample id column: name it `sample_id`, or choose one with --sample-id COLUMN")]
    NoSampleId {
        /// The fraction column's header.
        fraction: String,
    },
    /// `--sample-id COLUMN` names no header.
    #[error("--sample-id {0:?}: no such column in the header")]
    SampleIdNotFound(String),
    /// Both a `fraction` column (long format) and fraction columns in the header (wide format).
    #[error("timed fractions are given both as a fraction column ({fraction:?}, one row per fraction) and in column names ({wide:?}): use one form")]
    FractionsBothWays {
        /// The fraction column's header.
        fraction: String,
        /// A wide fraction column's header.
        wide: String,
    },
    /// A timed fraction's window that cannot be used: reversed (`8_2h`) or empty (`2_2h`).
    #[error("column {column} ({header:?}): {problem}")]
    FractionWindow {
        /// 1-based column number (the fraction's first column).
        column: usize,
        /// The header as written.
        header: String,
        /// What is wrong with the window.
        problem: WindowError,
    },
    /// Two timed fractions whose windows are the same (`0_2h` and `00_02h`) or overlap
    /// (`0_4h` and `2_6h`): their urine would be summed twice.
    #[error("{first} and {second}: {problem}")]
    FractionWindows {
        /// The first fraction's first column (`column 2 ("urine_lactulose_0_2h")`).
        first: String,
        /// The second's.
        second: String,
        /// The clash.
        problem: WindowProblem,
    },
}

/// A column map that cannot be read.
///
/// ```
/// use lmr::batch::{ColumnMap, ColumnMapError};
/// let e = ColumnMap::from_toml_str("[columns]\n\"LAC\" = \"urine_lacto\"\n", "map.toml").unwrap_err();
/// assert!(matches!(e, ColumnMapError::Format { .. }));
/// assert!(e.to_string().starts_with(r#"map.toml: "LAC": unknown field "urine_lacto""#));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnMapError {
    /// The file cannot be read.
    #[error("{path}: {error}")]
    Io {
        /// The path.
        path: String,
        /// The cause (printed in the message, so not also a `source()`).
        error: std::io::Error,
    },
    /// Not valid TOML or not the map format.
    #[error("{path}: {problem}")]
    Format {
        /// The path.
        path: String,
        /// What is wrong, with the entry and line it is in.
        problem: MapProblem,
    },
}

/// What is wrong with a column map's text: each variant carries the entry, the value and,
/// where known, the 1-based line of the map it is written on.
///
/// ```
/// use lmr::batch::{ColumnMap, ColumnMapError, MapProblem};
///
/// let err = ColumnMap::from_toml_str("[columns]\n\"LAC\" = \"urine_sugar\"\n", "m.toml")
///     .unwrap_err();
/// let ColumnMapError::Format { problem, .. } = err else { panic!("{err}") };
/// assert!(matches!(&problem, MapProblem::UnknownField { name, .. } if name == "urine_sugar"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MapProblem {
    /// The text is not TOML, or has a key the map format does not know (the TOML parser's
    /// own message).
    #[error("{}{message}", LineOf(*line))]
    Toml {
        /// Where the parser stopped.
        line: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// `decimal` is neither `"."` nor `","`.
    #[error("{}decimal = {value:?}: expected \".\" or \",\"", LineOf(*line))]
    Decimal {
        /// The line of `decimal = ...`.
        line: Option<usize>,
        /// The value given.
        value: String,
    },
    /// A column entry's table has a key other than `field` and `unit` (`factor = 250`).
    #[error("{header:?}{}: unknown key {key:?} in a column entry (expected `field` and, optionally, `unit`)", AtLine(*line))]
    EntryKey {
        /// The lab's header.
        header: String,
        /// The entry's line.
        line: Option<usize>,
        /// The unknown key.
        key: String,
    },
    /// `field` or `unit` is not a string.
    #[error("{header:?}{}: `{key}` must be a string, not {found}", AtLine(*line))]
    EntryNotText {
        /// The lab's header.
        header: String,
        /// The entry's line.
        line: Option<usize>,
        /// `field` or `unit`.
        key: String,
        /// The TOML type given (`integer`, `array`, ...).
        found: &'static str,
    },
    /// A column entry's table has no `field`.
    #[error("{header:?}{}: the entry has no `field`", AtLine(*line))]
    EntryNoField {
        /// The lab's header.
        header: String,
        /// The entry's line.
        line: Option<usize>,
    },
    /// A header maps to a name lmr does not read.
    #[error(
        "{key:?}: unknown field {name:?} (expected one of {})",
        canonical_list()
    )]
    UnknownField {
        /// The header (under `[columns]`) or the key (under `[values]`).
        key: String,
        /// The unknown field name.
        name: String,
    },
    /// A unit column (`urine_lactulose_unit`) was given a unit of its own.
    #[error("{header:?}: a unit column takes no unit")]
    UnitColumnWithUnit {
        /// The lab's header.
        header: String,
    },
    /// The unit is not one the field is measured in.
    #[error("{header:?}: unit {unit:?} is not a unit of {field} (expected one of {})", expected_units(*kind))]
    Unit {
        /// The lab's header.
        header: String,
        /// The unit given.
        unit: String,
        /// The field's canonical name.
        field: String,
        /// What the field measures.
        kind: UnitKind,
    },
    /// Two entries name the same header (case and surrounding spaces ignored).
    #[error("{header:?} is mapped twice")]
    MappedTwice {
        /// The lab's header.
        header: String,
    },
}

/// `line N: ` before a message when the line is known.
struct LineOf(Option<usize>);

impl fmt::Display for LineOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "line {n}: "),
            None => Ok(()),
        }
    }
}

/// ` (line N)` after an entry's header when the line is known.
struct AtLine(Option<usize>);

impl fmt::Display for AtLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, " (line {n})"),
            None => Ok(()),
        }
    }
}

/// One entry of a column map: the lab's header mapped to a field, with an optional unit.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum MapEntry {
    /// `"LAC" = "urine_lactulose"`
    Name(String),
    /// `"LAC" = { field = "urine_lactulose", unit = "mg/L" }`: read as a table so that a key
    /// other than `field` and `unit` (`factor = 250`) is an error, never dropped in silence.
    Full(toml::Table),
}

/// The 1-based line of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    1 + text
        .as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
}

/// The 1-based line where the column-map entry for `header` is written, for messages: the
/// first line whose key is `header` (quoted or bare), else the first line that names it.
fn entry_line(text: &str, header: &str) -> Option<usize> {
    let is_key = |l: &str| {
        let l = l.trim_start();
        let rest = ["\"", "'"]
            .iter()
            .find_map(|q| l.strip_prefix(q)?.strip_prefix(header)?.strip_prefix(q))
            .or_else(|| l.strip_prefix(header));
        rest.is_some_and(|r| r.trim_start().starts_with('='))
    };
    text.lines()
        .position(is_key)
        .or_else(|| text.lines().position(|l| l.contains(header)))
        .map(|i| i + 1)
}

/// The `field` and `unit` of a table entry; any other key is an error naming it.
fn full_entry(
    table: toml::Table,
    header: &str,
    text: &str,
) -> Result<(String, Option<String>), MapProblem> {
    let line = entry_line(text, header);
    let mut field = None;
    let mut unit = None;
    for (key, value) in table {
        let slot = match key.as_str() {
            "field" => &mut field,
            "unit" => &mut unit,
            _ => {
                return Err(MapProblem::EntryKey {
                    header: header.to_string(),
                    line,
                    key,
                });
            }
        };
        match value {
            toml::Value::String(v) => *slot = Some(v),
            other => {
                return Err(MapProblem::EntryNotText {
                    header: header.to_string(),
                    line,
                    key,
                    found: other.type_str(),
                });
            }
        }
    }
    let field = field.ok_or_else(|| MapProblem::EntryNoField {
        header: header.to_string(),
        line,
    })?;
    Ok((field, unit))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    /// The decimal separator of the numbers: `"."` (the default) or `","`.
    #[serde(default)]
    decimal: Option<String>,
    #[serde(default)]
    columns: BTreeMap<String, MapEntry>,
    #[serde(default)]
    values: BTreeMap<String, String>,
}

/// A column map (`--columns MAP.toml`): a lab export's own headers mapped onto the canonical
/// fields, with units, and fixed values for fields the export does not have.
///
/// ```toml
/// [columns]
/// "LACT_UR"  = { field = "urine_lactulose", unit = "mg/dL" }
/// "Volume"   = { field = "urine_volume", unit = "mL" }
/// "Sex"      = "sex"
///
/// [values]               # the same for every row
/// zonulin_matrix = "serum"
/// lactulose_dose = "5 g"
/// ```
///
/// # Example
/// ```
/// use lmr::batch::{ColumnMap, Field};
/// let map = ColumnMap::from_toml_str(r#"
/// [columns]
/// "LAC" = { field = "urine_lactulose", unit = "mg/dL" }
/// [values]
/// zonulin_matrix = "serum"
/// "#, "map.toml")?;
/// assert_eq!(map.fixed_value(Field::ZonulinMatrix), Some("serum"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ColumnMap {
    /// (lab header, target, unit) in file order.
    columns: Vec<(String, Target, Option<Unit>)>,
    /// (lab header, target) of per-row unit columns.
    unit_columns: Vec<(String, Target)>,
    /// Fixed values per field.
    values: Vec<Option<String>>,
    /// The column naming a long-format row's sample (`--sample-id`), instead of `sample_id`.
    sample_id: Option<String>,
    /// Every header the map names (columns and unit columns), with its line in the map: each
    /// must be in the file.
    declared: Vec<(String, Option<usize>)>,
    /// Numbers are written with a decimal comma (`decimal = ","`, `--decimal-comma`).
    decimal_comma: bool,
}

/// Which part of a timed fraction a column gives.
///
/// ```
/// use lmr::batch::{ColumnMap, FractionPart, Layout};
/// let layout = Layout::resolve(&["urine_volume_0_2h [mL]", "urine_mannitol_0_2h [mg/L]"], &ColumnMap::default())?;
/// let f = &layout.fractions()[0];
/// assert!(f.slot(FractionPart::Volume).is_some());
/// assert!(f.slot(FractionPart::Urine(lmr::Sugar::Mannitol)).is_some());
/// assert!(f.slot(FractionPart::Urine(lmr::Sugar::Lactulose)).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FractionPart {
    /// The fraction's urine volume (`urine_volume_0_2h`).
    Volume,
    /// A sugar's urine concentration in the fraction (`urine_lactulose_0_2h`).
    Urine(Sugar),
}

impl FractionPart {
    fn field(self) -> Field {
        match self {
            FractionPart::Volume => Field::UrineVolume,
            FractionPart::Urine(s) => Field::Urine(s),
        }
    }
}

/// What a column name stands for.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Target {
    Field(Field),
    Fraction { label: String, part: FractionPart },
}

impl Target {
    pub(super) fn unit_kind(&self) -> UnitKind {
        match self {
            Target::Field(f) => f.unit_kind(),
            Target::Fraction { part, .. } => part.field().unit_kind(),
        }
    }

    pub(super) fn name(&self) -> String {
        match self {
            Target::Field(f) => f.name().to_string(),
            Target::Fraction { label, part } => format!("{}_{label}", part.field().name()),
        }
    }

    /// A canonical name: a field, or a field with a fraction suffix (`urine_lactulose_0_2h`).
    pub(super) fn parse(name: &str) -> Option<Target> {
        let name = name.trim();
        if let Some(f) = Field::from_name(name) {
            return Some(Target::Field(f));
        }
        let (base, label) = split_fraction(name)?;
        let part = match Field::from_name(base)? {
            Field::UrineVolume => FractionPart::Volume,
            Field::Urine(s) => FractionPart::Urine(s),
            _ => return None,
        };
        Some(Target::Fraction {
            label: label.to_ascii_lowercase(),
            part,
        })
    }
}

/// Splits `<base>_<a>_<b>h` into the base and the fraction label `<a>_<b>h` (`a`, `b` numbers).
fn split_fraction(name: &str) -> Option<(&str, &str)> {
    let body = name.strip_suffix('h').or_else(|| name.strip_suffix('H'))?;
    let (rest, b) = body.rsplit_once('_')?;
    let (base, a) = rest.rsplit_once('_')?;
    let number = |t: &str| {
        !t.is_empty()
            && t.bytes().any(|c| c.is_ascii_digit())
            && t.bytes().all(|c| c.is_ascii_digit() || c == b'.')
    };
    if base.is_empty() || !number(a) || !number(b) {
        return None;
    }
    Some((base, &name[base.len() + 1..]))
}

/// What a `<name>_unit` column gives the unit of.
fn unit_column_target(name: &str) -> Option<Target> {
    let name = name.trim();
    let cut = name.len().checked_sub("_unit".len())?;
    let (field, suffix) = (name.get(..cut)?, name.get(cut..)?);
    if !suffix.eq_ignore_ascii_case("_unit") {
        return None;
    }
    Target::parse(field).filter(|t| t.unit_kind() != UnitKind::None)
}

impl ColumnMap {
    /// Reads a map from a TOML file.
    ///
    /// # Errors
    /// [`ColumnMapError`] when the file cannot be read or is not a valid map.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, ColumnMapError, Field};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("map.toml");
    /// std::fs::write(&path, "[values]\nlactulose_dose = \"5 g\"\n")?;
    /// let map = ColumnMap::from_path(&path)?;
    /// assert_eq!(map.fixed_value(Field::Dose(lmr::Sugar::Lactulose)), Some("5 g"));
    /// let missing = ColumnMap::from_path(&dir.path().join("absent.toml"));
    /// assert!(matches!(missing, Err(ColumnMapError::Io { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_path(path: &Path) -> Result<ColumnMap, ColumnMapError> {
        // A regular file only (a FIFO would block), of bounded size.
        let limit = crate::reference::MAX_RANGE_FILE_BYTES;
        let text = crate::files::read_regular(path, limit, "a column map").map_err(|e| {
            ColumnMapError::Io {
                path: path.display().to_string(),
                error: e.into_io(),
            }
        })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// Reads a map from TOML text; `origin` names it in errors.
    ///
    /// A header may map to any canonical name, including a timed fraction's
    /// (`urine_lactulose_0_2h`); `[values]` fix fields (not fraction columns) for every row.
    ///
    /// # Errors
    /// [`ColumnMapError::Format`] for invalid TOML, an unknown field name, a unit the field does
    /// not take, or a header mapped twice.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Layout, Unit};
    /// use lmr::units::ConcentrationUnit;
    /// let map = ColumnMap::from_toml_str("decimal = \",\"\n[columns]\n\"LAC\" = { field = \"urine_lactulose\", unit = \"mg/dL\" }\n", "map.toml")?;
    /// assert!(map.decimal_comma());
    /// let layout = Layout::resolve(&["LAC"], &map)?;
    /// let slot = layout.slot(lmr::batch::Field::Urine(lmr::Sugar::Lactulose)).unwrap();
    /// assert_eq!(slot.unit, Some(Unit::Concentration(ConcentrationUnit::MgPerDl)));
    /// // a key other than `field` and `unit` is refused, not dropped
    /// assert!(ColumnMap::from_toml_str("[columns]\nLAC = { field = \"urine_lactulose\", factor = 2 }\n", "m").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_toml_str(text: &str, origin: &str) -> Result<ColumnMap, ColumnMapError> {
        let bad = |problem: MapProblem| ColumnMapError::Format {
            path: origin.to_string(),
            problem,
        };
        let file: MapFile = toml::from_str(text).map_err(|e| {
            bad(MapProblem::Toml {
                line: e.span().map(|r| line_at(text, r.start)),
                message: e.message().trim_end().to_string(),
            })
        })?;
        let unknown = |name: &str, key: &str| {
            bad(MapProblem::UnknownField {
                key: key.to_string(),
                name: name.to_string(),
            })
        };
        let mut map = ColumnMap {
            values: vec![None; Field::COUNT],
            ..ColumnMap::default()
        };
        map.decimal_comma = match file.decimal.as_deref().map(str::trim) {
            None | Some(".") => false,
            Some(",") => true,
            Some(other) => {
                return Err(bad(MapProblem::Decimal {
                    line: text
                        .lines()
                        .position(|l| l.trim_start().starts_with("decimal"))
                        .map(|n| n + 1),
                    value: other.to_string(),
                }));
            }
        };
        for (header, entry) in file.columns {
            map.declared
                .push((header.clone(), entry_line(text, &header)));
            let (name, unit) = match entry {
                MapEntry::Name(n) => (n, None),
                MapEntry::Full(table) => full_entry(table, &header, text).map_err(&bad)?,
            };
            if let Some(t) = unit_column_target(&name).filter(|_| Target::parse(&name).is_none()) {
                if unit.is_some() {
                    return Err(bad(MapProblem::UnitColumnWithUnit { header }));
                }
                map.unit_columns.push((header, t));
                continue;
            }
            let t = Target::parse(&name).ok_or_else(|| unknown(&name, &header))?;
            let unit = match unit {
                None => None,
                Some(u) => match Unit::parse(t.unit_kind(), &u) {
                    Some(unit) => Some(unit),
                    None => {
                        return Err(bad(MapProblem::Unit {
                            field: t.name(),
                            kind: t.unit_kind(),
                            header,
                            unit: u,
                        }));
                    }
                },
            };
            if map
                .columns
                .iter()
                .any(|(h, _, _)| h.trim().eq_ignore_ascii_case(header.trim()))
            {
                return Err(bad(MapProblem::MappedTwice { header }));
            }
            map.columns.push((header, t, unit));
        }
        for (name, value) in file.values {
            let f = Field::from_name(&name).ok_or_else(|| unknown(&name, &name))?;
            map.values[f.index()] = Some(value);
        }
        Ok(map)
    }

    /// Reads the sample id of long-format fraction rows from the column `header` (`--sample-id`)
    /// instead of the column `sample_id` (which then passes through like any other column).
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Field, Layout};
    /// let mut map = ColumnMap::default();
    /// map.set_sample_id("Patient");
    /// assert_eq!(map.sample_id(), Some("Patient"));
    /// let layout = Layout::resolve(&["Patient", "fraction", "urine_lactulose [mg/L]"], &map)?;
    /// assert!(layout.is_long() && layout.slot(Field::SampleId).is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_sample_id(&mut self, header: &str) {
        self.sample_id = Some(header.to_string());
    }

    /// Reads numbers with a decimal comma (`9,21` is 9.21; `--decimal-comma`, or `decimal =
    /// ","` at the top of the map). A number with a point is then refused: thousands separators
    /// are never read.
    ///
    /// ```
    /// let mut map = lmr::ColumnMap::default();
    /// map.set_decimal_comma(true);
    /// let layout = lmr::batch::Layout::resolve(&["urine_volume [mL]"], &map)?;
    /// assert!(layout.decimal_comma()); // the layout reads `1250,5` as 1250.5 mL
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_decimal_comma(&mut self, on: bool) {
        self.decimal_comma = on;
    }

    /// Whether numbers are read with a decimal comma ([`ColumnMap::set_decimal_comma`]).
    ///
    /// ```
    /// let map = lmr::ColumnMap::from_toml_str("decimal = \",\"\n", "map.toml")?;
    /// assert!(map.decimal_comma());
    /// assert!(!lmr::ColumnMap::default().decimal_comma()); // a decimal point by default
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decimal_comma(&self) -> bool {
        self.decimal_comma
    }

    /// The column set with [`ColumnMap::set_sample_id`].
    ///
    /// ```
    /// let mut map = lmr::ColumnMap::default();
    /// assert_eq!(map.sample_id(), None); // the column `sample_id` is read
    /// map.set_sample_id("subject");
    /// assert_eq!(map.sample_id(), Some("subject"));
    /// ```
    pub fn sample_id(&self) -> Option<&str> {
        self.sample_id.as_deref()
    }

    /// The fixed value for a field, if the map sets one.
    ///
    /// ```
    /// use lmr::batch::Field;
    /// let map = lmr::ColumnMap::from_toml_str("[values]\ncollection = \"5 h\"\n", "map.toml")?;
    /// assert_eq!(map.fixed_value(Field::Collection), Some("5 h"));
    /// assert_eq!(map.fixed_value(Field::Age), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fixed_value(&self, field: Field) -> Option<&str> {
        self.values.get(field.index())?.as_deref()
    }

    fn lookup_unit_column(&self, header: &str) -> Option<Target> {
        let h = header.trim();
        self.unit_columns
            .iter()
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(h))
            .map(|(_, t)| t.clone())
    }

    fn lookup(&self, header: &str) -> Option<(Target, Option<Unit>)> {
        let h = header.trim();
        self.columns
            .iter()
            .find(|(name, _, _)| name.trim().eq_ignore_ascii_case(h))
            .map(|(_, t, u)| (t.clone(), *u))
    }
}

fn canonical_list() -> String {
    let sugars: Vec<&str> = Sugar::ALL.iter().map(|s| s.key()).collect();
    let others: Vec<&str> = OTHERS.iter().map(|f| f.name()).collect();
    format!(
        "urine_<sugar>, urine_volume, <sugar>_dose, <sugar>_dose_form, baseline_<sugar>, <sugar>_solution, {}, and urine_<sugar>_<a>_<b>h / urine_volume_<a>_<b>h for timed fractions (sugars: {})",
        others.join(", "),
        sugars.join(", ")
    )
}

/// Where a field's value comes from.
///
/// ```
/// use lmr::batch::{ColumnMap, Field, Layout, Source};
/// let map = ColumnMap::from_toml_str("[values]\nsex = \"F\"\n", "map.toml")?;
/// let layout = Layout::resolve(&["id", "age [y]"], &map)?;
/// assert_eq!(layout.slot(Field::Age).unwrap().source, Source::Column { index: 1, header: "age [y]".into() });
/// assert_eq!(layout.slot(Field::Sex).unwrap().source, Source::Fixed("F".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A column: its 0-based index and the header as written.
    Column {
        /// 0-based index.
        index: usize,
        /// The header, as written (for messages).
        header: String,
    },
    /// A fixed value from the column map.
    Fixed(String),
}

/// How one field is read.
///
/// ```
/// use lmr::batch::{ColumnMap, Field, Layout, Unit};
/// let layout = Layout::resolve(&["urine_volume", "urine_volume_unit"], &ColumnMap::default())?;
/// let slot = layout.slot(Field::UrineVolume).unwrap();
/// assert_eq!((slot.unit, slot.unit_column), (None, Some(1))); // the unit is read per row
/// assert_eq!(slot.unit_header.as_deref(), Some("urine_volume_unit"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// Where the value comes from.
    pub source: Source,
    /// The unit of bare numbers (from the header's brackets or the map).
    pub unit: Option<Unit>,
    /// A per-row unit column (`<name>_unit`), 0-based.
    pub unit_column: Option<usize>,
    /// The unit column's header, as written.
    pub unit_header: Option<String>,
}

impl Slot {
    /// The column name used in messages: the header as written, or `[values] <field>`.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Field, Layout};
    /// let map = ColumnMap::from_toml_str("[values]\nsex = \"F\"\n", "map.toml")?;
    /// let layout = Layout::resolve(&["Age (y)", "age [y]"], &map)?;
    /// assert_eq!(layout.slot(Field::Age).unwrap().label(Field::Age), "age [y]");
    /// assert_eq!(layout.slot(Field::Sex).unwrap().label(Field::Sex), "sex (column map [values])");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn label(&self, field: Field) -> String {
        match &self.source {
            Source::Column { header, .. } => header.clone(),
            Source::Fixed(_) => format!("{} (column map [values])", field.name()),
        }
    }
}

/// The resolved header: per field, where it is read from.
///
/// ```
/// use lmr::batch::{ColumnMap, Field, Layout};
/// let layout = Layout::resolve(&["id", "urine_mannitol [mg/L]", "note"], &ColumnMap::default())?;
/// assert_eq!(layout.slot(Field::Urine(lmr::Sugar::Mannitol)).map(|s| s.label(Field::Urine(lmr::Sugar::Mannitol))), Some("urine_mannitol [mg/L]".into()));
/// assert!(layout.slot(Field::UrineVolume).is_none()); // `id` and `note` pass through
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Layout {
    slots: Vec<Option<Slot>>,
    fractions: Vec<FractionSlots>,
    /// The sugars with a urine, baseline, dose, dose-form or solution column (or fixed value).
    sugars: Vec<Sugar>,
    width: usize,
    /// Columns not read that look like inputs.
    warnings: Vec<HeaderWarning>,
    /// Numbers are written with a decimal comma.
    decimal_comma: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            slots: vec![None; Field::COUNT],
            fractions: Vec::new(),
            sugars: Vec::new(),
            width: 0,
            warnings: Vec::new(),
            decimal_comma: false,
        }
    }
}

/// The columns of one timed fraction given in the header (wide format: `urine_lactulose_0_2h`,
/// `urine_volume_0_2h`).
///
/// ```
/// use lmr::batch::{ColumnMap, Layout};
/// let layout = Layout::resolve(&["urine_volume_2_8H [mL]", "urine_lactulose_2_8h [mg/L]"], &ColumnMap::default())?;
/// let f = &layout.fractions()[0];
/// assert_eq!(f.label, "2_8h"); // lower case
/// assert!(f.volume.is_some() && f.window.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct FractionSlots {
    /// The fraction's label as written in the header, lower case (`0_2h`); the suffix of its
    /// result columns.
    pub label: String,
    /// The fraction's urine volume column.
    pub volume: Option<Slot>,
    /// Each sugar's urine concentration column.
    pub urine: SugarMap<Slot>,
    /// The window the label stands for (`0_2h`: 0–2 h); `None` only before the header is
    /// resolved.
    pub window: Option<Window>,
}

impl FractionSlots {
    /// The slot of one part.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, FractionPart, Layout};
    /// let layout = Layout::resolve(&["urine_lactulose_0_2h [mg/L]"], &ColumnMap::default())?;
    /// let f = &layout.fractions()[0];
    /// assert!(f.slot(FractionPart::Urine(lmr::Sugar::Lactulose)).is_some());
    /// assert!(f.slot(FractionPart::Volume).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn slot(&self, part: FractionPart) -> Option<&Slot> {
        match part {
            FractionPart::Volume => self.volume.as_ref(),
            FractionPart::Urine(s) => self.urine.get(s),
        }
    }

    fn slot_mut(&mut self, part: FractionPart) -> &mut Option<Slot> {
        match part {
            FractionPart::Volume => &mut self.volume,
            FractionPart::Urine(s) => self.urine.slot_mut(s),
        }
    }

    /// The fraction's leftmost column: its 0-based index and header as written.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Layout};
    /// let header = ["id", "urine_mannitol_0_2h", "urine_volume_0_2h"];
    /// let layout = Layout::resolve(&header, &ColumnMap::default())?;
    /// assert_eq!(layout.fractions()[0].first_column(), Some((1, "urine_mannitol_0_2h")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn first_column(&self) -> Option<(usize, &str)> {
        self.volume
            .iter()
            .chain(self.urine.iter().map(|(_, s)| s))
            .filter_map(|s| match &s.source {
                Source::Column { index, header } => Some((*index, header.as_str())),
                Source::Fixed(_) => None,
            })
            .min_by_key(|(i, _)| *i)
    }

    /// `column 2 ("urine_lactulose_0_2h")`, for messages.
    fn describe(&self) -> String {
        self.first_column().map_or_else(
            || self.label.clone(),
            |(i, h)| format!("column {} ({h:?})", i + 1),
        )
    }
}

/// Reads each wide fraction's window from its label, and refuses a reversed or empty window and
/// two fractions whose windows are the same (`0_2h` beside `00_02h`) or overlap (`0_4h` beside
/// `2_6h`): header problems, since every row would have them.
fn check_windows(fractions: &mut [FractionSlots]) -> Result<(), HeaderError> {
    for f in fractions.iter_mut() {
        let window = Window::parse(&f.label).map_err(|problem| {
            let (index, header) = f.first_column().unwrap_or((0, ""));
            HeaderError::FractionWindow {
                column: index + 1,
                header: header.to_string(),
                problem,
            }
        })?;
        f.window = Some(window);
    }
    for (j, later) in fractions.iter().enumerate() {
        for earlier in &fractions[..j] {
            let (Some(a), Some(b)) = (earlier.window, later.window) else {
                continue;
            };
            if let Some(problem) = b.problem_beside(a) {
                return Err(HeaderError::FractionWindows {
                    first: earlier.describe(),
                    second: later.describe(),
                    problem,
                });
            }
        }
    }
    Ok(())
}

/// Splits `name [unit]` into the name and the unit text.
fn split_header(header: &str) -> (&str, Option<&str>) {
    let h = header.trim();
    if let Some(open) = h.find('[') {
        if let Some(inner) = h[open + 1..].strip_suffix(']') {
            return (h[..open].trim(), Some(inner.trim()));
        }
    }
    (h, None)
}

/// The first few header fields, quoted, for messages.
fn quoted_fields<S: AsRef<str>>(header: &[S]) -> String {
    let mut found = header
        .iter()
        .take(12)
        .map(|h| format!("{:?}", h.as_ref()))
        .collect::<Vec<_>>()
        .join(", ");
    if header.len() > 12 {
        found.push_str(&format!(" and {} more", header.len() - 12));
    }
    found
}

fn column_slot(index: usize, header: &str, unit: Option<Unit>) -> Slot {
    Slot {
        source: Source::Column {
            index,
            header: header.to_string(),
        },
        unit,
        unit_column: None,
        unit_header: None,
    }
}

impl Layout {
    /// Resolves a header row (UTF-8 decoded lossily) against the canonical names and `map`.
    ///
    /// # Errors
    /// [`HeaderError`] for an unknown unit in brackets, a field given twice, or a header in
    /// which nothing is recognised; [`HeaderError::SampleIdNotFound`] when the map's
    /// [`ColumnMap::set_sample_id`] column is missing; for a `fraction` column without a sample
    /// id column ([`HeaderError::NoSampleId`]) or together with fraction columns in the header
    /// ([`HeaderError::FractionsBothWays`]).
    ///
    /// # Examples
    /// ```
    /// use lmr::batch::{ColumnMap, Field, Layout};
    /// let header = ["id", "urine_volume [mL]", "urine_lactulose", "urine_lactulose_unit"];
    /// let layout = Layout::resolve(&header, &ColumnMap::default())?;
    /// assert_eq!(layout.width(), 4);
    /// assert!(layout.slot(Field::UrineVolume).is_some());
    /// assert_eq!(layout.slot(Field::Urine(lmr::sugar::Sugar::Lactulose)).unwrap().unit_column, Some(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// Timed fractions in the header (wide format), and a long-format sample id column:
    /// ```
    /// use lmr::batch::{ColumnMap, Field, Layout};
    /// let header = ["patient", "urine_lactulose_0_2h [mg/L]", "urine_volume_0_2h [mL]", "urine_lactulose_2_8h [mg/L]"];
    /// let mut map = ColumnMap::default();
    /// map.set_sample_id("patient");
    /// let layout = Layout::resolve(&header, &map)?;
    /// let labels: Vec<&str> = layout.fractions().iter().map(|f| f.label.as_str()).collect();
    /// assert_eq!(labels, ["0_2h", "2_8h"]);
    /// assert!(layout.slot(Field::SampleId).is_some());
    /// assert!(!layout.is_long()); // no `fraction` column
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve<S: AsRef<str>>(header: &[S], map: &ColumnMap) -> Result<Layout, HeaderError> {
        let sample_id = map.sample_id();
        let mut layout = Layout {
            width: header.len(),
            decimal_comma: map.decimal_comma(),
            ..Layout::default()
        };
        let mut unit_columns: Vec<(Target, usize)> = Vec::new();
        for (index, raw) in header.iter().enumerate() {
            let raw = raw.as_ref();
            let column = index + 1;
            let chosen_id = sample_id.is_some_and(|id| id.trim().eq_ignore_ascii_case(raw.trim()));
            let (target, unit) = if chosen_id {
                (Target::Field(Field::SampleId), None)
            } else if let Some((t, u)) = map.lookup(raw) {
                (t, u)
            } else {
                let (name, unit_text) = split_header(raw);
                if let Some(t) = Target::parse(name) {
                    let unit = match unit_text {
                        None | Some("") => None,
                        Some(_) if t.unit_kind() == UnitKind::None => {
                            return Err(HeaderError::UnitNotAllowed {
                                column,
                                header: raw.to_string(),
                                field: match &t {
                                    Target::Field(f) => *f,
                                    Target::Fraction { part, .. } => part.field(),
                                },
                            });
                        }
                        Some(u) => Some(Unit::parse(t.unit_kind(), u).ok_or_else(|| {
                            HeaderError::UnknownUnit {
                                column,
                                header: raw.to_string(),
                                unit: u.to_string(),
                                field: match &t {
                                    Target::Field(f) => *f,
                                    Target::Fraction { part, .. } => part.field(),
                                },
                                expected: expected_units(t.unit_kind()),
                            }
                        })?),
                    };
                    (t, unit)
                } else if let Some(t) = map
                    .lookup_unit_column(raw)
                    .or_else(|| unit_column_target(name))
                {
                    if let Some((_, first)) = unit_columns.iter().find(|(u, _)| *u == t) {
                        return Err(HeaderError::DuplicateColumn {
                            name: format!("{}_unit", t.name()),
                            first: format!(
                                "unit column {} ({:?})",
                                first + 1,
                                header[*first].as_ref()
                            ),
                            second: format!("unit column {column} ({raw:?})"),
                        });
                    }
                    unit_columns.push((t, index));
                    continue;
                } else {
                    // Not read: say so if it looks like an input (one warning per column).
                    if let Some(near) = super::near_miss::near_miss(raw) {
                        layout.warnings.push(HeaderWarning {
                            column,
                            header: raw.to_string(),
                            near,
                        });
                    }
                    continue;
                }
            };
            // With --sample-id, a column named `sample_id` is just another column.
            if target == Target::Field(Field::SampleId) && sample_id.is_some() && !chosen_id {
                continue;
            }
            let slot = column_slot(index, raw, unit);
            match target {
                Target::Field(field) => {
                    if let Some(Slot {
                        source:
                            Source::Column {
                                index: first,
                                header: h,
                            },
                        ..
                    }) = &layout.slots[field.index()]
                    {
                        return Err(HeaderError::Duplicate {
                            field,
                            first: format!("column {} ({h:?})", first + 1),
                            second: format!("column {column} ({raw:?})"),
                        });
                    }
                    layout.slots[field.index()] = Some(slot);
                }
                Target::Fraction { label, part } => {
                    let at = match layout.fractions.iter().position(|f| f.label == label) {
                        Some(at) => at,
                        None => {
                            layout.fractions.push(FractionSlots {
                                label: label.clone(),
                                ..FractionSlots::default()
                            });
                            layout.fractions.len() - 1
                        }
                    };
                    let place = layout.fractions[at].slot_mut(part);
                    if let Some(Slot {
                        source:
                            Source::Column {
                                index: first,
                                header: h,
                            },
                        ..
                    }) = place
                    {
                        return Err(HeaderError::DuplicateColumn {
                            name: format!("{}_{label}", part.field().name()),
                            first: format!("column {} ({h:?})", *first + 1),
                            second: format!("column {column} ({raw:?})"),
                        });
                    }
                    *place = Some(slot);
                }
            }
        }
        for f in Field::all() {
            if let Some(value) = map.fixed_value(f) {
                if let Some(slot) = &layout.slots[f.index()] {
                    return Err(HeaderError::Duplicate {
                        field: f,
                        first: format!("column {:?}", slot.label(f)),
                        second: "the column map's [values]".into(),
                    });
                }
                layout.slots[f.index()] = Some(Slot {
                    source: Source::Fixed(value.to_string()),
                    unit: None,
                    unit_column: None,
                    unit_header: None,
                });
            }
        }
        for (target, u) in unit_columns {
            let slot = match &target {
                Target::Field(f) => layout.slots[f.index()].as_mut(),
                Target::Fraction { label, part } => layout
                    .fractions
                    .iter_mut()
                    .find(|f| f.label == *label)
                    .and_then(|f| f.slot_mut(*part).as_mut()),
            };
            if let Some(slot) = slot {
                slot.unit_column = Some(u);
                slot.unit_header = Some(header[u].as_ref().to_string());
            }
        }
        layout.sugars = Sugar::ALL
            .iter()
            .copied()
            .filter(|&s| {
                [
                    Field::Urine(s),
                    Field::Baseline(s),
                    Field::Dose(s),
                    Field::DoseForm(s),
                    Field::Solution(s),
                ]
                .iter()
                .any(|&f| layout.slot(f).is_some())
            })
            .collect();
        check_windows(&mut layout.fractions)?;
        if let Some(id) = sample_id {
            if layout.slot(Field::SampleId).is_none() {
                return Err(HeaderError::SampleIdNotFound(id.to_string()));
            }
        }
        if let Some(fraction) = layout.slot(Field::Fraction) {
            let label = fraction.label(Field::Fraction);
            if layout.slot(Field::SampleId).is_none() {
                return Err(HeaderError::NoSampleId { fraction: label });
            }
            if let Some(wide) = layout
                .fractions
                .iter()
                .flat_map(|f| f.volume.iter().chain(f.urine.iter().map(|(_, s)| s)))
                .next()
            {
                return Err(HeaderError::FractionsBothWays {
                    fraction: label,
                    wide: wide.label(Field::UrineVolume),
                });
            }
        }
        for (name, line) in &map.declared {
            if !header
                .iter()
                .any(|h| h.as_ref().trim().eq_ignore_ascii_case(name.trim()))
            {
                return Err(HeaderError::MapHeaderAbsent {
                    header: name.clone(),
                    line: *line,
                    found: quoted_fields(header),
                });
            }
        }
        let any_column = layout
            .slots
            .iter()
            .flatten()
            .filter(|s| !matches!(s.source, Source::Fixed(_)))
            .count()
            > usize::from(layout.slot(Field::SampleId).is_some())
            || !layout.fractions.is_empty();
        if !any_column {
            let found = quoted_fields(header);
            let hint = if header.len() == 1 && header[0].as_ref().contains([';', '\t', '|']) {
                "; the header is one field: is the delimiter another character (--delimiter ';')?"
            } else {
                ""
            };
            return Err(HeaderError::NothingRecognised {
                found,
                canonical: canonical_list(),
                hint,
            });
        }
        Ok(layout)
    }

    /// How a field is read, if the input has it.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Field, Layout};
    /// let layout = Layout::resolve(&["id", "vitamin_d [ng/mL]"], &ColumnMap::default())?;
    /// assert!(layout.slot(Field::VitaminD).is_some());
    /// assert!(layout.slot(Field::Zonulin).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn slot(&self, field: Field) -> Option<&Slot> {
        self.slots.get(field.index())?.as_ref()
    }

    /// The sugars the rows have a column (or fixed value) for: urine, baseline, dose or form.
    ///
    /// ```
    /// use lmr::{batch::Layout, ColumnMap, Sugar};
    /// let header = ["urine_rhamnose [mg/L]", "lactulose_dose [g]", "vitamin_d"];
    /// let layout = Layout::resolve(&header, &ColumnMap::default())?;
    /// assert_eq!(layout.sugars(), [Sugar::Lactulose, Sugar::Rhamnose]); // in Sugar::ALL order
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sugars(&self) -> &[Sugar] {
        &self.sugars
    }

    /// The timed fractions given in the header (wide format), in header order.
    ///
    /// ```
    /// use lmr::{batch::Layout, ColumnMap};
    /// let header = ["urine_lactulose_2_5h", "urine_lactulose_0_2h", "urine_lactulose"];
    /// let layout = Layout::resolve(&header, &ColumnMap::default())?;
    /// let labels: Vec<_> = layout.fractions().iter().map(|f| f.label.as_str()).collect();
    /// assert_eq!(labels, ["2_5h", "0_2h"]); // header order; `urine_lactulose` is no fraction
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fractions(&self) -> &[FractionSlots] {
        &self.fractions
    }

    /// Whether rows are timed fractions of samples (long format: a `fraction` column and a
    /// sample id column).
    ///
    /// ```
    /// use lmr::{batch::Layout, ColumnMap};
    /// let long = Layout::resolve(&["sample_id", "fraction", "urine_lactulose"], &ColumnMap::default())?;
    /// let wide = Layout::resolve(&["sample_id", "urine_lactulose"], &ColumnMap::default())?;
    /// assert!(long.is_long() && !wide.is_long());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_long(&self) -> bool {
        self.slot(Field::Fraction).is_some() && self.slot(Field::SampleId).is_some()
    }

    /// The result columns this input calls for: every sugar with a urine column (or fraction
    /// column), L:R and L:¹³C-M when their sugars are there, per-fraction columns for a wide
    /// header, and the `<name>_fraction` columns for a long one (its unsuffixed columns being the
    /// whole collection, as in the wide layout).
    ///
    /// ```
    /// use lmr::{batch::Layout, ColumnMap, Sugar};
    /// let header = ["urine_lactulose_0_2h", "urine_rhamnose_0_2h", "urine_volume_0_2h"];
    /// let report = Layout::resolve(&header, &ColumnMap::default())?.report_layout();
    /// assert_eq!(report.sugars, [Sugar::Rhamnose]); // lactulose is always written
    /// assert!(report.lr && !report.long);
    /// assert_eq!(report.fractions, ["0_2h"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report_layout(&self) -> crate::report::Layout {
        let sugars = Sugar::ALL.iter().copied().filter(|&s| {
            self.slot(Field::Urine(s)).is_some()
                || self.fractions.iter().any(|f| f.urine.get(s).is_some())
        });
        let mut layout = crate::report::Layout::for_sugars(
            sugars,
            self.fractions.iter().map(|f| f.label.as_str()),
        );
        layout.long = self.is_long();
        layout
    }

    /// The number of columns in the header.
    ///
    /// ```
    /// let layout = lmr::batch::Layout::resolve(&["id", "site", "vitamin_d"], &lmr::ColumnMap::default())?;
    /// assert_eq!(layout.width(), 3); // every column, read or passed through
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn width(&self) -> usize {
        self.width
    }

    /// The header's columns that are not read but look like inputs (`urine lactulose
    /// [mg/L]`), one warning each, naming the canonical header each probably means. `lmr batch`
    /// prints them on stderr; other callers (Python, `lmr serve`) show them as they see fit.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Layout};
    /// let layout = Layout::resolve(&["id", "urine_volume [mL]", "Lactulose (mg/L)"], &ColumnMap::default())?;
    /// let w = &layout.warnings()[0];
    /// assert_eq!((w.column, w.near.field.as_str()), (3, "urine_lactulose"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warnings(&self) -> &[HeaderWarning] {
        &self.warnings
    }

    /// Whether numbers are read with a decimal comma ([`ColumnMap::set_decimal_comma`]).
    ///
    /// ```
    /// let map = lmr::ColumnMap::from_toml_str("decimal = \",\"\n", "map.toml")?;
    /// let layout = lmr::batch::Layout::resolve(&["vitamin_d"], &map)?;
    /// assert!(layout.decimal_comma()); // taken from the map
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decimal_comma(&self) -> bool {
        self.decimal_comma
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_headers_with_units() {
        let h = [
            "sample_id",
            "urine_lactulose [mg/L]",
            " Urine_Volume [ml] ",
            "sex",
            "collection [min]",
        ];
        let l = Layout::resolve(&h, &ColumnMap::default()).unwrap();
        let s = l.slot(Field::Urine(Sugar::Lactulose)).unwrap();
        assert_eq!(s.unit, Some(Unit::Concentration(ConcentrationUnit::MgPerL)));
        assert_eq!(
            s.source,
            Source::Column {
                index: 1,
                header: "urine_lactulose [mg/L]".into()
            }
        );
        assert_eq!(
            l.slot(Field::UrineVolume).unwrap().unit,
            Some(Unit::Volume(VolumeUnit::Ml))
        );
        assert_eq!(
            l.slot(Field::Collection).unwrap().unit,
            Some(Unit::Duration(DurationUnit::Min))
        );
        assert!(l.slot(Field::Age).is_none());
    }

    #[test]
    fn unknown_unit_and_duplicates_are_fatal() {
        let e = Layout::resolve(&["urine_volume [furlongs]"], &ColumnMap::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column 1 (\"urine_volume [furlongs]\"): unknown unit \"furlongs\" for urine_volume (expected one of L, dL, mL)"
        );
        let e = Layout::resolve(&["age", "age [y]"], &ColumnMap::default()).unwrap_err();
        assert!(matches!(
            e,
            HeaderError::Duplicate {
                field: Field::Age,
                ..
            }
        ));
        let e = Layout::resolve(&["sex [kg]"], &ColumnMap::default()).unwrap_err();
        assert!(matches!(e, HeaderError::UnitNotAllowed { .. }));
    }

    #[test]
    fn nothing_recognised_hints_at_the_delimiter() {
        let e = Layout::resolve(&["id;urine_volume [mL]"], &ColumnMap::default()).unwrap_err();
        assert!(e.to_string().contains("--delimiter ';'"), "{e}");
    }

    #[test]
    fn column_map_maps_headers_and_fixes_values() {
        let map = ColumnMap::from_toml_str(
            "[columns]\n\"LAC (mg/dL)\" = { field = \"urine_lactulose\", unit = \"mg/dL\" }\n\"Vol\" = \"urine_volume\"\n[values]\nzonulin_matrix = \"serum\"\n",
            "t.toml",
        )
        .unwrap();
        let l = Layout::resolve(&["lac (mg/dl)", "Vol", "zonulin [ng/mL]"], &map).unwrap();
        assert_eq!(
            l.slot(Field::Urine(Sugar::Lactulose)).unwrap().unit,
            Some(Unit::Concentration(ConcentrationUnit::MgPerDl))
        );
        assert_eq!(l.slot(Field::UrineVolume).unwrap().unit, None);
        assert_eq!(
            l.slot(Field::ZonulinMatrix).unwrap().source,
            Source::Fixed("serum".into())
        );
        let e = Layout::resolve(&["zonulin_matrix"], &map).unwrap_err();
        assert!(matches!(
            e,
            HeaderError::Duplicate {
                field: Field::ZonulinMatrix,
                ..
            }
        ));
    }

    #[test]
    fn bad_maps_are_refused() {
        let e = ColumnMap::from_toml_str("[columns]\nX = \"urine_sugar\"\n", "m.toml").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("m.toml: \"X\": unknown field \"urine_sugar\""),
            "{e}"
        );
        let e = ColumnMap::from_toml_str(
            "[columns]\nX = { field = \"urine_volume\", unit = \"g\" }\n",
            "m.toml",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("unit \"g\" is not a unit of urine_volume"),
            "{e}"
        );
        assert!(ColumnMap::from_toml_str("[colums]\n", "m.toml").is_err());
    }

    #[test]
    fn an_entry_line_is_its_key_line() {
        // "MAN" is named in a comment and inside "MANNITOL" first; its entry is on line 4
        let text = "# MAN is the mannitol column\n[columns]\n\"MANNITOL_OLD\" = \"urine_mannitol\"\n\"MAN\" = \"urine_mannitol\"\nVOL = \"urine_volume\"\n";
        assert_eq!(entry_line(text, "MAN"), Some(4));
        assert_eq!(entry_line(text, "VOL"), Some(5));
    }

    #[test]
    fn unknown_map_keys_are_errors_with_their_line() {
        // `factor = 250` once read a 12 mL drink as a 12 mg dose in silence
        let text = "[columns]\n\"Vol\" = \"urine_volume\"\n\"Drink\" = { field = \"lactulose_dose\", unit = \"mg\", factor = 250 }\n";
        let e = ColumnMap::from_toml_str(text, "m.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "m.toml: \"Drink\" (line 3): unknown key \"factor\" in a column entry (expected `field` and, optionally, `unit`)"
        );
        // an unknown top-level table is named with its line
        let e = ColumnMap::from_toml_str("[columns]\n\n[colums]\nX = 1\n", "m.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml: line 3: "), "{e}");
        assert!(e.contains("colums"), "{e}");
        // a non-string value and a missing `field`
        let e = ColumnMap::from_toml_str("[columns]\nX = { field = 3 }\n", "m.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`field` must be a string, not integer"), "{e}");
        let e = ColumnMap::from_toml_str("[columns]\nX = { unit = \"mL\" }\n", "m.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"X\" (line 2): the entry has no `field`"),
            "{e}"
        );
    }

    #[test]
    fn per_sugar_names_and_fraction_suffixes() {
        for f in Field::all() {
            assert_eq!(Field::from_name(f.name()), Some(f), "{f}");
        }
        assert_eq!(Field::COUNT, Field::all().count());
        assert_eq!(
            Field::Dose(Sugar::Mannitol13C6).name(),
            "mannitol_13c6_dose"
        );
        assert_eq!(
            Field::DoseForm(Sugar::Rhamnose).name(),
            "rhamnose_dose_form"
        );
        assert_eq!(Field::Baseline(Sugar::Mannitol).name(), "baseline_mannitol");
        assert_eq!(
            split_fraction("urine_lactulose_0_2h"),
            Some(("urine_lactulose", "0_2h"))
        );
        assert_eq!(
            split_fraction("urine_mannitol_13c1_8_24H"),
            Some(("urine_mannitol_13c1", "8_24H"))
        );
        assert_eq!(split_fraction("urine_mannitol_13c1"), None);
        assert_eq!(split_fraction("urine_lactulose_x_2h"), None);
        let l = Layout::resolve(
            &[
                "urine_volume_2_8h [L]",
                "URINE_LACTULOSE_0_2H [mg/L]",
                "urine_volume_0_2h",
            ],
            &ColumnMap::default(),
        )
        .unwrap();
        let labels: Vec<&str> = l.fractions().iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels, ["2_8h", "0_2h"]);
        let e = Layout::resolve(
            &["urine_volume_0_2h", "urine_volume_0_2h [mL]"],
            &ColumnMap::default(),
        )
        .unwrap_err();
        assert!(matches!(e, HeaderError::DuplicateColumn { .. }), "{e}");
    }
}
