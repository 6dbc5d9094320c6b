//! Long format: one row per timed fraction, rows of a sample consecutive, grouped by sample id.
//!
//! Each row is interpreted alone (that fraction as one collection, for the `<name>_fraction`
//! columns) and written as soon as the next row shows it is not the sample's last; the last row
//! also gets the whole collection (the sample's fractions summed) in the unsuffixed columns. Each
//! row's window is checked against the sample's earlier ones and the collection
//! ([`crate::fraction`]) before its fraction joins the sum. Only the current sample's last row
//! waits, so memory stays flat; the ids of finished samples are remembered as 64-bit hashes
//! (8 bytes each) to report a sample whose rows are not consecutive. This runs in the calling
//! thread. The same reader feeds the cohort commands ([`super::Scan`]), one sample at a time.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::{Read, Write};

use csv::ByteRecord;

use super::{
    next_record, read_error, record_line, BatchError, Field, Outcome, Position, Problem, RowError,
    RowReader, RowState, Sink, Stats, Tail, PROGRESS_EVERY,
};
use crate::flag::Flag;
use crate::fraction::{Window, WindowProblem};
use crate::interpretation::{
    FlagDetail, FlagHit, Fraction, Interpretation, Interpreter, RangeIndex, Sample,
};

/// Fraction rows one sample may have; further rows of it are errors.
///
/// ```
/// use lmr::batch::{run, Options, MAX_FRACTIONS};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let mut input = String::from("sample_id,fraction,urine_volume [mL]\n");
/// for h in 0..=MAX_FRACTIONS {
///     input.push_str(&format!("p1,{h}-{}h,100\n", h + 1)); // 257 one-hour fractions
/// }
/// let map = lmr::ColumnMap::default();
/// let stats = run(input.as_bytes(), Vec::new(), &interpreter, &Options::new(&map), &mut |_| {})?;
/// assert_eq!((stats.rows, stats.errors), (257, 1)); // the 257th row is refused, and still written
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_FRACTIONS: usize = 256;

pub(super) struct Long<'r> {
    state: RowState<'r>,
    /// The held row: the current sample's latest, which may be its last.
    held: ByteRecord,
    held_pos: Option<Position>,
    held_outcome: Outcome,
    /// The current sample's id, its rows so far, and whether every one was interpreted.
    id: Vec<u8>,
    rows: usize,
    group_ok: bool,
    overflow: bool,
    /// The fractions so far, and the cumulative sample and result.
    fractions: Vec<Fraction>,
    whole: Sample,
    cumulative: Interpretation<'r>,
    /// The windows of the current sample's rows so far, with their rows.
    windows: Vec<(Window, Position)>,
    /// The current sample's first row whose fraction could not be read.
    first_bad: Option<Position>,
    /// Hashes of finished samples' ids.
    seen: HashSet<u64, BuildHasherDefault<DefaultHasher>>,
    out: Vec<u8>,
}

impl<'r> Long<'r> {
    pub(super) fn new() -> Self {
        Long {
            state: RowState::default(),
            held: ByteRecord::new(),
            held_pos: None,
            held_outcome: Outcome::Clean,
            id: Vec::new(),
            rows: 0,
            group_ok: true,
            overflow: false,
            fractions: Vec::new(),
            whole: Sample::default(),
            cumulative: Interpretation::default(),
            windows: Vec::new(),
            first_bad: None,
            seen: HashSet::default(),
            out: Vec::with_capacity(1 << 16),
        }
    }

    fn hash(&self, id: &[u8]) -> u64 {
        self.seen.hasher().hash_one(id)
    }

