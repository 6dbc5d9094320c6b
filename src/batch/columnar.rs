//! Batch interpretation for data that is already in columns (a data frame): the caller hands
//! in each row as a [`ByteRecord`] in header order and receives the result cells column by
//! column, with the same row reader, interpreter and result columns as [`run`](super::run).
//!
//! A row's `error` names it as `row N (line N+1)`: the row counted from 1, and the line it
//! would have in a CSV file with one header line.
//!
//! In the long layout (one row per timed fraction, a sample's rows consecutive) a row's cells
//! are handed out once the next row shows whether it is its sample's last (the last one gets
//! the whole collection), and the final row's at [`Columnar::finish`]: always in row order, one
//! set of cells per row handed in, as [`run`](super::run) writes them.
//!
//! # Example
//! ```
//! use csv::ByteRecord;
//! use lmr::batch::{ColumnMap, Columnar, Layout};
//! use lmr::interpretation::{Interpreter, Options};
//! use lmr::reference::Registry;
//! use lmr::report::Cell;
//!
//! let registry = Registry::builtin()?;
//! let interpreter = Interpreter::new(&registry, &Options::default())?;
//! let header = ["id", "vitamin_d [ng/mL]"];
//! let layout = Layout::resolve(&header, &ColumnMap::default())?;
//! let mut columnar = Columnar::new(&layout, &interpreter, None)?;
//! let names = columnar.columns();
//! let at = names.iter().position(|n| n == "vitamin_d_nmol_l").unwrap();
//!
//! let mut record = ByteRecord::new();
//! record.push_field(b"a");
//! record.push_field(b"20");
//! let mut nmol = None;
//! columnar.row(&record, 1, |i, cell| {
//!     if let (true, Cell::Number(x)) = (i == at, cell) {
//!         nmol = Some(x);
//!     }
//! });
//! // 20 ng/mL × 1000 ÷ 400.64 g/mol (25(OH)D3) = 49.920 nmol/L
//! approx::assert_relative_eq!(nmol.unwrap(), 20.0 * 1000.0 / 400.64, max_relative = 1e-12);
//! columnar.finish(|_, _| {}); // nothing held back: not the long layout
//! assert_eq!(columnar.stats().interpreted, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use csv::ByteRecord;

use super::{BatchError, Layout, Long, Position, RowReader, RowState, Sink, Stats};
use crate::interpretation::{Interpretation, Interpreter};
use crate::protocol::NamedProtocol;
use crate::report::{
    cells, cells_with_cumulative, columns as result_columns, Cell, Layout as ReportLayout,
};

/// Whether a result column holds a quantity (a number or nothing, never text): recoveries,
/// ratios, z-scores and `vitamin_d_nmol_l`, per fraction and cumulative alike. A typed writer
/// (a data frame) gives these columns a float type even when every cell is empty.
///
/// ```
/// use lmr::batch::is_quantity_column;
/// assert!(is_quantity_column("lactulose_recovery_pct"));
/// assert!(is_quantity_column("lm_ratio_0_2h"));
/// assert!(is_quantity_column("lmz"));
/// assert!(!is_quantity_column("lm_class"));
/// assert!(!is_quantity_column("lmz_reference"));
/// ```
pub fn is_quantity_column(name: &str) -> bool {
    const TEXT_SUFFIXES: [&str; 4] = ["_reference", "_range", "_class", "_bound"];
    const Z: [&str; 5] = ["lmz", "lrz", "l13mz", "lactulose_z", "mannitol_z"];
    if TEXT_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return false;
    }
    name == "vitamin_d_nmol_l"
        || Z.contains(&name)
        || name.contains("_recovery_pct")
        || ["lm_ratio", "lr_ratio", "l13m_ratio"]
            .iter()
            .any(|r| name.starts_with(r))
}

