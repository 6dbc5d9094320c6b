//! `lmr check`: one sample from flags.

use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches};
use lmr::interpretation::{InterpretError, Interpreter};
use lmr::reference::Registry;
use lmr::sample::check::{self, CheckError, CheckOptions};
use lmr::zscore::ZscoreSelection;
use lmr::Sample;

use crate::args::{CheckArgs, RangeOptions};
use crate::error::{print, CliError};
use crate::ranges::load_registry;

/// The flags that set a field of the sample, as (flag, value name), in the order `--help` lists
/// them: each is the field's name with `-` for `_` ([`lmr::sample::apply_fields`]); the
/// `SUGAR=…` flags are repeatable.
const SAMPLE_FLAGS: [(&str, &str); 25] = [
    ("lactulose", "CONC"),
    ("mannitol", "CONC"),
    ("volume", "VOLUME"),
    ("lactulose-dose", "MASS"),
    ("mannitol-dose", "MASS"),
    ("collection", "DURATION"),
    ("age", "YEARS"),
    ("sex", "F|M"),
    ("vitamin-d", "CONC"),
    ("vitamin-d-form", "total|d3|d2"),
    ("zonulin", "VALUE"),
    ("zonulin-matrix", "serum|stool"),
    ("hp-genotype", "1-1|2-1|2-2"),
    ("pretest-nsaid", "yes|no"),
    ("pretest-alcohol", "yes|no"),
    ("pretest-laxative", "yes|no"),
    ("pretest-steroid", "yes|no"),
    ("recent-diarrhoea", "yes|no"),
    ("glycosuria", "yes|no"),
    ("egfr", "mL/min/1.73 m²"),
    ("sugar", "SUGAR=CONC"),
    ("dose", "SUGAR=MASS"),
    ("dose-volume", "VOLUME"),
    ("solution", "SUGAR=STRENGTH"),
    ("baseline", "SUGAR=CONC"),
];

/// The sample flags given, as (field, value) in the order of [`SAMPLE_FLAGS`].
#[derive(Debug, Default)]
pub struct SampleFlags(pub Vec<(String, String)>);

impl clap::FromArgMatches for SampleFlags {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let given = SAMPLE_FLAGS.iter().flat_map(|&(flag, _)| {
            let values = m.get_many::<String>(flag).into_iter().flatten();
            values.map(move |v| (flag.replace('-', "_"), v.clone()))
        });
        Ok(SampleFlags(given.collect()))
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl clap::Args for SampleFlags {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        SAMPLE_FLAGS.iter().fold(cmd, |cmd, &(flag, value)| {
            let action = match value.starts_with("SUGAR=") {
                true => ArgAction::Append,
                false => ArgAction::Set,
            };
            let arg = Arg::new(flag).long(flag).value_name(value).action(action);
            cmd.arg(arg.allow_hyphen_values(true))
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// The interpreter for the shared range flags (an unknown range id exits 3).
pub fn interpreter<'r>(
    registry: &'r Registry,
    r: &RangeOptions,
) -> Result<Interpreter<'r>, CliError> {
    Ok(Interpreter::new(registry, &r.choice)?)
}

/// The z-score tables named with `--zscore-reference`.
pub fn zscores(registry: &Registry, r: &RangeOptions) -> Result<ZscoreSelection, CliError> {
    check::zscore_selection(registry, &r.zscore_reference).map_err(|e| check_error(e, None))
}

/// The check's errors in flags; `zonulin_range` is the range `--zonulin-range` chose.
fn check_error(e: CheckError, zonulin_range: Option<&str>) -> CliError {
    match (e, zonulin_range) {
        (CheckError::Fields(errors), _) => CliError::Rejected(errors),
        (CheckError::Zscore { spec, source }, _) => {
            CliError::input("--zscore-reference", &spec, source)
        }
        (CheckError::ZscoreSelection(e), _) => CliError::ZscoreSelection(e),
        // A range for the other matrix (or unit) names the flag that chose it.
        (CheckError::Interpret(e @ InterpretError::Zonulin(_)), Some(id)) => {
            CliError::input("--zonulin-range", id, e)
        }
        (CheckError::Nothing, _) => CliError::NothingToInterpret,
        (e, _) => e.into(),
    }
}

/// The sample: a `--sample` file (if any), then the flags, read by the library's one sample
/// layer so `check` accepts exactly the values `batch` does.
fn sample(a: &CheckArgs, registry: &Registry) -> Result<Sample, CliError> {
    let base = match &a.sample {
        None => Sample::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| CliError::SampleRead {
                path: path.clone(),
                error: e,
            })?;
            lmr::sample_file::parse(&path.display().to_string(), &text, registry)?
        }
    };
    let protocol = a
        .ranges
        .protocol
        .iter()
        .map(|p| ("protocol".to_string(), p.clone()));
    let given: Vec<_> = a.fields.0.iter().cloned().chain(protocol).collect();
    let zonulin_range = a.ranges.choice.zonulin_range.as_deref();
    check::sample(base, &given, registry, zonulin_range.is_some())
        .map_err(|e| check_error(e, zonulin_range))
}

/// Runs `lmr check`.
pub fn run(a: &CheckArgs) -> Result<ExitCode, CliError> {
    let registry = load_registry(&a.ranges.ranges)?;
    let sample = sample(a, &registry)?;
    let options = CheckOptions {
        ranges: a.ranges.choice.clone(),
        zscore_reference: a.ranges.zscore_reference.clone(),
    };
    let text = check::render(&sample, &registry, &options, a.format)
        .map_err(|e| check_error(e, a.ranges.choice.zonulin_range.as_deref()))?;
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
