//! Batch interpretation of a CSV file: streaming, rows in = rows out, every input field written
//! back byte for byte, the result columns appended.
//!
//! [`run`] reads the header once ([`Layout`]), then streams: a reader thread parses CSV records
//! into recycled batches and deals them in turn to interpreting threads, which read each row
//! ([`RowReader`]), interpret it with the same library calls as `lmr check` and format it; the
//! calling thread collects their output in the same turn, so rows are written in input order.
//! Memory stays flat whatever the input size; once warm, a good row allocates nothing.
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

mod columnar;
mod columns;
mod ended;
mod input;
mod long;
mod near_miss;
mod row;
mod scan;

pub use columnar::{is_quantity_column, Columnar};
pub use columns::{
    AgeUnit, ColumnMap, ColumnMapError, Field, FractionPart, FractionSlots, HeaderError, Layout,
    MapProblem, Slot, Source, Unit, UnitKind,
};
pub use ended::{BatchRun, CohortRun};
pub use input::Input;
use long::Long;
pub use long::MAX_FRACTIONS;
pub use near_miss::{near_miss, HeaderWarning, NearMiss};
pub use row::{BelowLimit, Position, Problem, RowError, RowReader};
pub use scan::{LeftOut, Rejected, Scan, Scanned, Value};

pub use crate::files::Encoding;

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use csv::ByteRecord;

use crate::caveat::Caveat;
use crate::interpretation::{InterpretError, Interpretation, Interpreter, Sample};
use crate::number;
use crate::protocol::NamedProtocol;
use crate::recovery::RecoveryError;
use crate::report::{
    cells_with_cumulative, columns as result_columns, write_censored, Cell, Codes,
    Layout as ReportLayout,
};

/// Output format.
///
/// ```
/// use lmr::batch::{run, Format, Options};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = lmr::ColumnMap::default();
/// let options = Options { format: Format::Jsonl, ..Options::new(&map) };
/// let mut out = Vec::new();
/// run("id,vitamin_d [nmol/L]\na,50\n".as_bytes(), &mut out, &interpreter, &options, &mut |_| {})?;
/// let row: serde_json::Value = serde_json::from_slice(&out)?;
/// assert_eq!((&row["id"], &row["vitamin_d [nmol/L]"]), (&"a".into(), &"50".into())); // input fields as read
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// With the `cli` feature, `--format`'s values, each described by its doc comment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// CSV: input columns, then result columns (same delimiter as the input).
    #[default]
    Csv,
    /// JSON Lines: one object per row, input fields and result keys.
    Jsonl,
    /// FHIR R4 NDJSON: one Bundle (type collection) per row, an OperationOutcome for a row
    /// that cannot be interpreted (see docs/fhir.md).
    FhirNdjson,
}

/// How to run a batch.
///
/// ```
/// use lmr::batch::{run, Options};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = lmr::ColumnMap::default();
/// let options = Options { delimiter: b';', ..Options::new(&map) };
/// let mut out = Vec::new();
/// run("id;vitamin_d [nmol/L]\na;50\n".as_bytes(), &mut out, &interpreter, &options, &mut |_| {})?;
/// assert!(String::from_utf8(out)?.starts_with("id;vitamin_d [nmol/L];")); // `;` out as well
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// The longest record (header or row, in bytes) read before the input is refused
    /// (`--max-record-size`): memory stays bounded whatever the input (an unterminated quote,
    /// a file without line ends). Default [`MAX_RECORD_SIZE`].
    pub max_record_size: u64,
    /// The input's character encoding (`--encoding`).
    pub encoding: Encoding,
}

/// The default [`Options::max_record_size`]: 1 MiB, far above any real row.
///
/// ```
/// use lmr::batch::{run, BatchError, Options, MAX_RECORD_SIZE};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// assert_eq!(MAX_RECORD_SIZE, 1_048_576); // 2^20 bytes
/// let map = lmr::ColumnMap::default();
/// let options = Options { max_record_size: 16, ..Options::new(&map) };
/// let input = "id,vitamin_d\na,\"an unterminated quote that runs on and on\n";
/// let e = run(input.as_bytes(), Vec::new(), &interpreter, &options, &mut |_| {}).unwrap_err();
/// assert!(matches!(e, BatchError::RecordTooLarge { limit: 16, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_RECORD_SIZE: u64 = 1 << 20;

impl<'a> Options<'a> {
    /// CSV output, `,` delimiter, no protocol.
    ///
    /// ```
    /// use lmr::batch::{Format, Options, MAX_RECORD_SIZE};
    /// let map = lmr::ColumnMap::default();
    /// let options = Options::new(&map);
    /// assert_eq!((options.format, options.delimiter, options.max_record_size), (Format::Csv, b',', MAX_RECORD_SIZE));
    /// assert!(options.protocol.is_none());
    /// ```
    pub fn new(columns: &'a ColumnMap) -> Options<'a> {
        Options {
            format: Format::Csv,
            delimiter: b',',
            columns,
            protocol: None,
            max_record_size: MAX_RECORD_SIZE,
            encoding: Encoding::Utf8,
        }
    }
}

/// What a run did.
///
/// ```
/// use lmr::batch::{run, Options};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = lmr::ColumnMap::default();
/// let input = "id,vitamin_d [nmol/L]\na,70\nb,400\nc,x\n";
/// let stats = run(input.as_bytes(), Vec::new(), &interpreter, &Options::new(&map), &mut |_| {})?;
/// // 400 nmol/L is above 125 (flagged); `x` is no number
/// assert_eq!((stats.rows, stats.interpreted, stats.flagged, stats.errors), (3, 2, 1, 1));
/// assert!(stats.first_errors[0].starts_with("row 3 (line 4)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// The caveats written in any row, a bit per [`Caveat::ALL`] index.
    caveats: u64,
    /// The header's columns that are not read but look like inputs ([`Layout::warnings`]).
    pub warnings: Vec<HeaderWarning>,
}

impl Stats {
    /// The caveat codes written in any row of the run, in [`Caveat::ALL`] order (for the run's
    /// summary: each code once, with [`Caveat::summary`]).
    ///
    /// ```
    /// use lmr::batch::{run, Options};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let map = lmr::ColumnMap::default();
    /// let input = "id,vitamin_d [nmol/L]\na,70\nb,60\n";
    /// let stats = run(input.as_bytes(), Vec::new(), &interpreter, &Options::new(&map), &mut |_| {})?;
    /// let caveats: Vec<_> = stats.caveats().collect();
    /// assert!(caveats.contains(&lmr::Caveat::VitaminDGeneral)); // each code once, however many rows
    /// assert!(!caveats.contains(&lmr::Caveat::SugarTestGeneral)); // no sugar test in this file
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn caveats(&self) -> impl Iterator<Item = Caveat> + '_ {
        Caveat::ALL
            .iter()
            .copied()
            .filter(|c| self.caveats & caveat_bit(*c) != 0)
    }
}

