//! `lmr batch`: a CSV file in, every row interpreted, results appended. The work is in
//! [`lmr::batch`]; this is argument handling, files, the progress bar and the summary.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use lmr::batch::{ColumnMap, Format, Options, Stats};

use crate::args::{BatchArgs, BatchFormat};
use crate::check::{interpreter, zscores};
use crate::error::CliError;
use crate::files;
use crate::input::{delimiter, protocol};
use crate::ranges::load_registry;

/// Runs `lmr batch`.
pub fn run(a: &BatchArgs) -> Result<ExitCode, CliError> {
    // The output first, before anything is read: an output that is one of the inputs, or in a
    // missing or read-only directory, is refused with nothing read and nothing written.
    let inputs = files::inputs(&a.input, a.columns.as_deref(), &a.ranges);
    let to_stdout = a.output.as_deref().is_none_or(|p| p == Path::new("-"));
    let output = match &a.output {
        Some(p) if !to_stdout => Some(files::output(p, &inputs)?),
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
    let mut map = match &a.columns {
        Some(p) => ColumnMap::from_path(p)?,
        None => ColumnMap::default(),
    };
    if let Some(column) = &a.sample_id {
        map.set_sample_id(column);
    }
    if a.reading.decimal_comma {
        map.set_decimal_comma(true);
    }
    let batch_options = Options {
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

    let from_stdin = a.input == Path::new("-");
    let (input, len): (Box<dyn Read + Send>, Option<u64>) = if from_stdin {
        (Box::new(io::stdin()), None)
    } else {
        let f = File::open(&a.input).map_err(|error| CliError::Io {
            context: format!("cannot read {}", a.input.display()),
            error,
        })?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(f), len)
    };

    let bar = match len {
        Some(len) if !a.no_progress && io::stderr().is_terminal() => {
            let bar = indicatif::ProgressBar::new(len);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} [{bar:30}] {bytes_per_sec}, {eta} left",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            Some(bar)
        }
        _ => None,
    };
    let mut progress = |bytes: u64| {
        if let Some(b) = &bar {
            b.set_position(bytes);
        }
    };

    let stats = match output {
        Some(mut file) => {
            let stats = lmr::batch::run(
                input,
                &mut file,
                &interpreter,
                &batch_options,
                &mut progress,
            )?;
            file.commit()?;
            stats
        }
        None => {
            let mut out = io::stdout();
            let stats =
                lmr::batch::run(input, &mut out, &interpreter, &batch_options, &mut progress)?;
            out.flush().map_err(|error| CliError::Io {
                context: "writing to standard output".into(),
                error,
            })?;
            stats
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    summary(&stats, a.format);
    Ok(if stats.errors > 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn summary(s: &Stats, format: BatchFormat) {
    let see = match format {
        BatchFormat::FhirNdjson => "see the row's OperationOutcome",
        _ => "see the `error` column",
    };
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "lmr: {} rows read, {} interpreted, {} with errors, {} with flags",
        s.rows, s.interpreted, s.errors, s.flagged
    );
    for e in &s.first_errors {
        let _ = writeln!(err, "lmr: {e}");
    }
    if s.errors > s.first_errors.len() as u64 {
        let _ = writeln!(
            err,
            "lmr: … and {} more; {see}",
            s.errors - s.first_errors.len() as u64
        );
    } else if s.errors > 0 {
        let _ = writeln!(err, "lmr: {see}");
    }
    for w in &s.warnings {
        let _ = writeln!(err, "lmr: warning: {w}");
    }
    let mut caveats = s.caveats().peekable();
    if caveats.peek().is_some() {
        let _ = writeln!(
            err,
            "lmr: caveats in this run's `caveats` column (`lmr caveats CODE` prints the full text and sources):"
        );
        for c in caveats {
            let _ = writeln!(err, "lmr:   {}: {}", c.code(), c.summary());
        }
    }
}
