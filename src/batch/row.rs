//! One CSV record → one [`Sample`], or a [`RowError`] naming the column, the value and what was
//! expected.
//!
//! Rules: an empty cell (or `NA`, `N/A`) is missing, never zero. A bare number takes the unit of
//! the row's `<name>_unit` column, else the header's (`[mg/L]`) or the column map's; a cell that
//! carries its own unit (`1.2 L`) keeps it. A urine, vitamin D or zonulin result below the
//! detection limit (`<0.25`, `ND`, `BLQ`, `< LOD`) is not an error: it is censored and flagged.

// A `RowError` (136 bytes) is built only for a bad row, which then costs a few allocations
// anyway; a good row returns `Ok(())` and pays nothing for its size, so it is not boxed.
#![allow(clippy::result_large_err)]

use std::fmt;

use csv::ByteRecord;

use crate::files::Quoted;

use super::columns::{expected_units, Field, FractionPart, Layout, Slot, Source, Unit, UnitKind};
use crate::fraction::WindowProblem;
use crate::interpretation::{Fraction, Sample};
use crate::protocol::{DrinkError, NamedProtocol};
use crate::sample::number;
use crate::sample::parse::{self, Reading};
use crate::sample::{PretestField, Problem as SampleProblem};
/// Where a row is: `row` is the 1-based data row (the header is not counted), `line` the
/// 1-based physical line where the record starts.
///
/// ```
/// let pos = lmr::batch::Position { row: 1, line: 2 }; // the first data row, under the header
/// assert_eq!(pos.to_string(), "row 1 (line 2)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// 1-based data row.
    pub row: u64,
    /// 1-based physical line.
    pub line: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {} (line {})", self.row, self.line)
    }
}

/// What is wrong with a cell or a row.
///
/// ```
/// use lmr::batch::Problem;
/// let p = Problem::TooFewFields { found: 2, expected: 3 };
/// assert!(p.to_string().starts_with("2 fields, but the header has 3"));
/// let v = Problem::Value(lmr::sample::Problem::Negative);
/// assert_eq!(v.to_string(), "must not be negative"); // the sample layer's words, unchanged
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// A value the sample layer rejected (the same problem `lmr check` reports for the flag).
    #[error(transparent)]
    Value(SampleProblem),
    /// A bare number with no unit anywhere.
    #[error("a bare number needs a unit: put it in the header (`{name} [unit]`), in a `{name}_unit` column, in the column map, or in the cell (expected one of {expected})")]
    MissingUnit {
        /// The field's canonical name (`urine_lactulose`, `urine_volume_0_2h`).
        name: String,
        /// The units accepted.
        expected: &'static str,
    },
    /// A decimal comma, or a comma that may be one (`1,857`), in a file read without
    /// `--decimal-comma`.
    #[error("{0}; a file written with decimal commas is read with --decimal-comma (or decimal = \",\" in the column map)")]
    Comma(SampleProblem),
    /// Zonulin without a matrix.
    #[error("zonulin needs its matrix: add a zonulin_matrix column (serum or stool) or set zonulin_matrix under [values] in the column map")]
    MissingMatrix,
    /// Bytes that are not UTF-8 in a column lmr reads.
    #[error("not valid UTF-8")]
    NotUtf8,
    /// A record with fewer fields than the header.
    #[error("{found} fields, but the header has {expected} (the row is kept, padded with empty fields, and not interpreted)")]
    TooFewFields {
        /// Fields in the record.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// A record with more fields than the header.
    #[error("{found} fields, but the header has {expected}; surplus fields, not written as columns: {surplus}")]
    TooManyFields {
        /// Fields in the record.
        found: usize,
        /// Fields in the header.
        expected: usize,
        /// The surplus fields, quoted.
        surplus: String,
    },
    /// A long-format sample id seen before, with other samples' rows in between.
    #[error("this sample's rows ended earlier (other samples' rows came between): a sample's fraction rows must be consecutive (the row is kept and not interpreted)")]
    SampleReappears,
    /// A long-format sample with more fraction rows than allowed.
    #[error(
        "more than {limit} fraction rows for this sample (the row is kept and not interpreted)"
    )]
    TooManyFractions {
        /// The limit.
        limit: usize,
    },
    /// The sample cannot be interpreted (e.g. a zonulin range for the other matrix).
    #[error(transparent)]
    Interpretation(crate::interpretation::InterpretError),
    /// A long-format sample's whole collection (the sum over its fractions) cannot be
    /// interpreted.
    #[error("the whole collection: {0}")]
    WholeCollection(crate::interpretation::InterpretError),
    /// A long-format sample one of whose fraction rows could not be read: the sum over its
    /// fractions would miss that one, so its whole-collection sugar results are left empty.
    #[error("the sample's whole-collection sugar results are left empty: its fraction in {row} has an error")]
    FractionMissing {
        /// The first such row.
        row: Position,
    },
    /// A timed fraction's window that cannot be summed with the sample's others (reversed,
    /// empty, the same as or overlapping another's, or past the collection); `other` is the row
    /// of the fraction it clashes with (long format). The sample's sugar results are left empty;
    /// its other analytes are kept.
    #[error("{problem}{}; the sample's sugar results are left empty (its other analytes are kept)", other.map_or_else(String::new, |p| format!(" (the other fraction: {p})")))]
    Window {
        /// What is wrong.
        problem: WindowProblem,
        /// The other fraction's row, for a clash.
        other: Option<Position>,
    },
}