/// Interprets rows handed in one at a time and hands out their result cells; reuses its
/// buffers, so a good row allocates nothing once warm.
///
/// ```
/// use lmr::batch::{Columnar, Layout};
/// use lmr::report::Cell;
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let layout = Layout::resolve(&["id", "vitamin_d [nmol/L]"], &lmr::ColumnMap::default())?;
/// let mut columnar = Columnar::new(&layout, &interpreter, None)?;
/// let at = columnar.columns().iter().position(|n| n == "error").unwrap();
/// let mut error = String::new();
/// columnar.row(&csv::ByteRecord::from(vec!["a", "-5"]), 7, |i, cell| {
///     if let (true, Cell::Text(t)) = (i == at, cell) { error = t.to_string() }
/// });
/// assert!(error.starts_with("row 7 (line 8)")); // the line it would have in a CSV file
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Columnar<'a, 'r> {
    interpreter: &'a Interpreter<'r>,
    reader: RowReader<'a>,
    report: ReportLayout,
    state: RowState<'r>,
    stats: Stats,
    /// The long layout: the current sample's rows, and the row handed in (copied, since the
    /// held row's buffer is swapped with it).
    long: Option<(Box<Long<'r>>, ByteRecord)>,
}

/// The row sink of [`Columnar`]: each row's result cells, numbered by column.
pub(super) struct Cells<'i, 'r> {
    interpreter: &'i Interpreter<'r>,
    layout: &'i ReportLayout,
    cell: &'i mut (dyn FnMut(usize, Cell<'_>) + Send),
}

impl<'r> Cells<'_, 'r> {
    pub(super) fn row(
        &mut self,
        result: Option<&Interpretation<'r>>,
        error: Option<&str>,
        cumulative: Option<&Interpretation<'r>>,
    ) {
        let mut i = 0;
        let cell = &mut *self.cell;
        let each = |_: crate::report::ColumnName<'_>, c: Cell<'_>| {
            cell(i, c);
            i += 1;
        };
        cells_with_cumulative(
            self.interpreter,
            self.layout,
            result,
            cumulative,
            error,
            each,
        );
    }
}

