//! The set of ranges, protocols and z-score tables in use: the shipped ones plus the user's.

use std::path::Path;

use super::file::{self, RangeFileError, MAX_RANGE_FILE_BYTES};
use super::{Analyte, ReferenceRange};
use crate::protocol::NamedProtocol;
use crate::zscore::ZscoreTable;

include!(concat!(env!("OUT_DIR"), "/builtin_ranges.rs"));

/// How the origin of a shipped range starts (`builtin:vitamin-d/iom-2011.toml`).
const BUILTIN_PREFIX: &str = "builtin:";

/// A user range or protocol that replaced a shipped (or earlier) one with the same id.
///
/// ```
/// use lmr::reference::Override;
///
/// let o = Override {
///     id: "iom-2011".into(),
///     replaced: "builtin:vitamin-d/iom-2011.toml".into(),
///     by: "mine/iom.toml".into(),
/// };
/// assert_eq!(
///     o.to_string(),
///     r#"range "iom-2011" from mine/iom.toml overrides the one in builtin:vitamin-d/iom-2011.toml"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// The id.
    pub id: String,
    /// Where the replaced one came from.
    pub replaced: String,
    /// Where the new one comes from.
    pub by: String,
}

impl std::fmt::Display for Override {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "range {:?} from {} overrides the one in {}",
            self.id, self.by, self.replaced
        )
    }
}

/// The ranges and protocols available to an interpretation.
///
/// ```
/// use lmr::reference::{Analyte, Registry};
///
/// let registry = Registry::builtin()?;
/// assert!(registry.range("iom-2011").is_some());
/// assert!(registry.protocol("mal-ed-20ml").is_some());
/// assert!(registry.zscore_tables().is_empty()); // none ships
/// // an empty registry: nothing until files are added
/// assert!(Registry::default().ranges_for(Analyte::LmRatio).next().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Registry {
    ranges: Vec<ReferenceRange>,
    protocols: Vec<NamedProtocol>,
    zscore_tables: Vec<ZscoreTable>,
    /// Ids of the ranges shipped in `reference-ranges/` (a user file may replace one).
    shipped: Vec<String>,
}

