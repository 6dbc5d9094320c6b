//! A cohort file read whole into an aggregate: rows grouped by the values of named columns
//! (`lmr summary --by`, `lmr reference-interval --by`) or kept when columns hold given values
//! (`lmr zscore-reference --where`). Rows are read and interpreted as `lmr batch` reads them
//! ([`Scan`]); the statistics are in [`crate::summary`], [`crate::reference_interval`] and
//! [`crate::zscore`].
//!
//! Memory does not grow with the input: the number of groups and the length of a group's value
//! are bounded, and a read that passes either stops with an error naming the row.
//!
//! ```
//! use lmr::batch::{ColumnMap, Options, Scan};
//! use lmr::cohort::{summarise, Grouping};
//! use lmr::interpretation::{Interpreter, Options as RangeOptions};
//! use lmr::reference::Registry;
//!
//! let registry = Registry::builtin()?;
//! let interpreter = Interpreter::new(&registry, &RangeOptions::default())?;
//! let map = ColumnMap::default();
//! let options = Options::new(&map);
//! let csv = "site,vitamin_d\nA,50 nmol/L\nB,80 nmol/L\nA,70 nmol/L\n";
//! let by = ["site".to_string()];
//! let grouping = Grouping { option: "--by", by: &by, max_groups: 10 };
//! let (summary, stats) = summarise(Scan::new(csv.as_bytes(), &options)?, &interpreter, &registry, &options, &grouping)?;
//! assert_eq!((stats.rows, summary.group_count()), (3, 2));
//! // site A: rows 1 and 3
//! assert_eq!(summary.group(&["A"]).unwrap().vitamin_d().values(), [50.0, 70.0]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read;

use crate::analyte::Analyte;
use crate::batch::{BatchError, Format, Input, LeftOut, Options, Position, Scan, Scanned, Stats};
use crate::files::Quoted;
use crate::interpretation::{Interpreter, RangeSetup};
use crate::protocol::NamedProtocol;
use crate::reference::Registry;
use crate::reference_interval::{
    self as ri, Collected, Exclusion, ProtocolDisagreement, RangeFileSpec, RangeWriteError,
};
use crate::report::IntervalReport;
use crate::summary::Summary;
use crate::zscore::{Observation, TableMeta};

/// The longest value a group may have, in bytes: a group is named by a label, not a document,
/// and memory is bounded by (groups) × (this).
///
/// ```
/// assert_eq!(lmr::cohort::MAX_GROUP_VALUE, 1024); // 10,000 groups × 1 KiB at most
/// ```
pub const MAX_GROUP_VALUE: usize = 1024;

/// The default most groups of a read (`--max-groups` of `lmr summary` and `lmr
/// reference-interval`; the limit of `lmr serve`'s summary): enough for a cohort grouped by
/// site or visit, few enough that a column of unique ids stops the read early.
///
/// ```
/// assert_eq!(lmr::cohort::DEFAULT_MAX_GROUPS, 10_000);
/// assert_eq!(lmr::cohort::Groups::default().max_groups, lmr::cohort::DEFAULT_MAX_GROUPS);
/// ```
pub const DEFAULT_MAX_GROUPS: usize = 10_000;

/// What stops a cohort read.
///
/// ```
/// use lmr::batch::{ColumnMap, Options, Scan};
/// use lmr::cohort::Grouping;
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = ColumnMap::default();
/// let options = Options::new(&map);
/// let by = ["site".to_string()];
/// let grouping = Grouping { option: "--by", by: &by, max_groups: 10 };
/// let scan = Scan::new("id,vitamin_d\n1,50 nmol/L\n".as_bytes(), &options)?;
/// let e = lmr::cohort::summarise(scan, &interpreter, &registry, &options, &grouping).unwrap_err();
/// assert!(matches!(e, lmr::cohort::CohortError::NoSuchColumn { .. }));
/// assert!(e.to_string().starts_with(r#"--by "site": no such column in the input"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CohortError {
    /// The input cannot be read.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// The input file cannot be opened.
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// The column map cannot be used (its error names the map's path, then what is wrong).
    #[error("column map {0}")]
    ColumnMap(crate::batch::ColumnMapError),
    /// The range options cannot be used ([`RangeSetup`]).
    #[error(transparent)]
    Ranges(#[from] crate::interpretation::ConfigError),
    /// The z-score tables named cannot be used.
    #[error(transparent)]
    Zscore(#[from] crate::sample::check::CheckError),
    /// A column named to group or select rows is not in the header.
    #[error("{option} {}: no such column in the input (columns: {})", Quoted(.column), .header.join(", "))]
    NoSuchColumn {
        /// The option that named it (`--by`).
        option: &'static str,
        /// The name given.
        column: String,
        /// The header's columns.
        header: Vec<String>,
    },
    /// A group value too long to be a label.
    #[error("{pos}: {option} {column} value {} is longer than {max} bytes: not a group label", Quoted(.value))]
    GroupValueTooLong {
        /// Where the row is.
        pos: Position,
        /// The option that named the column (`--by`).
        option: &'static str,
        /// The column.
        column: String,
        /// The value.
        value: String,
        /// [`MAX_GROUP_VALUE`].
        max: usize,
    },
    /// More distinct groups than allowed.
    #[error(
        "{pos}: {option} {} has more than {max} distinct values (--max-groups); group by a column with fewer values, or raise --max-groups",
        .columns.join(", ")
    )]
    TooManyGroups {
        /// Where the row that passed the limit is.
        pos: Position,
        /// The option that named the columns (`--by`).
        option: &'static str,
        /// The grouping columns.
        columns: Vec<String>,
        /// [`Grouping::max_groups`].
        max: usize,
    },
}

