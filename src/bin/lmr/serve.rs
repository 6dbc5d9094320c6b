//! `lmr serve`: flags to [`lmr::serve::Config`], the URL and warnings to the terminal.

use std::process::ExitCode;

use lmr::serve::Server;

use crate::args::ServeArgs;
use lmr::Error;

use crate::error::say;

/// Runs `lmr serve` until the process is stopped.
pub fn run(a: &ServeArgs) -> Result<ExitCode, Error> {
    let server = Server::bind(&a.config)?;
    for o in server.overrides() {
        say(format_args!("note: {o}"));
    }
    if !a.config.bind.is_loopback() {
        let bind = a.config.bind;
        say(format_args!("warning: listening on {bind}: other machines on the network can open this page and see what is entered"));
    }
    let url = server.url();
    println!("lmr serve: {url}  (Ctrl-C stops it)");
    if let Some(Err((opener, e))) = a.open.then(|| lmr::serve::open_in_browser(&url)) {
        say(format_args!(
            "cannot open a browser ({opener}: {e}); open {url} yourself"
        ));
    }
    server.run()?;
    Ok(ExitCode::SUCCESS)
}