impl Problem {
    /// The row problem for a value the sample layer rejected; `name` is the field's canonical
    /// name, for the advice on a missing unit.
    fn of(p: SampleProblem, name: impl FnOnce() -> String) -> Problem {
        match p {
            SampleProblem::MissingUnit { expected } => Problem::MissingUnit {
                name: name(),
                expected,
            },
            SampleProblem::MissingMatrix => Problem::MissingMatrix,
            p @ (SampleProblem::DecimalComma { .. } | SampleProblem::AmbiguousComma { .. }) => {
                Problem::Comma(p)
            }
            p => Problem::Value(p),
        }
    }
}

/// A row that cannot be interpreted, with where and why.
///
/// ```
/// use lmr::batch::{Position, Problem, RowError};
/// let e = RowError {
///     pos: Position { row: 12, line: 13 },
///     column: Some("urine_volume [mL]".into()),
///     value: "-40".into(),
///     problem: Problem::Value(lmr::sample::Problem::Negative),
/// };
/// assert_eq!(e.to_string(), r#"row 12 (line 13), column "urine_volume [mL]", value "-40": must not be negative"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// Where.
    pub pos: Position,
    /// The column as the user wrote it (`None` for a whole-row problem).
    pub column: Option<String>,
    /// The value as given.
    pub value: String,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(
                f,
                "{}, column {c:?}, value {}: {}",
                self.pos,
                Quoted(&self.value),
                self.problem
            ),
            None => write!(f, "{}: {}", self.pos, self.problem),
        }
    }
}

impl std::error::Error for RowError {}

pub use crate::interpretation::BelowLimit;

fn concentration_unit(u: Option<Unit>) -> Option<crate::units::ConcentrationUnit> {
    match u {
        Some(Unit::Concentration(u)) => Some(u),
        _ => None,
    }
}

fn volume_unit(u: Option<Unit>) -> Option<crate::units::VolumeUnit> {
    match u {
        Some(Unit::Volume(u)) => Some(u),
        _ => None,
    }
}

/// The last cell read for a field and the value it gave (see [`Row::read_repeated`]).
pub(crate) struct Last<T> {
    text: Vec<u8>,
    unit: Option<Unit>,
    /// `None`: nothing remembered.
    value: Option<T>,
}

impl<T> Last<T> {
    /// Longer cells are not remembered (the buffer stays small).
    const LONGEST: usize = 64;
}

impl<T> Default for Last<T> {
    fn default() -> Self {
        Last {
            text: Vec::new(),
            unit: None,
            value: None,
        }
    }
}

/// What one reader (one thread) remembers across rows: the cells a cohort usually repeats in
/// every row (the doses, the collection window).
#[derive(Default)]
pub(crate) struct Repeated {
    /// By position in [`Layout::sugars`].
    doses: Vec<Last<crate::protocol::Dose>>,
    collection: Last<crate::units::Duration>,
    zonulin_matrix: Last<crate::reference::Matrix>,
}

/// Reads rows into samples, by the layout resolved from the header.
///
/// ```
/// use lmr::batch::{Layout, Position, RowReader};
/// let layout = Layout::resolve(&["id", "urine_volume [mL]", "age [y]"], &lmr::ColumnMap::default())?;
/// let reader = RowReader::new(&layout, None);
/// let (mut sample, mut errors) = (lmr::Sample::default(), Vec::new());
/// let record = csv::ByteRecord::from(vec!["a", "1250", "-3"]);
/// reader.read(&record, Position { row: 1, line: 2 }, &mut sample, &mut errors)?;
/// assert_eq!(sample.urine_volume.map(|v| v.in_litres()), Some(1.25)); // 1250 mL = 1.25 L
/// assert_eq!(errors[0].column.as_deref(), Some("age [y]")); // the rest of the row is read
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct RowReader<'a> {
    layout: &'a Layout,
    protocol: Option<&'a NamedProtocol>,
}

/// The text of one field in one row, and where it came from.
struct Cell<'r> {
    text: &'r str,
    unit: Option<Unit>,
}

/// The cells of one row being read, and the problems found so far.
struct Row<'x, 'r> {
    reader: &'x RowReader<'r>,
    record: &'x ByteRecord,
    /// The record's fields as one string, when they are valid UTF-8 (checked once per row,
    /// not once per cell).
    whole: Option<&'x str>,
    pos: Position,
    errors: &'x mut Vec<RowError>,
    /// Numbers handed in as numbers, by column ([`RowReader::read_numbers`]); empty for text.
    numbers: &'x [Option<f64>],
}

/// A number's text as a message quotes it: its shortest round-trip form, `-40` for `-40.0`.
pub(crate) fn number_text(x: f64) -> String {
    let mut b = ryu::Buffer::new();
    let t = b.format(x);
    t.strip_suffix(".0").unwrap_or(t).to_string()
}

/// The fields whose column may hand in numbers ([`RowReader::number_columns`]).
fn takes_numbers(field: Field) -> bool {
    matches!(
        field,
        Field::Urine(_)
            | Field::Baseline(_)
            | Field::UrineVolume
            | Field::Dose(_)
            | Field::Collection
            | Field::Age
            | Field::VitaminD
            | Field::Zonulin
    )
}

