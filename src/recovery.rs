//! Urinary recovery: the percentage of an oral sugar dose excreted in the urine collected.
//!
//! ```text
//! recovery % = C × V ÷ D × 100
//!
//! C  urine concentration of the sugar (converted to mg/L; molar units via the sugar's molar mass)
//! V  urine volume collected in the window (L)
//! D  oral dose of the sugar (mg; a hydrate dose converted to its sugar content)
//! ```
//! Source: the WASH Benefits Bangladesh EED analysis code states it exactly: "% lactulose recovery =
//! (urine concentration lactulose (mg/L) * urine volume (L) * 100 / total lactulose dosed (mg))"
//! (washb-eed-substudies/ee-secondary, `EE-BD-urine-ipcw.R`) [V-sec]; medicalalgorithms.com gives
//! the mg/dL form (WASH Benefits EED analysis code, github.com/washb-eed-substudies/ee-secondary; medicalalgorithms.com L/R page).
//!
//! A recovery above 100 % is impossible for an oral probe; it is computed, kept and flagged
//! (`recovery_over_100`), because it almost always means a unit, dose or volume error that the
//! person reading the result must see.

use crate::censored::Censored;
use crate::protocol::Dose;
use crate::sugar::Sugar;
use crate::units::{Concentration, ConcentrationUnit, Percent, Volume};

/// Why a recovery cannot be computed.
///
/// ```
/// use lmr::{protocol::Dose, recovery::{recovery_percent, RecoveryError}, sugar::Sugar};
///
/// let zero = Dose::anhydrous("0 g".parse()?);
/// let e = recovery_percent(Sugar::Mannitol, "20 mg/L".parse()?, "1 L".parse()?, &zero);
/// assert_eq!(e, Err(RecoveryError::ZeroDose { sugar: Sugar::Mannitol }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RecoveryError {
    /// The dose is zero, so no fraction of it can be excreted.
    #[error("{sugar} dose is zero: recovery (percent of dose) is undefined")]
    ZeroDose {
        /// The sugar.
        sugar: Sugar,
    },
    /// Concentration × volume ÷ dose does not fit in a number (e.g. `1e308 g/L`): never written
    /// as a (wrong) finite value or left silently empty.
    #[error("{sugar} recovery is too large to compute (concentration × volume ÷ dose overflows; check the units)")]
    OutOfRange {
        /// The sugar.
        sugar: Sugar,
    },
    /// A nonzero concentration whose recovery (or whose value in mg/L) is below the smallest
    /// normal double (e.g. `1e-308 ng/mL`): it would read as 0 or lose digits, never silently.
    #[error("{sugar} recovery is too small to compute (a nonzero concentration × volume ÷ dose below 2.2250738585072014e-308; check the units)")]
    TooSmall {
        /// The sugar.
        sugar: Sugar,
    },
}

/// Percent of the oral dose of `sugar` recovered in urine, as a [`Percent`].
///
/// # Errors
/// [`RecoveryError::ZeroDose`] when the dose is zero, [`RecoveryError::OutOfRange`] when the
/// result is not a finite number.
///
/// # Example
/// ```
/// use lmr::{recovery::recovery_percent, protocol::Dose, sugar::Sugar};
/// // hand-worked, FE% = C × V / dose × 100: 20 mg/L × 1.2 L = 24 mg; 24 mg ÷ 5000 mg × 100 = 0.48 %
/// let r = recovery_percent(
///     Sugar::Lactulose,
///     "20 mg/L".parse()?,
///     "1.2 L".parse()?,
///     &Dose::anhydrous("5 g".parse()?),
/// )?;
/// approx::assert_relative_eq!(r.value(), 0.48, max_relative = 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recovery_percent(
    sugar: Sugar,
    concentration: Concentration,
    volume: Volume,
    dose: &Dose,
) -> Result<Percent, RecoveryError> {
    let dose_mg = dose.sugar_mass(sugar).in_milligrams();
    if dose_mg <= 0.0 {
        return Err(RecoveryError::ZeroDose { sugar });
    }
    let mg_per_l = concentration
        .in_mg_per_l(Some(sugar.molar_mass().in_g_per_mol()))
        .unwrap_or(0.0);
    let r = mg_per_l * volume.in_litres() / dose_mg * 100.0;
    if !r.is_finite() {
        return Err(RecoveryError::OutOfRange { sugar });
    }
    if mg_per_l > 0.0
        && volume.in_litres() > 0.0
        && (mg_per_l < f64::MIN_POSITIVE || r < f64::MIN_POSITIVE)
    {
        return Err(RecoveryError::TooSmall { sugar });
    }
    // finite (checked above) and not negative (every input is a checked amount)
    Percent::new(r).map_err(|_| RecoveryError::OutOfRange { sugar })
}

