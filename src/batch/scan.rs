//! Sequential access for commands that aggregate a cohort instead of writing rows back
//! (`lmr summary`, `lmr reference-interval`, `lmr zscore-reference`): the same header
//! resolution, column maps, layouts, row reading and interpretation as [`super::run`].
//!
//! Each analyte stands alone, as in `lmr batch`: a row with a rejected vitamin D cell still
//! gives its L:M ratio ([`Scanned::value`] says, per analyte, whether the row has a value, a
//! censored one, none given, or none because a cell it needed was rejected). In the long layout
//! (one row per timed fraction) the unit is the **sample**: one [`Scanned`] per sample, on its
//! last row, with the whole collection ([`Scanned::result`]), as `lmr batch` writes it there.

use std::fmt;
use std::io::Read;

use csv::ByteRecord;

use super::{
    next_record, read_error, record_line, sniff, BatchError, Facts, Field, Layout, Long, Options,
    Position, Problem, RowError, RowReader, RowState, Sink, Stats, Tail,
};
use crate::analyte::Analyte;
use crate::censored::Censored;
use crate::interpretation::{Interpretation, Interpreter, Sample};

/// One row (or, in the long layout, one sample), as [`Scan::for_each`] hands it over.
///
/// ```
/// use lmr::batch::{Options, Scan};
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let (map, csv) = (lmr::ColumnMap::default(), "id,vitamin_d [nmol/L]\na,50\nb,fifty\n");
/// let options = Options::new(&map);
/// let mut rows = Vec::new();
/// Scan::new(csv.as_bytes(), &options)?
///     .for_each(&interpreter, &options, |row| rows.push((row.pos.row, row.error.to_string())))?;
/// assert_eq!(rows[0], (1, String::new()));
/// assert!(rows[1].0 == 2 && rows[1].1.contains("fifty"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Scanned<'a, 'r> {
    /// The record as read (input fields); a long-layout sample's last row.
    pub record: &'a ByteRecord,
    /// Where it is.
    pub pos: Position,
    /// The sample read from it (empty when the row could not be read).
    pub sample: &'a Sample,
    /// Every result the row's accepted cells allow, as `lmr batch` writes them (a rejected cell
    /// empties only the results that need it); in the long layout the whole collection.
    /// `None` when the row could not be read at all (a ragged row, a sample id that reappears).
    pub result: Option<&'a Interpretation<'r>>,
    /// The row's problems, as `lmr batch` writes them in `error`; empty when there are none.
    pub error: &'a str,
    /// Which analytes those problems left without a value.
    pub rejected: Rejected,
}

impl Scanned<'_, '_> {
    /// The row's value of `analyte`, or why it has none.
    ///
    /// ```
    /// use lmr::batch::{Options, Scan, Value};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let csv = "id,urine_lactulose [mg/L],urine_volume [L],lactulose_dose [g]\na,20,1,5\nb,<5,1,5\nc,,1,5\nd,x,1,5\n";
    /// let map = lmr::ColumnMap::default();
    /// let options = Options::new(&map);
    /// let mut values = Vec::new();
    /// Scan::new(csv.as_bytes(), &options)?
    ///     .for_each(&interpreter, &options, |row| values.push(row.value(lmr::Analyte::LactuloseRecoveryPct)))?;
    /// // 20 mg/L × 1 L = 20 mg of 5000 mg = 0.4 %; <5 mg/L gives < 0.1 %
    /// assert!(matches!(values[0], Value::Exact(x) if (x - 0.4).abs() < 1e-12));
    /// assert!(matches!(values[1], Value::Censored(lmr::Censored::LessThan(x)) if (x - 0.1).abs() < 1e-12));
    /// assert_eq!(values[2..], [Value::NotGiven, Value::Rejected]); // empty cell; `x` is refused
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn value(&self, analyte: Analyte) -> Value {
        match self.result.and_then(|r| r.value_of(analyte)) {
            Some(Censored::Exact(x)) => Value::Exact(x),
            Some(c) => Value::Censored(c),
            None if self.rejected.concerns(analyte) => Value::Rejected,
            None => Value::NotGiven,
        }
    }

