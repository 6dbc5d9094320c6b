//! One error for a caller that reports a failure and stops, as `lmr` does: each variant is one
//! concern's own error, printed as it is, and [`Error::is_rejected_value`] tells a value the
//! caller gave that cannot be used from an input or a file that failed.

use crate::batch::{BatchError, ColumnMapError};
use crate::cohort::{CohortError, IntervalError};
use std::io::ErrorKind;

use crate::files::{FileError, Quoted};
use crate::interpretation::ConfigError;
use crate::reference::RangeFileError;
use crate::sample::check::CheckError;
use crate::sample_file::SampleFileError;
use crate::zscore::DeriveError;

/// Any of the library's errors.
///
/// ```
/// let mut registry = lmr::Registry::builtin()?;
/// let e: lmr::Error = registry.load_path("/no/such/ranges.toml".as_ref()).unwrap_err().into();
/// assert!(!e.is_rejected_value()); // a file that cannot be read: `lmr` exits 1
/// assert!(e.to_string().starts_with("/no/such/ranges.toml: cannot read"));
/// # Ok::<(), lmr::RangeFileError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value given for an option (a command-line flag) cannot be used:
    /// `--flag "value": what is wrong`.
    #[error("{option} {}: {}", Quoted(.value), without_value(.value, .problem))]
    Value {
        /// The option (`--age-bands`), or the argument (`CODE`).
        option: String,
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A range file cannot be used.
    #[error(transparent)]
    RangeFile(#[from] RangeFileError),
    /// A batch could not run.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A column map cannot be used (its error names the map's path, then what is wrong).
    #[error("column map {0}")]
    ColumnMap(ColumnMapError),
    /// A file cannot be read or written, or an output would replace an input.
    #[error(transparent)]
    File(#[from] FileError),
    /// A cohort cannot be read (an unknown grouping column is a rejected value; a file, range
    /// or table error in reading it is given as its own variant).
    #[error(transparent)]
    Cohort(CohortError),
    /// A range file cannot be written from a reference interval.
    #[error(transparent)]
    Interval(#[from] IntervalError),
    /// No z-score table can be derived from the rows.
    #[error(transparent)]
    Derive(#[from] DeriveError),
    /// The range options cannot be used together.
    #[error(transparent)]
    Options(#[from] ConfigError),
    /// One sample cannot be checked as given.
    #[error(transparent)]
    Check(#[from] CheckError),
    /// A sample file cannot be used.
    #[error(transparent)]
    SampleFile(#[from] SampleFileError),
    /// The local web page cannot listen, or stopped with an error.
    #[cfg(feature = "serve")]
    #[error(transparent)]
    Serve(#[from] crate::serve::ServeError),
}

impl From<CohortError> for Error {
    fn from(e: CohortError) -> Self {
        match e {
            CohortError::Batch(e) => Error::Batch(e),
            CohortError::File(e) => Error::File(e),
            CohortError::ColumnMap(e) => Error::ColumnMap(e),
            CohortError::Ranges(e) => Error::Options(e),
            CohortError::Zscore(e) => Error::Check(e),
            e => Error::Cohort(e),
        }
    }
}

// The map's error is printed in the message, so it is not also a `source()`.
impl From<ColumnMapError> for Error {
    fn from(e: ColumnMapError) -> Self {
        Error::ColumnMap(e)
    }
}

impl Error {
    /// `value`, given for `option`, cannot be used because of `problem`.
    ///
    /// ```
    /// let e = lmr::Error::value("--scale", "cubic", "expected ln or linear");
    /// assert_eq!(e.to_string(), r#"--scale "cubic": expected ln or linear"#);
    /// assert!(e.is_rejected_value());
    /// ```
    pub fn value(
        option: &str,
        value: &str,
        problem: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        let (option, value, problem) = (option.to_string(), value.to_string(), problem.into());
        Error::Value {
            option,
            value,
            problem,
        }
    }

    /// Whether what the caller asked for cannot be done as given (a value, a sample, options
    /// that do not go together, rows that give no result), rather than a file or the input
    /// failing to be read or written. `lmr` exits 3 for the first and 1 for the second.
    ///
    /// ```
    /// let e = lmr::Error::from(lmr::interpretation::ConfigError::UnknownRange {
    ///     option: "--lm-range",
    ///     id: "no-such-range".into(),
    /// });
    /// assert!(e.is_rejected_value());
    /// ```
    pub fn is_rejected_value(&self) -> bool {
        match self {
            Error::Cohort(e) => e.is_rejected_value(),
            Error::SampleFile(e) => !e.is_unreadable(),
            Error::Value { .. }
            | Error::Interval(_)
            | Error::Derive(_)
            | Error::Options(_)
            | Error::Check(_) => true,
            _ => false,
        }
    }

    /// Whether this is a closed pipe on the output (a reader such as `head` stopped reading).
    ///
    /// ```
    /// let closed = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
    /// assert!(lmr::Error::from(lmr::BatchError::Write(closed)).is_broken_pipe());
    /// ```
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Batch(e) => e.is_broken_pipe(),
            Error::File(FileError::Io { source, .. }) => source.kind() == ErrorKind::BrokenPipe,
            _ => false,
        }
    }
}

/// A problem's text without the quoted value it may start with: the library's parsers quote
/// the text they were given, and [`Error::Value`] says the value once.
fn without_value(value: &str, problem: &dyn std::fmt::Display) -> String {
    let text = problem.to_string();
    let quoted = [format!("{}: ", Quoted(value)), format!("{value:?}: ")];
    let rest = quoted.iter().find_map(|q| text.strip_prefix(q.as_str()));
    rest.unwrap_or(&text).to_string()
}
