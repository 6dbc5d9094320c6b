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

use crate::units::{ConcentrationUnit, DurationUnit, MassUnit, VolumeUnit};
use crate::zonulin::ZonulinUnit;

/// An input field `lmr batch` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// Urine lactulose concentration.
    UrineLactulose,
    /// Urine mannitol concentration.
    UrineMannitol,
    /// Urine volume collected.
    UrineVolume,
    /// Oral lactulose dose.
    LactuloseDose,
    /// Oral mannitol dose.
    MannitolDose,
    /// Oral sucrose dose (the Dutch sugar absorption test drinks 40 g with lactulose and
    /// mannitol; its range is declared for that protocol).
    SucroseDose,
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
}

/// The kind of unit a field takes.
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
}

impl Field {
    /// Every field, in the order of the canonical column list.
    pub const ALL: [Field; 14] = [
        Field::UrineLactulose,
        Field::UrineMannitol,
        Field::UrineVolume,
        Field::LactuloseDose,
        Field::MannitolDose,
        Field::SucroseDose,
        Field::Collection,
        Field::Age,
        Field::Sex,
        Field::Zonulin,
        Field::ZonulinMatrix,
        Field::HpGenotype,
        Field::VitaminD,
        Field::VitaminDForm,
    ];

    /// The number of fields.
    pub const COUNT: usize = Field::ALL.len();

    /// The canonical column name.
    pub fn name(self) -> &'static str {
        match self {
            Field::UrineLactulose => "urine_lactulose",
            Field::UrineMannitol => "urine_mannitol",
            Field::UrineVolume => "urine_volume",
            Field::LactuloseDose => "lactulose_dose",
            Field::MannitolDose => "mannitol_dose",
            Field::SucroseDose => "sucrose_dose",
            Field::Collection => "collection",
            Field::Age => "age",
            Field::Sex => "sex",
            Field::Zonulin => "zonulin",
            Field::ZonulinMatrix => "zonulin_matrix",
            Field::HpGenotype => "hp_genotype",
            Field::VitaminD => "vitamin_d",
            Field::VitaminDForm => "vitamin_d_form",
        }
    }

    /// Looks a canonical name up (ASCII case ignored).
    pub fn from_name(name: &str) -> Option<Field> {
        let name = name.trim();
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// The kind of unit the field takes.
    pub fn unit_kind(self) -> UnitKind {
        match self {
            Field::UrineLactulose | Field::UrineMannitol | Field::VitaminD => {
                UnitKind::Concentration
            }
            Field::UrineVolume => UnitKind::Volume,
            Field::LactuloseDose | Field::MannitolDose | Field::SucroseDose => UnitKind::Mass,
            Field::Collection => UnitKind::Duration,
            Field::Age => UnitKind::Age,
            Field::Zonulin => UnitKind::Zonulin,
            Field::Sex | Field::ZonulinMatrix | Field::HpGenotype | Field::VitaminDForm => {
                UnitKind::None
            }
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A unit for age: years or months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgeUnit {
    /// Years.
    Years,
    /// Months (divided by 12).
    Months,
}

impl AgeUnit {
    /// Looks a spelling up: `y`, `yr`, `years`, `mo`, `months`, … (ASCII case ignored).
    pub fn lookup(text: &str) -> Option<AgeUnit> {
        let t = text.trim();
        let any = |list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(t));
        if any(&["y", "yr", "yrs", "year", "years", "a"]) {
            Some(AgeUnit::Years)
        } else if any(&["mo", "mos", "month", "months"]) {
            Some(AgeUnit::Months)
        } else {
            None
        }
    }

    /// Years per unit.
    pub fn years(self) -> f64 {
        match self {
            AgeUnit::Years => 1.0,
            AgeUnit::Months => 1.0 / 12.0,
        }
    }
}

/// A unit a bare number in a column takes.
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
    }
}

impl Unit {
    /// Parses a unit spelling for a kind of field; `None` when it is not one of its units.
    pub fn parse(kind: UnitKind, text: &str) -> Option<Unit> {
        match kind {
            UnitKind::None => None,
            UnitKind::Concentration => ConcentrationUnit::lookup(text).map(Unit::Concentration),
            UnitKind::Volume => VolumeUnit::lookup(text).map(Unit::Volume),
            UnitKind::Mass => MassUnit::lookup(text).map(Unit::Mass),
            UnitKind::Duration => DurationUnit::lookup(text).map(Unit::Duration),
            UnitKind::Age => AgeUnit::lookup(text).map(Unit::Age),
            UnitKind::Zonulin => ZonulinUnit::lookup(text).map(Unit::Zonulin),
        }
    }
}

