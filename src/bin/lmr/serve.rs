//! `lmr serve`: flags to [`lmr::serve::Config`], the URL and warnings to the terminal.

use std::process::{Command, ExitCode, Stdio};

use lmr::serve::{Config, Server};

use crate::args::ServeArgs;
use crate::error::{say, CliError};

/// Runs `lmr serve` until the process is stopped.
pub fn run(a: &ServeArgs) -> Result<ExitCode, CliError> {
    let config = Config {
        bind: a.bind,
        port: a.port,
        ranges: a.ranges.clone(),
        ..Config::default()
    };
    let server = Server::bind(&config)?;
    for o in server.overrides() {
        say(format_args!("note: {o}"));
    }
    if !a.bind.is_loopback() {
        let bind = a.bind;
        say(format_args!("warning: listening on {bind}: other machines on the network can open this page and see what is entered"));
    }
    let url = server.url();
    println!("lmr serve: {url}  (Ctrl-C stops it)");
    if a.open {
        open(&url);
    }
    server.run()?;
    Ok(ExitCode::SUCCESS)
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
        say(format_args!(
            "cannot open a browser ({opener}: {e}); open {url} yourself"
        ));
    }
}
