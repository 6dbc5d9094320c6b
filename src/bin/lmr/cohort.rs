//! Commands that read a whole cohort and aggregate it: `lmr summary`, `lmr reference-interval`
//! and `lmr zscore-reference`. Rows are read and interpreted exactly as `lmr batch` does
//! ([`lmr::batch::Scan`]); the statistics are in [`lmr::summary`], [`lmr::reference_interval`]
//! and [`lmr::zscore`].

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use lmr::batch::{
    ColumnMap, Format as BatchFormat, LeftOut, Options as BatchOptions, Position, Scan, Stats,
};
use lmr::files::OutputFile;
use lmr::protocol::NamedProtocol;
use lmr::reference::{Analyte, Registry};
use lmr::reference_interval::{self as ri, Exclusion, RangeFileSpec};
use lmr::report::IntervalReport;
use lmr::summary::{self, HtmlOptions, Summary};
use lmr::zscore::{self, AgeBands, DeriveOptions, Observation, Scale, TableMeta};

use crate::args::{
    ExcludeArg, Format, InputArgs, RangeOptions, ReadArgs, RefIntArgs, SummaryArgs, SummaryFormat,
    ZrefArgs,
};
use crate::check::{interpreter, zscores};
use crate::error::{print, CliError};
use crate::files;
use crate::input::{delimiter, protocol};
use crate::ranges::load_registry;

fn open(path: &Path) -> Result<Box<dyn Read>, CliError> {
    if path == Path::new("-") {
        return Ok(Box::new(std::io::stdin()));
    }
    let f = std::fs::File::open(path).map_err(|error| CliError::Io {
        context: format!("cannot read {}", path.display()),
        error,
    })?;
    Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, f)))
}

/// What every cohort command sets up: ranges, protocol, column map, the opened input.
struct Setup {
    registry: Registry,
    map: ColumnMap,
    delimiter: u8,
    reading: ReadArgs,
}

impl Setup {
    fn new(input: &InputArgs, ranges: &RangeOptions) -> Result<Setup, CliError> {
        let delimiter = delimiter(&input.delimiter)?;
        let registry = load_registry(&ranges.ranges)?;
        let mut map = match &input.columns {
            Some(p) => ColumnMap::from_path(p)?,
            None => ColumnMap::default(),
        };
        if input.reading.decimal_comma {
            map.set_decimal_comma(true);
        }
        if let Some(column) = &input.sample_id {
            map.set_sample_id(column);
        }
        Ok(Setup {
            registry,
            map,
            delimiter,
            reading: input.reading.clone(),
        })
    }

    fn protocol(&self, ranges: &RangeOptions) -> Result<Option<&NamedProtocol>, CliError> {
        protocol(&self.registry, ranges.protocol.as_deref())
    }

    fn batch_options<'a>(&'a self, protocol: Option<&'a NamedProtocol>) -> BatchOptions<'a> {
        BatchOptions {
            format: BatchFormat::Csv,
            delimiter: self.delimiter,
            columns: &self.map,
            protocol,
            max_record_size: self.reading.max_record_size,
            encoding: self.reading.encoding,
        }
    }
}