/// A caveat's bit in [`Stats`] and in the CSV writer's cache key.
fn caveat_bit(c: Caveat) -> u64 {
    1 << (c as u32)
}

/// How many errors [`Stats::first_errors`] keeps.
///
/// ```
/// use lmr::batch::{run, Options, FIRST_ERRORS};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = lmr::ColumnMap::default();
/// let input = format!("id,vitamin_d [nmol/L]\n{}", "a,x\n".repeat(7));
/// let stats = run(input.as_bytes(), Vec::new(), &interpreter, &Options::new(&map), &mut |_| {})?;
/// assert_eq!((stats.errors, stats.first_errors.len()), (7, FIRST_ERRORS)); // 5 kept
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const FIRST_ERRORS: usize = 5;

/// What stops a batch. Row problems never do: they go to the `error` column.
///
/// ```
/// use lmr::batch::{run, BatchError, HeaderError, Options};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = lmr::ColumnMap::default();
/// let e = run("".as_bytes(), Vec::new(), &interpreter, &Options::new(&map), &mut |_| {}).unwrap_err();
/// assert!(matches!(e, BatchError::Header(HeaderError::Missing)));
/// assert!(e.to_string().starts_with("header: no header row"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// Reading the input failed.
    #[error("reading the input: {0}")]
    Read(io::Error),
    /// Writing the output failed.
    #[error("writing the output: {0}")]
    Write(io::Error),
    /// The header cannot be used.
    #[error("header: {0}")]
    Header(HeaderError),
    /// A record (header or row) is longer than [`Options::max_record_size`]. Reading stops
    /// there: without a closing quote there is no telling where the next row begins.
    #[error("line {line}: a record longer than {limit} bytes (--max-record-size); stopped there (an unterminated quote, or not a CSV file?)")]
    RecordTooLarge {
        /// The line where the record starts (or the first line after the last good record).
        line: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// JSON Lines output, and a field that is not UTF-8: JSON cannot carry it unaltered.
    #[error("line {line}, column {column:?}: byte {byte} of the field (0x{value:02X}) is not UTF-8; JSON Lines cannot carry it unaltered: declare the input's encoding (--encoding latin1) or convert it to UTF-8 (iconv -f latin1 -t utf-8)")]
    NotUtf8 {
        /// The line where the record starts.
        line: u64,
        /// The column (its header name, or its number from 1 for the header itself).
        column: String,
        /// The position of the first byte that is not UTF-8 in the field, from 1.
        byte: usize,
        /// That byte.
        value: u8,
    },
}

// Each cause is printed once: in the message above, so the variants hold it without being a
// `source()` (a `#[from]` would make it one).
impl From<HeaderError> for BatchError {
    fn from(e: HeaderError) -> Self {
        BatchError::Header(e)
    }
}

impl BatchError {
    /// Whether the output was a closed pipe (`lmr batch … | head`).
    ///
    /// ```
    /// use lmr::batch::BatchError;
    /// use std::io::{Error, ErrorKind};
    /// assert!(BatchError::Write(Error::from(ErrorKind::BrokenPipe)).is_broken_pipe());
    /// assert!(!BatchError::Read(Error::from(ErrorKind::BrokenPipe)).is_broken_pipe()); // output only
    /// ```
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, BatchError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

fn read_error(e: csv::Error) -> BatchError {
    // The csv crate's own message (never its Debug text) for what is not an I/O error.
    let message = (!e.is_io_error()).then(|| e.to_string());
    match (e.into_kind(), message) {
        (csv::ErrorKind::Io(e), _) => match e.get_ref().and_then(|i| i.downcast_ref::<Refused>()) {
            Some(Refused(r)) => (**r).clone_error(),
            None => BatchError::Read(e),
        },
        (_, message) => BatchError::Read(io::Error::new(
            io::ErrorKind::InvalidData,
            message.unwrap_or_default(),
        )),
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Rows between progress reports.
const PROGRESS_EVERY: u64 = 8192;

/// What the first bytes of the input say about its dialect.
struct Dialect {
    bom: bool,
    crlf: bool,
    /// Lines end in a lone `\r` (old Mac): the `csv` crate counts `\n` only, so lines are
    /// counted by [`Tail`].
    cr: bool,
}

/// Reads the first chunk, in `encoding` (or UTF-16, when a UTF-16 byte-order mark opens the
/// input), to detect a UTF-8 BOM (stripped by the `csv` reader, written back), CRLF line ends
/// (kept in CSV output) and CR-only line ends; refuses UTF-16 without a byte-order mark.
fn sniff<R: Read>(input: R, encoding: Encoding) -> Result<(Dialect, impl Read), BatchError> {
    let mut input = encoding.reader_with_bom(input).map_err(BatchError::Read)?;
    let mut head = Vec::with_capacity(1 << 16);
    input
        .by_ref()
        .take(1 << 16)
        .read_to_end(&mut head)
        .map_err(BatchError::Read)?;
    if let Some(order) = crate::files::utf16_without_bom(&head) {
        return Err(HeaderError::Utf16WithoutBom { order }.into());
    }
    // The `csv` reader strips the first BOM itself (and only the first: a second one is
    // part of the first header name, and comes back as it was).
    let bom = head.starts_with(UTF8_BOM);
    let crlf = head
        .iter()
        .position(|&b| b == b'\n')
        .is_some_and(|i| i > 0 && head[i - 1] == b'\r');
    let cr = head
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .is_some_and(|i| head[i] == b'\r' && head.get(i + 1) != Some(&b'\n'));
    Ok((
        Dialect { bom, crlf, cr },
        io::Cursor::new(head).chain(input),
    ))
}

/// The input as the `csv` reader reads it, remembering the last [`TAIL`] bytes, so the reader
/// thread can tell how a record ended (the `csv` crate's record positions are taken before the
/// line ends it skips, so they miscount lines after a blank line or a change of line end).
struct Tail<R> {
    inner: R,
    ring: Vec<u8>,
    /// Bytes read so far.
    read: u64,
    /// Where the last record read by the `csv` reader ended, and the line after it.
    record_end: u64,
    next_line: u64,
    /// [`Options::max_record_size`].
    limit: u64,
    /// JSON Lines output from UTF-8 input: every field must be UTF-8.
    require_utf8: bool,
    /// The header's names, for messages.
    names: Vec<String>,
    /// CR-only line ends ([`Dialect::cr`]): lines are counted here, the `\r`s before byte
    /// `cr_at` being `cr_line - 1`; `cr_record_line` is where the last record read starts.
    cr: bool,
    cr_at: u64,
    cr_line: u64,
    cr_record_line: u64,
}

/// A reading error that carries a [`BatchError`] through the `csv` reader (as an I/O error).
#[derive(Debug)]
struct Refused(Box<BatchError>);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refused {}

impl BatchError {
    /// A copy of the errors [`Refused`] carries (the others never travel that way).
    fn clone_error(&self) -> BatchError {
        match self {
            BatchError::RecordTooLarge { line, limit } => BatchError::RecordTooLarge {
                line: *line,
                limit: *limit,
            },
            BatchError::NotUtf8 {
                line,
                column,
                byte,
                value,
            } => BatchError::NotUtf8 {
                line: *line,
                column: column.clone(),
                byte: *byte,
                value: *value,
            },
            other => BatchError::Read(io::Error::other(other.to_string())),
        }
    }

    fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, Refused(Box::new(self)))
    }
}

/// The `csv` reader's buffer: the reader may hold this much beyond the record it is parsing.
const CSV_BUFFER: usize = 1 << 16;

/// Bytes kept: more than the `csv` reader's buffer (64 KiB), so a record's last byte is always
/// still here when the record is returned.
const TAIL: usize = 1 << 18;

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read - self.record_end > self.limit + CSV_BUFFER as u64 {
            return Err(BatchError::RecordTooLarge {
                line: self.next_line,
                limit: self.limit,
            }
            .into_io());
        }
        let n = self.inner.read(buf)?;
        for chunk in buf[..n].chunks(TAIL) {
            let start = (self.read % TAIL as u64) as usize;
            let first = chunk.len().min(TAIL - start);
            self.ring[start..start + first].copy_from_slice(&chunk[..first]);
            self.ring[..chunk.len() - first].copy_from_slice(&chunk[first..]);
            self.read += chunk.len() as u64;
        }
        Ok(n)
    }
}

