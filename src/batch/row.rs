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

use super::columns::{
    expected_units, AgeUnit, Field, FractionPart, Layout, Slot, Source, Unit, UnitKind,
};
use crate::interpretation::{Fraction, Sample};
use crate::protocol::{Dose, NamedProtocol, Sex};
use crate::recovery::{is_below_limit_word, UrineResult};
use crate::reference::Matrix;
use crate::sugar::DoseForm;
use crate::sugar::Sugar;
use crate::units::{split_number, Concentration, Duration, Mass, UnitError, Volume};
use crate::vitamin_d::{VitaminD, VitaminDError, VitaminDForm};
use crate::zonulin::{HpGenotype, Zonulin, ZonulinError};

/// Where a row is: `row` is the 1-based data row (the header is not counted), `line` the
/// 1-based physical line where the record starts.
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
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The number part does not parse.
    #[error("not a number (expected a number, optionally with a unit, e.g. {example:?})")]
    NotANumber {
        /// A valid example.
        example: &'static str,
    },
    /// NaN or infinity.
    #[error("not a finite number")]
    NotFinite,
    /// A negative amount.
    #[error("must not be negative")]
    Negative,
    /// A zero dose.
    #[error("a dose must be greater than zero")]
    ZeroDose,
    /// A decimal comma.
    #[error("decimal comma (write {suggestion:?} with a decimal point)")]
    DecimalComma {
        /// The text with a point.
        suggestion: String,
    },
    /// A bare number with no unit anywhere.
    #[error("a bare number needs a unit: put it in the header (`{name} [unit]`), in a `{name}_unit` column, in the column map, or in the cell (expected one of {expected})")]
    MissingUnit {
        /// The field's canonical name (`urine_lactulose`, `urine_volume_0_2h`).
        name: String,
        /// The units accepted.
        expected: &'static str,
    },
    /// An unknown unit.
    #[error("unknown unit {unit:?} (expected one of {expected})")]
    UnknownUnit {
        /// The unit text.
        unit: String,
        /// The units accepted.
        expected: &'static str,
    },
    /// A unit of another dimension.
    #[error("{unit:?} is a {found}, expected a {wanted} (one of {expected})")]
    WrongDimension {
        /// The unit text.
        unit: String,
        /// Its dimension.
        found: &'static str,
        /// The dimension wanted.
        wanted: &'static str,
        /// The units accepted.
        expected: &'static str,
    },
    /// A unit 25(OH)D is not reported in.
    #[error("25(OH)D is reported in nmol/L, ng/mL or µg/L")]
    VitaminDUnit,
    /// Zonulin without a matrix.
    #[error("zonulin needs its matrix: add a zonulin_matrix column (serum or stool) or set zonulin_matrix under [values] in the column map")]
    MissingMatrix,
    /// ng/g for serum.
    #[error("ng/g is a stool unit, but the matrix is serum")]
    UnitMatrix,
    /// A value that is not one of a fixed list.
    #[error("expected {expected}")]
    NotOneOf {
        /// The accepted values.
        expected: &'static str,
    },
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
    #[error("{0}")]
    Interpretation(String),
}

/// A row that cannot be interpreted, with where and why.
///
/// ```
/// use lmr::batch::{Position, Problem, RowError};
/// let e = RowError {
///     pos: Position { row: 12, line: 13 },
///     column: Some("urine_volume [mL]".into()),
///     value: "-40".into(),
///     problem: Problem::Negative,
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
                "{}, column {c:?}, value {:?}: {}",
                self.pos, self.value, self.problem
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

/// `anhydrous` or `monohydrate` (ASCII case ignored).
fn dose_form(t: &str) -> Option<DoseForm> {
    let t = t.trim();
    if t.eq_ignore_ascii_case("anhydrous") {
        Some(DoseForm::Anhydrous)
    } else if t.eq_ignore_ascii_case("monohydrate") {
        Some(DoseForm::Monohydrate)
    } else {
        None
    }
}

/// Splits a dose cell `1 g monohydrate` into the mass and the form written after it.
fn split_dose_form(t: &str) -> (&str, Option<DoseForm>) {
    if !t.as_bytes().last().is_some_and(u8::is_ascii_alphabetic) {
        return (t, None);
    }
    for word in ["monohydrate", "anhydrous"] {
        if let Some(cut) = t.len().checked_sub(word.len()) {
            if t.is_char_boundary(cut) && t[cut..].eq_ignore_ascii_case(word) {
                return (t[..cut].trim_end(), dose_form(word));
            }
        }
    }
    (t, None)
}

