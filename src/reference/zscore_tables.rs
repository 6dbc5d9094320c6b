//! Z-score tables named on the command line (`--zscore-reference ID|FILE`): the range-file layer
//! reads them, so [`crate::zscore`] only computes with tables and never loads files itself.

use std::path::Path;

use super::{RangeFileError, RangeProblem, Registry};
use crate::zscore::{valid_id, ZscoreTable};

/// Every z-score table in one range file (or in every `*.toml` file of a directory), for
/// `--zscore-reference FILE`. Ranges and protocols in the file are validated but not returned.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("ref.toml");
/// std::fs::write(&path, r#"
/// [[zscore_table]]
/// id = "my-lmz"
/// analyte = "lm_ratio"
/// unit = "ratio"
/// scale = "ln"
/// title = "L:M z-scores, synthetic example"
/// [zscore_table.source]
/// citation = "synthetic example"
/// quote = "invented numbers"
/// status = "local"
/// [[zscore_table.cell]]
/// sex = "any"
/// age_years = { from = 0, below = 4 }
/// mean = -3.2
/// sd = 0.5
/// n = 40
/// "#)?;
/// let tables = lmr::reference::load_zscore_tables(&path)?;
/// assert_eq!(tables.len(), 1);
/// assert_eq!(tables[0].id(), "my-lmz");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Every error of [`Registry::load_path`]; [`RangeProblem::NoZscoreTable`] when the path holds no
/// z-score table.
pub fn load_zscore_tables(path: &Path) -> Result<Vec<ZscoreTable>, RangeFileError> {
    let mut registry = Registry::default();
    registry.load_path(path)?;
    if registry.zscore_tables().is_empty() {
        return Err(RangeFileError::Invalid {
            path: path.display().to_string(),
            key: "zscore_table".into(),
            problem: Box::new(RangeProblem::NoZscoreTable),
        });
    }
    Ok(registry.zscore_tables().to_vec())
}

/// A z-score reference named on the command line that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZscoreReferenceError {
    /// Neither a loaded table's id nor an existing file.
    #[error("{id:?}: no z-score table with this id and no such file (known ids: {})", known_ids(.known))]
    UnknownId {
        /// The text given.
        id: String,
        /// The ids of the tables loaded.
        known: Vec<String>,
    },
    /// The file could not be used.
    #[error(transparent)]
    File(#[from] RangeFileError),
}

fn known_ids(known: &[String]) -> String {
    if known.is_empty() {
        "none loaded".to_string()
    } else {
        known.join(", ")
    }
}

impl Registry {
    /// Resolves `--zscore-reference ID|FILE`: the id of a table in this registry (shipped or
    /// loaded with `--ranges`), else a path to a range file, whose every z-score table is returned.
    ///
    /// Ids are lower-case letters, digits and '-', so `lmz.toml` and `./ref` are never read as
    /// ids; an id that also names a file is taken as the id.
    ///
    /// ```
    /// use lmr::reference::{Registry, ZscoreReferenceError};
    ///
    /// let registry = Registry::builtin()?;
    /// // No table ships (docs/zscores.md), so an id names nothing.
    /// let e = registry.zscore_reference("mal-ed-lmz").unwrap_err();
    /// assert!(matches!(e, ZscoreReferenceError::UnknownId { ref known, .. } if known.is_empty()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ZscoreReferenceError::UnknownId`] when `spec` is a valid id that names neither a table
    /// nor an existing file; [`ZscoreReferenceError::File`] for every error of
    /// [`load_zscore_tables`].
    pub fn zscore_reference(&self, spec: &str) -> Result<Vec<ZscoreTable>, ZscoreReferenceError> {
        if let Some(t) = self.zscore_table(spec) {
            return Ok(vec![t.clone()]);
        }
        let path = Path::new(spec);
        if valid_id(spec) && !path.exists() {
            return Err(ZscoreReferenceError::UnknownId {
                id: spec.to_string(),
                known: self
                    .zscore_tables()
                    .iter()
                    .map(|t| t.id().to_string())
                    .collect(),
            });
        }
        Ok(load_zscore_tables(path)?)
    }
}
