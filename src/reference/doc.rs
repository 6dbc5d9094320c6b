//! The range-file document (`docs/range-format.md`) as serde types: the one description of the
//! format that the loader reads and every writer (reference intervals, z-score tables, merging)
//! writes. Every field the format allows is optional here so that the loader, not the parser,
//! names a missing key; validation lives in `file.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml_edit::visit_mut::{self, VisitMut};

use super::RangeFileError;

/// A whole range file.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileDoc {
    pub schema: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub range: Vec<RangeDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protocol: Vec<ProtocolDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zscore_table: Vec<ZscoreTableDoc>,
}

/// `[[range]]`: one reference range.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RangeDoc {
    pub id: Option<String>,
    pub analyte: Option<String>,
    pub unit: Option<String>,
    pub title: Option<String>,
    pub selection: Option<String>,
    pub near_boundary_relative: Option<f64>,
    pub source: Option<SourceDoc>,
    pub applies_to: Option<AppliesDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub band: Vec<BandDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statement: Vec<StatementDoc>,
}

/// `source`: where a range, protocol or table comes from.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceDoc {
    pub citation: Option<String>,
    pub doi: Option<String>,
    pub url: Option<String>,
    pub quote: Option<String>,
    pub status: Option<String>,
    pub notes: Option<String>,
}

/// `[range.applies_to]`: the population, specimen and protocol a range covers.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppliesDoc {
    pub population: Option<String>,
    pub matrix: Option<String>,
    pub method: Option<String>,
    pub sex: Option<String>,
    pub age_years: Option<AgeDoc>,
    pub collection_hours: Option<AgeDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unstated: Vec<String>,
    pub protocol: Option<ProtocolSpecDoc>,
}

/// `{ min, max }`, both ends inclusive.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgeDoc {
    pub min: f64,
    pub max: f64,
}

/// `[range.applies_to.protocol]`: the doses and window a range's source used.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProtocolSpecDoc {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub doses: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dose_forms: BTreeMap<String, String>,
    pub collection: Option<String>,
}

/// One end of a band.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BoundDoc {
    pub value: f64,
    pub inclusive: bool,
}

/// `[[range.band]]`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandDoc {
    pub label: Option<String>,
    pub lower: Option<BoundDoc>,
    pub upper: Option<BoundDoc>,
    pub wording: Option<String>,
    pub status: Option<String>,
}

/// `[[range.statement]]`: a sourced sentence shown with the range.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatementDoc {
    pub text: String,
    pub status: Option<String>,
}

/// `[[protocol]]`: a named test protocol.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProtocolDoc {
    pub id: Option<String>,
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub doses: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dose_forms: BTreeMap<String, String>,
    /// The test solution's strength per sugar (the dose is then the volume drunk × strength).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub solutions: BTreeMap<String, String>,
    pub collection: Option<String>,
    pub population: Option<String>,
    pub source: Option<SourceDoc>,
}

/// `[[zscore_table]]`: a z-score reference table.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ZscoreTableDoc {
    pub id: Option<String>,
    pub analyte: Option<String>,
    pub unit: Option<String>,
    pub scale: Option<String>,
    pub title: Option<String>,
    pub population: Option<String>,
    pub source: Option<SourceDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cell: Vec<ZscoreCellDoc>,
}

/// `[[zscore_table.cell]]`: one sex and age band.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ZscoreCellDoc {
    pub sex: Option<String>,
    pub age_years: Option<AgeBandDoc>,
    pub n: Option<i64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
}

/// A half-open age band, `from ≤ age < below`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgeBandDoc {
    pub from: f64,
    pub below: f64,
}

impl From<&crate::source::Source> for SourceDoc {
    fn from(s: &crate::source::Source) -> Self {
        SourceDoc {
            citation: Some(s.citation.clone()),
            doi: s.doi.clone(),
            url: s.url.clone(),
            quote: Some(s.quote.clone()),
            status: Some(s.status.key().into()),
            notes: s.notes.clone(),
        }
    }
}

impl FileDoc {
    /// Parses a range file's text; `path` names it in the error.
    pub(crate) fn parse(path: &str, text: &str) -> Result<FileDoc, RangeFileError> {
        toml::from_str(text).map_err(|e| RangeFileError::Syntax {
            path: path.to_string(),
            message: e.to_string().trim_end().replace('\n', "\n  "),
        })
    }

