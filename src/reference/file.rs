//! Reading and validating one range file (`docs/range-format.md`).

use std::collections::BTreeMap;

use super::doc::{
    AgeDoc, AppliesDoc, BandDoc, BoundDoc, FileDoc, ProtocolDoc, RangeDoc, SourceDoc,
    ZscoreCellDoc, ZscoreTableDoc,
};
use super::problem::{RangeProblem, Word};
use super::{
    Analyte, Applicability, Band, Bound, CollectionWindow, Matrix, ProtocolPart, RangeUnit,
    ReferenceRange, Selection, Source, Span, Statement, Verification,
};
use crate::protocol::{Dose, NamedProtocol, Sex, SugarMap};
use crate::sugar::{DoseForm, Sugar};
use crate::units::{Age, ConcentrationUnit, Duration, Mass};
use crate::zscore::{
    is_zscore_analyte, valid_id, AgeBand, Cell, CellSex, Scale, TableError, TableSpec, ZscoreTable,
};

/// Default relative distance from a bound that counts as "near" it: about the conversion rounding
/// between 2.5 and 2.496 nmol/L per ng/mL (0.16 %), which the conversion with the 25(OH)D3 molar mass (400.64 g/mol) implies
/// flagging ("within conversion rounding (about 0.2%)").
const DEFAULT_NEAR_BOUNDARY_RELATIVE: f64 = 0.002;

/// The most bytes a user's range file may have: ample for any real file (the shipped ones are
/// under 4 KiB), and bounds the memory parsing one takes.
///
/// ```
/// assert_eq!(lmr::reference::MAX_RANGE_FILE_BYTES, 1_048_576); // 1 MiB = 2²⁰ bytes
/// ```
pub const MAX_RANGE_FILE_BYTES: u64 = 1 << 20;

/// The most bands one range may have.
///
/// ```
/// assert_eq!(lmr::reference::MAX_BANDS, 64);
/// ```
pub const MAX_BANDS: usize = 64;

/// A range file that cannot be used. The message names the file and the key.
///
/// ```
/// use lmr::reference::{RangeFileError, Registry};
///
/// let e = Registry::default().add_text("mine.toml", "schema = 1\n[[range]\n", true).unwrap_err();
/// assert!(matches!(&e, RangeFileError::Syntax { path, .. } if path == "mine.toml"));
/// assert!(e.to_string().starts_with("mine.toml: "));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RangeFileError {
    /// The file or directory could not be read.
    #[error("{path}: cannot read: {error}")]
    Io {
        /// The path.
        path: String,
        /// The cause (printed in the message, so not also a `source()`).
        error: std::io::Error,
    },
    /// The file is not valid TOML or has a key the format does not know.
    #[error("{path}: {message}")]
    Syntax {
        /// The path.
        path: String,
        /// The TOML parser's message (with line and column).
        message: String,
    },
    /// A key has a missing or invalid value.
    #[error("{path}: key `{key}`: {problem}")]
    Invalid {
        /// The path.
        path: String,
        /// The key, e.g. `range[iom-2011].band[2].upper`.
        key: String,
        /// What is wrong (boxed: it is large, and errors are rare).
        problem: Box<RangeProblem>,
    },
    /// The file is not a regular file, or is too large ([`MAX_RANGE_FILE_BYTES`]).
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// The file defines nothing: no range, protocol or z-score table.
    #[error("{path}: defines no range, protocol or zscore_table (an empty range file is an error, not a no-op)")]
    Empty {
        /// The path.
        path: String,
    },
    /// A `--ranges` directory with no `*.toml` file in it.
    #[error("{path}: no *.toml range file in this directory")]
    EmptyDirectory {
        /// The path.
        path: String,
    },
    /// Two ranges (or protocols) in the loaded files share an id.
    #[error("{path}: key `{key}`: duplicate id {id:?} (also in {other})")]
    DuplicateId {
        /// The path.
        path: String,
        /// The key.
        key: String,
        /// The id.
        id: String,
        /// The other file.
        other: String,
    },
}

