//! `lmr.interpret`: Arrow columns in, the library's batch rows interpreted, Arrow result
//! columns out.

use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder, StringViewBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{
    new_null_array, Array, ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray,
    StringViewArray,
};
use arrow_cast::cast;
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use csv::ByteRecord;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use pyo3_arrow::PyTable;

use lmr::batch::{ColumnMap, Columnar, Field as InputField, Layout, Slot, Source};
use lmr::censored::Censored;
use lmr::interpretation::Interpreter;
use lmr::protocol::NamedProtocol;
use lmr::report::{censored_text, write_censored, Cell};

use crate::{value_error, Ranges};

/// Rows per piece of work: large enough that a thread's setup is noise, small enough to share
/// a frame between the cores.
const MIN_CHUNK: usize = 16 * 1024;

/// How the frame is read (the reading flags of `lmr batch`).
#[derive(Clone, Debug, Default, FromPyObject)]
#[pyo3(from_item_all)]
pub struct Reading {
    protocol: Option<String>,
    sample_id: Option<String>,
    decimal_comma: bool,
}

/// Interprets every row of `data` and returns the result columns (a table with as many rows,
/// in order) and the counts `(rows, interpreted, errors, flagged)`.
#[pyfunction]
#[pyo3(signature = (data, ranges, reading, columns_toml=None, columns_path=None, views=false))]
pub fn interpret(
    py: Python<'_>,
    data: AnyRecordBatch,
    ranges: Ranges,
    reading: Reading,
    columns_toml: Option<String>,
    columns_path: Option<String>,
    views: bool,
) -> PyResult<(PyTable, (u64, u64, u64, u64))> {
    let registry = ranges.registry()?;
    let zscores = ranges.zscores(&registry)?;
    let interpreter = ranges.interpreter(&registry, &zscores)?;
    let protocol = match &reading.protocol {
        Some(id) => Some(registry.protocol(id).ok_or_else(|| {
            PyValueError::new_err(format!(
                "protocol={id:?}: no such protocol (lmr.ranges() lists them)"
            ))
        })?),
        None => None,
    };
    let mut map = match (&columns_toml, &columns_path) {
        (Some(text), _) => ColumnMap::from_toml_str(text, "columns (dict)"),
        (None, Some(path)) => ColumnMap::from_path(std::path::Path::new(path)),
        (None, None) => Ok(ColumnMap::default()),
    }
    .map_err(value_error)?;
    if let Some(column) = &reading.sample_id {
        map.set_sample_id(column);
    }
    map.set_decimal_comma(map.decimal_comma() || reading.decimal_comma);

    // Read the input with the GIL held (a Python-side stream may need it); the arrays are
    // shared, not copied.
    let reader = data.into_reader()?;
    let schema = reader.schema();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let batches = reader
        .collect::<Result<Vec<RecordBatch>, _>>()
        .map_err(value_error)?;
    let layout = Layout::resolve(&names, &map).map_err(|e| value_error(format!("columns: {e}")))?;

    let text = if views { Text::View } else { Text::Utf8 };
    let out = py.detach(|| run(&batches, &layout, &interpreter, protocol, text))?;
    let table = PyTable::try_new(out.batches, out.schema)?;
    Ok((table, out.counts))
}

struct Output {
    batches: Vec<RecordBatch>,
    schema: SchemaRef,
    counts: (u64, u64, u64, u64),
}

/// One slice of rows of one input batch.
struct Piece<'a> {
    columns: &'a [Input],
    start: usize,
    len: usize,
    /// The data row number of the first row (from 1).
    first_row: u64,
}

