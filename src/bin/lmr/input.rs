//! Flag values shared by the commands that read a CSV: the delimiter and the named protocol.

use lmr::protocol::NamedProtocol;
use lmr::reference::Registry;

use crate::args::RangeOptions;
use crate::error::CliError;

/// Parses `--delimiter`: one ASCII character other than a quote or a line end, or `tab`.
pub fn delimiter(text: &str) -> Result<u8, CliError> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() && !matches!(t, "\"" | "\n" | "\r") => {
            Ok(t.as_bytes()[0])
        }
        t => Err(CliError::input(
            "--delimiter",
            t,
            "expected one ASCII character other than a quote or a line end, e.g. ';' (or `tab`)",
        )),
    }
}

/// The protocol named with `--protocol`, if any.
pub fn protocol<'a>(
    registry: &'a Registry,
    ranges: &RangeOptions,
) -> Result<Option<&'a NamedProtocol>, CliError> {
    ranges
        .protocol
        .as_deref()
        .map(|id| {
            registry.protocol(id).ok_or_else(|| {
                CliError::input("--protocol", id, "no such protocol (see `lmr ranges list`)")
            })
        })
        .transpose()
}
