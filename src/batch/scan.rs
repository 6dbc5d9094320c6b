//! Sequential row access for commands that aggregate rows instead of writing them back
//! (`lmr summary`, `lmr reference-interval`, `lmr zscore-reference`): the same header
//! resolution, row reading and interpretation as [`super::run`], one row at a time.

use std::io::Read;

use csv::ByteRecord;

use super::{
    next_record, read_error, record_line, sniff, BatchError, Layout, Options, Outcome, Position,
    RowReader, RowState, Stats, Tail,
};
use crate::interpretation::{Interpretation, Interpreter, Sample};

/// One row, as [`Scan::for_each`] hands it over.
pub struct Scanned<'a, 'r> {
    /// The record as read (input fields).
    pub record: &'a ByteRecord,
    /// Where it is.
    pub pos: Position,
    /// The sample read from it (empty when the row could not be read).
    pub sample: &'a Sample,
    /// The interpretation, or the row's error text (as `lmr batch` writes it in `error`); a row
    /// with any rejected cell is an error here (cohort statistics use complete rows only).
    pub result: Result<&'a Interpretation<'r>, &'a str>,
}

/// A CSV input whose header has been read and resolved.
pub struct Scan<R: Read> {
    rdr: csv::Reader<Tail<R>>,
    names: Vec<String>,
    layout: Layout,
}

impl Scan<Box<dyn Read>> {
    /// Reads and resolves the header of `input`.
    ///
    /// # Errors
    /// [`BatchError::Header`] for a missing or unusable header, [`BatchError::Read`] on I/O.
    pub fn new<R: Read + 'static>(input: R, options: &Options<'_>) -> Result<Self, BatchError> {
        let (dialect, input) = sniff(input, options.encoding)?;
        let input: Box<dyn Read> = Box::new(input);
        let super::Opened {
            rdr, names, layout, ..
        } = super::open(input, options, dialect.cr)?;
        Ok(Scan { rdr, names, layout })
    }
}

impl<R: Read> Scan<R> {
    /// The header's column names, as written.
    pub fn header(&self) -> &[String] {
        &self.names
    }

    /// The header's columns that are not read but look like inputs ([`Layout::warnings`]).
    pub fn warnings(&self) -> &[super::HeaderWarning] {
        self.layout.warnings()
    }

    /// The index of the column named `name` (exact match, or the name before a ` [unit]`).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|h| {
            h == name
                || h.split_once(" [")
                    .is_some_and(|(base, _)| base.trim() == name)
        })
    }

    /// Reads, interprets and hands over every row in order.
    ///
    /// # Errors
    /// [`BatchError::Read`] when the input cannot be read. Row problems are handed over in
    /// [`Scanned::result`] and counted in [`Stats::errors`].
    pub fn for_each<'r>(
        mut self,
        interpreter: &Interpreter<'r>,
        options: &Options<'_>,
        mut visit: impl FnMut(Scanned<'_, 'r>),
    ) -> Result<Stats, BatchError> {
        let reader = RowReader::new(&self.layout, options.protocol);
        let mut state = RowState::default();
        let mut record = ByteRecord::new();
        let mut stats = Stats::default();
        while next_record(&mut self.rdr, &mut record).map_err(read_error)? {
            stats.rows += 1;
            let pos = Position {
                row: stats.rows,
                line: record_line(&self.rdr, &record),
            };
            let outcome = state.interpret(&reader, interpreter, &record, pos);
            state.count(outcome, &mut stats);
            let result = match outcome {
                Outcome::Clean => Ok(&state.result),
                Outcome::Partial | Outcome::Failed => Err(state.error.as_str()),
            };
            visit(Scanned {
                record: &record,
                pos,
                sample: &state.sample,
                result,
            });
        }
        stats.warnings = self.layout.warnings().to_vec();
        Ok(stats)
    }
}
