//! Files, handled so that lmr never loses one and never grows memory with one.
//!
//! * [`OutputFile`]: every file lmr writes. It refuses, before anything is read, an output that
//!   is the same file as an input (device and inode compared, so symbolic and hard links are
//!   caught); it writes to a short-named temporary file beside the target, with the permissions
//!   of the file it replaces, and renames it over the target only when complete. The temporary
//!   file is removed on error, and on SIGINT, SIGTERM or SIGHUP once [`remove_on_signal`] is
//!   installed. A target that is a symbolic link is written *through*: the file it points to
//!   is replaced and the link stays.
//! * [`read_regular`]: a configuration file read whole, only if it is a regular file no larger
//!   than a stated limit (a FIFO or a device is refused before it is opened, so nothing blocks).
//! * [`Quoted`]: a value quoted in a message, at most [`QUOTE_CHARS`] characters of it.
//! * [`formula_safe`]: a CSV cell a spreadsheet will not run as a formula.
//! * [`Latin1`]: an input declared Latin-1 (ISO 8859-1), transcoded to UTF-8 as it is read.
//!
//! # Example
//! ```
//! use std::io::Write;
//! use lmr::files::OutputFile;
//!
//! let dir = tempfile::tempdir()?;
//! let input = dir.path().join("cohort.csv");
//! std::fs::write(&input, "id\n1\n")?;
//! // An output naming the input is refused before anything is written.
//! let err = OutputFile::create(&input, &[input.as_path()]).unwrap_err();
//! assert!(err.to_string().contains("is the same file as the input"));
//! // Any other output is written whole, or not at all.
//! let target = dir.path().join("out.csv");
//! let mut out = OutputFile::create(&target, &[input.as_path()])?;
//! out.write_all(b"id,result\n1,ok\n")?;
//! out.commit()?;
//! assert_eq!(std::fs::read_to_string(&target)?, "id,result\n1,ok\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cleanup;
mod input;
mod output;
mod sheet;

pub use cleanup::remove_on_signal;
pub use input::{
    open_input, parse_delimiter, parse_size, read_regular, utf16_bom, utf16_without_bom, Decoded,
    DelimiterError, Encoding, Latin1, Quoted, SizeError, UnknownEncoding, QUOTE_CHARS,
};
pub use output::{check_stdout, refuse_stdout_onto_input, same_file, stdout_is_closed, OutputFile};
pub use sheet::formula_safe;

use std::path::PathBuf;

/// What stops a file from being read or written safely. Each names the path(s).
///
/// ```
/// use lmr::files::{FileError, OutputFile};
///
/// let dir = tempfile::tempdir()?;
/// let e = OutputFile::create(dir.path(), &[]).err().unwrap();
/// assert!(matches!(&e, FileError::IsDirectory(p) if p == dir.path()));
/// assert!(e.to_string().ends_with(": is a directory (expected a file name)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The output is the same file as an input (directly, or through a link).
    #[error("output {output} is the same file as the input {input}: refusing to overwrite an input (choose another output name)")]
    SameFile {
        /// The output as named.
        output: PathBuf,
        /// The input as named.
        input: PathBuf,
    },
    /// The output names a directory.
    #[error("output {0}: is a directory (expected a file name)")]
    IsDirectory(PathBuf),
    /// The output is a symbolic link to nothing.
    #[error("output {0}: is a symbolic link to a file that does not exist (lmr writes through links; create the target or name another output)")]
    DanglingLink(PathBuf),
    /// A file that should be a regular file is not (a FIFO, a device, a socket).
    #[error("{path}: is a {kind}, not a regular file")]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// A file is larger than the limit for its kind.
    #[error("{path}: {size} bytes, more than the limit of {limit} bytes for {what}")]
    TooLarge {
        /// The path.
        path: PathBuf,
        /// Its size in bytes (at least).
        size: u64,
        /// The limit in bytes.
        limit: u64,
        /// What kind of file it is.
        what: &'static str,
    },
    /// Standard output was closed when lmr started: whatever is written would vanish.
    #[error("standard output: is closed: nothing could be written (redirect it, e.g. > out.txt or > /dev/null)")]
    StdoutClosed,
    /// An I/O error.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// What was being done ("write", "read", "put the finished output in place at").
        action: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl FileError {
    /// The problem as an I/O error without the path, for an error type that names the path
    /// itself.
    ///
    /// ```
    /// use lmr::files::FileError;
    ///
    /// let e = FileError::TooLarge { path: "big.toml".into(), size: 2_000_000, limit: 1_048_576, what: "a range file" };
    /// let io = e.into_io();
    /// assert_eq!(io.to_string(), "2000000 bytes, more than the limit of 1048576 bytes for a range file");
    /// ```
    pub fn into_io(self) -> std::io::Error {
        match self {
            FileError::Io { source, .. } => source,
            FileError::NotRegular { kind, .. } => {
                std::io::Error::other(format!("is a {kind}, not a regular file"))
            }
            FileError::TooLarge {
                size, limit, what, ..
            } => std::io::Error::other(format!(
                "{size} bytes, more than the limit of {limit} bytes for {what}"
            )),
            other => std::io::Error::other(other.to_string()),
        }
    }
}