impl CohortError {
    /// Whether a value the user gave was refused (a column name, a range or table id), rather
    /// than the input.
    ///
    /// ```
    /// use lmr::cohort::CohortError;
    /// let e = CohortError::NoSuchColumn { option: "--by", column: "site".into(), header: vec!["id".into()] };
    /// assert!(e.is_rejected_value());
    /// ```
    pub fn is_rejected_value(&self) -> bool {
        matches!(
            self,
            CohortError::NoSuchColumn { .. } | CohortError::Ranges(_) | CohortError::Zscore(_)
        )
    }
}

/// Rows grouped by the values of named columns, with a bound on the number of groups.
///
/// ```
/// let by = ["site".to_string(), "sex".to_string()];
/// let grouping = lmr::cohort::Grouping { option: "--by", by: &by, max_groups: 100 };
/// assert_eq!(grouping.by.len(), 2); // a group per (site, sex) pair seen, at most 100
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Grouping<'a> {
    /// The option that named the columns, for messages (`--by`).
    pub option: &'static str,
    /// The columns (none: one group of every row).
    pub by: &'a [String],
    /// The most groups: a row that would open one more stops the read.
    pub max_groups: usize,
}

/// The columns that group the rows (`--by`) and the most groups (`--max-groups`), as the cohort
/// commands take them (with the `cli` feature, their flags; the help is in docs/cli.md).
///
/// ```
/// let groups = lmr::cohort::Groups { by: vec!["site".into()], ..Default::default() };
/// let grouping = groups.grouping();
/// assert_eq!((grouping.option, grouping.by, grouping.max_groups), ("--by", &["site".to_string()][..], 10_000));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Groups {
    /// The columns whose values make a group; none: one group of every row.
    #[cfg_attr(feature = "cli", arg(long, value_name = "COLUMN"))]
    pub by: Vec<String>,
    /// The most groups: a row that would open one more stops the read.
    #[cfg_attr(feature = "cli", arg(long, value_name = "N", default_value_t = DEFAULT_MAX_GROUPS))]
    pub max_groups: usize,
}

impl Default for Groups {
    fn default() -> Self {
        Groups {
            by: Vec::new(),
            max_groups: DEFAULT_MAX_GROUPS,
        }
    }
}

impl Groups {
    /// The grouping these name, for [`for_each_group`] and its callers (`--by` in messages).
    ///
    /// ```
    /// assert!(lmr::cohort::Groups::default().grouping().by.is_empty()); // one group
    /// ```
    pub fn grouping(&self) -> Grouping<'_> {
        Grouping {
            option: "--by",
            by: &self.by,
            max_groups: self.max_groups,
        }
    }
}

/// A cohort file opened as `lmr batch` opens it, with the ranges of `setup`: `read` is given
/// the rows ([`Scan`]), the interpreter and the options (which hold the `--protocol` named), and
/// returns what it made of them ([`summarise`], [`partitions`], [`observations`]).
///
/// # Errors
/// When the ranges, the column map or the input cannot be used, or as `read`.
///
/// ```
/// use lmr::batch::Input;
/// use lmr::cohort::{read, summarise, Groups};
/// use lmr::interpretation::RangeSetup;
///
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("cohort.csv");
/// std::fs::write(&path, "site,vitamin_d\nA,50 nmol/L\nB,80 nmol/L\n")?;
/// let (setup, groups) = (RangeSetup::default(), Groups { by: vec!["site".into()], ..Default::default() });
/// let registry = setup.registry(|_| {})?;
/// let (summary, stats) = read(&Input::new(&path), &setup, &registry, |scan, interpreter, options| {
///     summarise(scan, interpreter, &registry, options, &groups.grouping())
/// })?;
/// assert_eq!((stats.rows, summary.group_count()), (2, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read<T>(
    input: &Input,
    setup: &RangeSetup,
    registry: &Registry,
    read: impl FnOnce(
        Scan<Box<dyn Read>>,
        &Interpreter<'_>,
        &Options<'_>,
    ) -> Result<(T, Stats), CohortError>,
) -> Result<(T, Stats), CohortError> {
    let tables = crate::sample::check::zscore_selection(registry, &setup.zscore_reference)?;
    let interpreter = Interpreter::new(registry, &setup.choice)?.with_zscores(&tables);
    let map = input.column_map().map_err(CohortError::ColumnMap)?;
    let options = input.options(Format::Csv, &map, setup.protocol(registry)?);
    let scan = Scan::new(input.open()?.0, &options)?;
    read(scan, &interpreter, &options)
}

/// [`summarise`] of the rows of `input` ([`read`]).
///
/// # Errors
/// As [`read`] and [`summarise`].
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("cohort.csv");
/// std::fs::write(&path, "site,vitamin_d\nA,50 nmol/L\nA,70 nmol/L\n")?;
/// let setup = lmr::interpretation::RangeSetup::default();
/// let input = lmr::batch::Input::new(&path);
/// let (summary, _) = lmr::cohort::summary_of(&input, &setup, &setup.registry(|_| {})?, &Default::default())?;
/// assert_eq!(summary.group_count(), 1); // no --by: one group of every row
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn summary_of(
    input: &Input,
    setup: &RangeSetup,
    registry: &Registry,
    groups: &Groups,
) -> Result<(Summary, Stats), CohortError> {
    read(input, setup, registry, |scan, interpreter, options| {
        summarise(scan, interpreter, registry, options, &groups.grouping())
    })
}

