//! `lmr`: the command-line layer over the `lmr` library.
//!
//! Exit codes: 0 interpreted; 1 fatal (unreadable or invalid range file, I/O); 2 usage (clap);
//! 3 an input value was rejected (the message names the flag or field and the value).
#![forbid(unsafe_code)]
// An error ends the process once: its size costs nothing.
#![allow(clippy::result_large_err)]

mod args;
mod batch;
mod check;
mod cohort;
mod error;
mod help;
mod ranges;
#[cfg(feature = "serve")]
mod serve;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::args::{Args, Command};

fn main() -> ExitCode {
    let matches = help::document(Args::command(), "lmr").try_get_matches();
    let args = match matches.and_then(|m| Args::from_arg_matches(&m)) {
        Ok(args) => args,
        Err(e) => return error::fail(error::from_clap(e).unwrap_or_else(|e| e.exit())),
    };
    // A stopped run leaves no temporary output behind.
    if let Err(e) = lmr::files::remove_on_signal() {
        eprintln!("lmr: warning: cannot watch for SIGINT/SIGTERM/SIGHUP: {e}");
    }
    // Writes to a closed standard output would vanish: refuse before reading anything (batch
    // and zscore-reference check it, with their inputs, when they write there).
    let own_check = matches!(
        args.command,
        Command::Batch(_) | Command::ZscoreReference(_)
    );
    if let Some(Err(e)) = (!own_check).then(|| lmr::files::check_stdout(&[])) {
        return error::fail(e.into());
    }
    let result = match args.command {
        Command::Check(a) => check::run(&a),
        Command::Ranges { action } => ranges::run(&action),
        Command::Batch(a) => batch::run(&a),
        Command::Caveats { code, format } => ranges::caveats(code.as_deref(), format),
        Command::Summary(a) => cohort::summary(&a),
        Command::ReferenceInterval(a) => cohort::reference_interval(&a),
        Command::ZscoreReference(a) => cohort::zscore_reference(&a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::run(&a),
    };
    result.unwrap_or_else(error::fail)
}
