//! `lmr check`: one sample from flags.

use std::process::ExitCode;

use lmr::interpretation::{InterpretError, Interpreter, Sample};
use lmr::reference::Registry;
use lmr::sample::check::{self, CheckError, CheckOptions, Format};
use lmr::zscore::ZscoreSelection;

use crate::args::{CheckArgs, CheckFormat, RangeOptions};
use crate::error::{print, CliError};
use crate::ranges::load_registry;

/// The interpreter for the shared range flags; an unknown or wrong-analyte range id is a
/// rejected flag value (exit 3).
pub fn interpreter<'r>(
    registry: &'r Registry,
    r: &RangeOptions,
) -> Result<Interpreter<'r>, CliError> {
    Ok(Interpreter::new(registry, &options(r))?)
}

/// Builds the interpreter options from the shared range flags.
fn options(r: &RangeOptions) -> lmr::interpretation::Options {
    lmr::interpretation::Options {
        lm_range: r.lm_range.clone(),
        vitamin_d_schemes: r.vitamin_d_scheme.clone(),
        zonulin_range: r.zonulin_range.clone(),
        lr_range: r.lr_range.clone(),
        subtract_baseline: r.subtract_baseline,
    }
}

/// The z-score tables named with `--zscore-reference`.
pub fn zscores(registry: &Registry, r: &RangeOptions) -> Result<ZscoreSelection, CliError> {
    check::zscore_selection(registry, &r.zscore_reference).map_err(|e| check_error(e, None))
}

/// The check's errors in flags; `zonulin_range` is the range `--zonulin-range` chose.
fn check_error(e: CheckError, zonulin_range: Option<&str>) -> CliError {
    match e {
        CheckError::Fields(errors) => CliError::Rejected(errors),
        CheckError::Zscore { spec, source } => CliError::input("--zscore-reference", &spec, source),
        CheckError::ZscoreSelection(e) => CliError::ZscoreSelection(e),
        // A range for the other matrix (or unit) names the flag that chose it.
        CheckError::Interpret(e @ InterpretError::Zonulin(_)) => match zonulin_range {
            Some(id) => CliError::input("--zonulin-range", id, e),
            None => CliError::Check(CheckError::Interpret(e)),
        },
        CheckError::Nothing => CliError::NothingToInterpret,
        e => CliError::Check(e),
    }
}

/// The sample: a `--sample` file (if any), then the flags, read through the library's one
/// sample layer so `check` accepts exactly the values `batch` does.
fn sample(a: &CheckArgs, registry: &Registry) -> Result<Sample, CliError> {
    let mut s = match &a.sample {
        None => Sample::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| CliError::SampleRead {
                path: path.clone(),
                error,
            })?;
            lmr::sample_file::parse(&path.display().to_string(), &text, registry)
                .map_err(CliError::SampleFile)?
        }
    };
    let protocol = a
        .ranges
        .protocol
        .iter()
        .map(|p| ("protocol".into(), p.clone()));
    let mut given: Vec<_> = a.fields.0.iter().cloned().chain(protocol).collect();
    // Rejected values are listed in this order: `--solution` last, as it always was.
    given.sort_by_key(|(name, _)| name == "solution");
    let pairs = given.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    lmr::sample::apply_fields(&mut s, pairs, registry).map_err(CliError::Rejected)?;
    let zonulin_range = a.ranges.zonulin_range.as_deref();
    check::require(&s, &given, zonulin_range.is_some())
        .map_err(|e| check_error(e, zonulin_range))?;
    Ok(s)
}

/// Runs `lmr check`.
pub fn run(a: &CheckArgs) -> Result<ExitCode, CliError> {
    let registry = load_registry(&a.ranges.ranges)?;
    let sample = sample(a, &registry)?;
    let options = CheckOptions {
        ranges: options(&a.ranges),
        zscore_reference: a.ranges.zscore_reference.clone(),
    };
    let format = match a.format {
        CheckFormat::Text => Format::Text,
        CheckFormat::Json => Format::Json,
        CheckFormat::Fhir => Format::Fhir,
    };
    let text = check::render(&sample, &registry, &options, format)
        .map_err(|e| check_error(e, a.ranges.zonulin_range.as_deref()))?;
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
