//! `lmr check`: one sample from flags.

use std::process::ExitCode;

use lmr::interpretation::{InterpretError, Interpreter, Sample};
use lmr::reference::Registry;
use lmr::sample::check::{self, CheckError, CheckOptions};
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
    Interpreter::new(registry, &options(r)).map_err(CliError::Options)
}

/// Builds the interpreter options from the shared range flags.
pub fn options(r: &RangeOptions) -> lmr::interpretation::Options {
    lmr::interpretation::Options {
        lm_range: r.lm_range.clone(),
        vitamin_d_schemes: r.vitamin_d_scheme.clone(),
        zonulin_range: r.zonulin_range.clone(),
        lr_range: r.lr_range.clone(),
        subtract_baseline: r.subtract_baseline,
    }
}

/// The flags of a sample as `(field, value)` pairs, named as [`lmr::sample::from_fields`] reads
/// them.
fn fields(a: &CheckArgs) -> Vec<(String, String)> {
    let protocol = a
        .ranges
        .protocol
        .iter()
        .map(|p| ("protocol".into(), p.clone()));
    let mut fields: Vec<_> = a.fields.0.iter().cloned().chain(protocol).collect();
    // Rejected values are listed in this order: `--solution` last, as it always was.
    fields.sort_by_key(|(name, _)| name == "solution");
    fields
}

/// The check's errors in flags.
fn check_error(e: CheckError, a: &CheckArgs) -> CliError {
    match e {
        CheckError::Fields(errors) => CliError::Rejected(errors),
        CheckError::Zscore { spec, source } => CliError::input("--zscore-reference", &spec, source),
        CheckError::ZscoreSelection(e) => CliError::ZscoreSelection(e),
        // A range for the other matrix (or unit) names the flag that chose it.
        CheckError::Interpret(e @ InterpretError::Zonulin(_)) => match &a.ranges.zonulin_range {
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
            let text = std::fs::read_to_string(path).map_err(|error| CliError::Io {
                context: format!("--sample {}: cannot read", path.display()),
                error,
            })?;
            lmr::sample_file::parse(&path.display().to_string(), &text, registry)
                .map_err(CliError::SampleFile)?
        }
    };
    let given = fields(a);
    lmr::sample::apply_fields(
        &mut s,
        given.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        registry,
    )
    .map_err(CliError::Rejected)?;
    lmr::sample::check::require(&s, &given, a.ranges.zonulin_range.is_some())
        .map_err(|e| check_error(e, a))?;
    Ok(s)
}

/// The z-score tables named with `--zscore-reference`.
pub fn zscores(registry: &Registry, r: &RangeOptions) -> Result<ZscoreSelection, CliError> {
    let mut tables = Vec::new();
    for spec in &r.zscore_reference {
        let found = registry
            .zscore_reference(spec)
            .map_err(|e| CliError::input("--zscore-reference", spec, e))?;
        tables.extend(found);
    }
    ZscoreSelection::new(tables).map_err(CliError::ZscoreSelection)
}

/// Runs `lmr check`.
pub fn run(a: &CheckArgs) -> Result<ExitCode, CliError> {
    let registry = load_registry(&a.ranges.ranges)?;
    let sample = sample(a, &registry)?;
    let options = CheckOptions {
        ranges: options(&a.ranges),
        zscore_reference: a.ranges.zscore_reference.clone(),
    };
    let text = match a.format {
        CheckFormat::Text => check::interpret(&sample, &registry, &options, |i, s, r| {
            lmr::report::to_text_with_nearest(i, s, r)
        }),
        CheckFormat::Json => check::interpret(&sample, &registry, &options, |i, s, r| {
            check::render_json(&lmr::report::to_json(i, s, r))
        }),
        CheckFormat::Fhir => check::interpret(&sample, &registry, &options, |_, s, r| {
            let mut t = serde_json::to_string_pretty(&lmr::report::fhir::bundle(s, r, None))
                .unwrap_or_default();
            t.push('\n');
            t
        }),
    }
    .map_err(|e| check_error(e, a))?;
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
