//! `lmr ranges` and `lmr caveats`.

use std::path::PathBuf;
use std::process::ExitCode;

use lmr::reference::Registry;
use lmr::report::{self, UnknownCode};

use crate::args::{Format, RangesAction};
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
pub fn run(action: &RangesAction) -> Result<ExitCode, CliError> {
    let text = match action {
        RangesAction::List {
            ranges,
            format: Format::Json,
        } => format!("{}\n", report::registry_json(&load_registry(ranges)?)),
        RangesAction::List {
            ranges,
            format: Format::Text,
        } => report::registry_text(&load_registry(ranges)?),
        RangesAction::Show { id, ranges, format } => {
            report::entry_text(&load_registry(ranges)?, id, *format == Format::Json).ok_or_else(
                || {
                    CliError::input(
                        "ranges show",
                        id,
                        "no range or protocol with this id (see `lmr ranges list`)",
                    )
                },
            )?
        }
        RangesAction::Validate { path } => Registry::validate(path)?.to_string(),
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `lmr caveats [CODE]`.
pub fn caveats(code: Option<&str>, format: Format) -> Result<ExitCode, CliError> {
    let json = format == Format::Json;
    let text = match code.map(str::trim) {
        None => report::codes_text(json),
        Some(code) => report::code_text(code, json)
            .ok_or_else(|| CliError::input("CODE", code, UnknownCode))?,
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