    /// The file as TOML, after `comment`: each line of it becomes a `# ` line at the top.
    ///
    /// This is the one place written range files get comments. TOML's data model has none, so
    /// serde cannot carry them; a written file says in its first lines what wrote it and how to
    /// use it. Small value tables (bounds, age bands, dose maps: [`INLINE`]) are written inline
    /// as `docs/range-format.md` shows them; every other table gets its own `[header]`.
    pub(crate) fn to_toml(&self, comment: &[String]) -> String {
        let mut out: String = comment.iter().map(|c| format!("# {c}\n")).collect();
        // Only strings, numbers, booleans, string-keyed maps and arrays of them are serialised:
        // the serializer fails on none of these, so there is no error to report.
        let Ok(mut doc) = toml_edit::ser::to_document(self) else {
            unreachable!("a range-file document always serialises");
        };
        Layout { in_value: false }.visit_document_mut(&mut doc);
        out.push_str(&doc.to_string());
        out
    }
}

/// Keys whose tables are written inline (`lower = { value = 0.01, inclusive = true }`).
const INLINE: &[&str] = &[
    "lower",
    "upper",
    "age_years",
    "collection_hours",
    "doses",
    "dose_forms",
    "solutions",
];

/// Turns the serializer's inline tables into `[table]` / `[[array]]` sections, except [`INLINE`].
struct Layout {
    in_value: bool,
}

impl VisitMut for Layout {
    fn visit_table_like_kv_mut(&mut self, key: toml_edit::KeyMut<'_>, node: &mut toml_edit::Item) {
        if self.in_value || INLINE.contains(&key.get()) {
            let outer = std::mem::replace(&mut self.in_value, true);
            visit_mut::visit_item_mut(self, node);
            self.in_value = outer;
        } else {
            let item = std::mem::take(node);
            let item = item.into_table().map_or_else(|i| i, toml_edit::Item::Table);
            *node = item
                .into_array_of_tables()
                .map_or_else(|i| i, toml_edit::Item::ArrayOfTables);
            visit_mut::visit_item_mut(self, node);
        }
    }

    fn visit_table_mut(&mut self, node: &mut toml_edit::Table) {
        // A table holding only tables needs no header of its own.
        node.set_implicit(true);
        visit_mut::visit_table_mut(self, node);
    }
}

/// Several range files as one: their ranges, protocols and z-score tables in order, and the
/// distinct lines of their leading comments. `files` are `(name, text)` pairs; the name is used
/// in messages.
///
/// Every file is validated as [`Registry::add_text`](super::Registry::add_text) does, and the ids
/// must be distinct across the files, so the merged file loads.
///
/// ```
/// use lmr::reference::{merge_range_files, Registry};
/// let range = |id: &str| format!(r#"
/// ## written by hand
/// schema = 1
/// [[range]]
/// id = "{id}"
/// analyte = "zonulin"
/// unit = "ng/mL"
/// title = "Example"
/// selection = "explicit"
/// [range.source]
/// citation = "synthetic example"
/// quote = "invented numbers"
/// status = "local"
/// [range.applies_to]
/// matrix = "serum"
/// [[range.band]]
/// label = "below"
/// upper = {{ value = 30, inclusive = false }}
/// wording = "below 30 ng/mL"
/// [[range.band]]
/// label = "above"
/// lower = {{ value = 30, inclusive = true }}
/// wording = "30 ng/mL or more"
/// "#);
/// let merged = merge_range_files(&[("a.toml", &range("a")), ("b.toml", &range("b"))])?;
/// assert!(merged.starts_with("# written by hand\nschema = 1\n"));
/// let mut registry = Registry::default();
/// registry.add_text("merged.toml", &merged, false)?;
/// assert!(registry.range("a").is_some() && registry.range("b").is_some());
/// // The same id twice cannot be merged into a file that loads.
/// assert!(merge_range_files(&[("a.toml", &range("a")), ("b.toml", &range("a"))]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The first file's [`RangeFileError`]: a syntax or validation error, or an id that two files
/// share ([`RangeFileError::DuplicateId`]).
pub fn merge_range_files(files: &[(&str, &str)]) -> Result<String, RangeFileError> {
    let mut check = super::Registry::default();
    let mut merged = FileDoc::default();
    let mut comment: Vec<String> = Vec::new();
    for &(name, text) in files {
        check.add_text(name, text, false)?;
        let doc = FileDoc::parse(name, text)?;
        merged.schema = merged.schema.or(doc.schema);
        merged.range.extend(doc.range);
        merged.protocol.extend(doc.protocol);
        merged.zscore_table.extend(doc.zscore_table);
        for line in leading_comment(text) {
            if !comment.iter().any(|c| c == line) {
                comment.push(line.to_string());
            }
        }
    }
    Ok(merged.to_toml(&comment))
}

/// The text of the `#` lines a file starts with (what wrote it; TOML parsers drop comments).
fn leading_comment(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .map_while(|l| l.strip_prefix('#'))
        .map(str::trim)
}
