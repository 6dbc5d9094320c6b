//! Z-score tables in range files: named on the command line (`--zscore-reference ID|FILE`) and
//! written ([`ZscoreTable::to_toml`]). The range-file layer reads and writes them, so
//! [`crate::zscore`] only computes with tables and never touches files itself.

use std::path::Path;

use super::doc::{AgeBandDoc, FileDoc, SourceDoc, ZscoreCellDoc, ZscoreTableDoc};
use super::{RangeFileError, RangeProblem, Registry};
use crate::number::{round, DIGITS};
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
///
/// ```
/// use lmr::reference::{Registry, ZscoreReferenceError};
///
/// // a path to no file: not an id (it has a '.'), so read as a file, which is missing
/// let e = Registry::builtin()?.zscore_reference("no-such-dir/lmz.toml").unwrap_err();
/// assert!(matches!(e, ZscoreReferenceError::File(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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

impl ZscoreTable {
    /// A complete range file holding this one table (the format in `docs/zscores.md`), which
    /// [`Registry`] loads back to the same table. Numbers are written at 10 significant digits
    /// ([`crate::number`]), so a derived mean of -3.2000000000000015 is written -3.2.
    ///
    /// ```
    /// use lmr::reference::Registry;
    /// use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec, ZscoreTable};
    /// use lmr::{Analyte, Source, Verification};
    /// let spec = TableSpec {
    ///     id: "my-lmz".into(),
    ///     analyte: Analyte::LmRatio,
    ///     scale: Scale::Ln,
    ///     title: "L:M z-scores, synthetic example".into(),
    ///     population: None,
    ///     source: Source {
    ///         citation: "synthetic example".into(),
    ///         doi: None,
    ///         url: None,
    ///         quote: "invented numbers".into(),
    ///         status: Verification::Local,
    ///         notes: None,
    ///     },
    ///     cells: vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.2, 0.5, 40)?],
    /// };
    /// let text = ZscoreTable::new(spec, "example")?.to_toml();
    /// assert!(text.contains("age_years = { from = 0.0, below = 4.0 }"));
    /// let mut registry = Registry::default();
    /// registry.add_text("my-lmz.toml", &text, false)?;
    /// assert_eq!(registry.zscore_table("my-lmz").unwrap().cells()[0].mean(), -3.2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_toml(&self) -> String {
        let cells = self
            .cells()
            .iter()
            .map(|c| ZscoreCellDoc {
                sex: Some(c.sex().key().into()),
                age_years: Some(AgeBandDoc {
                    from: c.age().from().in_years(),
                    below: c.age().below().in_years(),
                }),
                // A cell's n is a count of people: far below i64::MAX.
                n: i64::try_from(c.n()).ok(),
                mean: Some(round(c.mean(), DIGITS)),
                sd: Some(round(c.sd(), DIGITS)),
            })
            .collect();
        let doc = FileDoc {
            schema: Some(1),
            zscore_table: vec![ZscoreTableDoc {
                id: Some(self.id().into()),
                analyte: Some(self.analyte().key().into()),
                unit: Some(self.unit().to_string()),
                scale: Some(self.scale().key().into()),
                title: Some(self.title().into()),
                population: self.population().map(str::to_string),
                source: Some(SourceDoc::from(self.source())),
                cell: cells,
            }],
            ..FileDoc::default()
        };
        doc.to_toml(&[
            format!(
                "z-score reference table \"{}\": {} on the {} scale. Written by lmr {}.",
                self.id(),
                self.analyte(),
                self.scale(),
                env!("CARGO_PKG_VERSION")
            ),
            "Age bands are half-open: a cell holds the ages from <= age < below (years).".into(),
            "z = (transform(x) - mean) / sd; the format is described in docs/zscores.md.".into(),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec};
    use crate::{Analyte, Source, Verification};

    #[test]
    fn strings_and_floats_read_back() {
        let text = "quote \"x\" \\ tab\t nl\n bell\u{7} del\u{7f} µ ≤";
        let means = [3.0, -2.995732273553991, 1e-20, 1.5e300, -0.0, 0.1 + 0.2];
        let cells = means
            .iter()
            .enumerate()
            .map(|(i, &m)| {
                let age = AgeBand::new(i as f64, i as f64 + 1.0).unwrap();
                Cell::new(CellSex::Any, age, m, 0.5, 40).unwrap()
            })
            .collect();
        let spec = TableSpec {
            id: "t".into(),
            analyte: Analyte::LmRatio,
            scale: Scale::Ln,
            title: text.into(),
            population: Some(text.into()),
            source: Source {
                citation: text.into(),
                doi: None,
                url: None,
                quote: text.into(),
                status: Verification::Local,
                notes: Some(text.into()),
            },
            cells,
        };
        let written = ZscoreTable::new(spec, "test").unwrap().to_toml();
        let mut registry = Registry::default();
        registry.add_text("t.toml", &written, false).unwrap();
        let back = registry.zscore_table("t").unwrap();
        let s = back.source();
        assert_eq!(back.title(), text);
        assert_eq!(back.population(), Some(text));
        assert_eq!((&s.citation[..], &s.quote[..]), (text, text));
        assert_eq!(s.notes.as_deref(), Some(text));
        for (m, c) in means.iter().zip(back.cells()) {
            // Written at 10 significant digits: -2.995732273553991 → -2.995732274, 0.1 + 0.2
            // (0.30000000000000004) → 0.3; the others have fewer digits and read back exactly.
            let expected = crate::number::round(*m, crate::number::DIGITS);
            assert_eq!(
                expected.to_bits(),
                c.mean().to_bits(),
                "{m} vs {}",
                c.mean()
            );
        }
        assert_eq!(back.cells()[1].mean(), -2.995732274);
        assert_eq!(back.cells()[5].mean(), 0.3);
    }
}
