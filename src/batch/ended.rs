//! What a run says when it ends, one line per fact (the command line prints each on stderr
//! after `lmr: `): the rows read, the first row errors, header warnings, and the caveats raised.

use std::fmt;

use super::{Format, Stats};

/// The end of an `lmr batch` run: counts, the first row errors (and where to see the rest),
/// the header's warnings, and each caveat the run wrote with its summary.
///
/// ```
/// use lmr::batch::{Format, Stats};
/// use lmr::batch::BatchRun;
///
/// let mut stats = Stats::default();
/// (stats.rows, stats.interpreted, stats.errors, stats.flagged) = (3, 2, 1, 1);
/// stats.first_errors.push("row 2 (line 3): volume \"x\": not a number".into());
/// let text = BatchRun { stats: &stats, format: Format::Csv }.to_string();
/// assert_eq!(
///     text,
///     "3 rows read, 2 interpreted, 1 with errors, 1 with flags\n\
///      row 2 (line 3): volume \"x\": not a number\n\
///      see the `error` column"
/// );
/// ```
#[derive(Clone, Copy, Debug)]
pub struct BatchRun<'a> {
    /// The run's counts.
    pub stats: &'a Stats,
    /// The output format (it says where a row's error is written).
    pub format: Format,
}

impl fmt::Display for BatchRun<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.stats;
        let see = match self.format {
            Format::FhirNdjson => "see the row's OperationOutcome",
            _ => "see the `error` column",
        };
        write!(
            f,
            "{} rows read, {} interpreted, {} with errors, {} with flags",
            s.rows, s.interpreted, s.errors, s.flagged
        )?;
        for e in &s.first_errors {
            write!(f, "\n{e}")?;
        }
        let shown = s.first_errors.len() as u64;
        if s.errors > shown {
            write!(f, "\n… and {} more; {see}", s.errors - shown)?;
        } else if s.errors > 0 {
            write!(f, "\n{see}")?;
        }
        for w in &s.warnings {
            write!(f, "\nwarning: {w}")?;
        }
        let mut caveats = s.caveats().peekable();
        if caveats.peek().is_some() {
            f.write_str("\ncaveats in this run's `caveats` column (`lmr caveats CODE` prints the full text and sources):")?;
        }
        for c in caveats {
            write!(f, "\n  {}: {}", c.code(), c.summary())?;
        }
        Ok(())
    }
}

/// The rows a cohort command (`lmr summary`, `lmr reference-interval`, `lmr zscore-reference`)
/// read: counts, the first row errors, and the header's warnings.
///
/// ```
/// use lmr::batch::Stats;
/// use lmr::batch::CohortRun;
///
/// let mut stats = Stats::default();
/// (stats.rows, stats.interpreted, stats.errors) = (4, 3, 1);
/// stats.first_errors.push("row 1: …".into());
/// assert_eq!(CohortRun(&stats).to_string(), "4 rows read, 3 interpreted, 1 with errors\n  row 1: …");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CohortRun<'a>(pub &'a Stats);

impl fmt::Display for CohortRun<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let (rows, ok, errors) = (s.rows, s.interpreted, s.errors);
        write!(
            f,
            "{rows} rows read, {ok} interpreted, {errors} with errors"
        )?;
        for e in &s.first_errors {
            write!(f, "\n  {e}")?;
        }
        // columns not read that look like inputs, as `lmr batch` warns
        for w in &s.warnings {
            write!(f, "\nwarning: {w}")?;
        }
        Ok(())
    }
}