/// The indices of `--by` (or `--where`) columns, refusing names the header does not have.
fn columns_of(
    scan: &Scan<Box<dyn Read>>,
    flag: &'static str,
    names: &[String],
) -> Result<Vec<usize>, CliError> {
    names
        .iter()
        .map(|n| {
            scan.column(n).ok_or_else(|| {
                CliError::input(
                    flag,
                    n,
                    format!(
                        "no such column in the input (columns: {})",
                        scan.header().join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// The raw text of cell `i` (empty when the row is short).
fn cell(record: &csv::ByteRecord, i: usize) -> String {
    String::from_utf8_lossy(record.get(i).unwrap_or_default()).into_owned()
}

fn analyte(flag: &'static str, text: &str, allowed: &[Analyte]) -> Result<Analyte, CliError> {
    Analyte::from_key(text)
        .filter(|a| allowed.contains(a))
        .ok_or_else(|| {
            let keys: Vec<&str> = allowed.iter().map(|a| a.key()).collect();
            CliError::input(flag, text, format!("expected one of {}", keys.join(", ")))
        })
}

fn report_stats(stats: &Stats) {
    eprintln!(
        "lmr: {} rows read, {} interpreted, {} with errors",
        stats.rows, stats.interpreted, stats.errors
    );
    for e in &stats.first_errors {
        eprintln!("lmr:   {e}");
    }
    // columns not read that look like inputs, as `lmr batch` warns
    for w in &stats.warnings {
        eprintln!("lmr: warning: {w}");
    }
}

fn exit(stats: &Stats) -> ExitCode {
    if stats.errors > 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// The longest `--by` value a group may have, in bytes: a group is named by a label, not a
/// document, and memory is bounded by (groups) × (this).
const MAX_GROUP_VALUE: usize = 1024;

/// Keeps the number of groups (and the length of their values) bounded, so memory does not
/// grow with the number of distinct values of a `--by` column. Past the limit rows are no
/// longer grouped; the command then fails naming the row where the limit was passed.
struct GroupLimit<'a> {
    flag: &'static str,
    by: &'a [String],
    max: usize,
    passed: Option<CliError>,
}

impl<'a> GroupLimit<'a> {
    fn new(flag: &'static str, by: &'a [String], max: usize) -> GroupLimit<'a> {
        GroupLimit {
            flag,
            by,
            max,
            passed: None,
        }
    }

    /// Whether the row with this key is grouped.
    fn admits(&mut self, key: &[String], pos: Position, exists: bool, groups: usize) -> bool {
        if self.passed.is_some() {
            return false;
        }
        if let Some((col, v)) = self
            .by
            .iter()
            .zip(key)
            .find(|(_, v)| v.len() > MAX_GROUP_VALUE)
        {
            self.passed = Some(CliError::GroupValueTooLong {
                pos,
                flag: self.flag,
                column: col.clone(),
                value: v.clone(),
                max: MAX_GROUP_VALUE,
            });
            return false;
        }
        if !exists && groups >= self.max {
            self.passed = Some(CliError::TooManyGroups {
                pos,
                flag: self.flag,
                columns: self.by.to_vec(),
                max: self.max,
            });
            return false;
        }
        true
    }

    fn check(self) -> Result<(), CliError> {
        self.passed.map_or(Ok(()), Err)
    }
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
    let setup = Setup::new(&a.input, &a.ranges)?;
    let selection = zscores(&setup.registry, &a.ranges)?;
    let interpreter = interpreter(&setup.registry, &a.ranges)?.with_zscores(&selection);
    let protocol = setup.protocol(&a.ranges)?;
    let bopts = setup.batch_options(protocol);
    let scan = Scan::new(open(&a.input.input)?, &bopts)?;
    let by_idx = columns_of(&scan, "--by", &a.by)?;
    let by: Vec<&str> = a.by.iter().map(String::as_str).collect();
    let mut sum = Summary::new(&by, &interpreter, &setup.registry);
    let mut limit = GroupLimit::new("--by", &a.by, a.max_groups);
    let stats = scan.for_each(&interpreter, &bopts, |row| {
        let group: Vec<String> = by_idx.iter().map(|&i| cell(row.record, i)).collect();
        if !limit.admits(&group, row.pos, sum.has_group(&group), sum.group_count()) {
            return;
        }
        let group: Vec<&str> = group.iter().map(String::as_str).collect();
        sum.add_scanned(&group, &row);
    })?;
    limit.check()?;
    report_stats(&stats);
    let format = match a.format {
        SummaryFormat::Text => summary::Format::Text,
        SummaryFormat::Json => summary::Format::Json,
        SummaryFormat::Csv => summary::Format::Csv,
    };
    print(&sum.render(format))?;
    let html_options = HtmlOptions {
        subtitle: Some(a.input.input.display().to_string()),
        vitamin_d_scheme: a
            .ranges
            .vitamin_d_scheme
            .first()
            .filter(|s| *s != "all")
            .cloned(),
        ..HtmlOptions::default()
    };
    if let Some(file) = html_file {
        files::write_all(file, &summary::html(&sum, &html_options))?;
    }
    if let Some(dir) = &a.svg_dir {
        std::fs::create_dir_all(dir).map_err(|error| CliError::Io {
            context: format!("cannot create {}", dir.display()),
            error,
        })?;
        for figure in summary::svg_figures(&sum, &html_options) {
            let path = dir.join(figure.file_name);
            files::write_all(
                output_file(Some(&path), &a.input, &a.ranges)?
                    .ok_or_else(|| CliError::NotAFileName { path: path.clone() })?,
                &figure.svg,
            )?;
        }
    }
    Ok(exit(&stats))
}

/// Runs `lmr reference-interval`.
pub fn reference_interval(a: &RefIntArgs) -> Result<ExitCode, CliError> {
    let analyte = analyte("--analyte", &a.analyte, ri::INTERVAL_ANALYTES)?;
    let range_file = output_file(a.write_range.as_deref(), &a.input, &a.ranges)?;
    let setup = Setup::new(&a.input, &a.ranges)?;
    let interpreter = interpreter(&setup.registry, &a.ranges)?;
    let protocol = setup.protocol(&a.ranges)?;
    let bopts = setup.batch_options(protocol);
    let scan = Scan::new(open(&a.input.input)?, &bopts)?;
    let by_idx = columns_of(&scan, "--by", &a.by)?;
    let mut parts: BTreeMap<Vec<String>, ri::Collected> = BTreeMap::new();
    let sugar = !matches!(analyte, Analyte::VitaminD25oh | Analyte::Zonulin);
    let mut limit = GroupLimit::new("--by", &a.by, a.max_groups);
    let stats = scan.for_each(&interpreter, &bopts, |row| {
        let key: Vec<String> = by_idx.iter().map(|&i| cell(row.record, i)).collect();
        if !limit.admits(&key, row.pos, parts.contains_key(&key), parts.len()) {
            return;
        }
        let p = parts.entry(key).or_default();
        p.add(
            analyte,
            row.value(analyte),
            &row.sample.protocol,
            row.pos.line,
            protocol,
        );
    })?;
    limit.check()?;
    report_stats(&stats);
    let ri_options = ri::Options {
        exclude: match a.exclude {
            ExcludeArg::Dixon => Exclusion::Dixon,
            ExcludeArg::Tukey => Exclusion::Tukey,
            ExcludeArg::Both => Exclusion::Both,
            ExcludeArg::None => Exclusion::None,
        },
        // Permeability analytes and 25(OH)D are positive and right-skewed: the robust
        // (biweight) estimate is made on ln x, as the log-normal one is.
        robust_log: true,
        ..ri::Options::default()
    };
    let (unit, _) = ri::interval_unit(analyte);
    let mut text = String::new();
    let mut json = Vec::new();
    let mut range_texts = Vec::new();
    for (key, p) in &parts {
        let result = ri::establish(&p.values, &ri_options);
        let report = IntervalReport {
            partition: a.by.iter().cloned().zip(key.iter().cloned()).collect(),
            analyte,
            unit: unit.to_string(),
            censored: p.censored,
            rejected: p.rejected,
            missing: p.missing,
            off_protocol: p.off_protocol,
            result: &result,
        };
        text.push_str(&report.to_text());
        json.push(report.to_json());
        if let (Some(_), Ok(r)) = (&a.write_range, &result) {
            if let Some(est) = r.recommended() {
                let label = report.label();
                let mut spec = range_spec(a, analyte, &report.partition, protocol);
                if sugar && protocol.is_none() {
                    let shared = p.shared.protocol().map_err(|error| CliError::Protocol {
                        partition: label.clone(),
                        error,
                    })?;
                    if let Some(shared) = shared {
                        spec.doses = ri::spec_doses(shared);
                        spec.collection = shared.collection.map(|c| c.to_string());
                    }
                }
                let toml = ri::range_file_toml(r, est, &spec)?;
                range_texts.push((label, toml));
            }
        }
    }
    match a.format {
        Format::Text => print(&text)?,
        Format::Json => print(&(serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"))?,
    }
    if let (Some(path), Some(file)) = (&a.write_range, range_file) {
        if range_texts.is_empty() {
            return Err(CliError::NothingWritten);
        }
        let parts: Vec<(&str, &str)> = range_texts
            .iter()
            .map(|(label, text)| (label.as_str(), text.as_str()))
            .collect();
        let merged = lmr::reference::merge_range_files(&parts)?;
        files::write_all(file, &merged)?;
        eprintln!(
            "lmr: wrote {} range(s) to {} (load with --ranges)",
            range_texts.len(),
            path.display()
        );
    }
    Ok(exit(&stats))
}

fn range_spec(
    a: &RefIntArgs,
    analyte: Analyte,
    partition: &[(String, String)],
    protocol: Option<&NamedProtocol>,
) -> RangeFileSpec {
    let date = ri::iso_date(std::time::SystemTime::now());
    let input = a.input.input.display().to_string();
    let mut spec = RangeFileSpec::for_partition(a.id.as_deref(), analyte, partition, input, date);
    spec.population = a.population.clone();
    spec.analytical_method = a.method.clone();
    if let Some(p) = protocol {
        let named = lmr::protocol::Protocol {
            doses: p.doses.clone(),
            ..Default::default()
        };
        spec.doses = ri::spec_doses(&named);
        spec.collection = p.collection.map(|c| c.to_string());
    }
    spec
}

/// Runs `lmr zscore-reference`.
pub fn zscore_reference(a: &ZrefArgs) -> Result<ExitCode, CliError> {
    let analyte = analyte("--analyte", &a.analyte, zscore::ZSCORE_ANALYTES)?;
    let table_file = output_file(a.output.as_deref(), &a.input, &a.ranges)?;
    let bands: AgeBands = a
        .age_bands
        .parse()
        .map_err(|e| CliError::input("--age-bands", &a.age_bands, e))?;
    let scale: Scale = a
        .scale
        .parse()
        .map_err(|e| CliError::input("--scale", &a.scale, e))?;
    let mut filters = Vec::new();
    for f in &a.filter {
        let (col, value) = f
            .split_once('=')
            .ok_or_else(|| CliError::input("--where", f, "expected COLUMN=VALUE, e.g. site=BR"))?;
        filters.push((col.to_string(), value.to_string()));
    }
    let setup = Setup::new(&a.input, &a.ranges)?;
    let interpreter = interpreter(&setup.registry, &a.ranges)?;
    let protocol = setup.protocol(&a.ranges)?;
    let bopts = setup.batch_options(protocol);
    let scan = Scan::new(open(&a.input.input)?, &bopts)?;
    let names: Vec<String> = filters.iter().map(|(c, _)| c.clone()).collect();
    let where_idx = columns_of(&scan, "--where", &names)?;
    let mut observations = Vec::new();
    let mut filtered_out = 0u64;
    let mut left = LeftOut::default();
    let stats = scan.for_each(&interpreter, &bopts, |row| {
        let keep = where_idx
            .iter()
            .zip(&filters)
            .all(|(&i, (_, v))| cell(row.record, i) == *v);
        if !keep {
            filtered_out += 1;
            return;
        }
        if let Some(value) = left.keep(row.value(analyte)) {
            observations.push(Observation {
                value,
                age: row.sample.protocol.age,
                sex: row.sample.protocol.sex,
            });
        }
    })?;
    report_stats(&stats);
    eprintln!(
        "lmr: {} observations; {} rows filtered out by --where; left out, without an exact {}: {left}",
        observations.len(),
        filtered_out,
        analyte.key()
    );
    let derive_options = DeriveOptions {
        analyte,
        scale,
        bands,
        by_sex: a.by_sex,
        min_cell_n: a.min_cell,
    };
    let derivation = zscore::derive(observations, &derive_options)?;
    for w in derivation.warnings() {
        eprintln!("lmr: warning: {w}");
    }
    let meta = TableMeta {
        id: a
            .id
            .clone()
            .unwrap_or_else(|| format!("local-{}-z", analyte.key().replace('_', "-"))),
        title: None,
        input: a.input.input.display().to_string(),
        filter: (!a.filter.is_empty()).then(|| a.filter.join(", ")),
        date: ri::iso_date(std::time::SystemTime::now()),
        population: a.population.clone(),
    };
    let table = derivation.to_table(&meta)?;
    let text = table.to_toml();
    match table_file {
        Some(file) => {
            let shown = file.path().display().to_string();
            files::write_all(file, &text)?;
            eprintln!(
                "lmr: wrote z-score table {:?} to {shown} (use with --zscore-reference)",
                meta.id,
            );
        }
        None => print(&text)?,
    }
    Ok(exit(&stats))
}
