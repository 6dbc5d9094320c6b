//! `lmr batch`: a CSV file in, every row interpreted, results appended. The work is in
//! [`lmr::batch`]; this is argument handling, files, the progress bar and the summary.

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lmr::batch::{ColumnMap, Format, Options, Stats};

use crate::args::{BatchArgs, BatchFormat};
use crate::check::{interpreter, zscores};
use crate::error::CliError;
use crate::input::{delimiter, protocol};
use crate::ranges::load_registry;

/// An output file being written: a temporary file in the target's directory, renamed over the
/// target when complete and removed if the run fails, so a failed run never leaves a
/// half-written file where a good one was.
struct PendingFile {
    temp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl PendingFile {
    fn create(target: &Path) -> Result<(PendingFile, File), CliError> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(".{name}.lmr-{}.tmp", std::process::id()));
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|source| CliError::Io {
                context: format!("cannot write output {}", target.display()),
                source,
            })?;
        Ok((
            PendingFile {
                temp,
                target: target.to_path_buf(),
                done: false,
            },
            file,
        ))
    }

    fn commit(mut self) -> Result<(), CliError> {
        fs::rename(&self.temp, &self.target).map_err(|source| CliError::Io {
            context: format!(
                "renaming {} to {}",
                self.temp.display(),
                self.target.display()
            ),
            source,
        })?;
        self.done = true;
        Ok(())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Where a file output goes.
enum Output {
    /// A regular file (new or existing): written through a temporary file.
    Regular(PendingFile, File),
    /// Something that is not a regular file (`/dev/null`, a named pipe): written in place,
    /// never replaced.
    Special(File),
}

impl Output {
    fn open(target: &Path) -> Result<Output, CliError> {
        match fs::metadata(target) {
            Ok(m) if m.is_dir() => Err(CliError::Fatal(format!(
                "-o {}: is a directory (expected a file name)",
                target.display()
            ))),
            Ok(m) if !m.is_file() => {
                let f = fs::OpenOptions::new()
                    .write(true)
                    .open(target)
                    .map_err(|source| CliError::Io {
                        context: format!("cannot write output {}", target.display()),
                        source,
                    })?;
                Ok(Output::Special(f))
            }
            _ => {
                let (pending, file) = PendingFile::create(target)?;
                Ok(Output::Regular(pending, file))
            }
        }
    }
}

/// Runs `lmr batch`.
pub fn run(a: &BatchArgs) -> Result<ExitCode, CliError> {
    let delimiter = delimiter(&a.delimiter)?;
    let registry = load_registry(&a.ranges.ranges)?;
    let selection = zscores(&registry, &a.ranges)?;
    let interpreter = interpreter(&registry, &a.ranges)?.with_zscores(&selection);
    let protocol = protocol(&registry, a.ranges.protocol.as_deref())?;
    let mut map = match &a.columns {
        Some(p) => ColumnMap::from_path(p)?,
        None => ColumnMap::default(),
    };
    if let Some(column) = &a.sample_id {
        map.set_sample_id(column);
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
    };

    // The output first: a missing or read-only directory fails before any input is read.
    let to_stdout = a.output.as_deref().is_none_or(|p| p == Path::new("-"));
    let output = match &a.output {
        Some(p) if !to_stdout => Some(Output::open(p)?),
        _ => None,
    };

    let from_stdin = a.input == Path::new("-");
    let (input, len): (Box<dyn Read + Send>, Option<u64>) = if from_stdin {
        (Box::new(io::stdin()), None)
    } else {
        let f = File::open(&a.input).map_err(|source| CliError::Io {
            context: format!("cannot read {}", a.input.display()),
            source,
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
        Some(Output::Special(file)) => {
            lmr::batch::run(input, &file, &interpreter, &batch_options, &mut progress)?
        }
        Some(Output::Regular(pending, file)) => {
            let stats = lmr::batch::run(input, &file, &interpreter, &batch_options, &mut progress)?;
            drop(file);
            pending.commit()?;
            stats
        }
        None => {
            let mut out = io::stdout();
            let stats =
                lmr::batch::run(input, &mut out, &interpreter, &batch_options, &mut progress)?;
            out.flush().map_err(|source| CliError::Io {
                context: "writing to standard output".into(),
                source,
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
}