/// Everything one file defines.
pub(crate) struct Parsed {
    pub ranges: Vec<ReferenceRange>,
    pub protocols: Vec<NamedProtocol>,
    pub zscore_tables: Vec<ZscoreTable>,
}

/// Builds errors for one file.
struct Ctx<'a> {
    path: &'a str,
}

impl Ctx<'_> {
    fn err(&self, key: impl Into<String>, problem: RangeProblem) -> RangeFileError {
        RangeFileError::Invalid {
            path: self.path.to_string(),
            key: key.into(),
            problem: Box::new(problem),
        }
    }

    fn unknown(&self, key: impl Into<String>, word: Word, value: &str) -> RangeFileError {
        let value = value.to_string();
        self.err(key, RangeProblem::Unknown { word, value })
    }

    fn required<T>(&self, v: Option<T>, key: &str) -> Result<T, RangeFileError> {
        v.ok_or_else(|| self.err(key, RangeProblem::Missing))
    }

    fn text(&self, v: Option<String>, key: &str) -> Result<String, RangeFileError> {
        let v = self.required(v, key)?;
        if v.trim().is_empty() {
            return Err(self.err(key, RangeProblem::Empty));
        }
        Ok(v)
    }

    fn status(&self, v: Option<&str>, key: &str) -> Result<Verification, RangeFileError> {
        match v {
            Some("verified") => Ok(Verification::Verified),
            Some("secondary") => Ok(Verification::Secondary),
            Some("local") => Ok(Verification::Local),
            Some("unverified") => Err(self.err(key, RangeProblem::Unverified)),
            Some(other) => Err(self.unknown(key, Word::Status, other)),
            None => Err(self.err(key, RangeProblem::Missing)),
        }
    }

    fn source(&self, doc: Option<SourceDoc>, key: &str) -> Result<Source, RangeFileError> {
        let doc = self.required(doc, key)?;
        let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let doi = nonempty(doc.doi);
        let url = nonempty(doc.url);
        let status = self.status(doc.status.as_deref(), &format!("{key}.status"))?;
        // A locally derived interval has no publication to point at: its citation names the
        // input file and the method instead.
        if doi.is_none() && url.is_none() && status != Verification::Local {
            return Err(self.err(format!("{key}.url"), RangeProblem::NoLink));
        }
        Ok(Source {
            citation: self.text(doc.citation, &format!("{key}.citation"))?,
            doi,
            url,
            quote: self.text(doc.quote, &format!("{key}.quote"))?,
            status,
            notes: nonempty(doc.notes),
        })
    }

    fn doses(
        &self,
        doses: BTreeMap<String, String>,
        forms: BTreeMap<String, String>,
        key: &str,
    ) -> Result<SugarMap<Dose>, RangeFileError> {
        let mut out = SugarMap::default();
        for (name, text) in doses {
            let k = format!("{key}.doses.{name}");
            let sugar: Sugar = name
                .parse()
                .map_err(|e| self.err(&k, RangeProblem::Sugar(e)))?;
            let mass: Mass = text
                .parse()
                .map_err(|e| self.err(&k, RangeProblem::Quantity(e)))?;
            out.set(sugar, Some(Dose::anhydrous(mass)));
        }
        for (name, form) in forms {
            let k = format!("{key}.dose_forms.{name}");
            let sugar: Sugar = name
                .parse()
                .map_err(|e| self.err(&k, RangeProblem::Sugar(e)))?;
            let form = match form.as_str() {
                "anhydrous" => DoseForm::Anhydrous,
                "monohydrate" => DoseForm::Monohydrate,
                other => return Err(self.unknown(&k, Word::DoseForm, other)),
            };
            let mass = out
                .get(sugar)
                .map(|d| d.mass)
                .ok_or_else(|| self.err(&k, RangeProblem::FormWithoutDose { sugar }))?;
            out.set(sugar, Some(Dose { mass, form }));
        }
        Ok(out)
    }

    fn duration(&self, v: Option<String>, key: &str) -> Result<Option<Duration>, RangeFileError> {
        v.map(|t| {
            t.parse()
                .map_err(|e| self.err(key, RangeProblem::Quantity(e)))
        })
        .transpose()
    }
}