impl Registry {
    /// The ranges and protocols shipped in `reference-ranges/`, embedded at build time.
    ///
    /// # Errors
    /// A [`RangeFileError`] if a shipped file is invalid (the test suite loads them all, so a
    /// released binary does not fail here).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let iom = registry.range("iom-2011").expect("shipped");
    /// assert_eq!(iom.origin, "builtin:vitamin-d/iom-2011.toml");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builtin() -> Result<Registry, RangeFileError> {
        let mut r = Registry::default();
        for (path, text) in BUILTIN_FILES {
            let overrides = r.add_text(&format!("{BUILTIN_PREFIX}{path}"), text, false)?;
            debug_assert!(overrides.is_empty());
        }
        r.shipped = r.ranges.iter().map(|x| x.id.clone()).collect();
        Ok(r)
    }

    /// Whether a range with this id ships with lmr (it may have been replaced by a user file of
    /// the same id, which then takes its place).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// assert!(registry.is_shipped("iom-2011"));
    /// assert!(!registry.is_shipped("my-lab-lm"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_shipped(&self, id: &str) -> bool {
        self.shipped.iter().any(|s| s == id)
    }

    /// Adds a user's range file, or every `*.toml` file in a directory (sorted by name). A range or
    /// protocol with the id of one already loaded replaces it; the replacements are returned so the
    /// caller can say so.
    ///
    /// Only regular files are read, each at most [`MAX_RANGE_FILE_BYTES`]; a file that defines
    /// nothing, or a directory with no `*.toml` file, is an error.
    ///
    /// # Errors
    /// [`RangeFileError::Io`] if a path cannot be read, [`RangeFileError::File`] for a special or
    /// oversized file, [`RangeFileError::Empty`] / [`RangeFileError::EmptyDirectory`], and any
    /// validation error of the files; two files of the user's with the same id are a
    /// [`RangeFileError::DuplicateId`].
    ///
    /// ```
    /// use lmr::reference::{RangeFileError, Registry};
    ///
    /// let dir = tempfile::tempdir()?;
    /// // a protocol of the user's: 10 g lactulose, 1 g mannitol, 6 h
    /// std::fs::write(dir.path().join("ours.toml"), r#"
    /// schema = 1
    /// [[protocol]]
    /// id = "our-10g-1g-6h"
    /// title = "Our protocol"
    /// doses = { lactulose = "10 g", mannitol = "1 g" }
    /// collection = "6 h"
    /// [protocol.source]
    /// citation = "Our lab's standard operating procedure, version 3"
    /// quote = "10 g lactulose and 1 g mannitol in 100 mL; urine 0-6 h"
    /// status = "local"
    /// "#)?;
    /// let mut registry = Registry::builtin()?;
    /// let overrides = registry.load_path(dir.path())?; // every *.toml in the directory
    /// assert!(overrides.is_empty()); // a new id replaces nothing
    /// let ours = registry.protocol("our-10g-1g-6h").expect("loaded");
    /// assert_eq!(ours.collection.unwrap().in_hours(), 6.0);
    ///
    /// let empty = tempfile::tempdir()?;
    /// let e = registry.load_path(empty.path()).unwrap_err();
    /// assert!(matches!(e, RangeFileError::EmptyDirectory { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_path(&mut self, path: &Path) -> Result<Vec<Override>, RangeFileError> {
        let io = |error| RangeFileError::Io {
            path: path.display().to_string(),
            error,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        let files = if meta.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            files
        } else {
            vec![path.to_path_buf()]
        };
        let mut overrides: Vec<Override> = Vec::new();
        if meta.is_dir() && files.is_empty() {
            return Err(RangeFileError::EmptyDirectory {
                path: path.display().to_string(),
            });
        }
        for f in files {
            let name = f.display().to_string();
            // Only a regular file, checked before opening (a FIFO would block), and bounded.
            let text = crate::files::read_regular(&f, MAX_RANGE_FILE_BYTES, "a range file")?;
            let before = self.ranges.len() + self.protocols.len() + self.zscore_tables.len();
            let added = self.add_text(&name, &text, true)?;
            let after = self.ranges.len() + self.protocols.len() + self.zscore_tables.len();
            if added.is_empty() && after == before {
                return Err(RangeFileError::Empty { path: name });
            }
            for o in added {
                if let Some(earlier) = overrides
                    .iter()
                    .find(|e| e.id == o.id && !e.by.starts_with("builtin:"))
                {
                    return Err(RangeFileError::DuplicateId {
                        path: o.by,
                        key: "id".into(),
                        id: o.id,
                        other: earlier.by.clone(),
                    });
                }
                overrides.push(o);
            }
        }
        Ok(overrides)
    }

    /// Adds the ranges and protocols of one file's text. `path` names it in messages.
    ///
    /// With `may_override`, a range or protocol replaces a *shipped* one of the same id; two user
    /// files never silently replace each other.
    ///
    /// # Errors
    /// Any validation error; a duplicate id within the text, with another user file, or (when
    /// `may_override` is false) with anything already loaded.
    ///
    /// ```
    /// use lmr::reference::{RangeFileError, Registry};
    ///
    /// let registry = Registry::builtin()?;
    /// // the shipped IOM scheme, given again as a user file: it replaces the shipped one
    /// let iom = registry.range("iom-2011").unwrap();
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference-ranges/vitamin-d/iom-2011.toml");
    /// let text = std::fs::read_to_string(path)?;
    /// let mut mine = Registry::builtin()?;
    /// let overrides = mine.add_text("mine/iom.toml", &text, true)?;
    /// assert_eq!(overrides[0].replaced, iom.origin);
    /// assert!(!mine.range("iom-2011").unwrap().is_builtin());
    /// // without `may_override`, the same id is an error naming both files
    /// let e = Registry::builtin()?.add_text("mine/iom.toml", &text, false).unwrap_err();
    /// assert!(matches!(e, RangeFileError::DuplicateId { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_text(
        &mut self,
        path: &str,
        text: &str,
        may_override: bool,
    ) -> Result<Vec<Override>, RangeFileError> {
        let parsed = file::parse(path, text)?;
        let mut overrides = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for r in &parsed.ranges {
            if seen.contains(&r.id.as_str()) {
                return Err(duplicate(path, "range", &r.id, path));
            }
            seen.push(&r.id);
        }
        let mut seen_tables: Vec<&str> = Vec::new();
        for t in &parsed.zscore_tables {
            if seen_tables.contains(&t.id()) {
                return Err(duplicate(path, "zscore_table", t.id(), path));
            }
            seen_tables.push(t.id());
        }
        for r in parsed.ranges {
            if let Some(old) = self.ranges.iter_mut().find(|o| o.id == r.id) {
                if !may_override || !old.origin.starts_with(BUILTIN_PREFIX) {
                    return Err(duplicate(path, "range", &r.id, &old.origin));
                }
                overrides.push(Override {
                    id: r.id.clone(),
                    replaced: old.origin.clone(),
                    by: path.to_string(),
                });
                *old = r;
            } else {
                self.ranges.push(r);
            }
        }
        for p in parsed.protocols {
            if let Some(old) = self.protocols.iter_mut().find(|o| o.id == p.id) {
                if !may_override || !old.origin.starts_with(BUILTIN_PREFIX) {
                    return Err(duplicate(path, "protocol", &p.id, &old.origin));
                }
                overrides.push(Override {
                    id: p.id.clone(),
                    replaced: old.origin.clone(),
                    by: path.to_string(),
                });
                *old = p;
            } else {
                self.protocols.push(p);
            }
        }
        for t in parsed.zscore_tables {
            if let Some(old) = self.zscore_tables.iter_mut().find(|o| o.id() == t.id()) {
                if !may_override || !old.origin().starts_with(BUILTIN_PREFIX) {
                    return Err(duplicate(path, "zscore_table", t.id(), old.origin()));
                }
                overrides.push(Override {
                    id: t.id().to_string(),
                    replaced: old.origin().to_string(),
                    by: path.to_string(),
                });
                *old = t;
            } else {
                self.zscore_tables.push(t);
            }
        }
        Ok(overrides)
    }

    /// The range with this id.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// assert_eq!(registry.range("iom-2011").map(|r| r.bands.len()), Some(4));
    /// assert!(registry.range("no-such-range").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn range(&self, id: &str) -> Option<&ReferenceRange> {
        self.ranges.iter().find(|r| r.id == id)
    }

    /// Every range, in load order.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let ids: Vec<&str> = registry.ranges().iter().map(|r| r.id.as_str()).collect();
    /// assert!(ids.contains(&"iom-2011") && ids.contains(&"dutch-sat-hyperosmolar-5h"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ranges(&self) -> &[ReferenceRange] {
        &self.ranges
    }

    /// The ranges for one analyte, in load order.
    ///
    /// ```
    /// use lmr::reference::Analyte;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// assert!(registry.ranges_for(Analyte::VitaminD25oh).any(|r| r.id == "iom-2011"));
    /// assert!(registry.ranges_for(Analyte::LmRatio).all(|r| r.analyte == Analyte::LmRatio));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ranges_for(&self, analyte: Analyte) -> impl Iterator<Item = &ReferenceRange> {
        self.ranges.iter().filter(move |r| r.analyte == analyte)
    }

    /// The protocol with this id.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let p = registry.protocol("dutch-sat-hyperosmolar").expect("shipped");
    /// assert_eq!(p.collection.unwrap().to_string(), "5 h");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn protocol(&self, id: &str) -> Option<&NamedProtocol> {
        self.protocols.iter().find(|p| p.id == id)
    }

    /// Every protocol, in load order.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// assert!(registry.protocols().iter().any(|p| p.id == "mal-ed-20ml"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn protocols(&self) -> &[NamedProtocol] {
        &self.protocols
    }

    /// The z-score table with this id (`[[zscore_table]]`, see `docs/zscores.md`).
    ///
    /// ```
    /// let mut registry = lmr::Registry::builtin()?;
    /// registry.add_text("ref.toml", r#"
    /// [[zscore_table]]
    /// id = "my-lmz"
    /// analyte = "lm_ratio"
    /// unit = "ratio"
    /// scale = "ln"
    /// title = "L:M z-scores, synthetic"
    /// source = { citation = "synthetic example", quote = "invented numbers", status = "local" }
    /// cell = [{ sex = "any", age_years = { from = 0, below = 4 }, mean = -3.2, sd = 0.5, n = 40 }]
    /// "#, true)?;
    /// assert_eq!(registry.zscore_table("my-lmz").map(|t| t.cells().len()), Some(1));
    /// assert!(registry.zscore_table("mal-ed").is_none()); // none is shipped
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zscore_table(&self, id: &str) -> Option<&ZscoreTable> {
        self.zscore_tables.iter().find(|t| t.id() == id)
    }

    /// Every z-score table, in load order (none is shipped: tables come from the user's files).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// assert!(registry.zscore_tables().is_empty()); // tables come from the user's files
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zscore_tables(&self) -> &[ZscoreTable] {
        &self.zscore_tables
    }
}

fn duplicate(path: &str, what: &str, id: &str, other: &str) -> RangeFileError {
    RangeFileError::DuplicateId {
        path: path.to_string(),
        key: format!("{what}.id"),
        id: id.to_string(),
        other: other.to_string(),
    }
}
