//! `lmr`: the command-line layer over the `lmr` library.
//!
//! Exit codes: 0 interpreted; 1 fatal (unreadable or invalid range file, I/O); 2 usage (clap);
//! 3 an input value was rejected (the message names the flag or field and the value).
#![forbid(unsafe_code)]

mod args;
mod batch;
mod check;
mod cohort;
mod error;
mod files;
mod help;
mod input;
mod ranges;
#[cfg(feature = "serve")]
mod serve;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::args::{Args, Command};

fn main() -> ExitCode {
    let matches = help::document(Args::command(), "lmr").get_matches();
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // A stopped run leaves no temporary output behind.
    if let Err(e) = lmr::files::remove_on_signal() {
        eprintln!("lmr: warning: cannot watch for SIGINT/SIGTERM/SIGHUP: {e}");
    }
    let to_stdout =
        |o: &Option<std::path::PathBuf>| o.as_deref().is_none_or(|p| p.as_os_str() == "-");
    let writes_stdout = match &args.command {
        Command::Batch(a) => to_stdout(&a.output),
        Command::ZscoreReference(a) => to_stdout(&a.output),
        _ => true,
    };
    let result = if writes_stdout {
        files::check_stdout(&[])
    } else {
        Ok(())
    };
    let result = result.and_then(|()| match args.command {
        Command::Check(a) => check::run(&a),
        Command::Ranges(a) => ranges::run(&a),
        Command::Batch(a) => batch::run(&a),
        Command::Caveats(a) => ranges::caveats(&a),
        Command::Summary(a) => cohort::summary(&a),
        Command::ReferenceInterval(a) => cohort::reference_interval(&a),
        Command::ZscoreReference(a) => cohort::zscore_reference(&a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::run(&a),
    });
    match result {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lmr: {e}");
            e.exit_code()
        }
    }
}