/// A urine result as reported: a concentration, or "below the detection limit" with the limit when
/// the lab gave one (`<0.25`), or without (`ND`, `BLQ`).
///
/// ```
/// use lmr::recovery::UrineResult;
///
/// let r = UrineResult::parse("9.21 mg/L", None)?;
/// assert!(matches!(r, UrineResult::Measured(c) if c.to_string() == "9.21 mg/L"));
/// let r = UrineResult::parse("< 0.25 mg/L", None)?;
/// assert!(matches!(r, UrineResult::BelowLimit(Some(c)) if c.to_string() == "0.25 mg/L"));
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub enum UrineResult {
    /// A measured concentration.
    Measured(Concentration),
    /// Below the detection or quantification limit.
    BelowLimit(Option<Concentration>),
}

/// Spellings labs use for a result below the detection or quantification limit without a number.
///
/// Stored lower-case; matched case-insensitively by [`is_below_limit_word`].
///
/// ```
/// assert!(lmr::recovery::BELOW_LIMIT_WORDS.contains(&"blq"));
/// ```
pub const BELOW_LIMIT_WORDS: &[&str] = &[
    "nd",
    "n.d.",
    "bld",
    "blq",
    "bdl",
    "<lod",
    "<loq",
    "< lod",
    "< loq",
    "lod",
    "loq",
    "not detected",
];

impl UrineResult {
    /// Parses a urine cell or flag value: a concentration (`"9.21 mg/L"`, or `"9.21"` with
    /// `default_unit`), a censored value (`"<0.25"`, `"< 0.25 mg/L"`), or a word for "below the
    /// limit" without a number (`ND`, `BLQ`, `<LOD`; case-insensitive).
    ///
    /// # Errors
    /// The concentration's [`crate::units::UnitError`].
    ///
    /// ```
    /// use lmr::recovery::UrineResult;
    /// use lmr::units::ConcentrationUnit;
    /// let r = UrineResult::parse("<0.25", Some(ConcentrationUnit::MgPerL))?;
    /// assert!(matches!(r, UrineResult::BelowLimit(Some(c)) if c.value() == 0.25));
    /// assert!(matches!(UrineResult::parse("ND", None)?, UrineResult::BelowLimit(None)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(
        text: &str,
        default_unit: Option<ConcentrationUnit>,
    ) -> Result<UrineResult, crate::units::UnitError> {
        let t = crate::units::trim(text);
        if is_below_limit_word(t) {
            return Ok(UrineResult::BelowLimit(None));
        }
        if let Some(rest) = t.strip_prefix('<') {
            let rest = rest.trim_start_matches('=');
            return Ok(UrineResult::BelowLimit(Some(
                Concentration::parse_with_default(rest, default_unit)?,
            )));
        }
        Ok(UrineResult::Measured(Concentration::parse_with_default(
            t,
            default_unit,
        )?))
    }
}

/// Whether `text` is one of [`BELOW_LIMIT_WORDS`] (case-insensitive), without allocating.
///
/// ```
/// use lmr::recovery::is_below_limit_word;
///
/// assert!(is_below_limit_word(" Not Detected "));
/// assert!(is_below_limit_word("<LOQ"));
/// assert!(!is_below_limit_word("<0.25")); // a bound with a number is a censored value, not a word
/// assert!(!is_below_limit_word("0"));
/// ```
pub fn is_below_limit_word(text: &str) -> bool {
    let t = crate::units::trim(text);
    // A number is never one of the words: the common case returns at once.
    if t.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    BELOW_LIMIT_WORDS.iter().any(|w| w.eq_ignore_ascii_case(t))
}

