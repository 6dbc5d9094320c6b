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
    let tables = ranges.zscore_reference.iter().map(PathBuf::from);
    all.extend(tables.filter(|p| p.exists()));
    all
}

/// Opens an output file (a path other than `-`), refusing one of `inputs`.
pub fn output(path: &Path, inputs: &[PathBuf]) -> Result<OutputFile, CliError> {
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    Ok(OutputFile::create(path, &inputs)?)
}

/// Refuses a standard output that was closed (writes would vanish) or that is one of `inputs`.
pub fn check_stdout(inputs: &[PathBuf]) -> Result<(), CliError> {
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    Ok(lmr::files::check_stdout(&inputs)?)
}
