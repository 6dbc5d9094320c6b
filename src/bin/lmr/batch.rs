//! `lmr batch`: a CSV file in, every row interpreted, results appended. The work is in
//! [`lmr::batch`]; this is the files, the progress bar and the summary.

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use lmr::batch::BatchRun;
use lmr::sample::check::zscore_selection;
use lmr::{Error, Interpreter};

use crate::args::BatchArgs;
use crate::cohort::output;
use crate::error::say;
use crate::ranges::load_registry;

/// Runs `lmr batch`.
pub fn run(a: &BatchArgs) -> Result<ExitCode, Error> {
    // The output first, before anything is read: an output that is one of the inputs, or in a
    // missing or read-only directory, is refused with nothing read and nothing written.
    let stdout = std::path::Path::new("-");
    let mut output = output(a.output.as_deref().unwrap_or(stdout), &a.input, &a.ranges)?;
    let registry = load_registry(&a.ranges.files)?;
    let tables = zscore_selection(&registry, &a.ranges.zscore_reference)?;
    let interpreter = Interpreter::new(&registry, &a.ranges.choice)?.with_zscores(&tables);
    let map = a.input.column_map()?;
    let named = a.ranges.protocol(&registry)?;
    let options = a.input.options(a.format, &map, named);
    let (input, len) = a.input.open()?;
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
    let stats = lmr::batch::run(input, &mut output, &interpreter, &options, &mut progress)?;
    output.commit()?;
    bar.iter().for_each(ProgressBar::finish_and_clear);
    let format = options.format;
    say(BatchRun {
        stats: &stats,
        format,
    });
    Ok(ExitCode::from(if stats.errors > 0 { 3 } else { 0 }))
}