/// [`partitions`] of the rows of `input` ([`read`]), leaving out the urine-sugar rows of
/// another protocol than the one `setup` names.
///
/// # Errors
/// As [`read`] and [`partitions`].
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("cohort.csv");
/// std::fs::write(&path, "sex,vitamin_d\nF,50 nmol/L\nM,70 nmol/L\nF,<10 nmol/L\n")?;
/// let setup = lmr::interpretation::RangeSetup::default();
/// let groups = lmr::cohort::Groups { by: vec!["sex".into()], ..Default::default() };
/// let input = lmr::batch::Input::new(&path);
/// let (parts, _) = lmr::cohort::partitions_of(&input, &setup, &setup.registry(|_| {})?, &groups, lmr::Analyte::VitaminD25oh)?;
/// let female = &parts[&vec!["F".to_string()]];
/// assert_eq!((female.values.as_slice(), female.censored), (&[50.0][..], 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn partitions_of(
    input: &Input,
    setup: &RangeSetup,
    registry: &Registry,
    groups: &Groups,
    analyte: Analyte,
) -> Result<(BTreeMap<Vec<String>, Collected>, Stats), CohortError> {
    read(input, setup, registry, |scan, interpreter, options| {
        let grouping = groups.grouping();
        partitions(
            scan,
            interpreter,
            options,
            &grouping,
            analyte,
            options.protocol,
        )
    })
}

/// [`observations`] of `analyte` in the rows of `input` ([`read`]) that pass `filters`
/// (`--where`).
///
/// # Errors
/// As [`read`] and [`observations`].
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("cohort.csv");
/// std::fs::write(&path, "site,vitamin_d\nA,50 nmol/L\nB,70 nmol/L\n")?;
/// let setup = lmr::interpretation::RangeSetup::default();
/// let input = lmr::batch::Input::new(&path);
/// let filters = ["site=A".parse()?];
/// let (obs, _) = lmr::cohort::observations_of(&input, &setup, &setup.registry(|_| {})?, lmr::Analyte::VitaminD25oh, &filters)?;
/// assert_eq!(obs.values.len(), 1); // site B filtered out
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn observations_of(
    input: &Input,
    setup: &RangeSetup,
    registry: &Registry,
    analyte: Analyte,
    filters: &[Filter],
) -> Result<(Observations, Stats), CohortError> {
    read(input, setup, registry, |scan, interpreter, options| {
        observations(scan, interpreter, options, analyte, "--where", filters)
    })
}

/// The indices of the columns `names` (named with `option`), refusing a name the header lacks.
///
/// # Errors
/// [`CohortError::NoSuchColumn`].
///
/// ```
/// use lmr::batch::{ColumnMap, Options, Scan};
/// use lmr::cohort::Grouping;
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = ColumnMap::default();
/// let options = Options::new(&map);
/// let scan = Scan::new("id,site,vitamin_d\n1,A,50 nmol/L\n".as_bytes(), &options)?;
/// assert_eq!(lmr::cohort::columns(&scan, "--by", &["site".to_string()])?, [1]);
/// assert!(lmr::cohort::columns(&scan, "--by", &["clinic".to_string()]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn columns<R: Read>(
    scan: &Scan<R>,
    option: &'static str,
    names: &[String],
) -> Result<Vec<usize>, CohortError> {
    let find = |n: &String| {
        scan.column(n).ok_or_else(|| CohortError::NoSuchColumn {
            option,
            column: n.clone(),
            header: scan.header().to_vec(),
        })
    };
    names.iter().map(find).collect()
}

/// The text of cell `i` of a row (empty when the row is short).
fn cell(row: &Scanned<'_, '_>, i: usize) -> String {
    String::from_utf8_lossy(row.record.get(i).unwrap_or_default()).into_owned()
}

/// Reads every row, handing it to `visit` with its group key (the grouping columns' values).
/// Past a limit rows are no longer handed over; the read then fails naming the row where the
/// limit was passed.
///
/// # Errors
/// [`CohortError`]: an unknown column, a limit passed, an unreadable input.
///
/// ```
/// use lmr::batch::{ColumnMap, Options, Scan};
/// use lmr::cohort::Grouping;
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = ColumnMap::default();
/// let options = Options::new(&map);
/// let by = ["site".to_string()];
/// let grouping = Grouping { option: "--by", by: &by, max_groups: 1 };
/// let scan = Scan::new("site,vitamin_d\nA,50 nmol/L\nB,60 nmol/L\n".as_bytes(), &options)?;
/// let mut keys = Vec::new();
/// let e = lmr::cohort::for_each_group(scan, &interpreter, &options, &grouping, |key, _| keys.push(key.to_vec()));
/// assert_eq!(keys, [vec!["A".to_string()]]); // site B would be a second group: the read stops
/// assert!(matches!(e, Err(lmr::cohort::CohortError::TooManyGroups { max: 1, .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn for_each_group<'r, R: Read>(
    scan: Scan<R>,
    interpreter: &Interpreter<'r>,
    options: &Options<'_>,
    grouping: &Grouping<'_>,
    mut visit: impl FnMut(&[String], &Scanned<'_, 'r>) + Send,
) -> Result<Stats, CohortError> {
    let idx = columns(&scan, grouping.option, grouping.by)?;
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut passed = None;
    let stats = scan.for_each(interpreter, options, |row| {
        if passed.is_some() {
            return;
        }
        let key: Vec<String> = idx.iter().map(|&i| cell(&row, i)).collect();
        match admit(grouping, key, row.pos, &mut seen) {
            Ok(key) => visit(&key, &row),
            Err(e) => passed = Some(e),
        }
    })?;
    passed.map_or(Ok(stats), Err)
}

