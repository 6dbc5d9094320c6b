//! `lmr serve`: flags to [`lmr::serve::Config`], the URL and warnings to the terminal.

use std::process::{Command, ExitCode, Stdio};

use lmr::serve::{Config, ServeError, Server};

use crate::args::ServeArgs;
use crate::error::CliError;

/// Runs `lmr serve` until the process is stopped.
pub fn run(a: &ServeArgs) -> Result<ExitCode, CliError> {
    let config = Config {
        bind: a.bind,
        port: a.port,
        ranges: a.ranges.clone(),
        ..Config::default()
    };
    let server = Server::bind(&config).map_err(fatal)?;
    for o in server.overrides() {
        eprintln!("lmr: note: {o}");
    }
    if !a.bind.is_loopback() {
        eprintln!(
            "lmr: warning: listening on {}: other machines on the network can open this page and see what is entered",
            a.bind
        );
    }
    let url = server.url();
    println!("lmr serve: {url}  (Ctrl-C stops it)");
    if a.open {
        open(&url);
    }
    server.run().map_err(fatal)?;
    Ok(ExitCode::SUCCESS)
}

fn fatal(e: ServeError) -> CliError {
    match e {
        ServeError::Ranges(e) => CliError::RangeFile(e),
        e => CliError::Serve(e),
    }
}

/// Asks the desktop to open `url`; a failure only says so (the URL is printed anyway).
fn open(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = Command::new(opener)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("lmr: cannot open a browser ({opener}: {e}); open {url} yourself");
    }
}
