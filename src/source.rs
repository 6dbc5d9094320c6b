//! Where a reference number comes from: the citation, the words that fix it, and how sure it is.
//!
//! Ranges, protocols and z-score tables all carry a [`Source`]; this module is their one home, below
//! the modules that use it ([`crate::protocol`], [`crate::reference`], [`crate::zscore`]).
//!
//! ```
//! use lmr::source::Verification;
//!
//! let registry = lmr::Registry::builtin()?;
//! let source = &registry.range("iom-2011").expect("shipped").source;
//! assert!(source.citation.starts_with("Institute of Medicine"));
//! assert_eq!(source.status, Verification::Verified);
//! assert_eq!(source.status.key(), "verified");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// How sure the source of a range is (the source statuses verified / secondary / local).
///
/// ```
/// use lmr::Verification;
/// let registry = lmr::Registry::builtin()?;
/// assert_eq!(registry.range("iom-2011").expect("shipped").source.status, Verification::Verified);
/// assert_eq!(Verification::Secondary.key(), "secondary");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verification {
    /// \[V\]: seen in the source named.
    Verified,
    /// [V-sec]: seen only in a secondary source.
    Secondary,
    /// Derived by the user from their own reference group (for example with
    /// [`crate::reference_interval`]): not a published source, so it needs no DOI or URL; it is
    /// as good as that group, its size and the method used, which the source's citation and notes
    /// state.
    Local,
}

impl Verification {
    /// `verified`, `secondary` or `local`.
    ///
    /// ```
    /// use lmr::source::Verification;
    ///
    /// assert_eq!(Verification::Secondary.key(), "secondary");
    /// assert_eq!(Verification::Local.key(), "local");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Verification::Verified => "verified",
            Verification::Secondary => "secondary",
            Verification::Local => "local",
        }
    }
}

/// Where a range comes from.
///
/// ```
/// use lmr::source::{Source, Verification};
///
/// // a lab's own interval: no DOI or URL needed, the citation says what it is
/// let source = Source {
///     citation: "Our lab, 120 healthy adults, 2025 (CLSI EP28-A3c nonparametric)".into(),
///     doi: None,
///     url: None,
///     quote: "2.5th–97.5th percentiles".into(),
///     status: Verification::Local,
///     notes: None,
/// };
/// assert_eq!(source.status.key(), "local");
/// ```
#[derive(Clone, Debug)]
pub struct Source {
    /// Full citation.
    pub citation: String,
    /// DOI, if any.
    pub doi: Option<String>,
    /// URL, if any.
    pub url: Option<String>,
    /// The wording that fixes the numbers and bound conventions.
    pub quote: String,
    /// How sure it is.
    pub status: Verification,
    /// Notes (judgement calls, what was not seen).
    pub notes: Option<String>,
}