impl<R> Tail<R> {
    fn new(inner: R, options: &Options<'_>, cr: bool) -> Tail<R> {
        Tail {
            inner,
            ring: vec![0; TAIL],
            read: 0,
            record_end: 0,
            next_line: 1,
            limit: options.max_record_size,
            require_utf8: options.format == Format::Jsonl,
            names: Vec::new(),
            cr,
            cr_at: 0,
            cr_line: 1,
            cr_record_line: 1,
        }
    }

    /// Counts the lines of a CR-only input up to the end of `record` (ending at byte `end`):
    /// the `\r`s skipped before it (blank lines, still in the ring: a record never starts with
    /// a line end, and its position is taken before them), those inside its fields, and the
    /// one that ends it.
    fn count_cr_lines(&mut self, record: &ByteRecord, end: u64) {
        let mut skipped = 0;
        let mut at = self.cr_at;
        while let Some(b @ (b'\r' | b'\n')) = self.byte(at).filter(|_| at < end) {
            skipped += u64::from(b == b'\r');
            at += 1;
        }
        self.cr_record_line = self.cr_line + skipped;
        let inside = record.as_slice().iter().filter(|&&b| b == b'\r').count() as u64;
        let ended = end.checked_sub(1).and_then(|at| self.byte(at)) == Some(b'\r');
        self.cr_line = self.cr_record_line + inside + u64::from(ended);
        self.cr_at = end;
    }

    /// Appends the input's bytes `start..end` to `out`; `false` (nothing appended) when they
    /// are no longer all kept.
    fn copy(&self, start: u64, end: u64, out: &mut Vec<u8>) -> bool {
        if start > end || end > self.read || self.read - start > TAIL as u64 {
            return false;
        }
        let (a, b) = ((start % TAIL as u64) as usize, (end % TAIL as u64) as usize);
        if a <= b && end - start < TAIL as u64 {
            out.extend_from_slice(&self.ring[a..b]);
        } else {
            out.extend_from_slice(&self.ring[a..]);
            out.extend_from_slice(&self.ring[..b]);
        }
        true
    }

    /// The byte at input offset `at`, if still kept.
    fn byte(&self, at: u64) -> Option<u8> {
        (at < self.read && self.read - at <= TAIL as u64)
            .then(|| self.ring[(at % TAIL as u64) as usize])
    }
}

/// The physical line where the record just read starts: the reader's line after it, less the
/// line breaks inside it and the `\n` that ended it (if one did).
fn record_line<R: Read>(rdr: &csv::Reader<Tail<R>>, record: &ByteRecord) -> u64 {
    if rdr.get_ref().cr {
        return rdr.get_ref().cr_record_line;
    }
    let end = rdr.position();
    // Line breaks inside a record are rare: one fast search first.
    let bytes = record.as_slice();
    let inside = match bytes.contains(&b'\n') {
        true => bytes.iter().filter(|&&b| b == b'\n').count() as u64,
        false => 0,
    };
    let before_end = |back: u64| {
        end.byte()
            .checked_sub(back)
            .and_then(|at| rdr.get_ref().byte(at))
    };
    // An unterminated quote ends the record at the end of the input: a final `\n` is then the
    // field's own (already counted inside), not a line end after it.
    let last_field_ends_lf = record
        .get(record.len().saturating_sub(1))
        .is_some_and(|f| f.last() == Some(&b'\n'));
    let ended_by_lf =
        before_end(1) == Some(b'\n') && !(last_field_ends_lf && before_end(2) != Some(b'"'));
    end.line().saturating_sub(inside + u64::from(ended_by_lf))
}

/// Reads the next record, enforcing [`Options::max_record_size`] (the reader's buffer may run
/// up to [`CSV_BUFFER`] bytes past it before it is noticed) and, for JSON Lines, UTF-8.
fn next_record<R: Read>(
    rdr: &mut csv::Reader<Tail<R>>,
    record: &mut ByteRecord,
) -> Result<bool, csv::Error> {
    if !rdr.read_byte_record(record)? {
        return Ok(false);
    }
    let end = rdr.position().clone();
    if rdr.get_ref().cr {
        rdr.get_mut().count_cr_lines(record, end.byte());
    }
    let tail = rdr.get_ref();
    let too_long = record.as_slice().len() as u64 > tail.limit;
    let line = tail.next_line;
    if too_long {
        let limit = tail.limit;
        return Err(BatchError::RecordTooLarge { line, limit }.into_io().into());
    }
    if tail.require_utf8 && std::str::from_utf8(record.as_slice()).is_err() {
        let line = record_line(rdr, record);
        let names = &rdr.get_ref().names;
        for (i, field) in record.iter().enumerate() {
            if let Err(e) = std::str::from_utf8(field) {
                let at = e.valid_up_to();
                let column = names.get(i).cloned().unwrap_or_else(|| (i + 1).to_string());
                return Err(BatchError::NotUtf8 {
                    line,
                    column,
                    byte: at + 1,
                    value: field[at],
                }
                .into_io()
                .into());
            }
        }
    }
    let tail = rdr.get_mut();
    tail.record_end = end.byte();
    tail.next_line = if tail.cr { tail.cr_line } else { end.line() };
    Ok(true)
}