/// The key, if its row may be grouped: its values are short enough and its group exists or
/// one more is allowed.
fn admit(
    grouping: &Grouping<'_>,
    key: Vec<String>,
    pos: Position,
    seen: &mut BTreeSet<Vec<String>>,
) -> Result<Vec<String>, CohortError> {
    let by = grouping.by.iter().zip(&key);
    if let Some((column, value)) = by.clone().find(|(_, v)| v.len() > MAX_GROUP_VALUE) {
        return Err(CohortError::GroupValueTooLong {
            pos,
            option: grouping.option,
            column: column.clone(),
            value: value.clone(),
            max: MAX_GROUP_VALUE,
        });
    }
    if !seen.contains(&key) {
        if seen.len() >= grouping.max_groups {
            return Err(CohortError::TooManyGroups {
                pos,
                option: grouping.option,
                columns: grouping.by.to_vec(),
                max: grouping.max_groups,
            });
        }
        seen.insert(key.clone());
    }
    Ok(key)
}

/// A cohort summary ([`Summary`]) of every row, per group.
///
/// # Errors
/// As [`for_each_group`].
///
/// ```
/// use lmr::batch::{ColumnMap, Options, Scan};
/// use lmr::cohort::Grouping;
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = ColumnMap::default();
/// let options = Options::new(&map);
/// let grouping = Grouping { option: "--by", by: &[], max_groups: 10 };
/// let scan = Scan::new("vitamin_d\n50 nmol/L\n70 nmol/L\n".as_bytes(), &options)?;
/// let (summary, stats) = lmr::cohort::summarise(scan, &interpreter, &registry, &options, &grouping)?;
/// assert_eq!((stats.rows, summary.group_count()), (2, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn summarise<R: Read>(
    scan: Scan<R>,
    interpreter: &Interpreter<'_>,
    registry: &Registry,
    options: &Options<'_>,
    grouping: &Grouping<'_>,
) -> Result<(Summary, Stats), CohortError> {
    let by: Vec<&str> = grouping.by.iter().map(String::as_str).collect();
    let mut summary = Summary::new(&by, interpreter, registry);
    let stats = for_each_group(scan, interpreter, options, grouping, |key, row| {
        let key: Vec<&str> = key.iter().map(String::as_str).collect();
        summary.add_scanned(&key, row);
    })?;
    Ok((summary, stats))
}

/// The values of `analyte` per partition (group), for a reference interval; with `named`, a
/// urine-sugar row on another protocol is left out and counted ([`Collected::add`]).
///
/// # Errors
/// As [`for_each_group`].
///
/// ```
/// use lmr::batch::{ColumnMap, Options, Scan};
/// use lmr::cohort::Grouping;
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = ColumnMap::default();
/// let options = Options::new(&map);
/// let by = ["sex".to_string()];
/// let grouping = Grouping { option: "--by", by: &by, max_groups: 10 };
/// let scan = Scan::new("sex,vitamin_d\nF,50 nmol/L\nM,70 nmol/L\nF,60 nmol/L\n".as_bytes(), &options)?;
/// let (parts, _) = lmr::cohort::partitions(scan, &interpreter, &options, &grouping, lmr::Analyte::VitaminD25oh, None)?;
/// assert_eq!(parts[&vec!["F".to_string()]].values, [50.0, 60.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn partitions<R: Read>(
    scan: Scan<R>,
    interpreter: &Interpreter<'_>,
    options: &Options<'_>,
    grouping: &Grouping<'_>,
    analyte: Analyte,
    named: Option<&NamedProtocol>,
) -> Result<(BTreeMap<Vec<String>, Collected>, Stats), CohortError> {
    let mut parts: BTreeMap<Vec<String>, Collected> = BTreeMap::new();
    let stats = for_each_group(scan, interpreter, options, grouping, |key, row| {
        let part = parts.entry(key.to_vec()).or_default();
        let (value, line) = (row.value(analyte), row.pos.line);
        part.add(analyte, value, &row.sample.protocol, line, named);
    })?;
    Ok((parts, stats))
}

/// How `lmr reference-interval` establishes intervals and what a range file written from one
/// says (with the `cli` feature, the command's flags; the help is in docs/cli.md).
///
/// ```
/// use lmr::cohort::IntervalOptions;
/// let options = IntervalOptions { id: Some("my-lab-lm".into()), ..IntervalOptions::new(lmr::Analyte::LmRatio) };
/// let file = options.range_file("healthy.csv".into(), "2026-11-30".into());
/// assert_eq!((file.id, file.input.as_str()), (Some("my-lab-lm"), "healthy.csv"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct IntervalOptions {
    /// The analyte, one of [`ri::INTERVAL_ANALYTES`].
    #[cfg_attr(feature = "cli", arg(long, value_name = "ANALYTE",
        value_parser = |key: &str| Analyte::one_of(key, ri::INTERVAL_ANALYTES)))]
    pub analyte: Analyte,
    /// The partitions.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub groups: Groups,
    /// Which outliers are left out.
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t))]
    pub exclude: Exclusion,
    /// The range id of a written range file (default `local-<analyte>`).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID"))]
    pub id: Option<String>,
    /// The reference population, for the range file.
    #[cfg_attr(feature = "cli", arg(long, value_name = "TEXT"))]
    pub population: Option<String>,
    /// The analytical method, for the range file.
    #[cfg_attr(feature = "cli", arg(long, value_name = "TEXT"))]
    pub method: Option<String>,
}

