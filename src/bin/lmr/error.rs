//! What stops a command, and its exit code: 3 when a value given cannot be used, 1 when a file
//! or the input fails (clap's usage errors exit 2 on their own).

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use lmr::files::Quoted;

/// What stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag's value was rejected (exit 3): `--flag "value": what is wrong`.
    #[error("{flag} {}: {}", Quoted(.value), without_value(.value, .problem))]
    Input {
        /// The flag (or argument).
        flag: String,
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: Box<dyn Error + Send + Sync>,
    },
    /// `lmr check`: fields of the sample rejected (exit 3), one per line.
    #[error("{}", rejected_lines(.0))]
    Rejected(lmr::sample::SampleErrors),
    /// `lmr check` was given nothing to interpret (exit 3).
    #[error(
        "nothing to interpret: give urine sugars (--lactulose, --mannitol with --volume and doses), --vitamin-d or --zonulin"
    )]
    NothingToInterpret,
    /// Two `--zscore-reference` tables for one analyte (exit 3).
    #[error("--zscore-reference: {0}")]
    ZscoreSelection(lmr::zscore::AmbiguousTables),
    /// `lmr reference-interval --write-range`: no partition gave an interval (exit 3).
    #[error("no interval could be established: nothing written")]
    NothingWritten,
    /// An output path that names no file (exit 1).
    #[error("{}: not a file name", .0.display())]
    NotAFileName(PathBuf),
    /// A `--sample` file cannot be read (exit 1).
    #[error("--sample {}: cannot read: {error}", .path.display())]
    SampleRead {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Standard output cannot be written (exit 1).
    #[error("writing to standard output: {0}")]
    Stdout(std::io::Error),
    /// The library's error: exit 3 for a rejected value, else 1.
    #[error(transparent)]
    Lmr(#[from] lmr::Error),
}

/// Every library error converts through [`lmr::Error`].
macro_rules! through_lmr_error {
    ($($error:ty),*) => {$(
        impl From<$error> for CliError {
            fn from(e: $error) -> Self {
                CliError::Lmr(e.into())
            }
        }
    )*};
}
through_lmr_error!(
    lmr::RangeFileError,
    lmr::BatchError,
    lmr::batch::ColumnMapError,
    lmr::files::FileError,
    lmr::cohort::CohortError,
    lmr::cohort::IntervalError,
    lmr::zscore::DeriveError,
    lmr::interpretation::ConfigError,
    lmr::sample::check::CheckError,
    lmr::sample_file::SampleFileError
);
#[cfg(feature = "serve")]
through_lmr_error!(lmr::serve::ServeError);

impl CliError {
    /// A rejected value of `flag`.
    pub fn input(
        flag: &str,
        value: &str,
        problem: impl Into<Box<dyn Error + Send + Sync>>,
    ) -> Self {
        let (flag, value, problem) = (flag.to_string(), value.to_string(), problem.into());
        CliError::Input {
            flag,
            value,
            problem,
        }
    }

    /// A value clap's parser (the library's) rejected, as [`CliError::Input`]; any other clap
    /// error (usage, `--help`) is given back.
    pub fn from_clap(e: clap::Error) -> Result<CliError, clap::Error> {
        let text = |kind| match e.get(kind) {
            Some(ContextValue::String(s)) => Some(s.clone()),
            _ => None,
        };
        let arg = text(ContextKind::InvalidArg);
        let value = text(ContextKind::InvalidValue);
        match (e.kind(), arg, value, e.source()) {
            (ErrorKind::ValueValidation, Some(arg), Some(value), Some(source)) => {
                // `--age-bands <BANDS>` names the flag `--age-bands`.
                let flag = arg.split(' ').next().unwrap_or(&arg);
                Ok(CliError::input(flag, &value, source.to_string()))
            }
            _ => Err(e),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CliError::Lmr(e) if !e.is_rejected_value() => 1,
            CliError::NotAFileName(_) | CliError::SampleRead { .. } | CliError::Stdout(_) => 1,
            _ => 3,
        })
    }

    /// Whether this is a closed pipe on output (exit quietly, as `head` expects).
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            CliError::Stdout(e) => e.kind() == std::io::ErrorKind::BrokenPipe,
            CliError::Lmr(e) => e.is_broken_pipe(),
            _ => false,
        }
    }
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