/// Records handed from the reader thread to a worker, with the number of the first row and the
/// line where each record starts.
struct Batch {
    records: Vec<ByteRecord>,
    lines: Vec<u64>,
    /// Each record's line as read, when the CSV writer would write the same bytes
    /// ([`raw_line`]; an empty range otherwise), in `raw`.
    raws: Vec<std::ops::Range<usize>>,
    raw: Vec<u8>,
    len: usize,
    first_row: u64,
}

/// A worker's output for one batch: the formatted bytes and what happened.
struct Done {
    bytes: Vec<u8>,
    stats: Stats,
    /// Input bytes consumed up to the end of this batch (for progress).
    input_byte: u64,
}

/// Copies the line `record` was read from into `raw` when its length is the record's fields'
/// plus one delimiter between each, and gives its place there; else an empty range (nothing
/// kept).
///
/// A kept line without any quote (checked per batch, [`drop_quoted_lines`]) is what the CSV
/// writer would write for the record: split at its delimiters only, its fields hold no quote,
/// delimiter or line end, so none needs quoting, and the equal length rules out anything else
/// in it (a blank line skipped before the record). A line with a quote may match the length
/// by chance (an unterminated quote at the end of the input adds one byte, and its field may end
/// in what looks like a line end), so the quote check is what decides.
fn raw_line<R: Read>(
    rdr: &csv::Reader<Tail<R>>,
    record: &ByteRecord,
    raw: &mut Vec<u8>,
) -> std::ops::Range<usize> {
    let from = raw.len();
    let Some(start) = record.position().map(csv::Position::byte) else {
        return from..from;
    };
    let end = rdr.position().byte();
    let fields = record.as_slice().len() + record.len().saturating_sub(1);
    // The line, with at most its `\r\n`; a longer one is not this record's alone.
    if end < start || end - start > fields as u64 + 2 || !rdr.get_ref().copy(start, end, raw) {
        return from..from;
    }
    let mut body = raw.len();
    if raw[from..body].ends_with(b"\n") {
        body -= 1;
    }
    if raw[from..body].ends_with(b"\r") {
        body -= 1;
    }
    if body - from == fields {
        raw.truncate(body);
        from..body
    } else {
        raw.truncate(from);
        from..from
    }
}

/// Forgets the kept lines ([`raw_line`]) that hold a quote: a field with a quote in it is
/// quoted when written. One search of the whole batch when none does (the usual case).
fn drop_quoted_lines(raw: &[u8], raws: &mut [std::ops::Range<usize>]) {
    if !raw.contains(&b'"') {
        return;
    }
    for r in raws
        .iter_mut()
        .filter(|r| raw[(*r).clone()].contains(&b'"'))
    {
        *r = r.start..r.start;
    }
}

/// Records per batch, at most.
const BATCH_ROWS: usize = 512;
/// Bytes of records per batch, at most (one record may take it past this).
const BATCH_BYTES: usize = 1 << 20;
/// A record longer than this gets a fresh buffer rather than keeping its large one.
const BIG_RECORD: usize = 1 << 16;
/// Batches queued per worker (bounds memory).
const QUEUED: usize = 2;

/// The reader thread: fills recycled batches and deals them to the workers in turn (batch `i`
/// to worker `i % workers`), so the writer can collect results in the same turn and keep order.
fn read_batches<R: Read>(
    mut rdr: csv::Reader<Tail<R>>,
    to_workers: Vec<SyncSender<Batch>>,
    spare: Receiver<Batch>,
    keep_raw: bool,
) -> Result<(), csv::Error> {
    let mut row = 0u64;
    for turn in 0.. {
        let mut batch = spare.try_recv().unwrap_or_else(|_| Batch {
            records: Vec::with_capacity(BATCH_ROWS),
            lines: Vec::with_capacity(BATCH_ROWS),
            raws: Vec::with_capacity(BATCH_ROWS),
            raw: Vec::new(),
            len: 0,
            first_row: 0,
        });
        batch.len = 0;
        batch.lines.clear();
        batch.raws.clear();
        batch.raw.clear();
        batch.first_row = row + 1;
        let mut done = false;
        let mut bytes = 0;
        while batch.len < BATCH_ROWS && bytes < BATCH_BYTES {
            if batch.records.len() == batch.len {
                // Room for a usual row at once (rather than growing by doubling).
                batch.records.push(ByteRecord::with_capacity(256, 32));
            } else if batch.records[batch.len].as_slice().len() > BIG_RECORD {
                // Do not keep a long record's buffer for reuse: memory would grow with
                // (records in flight) × (longest record).
                batch.records[batch.len] = ByteRecord::new();
            }
            if next_record(&mut rdr, &mut batch.records[batch.len])? {
                bytes += batch.records[batch.len].as_slice().len();
                let raw = match keep_raw {
                    true => raw_line(&rdr, &batch.records[batch.len], &mut batch.raw),
                    false => 0..0,
                };
                let line = record_line(&rdr, &batch.records[batch.len]);
                batch.lines.push(line);
                batch.raws.push(raw);
                batch.len += 1;
            } else {
                done = true;
                break;
            }
        }
        drop_quoted_lines(&batch.raw, &mut batch.raws);
        row += batch.len as u64;
        if batch.len > 0 && to_workers[turn % to_workers.len()].send(batch).is_err() {
            return Ok(()); // the run stopped (a write failed)
        }
        if done {
            return Ok(());
        }
    }
    Ok(())
}