impl IntervalOptions {
    /// One group of every row, Dixon's rule, nothing said of the population or method.
    ///
    /// ```
    /// let options = lmr::cohort::IntervalOptions::new(lmr::Analyte::VitaminD25oh);
    /// assert_eq!(options.exclude, lmr::reference_interval::Exclusion::Dixon);
    /// ```
    pub fn new(analyte: Analyte) -> Self {
        IntervalOptions {
            analyte,
            groups: Groups::default(),
            exclude: Exclusion::default(),
            id: None,
            population: None,
            method: None,
        }
    }

    /// What a range file written from `input` (as the user named it) on `date` (ISO 8601) says.
    ///
    /// ```
    /// let options = lmr::cohort::IntervalOptions::new(lmr::Analyte::LmRatio);
    /// assert_eq!(options.range_file("a.csv".into(), "2026-11-30".into()).date, "2026-11-30");
    /// ```
    pub fn range_file(&self, input: String, date: String) -> RangeFileOptions<'_> {
        RangeFileOptions {
            id: self.id.as_deref(),
            population: self.population.clone(),
            method: self.method.clone(),
            input,
            date,
        }
    }
}

/// How `lmr zscore-reference` derives a table and what the table says of itself (with the `cli`
/// feature, the command's flags; the help is in docs/cli.md).
///
/// ```
/// use lmr::cohort::ZscoreOptions;
/// use lmr::zscore::DeriveOptions;
///
/// let derive = DeriveOptions::new(lmr::Analyte::LmRatio, lmr::zscore::Scale::Ln, "0-4,4-7".parse()?);
/// let options = ZscoreOptions { filter: vec!["site=BR".parse()?], ..ZscoreOptions::new(derive) };
/// let meta = options.meta("cohort.csv".into(), "2026-11-30".into());
/// assert_eq!((meta.id.as_str(), meta.filter.as_deref()), ("local-lm-ratio-z", Some("site=BR")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct ZscoreOptions {
    /// How the table is derived.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub derive: crate::zscore::DeriveOptions,
    /// Only the rows whose columns hold these values (`--where`).
    #[cfg_attr(feature = "cli", arg(long = "where", value_name = "COLUMN=VALUE"))]
    pub filter: Vec<Filter>,
    /// The table's id (default [`TableMeta::default_id`]).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID"))]
    pub id: Option<String>,
    /// The reference group, for people.
    #[cfg_attr(feature = "cli", arg(long, value_name = "TEXT"))]
    pub population: Option<String>,
}

impl ZscoreOptions {
    /// Every row, the default id, nothing said of the population.
    ///
    /// ```
    /// use lmr::zscore::DeriveOptions;
    /// let derive = DeriveOptions::new(lmr::Analyte::LmRatio, lmr::zscore::Scale::Ln, "0-4".parse()?);
    /// assert!(lmr::cohort::ZscoreOptions::new(derive).filter.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(derive: crate::zscore::DeriveOptions) -> Self {
        ZscoreOptions {
            derive,
            filter: Vec::new(),
            id: None,
            population: None,
        }
    }

    /// What a table derived from `input` (as the user named it) on `date` (ISO 8601) says of
    /// itself: its id, the filter, the population.
    ///
    /// ```
    /// use lmr::zscore::DeriveOptions;
    /// let derive = DeriveOptions::new(lmr::Analyte::LmRatio, lmr::zscore::Scale::Ln, "0-4".parse()?);
    /// let meta = lmr::cohort::ZscoreOptions::new(derive).meta("a.csv".into(), "2026-11-30".into());
    /// assert_eq!((meta.input.as_str(), meta.filter), ("a.csv", None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn meta(&self, input: String, date: String) -> TableMeta {
        let filter: Vec<String> = self.filter.iter().map(Filter::to_string).collect();
        let analyte = self.derive.analyte;
        TableMeta {
            id: (self.id.clone()).unwrap_or_else(|| TableMeta::default_id(analyte)),
            title: None,
            input,
            filter: (!filter.is_empty()).then(|| filter.join(", ")),
            date,
            population: self.population.clone(),
        }
    }
}

/// What a range file written from a partition's interval says (`lmr reference-interval
/// --write-range`).
///
/// ```
/// let options = lmr::cohort::RangeFileOptions { id: Some("my-lab-vd"), ..Default::default() };
/// assert_eq!(options.id, Some("my-lab-vd")); // default: local-<analyte>
/// ```
#[derive(Clone, Debug, Default)]
pub struct RangeFileOptions<'a> {
    /// The range id (default `local-<analyte>`; a partition adds `-<value>`).
    pub id: Option<&'a str>,
    /// The reference population.
    pub population: Option<String>,
    /// The analytical method.
    pub method: Option<String>,
    /// The input file, as the user named it.
    pub input: String,
    /// When the interval was established (ISO 8601; see [`ri::iso_date`]).
    pub date: String,
}

