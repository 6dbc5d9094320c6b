//! `lmr check`: one sample from flags.

use std::process::ExitCode;

use lmr::{Error, Sample};

use crate::args::CheckArgs;
use crate::error::print;
use crate::ranges::load_registry;

/// Runs `lmr check`: a `--sample` file (if any), then the flags, read by the library's one
/// sample layer so `check` accepts exactly the values `batch` does.
pub fn run(a: &CheckArgs) -> Result<ExitCode, Error> {
    let registry = load_registry(&a.ranges.files)?;
    let base = match &a.sample {
        Some(path) => lmr::sample_file::read(path, &registry)?,
        None => Sample::default(),
    };
    let text = lmr::sample::check::run(base, &a.fields, &a.ranges, &registry, a.format)?;
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
