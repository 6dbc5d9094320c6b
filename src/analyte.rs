//! What is measured ([`Analyte`]), in which specimen ([`Matrix`]), and in which unit a range's
//! bounds are written ([`RangeUnit`]): the vocabulary that reference ranges, z-score tables and
//! reports share, kept below all of them.
//!
//! ```
//! use lmr::analyte::{Analyte, Matrix};
//!
//! assert_eq!(Analyte::from_key("lm_ratio"), Some(Analyte::LmRatio));
//! assert!(Analyte::LmRatio.is_urine_sugar());
//! assert_eq!(Matrix::from_key(" Faeces "), Some(Matrix::Stool));
//! ```

use std::fmt;

use crate::units::ConcentrationUnit;

/// What a range measures.
///
/// ```
/// use lmr::analyte::Analyte;
///
/// assert_eq!(Analyte::VitaminD25oh.to_string(), "vitamin_d_25oh");
/// assert_eq!(Analyte::ALL.len(), 8);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Analyte {
    /// Lactulose : mannitol ratio of fractional excretions.
    LmRatio,
    /// Lactulose : L-rhamnose ratio of fractional excretions.
    LrRatio,
    /// Lactulose : ¹³C-mannitol ratio of fractional excretions.
    L13mRatio,
    /// Lactulose recovery, % of dose.
    LactuloseRecoveryPct,
    /// Mannitol recovery, % of dose.
    MannitolRecoveryPct,
    /// Serum 25-hydroxyvitamin D.
    VitaminD25oh,
    /// Zonulin-family-peptide immunoreactivity (serum or stool).
    Zonulin,
    /// Urine volume collected (quality checks).
    UrineVolume,
}

impl Analyte {
    /// Every analyte.
    ///
    /// ```
    /// use lmr::Analyte;
    /// assert_eq!(Analyte::ALL.len(), 8);
    /// assert!(Analyte::ALL.iter().all(|a| Analyte::from_key(a.key()) == Some(*a))); // keys round-trip
    /// ```
    pub const ALL: &'static [Analyte] = &[
        Analyte::LmRatio,
        Analyte::LrRatio,
        Analyte::L13mRatio,
        Analyte::LactuloseRecoveryPct,
        Analyte::MannitolRecoveryPct,
        Analyte::VitaminD25oh,
        Analyte::Zonulin,
        Analyte::UrineVolume,
    ];

    /// The key used in range files and columns.
    ///
    /// ```
    /// use lmr::analyte::Analyte;
    ///
    /// assert_eq!(Analyte::LactuloseRecoveryPct.key(), "lactulose_recovery_pct");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Analyte::LmRatio => "lm_ratio",
            Analyte::LrRatio => "lr_ratio",
            Analyte::L13mRatio => "l13m_ratio",
            Analyte::LactuloseRecoveryPct => "lactulose_recovery_pct",
            Analyte::MannitolRecoveryPct => "mannitol_recovery_pct",
            Analyte::VitaminD25oh => "vitamin_d_25oh",
            Analyte::Zonulin => "zonulin",
            Analyte::UrineVolume => "urine_volume",
        }
    }

    /// Parses a key (exact: keys are written by programs, not typed by hand).
    ///
    /// ```
    /// use lmr::analyte::Analyte;
    ///
    /// assert_eq!(Analyte::from_key("zonulin"), Some(Analyte::Zonulin));
    /// assert_eq!(Analyte::from_key("Zonulin"), None);
    /// assert!(Analyte::ALL.iter().all(|a| Analyte::from_key(a.key()) == Some(*a)));
    /// ```
    pub fn from_key(key: &str) -> Option<Analyte> {
        Analyte::ALL.iter().copied().find(|a| a.key() == key)
    }

    /// Parses a key that must be one of `allowed` (e.g. the analytes a reference interval can
    /// be established for).
    ///
    /// # Errors
    /// [`NotOneOf`], listing the allowed keys.
    ///
    /// ```
    /// use lmr::analyte::Analyte;
    ///
    /// const ALLOWED: &[Analyte] = &[Analyte::LmRatio, Analyte::Zonulin];
    /// assert_eq!(Analyte::one_of("zonulin", ALLOWED), Ok(Analyte::Zonulin));
    /// let e = Analyte::one_of("urine_volume", ALLOWED).unwrap_err();
    /// assert_eq!(e.to_string(), "expected one of lm_ratio, zonulin");
    /// ```
    pub fn one_of(key: &str, allowed: &'static [Analyte]) -> Result<Analyte, NotOneOf> {
        Analyte::from_key(key)
            .filter(|a| allowed.contains(a))
            .ok_or(NotOneOf { allowed })
    }

    /// Whether the analyte is measured in urine after an oral sugar dose.
    ///
    /// ```
    /// use lmr::analyte::Analyte;
    ///
    /// assert!(Analyte::UrineVolume.is_urine_sugar()); // a quality check of the same collection
    /// assert!(!Analyte::Zonulin.is_urine_sugar());
    /// ```
    pub fn is_urine_sugar(self) -> bool {
        matches!(
            self,
            Analyte::LmRatio
                | Analyte::LrRatio
                | Analyte::L13mRatio
                | Analyte::LactuloseRecoveryPct
                | Analyte::MannitolRecoveryPct
                | Analyte::UrineVolume
        )
    }
}