/// Whether a cell means "missing".
fn is_missing(t: &str) -> bool {
    t.is_empty() || t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("n/a")
}

/// Whether a cell is a "below the detection limit" result.
fn is_below_limit(t: &str) -> bool {
    t.starts_with('<') || is_below_limit_word(t)
}

/// Maps a unit error onto the cell problem (the value itself is quoted by [`RowError`]).
fn problem(e: UnitError, field: Field, example: &'static str) -> Problem {
    match e {
        UnitError::Empty { .. } | UnitError::NotANumber { .. } => Problem::NotANumber { example },
        UnitError::NotFinite { .. } => Problem::NotFinite,
        UnitError::Negative { .. } => Problem::Negative,
        UnitError::DecimalComma { suggestion, .. } => Problem::DecimalComma { suggestion },
        UnitError::MissingUnit { .. } => Problem::MissingUnit {
            name: field.name().to_string(),
            expected: expected_units(field.unit_kind()),
        },
        UnitError::UnknownUnit { unit, expected, .. } => Problem::UnknownUnit { unit, expected },
        UnitError::WrongDimension {
            unit,
            found,
            wanted,
            expected,
            ..
        } => Problem::WrongDimension {
            unit,
            found,
            wanted,
            expected,
        },
        other => Problem::Interpretation(other.to_string()),
    }
}

fn example(field: Field) -> &'static str {
    match field.unit_kind() {
        UnitKind::Concentration => "12.5 mg/L",
        UnitKind::Volume => "1857 mL",
        UnitKind::Mass => "5 g",
        UnitKind::Duration => "5 h",
        UnitKind::Age => "35",
        UnitKind::Zonulin => "46 ng/mL",
        UnitKind::None => "",
    }
}

/// Reads rows into samples, by the layout resolved from the header.
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