    /// Whether the row has a problem (it counts in [`Stats::errors`]; `lmr` exits 3).
    ///
    /// ```
    /// use lmr::batch::{Options, Scan};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let (map, csv) = (lmr::ColumnMap::default(), "id,urine_volume [mL]\na,1200\nb,-5\n");
    /// let options = Options::new(&map);
    /// let mut errored = Vec::new();
    /// let stats = Scan::new(csv.as_bytes(), &options)?
    ///     .for_each(&interpreter, &options, |row| errored.push(row.has_error()))?;
    /// assert_eq!(errored, [false, true]); // a negative volume is refused
    /// assert_eq!(stats.errors, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn has_error(&self) -> bool {
        !self.error.is_empty()
    }
}

/// A row's value of one analyte for a cohort statistic, or why there is none.
///
/// ```
/// use lmr::batch::{LeftOut, Value};
/// let mut left = LeftOut::default();
/// assert_eq!(left.keep(Value::Exact(0.02)), Some(0.02));
/// assert_eq!(left.keep(Value::NotGiven), None);
/// assert_eq!(left.not_given, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// An exact value.
    Exact(f64),
    /// A value known only as a bound (an input below its detection limit).
    Censored(Censored),
    /// The row does not give what the value needs (no vitamin D column, no urine volume).
    NotGiven,
    /// A cell the value needs was rejected (it is in the row's `error`).
    Rejected,
}

/// The analytes a row's problems left without a value: the sugar results (recoveries and
/// ratios), vitamin D, zonulin. A problem in a column that none of them needs (age, sex, an
/// unrelated column) concerns none; one whose column is unknown, or a row that could not be
/// read, concerns all.
///
/// ```
/// use lmr::analyte::Analyte;
/// use lmr::batch::Rejected;
/// assert!(!Rejected::NONE.concerns(Analyte::LmRatio));
/// assert!(Rejected::ALL.concerns(Analyte::VitaminD25oh));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rejected {
    sugars: bool,
    vitamin_d: bool,
    zonulin: bool,
}

impl Rejected {
    /// No analyte.
    ///
    /// ```
    /// use lmr::{batch::Rejected, Analyte};
    /// assert!(!Rejected::NONE.concerns(Analyte::Zonulin));
    /// assert_eq!(Rejected::NONE, Rejected::default());
    /// ```
    pub const NONE: Rejected = Rejected {
        sugars: false,
        vitamin_d: false,
        zonulin: false,
    };
    /// Every analyte.
    ///
    /// ```
    /// use lmr::{batch::Rejected, Analyte};
    /// assert!(Rejected::ALL.concerns(Analyte::Zonulin) && Rejected::ALL.concerns(Analyte::LmRatio));
    /// ```
    pub const ALL: Rejected = Rejected {
        sugars: true,
        vitamin_d: true,
        zonulin: true,
    };

    /// Whether a problem of the row concerns `analyte`.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Layout, Position, Problem, Rejected, RowError};
    /// use lmr::Analyte;
    /// let layout = Layout::resolve(&["vitamin_d [nmol/L]", "urine_volume [mL]"], &ColumnMap::default())?;
    /// let pos = Position { row: 1, line: 2 };
    /// let negative = Problem::Value(lmr::sample::Problem::Negative);
    /// let bad_volume = RowError { pos, column: Some("urine_volume [mL]".into()), value: "-5".into(), problem: negative };
    /// let r = Rejected::of(&layout, &[bad_volume]);
    /// assert!(r.concerns(Analyte::LmRatio) && r.concerns(Analyte::UrineVolume));
    /// assert!(!r.concerns(Analyte::VitaminD25oh)); // vitamin D stands alone
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn concerns(self, analyte: Analyte) -> bool {
        match analyte {
            Analyte::VitaminD25oh => self.vitamin_d,
            Analyte::Zonulin => self.zonulin,
            Analyte::LmRatio
            | Analyte::LrRatio
            | Analyte::L13mRatio
            | Analyte::LactuloseRecoveryPct
            | Analyte::MannitolRecoveryPct
            | Analyte::UrineVolume => self.sugars,
        }
    }