/// Each partition's reference interval, for people and as JSON, and the range files written
/// from them.
///
/// ```
/// let none = lmr::cohort::Intervals::default();
/// assert!(none.text.is_empty() && none.json.is_empty() && none.range_files.is_empty());
/// ```
#[derive(Debug, Default)]
pub struct Intervals {
    /// Every partition's report, for people.
    pub text: String,
    /// Every partition's report as JSON.
    pub json: Vec<serde_json::Value>,
    /// `(partition label, range-file text)` of each partition that gave a recommended interval,
    /// when range files were asked for.
    pub range_files: Vec<(String, String)>,
}

/// What stops a range file from being written from a partition.
///
/// ```
/// let e = lmr::cohort::IntervalError::NothingToWrite;
/// assert_eq!(e.to_string(), "no interval could be established: nothing written");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntervalError {
    /// The partition's rows do not share one protocol, so the range cannot state it.
    #[error("{partition}: {error}")]
    Protocol {
        /// The partition (`site=A`, `all rows`).
        partition: String,
        /// The first two rows that differ.
        error: ProtocolDisagreement,
    },
    /// The range file cannot be written.
    #[error(transparent)]
    Write(#[from] RangeWriteError),
    /// A range file was asked for, but no partition gave a recommended interval.
    #[error("no interval could be established: nothing written")]
    NothingToWrite,
    /// The partitions' range files cannot be made one file.
    #[error(transparent)]
    Merge(#[from] crate::reference::RangeFileError),
}

impl Intervals {
    /// The reports as `lmr reference-interval` prints them: for people, or (`json`) a pretty
    /// JSON array of every partition's report, with a final line end.
    ///
    /// ```
    /// let none = lmr::cohort::Intervals::default();
    /// assert_eq!(none.render(true), "[]\n");
    /// assert_eq!(none.render(false), "");
    /// ```
    pub fn render(&self, json: bool) -> String {
        match json {
            true => crate::sample::check::render_json(&self.json),
            false => self.text.clone(),
        }
    }

    /// One range file holding every partition's range (`lmr reference-interval --write-range`).
    ///
    /// # Errors
    /// [`IntervalError::NothingToWrite`] when no partition gave one.
    ///
    /// ```
    /// let none = lmr::cohort::Intervals::default();
    /// assert!(matches!(none.range_file(), Err(lmr::cohort::IntervalError::NothingToWrite)));
    /// ```
    pub fn range_file(&self) -> Result<String, IntervalError> {
        if self.range_files.is_empty() {
            return Err(IntervalError::NothingToWrite);
        }
        let files: Vec<(&str, &str)> = self.range_files.iter().map(|(l, t)| (&**l, &**t)).collect();
        Ok(crate::reference::merge_range_files(&files)?)
    }
}

/// Establishes each partition's reference interval (CLSI EP28-A3c, leaving out the outliers
/// `exclude` names) and reports it; with `write`, also the range file of each partition that
/// gives a recommended interval, stating the protocol named, or else the one its rows share.
///
/// # Errors
/// [`IntervalError`], only when range files are asked for.
///
/// ```
/// use std::collections::BTreeMap;
/// use lmr::cohort::{intervals, Intervals};
/// use lmr::reference_interval::Exclusion;
///
/// // 120 values 1..=120 in one partition: EP28 nonparametric ranks r = p(n + 1) are
/// // 0.025 × 121 = 3.025 and 0.975 × 121 = 117.975, so the limits are 3.025 and 117.975
/// // (shown with 4 significant digits: 118)
/// let mut part = lmr::reference_interval::Collected::default();
/// part.values = (1..=120).map(f64::from).collect();
/// let parts = BTreeMap::from([(Vec::new(), part)]);
/// let out: Intervals = intervals(&parts, &[], lmr::Analyte::VitaminD25oh, Exclusion::None, None, None)?;
/// assert_eq!(out.json.len(), 1);
/// assert!(out.text.contains("nonparametric  3.025 – 118 (n 120)"), "{}", out.text);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn intervals(
    parts: &BTreeMap<Vec<String>, Collected>,
    by: &[String],
    analyte: Analyte,
    exclude: Exclusion,
    named: Option<&NamedProtocol>,
    write: Option<&RangeFileOptions<'_>>,
) -> Result<Intervals, IntervalError> {
    let options = ri::Options {
        exclude,
        // Permeability analytes and 25(OH)D are positive and right-skewed: the robust
        // (biweight) estimate is made on ln x, as the log-normal one is.
        robust_log: true,
        ..ri::Options::default()
    };
    let (unit, _) = ri::interval_unit(analyte);
    let mut out = Intervals::default();
    for (key, p) in parts {
        let result = ri::establish(&p.values, &options);
        let report = IntervalReport {
            partition: by.iter().cloned().zip(key.iter().cloned()).collect(),
            analyte,
            unit: unit.to_string(),
            censored: p.censored,
            rejected: p.rejected,
            missing: p.missing,
            off_protocol: p.off_protocol,
            result: &result,
        };
        out.text.push_str(&report.to_text());
        out.json.push(report.to_json());
        let recommended = result
            .as_ref()
            .ok()
            .and_then(|r| Some((r, r.recommended()?)));
        if let (Some(write), Some((r, estimate))) = (write, recommended) {
            let spec = range_spec(write, analyte, &report, p, named)?;
            out.range_files
                .push((report.label(), ri::range_file_toml(r, estimate, &spec)?));
        }
    }
    Ok(out)
}

