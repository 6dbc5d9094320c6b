//! The ranges a run uses, as the interpreting commands take them: the shipped ranges plus the
//! user's files, a named protocol, which ranges to apply, and z-score tables. With the `cli`
//! feature these are the commands' range flags (their help is in docs/cli.md).

use std::path::{Path, PathBuf};

use super::{ConfigError, Options};
use crate::protocol::NamedProtocol;
use crate::reference::{Override, RangeFileError, Registry};

/// The ranges of a run.
///
/// ```
/// use lmr::interpretation::RangeSetup;
///
/// let setup = RangeSetup { protocol: Some("dutch-sat-hyperosmolar".into()), ..RangeSetup::default() };
/// let registry = setup.registry(|_| {})?; // no files: the shipped ranges
/// let named = setup.protocol(&registry)?.expect("a shipped protocol");
/// assert_eq!(named.id, "dutch-sat-hyperosmolar");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct RangeSetup {
    /// Range files and directories loaded over the shipped ranges (`--ranges`).
    #[cfg_attr(feature = "cli", arg(long = "ranges", value_name = "FILE|DIR"))]
    pub files: Vec<PathBuf>,
    /// A named protocol supplying doses and window a sample lacks (`--protocol`).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID"))]
    pub protocol: Option<String>,
    /// Which ranges to apply.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub choice: Options,
    /// Z-score tables, by id or file (`--zscore-reference`).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID|FILE"))]
    pub zscore_reference: Vec<String>,
}

impl RangeSetup {
    /// The shipped ranges with [`RangeSetup::files`] loaded over them; `note` is told of each
    /// shipped range a file replaces.
    ///
    /// # Errors
    /// When a file cannot be read or is not a valid range file.
    ///
    /// ```
    /// let setup = lmr::interpretation::RangeSetup { files: vec!["/no/such.toml".into()], ..Default::default() };
    /// assert!(setup.registry(|_| {}).is_err());
    /// ```
    pub fn registry(&self, mut note: impl FnMut(&Override)) -> Result<Registry, RangeFileError> {
        let mut registry = Registry::builtin()?;
        for path in &self.files {
            registry.load_path(path)?.iter().for_each(&mut note);
        }
        Ok(registry)
    }

    /// The protocol named in [`RangeSetup::protocol`], if any.
    ///
    /// # Errors
    /// [`ConfigError::UnknownProtocol`].
    ///
    /// ```
    /// use lmr::interpretation::{ConfigError, RangeSetup};
    /// let setup = RangeSetup { protocol: Some("nope".into()), ..RangeSetup::default() };
    /// let e = setup.protocol(&lmr::Registry::builtin()?).unwrap_err();
    /// assert_eq!(e.to_string(), r#"--protocol "nope": no such protocol (see `lmr ranges list`)"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn protocol<'r>(
        &self,
        registry: &'r Registry,
    ) -> Result<Option<&'r NamedProtocol>, ConfigError> {
        let find = |id: &String| {
            let unknown = || ConfigError::UnknownProtocol { id: id.clone() };
            registry.protocol(id).ok_or_else(unknown)
        };
        self.protocol.as_ref().map(find).transpose()
    }

    /// The files a run reads for its ranges: the range files and directories, and the
    /// z-score arguments that name existing files.
    ///
    /// ```
    /// let setup = lmr::interpretation::RangeSetup {
    ///     files: vec!["my-lab.toml".into()],
    ///     zscore_reference: vec!["an-id-not-a-file".into()],
    ///     ..Default::default()
    /// };
    /// assert_eq!(setup.files_read().collect::<Vec<_>>(), [std::path::Path::new("my-lab.toml")]);
    /// ```
    pub fn files_read(&self) -> impl Iterator<Item = &Path> {
        let tables = self.zscore_reference.iter().map(Path::new);
        let files = self.files.iter().map(PathBuf::as_path);
        files.chain(tables.filter(|p| p.exists()))
    }
}
