//! `lmr ranges` and `lmr caveats`.

use std::path::PathBuf;
use std::process::ExitCode;

use lmr::reference::Registry;
use lmr::report::{self, UnknownCode};

use crate::args::{CaveatsArgs, Format, RangesAction, RangesArgs};
use crate::error::{print, say, CliError};

/// The shipped ranges plus the user's, saying on stderr which user ranges override shipped ones.
pub fn load_registry(paths: &[PathBuf]) -> Result<Registry, CliError> {
    let mut registry = Registry::builtin()?;
    for p in paths {
        for o in registry.load_path(p)? {
            say(format_args!("note: {o}"));
        }
    }
    Ok(registry)
}

/// Runs `lmr ranges …`.
pub fn run(a: &RangesArgs) -> Result<ExitCode, CliError> {
    match &a.action {
        RangesAction::List { ranges, format } => {
            let registry = load_registry(ranges)?;
            print(&match format {
                Format::Json => format!("{}\n", report::registry_json(&registry)),
                Format::Text => report::registry_text(&registry),
            })?
        }
        RangesAction::Show { id, ranges, format } => {
            let json = *format == Format::Json;
            let text = report::entry_text(&load_registry(ranges)?, id, json);
            let unknown = "no range or protocol with this id (see `lmr ranges list`)";
            print(&text.ok_or_else(|| CliError::input("ranges show", id, unknown))?)?
        }
        RangesAction::Validate { path } => print(&Registry::validate(path)?.to_string())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `lmr caveats [CODE]`.
pub fn caveats(a: &CaveatsArgs) -> Result<ExitCode, CliError> {
    let json = a.format == Format::Json;
    let text = match a.code.as_deref().map(str::trim) {
        None => report::codes_text(json),
        Some(code) => report::code_text(code, json)
            .ok_or_else(|| CliError::input("CODE", code, UnknownCode))?,
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