fn run(
    batches: &[RecordBatch],
    layout: &Layout,
    interpreter: &Interpreter<'_>,
    protocol: Option<&NamedProtocol>,
    text: Text,
) -> PyResult<Output> {
    let probe = Columnar::new(layout, interpreter, protocol).map_err(value_error)?;
    let names = probe.columns();
    let kinds = Kinds {
        quantity: names
            .iter()
            .map(|n| lmr::batch::is_quantity_column(n))
            .collect(),
        text,
    };

    // The input columns lmr reads, each as it is (text, float64, int64: numbers are written
    // into the row as text, one at a time) or cast to text once (any other type).
    let read = read_columns(layout, batches.first().map_or(0, RecordBatch::num_columns));
    let as_numbers = probe.number_columns();
    let comma = layout.decimal_comma();
    let text: Vec<Vec<Input>> = batches
        .iter()
        .map(|b| {
            b.columns()
                .iter()
                .zip(&read)
                .enumerate()
                .map(|(i, (c, &r))| Input::new(c, r, as_numbers.get(i) == Some(&true), comma))
                .collect()
        })
        .collect::<PyResult<_>>()?;
    if layout.is_long() {
        return long(batches, &text, layout, interpreter, protocol, names, &kinds);
    }
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    let mut pieces = Vec::new();
    let mut first_row = 1u64;
    for (batch, columns) in batches.iter().zip(&text) {
        let rows = batch.num_rows();
        let chunk = rows.div_ceil(workers).max(MIN_CHUNK);
        let mut start = 0;
        while start < rows {
            let len = chunk.min(rows - start);
            pieces.push(Piece {
                columns,
                start,
                len,
                first_row: first_row + start as u64,
            });
            start += len;
        }
        first_row += rows as u64;
    }

    let results: Vec<PyResult<(Vec<Column>, lmr::batch::Stats)>> = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for group in split(&pieces, workers) {
            let kinds = &kinds;
            handles.push(scope.spawn(move || -> PyResult<_> {
                let mut columnar =
                    Columnar::new(layout, interpreter, protocol).map_err(value_error)?;
                let mut out = Vec::new();
                for piece in group {
                    out.push(interpret_piece(&mut columnar, piece, kinds));
                }
                Ok((out, columnar.stats().clone()))
            }));
        }
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(value_error("an interpreting thread stopped")))
            })
            .collect()
    });

    let mut columns_out = Vec::new();
    let mut counts = (0, 0, 0, 0);
    for r in results {
        let (cols, stats) = r?;
        columns_out.extend(cols);
        add_counts(&mut counts, &stats);
    }
    finish(names, columns_out, counts, kinds.text)
}

fn add_counts(counts: &mut (u64, u64, u64, u64), stats: &lmr::batch::Stats) {
    counts.0 += stats.rows;
    counts.1 += stats.interpreted;
    counts.2 += stats.errors;
    counts.3 += stats.flagged;
}

/// The long layout (one row per timed fraction): a sample's rows may span pieces, so every
/// row goes through one reader, in order, in this thread (as `lmr batch` reads it).
fn long(
    batches: &[RecordBatch],
    text: &[Vec<Input>],
    layout: &Layout,
    interpreter: &Interpreter<'_>,
    protocol: Option<&NamedProtocol>,
    names: Vec<String>,
    kinds: &Kinds,
) -> PyResult<Output> {
    let mut columnar = Columnar::new(layout, interpreter, protocol).map_err(value_error)?;
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut builders = builders(kinds, rows);
    let mut first_row = 1u64;
    for (batch, columns) in batches.iter().zip(text) {
        let piece = Piece {
            columns,
            start: 0,
            len: batch.num_rows(),
            first_row,
        };
        fill(&mut columnar, &piece, &mut builders);
        first_row += batch.num_rows() as u64;
    }
    let mut scratch = Vec::new();
    columnar.finish(|i, cell| append(&mut builders[i], cell, &mut scratch));
    let mut counts = (0, 0, 0, 0);
    add_counts(&mut counts, columnar.stats());
    finish(names, vec![Column { builders }], counts, kinds.text)
}

/// The result table: one batch per piece of rows, every column of one type.
fn finish(
    names: Vec<String>,
    columns_out: Vec<Column>,
    counts: (u64, u64, u64, u64),
    text: Text,
) -> PyResult<Output> {
    // A column whose cells turned out to be text in any piece is text in every piece.
    let is_text: Vec<bool> = (0..names.len())
        .map(|i| columns_out.iter().any(|c| c.builders[i].is_text()))
        .collect();
    let schema: SchemaRef = Arc::new(Schema::new(
        names
            .iter()
            .zip(&is_text)
            .map(|(n, &t)| {
                let ty = if t {
                    text.data_type()
                } else {
                    DataType::Float64
                };
                Field::new(n, ty, true)
            })
            .collect::<Vec<_>>(),
    ));
    let mut out = Vec::with_capacity(columns_out.len());
    for piece in columns_out {
        let arrays: Vec<ArrayRef> = piece
            .builders
            .into_iter()
            .zip(&is_text)
            .map(|(b, &t)| b.finish(t, text))
            .collect();
        out.push(RecordBatch::try_new(schema.clone(), arrays).map_err(value_error)?);
    }
    if out.is_empty() {
        out.push(RecordBatch::new_empty(schema.clone()));
    }
    Ok(Output {
        batches: out,
        schema,
        counts,
    })
}