/// How many threads interpret rows: `LMR_THREADS` when set (1 to 64), else the cores
/// available, at most 4.
fn worker_count() -> usize {
    if let Some(n) = std::env::var("LMR_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return n.clamp(1, 64);
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// A CSV input with its header read and resolved.
struct Opened<R> {
    rdr: csv::Reader<Tail<R>>,
    header: ByteRecord,
    names: Vec<String>,
    layout: Layout,
}

/// Opens the (sniffed) input as CSV and reads and resolves its header.
fn open<R: Read>(input: R, options: &Options<'_>, cr: bool) -> Result<Opened<R>, BatchError> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(options.delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(CSV_BUFFER)
        .from_reader(Tail::new(input, options, cr));
    let mut header = ByteRecord::new();
    if !next_record(&mut rdr, &mut header).map_err(read_error)? {
        return Err(HeaderError::Missing.into());
    }
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let layout = Layout::resolve(&names, options.columns)?;
    rdr.get_mut().names.clone_from(&names);
    Ok(Opened {
        rdr,
        header,
        names,
        layout,
    })
}

/// Interprets every row of `input` and writes them to `output`.
///
/// The work is shared, in input order: a reader thread parses CSV records into batches and deals
/// them to interpreting threads in turn (one per core, at most 4); the calling thread collects
/// their formatted output in the same turn and writes it. Memory is bounded by the batches in
/// flight, whatever the input size. `progress` is called now and then with the number of input
/// bytes consumed.
///
/// # Errors
/// [`BatchError::Header`] when the header is missing or unusable (nothing is written then),
/// [`BatchError::Read`] / [`BatchError::Write`] on I/O failure. Row problems are not errors:
/// they fill the row's `error` column and count in [`Stats::errors`].
///
/// ```
/// use lmr::batch::{run, Options};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = lmr::ColumnMap::default();
/// let input = "id,age [y],sex\n1,40,F\n";
/// let mut out = Vec::new();
/// let stats = run(input.as_bytes(), &mut out, &interpreter, &Options::new(&map), &mut |_bytes_read| {})?;
/// assert_eq!(stats.rows, 1);
/// assert!(String::from_utf8(out)?.lines().nth(1).unwrap().starts_with("1,40,F,")); // fields as read
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run<R: Read + Send, W: Write>(
    input: R,
    output: W,
    interpreter: &Interpreter<'_>,
    options: &Options<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<Stats, BatchError> {
    let (dialect, input) = sniff(input, options.encoding)?;
    let Opened {
        rdr,
        header,
        names,
        layout,
    } = open(input, options, dialect.cr)?;
    let reader = RowReader::new(&layout, options.protocol);
    let report = layout.report_layout();
    let sink = || match options.format {
        Format::Csv => Sink::Csv(CsvFormat::new(
            options.delimiter,
            dialect.crlf,
            interpreter,
            report.clone(),
        )),
        Format::Jsonl => Sink::Jsonl(JsonlFormat::new(&names, interpreter, report.clone())),
        Format::FhirNdjson => Sink::Fhir {
            long: layout.is_long(),
        },
    };
    let mut out = io::BufWriter::with_capacity(1 << 18, output);
    if let Sink::Csv(mut csv) = sink() {
        let mut head = Vec::new();
        if dialect.bom {
            head.extend_from_slice(UTF8_BOM);
        }
        csv.header(&mut head, &header);
        out.write_all(&head).map_err(BatchError::Write)?;
    }

    if layout.is_long() {
        // One row per fraction: a sample's rows wait until the sample ends. Run in this thread.
        let mut long = Long::new();
        let mut stats = long.run(rdr, &mut out, &reader, interpreter, &mut sink(), progress)?;
        out.flush().map_err(BatchError::Write)?;
        stats.warnings = layout.warnings().to_vec();
        return Ok(stats);
    }

    let workers = worker_count();
    std::thread::scope(|scope| {
        let (spare_tx, spare_rx) = sync_channel::<Batch>(workers * (QUEUED + 2));
        let mut to_workers = Vec::with_capacity(workers);
        let mut from_workers = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (in_tx, in_rx) = sync_channel::<Batch>(QUEUED);
            let (out_tx, out_rx) = sync_channel::<Done>(QUEUED);
            // Output buffers go back to their worker once written.
            let (back_tx, back_rx) = sync_channel::<Vec<u8>>(QUEUED + 2);
            to_workers.push(in_tx);
            from_workers.push((out_rx, back_tx));
            let (spare_tx, reader, mut sink) = (spare_tx.clone(), &reader, sink());
            scope.spawn(move || {
                let mut state = RowState::default();
                for batch in in_rx {
                    let mut bytes = back_rx.try_recv().unwrap_or_default();
                    let stats = state.batch(&batch, reader, interpreter, &mut sink, &mut bytes);
                    let input_byte = batch.records[..batch.len]
                        .last()
                        .and_then(|r| r.position())
                        .map_or(0, |p| p.byte());
                    let _ = spare_tx.try_send(batch);
                    let done = Done {
                        bytes,
                        stats,
                        input_byte,
                    };
                    if out_tx.send(done).is_err() {
                        return; // the writer stopped
                    }
                }
            });
        }
        drop(spare_tx);
        let keep_raw = options.format == Format::Csv;
        let read = scope.spawn(move || read_batches(rdr, to_workers, spare_rx, keep_raw));

        // Collect in the same turn as the batches were dealt: input order.
        let mut stats = Stats::default();
        let mut since_progress = 0u64;
        let mut write = || -> Result<(), BatchError> {
            'turns: loop {
                for (from, back) in &from_workers {
                    let Ok(done) = from.recv() else {
                        break 'turns; // the input is exhausted (or the reader failed)
                    };
                    out.write_all(&done.bytes).map_err(BatchError::Write)?;
                    stats.add(done.stats);
                    let _ = back.try_send(done.bytes);
                    since_progress += BATCH_ROWS as u64;
                    if since_progress >= PROGRESS_EVERY {
                        since_progress = 0;
                        progress(done.input_byte);
                    }
                }
            }
            out.flush().map_err(BatchError::Write)
        };
        let written = write();
        drop(from_workers); // unblocks the workers and the reader if the write failed
        let read = read.join().unwrap_or_else(|_| {
            Err(csv::Error::from(io::Error::other(
                "the reader thread stopped",
            )))
        });
        written?;
        read.map_err(read_error)?;
        stats.warnings = layout.warnings().to_vec();
        Ok(stats)
    })
}

impl Stats {
    /// Adds a later batch's counts.
    fn add(&mut self, other: Stats) {
        self.rows += other.rows;
        self.interpreted += other.interpreted;
        self.errors += other.errors;
        self.flagged += other.flagged;
        self.caveats |= other.caveats;
        for e in other.first_errors {
            if self.first_errors.len() < FIRST_ERRORS {
                self.first_errors.push(e);
            }
        }
    }
}

/// The per-row buffers, reused across rows.
#[derive(Default)]
struct RowState<'r> {
    sample: Sample,
    result: Interpretation<'r>,
    /// The row's problems (every rejected cell), and their text as written in `error`.
    errors: Vec<RowError>,
    error: String,
    /// The cells rows repeat (doses, window), parsed once.
    repeated: row::Repeated,
}

/// What reading and interpreting one row gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Every given input was read and interpreted.
    Clean,
    /// Some cells were rejected: the results that did not need them are kept.
    Partial,
    /// The row could not be read at all (its field count); no results.
    Failed,
}