/// The range file of one partition: its id and notes, and the protocol (urine sugars only) named
/// or shared by its rows.
fn range_spec(
    write: &RangeFileOptions<'_>,
    analyte: Analyte,
    report: &IntervalReport<'_>,
    part: &Collected,
    named: Option<&NamedProtocol>,
) -> Result<RangeFileSpec, IntervalError> {
    let (input, date) = (write.input.clone(), write.date.clone());
    let mut spec = RangeFileSpec::for_partition(write.id, analyte, &report.partition, input, date);
    spec.population = write.population.clone();
    spec.analytical_method = write.method.clone();
    let sugar = !matches!(analyte, Analyte::VitaminD25oh | Analyte::Zonulin);
    let shared = match named {
        Some(p) => Some((p.doses.clone(), p.collection)),
        None if sugar => part
            .shared
            .protocol()
            .map_err(|error| IntervalError::Protocol {
                partition: report.label(),
                error,
            })?
            .map(|p| (p.doses.clone(), p.collection)),
        None => None,
    };
    if let Some((doses, collection)) = shared {
        let protocol = crate::protocol::Protocol {
            doses,
            ..Default::default()
        };
        spec.doses = ri::spec_doses(&protocol);
        spec.collection = collection.map(|c| c.to_string());
    }
    Ok(spec)
}

/// A row filter `COLUMN=VALUE`: only rows whose column holds the value are used.
///
/// ```
/// use lmr::cohort::Filter;
/// let f: Filter = "site=BR".parse()?;
/// assert_eq!((f.column.as_str(), f.value.as_str()), ("site", "BR"));
/// assert_eq!("site".parse::<Filter>().unwrap_err().to_string(), "expected COLUMN=VALUE, e.g. site=BR");
/// # Ok::<(), lmr::cohort::NotAFilter>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// The column.
    pub column: String,
    /// The value it must hold (compared as written).
    pub value: String,
}

impl std::fmt::Display for Filter {
    /// `column=value`, as parsed.
    ///
    /// ```
    /// let f: lmr::cohort::Filter = "site=BR".parse()?;
    /// assert_eq!(f.to_string(), "site=BR");
    /// # Ok::<(), lmr::cohort::NotAFilter>(())
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.column, self.value)
    }
}

/// A filter without `=`.
///
/// ```
/// assert!("site".parse::<lmr::cohort::Filter>().is_err()); // no `=`
/// ```
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("expected COLUMN=VALUE, e.g. site=BR")]
pub struct NotAFilter;

impl std::str::FromStr for Filter {
    type Err = NotAFilter;

    fn from_str(text: &str) -> Result<Filter, NotAFilter> {
        let (column, value) = text.split_once('=').ok_or(NotAFilter)?;
        Ok(Filter {
            column: column.to_string(),
            value: value.to_string(),
        })
    }
}

/// The observations a z-score table is derived from, and the rows that gave none.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("cohort.csv");
/// std::fs::write(&path, "vitamin_d,age\n50 nmol/L,30\n<10 nmol/L,40\n")?;
/// let setup = lmr::interpretation::RangeSetup::default();
/// let input = lmr::batch::Input::new(&path);
/// let (obs, _) = lmr::cohort::observations_of(&input, &setup, &setup.registry(|_| {})?, lmr::Analyte::VitaminD25oh, &[])?;
/// assert_eq!((obs.values.len(), obs.left_out.censored), (1, 1)); // below the limit: left out, counted
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Observations {
    /// The analyte.
    pub analyte: Analyte,
    /// The option that named the filters, for messages (`--where`).
    pub option: &'static str,
    /// One per row with an exact value.
    pub values: Vec<Observation>,
    /// Rows left out by the filters.
    pub filtered_out: u64,
    /// Rows kept by the filters but without an exact value, by reason.
    pub left_out: LeftOut,
}

impl fmt::Display for Observations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} observations; {} rows filtered out by {}; left out, without an exact {}: {}",
            self.values.len(),
            self.filtered_out,
            self.option,
            self.analyte.key(),
            self.left_out
        )
    }
}