/// Splits `pieces` into at most `n` runs of consecutive pieces of about the same row count.
fn split<'p, 'a>(pieces: &'p [Piece<'a>], n: usize) -> Vec<&'p [Piece<'a>]> {
    let total: usize = pieces.iter().map(|p| p.len).sum();
    let per = total.div_ceil(n.max(1)).max(1);
    let mut out = Vec::new();
    let (mut start, mut rows) = (0, 0);
    for (i, p) in pieces.iter().enumerate() {
        rows += p.len;
        if rows >= per {
            out.push(&pieces[start..=i]);
            start = i + 1;
            rows = 0;
        }
    }
    if start < pieces.len() {
        out.push(&pieces[start..]);
    }
    out
}

/// Which input columns lmr reads (a field's column or its unit column); the others are passed
/// to the row reader as empty fields, never converted.
fn read_columns(layout: &Layout, width: usize) -> Vec<bool> {
    let mut read = vec![false; width];
    let mut mark = |slot: &Slot| {
        let column = match slot.source {
            Source::Column { index, .. } => Some(index),
            Source::Fixed(_) => None,
        };
        for index in column.into_iter().chain(slot.unit_column) {
            if let Some(r) = read.get_mut(index) {
                *r = true;
            }
        }
    };
    for field in InputField::all() {
        if let Some(slot) = layout.slot(field) {
            mark(slot);
        }
    }
    for fraction in layout.fractions() {
        fraction.volume.iter().for_each(&mut mark);
        fraction.urine.iter().for_each(|(_, slot)| mark(slot));
    }
    read
}

/// An input column as the row reader takes it.
enum Input {
    Text(StringArray),
    /// Text as polars hands it over.
    View(StringViewArray),
    /// Numbers written into the row as their shortest text (`comma`: with a decimal comma).
    Float {
        array: Float64Array,
        comma: bool,
    },
    Int(Int64Array),
    /// Numbers handed in as numbers (a column of [`Columnar::number_columns`]).
    FloatNumber(Float64Array),
    IntNumber(Int64Array),
    /// Not read by lmr: an empty field.
    Unread,
}

impl Input {
    /// Column `array`; `read`: lmr reads it; `number`: it may be handed in as numbers;
    /// `comma`: numbers in text are read with a decimal comma.
    fn new(array: &ArrayRef, read: bool, number: bool, comma: bool) -> PyResult<Input> {
        Ok(match array.data_type() {
            _ if !read => Input::Unread,
            DataType::Float64 if number => {
                Input::FloatNumber(array.as_primitive::<Float64Type>().clone())
            }
            DataType::Int64 if number => {
                Input::IntNumber(array.as_primitive::<Int64Type>().clone())
            }
            DataType::Float64 => Input::Float {
                array: array.as_primitive::<Float64Type>().clone(),
                comma,
            },
            DataType::Int64 => Input::Int(array.as_primitive::<Int64Type>().clone()),
            DataType::Utf8View => Input::View(array.as_string_view().clone()),
            _ => Input::Text(as_text(array)?),
        })
    }

    /// Whether the column hands its values in as numbers.
    fn is_number(&self) -> bool {
        matches!(self, Input::FloatNumber(_) | Input::IntNumber(_))
    }