impl<'r> RowState<'r> {
    /// Interprets and formats one batch into `out` (cleared first).
    fn batch(
        &mut self,
        batch: &Batch,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
        sink: &mut Sink<'_, 'r>,
        out: &mut Vec<u8>,
    ) -> Stats {
        out.clear();
        let mut stats = Stats::default();
        let width = reader.layout().width();
        for (i, record) in batch.records[..batch.len].iter().enumerate() {
            let pos = Position {
                row: batch.first_row + i as u64,
                line: batch.lines[i],
            };
            stats.rows += 1;
            let outcome = self.interpret(reader, interpreter, record, pos);
            self.count(outcome, &mut stats);
            let (result, error) = self.output(outcome);
            let facts = Facts {
                row: pos.row,
                line: pos.line,
                last: true,
                sample: &self.sample,
                errors: &self.errors,
                raw: batch
                    .raw
                    .get(batch.raws[i].clone())
                    .filter(|r| !r.is_empty()),
            };
            sink.row(out, record, width, result, error, None, facts);
        }
        stats
    }

    /// The result and the error text to write for `outcome`.
    fn output(&self, outcome: Outcome) -> (Option<&Interpretation<'r>>, Option<&str>) {
        match outcome {
            Outcome::Clean => (Some(&self.result), None),
            Outcome::Partial => (Some(&self.result), Some(&self.error)),
            Outcome::Failed => (None, Some(&self.error)),
        }
    }

    /// Counts a row: interpreted (and flagged), or with an error (the first few kept); the
    /// flags of a row with errors are in its output, not in the count.
    fn count(&self, outcome: Outcome, stats: &mut Stats) {
        if outcome == Outcome::Clean {
            stats.interpreted += 1;
        } else {
            stats.errors += 1;
            if stats.first_errors.len() < FIRST_ERRORS {
                stats.first_errors.push(self.error.clone());
            }
        }
        if outcome == Outcome::Clean && !self.result.flags.is_empty() {
            stats.flagged += 1;
        }
        if outcome != Outcome::Failed {
            for &c in &self.result.caveats {
                stats.caveats |= caveat_bit(c);
            }
        }
    }

    /// Writes an error row (a row-level problem: no results) and counts it; `last`: the row
    /// stands for a sample of its own (not a surplus row of a sample already handed over).
    #[allow(clippy::too_many_arguments)] // an error path; the arguments are the row's parts
    fn error_row(
        &mut self,
        e: &RowError,
        record: &ByteRecord,
        width: usize,
        sink: &mut Sink<'_, 'r>,
        out: &mut Vec<u8>,
        stats: &mut Stats,
        last: bool,
    ) {
        self.error.clear();
        use std::fmt::Write as _;
        let _ = write!(self.error, "{e}");
        self.count(Outcome::Failed, stats);
        let facts = Facts {
            row: e.pos.row,
            line: e.pos.line,
            last,
            sample: &self.sample,
            errors: std::slice::from_ref(e),
            raw: None,
        };
        sink.row(out, record, width, None, Some(&self.error), None, facts);
    }

    /// Reads and interprets one row. Every rejected cell is listed in `self.error`,
    /// `;`-separated; the results that did not need it stay in `self.result`.
    fn interpret(
        &mut self,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
        record: &ByteRecord,
        pos: Position,
    ) -> Outcome {
        self.interpret_numbers(reader, interpreter, record, &[], pos)
    }

    /// [`RowState::interpret`] with some columns' values handed in as numbers
    /// ([`RowReader::read_numbers`]).
    fn interpret_numbers(
        &mut self,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
        record: &ByteRecord,
        numbers: &[Option<f64>],
        pos: Position,
    ) -> Outcome {
        self.errors.clear();
        self.error.clear();
        let read = reader.read_numbers(
            record,
            numbers,
            pos,
            &mut self.sample,
            &mut self.errors,
            &mut self.repeated,
        );
        let outcome = match read {
            Err(e) => {
                self.errors.push(e);
                self.result.clear();
                Outcome::Failed
            }
            Ok(()) => {
                if let Err(e) = interpreter.interpret(&self.sample, &mut self.result) {
                    self.errors.push(interpret_error(e, pos, reader, record));
                }
                if self.errors.is_empty() {
                    return Outcome::Clean;
                }
                Outcome::Partial
            }
        };
        self.join_errors();
        outcome
    }

    /// Writes every problem of the row into `self.error`, `;`-separated.
    fn join_errors(&mut self) {
        use std::fmt::Write as _;
        self.error.clear();
        for (i, e) in self.errors.iter().enumerate() {
            let sep = if i > 0 { "; " } else { "" };
            let _ = write!(self.error, "{sep}{e}");
        }
    }

    /// Adds a problem to an interpreted row, keeping its results.
    fn add_error(&mut self, e: RowError) -> Outcome {
        self.errors.push(e);
        self.join_errors();
        Outcome::Partial
    }

    /// Adds a problem that leaves the row's urine out (a timed fraction's window): its sugar
    /// results are emptied, its other analytes kept.
    fn reject_urine(&mut self, e: RowError, interpreter: &Interpreter<'r>) -> Outcome {
        self.sample.urine.clear();
        self.sample.urine_volume = None;
        self.sample.fractions.clear();
        // Its own errors (a zonulin range) are listed already.
        let _ = interpreter.interpret(&self.sample, &mut self.result);
        self.add_error(e)
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
        InterpretError::Recovery(RecoveryError::ZeroDose { sugar }) => Field::Dose(*sugar),
        InterpretError::FractionsAndWhole => {
            return RowError {
                pos,
                column: None,
                value: String::new(),
                problem: Problem::Interpretation(e),
            }
        }
        // A recovery too large to compute: the urine result is the usual culprit (a unit).
        InterpretError::Recovery(
            RecoveryError::OutOfRange { sugar } | RecoveryError::TooSmall { sugar },
        ) => Field::Urine(*sugar),
        // The message names both inputs; the column is the numerator's.
        InterpretError::RatioOutOfRange { numerator, .. } => Field::Urine(*numerator),
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
        problem: Problem::Interpretation(e),
    }
}

/// How rows are formatted.
enum Sink<'i, 'r> {
    Csv(CsvFormat<'i, 'r>),
    Jsonl(JsonlFormat<'i, 'r>),
    /// FHIR NDJSON; `long`: each row is one timed fraction of a sample.
    Fhir {
        long: bool,
    },
    /// Not written: each sample handed to a cohort command ([`Scan::for_each`]).
    Visit(scan::Visit<'i, 'r>),
    /// Not written: each row's result cells handed to a data frame's columns ([`Columnar`]).
    Cells(columnar::Cells<'i, 'r>),
}

/// What a row format needs besides the cells: the row number, the sample as read, the error.
#[derive(Clone, Copy)]
struct Facts<'a> {
    row: u64,
    line: u64,
    /// The row is its sample's last (every row, but in the long layout).
    last: bool,
    sample: &'a Sample,
    /// Every rejected cell of the row (with results kept for what did not need them), or the
    /// row-level problem (no results).
    errors: &'a [RowError],
    /// The record's line as read, when the CSV writer would write the same bytes for its fields.
    raw: Option<&'a [u8]>,
}