    /// The analytes `errors` (a row's problems, read by `layout`) concern.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Layout, Position, Problem, Rejected, RowError};
    /// let layout = Layout::resolve(&["vitamin_d [nmol/L]", "sex"], &ColumnMap::default())?;
    /// let pos = Position { row: 3, line: 4 };
    /// let sex = RowError { pos, column: Some("sex".into()), value: "?".into(), problem: Problem::NotUtf8 };
    /// assert_eq!(Rejected::of(&layout, &[sex]), Rejected::NONE); // sex makes no value
    /// let no_matrix = RowError { pos, column: None, value: "46".into(), problem: Problem::MissingMatrix };
    /// assert_eq!(Rejected::of(&layout, &[]), Rejected::NONE);
    /// assert!(Rejected::of(&layout, &[no_matrix]).concerns(lmr::Analyte::Zonulin));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(layout: &Layout, errors: &[RowError]) -> Rejected {
        let mut r = Rejected::NONE;
        for e in errors {
            r.add(layout, e);
        }
        r
    }

    fn add(&mut self, layout: &Layout, e: &RowError) {
        match &e.problem {
            Problem::Window { .. } | Problem::FractionMissing { .. } => self.sugars = true,
            Problem::MissingMatrix => self.zonulin = true,
            _ => match e.column.as_deref().and_then(|c| field_of(layout, c)) {
                Some(Some(f)) => self.add_field(f),
                // a column lmr reads no analyte from
                Some(None) => {}
                None => *self = Rejected::ALL,
            },
        }
    }

    fn add_field(&mut self, f: Field) {
        match f {
            Field::VitaminD | Field::VitaminDForm => self.vitamin_d = true,
            Field::Zonulin | Field::ZonulinMatrix | Field::HpGenotype => self.zonulin = true,
            // covariates and pretest answers: they classify or flag a value, they do not make it
            Field::Age
            | Field::Sex
            | Field::Collection
            | Field::SampleId
            | Field::Pretest(_)
            | Field::Egfr => {}
            Field::Urine(_)
            | Field::UrineVolume
            | Field::Dose(_)
            | Field::DoseForm(_)
            | Field::Baseline(_)
            | Field::Solution(_)
            | Field::DoseVolume
            | Field::Fraction => self.sugars = true,
        }
    }
}

/// The field a column (as named in a row error) gives: `Some(Some(field))`, `Some(None)` for a
/// column of no field, `None` when the name is not a column of `layout` at all.
fn field_of(layout: &Layout, column: &str) -> Option<Option<Field>> {
    let named = |s: &super::Slot, f: Field| {
        s.label(f) == column || s.unit_header.as_deref() == Some(column)
    };
    if let Some(f) = Field::all().find(|&f| layout.slot(f).is_some_and(|s| named(s, f))) {
        return Some(Some(f));
    }
    let wide = layout.fractions().iter().any(|fr| {
        fr.volume
            .iter()
            .map(|s| (s, Field::UrineVolume))
            .chain(fr.urine.iter().map(|(sugar, s)| (s, Field::Urine(sugar))))
            .any(|(s, f)| named(s, f))
    });
    if wide {
        return Some(Some(Field::UrineVolume));
    }
    // `--protocol` (a value from the named protocol) feeds the sugars; anything else is unknown
    (column == "--protocol").then_some(Some(Field::UrineVolume))
}

/// How many rows a cohort statistic left out, by reason.
///
/// ```
/// use lmr::batch::{LeftOut, Value};
/// use lmr::censored::Censored;
/// let mut left = LeftOut::default();
/// let kept: Vec<f64> = [Value::Exact(0.03), Value::Rejected, Value::NotGiven, Value::Censored(Censored::LessThan(0.01))]
///     .into_iter()
///     .filter_map(|v| left.keep(v))
///     .collect();
/// assert_eq!(kept, [0.03]);
/// assert_eq!(left.to_string(), "1 censored, 1 with a rejected input, 1 not given");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LeftOut {
    /// Values known only as a bound.
    pub censored: u64,
    /// Values whose input cell was rejected (in the row's `error`).
    pub rejected: u64,
    /// Rows that do not give the value.
    pub not_given: u64,
}

