//! `lmr summary`, `lmr reference-interval` and `lmr zscore-reference`: the cohort is read in
//! [`lmr::cohort`]; this chooses the options and prints.

use std::path::Path;
use std::process::ExitCode;

use lmr::batch::{ColumnMap, Format as BatchFormat, Options as BatchOptions, Scan, Stats};
use lmr::cohort::{self, Grouping, RangeFileOptions};
use lmr::files::OutputFile;
use lmr::reference::{Analyte, Registry};
use lmr::reference_interval::{self as ri, Exclusion};
use lmr::report::CohortRun;
use lmr::summary::{self, HtmlOptions};
use lmr::zscore::{self, DeriveOptions, TableMeta};

use crate::args::{
    ExcludeArg, Format, InputArgs, RangeOptions, RefIntArgs, SummaryArgs, SummaryFormat, ZrefArgs,
};
use crate::check::{interpreter, zscores};
use crate::error::{print, rejected, say, CliError};
use crate::files;
use crate::input::{column_map, delimiter, protocol};
use crate::ranges::load_registry;

/// The delimiter, the ranges and the column map of a cohort command.
fn setup(input: &InputArgs, ranges: &RangeOptions) -> Result<(u8, Registry, ColumnMap), CliError> {
    let delimiter = delimiter(&input.delimiter)?;
    let registry = load_registry(&ranges.ranges)?;
    let map = column_map(
        input.columns.as_deref(),
        input.sample_id.as_deref(),
        &input.reading,
    )?;
    Ok((delimiter, registry, map))
}

/// How the input is read, as `lmr batch` reads it.
fn batch_options<'a>(
    (delimiter, input): (u8, &InputArgs),
    map: &'a ColumnMap,
    protocol: Option<&'a lmr::protocol::NamedProtocol>,
) -> BatchOptions<'a> {
    BatchOptions {
        format: BatchFormat::Csv,
        delimiter,
        columns: map,
        protocol,
        max_record_size: input.reading.max_record_size,
        encoding: input.reading.encoding,
    }
}

/// The rows read on stderr; exit 3 when some had an error.
fn report(stats: &Stats) -> ExitCode {
    say(CohortRun(stats));
    ExitCode::from(if stats.errors > 0 { 3 } else { 0 })
}

/// Opens `path` for writing unless it is `-` (standard output), refusing one of the inputs.
fn output_file(
    path: Option<&Path>,
    input: &InputArgs,
    ranges: &RangeOptions,
) -> Result<Option<OutputFile>, CliError> {
    match path {
        Some(p) if p != Path::new("-") => {
            let inputs = files::inputs(&input.input, input.columns.as_deref(), ranges);
            files::output(p, &inputs).map(Some)
        }
        _ => Ok(None),
    }
}

/// Runs `lmr summary`.
pub fn summary(a: &SummaryArgs) -> Result<ExitCode, CliError> {
    let html_file = output_file(a.html.as_deref(), &a.input, &a.ranges)?;
    let (delimiter, registry, map) = setup(&a.input, &a.ranges)?;
    let selection = zscores(&registry, &a.ranges)?;
    let interpreter = interpreter(&registry, &a.ranges)?.with_zscores(&selection);
    let options = batch_options((delimiter, &a.input), &map, protocol(&registry, &a.ranges)?);
    let scan = Scan::new(lmr::files::open_input(&a.input.input)?.0, &options)?;
    let grouping = Grouping {
        option: "--by",
        by: &a.by,
        max_groups: a.max_groups,
    };
    let (sum, stats) = cohort::summarise(scan, &interpreter, &registry, &options, &grouping)?;
    let exit = report(&stats);
    print(&sum.render(match a.format {
        SummaryFormat::Text => summary::Format::Text,
        SummaryFormat::Json => summary::Format::Json,
        SummaryFormat::Csv => summary::Format::Csv,
    }))?;
    let scheme = a.ranges.vitamin_d_scheme.first().filter(|s| *s != "all");
    let html_options = HtmlOptions {
        subtitle: Some(a.input.input.display().to_string()),
        vitamin_d_scheme: scheme.cloned(),
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
            let file = output_file(Some(&path), &a.input, &a.ranges)?;
            let file = file.ok_or_else(|| CliError::NotAFileName { path: path.clone() })?;
            file.write_text(&figure.svg)?;
        }
    }
    Ok(exit)
}

