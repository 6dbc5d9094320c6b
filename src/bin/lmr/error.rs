//! How a failure is told and its exit code: 3 when a value given cannot be used, 1 when a file
//! or the input fails (clap's usage errors exit 2 on their own). The facts are the library's
//! errors ([`lmr::Error`]); `lmr check`'s are said in flags.

use std::error::Error as _;
use std::io::Write;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use lmr::sample::check::CheckError;
use lmr::Error;

/// A value clap's parser (the library's) rejected, as [`Error::Value`]; any other clap error
/// (usage, `--help`) is given back.
pub fn from_clap(e: clap::Error) -> Result<Error, clap::Error> {
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.as_str(),
        _ => "",
    };
    let (arg, value) = (
        text(ContextKind::InvalidArg),
        text(ContextKind::InvalidValue),
    );
    match e.source() {
        Some(problem) if e.kind() == ErrorKind::ValueValidation => {
            // `--age-bands <BANDS>` names the flag `--age-bands`.
            let flag = arg.split(' ').next().unwrap_or(arg);
            Ok(Error::value(flag, value, problem.to_string()))
        }
        _ => Err(e),
    }
}

/// Says what stopped the command on stderr and gives its exit code (a closed pipe on the
/// output ends quietly, as `head` expects).
pub fn fail(e: Error) -> ExitCode {
    let zscore = "--zscore-reference";
    match &e {
        _ if e.is_broken_pipe() => return ExitCode::SUCCESS,
        Error::Check(CheckError::Fields(fields)) => fields.iter().for_each(|f| say(f.in_flags())),
        // The table error names the id or file given.
        Error::Check(CheckError::Zscore { source, .. }) => say(format_args!("{zscore} {source}")),
        Error::Check(CheckError::ZscoreSelection(e)) => say(format_args!("{zscore}: {e}")),
        Error::Check(CheckError::Nothing) => say(NOTHING),
        _ => say(&e),
    }
    ExitCode::from(if e.is_rejected_value() { 3 } else { 1 })
}

/// `lmr check` without an analyte.
const NOTHING: &str = "nothing to interpret: give urine sugars (--lactulose, --mannitol with \
    --volume and doses), --vitamin-d or --zonulin";

/// Prints each line of `text` on stderr after `lmr: ` (a closed stderr is ignored).
pub fn say(text: impl std::fmt::Display) {
    let mut err = std::io::stderr().lock();
    for line in text.to_string().lines() {
        let _ = writeln!(err, "lmr: {line}");
    }
}

/// Writes `text` to standard output.
pub fn print(text: &str) -> Result<(), Error> {
    Ok(lmr::files::OutputFile::create("-".as_ref(), &[])?.write_text(text)?)
}