impl<'a, 'r> Columnar<'a, 'r> {
    /// Rows of `layout` (resolved from the frame's column names), doses and window missing
    /// from a row filled from `protocol`. The long layout (one row per fraction) is read as
    /// [`run`](super::run) reads it: hand in every row of the input, in order, from one
    /// `Columnar`, then call [`Columnar::finish`].
    ///
    /// # Errors
    /// None today; the `Result` keeps room for a layout this entry point cannot read.
    ///
    /// ```
    /// use csv::ByteRecord;
    /// use lmr::{batch::{Columnar, Layout}, report::Cell};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let header = ["sample_id", "fraction", "urine_volume [mL]", "urine_lactulose [mg/L]", "lactulose_dose [g]"];
    /// let layout = Layout::resolve(&header, &lmr::ColumnMap::default())?; // long: one row per fraction
    /// let mut columnar = Columnar::new(&layout, &interpreter, None)?;
    /// let at = columnar.columns().iter().position(|n| n == "lactulose_recovery_pct").unwrap();
    /// let mut got = Vec::new();
    /// let mut keep = |i: usize, cell: Cell<'_>| if i == at { got.push(matches!(cell, Cell::Number(_))) };
    /// columnar.row(&ByteRecord::from(vec!["p1", "0-2h", "200", "50", "5"]), 1, &mut keep);
    /// columnar.row(&ByteRecord::from(vec!["p1", "2-5h", "300", "20", "5"]), 2, &mut keep);
    /// columnar.finish(&mut keep);
    /// assert_eq!(got, [false, true]); // the whole collection on the sample's last row only
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        layout: &'a Layout,
        interpreter: &'a Interpreter<'r>,
        protocol: Option<&'a NamedProtocol>,
    ) -> Result<Self, BatchError> {
        let long = layout
            .is_long()
            .then(|| (Box::new(Long::new()), ByteRecord::new()));
        Ok(Columnar {
            interpreter,
            reader: RowReader::new(layout, protocol),
            report: layout.report_layout(),
            state: RowState::default(),
            stats: Stats::default(),
            long,
        })
    }

    /// The result columns, in the order [`Columnar::row`] fills them: `lmr batch`'s names.
    ///
    /// ```
    /// use lmr::batch::{Columnar, Layout};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let layout = Layout::resolve(&["id", "urine_rhamnose"], &lmr::ColumnMap::default())?;
    /// let columns = Columnar::new(&layout, &interpreter, None)?.columns();
    /// assert!(columns.iter().any(|c| c == "rhamnose_recovery_pct")); // called for by the input
    /// assert!(columns.iter().any(|c| c == "lm_ratio"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn columns(&self) -> Vec<String> {
        result_columns(self.interpreter, &self.report)
    }

    /// Interprets `record` (data row `row`, from 1; its fields in header order, missing ones
    /// read as empty) and calls `cell` with each result column's index and cell, in order.
    /// In the long layout the cells handed out are those of the rows this one shows to be done
    /// (none, one or two earlier rows, in row order; see [`Columnar::finish`]); otherwise they
    /// are this row's.
    ///
    /// ```
    /// use lmr::batch::{Columnar, Layout};
    /// use lmr::report::Cell;
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let layout = Layout::resolve(&["vitamin_d [nmol/L]"], &lmr::ColumnMap::default())?;
    /// let mut columnar = Columnar::new(&layout, &interpreter, None)?;
    /// let at = columnar.columns().iter().position(|n| n == "vitamin_d_nmol_l").unwrap();
    /// let mut value = None;
    /// columnar.row(&csv::ByteRecord::from(vec!["62.5"]), 1, |i, cell| {
    ///     if let (true, Cell::Number(x)) = (i == at, cell) { value = Some(x) }
    /// });
    /// assert_eq!(value, Some(62.5)); // already in nmol/L
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn row(&mut self, record: &ByteRecord, row: u64, cell: impl FnMut(usize, Cell<'_>) + Send) {
        self.row_numbers(record, &[], row, cell);
    }

    /// The columns whose values [`Columnar::row_numbers`] takes as numbers (by column): a
    /// urine, baseline, urine volume, dose, collection, age, vitamin D or zonulin column whose
    /// unit the header or column map settles. None in the long layout.
    ///
    /// ```
    /// use lmr::batch::{Columnar, Layout};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let header = ["id", "vitamin_d [nmol/L]", "age", "age_unit", "sex"];
    /// let layout = Layout::resolve(&header, &lmr::ColumnMap::default())?;
    /// let columnar = Columnar::new(&layout, &interpreter, None)?;
    /// // vitamin D's unit is in its header; age's comes row by row; sex is text
    /// assert_eq!(columnar.number_columns(), [false, true, false, false, false]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn number_columns(&self) -> Vec<bool> {
        match self.long {
            Some(_) => vec![false; self.reader.layout().width()],
            None => self.reader.number_columns(),
        }
    }

    /// [`Columnar::row`], where `numbers[i]`, when given, is column `i`'s value as a number
    /// (only for [`Columnar::number_columns`]; the record's field is then not read, and may be
    /// empty). A number is read as its text would be, with the same checks and errors
    /// (`value "-40"`), without a round trip through text.
    ///
    /// ```
    /// use csv::ByteRecord;
    /// use lmr::batch::{ColumnMap, Columnar, Layout};
    /// use lmr::interpretation::{Interpreter, Options};
    /// use lmr::reference::Registry;
    /// use lmr::report::Cell;
    ///
    /// let registry = Registry::builtin()?;
    /// let interpreter = Interpreter::new(&registry, &Options::default())?;
    /// let layout = Layout::resolve(&["id", "urine_volume [mL]"], &ColumnMap::default())?;
    /// let mut columnar = Columnar::new(&layout, &interpreter, None)?;
    /// assert_eq!(columnar.number_columns(), [false, true]);
    /// let error = columnar.columns().len() - 1;
    /// let mut record = ByteRecord::new();
    /// record.push_field(b"a");
    /// record.push_field(b"");
    /// let mut text = String::new();
    /// columnar.row_numbers(&record, &[None, Some(-40.0)], 1, |i, cell| {
    ///     if let (true, Cell::Text(t)) = (i == error, cell) {
    ///         text = t.to_string();
    ///     }
    /// });
    /// assert_eq!(text, r#"row 1 (line 2), column "urine_volume [mL]", value "-40": must not be negative"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn row_numbers(
        &mut self,
        record: &ByteRecord,
        numbers: &[Option<f64>],
        row: u64,
        mut cell: impl FnMut(usize, Cell<'_>) + Send,
    ) {
        let pos = Position { row, line: row + 1 };
        self.stats.rows += 1;
        if let Some((long, copy)) = &mut self.long {
            copy.clear();
            for field in record {
                copy.push_field(field);
            }
            let mut sink = Sink::Cells(Cells {
                interpreter: self.interpreter,
                layout: &self.report,
                cell: &mut cell,
            });
            let stats = &mut self.stats;
            long.push(copy, pos, &self.reader, self.interpreter, &mut sink, stats);
            return;
        }
        let mut i = 0;
        let mut each = |_: crate::report::ColumnName<'_>, c: Cell<'_>| {
            cell(i, c);
            i += 1;
        };
        let state = &mut self.state;
        let outcome = state.interpret_numbers(&self.reader, self.interpreter, record, numbers, pos);
        if !numbers.is_empty() && !state.errors.is_empty() {
            quote_numbers(state, &self.reader, numbers);
        }
        state.count(outcome, &mut self.stats);
        let (result, error) = state.output(outcome);
        cells(self.interpreter, &self.report, result, error, &mut each);
    }

    /// Hands out the cells of the rows still held (the long layout's last row, with its
    /// sample's whole collection); nothing otherwise. Call it once, after the last row.
    ///
    /// ```
    /// use lmr::batch::{Columnar, Layout};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let layout = Layout::resolve(&["sample_id", "fraction", "urine_volume [mL]"], &lmr::ColumnMap::default())?;
    /// let mut columnar = Columnar::new(&layout, &interpreter, None)?;
    /// let (mut during, mut after) = (0, 0);
    /// columnar.row(&csv::ByteRecord::from(vec!["p1", "0-2h", "200"]), 1, |_, _| during += 1);
    /// columnar.finish(|_, _| after += 1);
    /// assert_eq!((during, after), (0, columnar.columns().len())); // the last row waits for finish
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finish(&mut self, mut cell: impl FnMut(usize, Cell<'_>) + Send) {
        if let Some((long, _)) = &mut self.long {
            let mut sink = Sink::Cells(Cells {
                interpreter: self.interpreter,
                layout: &self.report,
                cell: &mut cell,
            });
            long.end(&self.reader, self.interpreter, &mut sink, &mut self.stats);
        }
    }

    /// What the rows so far did (in the long layout, the rows handed out so far).
    ///
    /// ```
    /// use lmr::batch::{Columnar, Layout};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let layout = Layout::resolve(&["vitamin_d [nmol/L]"], &lmr::ColumnMap::default())?;
    /// let mut columnar = Columnar::new(&layout, &interpreter, None)?;
    /// for value in ["50", "fifty"] {
    ///     columnar.row(&csv::ByteRecord::from(vec![value]), 1, |_, _| {});
    /// }
    /// assert_eq!((columnar.stats().rows, columnar.stats().errors), (2, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

/// Quotes the numbers of a row's errors that name a column handed in as a number but took
/// their value from the record (where its field is empty): an interpretation error (a
/// recovery too large), a drink or window problem.
fn quote_numbers(state: &mut RowState<'_>, reader: &RowReader<'_>, numbers: &[Option<f64>]) {
    let layout = reader.layout();
    let mut changed = false;
    for e in state.errors.iter_mut().filter(|e| e.value.is_empty()) {
        let Some(column) = e.column.as_deref() else {
            continue;
        };
        let number = crate::batch::Field::all()
            .filter_map(|f| layout.slot(f))
            .find_map(|s| match &s.source {
                super::Source::Column { index, header } if header == column => {
                    numbers.get(*index).copied().flatten()
                }
                _ => None,
            });
        if let Some(x) = number {
            e.value = super::row::number_text(x);
            changed = true;
        }
    }
    if changed {
        state.join_errors();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::ColumnMap;
    use crate::reference::Registry;

    /// The columns of a lactulose–mannitol test.
    const LM: [&str; 6] = [
        "urine_lactulose [mg/L]",
        "urine_mannitol [mg/L]",
        "urine_volume [mL]",
        "lactulose_dose [g]",
        "mannitol_dose [g]",
        "collection [h]",
    ];

    fn record(fields: &[&str]) -> ByteRecord {
        let mut r = ByteRecord::new();
        for f in fields {
            r.push_field(f.as_bytes());
        }
        r
    }

    #[test]
    fn good_and_bad_rows_fill_every_column_in_order() {
        let registry = Registry::builtin().unwrap();
        let interpreter =
            Interpreter::new(&registry, &crate::interpretation::Options::default()).unwrap();
        let layout = Layout::resolve(&LM, &ColumnMap::default()).unwrap();
        let mut c = Columnar::new(&layout, &interpreter, None).unwrap();
        let names = c.columns();
        let mut got: Vec<(usize, String)> = Vec::new();
        let mut collect = |i: usize, cell: Cell<'_>| {
            let text = match cell {
                Cell::Number(x) => format!("{x:.6}"),
                Cell::Text(t) => t.to_string(),
                _ => String::new(),
            };
            got.push((i, text));
        };
        // 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %; 150 mg/L × 1.2 L = 180 mg of 1000 mg = 18 %
        c.row(
            &record(&["20", "150", "1200", "5", "1", "5"]),
            1,
            &mut collect,
        );
        c.row(
            &record(&["20", "150", "-40", "5", "1", "5"]),
            2,
            &mut collect,
        );
        let n = names.len();
        assert_eq!(got.len(), 2 * n);
        assert!(got.iter().take(n).enumerate().all(|(k, (i, _))| k == *i));
        let at = |name: &str| names.iter().position(|n| n == name).unwrap();
        assert_eq!(got[at("lactulose_recovery_pct")].1, "0.480000");
        assert_eq!(got[at("mannitol_recovery_pct")].1, "18.000000");
        // 0.48 / 18 = 0.026667
        assert_eq!(got[at("lm_ratio")].1, "0.026667");
        assert_eq!(
            got[2 * n - 1].1,
            r#"row 2 (line 3), column "urine_volume [mL]", value "-40": must not be negative"#
        );
        // the rejected volume empties the recoveries; the ratio cancels the volume:
        // (20 / 5000) / (150 / 1000) = 0.004 / 0.15 = 0.026667
        assert_eq!(got[n + at("lactulose_recovery_pct")].1, "");
        assert_eq!(got[n + at("mannitol_recovery_pct")].1, "");
        assert_eq!(got[n + at("lm_ratio")].1, "0.026667");
        assert_eq!((c.stats().rows, c.stats().errors), (2, 1));
    }

    #[test]
    fn every_result_column_has_the_right_kind() {
        let registry = Registry::builtin().unwrap();
        let interpreter =
            Interpreter::new(&registry, &crate::interpretation::Options::default()).unwrap();
        let layout = ReportLayout {
            sugars: vec![crate::sugar::Sugar::Rhamnose, crate::sugar::Sugar::Sucrose],
            lr: true,
            l13m: true,
            fractions: vec!["0_2h".into()],
            long: true,
        };
        let (numbers, texts): (Vec<String>, Vec<String>) = result_columns(&interpreter, &layout)
            .into_iter()
            .partition(|n| is_quantity_column(n));
        let fixed: Vec<&String> = texts.iter().filter(|t| !t.ends_with("_bound")).collect();
        assert_eq!(
            fixed,
            [
                "lm_range",
                "lm_class",
                "lr_range",
                "lr_class",
                "lr_rhamnose_dose_form",
                "vitamin_d_class_iom_2011",
                "zonulin_range",
                "zonulin_class",
                "flags",
                "caveats",
                "missing_inputs",
                "error"
            ]
        );
        // every quantity but vitamin D (never censored) has its `_bound` companion
        for n in numbers.iter().filter(|n| *n != "vitamin_d_nmol_l") {
            assert!(texts.contains(&format!("{n}_bound")), "{n}");
        }
        assert!(numbers.contains(&"sucrose_recovery_pct_fraction".to_string()));
        assert!(numbers.contains(&"l13m_ratio_0_2h".to_string()));
        assert!(numbers.contains(&"vitamin_d_nmol_l".to_string()));
    }

    #[test]
    fn long_layout_gives_each_row_its_fraction_and_the_last_row_the_whole() {
        let registry = Registry::builtin().unwrap();
        let interpreter =
            Interpreter::new(&registry, &crate::interpretation::Options::default()).unwrap();
        let header = [&["sample_id", "fraction"][..], &LM].concat();
        let layout = Layout::resolve(&header, &ColumnMap::default()).unwrap();
        let mut c = Columnar::new(&layout, &interpreter, None).unwrap();
        let names = c.columns();
        let n = names.len();
        let mut got: Vec<String> = Vec::new();
        fn text(cell: Cell<'_>) -> String {
            match cell {
                Cell::Number(x) => format!("{x:.6}"),
                Cell::Text(t) => t.to_string(),
                _ => String::new(),
            }
        }
        let rows = [
            ["A", "0-2h", "10", "100", "400", "5", "1", "5"],
            ["A", "2-5h", "10", "50", "600", "5", "1", "5"],
            ["B", "0-5h", "20", "150", "-40", "5", "1", "5"],
        ];
        for (i, r) in rows.iter().enumerate() {
            c.row(&record(r), i as u64 + 1, |_, cell| got.push(text(cell)));
        }
        // the last row is held until the end
        assert_eq!(got.len(), 2 * n);
        c.finish(|_, cell| got.push(text(cell)));
        assert_eq!(got.len(), 3 * n);
        let at =
            |row: usize, name: &str| &got[row * n + names.iter().position(|c| c == name).unwrap()];
        // 0–2 h: 10 mg/L × 0.4 L = 4 mg of 5000 mg = 0.08 %; 100 × 0.4 = 40 mg of 1000 mg = 4 %
        assert_eq!(at(0, "lactulose_recovery_pct_fraction"), "0.080000");
        assert_eq!(at(0, "mannitol_recovery_pct_fraction"), "4.000000");
        assert_eq!(at(0, "lactulose_recovery_pct"), "");
        // 2–5 h: 10 × 0.6 = 6 mg = 0.12 %; 50 × 0.6 = 30 mg = 3 %
        assert_eq!(at(1, "lactulose_recovery_pct_fraction"), "0.120000");
        // the whole, on A's last row: (4 + 6) mg of 5000 = 0.2 %; (40 + 30) of 1000 = 7 %;
        // L:M 0.2 / 7 = 0.028571
        assert_eq!(at(1, "lactulose_recovery_pct"), "0.200000");
        assert_eq!(at(1, "mannitol_recovery_pct"), "7.000000");
        assert_eq!(at(1, "lm_ratio"), "0.028571");
        assert_eq!(
            at(2, "error"),
            r#"row 3 (line 4), column "urine_volume [mL]", value "-40": must not be negative"#
        );
        assert_eq!((c.stats().rows, c.stats().errors), (3, 1));
    }
}
