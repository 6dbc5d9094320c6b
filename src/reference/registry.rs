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
    pub fn range(&self, id: &str) -> Option<&ReferenceRange> {
        self.ranges.iter().find(|r| r.id == id)
    }

    /// Every range, in load order.
    pub fn ranges(&self) -> &[ReferenceRange] {
        &self.ranges
    }

    /// The ranges for one analyte, in load order.
    pub fn ranges_for(&self, analyte: Analyte) -> impl Iterator<Item = &ReferenceRange> {
        self.ranges.iter().filter(move |r| r.analyte == analyte)
    }

    /// The protocol with this id.
    pub fn protocol(&self, id: &str) -> Option<&NamedProtocol> {
        self.protocols.iter().find(|p| p.id == id)
    }

    /// Every protocol, in load order.
    pub fn protocols(&self) -> &[NamedProtocol] {
        &self.protocols
    }

    /// The z-score table with this id (`[[zscore_table]]`, see `docs/zscores.md`).
    pub fn zscore_table(&self, id: &str) -> Option<&ZscoreTable> {
        self.zscore_tables.iter().find(|t| t.id() == id)
    }

    /// Every z-score table, in load order (none is shipped: tables come from the user's files).
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