impl<'x> Row<'x, '_> {
    /// The number handed in for `field`'s column, if any.
    fn number(&self, field: Field) -> Option<f64> {
        if self.numbers.is_empty() {
            return None;
        }
        match self.reader.layout.slot(field)?.source {
            Source::Column { index, .. } => self.numbers.get(index).copied().flatten(),
            Source::Fixed(_) => None,
        }
    }

    /// [`Row::read`] for a field whose column may hand in numbers: a number is read by
    /// `number` with the unit the header or column map gives ([`crate::sample::number`]).
    fn read_num<T>(
        &mut self,
        field: Field,
        text: impl FnOnce(&str, Option<Unit>) -> Result<T, SampleProblem>,
        number: impl FnOnce(f64, Option<Unit>) -> Result<T, SampleProblem>,
    ) -> Option<T> {
        let Some(x) = self.number(field) else {
            return self.read(field, text);
        };
        match number(x, self.reader.layout.slot(field).and_then(|s| s.unit)) {
            Ok(v) => Some(v),
            Err(p) => {
                self.reject(field, &number_text(x), p);
                None
            }
        }
    }

    /// The cell of `field`, if the row has a value for it; a cell that cannot be read (not
    /// UTF-8, an unknown unit in its unit column) is recorded and counts as missing.
    fn cell(&mut self, field: Field) -> Option<Cell<'x>> {
        let reader: &'x RowReader<'_> = self.reader;
        match reader.cell(self.record, self.whole, field, self.pos) {
            Ok(c) => c,
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Records that `field`'s value `text` was rejected.
    fn reject(&mut self, field: Field, text: &str, p: SampleProblem) {
        self.errors.push(RowError {
            pos: self.pos,
            column: self.reader.layout.slot(field).map(|s| s.label(field)),
            value: text.to_string(),
            problem: Problem::of(p, || field.name().to_string()),
        });
    }

    /// Parses `field`'s cell with `parse`; `None` when missing or rejected (recorded).
    fn read<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str, Option<Unit>) -> Result<T, SampleProblem>,
    ) -> Option<T> {
        let c = self.cell(field)?;
        self.parse(field, &c, parse)
    }

    /// [`Row::read`] for a field whose cell rows often repeat: the same text with the same unit
    /// as the last row's gives the same value (parsing is a function of those two alone), so
    /// it is taken from `last` instead of being parsed again.
    fn read_repeated<T: Copy>(
        &mut self,
        field: Field,
        last: &mut Last<T>,
        parse: impl FnOnce(&str, Option<Unit>) -> Result<T, SampleProblem>,
        number: impl FnOnce(f64, Option<Unit>) -> Result<T, SampleProblem>,
    ) -> Option<T> {
        if self.number(field).is_some() {
            return self.read_num(field, parse, number);
        }
        self.read_repeated_text(field, last, parse)
    }

    /// [`Row::read_repeated`] from the cell's text (whatever number was handed in).
    fn read_repeated_text<T: Copy>(
        &mut self,
        field: Field,
        last: &mut Last<T>,
        parse: impl FnOnce(&str, Option<Unit>) -> Result<T, SampleProblem>,
    ) -> Option<T> {
        let c = self.cell(field)?;
        if last.value.is_some() && last.unit == c.unit && last.text == c.text.as_bytes() {
            return last.value;
        }
        let value = self.parse(field, &c, parse);
        last.text.clear();
        last.value = None;
        if c.text.len() <= Last::<T>::LONGEST {
            last.text.extend_from_slice(c.text.as_bytes());
            last.unit = c.unit;
            last.value = value;
        }
        value
    }

    /// Parses cell `c` of `field`; `None` when rejected (recorded).
    fn parse<T>(
        &mut self,
        field: Field,
        c: &Cell<'_>,
        parse: impl FnOnce(&str, Option<Unit>) -> Result<T, SampleProblem>,
    ) -> Option<T> {
        let read = if self.reader.layout.decimal_comma() && field.unit_kind() != UnitKind::None {
            let mut buf = [0u8; parse::DECIMAL_COMMA_MAX];
            parse::decimal_comma(c.text, &mut buf).and_then(|t| parse(t, c.unit))
        } else {
            parse(c.text, c.unit)
        };
        match read {
            Ok(v) => Some(v),
            Err(p) => {
                self.reject(field, c.text, p);
                None
            }
        }
    }
}