/// The exact values of `analyte`, with each row's age and sex, from the rows every filter keeps
/// (named with `option`, e.g. `--where`).
///
/// # Errors
/// [`CohortError::NoSuchColumn`] for a filter's column; [`CohortError::Batch`].
///
/// ```
/// use lmr::batch::{ColumnMap, Options, Scan};
/// use lmr::cohort::Grouping;
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let map = ColumnMap::default();
/// let options = Options::new(&map);
/// let csv = "site,vitamin_d,age\nA,50 nmol/L,30\nB,70 nmol/L,40\n";
/// let filters = ["site=B".parse()?];
/// let scan = Scan::new(csv.as_bytes(), &options)?;
/// let (obs, _) = lmr::cohort::observations(scan, &interpreter, &options, lmr::Analyte::VitaminD25oh, "--where", &filters)?;
/// assert_eq!(obs.values.len(), 1);
/// assert_eq!(obs.values[0].value, 70.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn observations<R: Read>(
    scan: Scan<R>,
    interpreter: &Interpreter<'_>,
    options: &Options<'_>,
    analyte: Analyte,
    option: &'static str,
    filters: &[Filter],
) -> Result<(Observations, Stats), CohortError> {
    let names: Vec<String> = filters.iter().map(|f| f.column.clone()).collect();
    let idx = columns(&scan, option, &names)?;
    let mut out = Observations {
        analyte,
        option,
        values: Vec::new(),
        filtered_out: 0,
        left_out: LeftOut::default(),
    };
    let stats = scan.for_each(interpreter, options, |row| {
        if !idx
            .iter()
            .zip(filters)
            .all(|(&i, f)| cell(&row, i) == f.value)
        {
            out.filtered_out += 1;
        } else if let Some(value) = out.left_out.keep(row.value(analyte)) {
            let p = &row.sample.protocol;
            out.values.push(Observation {
                value,
                age: p.age,
                sex: p.sex,
            });
        }
    })?;
    Ok((out, stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{ColumnMap, Value};

    fn read(csv: &str, by: &[String], max: usize) -> Result<(Summary, Stats), CohortError> {
        let registry = Registry::builtin().unwrap();
        let interpreter = Interpreter::new(&registry, &Default::default()).unwrap();
        let map = ColumnMap::default();
        let options = Options::new(&map);
        let scan = Scan::new(std::io::Cursor::new(csv.to_string()), &options).unwrap();
        let grouping = Grouping {
            option: "--by",
            by,
            max_groups: max,
        };
        summarise(scan, &interpreter, &registry, &options, &grouping)
    }

    #[test]
    fn a_row_that_opens_one_group_too_many_stops_the_read_naming_it() {
        let csv = "site,vitamin_d\nA,50 nmol/L\nB,60 nmol/L\nA,70 nmol/L\nC,80 nmol/L\n";
        let by = ["site".to_string()];
        // two groups allowed: A (line 2) and B (line 3); line 4 is A again; line 5 opens C
        let e = read(csv, &by, 2).unwrap_err();
        assert!(matches!(e, CohortError::TooManyGroups { pos, max: 2, .. } if pos.line == 5));
        let (summary, _) = read(csv, &by, 3).unwrap();
        assert_eq!(summary.group_count(), 3);
    }

    #[test]
    fn a_long_group_value_and_an_unknown_column_are_refused() {
        let by = ["site".to_string()];
        let long = format!("site,age\n{},30\n", "x".repeat(MAX_GROUP_VALUE + 1));
        let e = read(&long, &by, 10).unwrap_err();
        assert!(matches!(
            e,
            CohortError::GroupValueTooLong { max: 1024, .. }
        ));
        let e = read("centre,age\nA,3\n", &by, 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"--by "site": no such column in the input (columns: centre, age)"#
        );
        assert!(e.is_rejected_value());
    }

    #[test]
    fn observations_keep_the_filtered_exact_values() {
        let registry = Registry::builtin().unwrap();
        let interpreter = Interpreter::new(&registry, &Default::default()).unwrap();
        let map = ColumnMap::default();
        let options = Options::new(&map);
        let csv =
            "site,vitamin_d,age,sex\nBR,50 nmol/L,7,F\nBR,abc,8,M\nUS,60 nmol/L,9,F\nBR,,6,F\n";
        let scan = Scan::new(csv.as_bytes(), &options).unwrap();
        let filters = ["site=BR".parse().unwrap()];
        let (obs, stats) = observations(
            scan,
            &interpreter,
            &options,
            Analyte::VitaminD25oh,
            "--where",
            &filters,
        )
        .unwrap();
        assert_eq!(stats.rows, 4);
        // BR rows: 50 (kept), abc (rejected), empty (not given); US filtered out
        assert_eq!(obs.values.len(), 1);
        assert_eq!(obs.values[0].value, 50.0);
        assert_eq!(
            obs.values[0].age.map(crate::units::Age::in_years),
            Some(7.0)
        );
        assert_eq!(
            obs.to_string(),
            "1 observations; 1 rows filtered out by --where; left out, without an exact vitamin_d_25oh: 0 censored, 1 with a rejected input, 1 not given"
        );
    }

    #[test]
    fn intervals_report_each_partition_and_write_its_range() {
        let mut part = Collected::default();
        let none = crate::protocol::Protocol::default();
        for (line, x) in (1..=120).enumerate() {
            part.add(
                Analyte::VitaminD25oh,
                Value::Exact(f64::from(x)),
                &none,
                line as u64,
                None,
            );
        }
        let parts = BTreeMap::from([(Vec::new(), part)]);
        let write = RangeFileOptions {
            input: "healthy.csv".into(),
            date: "2026-11-30".into(),
            ..RangeFileOptions::default()
        };
        let out = intervals(
            &parts,
            &[],
            Analyte::VitaminD25oh,
            Exclusion::None,
            None,
            Some(&write),
        );
        let out = out.unwrap();
        // EP28-A3c rank r = p (n + 1): 0.025 × 121 = 3.025 → x(3) + 0.025 (x(4) − x(3)) = 3.025;
        // 0.975 × 121 = 117.975 → 117.975
        let np = &out.json[0]["result"]["nonparametric"];
        assert_eq!(np["lower"]["value"], 3.025);
        assert_eq!(np["upper"]["value"], 117.975);
        assert_eq!(out.range_files.len(), 1);
        assert_eq!(out.range_files[0].0, "all rows");
        assert!(out.range_files[0]
            .1
            .contains("id = \"local-vitamin-d-25oh\""));
        let none = intervals(
            &parts,
            &[],
            Analyte::VitaminD25oh,
            Exclusion::None,
            None,
            None,
        );
        assert!(none.unwrap().range_files.is_empty());
    }
}