impl<'r> Sink<'_, 'r> {
    #[allow(clippy::too_many_arguments)] // one call per row; a struct would be rebuilt per row
    fn row(
        &mut self,
        out: &mut Vec<u8>,
        record: &ByteRecord,
        width: usize,
        result: Option<&Interpretation<'r>>,
        error: Option<&str>,
        cumulative: Option<&Interpretation<'r>>,
        facts: Facts<'_>,
    ) {
        match self {
            Sink::Csv(c) => c.row(out, record, facts.raw, width, result, error, cumulative),
            Sink::Jsonl(j) => j.row(out, record, result, error, cumulative),
            Sink::Fhir { long } => fhir_row(out, *long, result, error, facts),
            Sink::Visit(v) => v.row(record, result, error, cumulative, facts),
            Sink::Cells(c) => c.row(result, error, cumulative),
        }
    }
}

/// One row as a FHIR `Bundle` on one line: its results, and an `OperationOutcome` naming every
/// rejected field and value.
fn fhir_row(
    out: &mut Vec<u8>,
    long: bool,
    result: Option<&Interpretation<'_>>,
    error: Option<&str>,
    facts: Facts<'_>,
) {
    use crate::report::fhir;
    let mut problems: Vec<fhir::RowProblem<'_>> = facts
        .errors
        .iter()
        .map(|e| fhir::RowProblem {
            field: e.column.as_deref(),
            value: &e.value,
            message: e.to_string(),
        })
        .collect();
    if problems.is_empty() {
        if let Some(e) = error {
            problems.push(fhir::RowProblem {
                field: None,
                value: "",
                message: e.to_string(),
            });
        }
    }
    let bundle = match result {
        Some(r) => {
            let mut b = if long {
                fhir::fraction_row_bundle(facts.sample, r, facts.row)
            } else {
                fhir::bundle(facts.sample, r, Some(facts.row))
            };
            fhir::add_problems(&mut b, facts.row, &problems);
            b
        }
        None => fhir::error_bundle(facts.row, &problems),
    };
    // Writing JSON into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &bundle);
    out.push(b'\n');
}

