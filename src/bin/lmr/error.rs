//! CLI errors and their exit codes.

use std::process::ExitCode;

/// What stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag's value was rejected (exit 3): `--flag "value": what is wrong`.
    #[error("{flag} {message}")]
    Input {
        /// The flag.
        flag: &'static str,
        /// The quoted value and what is wrong with it.
        message: String,
    },
    /// The sample cannot be interpreted as given (exit 3).
    #[error("{0}")]
    Sample(String),
    /// A range file cannot be used (exit 1).
    #[error(transparent)]
    RangeFile(#[from] lmr::reference::RangeFileError),
    /// `lmr serve` cannot listen or stopped with an error (exit 1).
    #[cfg(feature = "serve")]
    #[error("{0}")]
    Serve(lmr::serve::ServeError),
    /// A grouping column too long or with too many values (exit 1): the message names the row.
    #[error("{0}")]
    GroupLimit(String),
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
    /// I/O (exit 1).
    #[error("{context}: {error}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause (printed in the message, so not also a `source()`).
        error: std::io::Error,
    },
}

// The map's error is printed in the message, so it is not also a `source()`.
impl From<lmr::batch::ColumnMapError> for CliError {
    fn from(e: lmr::batch::ColumnMapError) -> Self {
        CliError::ColumnMap(e)
    }
}

impl CliError {
    /// A rejected flag value.
    pub fn input(flag: &'static str, value: &str, message: impl std::fmt::Display) -> CliError {
        let message = message.to_string();
        // Library errors start by quoting the text they were given; say the value once.
        let quoted = format!("{value:?}: ");
        let message = message.strip_prefix(&quoted).unwrap_or(&message);
        CliError::Input {
            flag,
            message: format!("{value:?}: {message}"),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Input { .. } | CliError::Sample(_) => ExitCode::from(3),
            CliError::RangeFile(_)
            | CliError::Io { .. }
            | CliError::Batch(_)
            | CliError::ColumnMap(_)
            | CliError::File(_)
            | CliError::NotAFileName { .. }
            | CliError::GroupLimit(_) => ExitCode::from(1),
            #[cfg(feature = "serve")]
            CliError::Serve(_) => ExitCode::from(1),
        }
    }

    /// Whether this is a closed pipe on output (exit quietly, as `head` expects).
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            CliError::Io { error, .. } => error.kind() == std::io::ErrorKind::BrokenPipe,
            CliError::Batch(e) => e.is_broken_pipe(),
            _ => false,
        }
    }
}

/// Writes to stdout, mapping errors.
pub fn print(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|error| CliError::Io {
            context: "writing to standard output".into(),
            error,
        })
}