impl<'a> RowReader<'a> {
    /// A reader for rows of `layout`; doses and window missing from a row are filled from
    /// `protocol` (`--protocol`).
    ///
    /// ```
    /// use lmr::batch::{Layout, Position, RowReader};
    /// let registry = lmr::Registry::builtin()?;
    /// let layout = Layout::resolve(&["urine_lactulose [mg/L]"], &lmr::ColumnMap::default())?;
    /// let reader = RowReader::new(&layout, registry.protocol("dutch-sat-hyperosmolar"));
    /// let (mut sample, mut errors) = (lmr::Sample::default(), Vec::new());
    /// reader.read(&csv::ByteRecord::from(vec!["30"]), Position { row: 1, line: 2 }, &mut sample, &mut errors)?;
    /// let dose = sample.protocol.doses.get(lmr::Sugar::Lactulose).unwrap();
    /// assert_eq!(dose.mass.in_grams(), 5.0); // from the protocol: 5 g lactulose
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(layout: &'a Layout, protocol: Option<&'a NamedProtocol>) -> RowReader<'a> {
        RowReader { layout, protocol }
    }

    /// The layout.
    ///
    /// ```
    /// use lmr::batch::{Layout, RowReader};
    /// let layout = Layout::resolve(&["id", "sex"], &lmr::ColumnMap::default())?;
    /// assert_eq!(RowReader::new(&layout, None).layout().width(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn layout(&self) -> &'a Layout {
        self.layout
    }

    /// Reads `record` (data row `pos`) into `sample` (cleared first), through the sample
    /// layer's parsers ([`crate::sample::parse`]), so a cell means what the same text means to
    /// `lmr check`.
    ///
    /// Each analyte stands alone: a cell that cannot be read is left out of the sample and
    /// recorded in `errors` (every such cell, in column order of the fields), and the rest of
    /// the row is read.
    ///
    /// # Errors
    /// A [`RowError`] for a record whose field count differs from the header's (nothing is
    /// read then).
    ///
    /// ```
    /// use lmr::batch::{Layout, Position, Problem, RowReader};
    /// let layout = Layout::resolve(&["id", "vitamin_d [nmol/L]"], &lmr::ColumnMap::default())?;
    /// let reader = RowReader::new(&layout, None);
    /// let (mut sample, mut errors) = (lmr::Sample::default(), Vec::new());
    /// let short = csv::ByteRecord::from(vec!["a"]);
    /// let e = reader.read(&short, Position { row: 4, line: 5 }, &mut sample, &mut errors).unwrap_err();
    /// assert_eq!(e.problem, Problem::TooFewFields { found: 1, expected: 2 });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read(
        &self,
        record: &ByteRecord,
        pos: Position,
        sample: &mut Sample,
        errors: &mut Vec<RowError>,
    ) -> Result<(), RowError> {
        self.read_with(record, pos, sample, errors, &mut Repeated::default())
    }

    /// [`RowReader::read`], with what this thread's earlier rows repeated.
    pub(crate) fn read_with(
        &self,
        record: &ByteRecord,
        pos: Position,
        sample: &mut Sample,
        errors: &mut Vec<RowError>,
        repeated: &mut Repeated,
    ) -> Result<(), RowError> {
        self.read_numbers(record, &[], pos, sample, errors, repeated)
    }

    /// The columns that may hand their values in as numbers (a data frame's numeric column,
    /// as [`Columnar`](super::Columnar) reads them), by column: those of a urine, baseline,
    /// urine volume, dose, collection, age, vitamin D or zonulin field whose unit the header or
    /// column map settles (no `<name>_unit` column).
    ///
    /// ```
    /// use lmr::batch::{Layout, RowReader};
    /// let header = ["urine_volume [mL]", "urine_lactulose", "urine_lactulose_unit", "sex"];
    /// let layout = Layout::resolve(&header, &lmr::ColumnMap::default())?;
    /// // the volume's unit is settled by its header; lactulose's is read per row from its _unit column
    /// assert_eq!(RowReader::new(&layout, None).number_columns(), [true, false, false, false]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn number_columns(&self) -> Vec<bool> {
        let mut out = vec![false; self.layout.width()];
        for field in Field::all().filter(|&f| takes_numbers(f)) {
            if let Some(Slot {
                source: Source::Column { index, .. },
                unit_column: None,
                ..
            }) = self.layout.slot(field)
            {
                if let Some(o) = out.get_mut(*index) {
                    *o = true;
                }
            }
        }
        out
    }

    /// [`RowReader::read_with`], where `numbers[i]`, when given, is column `i`'s value as a
    /// number (a data frame's numeric column; only for [`RowReader::number_columns`], whose
    /// field in `record` is then not read). The same checks and problems as its text.
    pub(crate) fn read_numbers(
        &self,
        record: &ByteRecord,
        numbers: &[Option<f64>],
        pos: Position,
        sample: &mut Sample,
        errors: &mut Vec<RowError>,
        repeated: &mut Repeated,
    ) -> Result<(), RowError> {
        // Fraction labels are kept across rows (no allocation per row).
        let fractions = std::mem::take(&mut sample.fractions);
        sample.clear();
        self.check_width(record, pos)?;
        let mut row = Row {
            reader: self,
            record,
            whole: std::str::from_utf8(record.as_slice()).ok(),
            pos,
            errors,
            numbers,
        };
        for &sugar in self.layout.sugars() {
            let unit = concentration_unit;
            let urine = row.read_num(
                Field::Urine(sugar),
                |t, u| parse::concentration(t, unit(u)),
                |x, u| number::concentration(x, unit(u)),
            );
            sample.urine.set(sugar, urine);
            let base = row.read_num(
                Field::Baseline(sugar),
                |t, u| parse::concentration(t, unit(u)),
                |x, u| number::concentration(x, unit(u)),
            );
            sample.baseline.set(sugar, base);
        }
        sample.urine_volume = row.read_num(
            Field::UrineVolume,
            |t, u| parse::volume(t, volume_unit(u)),
            |x, u| number::volume(x, volume_unit(u)),
        );
        if !self.layout.fractions().is_empty() {
            sample.fractions = fractions;
            self.fractions(&mut row, sample);
        }
        repeated
            .doses
            .resize_with(self.layout.sugars().len(), Last::default);
        for (&sugar, last) in self.layout.sugars().iter().zip(&mut repeated.doses) {
            let mass = |u| match u {
                Some(Unit::Mass(u)) => Some(u),
                _ => None,
            };
            let dose = row.read_repeated(
                Field::Dose(sugar),
                last,
                |t, u| parse::dose(t, mass(u)),
                |x, u| number::dose(x, mass(u)),
            );
            sample.protocol.doses.set(sugar, dose);
        }
        for &sugar in self.layout.sugars() {
            let strength = row.read(Field::Solution(sugar), |t, u| {
                let unit = match u {
                    Some(Unit::Strength(u)) => Some(u),
                    _ => None,
                };
                parse::solution(t, unit)
            });
            sample.protocol.solutions.set(sugar, strength);
        }
        sample.protocol.drink_volume = row.read(Field::DoseVolume, |t, u| {
            parse::dose_volume(t, volume_unit(u))
        });
        let duration = |u| match u {
            Some(Unit::Duration(u)) => Some(u),
            _ => None,
        };
        sample.protocol.collection = row.read_repeated(
            Field::Collection,
            &mut repeated.collection,
            |t, u| parse::collection(t, duration(u)),
            |x, u| number::collection(x, duration(u)),
        );
        let age = |u| match u {
            Some(Unit::Age(u)) => Some(u),
            _ => None,
        };
        sample.protocol.age = row.read_num(
            Field::Age,
            |t, u| parse::age(t, age(u)),
            |x, u| number::age(x, age(u)),
        );
        sample.protocol.sex = row.read(Field::Sex, |t, _| parse::sex(t));
        if let Some(p) = self.protocol {
            sample.protocol.fill_from(p);
        }
        if !sample.fractions.is_empty() {
            self.fractions_in_collection(&mut row, sample);
        }
        if let Err(e) = sample.protocol.dose_from_drink() {
            let field = match &e {
                DrinkError::Mismatch(m) => {
                    // neither the dose nor the drink is known to be right
                    sample.protocol.doses.set(m.sugar, None);
                    Field::Dose(m.sugar)
                }
                _ => Field::DoseVolume,
            };
            let text = row.cell(field).map_or("", |c| c.text);
            row.reject(field, text, SampleProblem::Drink(e));
        }
        // The weighed form applies to the dose, whether from the row or from --protocol.
        for &sugar in self.layout.sugars() {
            if let Some(form) = row.read(Field::DoseForm(sugar), |t, _| parse::dose_form(t)) {
                if let Some(d) = sample.protocol.doses.slot_mut(sugar) {
                    d.form = form;
                }
            }
        }
        self.vitamin_d(&mut row, sample);
        self.zonulin(&mut row, sample, repeated);
        for field in PretestField::ALL {
            *field.slot(&mut sample.pretest) =
                row.read(Field::Pretest(field), |t, _| parse::yes_no(t));
        }
        // The header's unit, if any, is the one eGFR unit: the cell's own text is read as check reads it.
        sample.pretest.egfr = row.read(Field::Egfr, |t, _| parse::egfr(t));
        Ok(())
    }

    /// A record must have the header's number of fields.
    fn check_width(&self, record: &ByteRecord, pos: Position) -> Result<(), RowError> {
        let width = self.layout.width();
        let problem = if record.len() < width {
            Problem::TooFewFields {
                found: record.len(),
                expected: width,
            }
        } else if record.len() > width {
            // Bounded: a few fields, each quoted at most `QUOTE_CHARS` long.
            const SHOWN: usize = 8;
            let mut surplus = record
                .iter()
                .skip(width)
                .take(SHOWN)
                .map(|f| Quoted(&String::from_utf8_lossy(f)).to_string())
                .collect::<Vec<_>>()
                .join(", ");
            if record.len() - width > SHOWN {
                let more = record.len() - width - SHOWN;
                surplus.push_str(&format!(" and {more} more"));
            }
            Problem::TooManyFields {
                found: record.len(),
                expected: width,
                surplus,
            }
        } else {
            return Ok(());
        };
        Err(RowError {
            pos,
            column: None,
            value: String::new(),
            problem,
        })
    }

    fn vitamin_d(&self, row: &mut Row<'_, '_>, sample: &mut Sample) {
        let before = row.errors.len();
        let form = match row.cell(Field::VitaminDForm) {
            // a form cell that could not be read (not UTF-8) is not a missing form
            None if row.errors.len() > before => None,
            None => Some(Default::default()),
            Some(c) => match parse::vitamin_d_form(c.text) {
                Ok(f) => Some(f),
                Err(p) => {
                    row.reject(Field::VitaminDForm, c.text, p);
                    None
                }
            },
        };
        // A bad form leaves the value out: converting it as another form would be wrong.
        let Some(form) = form else { return };
        match row.read_num(
            Field::VitaminD,
            |t, u| parse::vitamin_d(t, concentration_unit(u), form),
            |x, u| number::vitamin_d(x, concentration_unit(u), form),
        ) {
            Some(Reading::Value(v)) => sample.vitamin_d = Some(v),
            Some(Reading::BelowLimit(limit)) => {
                sample.below_limit.vitamin_d = true;
                sample.below_limit.vitamin_d_limit = limit;
            }
            None => {}
        }
    }

    fn zonulin(&self, row: &mut Row<'_, '_>, sample: &mut Sample, repeated: &mut Repeated) {
        sample.hp_genotype = row.read(Field::HpGenotype, |t, _| parse::hp_genotype(t));
        let before = row.errors.len();
        // A cohort repeats its matrix in every row.
        let last = &mut repeated.zonulin_matrix;
        let matrix =
            row.read_repeated_text(Field::ZonulinMatrix, last, |t, _| parse::zonulin_matrix(t));
        if row.errors.len() > before {
            return; // not readable, or not a matrix: no zonulin value without one
        }
        let zonulin = |u| match u {
            Some(Unit::Zonulin(u)) => Some(u),
            _ => None,
        };
        let value = row.read_num(
            Field::Zonulin,
            |t, u| parse::zonulin(t, zonulin(u), matrix),
            |x, u| number::zonulin(x, zonulin(u), matrix),
        );
        match value {
            Some(Reading::Value(z)) => sample.zonulin = Some(z),
            Some(Reading::BelowLimit(_)) => sample.below_limit.zonulin = true,
            None => {}
        }
    }

    /// Reads the timed fractions given in the header (wide format) into `sample.fractions`; a
    /// row with a whole collection and no fraction value keeps no fractions.
    fn fractions(&self, row: &mut Row<'_, '_>, sample: &mut Sample) {
        let slots = self.layout.fractions();
        sample.fractions.truncate(slots.len());
        while sample.fractions.len() < slots.len() {
            sample.fractions.push(Fraction::default());
        }
        let mut any = false;
        for (f, slots) in sample.fractions.iter_mut().zip(slots) {
            if f.label != slots.label {
                f.label.clear();
                f.label.push_str(&slots.label);
            }
            f.volume = None;
            f.urine.clear();
            let parts = slots
                .volume
                .iter()
                .map(|s| (FractionPart::Volume, s))
                .chain(
                    slots
                        .urine
                        .iter()
                        .map(|(s, slot)| (FractionPart::Urine(s), slot)),
                );
            for (part, slot) in parts {
                let (field, kind) = match part {
                    FractionPart::Volume => (Field::UrineVolume, UnitKind::Volume),
                    FractionPart::Urine(s) => (Field::Urine(s), UnitKind::Concentration),
                };
                let c =
                    match self.slot_cell_named(row.record, row.whole, slot, field, kind, row.pos) {
                        Ok(Some(c)) => c,
                        Ok(None) => continue,
                        Err(e) => {
                            row.errors.push(e);
                            continue;
                        }
                    };
                let mut buf = [0u8; parse::DECIMAL_COMMA_MAX];
                let text = match self.layout.decimal_comma() {
                    true => parse::decimal_comma(c.text, &mut buf),
                    false => Ok(c.text),
                };
                let read = text.and_then(|text| match part {
                    FractionPart::Volume => {
                        parse::volume(text, volume_unit(c.unit)).map(|v| f.volume = Some(v))
                    }
                    FractionPart::Urine(s) => {
                        parse::concentration(text, concentration_unit(c.unit))
                            .map(|r| f.urine.set(s, Some(r)))
                    }
                });
                match read {
                    Ok(()) => any = true,
                    Err(p) => row.errors.push(RowError {
                        pos: row.pos,
                        column: Some(slot.label(field)),
                        value: c.text.to_string(),
                        problem: Problem::of(p, || format!("{}_{}", field.name(), slots.label)),
                    }),
                }
            }
        }
        if !any && (!sample.urine.is_empty() || sample.urine_volume.is_some()) {
            sample.fractions.clear();
        }
    }

    /// Refuses fractions (wide format) whose window ends after the row's collection: each is an
    /// error naming the fraction's first column, and the row's urine is left out (its sugar
    /// results empty, its other analytes kept). A fraction with no value in the row is not
    /// checked (`W03` collects 0–2 h only and leaves the later fractions empty).
    fn fractions_in_collection(&self, row: &mut Row<'_, '_>, sample: &mut Sample) {
        let Some(collection) = sample.protocol.collection else {
            return;
        };
        let mut past = false;
        for (f, slots) in sample.fractions.iter().zip(self.layout.fractions()) {
            let given = f.volume.is_some() || !f.urine.is_empty();
            let Some(problem) = slots
                .window
                .and_then(|w| w.past(collection))
                .filter(|_| given)
            else {
                continue;
            };
            past = true;
            let (index, header) = slots.first_column().unwrap_or((0, ""));
            let value = row.record.get(index).unwrap_or_default();
            row.errors.push(RowError {
                pos: row.pos,
                column: Some(header.to_string()),
                value: String::from_utf8_lossy(value).into_owned(),
                problem: Problem::Window {
                    problem,
                    other: None,
                },
            });
        }
        if past {
            sample.fractions.clear();
        }
    }

    /// The raw bytes of a text field in this row (`None` when the input does not have it).
    ///
    /// ```
    /// use lmr::batch::{Field, Layout, RowReader};
    /// let map = lmr::ColumnMap::from_toml_str("[values]\nzonulin_matrix = \"serum\"\n", "map.toml")?;
    /// let layout = Layout::resolve(&["sample_id", "zonulin [ng/mL]"], &map)?;
    /// let reader = RowReader::new(&layout, None);
    /// let record = csv::ByteRecord::from(vec!["P-01", "46"]);
    /// assert_eq!(reader.raw(&record, Field::SampleId), Some(&b"P-01"[..]));
    /// assert_eq!(reader.raw(&record, Field::ZonulinMatrix), Some(&b"serum"[..])); // fixed by the map
    /// assert_eq!(reader.raw(&record, Field::Sex), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn raw<'x>(&'x self, record: &'x ByteRecord, field: Field) -> Option<&'x [u8]> {
        match &self.layout.slot(field)?.source {
            Source::Fixed(v) => Some(v.as_bytes()),
            Source::Column { index, .. } => Some(record.get(*index).unwrap_or_default()),
        }
    }

    /// The trimmed text of a field in this row (`None` when missing), with its default unit.
    fn cell<'r>(
        &'r self,
        record: &'r ByteRecord,
        whole: Option<&'r str>,
        field: Field,
        pos: Position,
    ) -> Result<Option<Cell<'r>>, RowError> {
        let Some(slot) = self.layout.slot(field) else {
            return Ok(None);
        };
        self.slot_cell_named(record, whole, slot, field, field.unit_kind(), pos)
    }

    fn slot_cell_named<'r>(
        &'r self,
        record: &'r ByteRecord,
        whole: Option<&'r str>,
        slot: &'r Slot,
        field: Field,
        kind: UnitKind,
        pos: Position,
    ) -> Result<Option<Cell<'r>>, RowError> {
        let text = match &slot.source {
            Source::Fixed(v) => v.as_str(),
            Source::Column { index, .. } => {
                let bytes = record.get(*index).unwrap_or_default();
                match field_of(whole, record, bytes) {
                    Some(text) => text,
                    None => utf8(bytes, pos, slot, field)?,
                }
            }
        };
        let text = crate::units::trim(text);
        // A cell that starts with a digit is never missing (`NA`, `N/A`, empty).
        if !text.as_bytes().first().is_some_and(u8::is_ascii_digit) && parse::is_missing(text) {
            return Ok(None);
        }
        let mut unit = slot.unit;
        if let Some(uc) = slot.unit_column {
            let raw = record.get(uc).unwrap_or_default();
            let u = std::str::from_utf8(raw).unwrap_or("\u{fffd}").trim();
            if !parse::is_missing(u) {
                unit = Some(Unit::parse(kind, u).ok_or_else(|| RowError {
                    pos,
                    column: slot.unit_header.clone(),
                    value: u.to_string(),
                    problem: Problem::Value(SampleProblem::UnknownUnit {
                        unit: u.to_string(),
                        expected: expected_units(kind),
                    }),
                })?);
            }
        }
        Ok(Some(Cell { text, unit }))
    }
}

