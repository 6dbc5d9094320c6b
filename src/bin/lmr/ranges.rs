//! `lmr ranges` and `lmr caveats`.

use std::path::PathBuf;
use std::process::ExitCode;

use lmr::interpretation::RangeSetup;
use lmr::reference::Registry;
use lmr::report::{self, UnknownCode};
use lmr::Error;

use lmr::report::Format;

use crate::args::RangesAction;
use crate::error::{print, say};

/// The shipped ranges plus `files`, saying on stderr which shipped ranges they override.
pub fn load_registry(files: &[PathBuf]) -> Result<Registry, Error> {
    let files = files.to_vec();
    let setup = RangeSetup {
        files,
        ..RangeSetup::default()
    };
    Ok(setup.registry(|o| say(format_args!("note: {o}")))?)
}

/// Runs `lmr ranges …`.
pub fn run(action: &RangesAction) -> Result<ExitCode, Error> {
    let text = match action {
        RangesAction::List { ranges, format } => {
            let registry = load_registry(ranges)?;
            match format {
                Format::Json => format!("{}\n", report::registry_json(&registry)),
                Format::Text => report::registry_text(&registry),
            }
        }
        RangesAction::Show { id, ranges, format } => {
            let text = report::entry_text(&load_registry(ranges)?, id, format.is_json());
            let unknown = "no range or protocol with this id (see `lmr ranges list`)";
            text.ok_or_else(|| Error::value("ranges show", id, unknown))?
        }
        RangesAction::Validate { path } => Registry::validate(path)?.to_string(),
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `lmr caveats [CODE]`.
pub fn caveats(code: Option<&str>, format: Format) -> Result<ExitCode, Error> {
    let json = format.is_json();
    let text = match code.map(str::trim) {
        None => Ok(report::codes_text(json)),
        Some(code) => report::code_text(code, json).ok_or(UnknownCode),
    };
    print(&text.map_err(|e| Error::value("CODE", code.unwrap_or_default().trim(), e))?)?;
    Ok(ExitCode::SUCCESS)
}
