//! Where a cohort CSV comes from and how it is read: what `lmr batch`, `lmr summary`,
//! `lmr reference-interval` and `lmr zscore-reference` share. With the `cli` feature these are
//! the commands' input flags (their help is in docs/cli.md).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{ColumnMap, ColumnMapError, Format, Options, MAX_RECORD_SIZE};
use crate::files::{Encoding, FileError};
use crate::protocol::NamedProtocol;

/// A CSV input: the file, its column map and how its records are read.
///
/// ```
/// use lmr::batch::{Format, Input};
///
/// let input = Input {
///     delimiter: b';',
///     sample_id: Some("ORDER_NO".into()),
///     ..Input::new("lis-export.csv")
/// };
/// let map = input.column_map()?; // no `columns` file: the built-in names, plus the id column
/// let options = input.options(Format::Jsonl, &map, None);
/// assert_eq!((options.delimiter, options.format), (b';', Format::Jsonl));
/// assert_eq!(options.max_record_size, 1_048_576); // the default, 1 MiB
/// # Ok::<(), lmr::batch::ColumnMapError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Input {
    /// The CSV file; `-` is standard input.
    #[cfg_attr(feature = "cli", arg(value_name = "IN.csv|-"))]
    pub path: PathBuf,
    /// A column map file (`--columns`) naming the export's columns and units.
    #[cfg_attr(feature = "cli", arg(long, value_name = "MAP.toml"))]
    pub columns: Option<PathBuf>,
    /// The field delimiter (`--delimiter`).
    #[cfg_attr(feature = "cli", arg(long, value_name = "C", default_value = ",",
        value_parser = crate::files::parse_delimiter))]
    pub delimiter: u8,
    /// The column that identifies a sample (`--sample-id`), over the column map's.
    #[cfg_attr(feature = "cli", arg(long, value_name = "COLUMN"))]
    pub sample_id: Option<String>,
    /// The longest record read before the input is refused (`--max-record-size`).
    #[cfg_attr(feature = "cli", arg(long, value_name = "BYTES", default_value = "1M",
        value_parser = crate::files::parse_size))]
    pub max_record_size: u64,
    /// The input's character encoding (`--encoding`).
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "utf-8|latin1", default_value = "utf-8")
    )]
    pub encoding: Encoding,
    /// Numbers are written with a decimal comma (`--decimal-comma`).
    #[cfg_attr(feature = "cli", arg(long))]
    pub decimal_comma: bool,
}

impl Input {
    /// The file at `path`, read as CSV with `,` between fields, the built-in column names, UTF-8
    /// and the default [`MAX_RECORD_SIZE`].
    ///
    /// ```
    /// let input = lmr::batch::Input::new("-");
    /// assert_eq!((input.delimiter, input.decimal_comma), (b',', false));
    /// ```
    pub fn new(path: impl Into<PathBuf>) -> Input {
        Input {
            path: path.into(),
            columns: None,
            delimiter: b',',
            sample_id: None,
            max_record_size: MAX_RECORD_SIZE,
            encoding: Encoding::Utf8,
            decimal_comma: false,
        }
    }

    /// The column map: the `columns` file (or the built-in names), with `sample_id` and (when
    /// set) `decimal_comma` applied.
    ///
    /// # Errors
    /// When the `columns` file cannot be read or is not a valid map.
    ///
    /// ```
    /// let input = lmr::batch::Input { columns: Some("/no/such/map.toml".into()), ..lmr::batch::Input::new("-") };
    /// assert!(input.column_map().is_err());
    /// ```
    pub fn column_map(&self) -> Result<ColumnMap, ColumnMapError> {
        let mut map = match &self.columns {
            Some(path) => ColumnMap::from_path(path)?,
            None => ColumnMap::default(),
        };
        if let Some(column) = &self.sample_id {
            map.set_sample_id(column);
        }
        if self.decimal_comma {
            map.set_decimal_comma(true); // a map's own `decimal_comma = true` stays either way
        }
        Ok(map)
    }

    /// The batch options for this input.
    ///
    /// ```
    /// use lmr::batch::{ColumnMap, Format, Input};
    ///
    /// let map = ColumnMap::default();
    /// let options = Input::new("-").options(Format::Csv, &map, None);
    /// assert_eq!((options.delimiter, options.format), (b',', Format::Csv));
    /// ```
    pub fn options<'a>(
        &self,
        format: Format,
        columns: &'a ColumnMap,
        protocol: Option<&'a NamedProtocol>,
    ) -> Options<'a> {
        Options {
            format,
            delimiter: self.delimiter,
            columns,
            protocol,
            max_record_size: self.max_record_size,
            encoding: self.encoding,
        }
    }

    /// Opens the input ([`crate::files::open_input`]): the reader and, for a file, its length.
    ///
    /// # Errors
    /// When the file cannot be opened.
    ///
    /// ```
    /// assert!(lmr::batch::Input::new("/no/such/file.csv").open().is_err());
    /// ```
    pub fn open(&self) -> Result<(Box<dyn Read + Send>, Option<u64>), FileError> {
        crate::files::open_input(&self.path)
    }

    /// The files this input reads (for refusing an output that would replace one): the CSV
    /// (`-`: standard input) and the column map.
    ///
    /// ```
    /// let input = lmr::batch::Input { columns: Some("map.toml".into()), ..lmr::batch::Input::new("a.csv") };
    /// assert_eq!(input.files().count(), 2);
    /// ```
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.path.as_path()).chain(self.columns.as_deref())
    }
}