/// A header or column map that cannot be used. Fatal: nothing is read.
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
}

/// A column map that cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnMapError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML or not the map format.
    #[error("{path}: {message}")]
    Format {
        /// The path.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// One entry of a column map: the lab's header mapped to a field, with an optional unit.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum MapEntry {
    /// `"LAC" = "urine_lactulose"`
    Name(String),
    /// `"LAC" = { field = "urine_lactulose", unit = "mg/L" }`
    Full {
        field: String,
        #[serde(default)]
        unit: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
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
    /// (lab header, field, unit) in file order.
    columns: Vec<(String, Field, Option<Unit>)>,
    /// (lab header, field) of per-row unit columns.
    unit_columns: Vec<(String, Field)>,
    /// Fixed values per field.
    values: [Option<String>; Field::COUNT],
}

/// The field a `<name>_unit` column gives the unit of.
fn unit_column_field(name: &str) -> Option<Field> {
    let name = name.trim();
    let cut = name.len().checked_sub("_unit".len())?;
    let (field, suffix) = (name.get(..cut)?, name.get(cut..)?);
    if !suffix.eq_ignore_ascii_case("_unit") {
        return None;
    }
    Field::from_name(field).filter(|f| f.unit_kind() != UnitKind::None)
}

impl ColumnMap {
    /// Reads a map from a TOML file.
    ///
    /// # Errors
    /// [`ColumnMapError`] when the file cannot be read or is not a valid map.
    pub fn from_path(path: &Path) -> Result<ColumnMap, ColumnMapError> {
        let text = std::fs::read_to_string(path).map_err(|source| ColumnMapError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// Reads a map from TOML text; `origin` names it in errors.
    ///
    /// # Errors
    /// [`ColumnMapError::Format`] for invalid TOML, an unknown field name, a unit the field does
    /// not take, or a header mapped twice.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<ColumnMap, ColumnMapError> {
        let bad = |message: String| ColumnMapError::Format {
            path: origin.to_string(),
            message,
        };
        let file: MapFile = toml::from_str(text).map_err(|e| bad(e.message().to_string()))?;
        let field = |name: &str, key: &str| {
            Field::from_name(name).ok_or_else(|| {
                bad(format!(
                    "{key:?}: unknown field {name:?} (expected one of {})",
                    canonical_list()
                ))
            })
        };
        let mut map = ColumnMap::default();
        for (header, entry) in file.columns {
            let (name, unit) = match entry {
                MapEntry::Name(n) => (n, None),
                MapEntry::Full { field, unit } => (field, unit),
            };
            if let Some(f) = unit_column_field(&name).filter(|_| Field::from_name(&name).is_none())
            {
                if unit.is_some() {
                    return Err(bad(format!("{header:?}: a unit column takes no unit")));
                }
                map.unit_columns.push((header, f));
                continue;
            }
            let f = field(&name, &header)?;
            let unit = match unit {
                None => None,
                Some(u) => Some(Unit::parse(f.unit_kind(), &u).ok_or_else(|| {
                    bad(format!(
                        "{header:?}: unit {u:?} is not a unit of {f} (expected one of {})",
                        expected_units(f.unit_kind())
                    ))
                })?),
            };
            if map
                .columns
                .iter()
                .any(|(h, _, _)| h.trim().eq_ignore_ascii_case(header.trim()))
            {
                return Err(bad(format!("{header:?} is mapped twice")));
            }
            map.columns.push((header, f, unit));
        }
        for (name, value) in file.values {
            let f = field(&name, &name)?;
            map.values[f.index()] = Some(value);
        }
        Ok(map)
    }

    /// The fixed value for a field, if the map sets one.
    pub fn fixed_value(&self, field: Field) -> Option<&str> {
        self.values[field.index()].as_deref()
    }

    fn lookup_unit_column(&self, header: &str) -> Option<Field> {
        let h = header.trim();
        self.unit_columns
            .iter()
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(h))
            .map(|(_, f)| *f)
    }

    fn lookup(&self, header: &str) -> Option<(Field, Option<Unit>)> {
        let h = header.trim();
        self.columns
            .iter()
            .find(|(name, _, _)| name.trim().eq_ignore_ascii_case(h))
            .map(|(_, f, u)| (*f, *u))
    }
}

fn canonical_list() -> String {
    Field::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a field's value comes from.
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
    pub fn label(&self, field: Field) -> String {
        match &self.source {
            Source::Column { header, .. } => header.clone(),
            Source::Fixed(_) => format!("{} (column map [values])", field.name()),
        }
    }
}

/// The resolved header: per field, where it is read from.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    slots: [Option<Slot>; Field::COUNT],
    width: usize,
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

impl Layout {
    /// Resolves a header row (UTF-8 decoded lossily) against the canonical names and `map`.
    ///
    /// # Errors
    /// [`HeaderError`] for an unknown unit in brackets, a field given twice, or a header in
    /// which nothing is recognised.
    ///
    /// # Example
    /// ```
    /// use lmr::batch::{ColumnMap, Field, Layout};
    /// let header = ["id", "urine_volume [mL]", "urine_lactulose", "urine_lactulose_unit"];
    /// let layout = Layout::resolve(&header, &ColumnMap::default())?;
    /// assert_eq!(layout.width(), 4);
    /// assert!(layout.slot(Field::UrineVolume).is_some());
    /// assert_eq!(layout.slot(Field::UrineLactulose).unwrap().unit_column, Some(3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve<S: AsRef<str>>(header: &[S], map: &ColumnMap) -> Result<Layout, HeaderError> {
        let mut layout = Layout {
            width: header.len(),
            ..Layout::default()
        };
        let mut unit_columns: [Option<usize>; Field::COUNT] = [None; Field::COUNT];
        for (index, raw) in header.iter().enumerate() {
            let raw = raw.as_ref();
            let column = index + 1;
            let (field, unit) = if let Some((f, u)) = map.lookup(raw) {
                (f, u)
            } else {
                let (name, unit_text) = split_header(raw);
                if let Some(f) = Field::from_name(name) {
                    let unit = match unit_text {
                        None | Some("") => None,
                        Some(u) if f.unit_kind() == UnitKind::None => {
                            let _ = u;
                            return Err(HeaderError::UnitNotAllowed {
                                column,
                                header: raw.to_string(),
                                field: f,
                            });
                        }
                        Some(u) => Some(Unit::parse(f.unit_kind(), u).ok_or_else(|| {
                            HeaderError::UnknownUnit {
                                column,
                                header: raw.to_string(),
                                unit: u.to_string(),
                                field: f,
                                expected: expected_units(f.unit_kind()),
                            }
                        })?),
                    };
                    (f, unit)
                } else if let Some(f) = map
                    .lookup_unit_column(raw)
                    .or_else(|| unit_column_field(name))
                {
                    if let Some(first) = unit_columns[f.index()] {
                        return Err(HeaderError::Duplicate {
                            field: f,
                            first: format!(
                                "unit column {} ({:?})",
                                first + 1,
                                header[first].as_ref()
                            ),
                            second: format!("unit column {column} ({raw:?})"),
                        });
                    }
                    unit_columns[f.index()] = Some(index);
                    continue;
                } else {
                    continue;
                }
            };
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
            layout.slots[field.index()] = Some(Slot {
                source: Source::Column {
                    index,
                    header: raw.to_string(),
                },
                unit,
                unit_column: None,
                unit_header: None,
            });
        }
        for f in Field::ALL {
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
        for f in Field::ALL {
            if let (Some(slot), Some(u)) = (&mut layout.slots[f.index()], unit_columns[f.index()]) {
                slot.unit_column = Some(u);
                slot.unit_header = Some(header[u].as_ref().to_string());
            }
        }
        let any_column = layout
            .slots
            .iter()
            .flatten()
            .any(|s| matches!(s.source, Source::Column { .. }));
        if !any_column {
            let found = header
                .iter()
                .take(12)
                .map(|h| format!("{:?}", h.as_ref()))
                .collect::<Vec<_>>()
                .join(", ");
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
    pub fn slot(&self, field: Field) -> Option<&Slot> {
        self.slots[field.index()].as_ref()
    }

    /// The number of columns in the header.
    pub fn width(&self) -> usize {
        self.width
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
        let s = l.slot(Field::UrineLactulose).unwrap();
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
            l.slot(Field::UrineLactulose).unwrap().unit,
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
}