/// `field` (a slice of `record`) as a slice of `whole` (the record as one string): the fields
/// lie end to end in the record's buffer, so the field's place in it is its place in `whole`.
/// `None` when `whole` is not valid UTF-8 or the field does not start and end on character
/// boundaries (its bytes then need their own check).
fn field_of<'r>(whole: Option<&'r str>, record: &ByteRecord, field: &[u8]) -> Option<&'r str> {
    let start = (field.as_ptr() as usize).checked_sub(record.as_slice().as_ptr() as usize)?;
    whole?.get(start..start.checked_add(field.len())?)
}

fn utf8<'r>(
    bytes: &'r [u8],
    pos: Position,
    slot: &Slot,
    field: Field,
) -> Result<&'r str, RowError> {
    std::str::from_utf8(bytes).map_err(|_| RowError {
        pos,
        column: Some(slot.label(field)),
        value: String::from_utf8_lossy(bytes).into_owned(),
        problem: Problem::NotUtf8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::columns::ColumnMap;
    use crate::recovery::UrineResult;
    use crate::sugar::Sugar;
    use approx::assert_relative_eq;

    const POS: Position = Position { row: 12, line: 13 };

    /// Reads one row; the first rejected cell is the error (see `every_rejected_cell` for all).
    fn read(header: &[&str], row: &[&str]) -> Result<(Sample, BelowLimit), RowError> {
        let (s, mut errors) = read_all(header, row)?;
        match errors.is_empty() {
            true => Ok((s.clone(), s.below_limit)),
            false => Err(errors.remove(0)),
        }
    }

    fn read_all(header: &[&str], row: &[&str]) -> Result<(Sample, Vec<RowError>), RowError> {
        let layout = Layout::resolve(header, &ColumnMap::default()).unwrap();
        let reader = RowReader::new(&layout, None);
        let mut s = Sample::default();
        let mut errors = Vec::new();
        reader.read(&ByteRecord::from(row.to_vec()), POS, &mut s, &mut errors)?;
        Ok((s, errors))
    }

    #[test]
    fn every_rejected_cell_and_the_rest_read() {
        let h = [
            "urine_lactulose [mg/L]",
            "vitamin_d [ng/mL]",
            "zonulin [ng/mL]",
            "urine_volume [mL]",
        ];
        let (s, errors) = read_all(&h, &["12,5", "20", "46", "-1"]).unwrap();
        let columns: Vec<_> = errors.iter().map(|e| e.column.clone().unwrap()).collect();
        assert_eq!(
            columns,
            [
                "urine_lactulose [mg/L]",
                "urine_volume [mL]",
                "zonulin [ng/mL]"
            ]
        );
        // vitamin D stands alone: 20 ng/mL read
        assert!(s.vitamin_d.is_some());
        assert!(s.urine.get(Sugar::Lactulose).is_none());
    }

    #[test]
    fn header_unit_cell_unit_and_unit_column() {
        let h = [
            "urine_lactulose [mg/L]",
            "urine_volume [mL]",
            "urine_mannitol",
            "urine_mannitol_unit",
        ];
        let (s, _) = read(&h, &["20", "1.2 L", "150", "mg/dL"]).unwrap();
        let Some(UrineResult::Measured(l)) = s.urine.get(Sugar::Lactulose) else {
            panic!()
        };
        assert_relative_eq!(l.in_mg_per_l(None).unwrap(), 20.0);
        assert_relative_eq!(s.urine_volume.unwrap().in_litres(), 1.2);
        let Some(UrineResult::Measured(m)) = s.urine.get(Sugar::Mannitol) else {
            panic!()
        };
        // 150 mg/dL = 1500 mg/L
        assert_relative_eq!(m.in_mg_per_l(None).unwrap(), 1500.0);
    }

    #[test]
    fn empty_and_na_are_missing() {
        let (s, _) = read(&["urine_volume [mL]", "age"], &["", "NA"]).unwrap();
        assert!(s.urine_volume.is_none());
        assert!(s.protocol.age.is_none());
    }

    #[test]
    fn errors_name_column_value_and_expectation() {
        let e = read(&["id", "urine_volume [mL]"], &["x", "-40"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 12 (line 13), column \"urine_volume [mL]\", value \"-40\": must not be negative"
        );
        let e = read(&["urine_lactulose [mg/L]"], &["12,5"]).unwrap_err();
        assert_eq!(
            e.problem,
            Problem::Comma(SampleProblem::DecimalComma {
                suggestion: "12.5".into()
            })
        );
        let e = read(&["urine_lactulose"], &["12.5"]).unwrap_err();
        assert!(
            matches!(e.problem, Problem::MissingUnit { ref name, .. } if name == "urine_lactulose")
        );
        let e = read(&["lactulose_dose [g]"], &["0"]).unwrap_err();
        assert_eq!(e.problem, Problem::Value(SampleProblem::ZeroDose));
        let e = read(&["zonulin [ng/mL]"], &["46"]).unwrap_err();
        assert_eq!(e.problem, Problem::MissingMatrix);
        let e = read(&["a", "b", "sex"], &["1", "2"]).unwrap_err();
        assert_eq!(e.to_string(), "row 12 (line 13): 2 fields, but the header has 3 (the row is kept, padded with empty fields, and not interpreted)");
    }

    #[test]
    fn below_limit_is_not_an_error() {
        let (s, b) = read(
            &["urine_lactulose [mg/L]", "vitamin_d [nmol/L]", "zonulin"],
            &["<0.25", "< LOD", "BLQ"],
        )
        .unwrap();
        assert!(matches!(
            s.urine.get(Sugar::Lactulose),
            Some(UrineResult::BelowLimit(Some(_)))
        ));
        assert!(b.vitamin_d && b.zonulin);
        assert!(b.vitamin_d_limit.is_none()); // `< LOD` states no limit
    }

    #[test]
    fn a_repeated_cell_reads_as_it_did_and_a_changed_one_anew() {
        let layout = Layout::resolve(
            &["lactulose_dose [g]", "collection [h]"],
            &ColumnMap::default(),
        )
        .unwrap();
        let reader = RowReader::new(&layout, None);
        let mut repeated = Repeated::default();
        let mut read = |row: &[&str]| {
            let (mut s, mut errors) = (Sample::default(), Vec::new());
            let record = ByteRecord::from(row.to_vec());
            reader
                .read_with(&record, POS, &mut s, &mut errors, &mut repeated)
                .unwrap();
            let dose = s
                .protocol
                .doses
                .get(Sugar::Lactulose)
                .map(|d| d.mass.value());
            (dose, s.protocol.collection.map(|c| c.value()), errors.len())
        };
        assert_eq!(read(&["5", "5"]), (Some(5.0), Some(5.0), 0));
        assert_eq!(read(&["5", "5"]), (Some(5.0), Some(5.0), 0));
        // a changed cell is read anew: 10 g, 6 h
        assert_eq!(read(&["10", "6"]), (Some(10.0), Some(6.0), 0));
        // a rejected cell is rejected in every row that repeats it
        assert_eq!(read(&["0", "6"]), (None, Some(6.0), 1));
        assert_eq!(read(&["0", "6"]), (None, Some(6.0), 1));
        assert_eq!(read(&["5", "6"]), (Some(5.0), Some(6.0), 0));
    }

    #[test]
    fn age_in_months() {
        let (s, _) = read(&["age [months]"], &["18"]).unwrap();
        // 18 months ÷ 12 = 1.5 years, kept in months
        let age = s.protocol.age.unwrap();
        assert_eq!(age.to_string(), "18 mo");
        assert_relative_eq!(age.in_years(), 1.5);
    }
}
