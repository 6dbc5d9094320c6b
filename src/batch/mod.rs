//! Batch interpretation of a CSV file: streaming, rows in = rows out, every input field written
//! back byte for byte, the result columns appended.
//!
//! [`run`] reads the header once ([`Layout`]), then streams: a reader thread parses CSV records
//! into recycled batches while the calling thread interprets each row with the same library
//! calls as `lmr check` and writes it out, in input order. Memory stays flat whatever the input
//! size; once warm, a row allocates nothing unless it carries an error.
//!
//! A row that cannot be read or interpreted is still written: its fields as read, empty
//! results, and the `error` column naming the row, the line, the column, the value and what was
//! expected ([`RowError`]). A record with fewer fields than the header is padded with empty
//! fields; one with more keeps the header's number of fields and quotes the surplus in `error`.
//!
//! # Example
//! ```
//! use lmr::batch::{run, ColumnMap, Format, Options};
//! use lmr::interpretation::{Interpreter, Options as RangeOptions};
//! use lmr::reference::Registry;
//!
//! let registry = Registry::builtin()?;
//! let interpreter = Interpreter::new(&registry, &RangeOptions::default())?;
//! let input = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h]\n\
//!              a,20,150,1200,5,1,5\n\
//!              b,20,150,-40,5,1,5\n";
//! let mut out = Vec::new();
//! let map = ColumnMap::default();
//! let stats = run(input.as_bytes(), &mut out, &interpreter, &Options::new(&map), &mut |_| {})?;
//! assert_eq!((stats.rows, stats.interpreted, stats.errors), (2, 1, 1));
//! let text = String::from_utf8(out)?;
//! // 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %
//! assert!(text.lines().nth(1).unwrap().starts_with("a,20,150,1200,5,1,5,0.48,"));
//! assert!(text.contains(r#"row 2 (line 3), column ""urine_volume [mL]"", value ""-40"": must not be negative"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod columns;
mod row;

pub use columns::{
    AgeUnit, ColumnMap, ColumnMapError, Field, HeaderError, Layout, Slot, Source, Unit, UnitKind,
};
pub use row::{BelowLimit, Position, Problem, RowError, RowReader};

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use csv::ByteRecord;

use crate::censored::Censored;
use crate::flag::Flag;
use crate::interpretation::{
    Field as FlagField, FlagDetail, FlagHit, InterpretError, Interpretation, Interpreter, Sample,
};
use crate::protocol::NamedProtocol;
use crate::recovery::RecoveryError;
use crate::report::{cell_value, for_each_result_cell, result_columns, write_number, Cell};

/// Output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// CSV: the input columns, then the result columns.
    #[default]
    Csv,
    /// JSON Lines: one object per row, input fields under their header names, then the result
    /// keys (the same names as the CSV result columns).
    Jsonl,
}

/// How to run a batch.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// Output format.
    pub format: Format,
    /// Field delimiter of the input (and of CSV output).
    pub delimiter: u8,
    /// Column map (`--columns`).
    pub columns: &'a ColumnMap,
    /// A named protocol supplying doses and window missing from a row (`--protocol`).
    pub protocol: Option<&'a NamedProtocol>,
}