    /// Reads every row after the header, writes them in order to `output`.
    pub(super) fn run<R: Read, W: Write>(
        &mut self,
        mut rdr: csv::Reader<Tail<R>>,
        output: &mut W,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
        sink: &mut Sink<'_, 'r>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Stats, BatchError> {
        let mut stats = Stats::default();
        let mut record = ByteRecord::new();
        while next_record(&mut rdr, &mut record).map_err(read_error)? {
            stats.rows += 1;
            let pos = Position {
                row: stats.rows,
                line: record_line(&rdr, &record),
            };
            self.push(&mut record, pos, reader, interpreter, sink, &mut stats);
            if self.out.len() >= 1 << 16 {
                output.write_all(&self.out).map_err(BatchError::Write)?;
                self.out.clear();
            }
            if stats.rows % PROGRESS_EVERY == 0 {
                progress(record.position().map_or(0, |p| p.byte()));
            }
        }
        self.end(reader, interpreter, sink, &mut stats);
        output.write_all(&self.out).map_err(BatchError::Write)?;
        self.out.clear();
        Ok(stats)
    }

    /// Takes the next row (`record`, data row `pos`): writes the rows it shows to be done to
    /// `sink` (the held row, an error row), and holds it when it may be its sample's last. The
    /// record's buffer may be swapped with the held row's.
    pub(super) fn push(
        &mut self,
        record: &mut ByteRecord,
        pos: Position,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
        sink: &mut Sink<'_, 'r>,
        stats: &mut Stats,
    ) {
        let width = reader.layout().width();
        let id = trim(reader.raw(record, Field::SampleId).unwrap_or_default());
        let same = self.held_pos.is_some() || self.overflow;
        let same = same && !id.is_empty() && id == self.id.as_slice();
        let id_error = |problem| RowError {
            pos,
            column: reader
                .layout()
                .slot(Field::SampleId)
                .map(|s| s.label(Field::SampleId)),
            value: String::from_utf8_lossy(id).into_owned(),
            problem,
        };
        if same && (self.overflow || self.rows >= MAX_FRACTIONS) {
            if !self.overflow {
                // The sample is cut short: it gets no whole-collection results.
                self.finish(reader, interpreter, sink, stats, false);
                self.overflow = true;
            }
            let e = id_error(Problem::TooManyFractions {
                limit: MAX_FRACTIONS,
            });
            self.state
                .error_row(&e, record, width, sink, &mut self.out, stats, false);
        } else if same {
            // The held row was not the sample's last: write it without the whole collection.
            self.write_held(reader, sink, stats, None, false);
            self.take(record, pos, reader, interpreter);
        } else {
            self.finish(reader, interpreter, sink, stats, true);
            if !self.id.is_empty() {
                let h = self.hash(&self.id);
                self.seen.insert(h);
            }
            self.overflow = false;
            self.id.clear();
            if !id.is_empty() && self.seen.contains(&self.hash(id)) {
                let e = id_error(Problem::SampleReappears);
                self.state
                    .error_row(&e, record, width, sink, &mut self.out, stats, true);
            } else {
                self.id.extend_from_slice(id);
                self.rows = 0;
                self.group_ok = true;
                self.fractions.clear();
                self.windows.clear();
                self.first_bad = None;
                self.take(record, pos, reader, interpreter);
            }
        }
    }

    /// Ends the input: writes the held row, its sample's last, with the whole collection.
    pub(super) fn end(
        &mut self,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
        sink: &mut Sink<'_, 'r>,
        stats: &mut Stats,
    ) {
        self.finish(reader, interpreter, sink, stats, true);
    }

    /// Holds `record` as the current sample's latest row: interprets it alone, checks its window
    /// against the sample's others and the collection, and adds its fraction to the sample's.
    fn take(
        &mut self,
        record: &mut ByteRecord,
        pos: Position,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
    ) {
        // The record's buffer goes back to the reader: no copy.
        std::mem::swap(&mut self.held, record);
        self.held_pos = Some(pos);
        self.rows += 1;
        self.held_outcome = self.state.interpret(reader, interpreter, &self.held, pos);
        let label = reader
            .raw(&self.held, Field::Fraction)
            .map(|b| String::from_utf8_lossy(trim(b)).into_owned())
            .unwrap_or_default();
        if self.held_outcome != Outcome::Failed {
            if let Err((problem, other)) = self.window(&label) {
                let e = RowError {
                    pos,
                    column: reader
                        .layout()
                        .slot(Field::Fraction)
                        .map(|s| s.label(Field::Fraction)),
                    value: label.clone(),
                    problem: Problem::Window { problem, other },
                };
                self.held_outcome = self.state.reject_urine(e, interpreter);
            }
        }
        if !self.fraction_read(reader) {
            self.group_ok = false;
            self.first_bad.get_or_insert(pos);
            return;
        }
        let s = &self.state.sample;
        self.fractions.push(Fraction {
            label,
            volume: s.urine_volume,
            urine: s.urine.clone(),
        });
    }

    /// The held row's window, checked: a window (not reversed or empty), not the same as or
    /// overlapping an earlier row's of the sample (`other` is that row), not past the row's
    /// collection. An accepted window joins the sample's.
    fn window(&mut self, label: &str) -> Result<(), (WindowProblem, Option<Position>)> {
        if label.is_empty() {
            return Err((WindowProblem::NoLabel, None));
        }
        let w = Window::parse(label).map_err(|e| (WindowProblem::Label(e), None))?;
        let collection = self.state.sample.protocol.collection;
        if let Some(p) = collection.and_then(|c| w.past(c)) {
            return Err((p, None));
        }
        for &(earlier, at) in &self.windows {
            if let Some(p) = w.problem_beside(earlier) {
                return Err((p, Some(at)));
            }
        }
        if let Some(pos) = self.held_pos {
            self.windows.push((w, pos));
        }
        Ok(())
    }

    /// Whether the held row's fraction was read whole: no error in a column it is made of (its
    /// urine, volume or window); a rejected vitamin D or zonulin cell does not count, since each
    /// analyte stands alone.
    fn fraction_read(&self, reader: &RowReader<'_>) -> bool {
        if self.held_outcome == Outcome::Failed {
            return false;
        }
        let layout = reader.layout();
        let feeds = |column: &str| {
            let named = |f: Field| {
                layout.slot(f).is_some_and(|s| {
                    s.label(f) == column || s.unit_header.as_deref() == Some(column)
                })
            };
            named(Field::UrineVolume)
                || named(Field::Fraction)
                || layout.sugars().iter().any(|&s| named(Field::Urine(s)))
        };
        self.state
            .errors
            .iter()
            .all(|e| e.column.as_deref().is_some_and(|c| !feeds(c)))
    }

    /// Writes the held row (its result is still the state's), with `cumulative` on it; `last`:
    /// it is its sample's last row.
    fn write_held(
        &mut self,
        reader: &RowReader<'_>,
        sink: &mut Sink<'_, 'r>,
        stats: &mut Stats,
        cumulative: Option<&Interpretation<'r>>,
        last: bool,
    ) {
        let Some(pos) = self.held_pos.take() else {
            return;
        };
        let width = reader.layout().width();
        let outcome = self.held_outcome;
        if cumulative.is_none() {
            // The row alone is a fraction, not a collection: judgments of a whole collection
            // (a mannitol recovery or urine volume against a band for the whole, a ratio near a
            // range's bound) would be wrong on it.
            self.state.result.flags.retain(|h| !judges_the_whole(h));
        }
        self.state.count(outcome, stats);
        let (result, error) = self.state.output(outcome);
        let cumulative = cumulative.filter(|_| outcome != Outcome::Failed);
        let facts = super::Facts {
            row: pos.row,
            line: pos.line,
            last,
            sample: &self.state.sample,
            errors: &self.state.errors,
            raw: None,
        };
        sink.row(
            &mut self.out,
            &self.held,
            width,
            result,
            error,
            cumulative,
            facts,
        );
    }

    /// Ends the current sample: writes its held row with the whole collection when `complete`
    /// (not cut short) and the row could be read. The whole collection sums every row's fraction
    /// when each was read; otherwise it has no sugar results, the row says why, and its other
    /// analytes (the last row's) are still given.
    fn finish(
        &mut self,
        reader: &RowReader<'_>,
        interpreter: &Interpreter<'r>,
        sink: &mut Sink<'_, 'r>,
        stats: &mut Stats,
        complete: bool,
    ) {
        if self.held_pos.is_none() {
            return;
        }
        let have = complete && self.held_outcome != Outcome::Failed;
        if have {
            if !self.group_ok {
                // Say on the row where the whole-collection results would be why they are empty.
                if let Some(first) = self.first_bad.filter(|p| Some(*p) != self.held_pos) {
                    self.note(Problem::FractionMissing { row: first });
                }
                self.fractions.clear();
            }
            // The whole sample: the last row's doses, window, age, sex, baseline and other
            // analytes, and every row's urine as one fraction.
            self.whole.clone_from(&self.state.sample);
            self.whole.urine.clear();
            self.whole.urine_volume = None;
            std::mem::swap(&mut self.whole.fractions, &mut self.fractions);
            let whole = interpreter.interpret(&self.whole, &mut self.cumulative);
            std::mem::swap(&mut self.whole.fractions, &mut self.fractions);
            // The interpretation keeps what did not fail (a zonulin error keeps the sugars).
            if let Err(e) = whole {
                let text = e.to_string();
                if !self.state.error.contains(&text) {
                    let problem = Problem::WholeCollection(e);
                    self.note(problem);
                }
            }
        }
        let cumulative = std::mem::take(&mut self.cumulative);
        let whole = if have { Some(&cumulative) } else { None };
        self.write_held(reader, sink, stats, whole, true);
        self.cumulative = cumulative;
    }
}

impl Long<'_> {
    /// Adds a problem to the held row's `error` (its results are kept).
    fn note(&mut self, problem: Problem) {
        if let Some(pos) = self.held_pos {
            self.held_outcome = self.state.add_error(RowError {
                pos,
                column: None,
                value: String::new(),
                problem,
            });
        }
    }
}

/// Whether a flag judges a whole collection (so not one fraction of it): the mannitol recovery
/// and urine volume against their bands for the whole, the quality band not checked, a range's
/// protocol, the L:M or L:R ratio near a range's bound, and an age outside a z-score table.
fn judges_the_whole(hit: &FlagHit) -> bool {
    match hit.flag {
        Flag::LowMannitolRecovery
        | Flag::HighMannitolRecovery
        | Flag::LowUrineVolume
        | Flag::QualityBandNotChecked
        | Flag::ProtocolMismatch
        | Flag::AgeOutsideReference => true,
        Flag::NearBoundary => matches!(
            hit.detail,
            FlagDetail::NearBound(_, _, RangeIndex::Lm | RangeIndex::Lr)
        ),
        _ => false,
    }
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}
