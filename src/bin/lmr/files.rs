//! The files a command reads and writes: every output goes through [`lmr::files::OutputFile`],
//! which refuses an output that is one of the inputs before anything is read.

use std::path::{Path, PathBuf};

use lmr::files::OutputFile;

use crate::args::RangeOptions;
use crate::error::CliError;

/// Every file a command may read: the input (`-` = standard input), the column map, the
/// `--ranges` files and directories, and `--zscore-reference` arguments that name files.
pub fn inputs(input: &Path, columns: Option<&Path>, ranges: &RangeOptions) -> Vec<PathBuf> {
    let mut all = vec![input.to_path_buf()];
    all.extend(columns.map(Path::to_path_buf));
    all.extend(ranges.ranges.iter().cloned());
    all.extend(
        ranges
            .zscore_reference
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.exists()),
    );
    all
}

/// Opens an output file (a path other than `-`), refusing one of `inputs`.
pub fn output(path: &Path, inputs: &[PathBuf]) -> Result<OutputFile, CliError> {
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    Ok(OutputFile::create(path, &inputs)?)
}

/// Refuses a standard output that was closed (writes would vanish) or that is one of `inputs`.
pub fn check_stdout(inputs: &[PathBuf]) -> Result<(), CliError> {
    if lmr::files::stdout_is_closed() {
        return Err(CliError::Io {
            context: "standard output".into(),
            error: std::io::Error::other(
                "is closed: nothing could be written (redirect it, e.g. > out.txt or > /dev/null)",
            ),
        });
    }
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    Ok(lmr::files::refuse_stdout_onto_input(&inputs)?)
}

/// Writes a whole text to an output opened with [`output`] and puts it in place.
pub fn write_all(mut out: OutputFile, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    out.write_all(text.as_bytes())
        .map_err(|error| CliError::Io {
            context: format!("cannot write {}", out.path().display()),
            error,
        })?;
    Ok(out.commit()?)
}

/// Parses `--max-record-size`: bytes, or with a suffix K, M or G (binary: 1K = 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err("expected a number of bytes, e.g. 1048576, 512K or 4M".into()),
    };
    match digits.trim().parse::<u64>() {
        Ok(n) if n > 0 => n
            .checked_mul(1 << shift)
            .ok_or_else(|| "too large".to_string()),
        _ => Err("expected a positive number of bytes, e.g. 1048576, 512K or 4M".into()),
    }
}

/// Parses `--encoding`.
pub fn parse_encoding(text: &str) -> Result<lmr::files::Encoding, String> {
    text.parse()
        .map_err(|e: lmr::files::UnknownEncoding| e.to_string())
}