/// Runs `lmr reference-interval`.
pub fn reference_interval(a: &RefIntArgs) -> Result<ExitCode, CliError> {
    let analyte = Analyte::one_of(&a.analyte, ri::INTERVAL_ANALYTES);
    let analyte = analyte.map_err(rejected("--analyte", &a.analyte))?;
    let range_file = output_file(a.write_range.as_deref(), &a.input, &a.ranges)?;
    let (delimiter, registry, map) = setup(&a.input, &a.ranges)?;
    let interpreter = interpreter(&registry, &a.ranges)?;
    let named = protocol(&registry, &a.ranges)?;
    let options = batch_options((delimiter, &a.input), &map, named);
    let scan = Scan::new(lmr::files::open_input(&a.input.input)?.0, &options)?;
    let grouping = Grouping {
        option: "--by",
        by: &a.by,
        max_groups: a.max_groups,
    };
    let (parts, stats) =
        cohort::partitions(scan, &interpreter, &options, &grouping, analyte, named)?;
    let exit = report(&stats);
    let exclude = match a.exclude {
        ExcludeArg::Dixon => Exclusion::Dixon,
        ExcludeArg::Tukey => Exclusion::Tukey,
        ExcludeArg::Both => Exclusion::Both,
        ExcludeArg::None => Exclusion::None,
    };
    let write = a.write_range.as_ref().map(|_| RangeFileOptions {
        id: a.id.as_deref(),
        population: a.population.clone(),
        method: a.method.clone(),
        input: a.input.input.display().to_string(),
        date: ri::iso_date(std::time::SystemTime::now()),
    });
    let out = cohort::intervals(&parts, &a.by, analyte, exclude, named, write.as_ref())?;
    match a.format {
        Format::Text => print(&out.text)?,
        Format::Json => {
            print(&(serde_json::to_string_pretty(&out.json).unwrap_or_default() + "\n"))?
        }
    }
    if let (Some(path), Some(file)) = (&a.write_range, range_file) {
        if out.range_files.is_empty() {
            return Err(CliError::NothingWritten);
        }
        let texts: Vec<(&str, &str)> = out.range_files.iter().map(|(l, t)| (&**l, &**t)).collect();
        file.write_text(&lmr::reference::merge_range_files(&texts)?)?;
        let (n, path) = (texts.len(), path.display());
        eprintln!("lmr: wrote {n} range(s) to {path} (load with --ranges)");
    }
    Ok(exit)
}

/// Runs `lmr zscore-reference`.
pub fn zscore_reference(a: &ZrefArgs) -> Result<ExitCode, CliError> {
    let analyte = Analyte::one_of(&a.analyte, zscore::ZSCORE_ANALYTES);
    let analyte = analyte.map_err(rejected("--analyte", &a.analyte))?;
    let table_file = output_file(a.output.as_deref(), &a.input, &a.ranges)?;
    let bands = a
        .age_bands
        .parse()
        .map_err(rejected("--age-bands", &a.age_bands))?;
    let scale = a.scale.parse().map_err(rejected("--scale", &a.scale))?;
    let filters = (a.filter.iter())
        .map(|f| f.parse().map_err(rejected("--where", f)))
        .collect::<Result<Vec<_>, _>>()?;
    let (delimiter, registry, map) = setup(&a.input, &a.ranges)?;
    let interpreter = interpreter(&registry, &a.ranges)?;
    let options = batch_options((delimiter, &a.input), &map, protocol(&registry, &a.ranges)?);
    let scan = Scan::new(lmr::files::open_input(&a.input.input)?.0, &options)?;
    let (obs, stats) =
        cohort::observations(scan, &interpreter, &options, analyte, "--where", &filters)?;
    let exit = report(&stats);
    say(&obs);
    let derive_options = DeriveOptions {
        analyte,
        scale,
        bands,
        by_sex: a.by_sex,
        min_cell_n: a.min_cell,
    };
    let derivation = zscore::derive(obs.values, &derive_options)?;
    for w in derivation.warnings() {
        say(format_args!("warning: {w}"));
    }
    let meta = TableMeta {
        id: (a.id.clone())
            .unwrap_or_else(|| format!("local-{}-z", analyte.key().replace('_', "-"))),
        title: None,
        input: a.input.input.display().to_string(),
        filter: (!a.filter.is_empty()).then(|| a.filter.join(", ")),
        date: ri::iso_date(std::time::SystemTime::now()),
        population: a.population.clone(),
    };
    let text = derivation.to_table(&meta)?.to_toml();
    match table_file {
        Some(file) => {
            let shown = file.path().display().to_string();
            file.write_text(&text)?;
            let id = lmr::files::Quoted(&meta.id);
            eprintln!("lmr: wrote z-score table {id} to {shown} (use with --zscore-reference)");
        }
        None => print(&text)?,
    }
    Ok(exit)
}
