//! `lmr check`: one sample from flags.

use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches};
use lmr::interpretation::{InterpretError, Interpreter, RangeSetup};
use lmr::reference::Registry;
use lmr::sample::check::{self, CheckError, CheckOptions, FIELDS};
use lmr::zscore::ZscoreSelection;
use lmr::Sample;

use crate::args::CheckArgs;
use lmr::Error;

use crate::error::print;
use crate::ranges::load_registry;

/// The sample flags given ([`FIELDS`]), as (field, value) in the order `--help` lists them.
#[derive(Debug, Default)]
pub struct SampleFlags(pub Vec<(String, String)>);

impl clap::FromArgMatches for SampleFlags {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let given = FIELDS.iter().flat_map(|&(flag, _)| {
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
        FIELDS.iter().fold(cmd, |cmd, &(flag, value)| {
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

/// The interpreter for the range flags (an unknown range id exits 3).
pub fn interpreter<'r>(registry: &'r Registry, r: &RangeSetup) -> Result<Interpreter<'r>, Error> {
    Ok(Interpreter::new(registry, &r.choice)?)
}

/// The z-score tables named with `--zscore-reference`.
pub fn zscores(registry: &Registry, r: &RangeSetup) -> Result<ZscoreSelection, Error> {
    check::zscore_selection(registry, &r.zscore_reference).map_err(|e| check_error(e, None))
}

/// The check's errors in flags; `zonulin_range` is the range `--zonulin-range` chose.
fn check_error(e: CheckError, zonulin_range: Option<&str>) -> Error {
    match (e, zonulin_range) {
        (CheckError::Zscore { spec, source }, _) => {
            Error::value("--zscore-reference", &spec, source)
        }
        // A range for the other matrix (or unit) names the flag that chose it.
        (CheckError::Interpret(e @ InterpretError::Zonulin(_)), Some(id)) => {
            Error::value("--zonulin-range", id, e)
        }
        (e, _) => e.into(),
    }
}

/// The sample: a `--sample` file (if any), then the flags, read by the library's one sample
/// layer so `check` accepts exactly the values `batch` does.
fn sample(a: &CheckArgs, registry: &Registry) -> Result<Sample, Error> {
    let base = match &a.sample {
        None => Sample::default(),
        Some(path) => lmr::sample_file::read(path, registry)?,
    };
    let protocol = a
        .ranges
        .protocol
        .iter()
        .map(|p| ("protocol".to_string(), p.clone()));
    let given: Vec<_> = a.fields.0.iter().cloned().chain(protocol).collect();
    let zonulin_range = a.ranges.choice.zonulin_range.as_deref();
    let checked = check::sample(base, &given, registry, zonulin_range.is_some());
    checked.map_err(|e| check_error(e, zonulin_range))
}

/// Runs `lmr check`.
pub fn run(a: &CheckArgs) -> Result<ExitCode, Error> {
    let registry = load_registry(&a.ranges.files)?;
    let sample = sample(a, &registry)?;
    let options = CheckOptions {
        ranges: a.ranges.choice.clone(),
        zscore_reference: a.ranges.zscore_reference.clone(),
    };
    let text = check::render(&sample, &registry, &options, a.format);
    print(&text.map_err(|e| check_error(e, a.ranges.choice.zonulin_range.as_deref()))?)?;
    Ok(ExitCode::SUCCESS)
}
