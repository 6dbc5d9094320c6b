//! Flag values shared by the commands that read a CSV: the delimiter, the column map and the
//! named protocol.

use std::path::Path;

use lmr::batch::ColumnMap;
use lmr::protocol::NamedProtocol;
use lmr::reference::Registry;

use crate::args::{RangeOptions, ReadArgs};
use crate::error::{rejected, CliError};

/// Parses `--delimiter`.
pub fn delimiter(text: &str) -> Result<u8, CliError> {
    lmr::files::parse_delimiter(text).map_err(rejected("--delimiter", text))
}

/// The column map (`--columns`), with `--sample-id` and `--decimal-comma` applied.
pub fn column_map(
    columns: Option<&Path>,
    sample_id: Option<&str>,
    reading: &ReadArgs,
) -> Result<ColumnMap, CliError> {
    let mut map = match columns {
        Some(p) => ColumnMap::from_path(p)?,
        None => ColumnMap::default(),
    };
    if let Some(column) = sample_id {
        map.set_sample_id(column);
    }
    if reading.decimal_comma {
        map.set_decimal_comma(true);
    }
    Ok(map)
}

/// The protocol named with `--protocol`, if any.
pub fn protocol<'a>(
    registry: &'a Registry,
    ranges: &RangeOptions,
) -> Result<Option<&'a NamedProtocol>, CliError> {
    let unknown = "no such protocol (see `lmr ranges list`)";
    let find = |id| {
        registry
            .protocol(id)
            .ok_or_else(|| rejected("--protocol", id)(unknown))
    };
    ranges.protocol.as_deref().map(find).transpose()
}
