//! `lmr summary`, `lmr reference-interval` and `lmr zscore-reference`: the cohort is read in
//! [`lmr::cohort`]; this opens the files and prints.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::SystemTime;

use lmr::batch::{Format, Input, Options, Scan, Stats};
use lmr::cohort::{self, Grouping, RangeFileOptions};
use lmr::files::{OutputFile, Quoted};
use lmr::interpretation::{Interpreter, RangeSetup};
use lmr::protocol::NamedProtocol;
use lmr::reference::Registry;
use lmr::reference_interval::iso_date;
use lmr::summary::{self, HtmlOptions};
use lmr::zscore::TableMeta;

use crate::args::{Format as TextOrJson, Groups, RefIntArgs, SummaryArgs, ZrefArgs};
use crate::check::{interpreter, zscores};
use lmr::Error;

use crate::error::{print, say};
use crate::ranges::load_registry;

/// Opens `path` for writing unless it is `-` or absent (standard output), refusing a file the
/// command reads.
pub fn output_file(
    path: Option<&Path>,
    input: &Input,
    r: &RangeSetup,
) -> Result<Option<OutputFile>, Error> {
    let inputs: Vec<&Path> = input.files().chain(r.files_read()).collect();
    match path.filter(|p| *p != Path::new("-")) {
        Some(p) => Ok(Some(OutputFile::create(p, &inputs)?)),
        None => Ok(lmr::files::check_stdout(&inputs).map(|()| None)?),
    }
}

/// What reading the rows of a cohort as `lmr batch` reads them gives to `read`.
type Reader<'a, 'r> = (
    Scan<Box<dyn Read>>,
    &'a Interpreter<'a>,
    &'a Options<'a>,
    Option<&'r NamedProtocol>,
);

/// Reads `input` with `read`, says how many rows were read, and gives what `read` returned
/// with the exit code (3 when some rows had an error).
fn read<T>(
    input: &Input,
    registry: &Registry,
    r: &RangeSetup,
    read: impl FnOnce(Reader<'_, '_>) -> Result<(T, Stats), Error>,
) -> Result<(T, ExitCode), Error> {
    let selection = zscores(registry, r)?;
    let interpreter = interpreter(registry, r)?.with_zscores(&selection);
    let map = input.column_map()?;
    let named = r.protocol(registry)?;
    let options = input.options(Format::Csv, &map, named);
    let scan = Scan::new(input.open()?.0, &options)?;
    let (value, stats) = read((scan, &interpreter, &options, named))?;
    say(lmr::report::CohortRun(&stats));
    Ok((value, ExitCode::from(if stats.errors > 0 { 3 } else { 0 })))
}

fn grouping(g: &Groups) -> Grouping<'_> {
    Grouping {
        option: "--by",
        by: &g.by,
        max_groups: g.max_groups,
    }
}

/// Runs `lmr summary`.
pub fn summary(a: &SummaryArgs) -> Result<ExitCode, Error> {
    let html_file = output_file(a.html.as_deref(), &a.input, &a.ranges)?;
    let registry = load_registry(&a.ranges.files)?;
    let (sum, exit) = read(
        &a.input,
        &registry,
        &a.ranges,
        |(scan, interpreter, options, _)| {
            Ok(cohort::summarise(
                scan,
                interpreter,
                &registry,
                options,
                &grouping(&a.groups),
            )?)
        },
    )?;
    print(&sum.render(a.format))?;
    let scheme = a
        .ranges
        .choice
        .vitamin_d_schemes
        .first()
        .filter(|s| *s != "all");
    let html_options = HtmlOptions {
        subtitle: Some(a.input.path.display().to_string()),
        vitamin_d_scheme: scheme.cloned(),
        ..HtmlOptions::default()
    };
    if let Some(file) = html_file {
        file.write_text(&summary::html(&sum, &html_options))?;
    }
    if let Some(dir) = &a.svg_dir {
        let create = std::fs::create_dir_all(dir);
        create.map_err(|source| lmr::files::FileError::Io {
            path: dir.clone(),
            action: "create",
            source,
        })?;
        for figure in summary::svg_figures(&sum, &html_options) {
            let inputs: Vec<&Path> = a.input.files().chain(a.ranges.files_read()).collect();
            OutputFile::create(&dir.join(figure.file_name), &inputs)?.write_text(&figure.svg)?;
        }
    }
    Ok(exit)
}

/// Runs `lmr reference-interval`.
pub fn reference_interval(a: &RefIntArgs) -> Result<ExitCode, Error> {
    let range_file = output_file(a.write_range.as_deref(), &a.input, &a.ranges)?;
    let registry = load_registry(&a.ranges.files)?;
    let (parts, exit) = read(
        &a.input,
        &registry,
        &a.ranges,
        |(scan, interpreter, options, named)| {
            let grouping = grouping(&a.groups);
            Ok(cohort::partitions(
                scan,
                interpreter,
                options,
                &grouping,
                a.analyte,
                named,
            )?)
        },
    )?;
    let named = a.ranges.protocol(&registry)?;
    let write = a.write_range.as_ref().map(|_| RangeFileOptions {
        id: a.about.id.as_deref(),
        population: a.about.population.clone(),
        method: a.method.clone(),
        input: a.input.path.display().to_string(),
        date: iso_date(SystemTime::now()),
    });
    let out = cohort::intervals(
        &parts,
        &a.groups.by,
        a.analyte,
        a.exclude,
        named,
        write.as_ref(),
    )?;
    match a.format {
        TextOrJson::Text => print(&out.text)?,
        TextOrJson::Json => {
            print(&(serde_json::to_string_pretty(&out.json).unwrap_or_default() + "\n"))?
        }
    }
    if let (Some(path), Some(file)) = (&a.write_range, range_file) {
        file.write_text(&out.range_file()?)?;
        let (n, path) = (out.range_files.len(), path.display());
        eprintln!("lmr: wrote {n} range(s) to {path} (load with --ranges)");
    }
    Ok(exit)
}

/// Runs `lmr zscore-reference`.
pub fn zscore_reference(a: &ZrefArgs) -> Result<ExitCode, Error> {
    let table_file = output_file(a.output.as_deref(), &a.input, &a.ranges)?;
    let registry = load_registry(&a.ranges.files)?;
    let (obs, exit) = read(
        &a.input,
        &registry,
        &a.ranges,
        |(scan, interpreter, options, _)| {
            Ok(cohort::observations(
                scan,
                interpreter,
                options,
                a.derive.analyte,
                "--where",
                &a.filter,
            )?)
        },
    )?;
    say(&obs);
    let derivation = lmr::zscore::derive(obs.values, &a.derive)?;
    for w in derivation.warnings() {
        say(format_args!("warning: {w}"));
    }
    let filter: Vec<String> = a.filter.iter().map(ToString::to_string).collect();
    let meta = TableMeta {
        id: a
            .about
            .id
            .clone()
            .unwrap_or_else(|| TableMeta::default_id(a.derive.analyte)),
        title: None,
        input: a.input.path.display().to_string(),
        filter: (!filter.is_empty()).then(|| filter.join(", ")),
        date: iso_date(SystemTime::now()),
        population: a.about.population.clone(),
    };
    let text = derivation.to_table(&meta)?.to_toml();
    match table_file {
        Some(file) => {
            let shown = file.path().display().to_string();
            file.write_text(&text)?;
            let id = Quoted(&meta.id);
            eprintln!("lmr: wrote z-score table {id} to {shown} (use with --zscore-reference)");
        }
        None => print(&text)?,
    }
    Ok(exit)
}
