//! CLI errors and their exit codes.

use std::process::ExitCode;

use lmr::files::Quoted;

/// What stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag's value was rejected (exit 3): `--flag "value": what is wrong`.
    #[error("{flag} {}: {}", Quoted(.value), without_value(.value, .problem))]
    Input {
        /// The flag.
        flag: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it (a library error, or the binary's words).
        problem: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `lmr check`: fields of the sample rejected (exit 3), one per line.
    #[error("{}", rejected_lines(.0))]
    Rejected(lmr::sample::SampleErrors),
    /// `lmr check`: the sample cannot be interpreted as given (exit 3).
    #[error(transparent)]
    Check(lmr::sample::check::CheckError),
    /// `lmr check` was given nothing to interpret (exit 3).
    #[error(
        "nothing to interpret: give urine sugars (--lactulose, --mannitol with --volume and doses), --vitamin-d or --zonulin"
    )]
    NothingToInterpret,
    /// A `--sample` file cannot be used (exit 3).
    #[error(transparent)]
    SampleFile(lmr::sample_file::SampleFileError),
    /// The range options cannot be used together (exit 3).
    #[error(transparent)]
    Options(#[from] lmr::interpretation::ConfigError),
    /// Two `--zscore-reference` tables for one analyte (exit 3).
    #[error("--zscore-reference: {0}")]
    ZscoreSelection(lmr::zscore::AmbiguousTables),
    /// `lmr reference-interval`: a range file cannot be written from the result (exit 3).
    #[error(transparent)]
    Interval(#[from] lmr::cohort::IntervalError),
    /// `lmr reference-interval --write-range`: no partition gave an interval (exit 3).
    #[error("no interval could be established: nothing written")]
    NothingWritten,
    /// `lmr zscore-reference`: no table can be derived from the rows (exit 3).
    #[error(transparent)]
    Derive(#[from] lmr::zscore::DeriveError),
    /// A range file cannot be used (exit 1).
    #[error(transparent)]
    RangeFile(#[from] lmr::reference::RangeFileError),
    /// `lmr serve` cannot listen or stopped with an error (exit 1).
    #[cfg(feature = "serve")]
    #[error(transparent)]
    Serve(#[from] lmr::serve::ServeError),
    /// A cohort cannot be read: an unknown `--by` column (exit 3), a limit passed (exit 1).
    #[error(transparent)]
    Cohort(#[from] lmr::cohort::CohortError),
    /// An output path that names no file (exit 1).
    #[error("{}: not a file name", .path.display())]
    NotAFileName {
        /// The path.
        path: std::path::PathBuf,
    },
    /// A batch could not run (exit 1).
    #[error(transparent)]
    Batch(#[from] lmr::batch::BatchError),
    /// A column map cannot be used (exit 1).
    #[error("column map {0}")]
    ColumnMap(lmr::batch::ColumnMapError),
    /// An output that would replace an input, or a file that cannot be used (exit 1).
    #[error(transparent)]
    File(#[from] lmr::files::FileError),
    /// A `--sample` file cannot be read (exit 1).
    #[error("--sample {}: cannot read: {error}", .path.display())]
    SampleRead {
        /// The file.
        path: std::path::PathBuf,
        /// The cause (printed in the message, so not also a `source()`).
        error: std::io::Error,
    },
    /// Standard output cannot be written (exit 1).
    #[error("writing to standard output: {0}")]
    Stdout(std::io::Error),
}

// The map's error is printed in the message, so it is not also a `source()`.
impl From<lmr::batch::ColumnMapError> for CliError {
    fn from(e: lmr::batch::ColumnMapError) -> Self {
        CliError::ColumnMap(e)
    }
}

impl CliError {
    /// A rejected flag value.
    pub fn input(
        flag: &'static str,
        value: &str,
        problem: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> CliError {
        CliError::Input {
            flag,
            value: value.to_string(),
            problem: problem.into(),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Cohort(e) if e.is_rejected_value() => ExitCode::from(3),
            CliError::Input { .. }
            | CliError::Rejected(_)
            | CliError::Check(_)
            | CliError::NothingToInterpret
            | CliError::SampleFile(_)
            | CliError::Options(_)
            | CliError::ZscoreSelection(_)
            | CliError::Interval(_)
            | CliError::NothingWritten
            | CliError::Derive(_) => ExitCode::from(3),
            CliError::RangeFile(_)
            | CliError::SampleRead { .. }
            | CliError::Stdout(_)
            | CliError::Batch(_)
            | CliError::ColumnMap(_)
            | CliError::File(_)
            | CliError::NotAFileName { .. }
            | CliError::Cohort(_) => ExitCode::from(1),
            #[cfg(feature = "serve")]
            CliError::Serve(_) => ExitCode::from(1),
        }
    }

    /// Whether this is a closed pipe on output (exit quietly, as `head` expects).
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            CliError::Stdout(error) => error.kind() == std::io::ErrorKind::BrokenPipe,
            CliError::Batch(e) | CliError::Cohort(lmr::cohort::CohortError::Batch(e)) => {
                e.is_broken_pipe()
            }
            _ => false,
        }
    }
}

/// For `map_err`: `value` of `flag` was rejected with the error given.
pub fn rejected<'a, E>(flag: &'static str, value: &'a str) -> impl FnOnce(E) -> CliError + 'a
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    move |e| CliError::input(flag, value, e)
}

/// Prints each line of `text` on stderr after `lmr: ` (a closed stderr is ignored).
pub fn say(text: impl std::fmt::Display) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    for line in text.to_string().lines() {
        let _ = writeln!(err, "lmr: {line}");
    }
}

/// Writes to stdout, mapping errors.
pub fn print(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(CliError::Stdout)
}

/// A problem's text without the quoted value it may start with: library errors quote the text
/// they were given, and [`CliError::Input`] says the value once.
fn without_value(value: &str, problem: &dyn std::fmt::Display) -> String {
    let text = problem.to_string();
    let quoted = [format!("{}: ", Quoted(value)), format!("{value:?}: ")];
    let rest = quoted.iter().find_map(|q| text.strip_prefix(q.as_str()));
    rest.unwrap_or(&text).to_string()
}

/// Every rejected field, one per line (main prefixes the first with `lmr: `).
fn rejected_lines(errors: &lmr::sample::SampleErrors) -> String {
    let lines: Vec<String> = errors
        .iter()
        .map(lmr::sample::FieldError::in_flags)
        .collect();
    lines.join("\nlmr: ")
}