/// Parses and validates one file's text. `path` is used in messages only.
pub(crate) fn parse(path: &str, text: &str) -> Result<Parsed, RangeFileError> {
    let doc = FileDoc::parse(path, text)?;
    let cx = Ctx { path };
    if let Some(s) = doc.schema {
        if s != 1 {
            return Err(cx.err("schema", RangeProblem::Schema { found: s }));
        }
    }
    let ranges = doc
        .range
        .into_iter()
        .enumerate()
        .map(|(i, r)| range(&cx, i, r))
        .collect::<Result<_, _>>()?;
    let protocols = doc
        .protocol
        .into_iter()
        .enumerate()
        .map(|(i, p)| protocol(&cx, i, p))
        .collect::<Result<_, _>>()?;
    let zscore_tables = doc
        .zscore_table
        .into_iter()
        .enumerate()
        .map(|(i, t)| zscore_table(&cx, i, t))
        .collect::<Result<_, _>>()?;
    Ok(Parsed {
        ranges,
        protocols,
        zscore_tables,
    })
}

fn range(cx: &Ctx<'_>, index: usize, doc: RangeDoc) -> Result<ReferenceRange, RangeFileError> {
    let id = cx.text(doc.id, &format!("range[{index}].id"))?;
    if !valid_id(&id) {
        return Err(cx.err(format!("range[{index}].id"), RangeProblem::InvalidId { id }));
    }
    let k = |key: &str| format!("range[{id}].{key}");
    let analyte_text = cx.text(doc.analyte, &k("analyte"))?;
    let analyte = Analyte::from_key(&analyte_text)
        .ok_or_else(|| cx.unknown(k("analyte"), Word::Analyte, &analyte_text))?;
    let unit_text = cx.text(doc.unit, &k("unit"))?;
    let unit = range_unit(analyte, &unit_text).ok_or_else(|| {
        let value = unit_text.clone();
        cx.err(k("unit"), RangeProblem::UnknownUnit { value, analyte })
    })?;
    let title = cx.text(doc.title, &k("title"))?;
    let selection = match cx.text(doc.selection, &k("selection"))?.as_str() {
        "automatic" => Selection::Automatic,
        "explicit" => Selection::Explicit,
        other => return Err(cx.unknown(k("selection"), Word::Selection, other)),
    };
    let near_boundary_relative = doc
        .near_boundary_relative
        .unwrap_or(DEFAULT_NEAR_BOUNDARY_RELATIVE);
    if !(near_boundary_relative.is_finite() && (0.0..0.5).contains(&near_boundary_relative)) {
        return Err(cx.err(
            k("near_boundary_relative"),
            RangeProblem::NearBoundary {
                value: near_boundary_relative,
            },
        ));
    }
    let source = cx.source(doc.source, &k("source"))?;
    let applies_to = applicability(
        cx,
        analyte,
        cx.required(doc.applies_to, &k("applies_to"))?,
        &k("applies_to"),
    )?;
    if unit == RangeUnit::NgPerG && applies_to.matrix != Matrix::Stool {
        return Err(cx.err(
            k("unit"),
            RangeProblem::StoolUnit {
                matrix: applies_to.matrix,
            },
        ));
    }
    let automatic_ok = !analyte.is_urine_sugar()
        || (applies_to.unstated.is_empty()
            && !applies_to.doses.is_empty()
            && applies_to.collection.is_some());
    if selection == Selection::Automatic && !automatic_ok {
        return Err(cx.err(k("selection"), RangeProblem::AutomaticUnstated));
    }
    if doc.band.len() > MAX_BANDS {
        return Err(cx.err(
            k("band"),
            RangeProblem::TooManyBands {
                count: doc.band.len(),
                limit: MAX_BANDS,
            },
        ));
    }
    let bands = doc
        .band
        .into_iter()
        .enumerate()
        .map(|(i, b)| band(cx, &k(&format!("band[{i}]")), source.status, b))
        .collect::<Result<Vec<_>, _>>()?;
    check_bands(cx, &k("band"), &bands)?;
    let statements = doc
        .statement
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(Statement {
                status: match s.status {
                    None => source.status,
                    Some(st) => cx.status(Some(&st), &k(&format!("statement[{i}].status")))?,
                },
                text: s.text,
            })
        })
        .collect::<Result<Vec<_>, RangeFileError>>()?;
    if bands.is_empty() && statements.is_empty() {
        return Err(cx.err(k("band"), RangeProblem::ClassifiesNothing));
    }
    Ok(ReferenceRange {
        id,
        analyte,
        unit,
        title,
        selection,
        near_boundary_relative,
        source,
        applies_to,
        bands,
        statements,
        origin: cx.path.to_string(),
    })
}

