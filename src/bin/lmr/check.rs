//! `lmr check`: one sample from flags.

use std::process::ExitCode;

use lmr::interpretation::InterpretError;
use lmr::sample::check::{self, CheckError, CheckOptions};
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
    let protocol = a
        .ranges
        .protocol
        .iter()
        .map(|p| ("protocol".to_string(), p.clone()));
    let given: Vec<_> = a.fields.0.iter().cloned().chain(protocol).collect();
    let zonulin_range = a.ranges.choice.zonulin_range.as_deref();
    let options = CheckOptions {
        ranges: a.ranges.choice.clone(),
        zscore_reference: a.ranges.zscore_reference.clone(),
    };
    let text = check::sample(base, &given, &registry, zonulin_range.is_some())
        .and_then(|sample| check::render(&sample, &registry, &options, a.format));
    print(&text.map_err(|e| match (e, zonulin_range) {
        // A range for the other matrix (or unit) names the flag that chose it.
        (CheckError::Interpret(e @ InterpretError::Zonulin(_)), Some(id)) => {
            Error::value("--zonulin-range", id, e)
        }
        (e, _) => e.into(),
    })?)?;
    Ok(ExitCode::SUCCESS)
}
