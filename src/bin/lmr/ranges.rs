//! `lmr ranges` and `lmr caveats`.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use lmr::caveat::Caveat;
use lmr::reference::Registry;
use lmr::report;

use crate::args::{CaveatsArgs, Format, RangesAction, RangesArgs};
use crate::error::{print, CliError};

/// The shipped ranges plus the user's, saying on stderr which user ranges override shipped ones.
pub fn load_registry(paths: &[PathBuf]) -> Result<Registry, CliError> {
    let mut registry = Registry::builtin()?;
    for p in paths {
        for o in registry.load_path(p)? {
            eprintln!("lmr: note: {o}");
        }
    }
    Ok(registry)
}

fn show(registry: &Registry, id: &str, format: Format) -> Result<String, CliError> {
    let json = |v: serde_json::Value| serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    if let Some(r) = registry.range(id) {
        return Ok(match format {
            Format::Json => json(report::range_json(r)),
            Format::Text => report::range_text(r),
        });
    }
    if let Some(p) = registry.protocol(id) {
        return Ok(match format {
            Format::Json => json(report::protocol_json(p)),
            Format::Text => report::protocol_text(p),
        });
    }
    Err(CliError::input(
        "ranges show",
        id,
        "no range or protocol with this id (see `lmr ranges list`)",
    ))
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
            print(&show(&load_registry(ranges)?, id, *format)?)?
        }
        RangesAction::Validate { path } => {
            let mut registry = Registry::builtin()?;
            let before = (registry.ranges().len(), registry.protocols().len());
            let overrides = registry.load_path(path)?;
            let added = (
                registry.ranges().len() - before.0,
                registry.protocols().len() - before.1,
            );
            let mut out = format!(
                "{}: valid ({} new range(s), {} new protocol(s), {} override(s) of shipped ids)\n",
                path.display(),
                added.0,
                added.1,
                overrides.len()
            );
            for o in overrides {
                let _ = writeln!(out, "  {o}");
            }
            print(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `lmr caveats [CODE]`.
pub fn caveats(a: &CaveatsArgs) -> Result<ExitCode, CliError> {
    let json = a.format == Format::Json;
    let Some(code) = &a.code else {
        print(&report::codes_text(json))?;
        return Ok(ExitCode::SUCCESS);
    };
    let code = code.trim();
    let text = report::code_text(code, json).ok_or_else(|| {
        let known: Vec<&str> = Caveat::CODES.iter().map(|c| c.code()).collect();
        CliError::input(
            "CODE",
            code,
            format!(
                "not a caveat or flag code (caveats: {}; `lmr caveats` lists every code)",
                known.join(", ")
            ),
        )
    })?;
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