impl<'a> Options<'a> {
    /// CSV output, `,` delimiter, no protocol.
    pub fn new(columns: &'a ColumnMap) -> Options<'a> {
        Options {
            format: Format::Csv,
            delimiter: b',',
            columns,
            protocol: None,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Data rows read (= rows written).
    pub rows: u64,
    /// Rows interpreted (no error).
    pub interpreted: u64,
    /// Rows with an `error`.
    pub errors: u64,
    /// Interpreted rows with at least one flag.
    pub flagged: u64,
    /// The first few errors, as written in the `error` column.
    pub first_errors: Vec<String>,
}

/// How many errors [`Stats::first_errors`] keeps.
pub const FIRST_ERRORS: usize = 5;

/// What stops a batch. Row problems never do: they go to the `error` column.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// Reading the input failed.
    #[error("reading the input: {0}")]
    Read(#[source] io::Error),
    /// Writing the output failed.
    #[error("writing the output: {0}")]
    Write(#[source] io::Error),
    /// The header cannot be used.
    #[error("header: {0}")]
    Header(#[from] HeaderError),
}

impl BatchError {
    /// Whether the output was a closed pipe (`lmr batch … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, BatchError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

fn read_error(e: csv::Error) -> BatchError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => BatchError::Read(e),
        other => BatchError::Read(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{other:?}"),
        )),
    }
}

fn write_error(e: csv::Error) -> BatchError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => BatchError::Write(e),
        other => BatchError::Write(io::Error::other(format!("{other:?}"))),
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Records per batch handed from the reader thread.
const BATCH_ROWS: usize = 512;
/// Batches in flight (bounds memory).
const IN_FLIGHT: usize = 4;
/// Rows between progress reports.
const PROGRESS_EVERY: u64 = 8192;

/// What the first bytes of the input say about its dialect.
struct Dialect {
    bom: bool,
    crlf: bool,
}

/// Reads the first chunk to detect a UTF-8 BOM (stripped, and written back) and CRLF line ends
/// (kept in CSV output).
fn sniff<R: Read>(mut input: R) -> Result<(Dialect, impl Read), BatchError> {
    let mut head = Vec::with_capacity(1 << 16);
    input
        .by_ref()
        .take(1 << 16)
        .read_to_end(&mut head)
        .map_err(BatchError::Read)?;
    let bom = head.starts_with(UTF8_BOM);
    if bom {
        head.drain(..UTF8_BOM.len());
    }
    let crlf = head
        .iter()
        .position(|&b| b == b'\n')
        .is_some_and(|i| i > 0 && head[i - 1] == b'\r');
    Ok((Dialect { bom, crlf }, io::Cursor::new(head).chain(input)))
}

struct Batch {
    records: Vec<ByteRecord>,
    len: usize,
}

type Filled = Result<Batch, csv::Error>;

/// The reader thread: fills recycled batches until the input ends or fails.
fn read_batches<R: Read>(
    mut rdr: csv::Reader<R>,
    full: SyncSender<Filled>,
    empty: Receiver<Batch>,
) {
    loop {
        let mut batch = empty.try_recv().unwrap_or_else(|_| Batch {
            records: Vec::with_capacity(BATCH_ROWS),
            len: 0,
        });
        batch.len = 0;
        let mut done = false;
        while batch.len < BATCH_ROWS {
            if batch.records.len() == batch.len {
                batch.records.push(ByteRecord::new());
            }
            match rdr.read_byte_record(&mut batch.records[batch.len]) {
                Ok(true) => batch.len += 1,
                Ok(false) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    let _ = full.send(Err(e));
                    return;
                }
            }
        }
        if batch.len > 0 && full.send(Ok(batch)).is_err() {
            return; // the consumer stopped (a write failed)
        }
        if done {
            return;
        }
    }
}

/// Interprets every row of `input` and writes them to `output`.
///
/// `progress` is called now and then with the number of input bytes consumed.
///
/// # Errors
/// [`BatchError::Header`] when the header is missing or unusable (nothing is written then),
/// [`BatchError::Read`] / [`BatchError::Write`] on I/O failure. Row problems are not errors:
/// they fill the row's `error` column and count in [`Stats::errors`].
pub fn run<R: Read + Send, W: Write>(
    input: R,
    output: W,
    interpreter: &Interpreter<'_>,
    options: &Options<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<Stats, BatchError> {
    let (dialect, input) = sniff(input)?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(options.delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(input);
    let mut header = ByteRecord::new();
    if !rdr.read_byte_record(&mut header).map_err(read_error)? {
        return Err(HeaderError::Missing.into());
    }
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let layout = Layout::resolve(&names, options.columns)?;
    let reader = RowReader::new(&layout, options.protocol);
    let mut sink: Box<dyn Sink + '_> = match options.format {
        Format::Csv => Box::new(CsvSink::new(
            output,
            options.delimiter,
            &dialect,
            &header,
            interpreter,
        )?),
        Format::Jsonl => Box::new(JsonlSink::new(output, &names, interpreter)),
    };

    std::thread::scope(|scope| {
        let (full_tx, full_rx) = sync_channel::<Filled>(IN_FLIGHT);
        let (empty_tx, empty_rx) = sync_channel::<Batch>(IN_FLIGHT + 2);
        scope.spawn(move || read_batches(rdr, full_tx, empty_rx));
        let mut state = RowState::default();
        let mut stats = Stats::default();
        for batch in full_rx.iter() {
            let batch = batch.map_err(read_error)?;
            for record in &batch.records[..batch.len] {
                stats.rows += 1;
                let pos = Position {
                    row: stats.rows,
                    line: record.position().map_or(0, |p| p.line()),
                };
                let outcome = state.interpret(&reader, interpreter, record, pos);
                match outcome {
                    Ok(()) => {
                        stats.interpreted += 1;
                        if !state.result.flags.is_empty() {
                            stats.flagged += 1;
                        }
                        sink.row(record, layout.width(), Some(&state.result), None)?;
                    }
                    Err(e) => {
                        stats.errors += 1;
                        state.error.clear();
                        use std::fmt::Write as _;
                        let _ = write!(state.error, "{e}");
                        if stats.first_errors.len() < FIRST_ERRORS {
                            stats.first_errors.push(state.error.clone());
                        }
                        sink.row(record, layout.width(), None, Some(&state.error))?;
                    }
                }
                if stats.rows % PROGRESS_EVERY == 0 {
                    progress(record.position().map_or(0, |p| p.byte()));
                }
            }
            // Recycle the batch; if the reader has finished, it is simply dropped.
            let _ = empty_tx.try_send(batch);
        }
        sink.finish()?;
        Ok(stats)
    })
}

/// The per-row buffers, reused across rows.
#[derive(Default)]
struct RowState<'r> {
    sample: Sample,
    below: BelowLimit,
    result: Interpretation<'r>,
    error: String,
}

impl<'r> RowState<'r> {
    fn interpret(
        &mut self,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
        record: &ByteRecord,
        pos: Position,
    ) -> Result<(), RowError> {
        reader.read(record, pos, &mut self.sample, &mut self.below)?;
        interpreter
            .interpret(&self.sample, &mut self.result)
            .map_err(|e| interpret_error(e, pos, reader, record))?;
        for (below, field) in [
            (self.below.vitamin_d, FlagField::VitaminD),
            (self.below.zonulin, FlagField::Zonulin),
        ] {
            if below {
                self.result.flags.push(FlagHit {
                    flag: Flag::BelowDetectionLimit,
                    detail: FlagDetail::BelowLimit(field),
                });
            }
        }
        Ok(())
    }
}

/// An interpretation error as a row error naming the column it comes from.
fn interpret_error(
    e: InterpretError,
    pos: Position,
    reader: &RowReader<'_>,
    record: &ByteRecord,
) -> RowError {
    let field = match &e {
        InterpretError::Recovery(RecoveryError::ZeroDose { sugar })
            if *sugar == crate::sugar::Sugar::Mannitol =>
        {
            Field::MannitolDose
        }
        InterpretError::Recovery(_) => Field::LactuloseDose,
        _ => Field::Zonulin,
    };
    let slot = reader.layout().slot(field);
    let value = match slot.map(|s| &s.source) {
        Some(Source::Column { index, .. }) => {
            String::from_utf8_lossy(record.get(*index).unwrap_or_default()).into_owned()
        }
        Some(Source::Fixed(v)) => v.clone(),
        None => String::new(),
    };
    RowError {
        pos,
        column: Some(slot.map_or_else(|| "--protocol".to_string(), |s| s.label(field))),
        value,
        problem: Problem::Interpretation(e.to_string()),
    }
}

/// Where rows go.
trait Sink {
    fn row(
        &mut self,
        record: &ByteRecord,
        width: usize,
        result: Option<&Interpretation<'_>>,
        error: Option<&str>,
    ) -> Result<(), BatchError>;
    fn finish(&mut self) -> Result<(), BatchError>;
}

struct CsvSink<'i, 'r, W: Write> {
    wtr: csv::Writer<W>,
    interpreter: &'i Interpreter<'r>,
    scratch: Vec<u8>,
    number: ryu::Buffer,
}

impl<'i, 'r, W: Write> CsvSink<'i, 'r, W> {
    fn new(
        mut output: W,
        delimiter: u8,
        dialect: &Dialect,
        header: &ByteRecord,
        interpreter: &'i Interpreter<'r>,
    ) -> Result<Self, BatchError> {
        if dialect.bom {
            output.write_all(UTF8_BOM).map_err(BatchError::Write)?;
        }
        let mut wtr = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .terminator(if dialect.crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(output);
        for field in header {
            wtr.write_field(field).map_err(write_error)?;
        }
        for name in result_columns(interpreter) {
            wtr.write_field(name).map_err(write_error)?;
        }
        wtr.write_record(None::<&[u8]>).map_err(write_error)?;
        Ok(CsvSink {
            wtr,
            interpreter,
            scratch: Vec::with_capacity(256),
            number: ryu::Buffer::new(),
        })
    }
}

impl<W: Write> Sink for CsvSink<'_, '_, W> {
    fn row(
        &mut self,
        record: &ByteRecord,
        width: usize,
        result: Option<&Interpretation<'_>>,
        error: Option<&str>,
    ) -> Result<(), BatchError> {
        for i in 0..width {
            self.wtr
                .write_field(record.get(i).unwrap_or_default())
                .map_err(write_error)?;
        }
        let mut failed = None;
        let (wtr, scratch, number) = (&mut self.wtr, &mut self.scratch, &mut self.number);
        for_each_result_cell(self.interpreter, result, error, |cell| {
            scratch.clear();
            write_cell(cell, scratch, number);
            if let Err(e) = wtr.write_field(&scratch[..]) {
                failed.get_or_insert(e);
            }
        });
        if let Some(e) = failed {
            return Err(write_error(e));
        }
        self.wtr.write_record(None::<&[u8]>).map_err(write_error)
    }

    fn finish(&mut self) -> Result<(), BatchError> {
        self.wtr.flush().map_err(BatchError::Write)
    }
}

/// A result cell's CSV text: numbers at full precision (`<x`/`>x` when censored), codes
/// `;`-separated.
fn write_cell(cell: Cell<'_>, out: &mut Vec<u8>, number: &mut ryu::Buffer) {
    match cell {
        Cell::Empty => {}
        Cell::Number(c) => {
            match c {
                Censored::Exact(_) => {}
                Censored::LessThan(_) => out.push(b'<'),
                Censored::GreaterThan(_) => out.push(b'>'),
            }
            out.extend_from_slice(write_number(number, c.number()).as_bytes());
        }
        Cell::Text(t) => out.extend_from_slice(t.as_bytes()),
        Cell::Codes(c) => c.write_joined(out),
    }
}

struct JsonlSink<'i, 'r, W: Write> {
    out: io::BufWriter<W>,
    interpreter: &'i Interpreter<'r>,
    /// `"name":` per input column, then per result column.
    input_keys: Vec<Vec<u8>>,
    result_keys: Vec<Vec<u8>>,
}

/// `"key":` as JSON bytes.
fn json_key(name: &str) -> Vec<u8> {
    let mut k = serde_json::to_vec(name).unwrap_or_else(|_| b"\"\"".to_vec());
    k.push(b':');
    k
}

impl<'i, 'r, W: Write> JsonlSink<'i, 'r, W> {
    fn new(output: W, names: &[String], interpreter: &'i Interpreter<'r>) -> Self {
        let results = result_columns(interpreter);
        // A key used twice (two input columns, or an input column named like a result key) gets
        // `.1`, `.2`, … on the input column, so every key is unique and the result keys are exact.
        let mut taken: Vec<String> = results.clone();
        let mut input_keys = Vec::with_capacity(names.len());
        for name in names {
            let mut key = name.clone();
            let mut n = 0;
            while taken.contains(&key) {
                n += 1;
                key = format!("{name}.{n}");
            }
            taken.push(key.clone());
            input_keys.push(json_key(&key));
        }
        JsonlSink {
            out: io::BufWriter::with_capacity(1 << 16, output),
            interpreter,
            input_keys,
            result_keys: results.iter().map(|r| json_key(r)).collect(),
        }
    }
}

impl<W: Write> Sink for JsonlSink<'_, '_, W> {
    fn row(
        &mut self,
        record: &ByteRecord,
        _width: usize,
        result: Option<&Interpretation<'_>>,
        error: Option<&str>,
    ) -> Result<(), BatchError> {
        let out = &mut self.out;
        let mut write = || -> io::Result<()> {
            out.write_all(b"{")?;
            for (i, key) in self.input_keys.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(key)?;
                match record.get(i) {
                    Some(f) => serde_json::to_writer(&mut *out, &String::from_utf8_lossy(f))?,
                    None => out.write_all(b"null")?, // a field missing from a short row
                }
            }
            let mut keys = self.result_keys.iter();
            let mut first = self.input_keys.is_empty();
            let mut failed = None;
            for_each_result_cell(self.interpreter, result, error, |cell| {
                let key = keys.next().map_or(&b"\"\":"[..], Vec::as_slice);
                let comma: &[u8] = if std::mem::take(&mut first) {
                    b""
                } else {
                    b","
                };
                let r = out
                    .write_all(comma)
                    .and_then(|()| out.write_all(key))
                    .and_then(|()| {
                        serde_json::to_writer(&mut *out, &cell_value(cell)).map_err(io::Error::from)
                    });
                if let Err(e) = r {
                    failed.get_or_insert(e);
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            out.write_all(b"}\n")
        };
        write().map_err(BatchError::Write)
    }

    fn finish(&mut self) -> Result<(), BatchError> {
        self.out.flush().map_err(BatchError::Write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::Registry;

    fn batch(input: &str, format: Format) -> (Stats, String) {
        let registry = Registry::builtin().unwrap();
        let interpreter =
            Interpreter::new(&registry, &crate::interpretation::Options::default()).unwrap();
        let map = ColumnMap::default();
        let mut o = Options::new(&map);
        o.format = format;
        let mut out = Vec::new();
        let stats = run(input.as_bytes(), &mut out, &interpreter, &o, &mut |_| {}).unwrap();
        (stats, String::from_utf8(out).unwrap())
    }

    #[test]
    fn rows_in_rows_out_with_errors_and_ragged_rows() {
        let input = "id,urine_volume [mL]\na,100\nb,-1\nc\nd,1,2\n";
        let (stats, out) = batch(input, Format::Csv);
        assert_eq!((stats.rows, stats.interpreted, stats.errors), (4, 1, 3));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[3].starts_with("c,,"), "{}", lines[3]);
        assert!(lines[4].starts_with("d,1,"), "{}", lines[4]);
        assert!(lines[4].ends_with("row 4 (line 5): 3 fields, but the header has 2; surplus fields, not written as columns: \"\"2\"\"\""));
    }

    #[test]
    fn missing_header_is_fatal() {
        let registry = Registry::builtin().unwrap();
        let interpreter =
            Interpreter::new(&registry, &crate::interpretation::Options::default()).unwrap();
        let map = ColumnMap::default();
        let e = run(
            &b""[..],
            Vec::new(),
            &interpreter,
            &Options::new(&map),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(e, BatchError::Header(HeaderError::Missing)));
    }

    #[test]
    fn jsonl_has_input_and_result_keys() {
        let (_, out) = batch("id,flags,vitamin_d [nmol/L]\nx,f,60\n", Format::Jsonl);
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["id"], "x");
        assert_eq!(v["flags.1"], "f");
        assert_eq!(v["vitamin_d_nmol_l"], 60.0);
        assert_eq!(v["vitamin_d_class_iom_2011"], "sufficient");
        assert!(v["error"].is_null());
    }
}
