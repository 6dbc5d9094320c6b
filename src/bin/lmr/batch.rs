//! `lmr batch`: a CSV file in, every row interpreted, results appended. The work is in
//! [`lmr::batch`]; this is argument handling, files, the progress bar and the summary.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use lmr::batch::{Format, Options};
use lmr::report::BatchRun;

use crate::args::{BatchArgs, BatchFormat};
use crate::check::{interpreter, zscores};
use crate::error::{say, CliError};
use crate::files;
use crate::input::{column_map, delimiter, protocol};
use crate::ranges::load_registry;

/// Runs `lmr batch`.
pub fn run(a: &BatchArgs) -> Result<ExitCode, CliError> {
    // The output first, before anything is read: an output that is one of the inputs, or in a
    // missing or read-only directory, is refused with nothing read and nothing written.
    let inputs = files::inputs(&a.input, a.columns.as_deref(), &a.ranges);
    let output = match &a.output {
        Some(p) if p != Path::new("-") => Some(files::output(p, &inputs)?),
        _ => {
            files::check_stdout(&inputs)?;
            None
        }
    };
    let delimiter = delimiter(&a.delimiter)?;
    let registry = load_registry(&a.ranges.ranges)?;
    let selection = zscores(&registry, &a.ranges)?;
    let interpreter = interpreter(&registry, &a.ranges)?.with_zscores(&selection);
    let protocol = protocol(&registry, &a.ranges)?;
    let map = column_map(a.columns.as_deref(), a.sample_id.as_deref(), &a.reading)?;
    let options = Options {
        format: match a.format {
            BatchFormat::Csv => Format::Csv,
            BatchFormat::Jsonl => Format::Jsonl,
            BatchFormat::FhirNdjson => Format::FhirNdjson,
        },
        delimiter,
        columns: &map,
        protocol,
        max_record_size: a.reading.max_record_size,
        encoding: a.reading.encoding,
    };
    let (input, len) = lmr::files::open_input(&a.input)?;
    let bar = len
        .filter(|_| !a.no_progress && io::stderr().is_terminal())
        .map(|len| {
            let template = "{spinner} {bytes}/{total_bytes} [{bar:30}] {bytes_per_sec}, {eta} left";
            let style = ProgressStyle::with_template(template).map(|s| s.progress_chars("=> "));
            let bar = ProgressBar::new(len);
            style.map(|s| bar.set_style(s)).ok();
            bar
        });
    let mut progress = |bytes| bar.iter().for_each(|b| b.set_position(bytes));
    let stats = match output {
        Some(mut file) => {
            let stats = lmr::batch::run(input, &mut file, &interpreter, &options, &mut progress)?;
            file.commit()?;
            stats
        }
        None => {
            let mut out = io::stdout();
            let stats = lmr::batch::run(input, &mut out, &interpreter, &options, &mut progress)?;
            out.flush().map_err(CliError::Stdout)?;
            stats
        }
    };
    bar.iter().for_each(ProgressBar::finish_and_clear);
    say(BatchRun {
        stats: &stats,
        format: options.format,
    });
    Ok(ExitCode::from(if stats.errors > 0 { 3 } else { 0 }))
}