/// A key that is not one of the analytes allowed ([`Analyte::one_of`]).
///
/// ```
/// use lmr::analyte::{Analyte, NotOneOf};
///
/// const ALLOWED: &[Analyte] = &[Analyte::Zonulin];
/// assert_eq!(Analyte::one_of("lm_ratio", ALLOWED), Err(NotOneOf { allowed: ALLOWED }));
/// assert_eq!(NotOneOf { allowed: ALLOWED }.to_string(), "expected one of zonulin");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected one of {}", .allowed.iter().map(|a| a.key()).collect::<Vec<_>>().join(", "))]
pub struct NotOneOf {
    /// The analytes allowed.
    pub allowed: &'static [Analyte],
}

impl fmt::Display for Analyte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The specimen a value was measured in.
///
/// ```
/// use lmr::analyte::Matrix;
///
/// assert_eq!(Matrix::Stool.to_string(), "stool");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Matrix {
    /// Urine.
    Urine,
    /// Serum.
    Serum,
    /// Stool.
    Stool,
}

impl Matrix {
    /// The key used in files and columns.
    ///
    /// ```
    /// assert_eq!(lmr::analyte::Matrix::Serum.key(), "serum");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Matrix::Urine => "urine",
            Matrix::Serum => "serum",
            Matrix::Stool => "stool",
        }
    }

    /// Parses a key (case-insensitive; `faeces` and `feces` are stool).
    ///
    /// ```
    /// use lmr::analyte::Matrix;
    ///
    /// assert_eq!(Matrix::from_key("SERUM"), Some(Matrix::Serum));
    /// assert_eq!(Matrix::from_key("feces"), Some(Matrix::Stool));
    /// assert_eq!(Matrix::from_key("plasma"), None);
    /// ```
    pub fn from_key(key: &str) -> Option<Matrix> {
        // Without allocating: a batch calls this once per row.
        let k = key.trim();
        let is = |w: &str| k.eq_ignore_ascii_case(w);
        if is("urine") {
            Some(Matrix::Urine)
        } else if is("serum") {
            Some(Matrix::Serum)
        } else if is("stool") || is("faeces") || is("feces") {
            Some(Matrix::Stool)
        } else {
            None
        }
    }
}

impl fmt::Display for Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The unit a range's bounds are written in.
///
/// ```
/// use lmr::analyte::RangeUnit;
/// use lmr::units::ConcentrationUnit;
///
/// assert_eq!(RangeUnit::Ratio.to_string(), "ratio");
/// assert_eq!(RangeUnit::Percent.to_string(), "%");
/// assert_eq!(RangeUnit::Concentration(ConcentrationUnit::NmolPerL).to_string(), "nmol/L");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeUnit {
    /// Dimensionless ratio.
    Ratio,
    /// Percent.
    Percent,
    /// A concentration unit.
    Concentration(ConcentrationUnit),
    /// Nanograms per gram (stool).
    NgPerG,
    /// Millilitres (urine volume).
    Millilitres,
}

impl fmt::Display for RangeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangeUnit::Ratio => f.write_str("ratio"),
            RangeUnit::Percent => f.write_str("%"),
            RangeUnit::Concentration(u) => write!(f, "{u}"),
            RangeUnit::NgPerG => f.write_str("ng/g"),
            RangeUnit::Millilitres => f.write_str("mL"),
        }
    }
}