impl LeftOut {
    /// The exact value, or `None` with the reason counted.
    ///
    /// ```
    /// use lmr::batch::{LeftOut, Value};
    /// let mut left = LeftOut::default();
    /// assert_eq!(left.keep(Value::Exact(45.0)), Some(45.0));
    /// assert_eq!(left.keep(Value::Rejected), None);
    /// assert_eq!((left.rejected, left.censored), (1, 0));
    /// ```
    pub fn keep(&mut self, value: Value) -> Option<f64> {
        match value {
            Value::Exact(x) => return Some(x),
            Value::Censored(_) => self.censored += 1,
            Value::Rejected => self.rejected += 1,
            Value::NotGiven => self.not_given += 1,
        }
        None
    }

    /// Counts `value` as left out (a censored value counts as censored, an exact one not at all).
    ///
    /// ```
    /// use lmr::batch::{LeftOut, Value};
    /// use lmr::Censored;
    /// let mut left = LeftOut::default();
    /// left.count(Value::Censored(Censored::GreaterThan(2000.0)));
    /// left.count(Value::Exact(1.0)); // an exact value is not left out
    /// assert_eq!(left, LeftOut { censored: 1, rejected: 0, not_given: 0 });
    /// ```
    pub fn count(&mut self, value: Value) {
        let _ = self.keep(value);
    }
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} censored, {} with a rejected input, {} not given",
            self.censored, self.rejected, self.not_given
        )
    }
}

/// The [`Sink`] of a scan: hands each sample over instead of writing it.
pub(super) struct Visit<'i, 'r> {
    layout: &'i Layout,
    visit: &'i mut (dyn FnMut(Scanned<'_, 'r>) + Send),
}

impl<'r> Visit<'_, 'r> {
    /// A row as the writers get it; handed over when it is its sample's last (every row, but in
    /// the long layout, where the sample's whole collection is handed over).
    pub(super) fn row(
        &mut self,
        record: &ByteRecord,
        result: Option<&Interpretation<'r>>,
        error: Option<&str>,
        cumulative: Option<&Interpretation<'r>>,
        facts: Facts<'_>,
    ) {
        if !facts.last {
            return;
        }
        let result = if self.layout.is_long() {
            cumulative
        } else {
            result
        };
        let rejected = match result {
            Some(_) => Rejected::of(self.layout, facts.errors),
            None => Rejected::ALL,
        };
        (self.visit)(Scanned {
            record,
            pos: Position {
                row: facts.row,
                line: facts.line,
            },
            sample: facts.sample,
            result,
            error: error.unwrap_or(""),
            rejected,
        });
    }
}