impl<'a> RowReader<'a> {
    /// A reader for rows of `layout`; doses and window missing from a row are filled from
    /// `protocol` (`--protocol`).
    pub fn new(layout: &'a Layout, protocol: Option<&'a NamedProtocol>) -> RowReader<'a> {
        RowReader { layout, protocol }
    }

    /// The layout.
    pub fn layout(&self) -> &'a Layout {
        self.layout
    }

    /// Reads `record` (data row `pos`) into `sample` (cleared first).
    ///
    /// # Errors
    /// A [`RowError`] for the first cell that cannot be read, or a record whose field count
    /// differs from the header's.
    pub fn read(
        &self,
        record: &ByteRecord,
        pos: Position,
        sample: &mut Sample,
        below: &mut BelowLimit,
    ) -> Result<(), RowError> {
        // Fraction labels are kept across rows (no allocation per row).
        let fractions = std::mem::take(&mut sample.fractions);
        sample.clear();
        *below = BelowLimit::default();
        let width = self.layout.width();
        if record.len() < width {
            return Err(RowError {
                pos,
                column: None,
                value: String::new(),
                problem: Problem::TooFewFields {
                    found: record.len(),
                    expected: width,
                },
            });
        }
        if record.len() > width {
            let surplus = record
                .iter()
                .skip(width)
                .map(|f| format!("{:?}", String::from_utf8_lossy(f)))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(RowError {
                pos,
                column: None,
                value: String::new(),
                problem: Problem::TooManyFields {
                    found: record.len(),
                    expected: width,
                    surplus,
                },
            });
        }
        let err = |field: Field, text: &str, problem: Problem| RowError {
            pos,
            column: self.layout.slot(field).map(|s| s.label(field)),
            value: text.to_string(),
            problem,
        };
        for &sugar in self.layout.sugars() {
            let field = Field::Urine(sugar);
            if let Some(c) = self.cell(record, field, pos)? {
                let r = UrineResult::parse(c.text, concentration_unit(c.unit))
                    .map_err(|e| err(field, c.text, problem(e, field, example(field))))?;
                sample.urine.set(sugar, Some(r));
            }
            let field = Field::Baseline(sugar);
            if let Some(c) = self.cell(record, field, pos)? {
                let r = UrineResult::parse(c.text, concentration_unit(c.unit))
                    .map_err(|e| err(field, c.text, problem(e, field, example(field))))?;
                sample.baseline.set(sugar, Some(r));
            }
        }
        if let Some(c) = self.cell(record, Field::UrineVolume, pos)? {
            let f = Field::UrineVolume;
            sample.urine_volume = Some(
                Volume::parse_with_default(c.text, volume_unit(c.unit))
                    .map_err(|e| err(f, c.text, problem(e, f, example(f))))?,
            );
        }
        if !self.layout.fractions().is_empty() {
            sample.fractions = fractions;
            self.fractions(record, pos, sample)?;
        }
        for &sugar in self.layout.sugars() {
            let field = Field::Dose(sugar);
            if let Some(c) = self.cell(record, field, pos)? {
                let (text, form) = split_dose_form(c.text);
                let unit = match c.unit {
                    Some(Unit::Mass(u)) => Some(u),
                    _ => None,
                };
                let m = Mass::parse_with_default(text, unit)
                    .map_err(|e| err(field, c.text, problem(e, field, example(field))))?;
                if m.value() == 0.0 {
                    return Err(err(field, c.text, Problem::ZeroDose));
                }
                sample.protocol.doses.set(
                    sugar,
                    Some(Dose {
                        mass: m,
                        form: form.unwrap_or_default(),
                    }),
                );
            }
        }
        if let Some(c) = self.cell(record, Field::Collection, pos)? {
            let unit = match c.unit {
                Some(Unit::Duration(u)) => Some(u),
                _ => None,
            };
            let f = Field::Collection;
            sample.protocol.collection = Some(
                Duration::parse_with_default(c.text, unit)
                    .map_err(|e| err(f, c.text, problem(e, f, example(f))))?,
            );
        }
        if let Some(c) = self.cell(record, Field::Age, pos)? {
            let f = Field::Age;
            let (value, unit_text) =
                split_number(c.text).map_err(|e| err(f, c.text, problem(e, f, example(f))))?;
            let unit = if unit_text.is_empty() {
                match c.unit {
                    Some(Unit::Age(u)) => u,
                    _ => AgeUnit::Years,
                }
            } else {
                AgeUnit::lookup(unit_text).ok_or_else(|| {
                    err(
                        f,
                        c.text,
                        Problem::UnknownUnit {
                            unit: unit_text.to_string(),
                            expected: expected_units(UnitKind::Age),
                        },
                    )
                })?
            };
            sample.protocol.age_years = Some(value * unit.years());
        }
        if let Some(c) = self.cell(record, Field::Sex, pos)? {
            let s = c.text.parse::<Sex>().map_err(|_| {
                err(
                    Field::Sex,
                    c.text,
                    Problem::NotOneOf {
                        expected: "F, M, female or male",
                    },
                )
            })?;
            sample.protocol.sex = Some(s);
        }
        if let Some(p) = self.protocol {
            sample.protocol.fill_from(p);
        }
        // The weighed form applies to the dose, whether from the row or from --protocol.
        for &sugar in self.layout.sugars() {
            let field = Field::DoseForm(sugar);
            if let Some(c) = self.cell(record, field, pos)? {
                let form = dose_form(c.text).ok_or_else(|| {
                    err(
                        field,
                        c.text,
                        Problem::NotOneOf {
                            expected: "anhydrous or monohydrate",
                        },
                    )
                })?;
                if let Some(d) = sample.protocol.doses.slot_mut(sugar) {
                    d.form = form;
                }
            }
        }
        self.vitamin_d(record, pos, sample, below, &err)?;
        self.zonulin(record, pos, sample, below, &err)?;
        Ok(())
    }

    fn vitamin_d(
        &self,
        record: &ByteRecord,
        pos: Position,
        sample: &mut Sample,
        below: &mut BelowLimit,
        err: &dyn Fn(Field, &str, Problem) -> RowError,
    ) -> Result<(), RowError> {
        let form = match self.cell(record, Field::VitaminDForm, pos)? {
            Some(c) => c.text.parse::<VitaminDForm>().map_err(|_| {
                err(
                    Field::VitaminDForm,
                    c.text,
                    Problem::NotOneOf {
                        expected: "total, d3 or d2",
                    },
                )
            })?,
            None => VitaminDForm::Total,
        };
        let Some(c) = self.cell(record, Field::VitaminD, pos)? else {
            return Ok(());
        };
        if is_below_limit(c.text) {
            below.vitamin_d = true;
            return Ok(());
        }
        let f = Field::VitaminD;
        let unit = match c.unit {
            Some(Unit::Concentration(u)) => Some(u),
            _ => None,
        };
        let conc = Concentration::parse_with_default(c.text, unit)
            .map_err(|e| err(f, c.text, problem(e, f, example(f))))?;
        sample.vitamin_d = Some(VitaminD::new(conc, form).map_err(|e| {
            let p = match e {
                VitaminDError::Unit(_) => Problem::VitaminDUnit,
                other => Problem::Interpretation(other.to_string()),
            };
            err(f, c.text, p)
        })?);
        Ok(())
    }

    fn zonulin(
        &self,
        record: &ByteRecord,
        pos: Position,
        sample: &mut Sample,
        below: &mut BelowLimit,
        err: &dyn Fn(Field, &str, Problem) -> RowError,
    ) -> Result<(), RowError> {
        if let Some(c) = self.cell(record, Field::HpGenotype, pos)? {
            let g = c.text.parse::<HpGenotype>().map_err(|_| {
                err(
                    Field::HpGenotype,
                    c.text,
                    Problem::NotOneOf {
                        expected: "1-1, 2-1 or 2-2",
                    },
                )
            })?;
            sample.hp_genotype = Some(g);
        }
        let matrix = match self.cell(record, Field::ZonulinMatrix, pos)? {
            Some(c) => Some(
                Matrix::from_key(c.text)
                    .filter(|m| *m != Matrix::Urine)
                    .ok_or_else(|| {
                        err(
                            Field::ZonulinMatrix,
                            c.text,
                            Problem::NotOneOf {
                                expected: "serum or stool",
                            },
                        )
                    })?,
            ),
            None => None,
        };
        let Some(c) = self.cell(record, Field::Zonulin, pos)? else {
            return Ok(());
        };
        if is_below_limit(c.text) {
            below.zonulin = true;
            return Ok(());
        }
        let f = Field::Zonulin;
        let unit = match c.unit {
            Some(Unit::Zonulin(u)) => Some(u),
            _ => None,
        };
        let z = Zonulin::parse(c.text, unit, matrix).map_err(|e| {
            let p = match e {
                ZonulinError::Value(u) => problem(u, f, example(f)),
                ZonulinError::Unit { unit, .. } => Problem::UnknownUnit {
                    unit,
                    expected: expected_units(UnitKind::Zonulin),
                },
                ZonulinError::MissingMatrix(_) => Problem::MissingMatrix,
                ZonulinError::UnitMatrix { .. } => Problem::UnitMatrix,
                other => Problem::Interpretation(other.to_string()),
            };
            err(f, c.text, p)
        })?;
        sample.zonulin = Some(z);
        Ok(())
    }

    /// Reads the timed fractions given in the header (wide format) into `sample.fractions`; a
    /// row with a whole collection and no fraction value keeps no fractions.
    fn fractions(
        &self,
        record: &ByteRecord,
        pos: Position,
        sample: &mut Sample,
    ) -> Result<(), RowError> {
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
            let err = |slot: &Slot, part: FractionPart, text: &str, e: Option<UnitError>| {
                let field = match part {
                    FractionPart::Volume => Field::UrineVolume,
                    FractionPart::Urine(s) => Field::Urine(s),
                };
                let problem = match e {
                    Some(UnitError::MissingUnit { .. }) => Problem::MissingUnit {
                        name: format!("{}_{}", field.name(), slots.label),
                        expected: expected_units(field.unit_kind()),
                    },
                    Some(e) => problem(e, field, example(field)),
                    None => Problem::NotUtf8,
                };
                RowError {
                    pos,
                    column: Some(slot.label(field)),
                    value: text.to_string(),
                    problem,
                }
            };
            if let Some(slot) = &slots.volume {
                if let Some(c) = self.slot_cell(record, slot, UnitKind::Volume, pos)? {
                    let v = Volume::parse_with_default(c.text, volume_unit(c.unit))
                        .map_err(|e| err(slot, FractionPart::Volume, c.text, Some(e)))?;
                    f.volume = Some(v);
                    any = true;
                }
            }
            for (sugar, slot) in slots.urine.iter() {
                let part = FractionPart::Urine(sugar);
                if let Some(c) = self.slot_cell(record, slot, UnitKind::Concentration, pos)? {
                    let r = UrineResult::parse(c.text, concentration_unit(c.unit))
                        .map_err(|e| err(slot, part, c.text, Some(e)))?;
                    f.urine.set(sugar, Some(r));
                    any = true;
                }
            }
        }
        if !any && (!sample.urine.is_empty() || sample.urine_volume.is_some()) {
            sample.fractions.clear();
        }
        Ok(())
    }

    /// The raw bytes of a text field in this row (`None` when the input does not have it).
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
        field: Field,
        pos: Position,
    ) -> Result<Option<Cell<'r>>, RowError> {
        let Some(slot) = self.layout.slot(field) else {
            return Ok(None);
        };
        self.slot_cell_named(record, slot, field, field.unit_kind(), pos)
    }

    /// [`Self::cell`] for a slot that is not one of the layout's fields (a fraction column).
    fn slot_cell<'r>(
        &'r self,
        record: &'r ByteRecord,
        slot: &'r Slot,
        kind: UnitKind,
        pos: Position,
    ) -> Result<Option<Cell<'r>>, RowError> {
        let field = match kind {
            UnitKind::Volume => Field::UrineVolume,
            _ => Field::Urine(Sugar::Lactulose),
        };
        self.slot_cell_named(record, slot, field, kind, pos)
    }

    fn slot_cell_named<'r>(
        &'r self,
        record: &'r ByteRecord,
        slot: &'r Slot,
        field: Field,
        kind: UnitKind,
        pos: Position,
    ) -> Result<Option<Cell<'r>>, RowError> {
        let text = match &slot.source {
            Source::Fixed(v) => v.as_str(),
            Source::Column { index, .. } => {
                utf8(record.get(*index).unwrap_or_default(), pos, slot, field)?
            }
        };
        let text = crate::units::trim(text);
        if is_missing(text) {
            return Ok(None);
        }
        let mut unit = slot.unit;
        if let Some(uc) = slot.unit_column {
            let raw = record.get(uc).unwrap_or_default();
            let u = std::str::from_utf8(raw).unwrap_or("\u{fffd}").trim();
            if !is_missing(u) {
                unit = Some(Unit::parse(kind, u).ok_or_else(|| RowError {
                    pos,
                    column: slot.unit_header.clone(),
                    value: u.to_string(),
                    problem: Problem::UnknownUnit {
                        unit: u.to_string(),
                        expected: expected_units(kind),
                    },
                })?);
            }
        }
        Ok(Some(Cell { text, unit }))
    }
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
    use approx::assert_relative_eq;

    const POS: Position = Position { row: 12, line: 13 };

    fn read(header: &[&str], row: &[&str]) -> Result<(Sample, BelowLimit), RowError> {
        let layout = Layout::resolve(header, &ColumnMap::default()).unwrap();
        let reader = RowReader::new(&layout, None);
        let mut s = Sample::default();
        let mut b = BelowLimit::default();
        reader.read(&ByteRecord::from(row.to_vec()), POS, &mut s, &mut b)?;
        Ok((s, b))
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
        assert!(s.protocol.age_years.is_none());
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
            Problem::DecimalComma {
                suggestion: "12.5".into()
            }
        );
        let e = read(&["urine_lactulose"], &["12.5"]).unwrap_err();
        assert!(
            matches!(e.problem, Problem::MissingUnit { ref name, .. } if name == "urine_lactulose")
        );
        let e = read(&["lactulose_dose [g]"], &["0"]).unwrap_err();
        assert_eq!(e.problem, Problem::ZeroDose);
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
        assert_eq!(
            b,
            BelowLimit {
                vitamin_d: true,
                zonulin: true
            }
        );
    }

    #[test]
    fn age_in_months() {
        let (s, _) = read(&["age [months]"], &["18"]).unwrap();
        assert_relative_eq!(s.protocol.age_years.unwrap(), 1.5);
    }
}