/// The recovery of a possibly censored urine result: exact, or an upper bound (`<x`) when the
/// concentration is below a stated limit; `None` below an unstated limit.
///
/// # Errors
/// As [`recovery_percent`].
///
/// ```
/// use lmr::{censored::Censored, protocol::Dose, sugar::Sugar};
/// use lmr::recovery::{recovery, UrineResult};
///
/// let dose = Dose::anhydrous("5 g".parse()?);
/// let volume = "1.5 L".parse()?;
/// // below a limit of 0.25 mg/L: 0.25 mg/L × 1.5 L = 0.375 mg of 5000 mg = 0.0075 %, an upper bound
/// let below = UrineResult::parse("<0.25 mg/L", None)?;
/// let r = recovery(Sugar::Lactulose, below, volume, &dose)?;
/// assert!(matches!(r, Some(Censored::LessThan(b)) if (b.value() - 0.0075).abs() < 1e-15));
/// // below an unstated limit: nothing can be said
/// assert_eq!(recovery(Sugar::Lactulose, UrineResult::parse("ND", None)?, volume, &dose)?, None);
///
/// // a molar result goes through the molar mass: mannitol C6H14O6 = 6 × 12.011 + 14 × 1.008 +
/// // 6 × 15.999 = 182.172 g/mol; 0.5 mmol/L × 182.172 = 91.086 mg/L × 1.5 L = 136.629 mg
/// // of 2000 mg = 6.83145 %
/// let molar = UrineResult::parse("0.5 mmol/L", None)?;
/// let r = recovery(Sugar::Mannitol, molar, volume, &Dose::anhydrous("2 g".parse()?))?;
/// approx::assert_relative_eq!(r.unwrap().exact().unwrap().value(), 6.83145, max_relative = 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recovery(
    sugar: Sugar,
    result: UrineResult,
    volume: Volume,
    dose: &Dose,
) -> Result<Option<Censored<Percent>>, RecoveryError> {
    Ok(match result {
        UrineResult::Measured(c) => {
            Some(Censored::Exact(recovery_percent(sugar, c, volume, dose)?))
        }
        UrineResult::BelowLimit(Some(limit)) => Some(Censored::LessThan(recovery_percent(
            sugar, limit, volume, dose,
        )?)),
        UrineResult::BelowLimit(None) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sugar::DoseForm;
    use approx::assert_relative_eq;

    fn dose(text: &str) -> Dose {
        Dose::anhydrous(text.parse().unwrap())
    }

    #[test]
    fn science_t2_children_mal_ed_dose() {
        // T2: dose L 5000 mg, M 1000 mg; 0.100 L; C_L 50 mg/L → 5 mg → 0.10 %; C_M 500 mg/L → 50 mg → 5.00 %
        let v: Volume = "0.100 L".parse().unwrap();
        let l = recovery_percent(
            Sugar::Lactulose,
            "50 mg/L".parse().unwrap(),
            v,
            &dose("5000 mg"),
        );
        let m = recovery_percent(
            Sugar::Mannitol,
            "500 mg/L".parse().unwrap(),
            v,
            &dose("1000 mg"),
        );
        assert_relative_eq!(l.unwrap().value(), 0.10, max_relative = 1e-12);
        assert_relative_eq!(m.unwrap().value(), 5.00, max_relative = 1e-12);
    }

    #[test]
    fn science_t5_mg_per_dl_path() {
        // T5: 1 mg/dL × 500 mL = 10 mg/L × 0.5 L = 5 mg; 5 mg / 5000 mg = 0.10 %
        let r = recovery_percent(
            Sugar::Lactulose,
            "1 mg/dL".parse().unwrap(),
            "500 mL".parse().unwrap(),
            &dose("5 g"),
        );
        assert_relative_eq!(r.unwrap().value(), 0.10, max_relative = 1e-12);
        // rhamnose 20 mg/dL × 0.5 L = 100 mg of a 1 g dose = 10.0 %
        let r = recovery_percent(
            Sugar::Rhamnose,
            "20 mg/dL".parse().unwrap(),
            "500 mL".parse().unwrap(),
            &dose("1 g"),
        );
        assert_relative_eq!(r.unwrap().value(), 10.0, max_relative = 1e-12);
    }

    #[test]
    fn science_t10_molar_equals_mass() {
        // T10: 50 mg/L = 50/342.297 mmol/L = 0.146072 mmol/L; V 0.1 L; D 5000 mg → 0.10 % either way
        let molar = 50.0 / 342.297;
        let c = Concentration::new(molar, crate::units::ConcentrationUnit::MmolPerL).unwrap();
        let r = recovery_percent(
            Sugar::Lactulose,
            c,
            "0.1 L".parse().unwrap(),
            &dose("5000 mg"),
        );
        assert_relative_eq!(r.unwrap().value(), 0.10, max_relative = 1e-12);
    }

    #[test]
    fn monohydrate_dose_counts_only_the_sugar() {
        // 1 g rhamnose monohydrate holds 164.157/182.172 g = 901.11 mg rhamnose;
        // 90.111 mg excreted (180.222 mg/L × 0.5 L) is therefore 10 %
        let d = Dose {
            mass: "1 g".parse().unwrap(),
            form: DoseForm::Monohydrate,
        };
        let r = recovery_percent(
            Sugar::Rhamnose,
            "180.222 mg/L".parse().unwrap(),
            "0.5 L".parse().unwrap(),
            &d,
        );
        assert_relative_eq!(r.unwrap().value(), 10.0, max_relative = 1e-4);
    }

    #[test]
    fn zero_dose_is_an_error_and_zero_volume_is_zero() {
        let e = recovery_percent(
            Sugar::Mannitol,
            "1 mg/L".parse().unwrap(),
            "1 L".parse().unwrap(),
            &dose("0 g"),
        );
        assert_eq!(
            e,
            Err(RecoveryError::ZeroDose {
                sugar: Sugar::Mannitol
            })
        );
        let r = recovery_percent(
            Sugar::Mannitol,
            "1 mg/L".parse().unwrap(),
            "0 L".parse().unwrap(),
            &dose("1 g"),
        );
        assert_relative_eq!(r.unwrap().value(), 0.0);
    }

    #[test]
    fn below_limit_gives_an_upper_bound() {
        // <2.5 mg/L × 1 L = <2.5 mg of 5000 mg = <0.05 %
        let r = recovery(
            Sugar::Lactulose,
            UrineResult::BelowLimit(Some("2.5 mg/L".parse().unwrap())),
            "1 L".parse().unwrap(),
            &dose("5 g"),
        )
        .unwrap();
        assert!(matches!(r, Some(Censored::LessThan(x)) if (x.value() - 0.05).abs() < 1e-12));
        let none = recovery(
            Sugar::Lactulose,
            UrineResult::BelowLimit(None),
            "1 L".parse().unwrap(),
            &dose("5 g"),
        );
        assert_eq!(none.unwrap(), None);
    }
}