fn range_unit(analyte: Analyte, text: &str) -> Option<RangeUnit> {
    match analyte {
        Analyte::LmRatio | Analyte::LrRatio | Analyte::L13mRatio => {
            (text == "ratio").then_some(RangeUnit::Ratio)
        }
        Analyte::LactuloseRecoveryPct | Analyte::MannitolRecoveryPct => {
            (text == "%").then_some(RangeUnit::Percent)
        }
        Analyte::VitaminD25oh => match ConcentrationUnit::lookup(text)? {
            u @ (ConcentrationUnit::NmolPerL
            | ConcentrationUnit::NgPerMl
            | ConcentrationUnit::UgPerL) => Some(RangeUnit::Concentration(u)),
            _ => None,
        },
        Analyte::UrineVolume => (text == "mL").then_some(RangeUnit::Millilitres),
        Analyte::Zonulin => {
            if text.eq_ignore_ascii_case("ng/g") {
                return Some(RangeUnit::NgPerG);
            }
            match ConcentrationUnit::lookup(text)? {
                u @ (ConcentrationUnit::NgPerMl | ConcentrationUnit::UgPerL) => {
                    Some(RangeUnit::Concentration(u))
                }
                _ => None,
            }
        }
    }
}

fn applicability(
    cx: &Ctx<'_>,
    analyte: Analyte,
    doc: AppliesDoc,
    key: &str,
) -> Result<Applicability, RangeFileError> {
    let matrix_text = cx.text(doc.matrix, &format!("{key}.matrix"))?;
    let matrix = Matrix::from_key(&matrix_text)
        .ok_or_else(|| cx.unknown(format!("{key}.matrix"), Word::Matrix, &matrix_text))?;
    let allowed: &[Matrix] = match analyte {
        Analyte::VitaminD25oh => &[Matrix::Serum],
        Analyte::Zonulin => &[Matrix::Serum, Matrix::Stool],
        _ => &[Matrix::Urine],
    };
    if !allowed.contains(&matrix) {
        return Err(cx.err(
            format!("{key}.matrix"),
            RangeProblem::WrongMatrix { matrix, analyte },
        ));
    }
    let sex = match doc.sex.as_deref() {
        None | Some("any") => None,
        Some(s) => Some(
            s.parse::<Sex>()
                .map_err(|e| cx.err(format!("{key}.sex"), RangeProblem::Sex(e)))?,
        ),
    };
    let span = |doc: Option<AgeDoc>, name: &str| match doc {
        None => Ok(None),
        Some(AgeDoc { min, max }) => {
            if !(min.is_finite() && max.is_finite() && min >= 0.0 && min <= max) {
                return Err(cx.err(format!("{key}.{name}"), RangeProblem::Span { min, max }));
            }
            Ok(Some((min, max)))
        }
    };
    let age = span(doc.age_years, "age_years")?.map(|(min, max)| Span {
        min: Age::from_checked_years(min),
        max: Age::from_checked_years(max),
    });
    let collection_span = span(doc.collection_hours, "collection_hours")?.map(|(min, max)| Span {
        min: Duration::from_checked_hours(min),
        max: Duration::from_checked_hours(max),
    });
    let unstated = doc
        .unstated
        .iter()
        .map(|p| match p.as_str() {
            "doses" => Ok(ProtocolPart::Doses),
            "collection" => Ok(ProtocolPart::Collection),
            "age" => Ok(ProtocolPart::Age),
            "sex" => Ok(ProtocolPart::Sex),
            other => Err(cx.unknown(format!("{key}.unstated"), Word::ProtocolPart, other)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (doses, exact) = match doc.protocol {
        None => (SugarMap::default(), None),
        Some(p) => {
            if !analyte.is_urine_sugar() {
                return Err(cx.err(
                    format!("{key}.protocol"),
                    RangeProblem::NotUrineSugar { analyte },
                ));
            }
            let k = format!("{key}.protocol");
            (
                cx.doses(p.doses, p.dose_forms, &k)?,
                cx.duration(p.collection, &format!("{k}.collection"))?,
            )
        }
    };
    // One description of the collection: a range established with one window, or one that
    // applies to a span of windows; both at once would ask for two checks that disagree.
    let collection = match (exact, collection_span) {
        (Some(_), Some(_)) => {
            return Err(cx.err(
                format!("{key}.collection_hours"),
                RangeProblem::TwoCollections,
            ))
        }
        (Some(window), None) => Some(CollectionWindow::Exact(window)),
        (None, Some(span)) => Some(CollectionWindow::Within(span)),
        (None, None) => None,
    };
    Ok(Applicability {
        population: doc.population,
        matrix,
        method: doc.method,
        sex,
        age,
        unstated,
        doses,
        collection,
    })
}

fn band(
    cx: &Ctx<'_>,
    key: &str,
    default_status: Verification,
    doc: BandDoc,
) -> Result<Band, RangeFileError> {
    let label = cx.text(doc.label, &format!("{key}.label"))?;
    if !label
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(cx.err(format!("{key}.label"), RangeProblem::Label { label }));
    }
    let bound = |b: Option<BoundDoc>, which: &str| -> Result<Option<Bound>, RangeFileError> {
        match b {
            None => Ok(None),
            Some(b) if !b.value.is_finite() || b.value < 0.0 => Err(cx.err(
                format!("{key}.{which}.value"),
                RangeProblem::Bound { value: b.value },
            )),
            Some(b) => Ok(Some(Bound {
                value: b.value,
                inclusive: b.inclusive,
            })),
        }
    };
    let lower = bound(doc.lower, "lower")?;
    let upper = bound(doc.upper, "upper")?;
    if let (Some(l), Some(u)) = (lower, upper) {
        let empty = l.value > u.value || (l.value == u.value && !(l.inclusive && u.inclusive));
        if empty {
            return Err(cx.err(
                key,
                RangeProblem::EmptyBand {
                    lower: l.value,
                    upper: u.value,
                },
            ));
        }
    }
    let status = match doc.status {
        None => default_status,
        Some(s) => cx.status(Some(&s), &format!("{key}.status"))?,
    };
    Ok(Band {
        label,
        lower,
        upper,
        wording: doc.wording,
        status,
    })
}

/// Bands must cover [0, ∞) without gap or overlap, in increasing order.
fn check_bands(cx: &Ctx<'_>, key: &str, bands: &[Band]) -> Result<(), RangeFileError> {
    let (Some(first), Some(last)) = (bands.first(), bands.last()) else {
        return Ok(());
    };
    if let Some(l) = first.lower {
        if !(l.value == 0.0 && l.inclusive) {
            return Err(cx.err(
                format!("{key}[0].lower"),
                RangeProblem::GapFromZero { lower: l.value },
            ));
        }
    }
    if let Some(u) = last.upper {
        return Err(cx.err(
            format!("{key}[{}].upper", bands.len() - 1),
            RangeProblem::GapAbove { upper: u.value },
        ));
    }
    for (i, pair) in bands.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let k = format!("{key}[{}]", i + 1);
        let (Some(up), Some(lo)) = (a.upper, b.lower) else {
            return Err(cx.err(
                format!("{k}.lower"),
                RangeProblem::BandsDoNotMeet {
                    below: a.label.clone(),
                    above: b.label.clone(),
                },
            ));
        };
        if up.value < lo.value {
            return Err(cx.err(
                format!("{k}.lower"),
                RangeProblem::Gap {
                    from: up.value,
                    to: lo.value,
                },
            ));
        }
        if up.value > lo.value || (up.inclusive && lo.inclusive) {
            return Err(cx.err(
                format!("{k}.lower"),
                RangeProblem::Overlap {
                    value: lo.value,
                    below: a.label.clone(),
                    above: b.label.clone(),
                },
            ));
        }
        if !up.inclusive && !lo.inclusive {
            return Err(cx.err(
                format!("{k}.lower"),
                RangeProblem::NeitherInclusive { value: up.value },
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, b) in bands.iter().enumerate() {
        if !seen.insert(b.label.as_str()) {
            return Err(cx.err(
                format!("{key}[{i}].label"),
                RangeProblem::DuplicateLabel {
                    label: b.label.clone(),
                },
            ));
        }
    }
    Ok(())
}

fn protocol(cx: &Ctx<'_>, index: usize, doc: ProtocolDoc) -> Result<NamedProtocol, RangeFileError> {
    let id = cx.text(doc.id, &format!("protocol[{index}].id"))?;
    if !valid_id(&id) {
        return Err(cx.err(
            format!("protocol[{index}].id"),
            RangeProblem::InvalidId { id },
        ));
    }
    let k = |key: &str| format!("protocol[{id}].{key}");
    let doses = cx.doses(doc.doses, doc.dose_forms, &format!("protocol[{id}]"))?;
    let mut solutions = SugarMap::default();
    for (name, text) in doc.solutions {
        let key = k(&format!("solutions.{name}"));
        let sugar: Sugar = name
            .parse()
            .map_err(|e| cx.err(&key, RangeProblem::Sugar(e)))?;
        let strength: crate::protocol::Strength = text
            .parse()
            .map_err(|e| cx.err(&key, RangeProblem::Quantity(e)))?;
        solutions.set(sugar, Some(strength));
    }
    // a protocol whose dose is a drink may declare only the solution's strengths
    if doses.is_empty() && solutions.is_empty() {
        return Err(cx.err(k("doses"), RangeProblem::NoDoses));
    }
    Ok(NamedProtocol {
        solutions,
        title: cx.text(doc.title, &k("title"))?,
        collection: cx.duration(doc.collection, &k("collection"))?,
        population: doc.population,
        source: cx.source(doc.source, &k("source"))?,
        doses,
        origin: cx.path.to_string(),
        id,
    })
}

fn zscore_table(
    cx: &Ctx<'_>,
    index: usize,
    doc: ZscoreTableDoc,
) -> Result<ZscoreTable, RangeFileError> {
    let id = cx.text(doc.id, &format!("zscore_table[{index}].id"))?;
    if !valid_id(&id) {
        return Err(cx.err(
            format!("zscore_table[{index}].id"),
            RangeProblem::InvalidId { id },
        ));
    }
    let k = |key: &str| format!("zscore_table[{id}].{key}");
    let analyte_text = cx.text(doc.analyte, &k("analyte"))?;
    let analyte = Analyte::from_key(&analyte_text)
        .filter(|a| is_zscore_analyte(*a))
        .ok_or_else(|| cx.unknown(k("analyte"), Word::ZscoreAnalyte, &analyte_text))?;
    let unit_text = cx.text(doc.unit, &k("unit"))?;
    if range_unit(analyte, &unit_text).is_none() {
        let value = unit_text;
        return Err(cx.err(k("unit"), RangeProblem::UnknownUnit { value, analyte }));
    }
    let scale_text = cx.text(doc.scale, &k("scale"))?;
    let scale = Scale::from_key(&scale_text)
        .ok_or_else(|| cx.unknown(k("scale"), Word::Scale, &scale_text))?;
    let title = cx.text(doc.title, &k("title"))?;
    let source = cx.source(doc.source, &k("source"))?;
    let cells = doc
        .cell
        .into_iter()
        .enumerate()
        .map(|(i, c)| zscore_cell(cx, &k(&format!("cell[{i}]")), c))
        .collect::<Result<Vec<_>, _>>()?;
    let spec = TableSpec {
        id: id.clone(),
        analyte,
        scale,
        title,
        population: doc.population.filter(|p| !p.trim().is_empty()),
        source,
        cells,
    };
    ZscoreTable::new(spec, cx.path).map_err(|e| match e {
        TableError::NoCells => cx.err(k("cell"), RangeProblem::Table(e)),
        TableError::Overlap { index, .. } => cx.err(
            k(&format!("cell[{index}].age_years")),
            RangeProblem::Table(e),
        ),
        other => cx.err(format!("zscore_table[{id}]"), RangeProblem::Table(other)),
    })
}

fn zscore_cell(cx: &Ctx<'_>, key: &str, doc: ZscoreCellDoc) -> Result<Cell, RangeFileError> {
    let sex_text = cx.text(doc.sex, &format!("{key}.sex"))?;
    let sex = CellSex::from_key(&sex_text)
        .ok_or_else(|| cx.unknown(format!("{key}.sex"), Word::CellSex, &sex_text))?;
    let band = cx.required(doc.age_years, &format!("{key}.age_years"))?;
    let age = AgeBand::new(band.from, band.below).map_err(|e| {
        cx.err(
            format!("{key}.age_years"),
            RangeProblem::AgeBand {
                from: band.from,
                below: band.below,
                problem: e.problem,
            },
        )
    })?;
    let mean = cx.required(doc.mean, &format!("{key}.mean"))?;
    let sd = cx.required(doc.sd, &format!("{key}.sd"))?;
    let n = cx.required(doc.n, &format!("{key}.n"))?;
    let n = u64::try_from(n)
        .map_err(|_| cx.err(format!("{key}.n"), RangeProblem::NegativeCount { n }))?;
    Cell::new(sex, age, mean, sd, n)
        .map_err(|e| cx.err(format!("{key}.{}", e.key()), RangeProblem::Cell(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
schema = 1
[[range]]
id = "t-range"
analyte = "lm_ratio"
unit = "ratio"
title = "test"
selection = "explicit"
[range.source]
citation = "c"
url = "https://example.org"
quote = "q"
status = "verified"
[range.applies_to]
matrix = "urine"
unstated = ["collection"]
[range.applies_to.protocol]
doses = { lactulose = "5 g", mannitol = "2 g" }
[[range.band]]
label = "within"
upper = { value = 0.044, inclusive = false }
[[range.band]]
label = "above"
lower = { value = 0.044, inclusive = true }
"#;

    fn err(text: &str) -> String {
        match parse("t.toml", text) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_good_file_parses() {
        let p = parse("t.toml", GOOD).unwrap();
        assert_eq!(p.ranges.len(), 1);
        let r = &p.ranges[0];
        assert_eq!(r.band_label(r.classify(0.0439)), "within");
        assert_eq!(r.band_label(r.classify(0.044)), "above");
    }

    #[test]
    fn gap_is_refused_naming_file_and_key() {
        let text = GOOD.replace(
            "lower = { value = 0.044, inclusive = true }",
            "lower = { value = 0.05, inclusive = true }",
        );
        assert_eq!(
            err(&text),
            "t.toml: key `range[t-range].band[1].lower`: gap: values between 0.044 and 0.05 fall in no band"
        );
    }

    #[test]
    fn overlap_is_refused() {
        let text = GOOD.replace(
            "upper = { value = 0.044, inclusive = false }",
            "upper = { value = 0.044, inclusive = true }",
        );
        assert!(err(&text).contains("overlap: 0.044 is in both \"within\" and \"above\""));
    }

    #[test]
    fn missing_source_is_refused() {
        let start = GOOD.find("[range.source]").unwrap();
        let end = GOOD.find("[range.applies_to]").unwrap();
        let text = format!("{}{}", &GOOD[..start], &GOOD[end..]);
        assert_eq!(
            err(&text),
            "t.toml: key `range[t-range].source`: missing (required)"
        );
    }

    #[test]
    fn unknown_unit_and_analyte_are_refused() {
        assert!(err(&GOOD.replace("unit = \"ratio\"", "unit = \"mg/L\""))
            .contains("key `range[t-range].unit`: unknown unit \"mg/L\" for lm_ratio"));
        assert!(
            err(&GOOD.replace("analyte = \"lm_ratio\"", "analyte = \"calprotectin\""))
                .contains("key `range[t-range].analyte`: unknown analyte \"calprotectin\"")
        );
    }

    #[test]
    fn unverified_is_refused() {
        assert!(
            err(&GOOD.replace("status = \"verified\"", "status = \"unverified\"")).contains(
                "key `range[t-range].source.status`: \"unverified\" values are never shipped"
            )
        );
    }

    #[test]
    fn local_status_is_accepted_without_doi_or_url() {
        let text = GOOD
            .replace("status = \"verified\"", "status = \"local\"")
            .replace("url = \"https://example.org\"\n", "");
        let p = parse("t.toml", &text).unwrap();
        assert_eq!(p.ranges[0].source.status, Verification::Local);
        assert_eq!(p.ranges[0].source.status.key(), "local");
        assert!(p.ranges[0].source.url.is_none());
    }

    #[test]
    fn published_statuses_still_need_doi_or_url() {
        let text = GOOD.replace("url = \"https://example.org\"\n", "");
        assert!(err(&text).contains(
            "key `range[t-range].source.url`: missing: a source needs a doi or a url (only status \"local\" may omit both)"
        ));
        assert!(
            err(&GOOD.replace("status = \"verified\"", "status = \"mine\"")).contains(
                "unknown status \"mine\" (expected \"verified\", \"secondary\" or \"local\")"
            )
        );
    }

    #[test]
    fn automatic_needs_a_stated_protocol() {
        assert!(
            err(&GOOD.replace("selection = \"explicit\"", "selection = \"automatic\"")).contains(
                "key `range[t-range].selection`: \"automatic\" needs a fully stated protocol"
            )
        );
    }

    #[test]
    fn wrong_matrix_is_refused() {
        assert!(
            err(&GOOD.replace("matrix = \"urine\"", "matrix = \"serum\"")).contains(
                "key `range[t-range].applies_to.matrix`: serum is not a matrix for lm_ratio"
            )
        );
    }

    #[test]
    fn inverted_band_is_refused() {
        let text = GOOD.replace(
            "label = \"above\"\nlower = { value = 0.044, inclusive = true }",
            "label = \"above\"\nlower = { value = 0.044, inclusive = true }\nupper = { value = 0.01, inclusive = true }",
        );
        assert!(err(&text).contains("inverted or empty band"));
    }

    #[test]
    fn syntax_errors_name_the_file() {
        assert!(err("[[range]\n").starts_with("t.toml: "));
        assert!(err("bogus = 1\n").contains("unknown field `bogus`"));
    }
}