    /// Appends row `r`'s field to `record` (null: empty); numbers in their shortest text,
    /// which reads back as the same number. A number column's field is empty and its value
    /// is set in `number`.
    fn push(&self, r: usize, record: &mut ByteRecord, number: &mut Option<f64>) {
        let mut text = ryu::Buffer::new();
        let field: &[u8] = match self {
            Input::Unread => b"",
            Input::Text(c) if c.is_valid(r) => c.value(r).as_bytes(),
            Input::View(c) if c.is_valid(r) => c.value(r).as_bytes(),
            Input::FloatNumber(c) => {
                *number = c.is_valid(r).then(|| c.value(r));
                b""
            }
            // An int64 beyond 2^53 rounds to the nearest double, as its text would.
            Input::IntNumber(c) => {
                *number = c.is_valid(r).then(|| c.value(r) as f64);
                b""
            }
            Input::Float { array, comma } if array.is_valid(r) => {
                let t = text.format(array.value(r));
                if *comma {
                    let mut buf = [0u8; 32];
                    let t = t.as_bytes();
                    let out = &mut buf[..t.len()];
                    out.copy_from_slice(t);
                    out.iter_mut()
                        .filter(|b| **b == b'.')
                        .for_each(|b| *b = b',');
                    record.push_field(out);
                    return;
                }
                t.as_bytes()
            }
            Input::Int(c) if c.is_valid(r) => {
                let mut digits = itoa::Buffer::new();
                record.push_field(digits.format(c.value(r)).as_bytes());
                return;
            }
            _ => b"",
        };
        record.push_field(field);
    }
}

/// An input column as UTF-8 text.
fn as_text(array: &ArrayRef) -> PyResult<StringArray> {
    let cast = match array.data_type() {
        DataType::Utf8 => Arc::clone(array),
        _ => cast(array, &DataType::Utf8).map_err(|e| {
            value_error(format!(
                "a column of type {} cannot be read as text: {e}",
                array.data_type()
            ))
        })?,
    };
    cast.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| value_error("a column cast to text is not a string array"))
}

/// The result columns of one piece.
struct Column {
    builders: Vec<Builder>,
}

/// How text result columns cross: Utf8 (pandas and pyarrow take it as it is), or Utf8View with
/// each distinct long value stored once (polars takes it without a copy; a cohort's `caveats`
/// cell is often the same 100-odd bytes on every row).
#[derive(Clone, Copy, Debug)]
pub enum Text {
    Utf8,
    View,
}

impl Text {
    fn data_type(self) -> DataType {
        match self {
            Text::Utf8 => DataType::Utf8,
            Text::View => DataType::Utf8View,
        }
    }
}

/// The result columns' kinds: quantity (float64) or text, by column; and how text crosses.
struct Kinds {
    quantity: Vec<bool>,
    text: Text,
}

/// A text result column being built.
enum TextBuilder {
    Utf8(StringBuilder),
    View(StringViewBuilder),
}

impl TextBuilder {
    fn new(text: Text, rows: usize) -> TextBuilder {
        match text {
            Text::Utf8 => TextBuilder::Utf8(StringBuilder::with_capacity(rows, rows * 8)),
            Text::View => {
                TextBuilder::View(StringViewBuilder::with_capacity(rows).with_deduplicate_strings())
            }
        }
    }

    fn append_value(&mut self, value: &str) {
        match self {
            TextBuilder::Utf8(b) => b.append_value(value),
            TextBuilder::View(b) => b.append_value(value),
        }
    }

    fn append_null(&mut self) {
        match self {
            TextBuilder::Utf8(b) => b.append_null(),
            TextBuilder::View(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            TextBuilder::Utf8(b) => Arc::new(b.finish()),
            TextBuilder::View(b) => Arc::new(b.finish()),
        }
    }
}

/// A result column being built: numbers (float64, null when empty or censored: a censored
/// value is in the column's `_bound` companion, text) or text.
enum Builder {
    Number {
        values: Float64Builder,
        text: Text,
    },
    Text(TextBuilder),
    /// A text column with no value yet: `len` nulls (many result columns stay empty in a
    /// whole cohort: bounds, ranges, errors), built only when a value arrives.
    Nulls {
        len: usize,
        capacity: usize,
        text: Text,
    },
}

impl Builder {
    fn is_text(&self) -> bool {
        matches!(self, Builder::Text(_) | Builder::Nulls { .. })
    }

    /// How the column's text would cross.
    fn text(&self) -> Text {
        match self {
            Builder::Number { text, .. } | Builder::Nulls { text, .. } => *text,
            Builder::Text(TextBuilder::Utf8(_)) => Text::Utf8,
            Builder::Text(TextBuilder::View(_)) => Text::View,
        }
    }

