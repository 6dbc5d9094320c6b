//! `lmr.ranges()` and `lmr.caveats()`: the registry and the code tables as Arrow tables.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

use lmr::caveat::Caveat;
use lmr::flag::Flag;
use lmr::reference::Selection;

use crate::{value_error, Ranges};

/// A column of a small table.
enum Col {
    Text(Vec<Option<String>>),
    Bool(Vec<bool>),
}

/// A table of named columns.
fn table(columns: Vec<(&str, Col)>) -> PyResult<PyTable> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, c)| {
            let ty = match c {
                Col::Text(_) => DataType::Utf8,
                Col::Bool(_) => DataType::Boolean,
            };
            Field::new(*name, ty, true)
        })
        .collect();
    let arrays: Vec<ArrayRef> = columns
        .into_iter()
        .map(|(_, c)| -> ArrayRef {
            match c {
                Col::Text(text) => Arc::new(StringArray::from(text)),
                Col::Bool(flags) => Arc::new(BooleanArray::from(flags)),
            }
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(value_error)?;
    PyTable::try_new(vec![batch], schema)
}

/// Every range (shipped, then loaded from `ranges`), one row each.
#[pyfunction]
pub fn ranges(ranges: Vec<String>) -> PyResult<PyTable> {
    let options = Ranges {
        ranges,
        ..Ranges::default()
    };
    let registry = options.registry()?;
    let builtin = lmr::reference::Registry::builtin().map_err(value_error)?;
    let all = registry.ranges();
    let col = |f: &dyn Fn(&lmr::reference::ReferenceRange) -> Option<String>| {
        Col::Text(all.iter().map(f).collect())
    };
    table(vec![
        ("id", col(&|r| Some(r.id.clone()))),
        ("analyte", col(&|r| Some(r.analyte.key().to_string()))),
        ("unit", col(&|r| Some(r.unit.to_string()))),
        ("title", col(&|r| Some(r.title.clone()))),
        (
            "selection",
            col(&|r| {
                Some(
                    match r.selection {
                        Selection::Automatic => "automatic",
                        _ => "explicit",
                    }
                    .to_string(),
                )
            }),
        ),
        ("status", col(&|r| Some(r.source.status.key().to_string()))),
        (
            "shipped",
            Col::Bool(
                all.iter()
                    .map(|r| builtin.range(&r.id).is_some_and(|b| b.origin == r.origin))
                    .collect(),
            ),
        ),
        ("origin", col(&|r| Some(r.origin.clone()))),
        ("population", col(&|r| r.applies_to.population.clone())),
        ("citation", col(&|r| Some(r.source.citation.clone()))),
        ("doi", col(&|r| r.source.doi.clone())),
        ("url", col(&|r| r.source.url.clone())),
    ])
}

/// kind, code, text, source.
type CodeRow = (&'static str, &'static str, &'static str, &'static str);

/// Every caveat and flag code with its text and source.
#[pyfunction]
pub fn caveats() -> PyResult<PyTable> {
    let rows: Vec<CodeRow> = Caveat::ALL
        .iter()
        .map(|c| ("caveat", c.code(), c.text(), c.source()))
        .chain(
            Flag::ALL
                .iter()
                .map(|f| ("flag", f.code(), f.explanation(), f.source())),
        )
        .collect();
    let col = |f: fn(&CodeRow) -> &'static str| {
        Col::Text(rows.iter().map(|r| Some(f(r).to_string())).collect())
    };
    table(vec![
        ("kind", col(|r| r.0)),
        ("code", col(|r| r.1)),
        ("text", col(|r| r.2)),
        ("source", col(|r| r.3)),
    ])
}
