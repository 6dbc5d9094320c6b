//! `lmr summary`, `lmr reference-interval` and `lmr zscore-reference`: the cohort is read in
//! [`lmr::cohort`]; this opens the files and prints. Also the file and protocol helpers the
//! commands that read a CSV share.

use std::path::Path;
use std::process::ExitCode;

use lmr::batch::{Format, Input, Scan, Stats};
use lmr::cohort::{self, Grouping, RangeFileOptions};
use lmr::files::{OutputFile, Quoted};
use lmr::interpretation::Interpreter;
use lmr::protocol::NamedProtocol;
use lmr::reference::Registry;
use lmr::reference_interval::iso_date;
use lmr::report::CohortRun;
use lmr::summary::{self, HtmlOptions};
use lmr::zscore::TableMeta;

use crate::args::{Format as TextOrJson, Groups, RangeOptions, RefIntArgs, SummaryArgs, ZrefArgs};
use crate::check::{interpreter, zscores};
use crate::error::{print, say, CliError};
use crate::ranges::load_registry;

/// Opens `path` for writing unless it is `-` or absent (standard output, checked), refusing a
/// file the command reads.
pub fn output_file(
    path: Option<&Path>,
    input: &Input,
    r: &RangeOptions,
) -> Result<Option<OutputFile>, CliError> {
    // The `--zscore-reference` arguments that name files are read too.
    let tables = r
        .zscore_reference
        .iter()
        .map(Path::new)
        .filter(|p| p.exists());
    let inputs: Vec<&Path> = input
        .files()
        .chain(r.ranges.iter().map(|p| p.as_path()))
        .chain(tables)
        .collect();
    match path.filter(|p| *p != Path::new("-")) {
        Some(p) => Ok(Some(OutputFile::create(p, &inputs)?)),
        None => Ok(lmr::files::check_stdout(&inputs).map(|()| None)?),
    }
}

/// The protocol named with `--protocol`, if any.
pub fn protocol<'a>(
    registry: &'a Registry,
    r: &RangeOptions,
) -> Result<Option<&'a NamedProtocol>, CliError> {
    let find = |id| {
        registry.protocol(id).ok_or_else(|| {
            CliError::input("--protocol", id, "no such protocol (see `lmr ranges list`)")
        })
    };
    r.protocol.as_deref().map(find).transpose()
}

/// The rows of `input`, read as `lmr batch` reads them, with what reading them needs.
fn read<'r, T>(
    input: &Input,
    registry: &'r Registry,
    r: &RangeOptions,
    read: impl FnOnce(
        Scan<Box<dyn std::io::Read>>,
        &Interpreter<'_>,
        &lmr::batch::Options<'_>,
        Option<&'r NamedProtocol>,
    ) -> Result<(T, Stats), CliError>,
) -> Result<(T, ExitCode), CliError> {
    let selection = zscores(registry, r)?;
    let interpreter = interpreter(registry, r)?.with_zscores(&selection);
    let map = input.column_map()?;
    let named = protocol(registry, r)?;
    let options = input.options(Format::Csv, &map, named);
    let scan = Scan::new(input.open()?.0, &options)?;
    let (value, stats) = read(scan, &interpreter, &options, named)?;
    say(CohortRun(&stats));
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
pub fn summary(a: &SummaryArgs) -> Result<ExitCode, CliError> {
    let html_file = output_file(a.html.as_deref(), &a.input, &a.ranges)?;
    let registry = load_registry(&a.ranges.ranges)?;
    let (sum, exit) = read(
        &a.input,
        &registry,
        &a.ranges,
        |scan, interpreter, options, _| {
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
    let html_options = HtmlOptions {
        subtitle: Some(a.input.path.display().to_string()),
        vitamin_d_scheme: a
            .ranges
            .choice
            .vitamin_d_schemes
            .first()
            .filter(|s| *s != "all")
            .cloned(),
        ..HtmlOptions::default()
    };
    if let Some(file) = html_file {
        file.write_text(&summary::html(&sum, &html_options))?;
    }
    if let Some(dir) = &a.svg_dir {
        std::fs::create_dir_all(dir).map_err(|source| lmr::files::FileError::Io {
            path: dir.clone(),
            action: "create",
            source,
        })?;
        for figure in summary::svg_figures(&sum, &html_options) {
            let path = dir.join(figure.file_name);
            let file = output_file(Some(&path), &a.input, &a.ranges)?
                .ok_or(CliError::NotAFileName(path))?;
            file.write_text(&figure.svg)?;
        }
    }
    Ok(exit)
}

/// Runs `lmr reference-interval`.
pub fn reference_interval(a: &RefIntArgs) -> Result<ExitCode, CliError> {
    let range_file = output_file(a.write_range.as_deref(), &a.input, &a.ranges)?;
    let registry = load_registry(&a.ranges.ranges)?;
    let ((parts, named), exit) = read(
        &a.input,
        &registry,
        &a.ranges,
        |scan, interpreter, options, named| {
            let (parts, stats) = cohort::partitions(
                scan,
                interpreter,
                options,
                &grouping(&a.groups),
                a.analyte,
                named,
            )?;
            Ok(((parts, named), stats))
        },
    )?;
    let write = a.write_range.as_ref().map(|_| RangeFileOptions {
        id: a.about.id.as_deref(),
        population: a.about.population.clone(),
        method: a.method.clone(),
        input: a.input.path.display().to_string(),
        date: iso_date(std::time::SystemTime::now()),
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
        if out.range_files.is_empty() {
            return Err(CliError::NothingWritten);
        }
        let texts: Vec<(&str, &str)> = out.range_files.iter().map(|(l, t)| (&**l, &**t)).collect();
        file.write_text(&lmr::reference::merge_range_files(&texts)?)?;
        eprintln!(
            "lmr: wrote {} range(s) to {} (load with --ranges)",
            texts.len(),
            path.display()
        );
    }
    Ok(exit)
}

/// Runs `lmr zscore-reference`.
pub fn zscore_reference(a: &ZrefArgs) -> Result<ExitCode, CliError> {
    let table_file = output_file(a.output.as_deref(), &a.input, &a.ranges)?;
    let registry = load_registry(&a.ranges.ranges)?;
    let (obs, exit) = read(
        &a.input,
        &registry,
        &a.ranges,
        |scan, interpreter, options, _| {
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
        date: iso_date(std::time::SystemTime::now()),
        population: a.about.population.clone(),
    };
    let text = derivation.to_table(&meta)?.to_toml();
    match table_file {
        Some(file) => {
            let shown = file.path().display().to_string();
            file.write_text(&text)?;
            eprintln!(
                "lmr: wrote z-score table {} to {shown} (use with --zscore-reference)",
                Quoted(&meta.id)
            );
        }
        None => print(&text)?,
    }
    Ok(exit)
}