    /// A text column for the nulls so far (a value arrived).
    fn materialize(&mut self) {
        if let Builder::Nulls {
            len,
            capacity,
            text,
        } = *self
        {
            let mut t = TextBuilder::new(text, capacity);
            (0..len).for_each(|_| t.append_null());
            *self = Builder::Text(t);
        }
    }

    /// Turns a number column into text (a text cell arrived in it).
    fn make_text(&mut self, text: Text) {
        self.materialize();
        if let Builder::Number { values, .. } = self {
            let done = values.finish();
            let mut t = TextBuilder::new(text, done.len());
            for v in done.iter() {
                match v {
                    Some(x) => t.append_value(&censored_text(Censored::Exact(x))),
                    None => t.append_null(),
                }
            }
            *self = Builder::Text(t);
        }
    }

    fn finish(self, is_text: bool, text: Text) -> ArrayRef {
        let mut b = self;
        if is_text {
            b.make_text(text);
        }
        match b {
            Builder::Number { mut values, .. } => Arc::new(values.finish()),
            Builder::Text(mut t) => t.finish(),
            Builder::Nulls { len, .. } => new_null_array(&text.data_type(), len),
        }
    }
}

/// Empty result columns for `rows` rows.
fn builders(kinds: &Kinds, rows: usize) -> Vec<Builder> {
    kinds
        .quantity
        .iter()
        .map(|&q| {
            if q {
                Builder::Number {
                    values: Float64Builder::with_capacity(rows),
                    text: kinds.text,
                }
            } else {
                Builder::Nulls {
                    len: 0,
                    capacity: rows,
                    text: kinds.text,
                }
            }
        })
        .collect()
}

fn interpret_piece(columnar: &mut Columnar<'_, '_>, piece: &Piece<'_>, kinds: &Kinds) -> Column {
    let mut builders = builders(kinds, piece.len);
    fill(columnar, piece, &mut builders);
    Column { builders }
}

/// Interprets the rows of `piece`, appending the cells handed out to `builders`.
fn fill(columnar: &mut Columnar<'_, '_>, piece: &Piece<'_>, builders: &mut [Builder]) {
    let mut record = ByteRecord::new();
    let mut scratch: Vec<u8> = Vec::with_capacity(256);
    let any_numbers = piece.columns.iter().any(Input::is_number);
    let mut numbers = vec![None; if any_numbers { piece.columns.len() } else { 0 }];
    let mut unused = None;
    for r in piece.start..piece.start + piece.len {
        record.clear();
        for (i, c) in piece.columns.iter().enumerate() {
            c.push(r, &mut record, numbers.get_mut(i).unwrap_or(&mut unused));
        }
        let row = piece.first_row + (r - piece.start) as u64;
        columnar.row_numbers(&record, &numbers, row, |i, cell| {
            append(&mut builders[i], cell, &mut scratch)
        });
    }
}

/// Appends one result cell to its column.
fn append(b: &mut Builder, cell: Cell<'_>, scratch: &mut Vec<u8>) {
    let text = b.text();
    if let Builder::Nulls { len, .. } = b {
        if let Cell::Empty = cell {
            *len += 1;
            return;
        }
        b.materialize();
    }
    match (cell, &mut *b) {
        (Cell::Empty, Builder::Number { values, .. }) => values.append_null(),
        (Cell::Empty, Builder::Text(t)) => t.append_null(),
        (Cell::Number(x), Builder::Number { values, .. }) => values.append_value(x),
        (Cell::Number(x), Builder::Text(t)) => {
            t.append_value(&censored_text(Censored::Exact(x)));
        }
        (Cell::Text(s), Builder::Text(t)) => t.append_value(s),
        (cell, b) => {
            b.make_text(text);
            if let Builder::Text(t) = b {
                scratch.clear();
                match cell {
                    Cell::Text(s) => scratch.extend_from_slice(s.as_bytes()),
                    Cell::Codes(c) => c.write_joined(scratch),
                    Cell::Bound(c) => write_censored(scratch, c),
                    _ => {}
                }
                // Codes and bounds are ASCII: the check passes at once.
                t.append_value(std::str::from_utf8(scratch).unwrap_or_default());
            }
        }
    }
}