/// Writes one CSV field, quoted (with `"` doubled) only when it holds the delimiter, a quote or
/// a line end, as the `csv` crate does by default.
fn write_csv_field(out: &mut Vec<u8>, field: &[u8], delimiter: u8) {
    if !needs_quotes(field, delimiter) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for part in field.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Whether a field must be quoted: it holds the delimiter, a quote or a line end.
fn needs_quotes(bytes: &[u8], delimiter: u8) -> bool {
    // A fold, not `any`: no early exit, so the compiler can check several bytes at once.
    bytes.iter().fold(false, |q, &b| {
        q | (b == delimiter) | (b == b'"') | (b == b'\n') | (b == b'\r')
    })
}

// The caveat cache keys a row's caveats by a bit per caveat.
const _: () = assert!(Caveat::ALL.len() <= 64);

struct CsvFormat<'i, 'r> {
    interpreter: &'i Interpreter<'r>,
    layout: ReportLayout,
    delimiter: u8,
    terminator: &'static [u8],
    scratch: Vec<u8>,
    /// The `caveats` cell, already CSV-encoded, per set of caveats (rows repeat a few sets).
    caveat_cells: Vec<(u64, Vec<u8>)>,
    /// Numbers and bounds never need quotes: the delimiter is none of their characters.
    numbers_plain: bool,
}

impl<'i, 'r> CsvFormat<'i, 'r> {
    fn new(
        delimiter: u8,
        crlf: bool,
        interpreter: &'i Interpreter<'r>,
        layout: ReportLayout,
    ) -> Self {
        CsvFormat {
            interpreter,
            layout,
            delimiter,
            terminator: if crlf { b"\r\n" } else { b"\n" },
            scratch: Vec::with_capacity(1 << 10),
            caveat_cells: Vec::new(),
            numbers_plain: !b"0123456789.eE+-<>".contains(&delimiter),
        }
    }

    fn header(&mut self, out: &mut Vec<u8>, header: &ByteRecord) {
        for (i, field) in header.iter().enumerate() {
            if i > 0 {
                out.push(self.delimiter);
            }
            write_csv_field(out, field, self.delimiter);
        }
        for name in result_columns(self.interpreter, &self.layout) {
            out.push(self.delimiter);
            write_csv_field(out, name.as_bytes(), self.delimiter);
        }
        out.extend_from_slice(self.terminator);
    }

    #[allow(clippy::too_many_arguments)] // one call per row; a struct would be rebuilt per row
    fn row(
        &mut self,
        out: &mut Vec<u8>,
        record: &ByteRecord,
        raw: Option<&[u8]>,
        width: usize,
        result: Option<&Interpretation<'_>>,
        error: Option<&str>,
        cumulative: Option<&Interpretation<'_>>,
    ) {
        let d = self.delimiter;
        match raw.filter(|_| record.len() == width) {
            // The line as read is the fields as they would be written (`raw_line`): one copy.
            Some(raw) => out.extend_from_slice(raw),
            None => {
                // One scan of the whole record: usually no field needs quotes.
                let plain = !needs_quotes(record.as_slice(), d);
                for i in 0..width {
                    if i > 0 {
                        out.push(d);
                    }
                    let field = record.get(i).unwrap_or_default();
                    if plain {
                        out.extend_from_slice(field);
                    } else {
                        write_csv_field(out, field, d);
                    }
                }
            }
        }
        let (scratch, cache) = (&mut self.scratch, &mut self.caveat_cells);
        let (interpreter, layout) = (self.interpreter, &self.layout);
        cells_with_cumulative(interpreter, layout, result, cumulative, error, |_, cell| {
            out.push(d);
            if let Cell::Codes(codes) = cell {
                if no_codes(codes) {
                    return; // most rows: no flag, no missing input
                }
            }
            if let Cell::Codes(Codes::Caveats(r)) = cell {
                let key = r.caveats.iter().fold(0u64, |m, c| m | caveat_bit(*c));
                if let Some((_, cached)) = cache.iter().find(|(k, _)| *k == key) {
                    out.extend_from_slice(cached);
                    return;
                }
                scratch.clear();
                cell_text(cell, scratch);
                let mut encoded = Vec::with_capacity(scratch.len() + 2);
                write_csv_field(&mut encoded, scratch, d);
                out.extend_from_slice(&encoded);
                if cache.len() < 256 {
                    cache.push((key, encoded));
                }
                return;
            }
            match (cell, self.numbers_plain) {
                (Cell::Empty, _) => return,
                (Cell::Text(t), _) => return write_csv_field(out, t.as_bytes(), d),
                (Cell::Number(_) | Cell::Bound(_), true) => {
                    return cell_text(cell, out); // digits, '.', 'e', '-', '<', '>': never quoted
                }
                _ => {}
            }
            scratch.clear();
            cell_text(cell, scratch);
            write_csv_field(out, scratch, d);
        });
        out.extend_from_slice(self.terminator);
    }
}

/// Whether a code list is empty (its cell is then empty).
fn no_codes(codes: Codes<'_>) -> bool {
    match codes {
        Codes::Flags(r) => r.flags.is_empty(),
        Codes::Caveats(r) => r.caveats.is_empty(),
        Codes::Missing(r) => r.missing.is_empty(),
    }
}

/// A result cell's text: numbers by [`number::write`], bounds `<x`/`>x`, codes `;`-separated.
fn cell_text(cell: Cell<'_>, out: &mut Vec<u8>) {
    match cell {
        Cell::Empty => {}
        Cell::Number(x) => number::write(out, x, number::DIGITS),
        Cell::Bound(c) => write_censored(out, c),
        Cell::Text(t) => out.extend_from_slice(t.as_bytes()),
        Cell::Codes(c) => c.write_joined(out),
    }
}

/// A result cell as JSON: numbers by [`number::write`] (the CSV text), `null` when empty,
/// strings escaped, codes as an array of strings.
fn write_json_cell(cell: Cell<'_>, out: &mut Vec<u8>, scratch: &mut Vec<u8>) {
    match cell {
        Cell::Empty => out.extend_from_slice(b"null"),
        Cell::Number(x) if x.is_finite() => number::write(out, x, number::DIGITS),
        Cell::Number(_) => out.extend_from_slice(b"null"),
        Cell::Bound(c) => {
            out.push(b'"');
            write_censored(out, c);
            out.push(b'"');
        }
        Cell::Text(t) => {
            // Writing JSON into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, t);
        }
        Cell::Codes(c) => {
            scratch.clear();
            c.write_joined(scratch);
            out.push(b'[');
            // Codes are ASCII identifiers: quoting each is enough.
            for (i, code) in scratch.split(|&b| b == b';').enumerate() {
                if code.is_empty() {
                    continue;
                }
                if i > 0 {
                    out.push(b',');
                }
                out.push(b'"');
                out.extend_from_slice(code);
                out.push(b'"');
            }
            out.push(b']');
        }
    }
}

struct JsonlFormat<'i, 'r> {
    interpreter: &'i Interpreter<'r>,
    layout: ReportLayout,
    /// `"name":` per input column, then per result column.
    input_keys: Vec<Vec<u8>>,
    result_keys: Vec<Vec<u8>>,
    scratch: Vec<u8>,
}

/// `"key":` as JSON bytes.
fn json_key(name: &str) -> Vec<u8> {
    let mut k = serde_json::to_vec(name).unwrap_or_else(|_| b"\"\"".to_vec());
    k.push(b':');
    k
}

impl<'i, 'r> JsonlFormat<'i, 'r> {
    fn new(names: &[String], interpreter: &'i Interpreter<'r>, layout: ReportLayout) -> Self {
        let results = result_columns(interpreter, &layout);
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
        JsonlFormat {
            interpreter,
            layout,
            input_keys,
            result_keys: results.iter().map(|r| json_key(r)).collect(),
            scratch: Vec::with_capacity(1 << 10),
        }
    }

    fn row(
        &mut self,
        out: &mut Vec<u8>,
        record: &ByteRecord,
        result: Option<&Interpretation<'_>>,
        error: Option<&str>,
        cumulative: Option<&Interpretation<'_>>,
    ) {
        out.push(b'{');
        for (i, key) in self.input_keys.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key);
            match record.get(i) {
                // Writing JSON into a Vec cannot fail.
                Some(f) => {
                    let _ = serde_json::to_writer(&mut *out, &String::from_utf8_lossy(f));
                }
                None => out.extend_from_slice(b"null"), // a field missing from a short row
            }
        }
        let mut keys = self.result_keys.iter();
        let mut first = self.input_keys.is_empty();
        let (interpreter, layout, scratch) = (self.interpreter, &self.layout, &mut self.scratch);
        cells_with_cumulative(interpreter, layout, result, cumulative, error, |_, cell| {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            out.extend_from_slice(keys.next().map_or(&b"\"\":"[..], Vec::as_slice));
            write_json_cell(cell, out, scratch);
        });
        out.extend_from_slice(b"}\n");
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
    fn input_fields_come_out_as_the_writer_writes_them_whether_copied_or_not() {
        // `"a"` needs no quotes (written a); `say "hi"` keeps its quotes as text (written
        // quoted, doubled); `"1,2"` holds the delimiter (written quoted); a blank line is
        // skipped; CRLF line ends are kept.
        let input =
            "id,note,age\r\n\"a\",x,30\r\n\r\nb,say \"hi\",31\r\nc,\"1,2\",32\r\nd,plain,33\r\n";
        let (stats, out) = batch(input, Format::Csv);
        assert_eq!(stats.rows, 4);
        let lines: Vec<&str> = out.split("\r\n").collect();
        for (line, start) in lines[1..].iter().zip([
            "a,x,30,",
            "b,\"say \"\"hi\"\"\",31,",
            "c,\"1,2\",32,",
            "d,plain,33,",
        ]) {
            assert!(
                line.starts_with(start),
                "{line:?} should start with {start:?}"
            );
        }
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut out = Vec::new();
        for f in ["plain", "", "a,b", "say \"hi\"", "two\nlines", "cr\r"] {
            write_csv_field(&mut out, f.as_bytes(), b',');
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain||\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\r\"|"
        );
        let mut out = Vec::new();
        write_csv_field(&mut out, b"a,b;c", b';');
        assert_eq!(out, b"\"a,b;c\"");
    }

    #[test]
    fn order_is_kept_across_batches_and_workers() {
        // more rows than one batch, so several workers take turns
        let mut input = String::from("id,vitamin_d [nmol/L]\n");
        for i in 0..(BATCH_ROWS * 5 + 7) {
            input.push_str(&format!(
                "{i},{}\n",
                if i % 97 == 0 {
                    "x".to_string()
                } else {
                    (i % 200).to_string()
                }
            ));
        }
        let (stats, out) = batch(&input, Format::Csv);
        assert_eq!(stats.rows as usize, BATCH_ROWS * 5 + 7);
        assert_eq!(stats.errors as usize, (BATCH_ROWS * 5 + 7).div_ceil(97));
        for (i, line) in out.lines().skip(1).enumerate() {
            assert!(line.starts_with(&format!("{i},")), "line {i}: {line}");
        }
        assert!(
            stats.first_errors[1].starts_with("row 98 (line 99),"),
            "{:?}",
            stats.first_errors
        );
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
