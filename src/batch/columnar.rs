//! Batch interpretation for data that is already in columns (a data frame): the caller hands
//! in each row as a [`ByteRecord`] in header order and receives the result cells column by
//! column, with the same row reader, interpreter and result columns as [`run`](super::run).
//!
//! A row's `error` names it as `row N (line N+1)`: the row counted from 1, and the line it
//! would have in a CSV file with one header line.
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
//! assert_eq!(columnar.stats().interpreted, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use csv::ByteRecord;

use super::{BatchError, Layout, Position, RowReader, RowState, Stats};
use crate::interpretation::Interpreter;
use crate::protocol::NamedProtocol;
use crate::report::{cells, columns as result_columns, Cell, Layout as ReportLayout};

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
}

impl<'a, 'r> Columnar<'a, 'r> {
    /// Rows of `layout` (resolved from the frame's column names), doses and window missing
    /// from a row filled from `protocol`.
    ///
    /// # Errors
    /// [`BatchError::LongLayout`] for the long layout (one row per fraction): its rows are
    /// grouped by sample, which this row-at-a-time entry point does not do; use [`run`](super::run).
    ///
    /// ```
    /// use lmr::batch::{BatchError, Columnar, Layout};
    /// # let registry = lmr::Registry::builtin()?;
    /// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let long = Layout::resolve(&["sample_id", "fraction", "urine_lactulose"], &lmr::ColumnMap::default())?;
    /// assert!(matches!(Columnar::new(&long, &interpreter, None), Err(BatchError::LongLayout)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        layout: &'a Layout,
        interpreter: &'a Interpreter<'r>,
        protocol: Option<&'a NamedProtocol>,
    ) -> Result<Self, BatchError> {
        if layout.is_long() {
            return Err(BatchError::LongLayout);
        }
        Ok(Columnar {
            interpreter,
            reader: RowReader::new(layout, protocol),
            report: layout.report_layout(),
            state: RowState::default(),
            stats: Stats::default(),
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
    /// read as empty) and calls `cell` with each result column's index and cell.
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
    pub fn row(&mut self, record: &ByteRecord, row: u64, mut cell: impl FnMut(usize, Cell<'_>)) {
        let pos = Position { row, line: row + 1 };
        self.stats.rows += 1;
        let mut i = 0;
        let mut each = |_: crate::report::ColumnName<'_>, c: Cell<'_>| {
            cell(i, c);
            i += 1;
        };
        let state = &mut self.state;
        let outcome = state.interpret(&self.reader, self.interpreter, record, pos);
        state.count(outcome, &mut self.stats);
        let (result, error) = state.output(outcome);
        cells(self.interpreter, &self.report, result, error, &mut each);
    }

    /// What the rows so far did.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::ColumnMap;
    use crate::reference::Registry;

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
        let header = [
            "urine_lactulose [mg/L]",
            "urine_mannitol [mg/L]",
            "urine_volume [mL]",
            "lactulose_dose [g]",
            "mannitol_dose [g]",
            "collection [h]",
        ];
        let layout = Layout::resolve(&header, &ColumnMap::default()).unwrap();
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
    fn long_layout_is_refused() {
        let registry = Registry::builtin().unwrap();
        let interpreter =
            Interpreter::new(&registry, &crate::interpretation::Options::default()).unwrap();
        let header = ["sample_id", "fraction", "urine_lactulose [mg/L]"];
        let layout = Layout::resolve(&header, &ColumnMap::default()).unwrap();
        assert!(matches!(
            Columnar::new(&layout, &interpreter, None),
            Err(BatchError::LongLayout)
        ));
    }
}