/// A CSV input whose header has been read and resolved.
///
/// ```
/// use lmr::batch::{Options, Scan};
/// let map = lmr::ColumnMap::default();
/// let scan = Scan::new("id,age [y]\na,40\n".as_bytes(), &Options::new(&map))?;
/// assert_eq!(scan.header(), ["id", "age [y]"]);
/// assert!(scan.layout().slot(lmr::batch::Field::Age).is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    ///
    /// ```
    /// use lmr::batch::{BatchError, Options, Scan};
    /// let map = lmr::ColumnMap::default();
    /// let options = Options::new(&map);
    /// assert!(Scan::new("id,vitamin_d\n".as_bytes(), &options).is_ok());
    /// let e = Scan::new("id,name\n".as_bytes(), &options).err().unwrap();
    /// assert!(matches!(e, BatchError::Header(_))); // nothing recognised
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// ```
    /// use lmr::batch::{Options, Scan};
    /// let map = lmr::ColumnMap::default();
    /// let options = Options { delimiter: b';', ..Options::new(&map) };
    /// let scan = Scan::new(" id ;vitamin_d\n".as_bytes(), &options)?;
    /// assert_eq!(scan.header(), [" id ", "vitamin_d"]); // as written
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn header(&self) -> &[String] {
        &self.names
    }

    /// The resolved header.
    ///
    /// ```
    /// use lmr::batch::{Options, Scan};
    /// let map = lmr::ColumnMap::default();
    /// let scan = Scan::new("sample_id,fraction,urine_lactulose\n".as_bytes(), &Options::new(&map))?;
    /// assert!(scan.layout().is_long());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The header's columns that are not read but look like inputs ([`Layout::warnings`]).
    ///
    /// ```
    /// use lmr::batch::{Options, Scan};
    /// let map = lmr::ColumnMap::default();
    /// let scan = Scan::new("id,vitamin_d,Urine Volume (mL)\n".as_bytes(), &Options::new(&map))?;
    /// assert_eq!(scan.warnings()[0].near.field, "urine_volume"); // column 3 is not read
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warnings(&self) -> &[super::HeaderWarning] {
        self.layout.warnings()
    }

    /// The index of the column named `name` (exact match, or the name before a ` [unit]`).
    ///
    /// ```
    /// use lmr::batch::{Options, Scan};
    /// let map = lmr::ColumnMap::default();
    /// let scan = Scan::new("site,vitamin_d [nmol/L]\n".as_bytes(), &Options::new(&map))?;
    /// assert_eq!((scan.column("site"), scan.column("vitamin_d")), (Some(0), Some(1)));
    /// assert_eq!(scan.column("sex"), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|h| {
            h == name
                || h.split_once(" [")
                    .is_some_and(|(base, _)| base.trim() == name)
        })
    }

    /// Reads, interprets and hands over every row in order; in the long layout (one row per
    /// timed fraction) every sample, on its last row, with its whole collection.
    ///
    /// # Errors
    /// [`BatchError::Read`] when the input cannot be read. Row problems are handed over in
    /// [`Scanned::error`] and counted in [`Stats::errors`] (per row, as `lmr batch` counts them).
    ///
    /// ```
    /// use lmr::batch::{Options, Scan};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let csv = "sample_id,fraction,urine_volume [mL],urine_lactulose [mg/L],lactulose_dose [g]\n\
    ///            p1,0-2h,200,50,5\np1,2-5h,300,20,5\n";
    /// let (map, mut sums) = (lmr::ColumnMap::default(), Vec::new());
    /// let options = Options::new(&map);
    /// let stats = Scan::new(csv.as_bytes(), &options)?.for_each(&interpreter, &options, |row| {
    ///     let recovery = row.result.and_then(|r| r.recoveries.get(lmr::Sugar::Lactulose)?.exact());
    ///     sums.push(recovery.map(lmr::Percent::value));
    /// })?;
    /// // one sample, handed over once: 0.2 L × 50 mg/L + 0.3 L × 20 mg/L = 16 mg; 16 / 5000 mg = 0.32 %
    /// assert_eq!((stats.rows, sums.len()), (2, 1));
    /// approx::assert_relative_eq!(sums[0].unwrap(), 0.32, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_each<'r>(
        mut self,
        interpreter: &Interpreter<'r>,
        options: &Options<'_>,
        mut visit: impl FnMut(Scanned<'_, 'r>) + Send,
    ) -> Result<Stats, BatchError> {
        let reader = RowReader::new(&self.layout, options.protocol);
        let mut sink = Sink::Visit(Visit {
            layout: &self.layout,
            visit: &mut visit,
        });
        if self.layout.is_long() {
            let mut long = Long::new();
            let mut none = std::io::sink();
            let mut stats = long.run(
                self.rdr,
                &mut none,
                &reader,
                interpreter,
                &mut sink,
                &mut |_| {},
            )?;
            stats.warnings = self.layout.warnings().to_vec();
            return Ok(stats);
        }
        let mut state = RowState::default();
        let mut record = ByteRecord::new();
        let mut stats = Stats::default();
        let mut out = Vec::new();
        let width = self.layout.width();
        while next_record(&mut self.rdr, &mut record).map_err(read_error)? {
            stats.rows += 1;
            let pos = Position {
                row: stats.rows,
                line: record_line(&self.rdr, &record),
            };
            let outcome = state.interpret(&reader, interpreter, &record, pos);
            state.count(outcome, &mut stats);
            let (result, error) = state.output(outcome);
            let facts = Facts {
                row: pos.row,
                line: pos.line,
                last: true,
                sample: &state.sample,
                errors: &state.errors,
                raw: None,
            };
            sink.row(&mut out, &record, width, result, error, None, facts);
        }
        stats.warnings = self.layout.warnings().to_vec();
        Ok(stats)
    }
}
