//! Checking a user's range file (or directory of them) against the shipped ranges
//! (`lmr ranges validate`).

use std::fmt;
use std::path::{Path, PathBuf};

use super::{Override, RangeFileError, Registry};

/// A valid range file or directory: what it adds to the shipped ranges and which shipped ids
/// it replaces.
///
/// ```
/// use lmr::reference::Registry;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("mine.toml");
/// let shipped = include_str!("../../reference-ranges/vitamin-d/iom-2011.toml");
/// std::fs::write(&path, shipped)?;
/// let v = Registry::validate(&path)?;
/// // the same id as a shipped range: nothing new, one override
/// assert_eq!((v.ranges, v.protocols, v.overrides.len()), (0, 0, 1));
/// assert!(v.to_string().starts_with(&format!("{}: valid (0 new range(s), 0 new protocol(s), 1 override(s) of shipped ids)\n  range \"iom-2011\"", path.display())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validation {
    /// The file or directory.
    pub path: PathBuf,
    /// Ranges with ids not shipped.
    pub ranges: usize,
    /// Protocols with ids not shipped.
    pub protocols: usize,
    /// Shipped ids it replaces.
    pub overrides: Vec<Override>,
}

impl Registry {
    /// Loads `path` (a range file, or every `*.toml` in a directory) over the shipped ranges.
    ///
    /// # Errors
    /// The first [`RangeFileError`] (a shipped file that does not load, or the user's).
    ///
    /// ```
    /// use lmr::{RangeFileError, Registry};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let e = Registry::validate(dir.path()).unwrap_err();
    /// assert!(matches!(e, RangeFileError::EmptyDirectory { .. })); // no *.toml in it
    /// let path = dir.path().join("mine.toml");
    /// std::fs::write(&path, "# only a comment\n")?;
    /// let e = Registry::validate(&path).unwrap_err();
    /// assert!(matches!(e, RangeFileError::Empty { .. })); // defines nothing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(path: &Path) -> Result<Validation, RangeFileError> {
        let mut registry = Registry::builtin()?;
        let before = (registry.ranges().len(), registry.protocols().len());
        let overrides = registry.load_path(path)?;
        Ok(Validation {
            path: path.to_path_buf(),
            ranges: registry.ranges().len() - before.0,
            protocols: registry.protocols().len() - before.1,
            overrides,
        })
    }
}

impl fmt::Display for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: valid ({} new range(s), {} new protocol(s), {} override(s) of shipped ids)",
            self.path.display(),
            self.ranges,
            self.protocols,
            self.overrides.len()
        )?;
        self.overrides.iter().try_for_each(|o| writeln!(f, "  {o}"))
    }
}
