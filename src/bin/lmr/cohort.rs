//! `lmr summary`, `lmr reference-interval` and `lmr zscore-reference`: the cohort is read in
//! [`lmr::cohort`]; this opens the files and prints.

use std::path::Path;
use std::process::ExitCode;
use std::time::SystemTime;

use lmr::batch::{Input, Stats};
use lmr::cohort;
use lmr::files::{OutputFile, Quoted};
use lmr::interpretation::RangeSetup;
use lmr::reference_interval::iso_date;
use lmr::summary::{self, HtmlOptions};
use lmr::Error;

use crate::args::{RefIntArgs, SummaryArgs, ZrefArgs};
use crate::error::{print, say};
use crate::ranges::load_registry;

/// Opens `path` (`-`: standard output) for writing, refusing a file the command reads.
pub fn output(path: &Path, input: &Input, r: &RangeSetup) -> Result<OutputFile, Error> {
    let inputs: Vec<&Path> = input.files().chain(r.files_read()).collect();
    Ok(OutputFile::create(path, &inputs)?)
}

/// Says how many rows were read; exit 3 when some had an error.
fn told<T>((value, stats): (T, Stats)) -> (T, ExitCode) {
    say(lmr::batch::CohortRun(&stats));
    (value, ExitCode::from(if stats.errors > 0 { 3 } else { 0 }))
}

/// Runs `lmr summary`.
pub fn summary(a: &SummaryArgs) -> Result<ExitCode, Error> {
    let html_file = a
        .html
        .as_ref()
        .map(|p| output(p, &a.input, &a.ranges))
        .transpose()?;
    let registry = load_registry(&a.ranges.files)?;
    let (sum, exit) = told(cohort::summary_of(
        &a.input, &a.ranges, &registry, &a.groups,
    )?);
    print(&sum.render(a.format))?;
    let schemes = &a.ranges.choice.vitamin_d_schemes;
    let html_options = HtmlOptions {
        subtitle: Some(a.input.path.display().to_string()),
        vitamin_d_scheme: schemes.first().filter(|s| *s != "all").cloned(),
        ..HtmlOptions::default()
    };
    if let Some(file) = html_file {
        file.write_text(&summary::html(&sum, &html_options))?;
    }
    if let Some(dir) = &a.svg_dir {
        let inputs: Vec<&Path> = a.input.files().chain(a.ranges.files_read()).collect();
        summary::write_svg_figures(dir, &sum, &html_options, &inputs)?;
    }
    Ok(exit)
}

/// Runs `lmr reference-interval`.
pub fn reference_interval(a: &RefIntArgs) -> Result<ExitCode, Error> {
    let range_file = (a.write_range.as_ref()).map(|p| output(p, &a.input, &a.ranges));
    let range_file = range_file.transpose()?;
    let registry = load_registry(&a.ranges.files)?;
    let i = &a.interval;
    let (parts, exit) = told(cohort::partitions_of(
        &a.input, &a.ranges, &registry, &i.groups, i.analyte,
    )?);
    let (input, date) = (
        a.input.path.display().to_string(),
        iso_date(SystemTime::now()),
    );
    let write = a.write_range.as_ref().map(|_| i.range_file(input, date));
    let named = a.ranges.protocol(&registry)?;
    let out = cohort::intervals(
        &parts,
        &i.groups.by,
        i.analyte,
        i.exclude,
        named,
        write.as_ref(),
    )?;
    print(&out.render(a.format.is_json()))?;
    if let Some(file) = range_file {
        let (n, path) = (out.range_files.len(), file.path().display().to_string());
        file.write_text(&out.range_file()?)?;
        eprintln!("lmr: wrote {n} range(s) to {path} (load with --ranges)");
    }
    Ok(exit)
}

/// Runs `lmr zscore-reference`.
pub fn zscore_reference(a: &ZrefArgs) -> Result<ExitCode, Error> {
    let table_file = output(
        a.output.as_deref().unwrap_or("-".as_ref()),
        &a.input,
        &a.ranges,
    )?;
    let registry = load_registry(&a.ranges.files)?;
    let (analyte, filters) = (a.table.derive.analyte, &a.table.filter);
    let read = cohort::observations_of(&a.input, &a.ranges, &registry, analyte, filters);
    let (obs, exit) = told(read?);
    say(&obs);
    let derivation = lmr::zscore::derive(obs.values, &a.table.derive)?;
    for w in derivation.warnings() {
        say(format_args!("warning: {w}"));
    }
    let (input, date) = (
        a.input.path.display().to_string(),
        iso_date(SystemTime::now()),
    );
    let meta = a.table.meta(input, date);
    let text = derivation.to_table(&meta)?.to_toml();
    let shown = table_file.path().display().to_string();
    table_file.write_text(&text)?;
    if shown != "-" {
        let id = Quoted(&meta.id);
        eprintln!("lmr: wrote z-score table {id} to {shown} (use with --zscore-reference)");
    }
    Ok(exit)
}
