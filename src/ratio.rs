//! Ratios of fractional excretions: L:M (lactulose : mannitol), and the same for other pairs.
//!
//! ```text
//! L:M = recovery_L % ÷ recovery_M %
//!     = (C_L × V ÷ D_L) ÷ (C_M × V ÷ D_M)
//!     = (C_L ÷ C_M) × (D_M ÷ D_L)          the urine volume cancels
//! ```
//! This is the standard "L:M", "LMR" or "L%/M%" (Catassi 1997, Gut 40:215: "urinary L%/M% ratio";
//! EFO:0011032 "fractional excretion of lactulose to mannitol ratio"); Catassi C et al., Gut 1997;40:215 ("urinary L%/M% ratio").
//!
//! It is **not** the ratio of concentrations. The two agree only when the doses are equal in mass
//! (mass-concentration ratio) or in moles (molar-concentration ratio). Under the common 5 g / 1 g
//! protocol the concentration ratio is 5 × the L:M: a concentration ratio of 0.15 is an L:M of 0.03
//! (hand-worked). Because both recoveries are in percent of their own dose, the
//! ratio is the same whether the concentrations were reported in mass or in molar units, as long as
//! each is converted with its own sugar's molar mass.
//!
//! Averages: a group's mean L:M is not the ratio of its mean recoveries (Hossain 2016: mean
//! recoveries 0.264 % and 3.423 % give 0.0771, but the mean L:M was 0.109).
//!
//! A ratio is an [`ExcretionRatio`]: the value (possibly censored) together with the two sugars it
//! is a ratio of, so an L:¹³C-mannitol ratio says which isotopologue it used, and a ratio prints
//! and parses as `lactulose:mannitol 0.06`.

use std::fmt;
use std::str::FromStr;

use crate::censored::Censored;
use crate::protocol::Dose;
use crate::sugar::{Sugar, UnknownSugar};
use crate::units::Percent;

/// The ratio of two sugars' fractional excretions (each recovery in percent of its own dose):
/// `numerator recovery % ÷ denominator recovery %`, exact or a bound.
///
/// ```
/// use lmr::{censored::Censored, ratio::ExcretionRatio, sugar::Sugar, units::Percent};
///
/// // hand-worked: lactulose 0.6 % ÷ mannitol 10 % = 0.06
/// let l = Censored::Exact(Percent::new(0.6)?);
/// let m = Censored::Exact(Percent::new(10.0)?);
/// let lm = ExcretionRatio::of((Sugar::Lactulose, l), (Sugar::Mannitol, m)).unwrap();
/// assert_eq!((lm.numerator(), lm.denominator()), (Sugar::Lactulose, Sugar::Mannitol));
/// approx::assert_relative_eq!(lm.exact().unwrap(), 0.06, max_relative = 1e-15);
/// assert_eq!(lm.to_string(), "lactulose:mannitol 0.06");
/// assert_eq!("lactulose:mannitol 0.06".parse::<ExcretionRatio>()?, lm);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExcretionRatio {
    numerator: Sugar,
    denominator: Sugar,
    value: Censored,
}

impl ExcretionRatio {
    /// The ratio of two recoveries, each with its sugar; `None` when nothing can be said (both
    /// censored, a zero denominator, or a result a double cannot hold).
    ///
    /// ```
    /// use lmr::{censored::Censored, ratio::ExcretionRatio, sugar::Sugar, units::Percent};
    ///
    /// // lactulose below 0.0075 %, rhamnose 15 %: the ratio is below 0.0075 ÷ 15 = 0.0005
    /// let l = Censored::LessThan(Percent::new(0.0075)?);
    /// let r = Censored::Exact(Percent::new(15.0)?);
    /// let lr = ExcretionRatio::of((Sugar::Lactulose, l), (Sugar::Rhamnose, r)).unwrap();
    /// assert_eq!(lr.value(), Censored::LessThan(0.0075 / 15.0));
    /// assert_eq!(lr.exact(), None);
    /// // mannitol 0 %: undefined
    /// let zero = Censored::Exact(Percent::new(0.0)?);
    /// assert_eq!(ExcretionRatio::of((Sugar::Lactulose, r), (Sugar::Mannitol, zero)), None);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn of(
        numerator: (Sugar, Censored<Percent>),
        denominator: (Sugar, Censored<Percent>),
    ) -> Option<ExcretionRatio> {
        let value = numerator
            .1
            .map(Percent::value)
            .divided_by(denominator.1.map(Percent::value))?;
        Some(ExcretionRatio {
            numerator: numerator.0,
            denominator: denominator.0,
            value,
        })
    }

    /// A ratio from its parts (a value read back from a file, or a test's expected value).
    ///
    /// # Errors
    /// [`RatioError::Value`] for a value (or bound) that is negative, NaN or infinite.
    ///
    /// ```
    /// use lmr::{censored::Censored, ratio::ExcretionRatio, sugar::Sugar};
    ///
    /// let lm = ExcretionRatio::new(Sugar::Lactulose, Sugar::Mannitol, Censored::GreaterThan(1.2))?;
    /// assert_eq!(lm.to_string(), "lactulose:mannitol >1.2");
    /// assert!(ExcretionRatio::new(Sugar::Lactulose, Sugar::Mannitol, Censored::Exact(-1.0)).is_err());
    /// # Ok::<(), lmr::ratio::RatioError>(())
    /// ```
    pub fn new(
        numerator: Sugar,
        denominator: Sugar,
        value: Censored,
    ) -> Result<ExcretionRatio, RatioError> {
        let v = value.number();
        if !(v.is_finite() && v >= 0.0) {
            return Err(RatioError::Value { value: v });
        }
        Ok(ExcretionRatio {
            numerator,
            denominator,
            value,
        })
    }

    /// The sugar whose recovery is divided (lactulose in L:M).
    ///
    /// ```
    /// use lmr::{ratio::ExcretionRatio, Censored, Sugar};
    /// let lr = ExcretionRatio::new(Sugar::Lactulose, Sugar::Rhamnose, Censored::Exact(0.05))?;
    /// assert_eq!(lr.numerator(), Sugar::Lactulose);
    /// # Ok::<(), lmr::ratio::RatioError>(())
    /// ```
    pub fn numerator(self) -> Sugar {
        self.numerator
    }

    /// The sugar whose recovery divides (mannitol in L:M).
    ///
    /// ```
    /// use lmr::{ratio::ExcretionRatio, Censored, Sugar};
    /// let lr = ExcretionRatio::new(Sugar::Lactulose, Sugar::Rhamnose, Censored::Exact(0.05))?;
    /// assert_eq!(lr.denominator(), Sugar::Rhamnose); // an L:R ratio
    /// # Ok::<(), lmr::ratio::RatioError>(())
    /// ```
    pub fn denominator(self) -> Sugar {
        self.denominator
    }

    /// The ratio, exact or a bound (dimensionless: percent ÷ percent).
    ///
    /// ```
    /// let lm: lmr::ratio::ExcretionRatio = "lactulose:mannitol <0.0005".parse()?;
    /// assert_eq!(lm.value(), lmr::censored::Censored::LessThan(0.0005));
    /// # Ok::<(), lmr::ratio::RatioError>(())
    /// ```
    pub fn value(self) -> Censored {
        self.value
    }

    /// The ratio, if known exactly.
    ///
    /// ```
    /// let lm: lmr::ratio::ExcretionRatio = "lactulose:mannitol 0.06".parse()?;
    /// assert_eq!(lm.exact(), Some(0.06));
    /// # Ok::<(), lmr::ratio::RatioError>(())
    /// ```
    pub fn exact(self) -> Option<f64> {
        self.value.exact()
    }

    /// The mass-concentration ratio C_numerator ÷ C_denominator that corresponds to this ratio
    /// of fractional excretions under these doses: `ratio × D_numerator ÷ D_denominator`
    /// (each dose counted as its sugar content, so a hydrate counts its anhydrous part).
    ///
    /// Useful for reading a lab's concentration ratio correctly. `None` for a zero denominator
    /// dose.
    ///
    /// ```
    /// use lmr::{protocol::Dose, ratio::ExcretionRatio};
    ///
    /// // hand-worked, FE ratio × dose ratio: an L:M of 0.03 under 5 g / 1 g is a concentration
    /// // ratio of 0.03 × 5000 mg ÷ 1000 mg = 0.15
    /// let lm: ExcretionRatio = "lactulose:mannitol 0.03".parse()?;
    /// let c = lm
    ///     .mass_concentration_ratio(&Dose::anhydrous("5 g".parse()?), &Dose::anhydrous("1 g".parse()?))
    ///     .unwrap();
    /// approx::assert_relative_eq!(c.exact().unwrap(), 0.15, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mass_concentration_ratio(
        self,
        numerator_dose: &Dose,
        denominator_dose: &Dose,
    ) -> Option<Censored> {
        let num = numerator_dose.sugar_mass(self.numerator).in_milligrams();
        let den = denominator_dose
            .sugar_mass(self.denominator)
            .in_milligrams();
        (den > 0.0).then(|| self.value.scaled(num / den))
    }
}

impl fmt::Display for ExcretionRatio {
    /// `lactulose:mannitol 0.06`, `lactulose:rhamnose <0.0005`: the sugars' keys, then the
    /// value by the crate's number rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} {}", self.numerator, self.denominator, self.value)
    }
}

impl FromStr for ExcretionRatio {
    type Err = RatioError;

    /// Reads what [`Display`](fmt::Display) writes: `NUMERATOR:DENOMINATOR VALUE`, the value
    /// optionally preceded by `<` or `>`.
    fn from_str(s: &str) -> Result<Self, RatioError> {
        let malformed = || RatioError::Malformed {
            text: s.to_string(),
        };
        let (sugars, value) = s.trim().split_once(' ').ok_or_else(malformed)?;
        let (num, den) = sugars.split_once(':').ok_or_else(malformed)?;
        let value = value.trim();
        let number = |t: &str| t.trim().parse::<f64>().map_err(|_| malformed());
        let value = match (value.strip_prefix('<'), value.strip_prefix('>')) {
            (Some(b), _) => Censored::LessThan(number(b)?),
            (_, Some(b)) => Censored::GreaterThan(number(b)?),
            _ => Censored::Exact(number(value)?),
        };
        ExcretionRatio::new(num.parse()?, den.parse()?, value)
    }
}

/// Why a ratio cannot be made or read.
///
/// ```
/// use lmr::ratio::{ExcretionRatio, RatioError};
///
/// let e = "lactulose/mannitol 0.06".parse::<ExcretionRatio>().unwrap_err();
/// assert_eq!(e.to_string(), r#"expected "NUMERATOR:DENOMINATOR VALUE" (e.g. "lactulose:mannitol 0.06"), found "lactulose/mannitol 0.06""#);
/// assert!(matches!("glucose:mannitol 1".parse::<ExcretionRatio>(), Err(RatioError::Sugar(_))));
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RatioError {
    /// The text is not `NUMERATOR:DENOMINATOR VALUE`.
    #[error("expected \"NUMERATOR:DENOMINATOR VALUE\" (e.g. \"lactulose:mannitol 0.06\"), found {text:?}")]
    Malformed {
        /// The text as given.
        text: String,
    },
    /// A sugar name that is not known.
    #[error(transparent)]
    Sugar(#[from] UnknownSugar),
    /// A value (or bound) that is negative, NaN or infinite.
    #[error("a ratio must be a finite number not below zero, found {value}")]
    Value {
        /// The value given.
        value: f64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn pct(x: f64) -> Censored<Percent> {
        Censored::Exact(Percent::new(x).unwrap())
    }

    #[test]
    fn t2_ratio_and_its_concentration_forms() {
        // T2: FE_L 0.10 %, FE_M 5.00 % → 0.10 ÷ 5.00 = 0.020; mass-concentration ratio
        // 0.020 × 5000 mg ÷ 1000 mg = 0.100 (= 50 mg/L ÷ 500 mg/L); molar-concentration ratio
        // 0.100 × 182.172/342.297 = 0.05322
        let r =
            ExcretionRatio::of((Sugar::Lactulose, pct(0.10)), (Sugar::Mannitol, pct(5.0))).unwrap();
        assert_relative_eq!(r.exact().unwrap(), 0.020, max_relative = 1e-12);
        let conc = r
            .mass_concentration_ratio(
                &Dose::anhydrous("5000 mg".parse().unwrap()),
                &Dose::anhydrous("1000 mg".parse().unwrap()),
            )
            .unwrap()
            .exact()
            .unwrap();
        assert_relative_eq!(conc, 0.100, max_relative = 1e-12);
        assert_relative_eq!(conc * 182.172 / 342.297, 0.053_22, epsilon = 1e-5);
    }

    #[test]
    fn zero_mannitol_recovery_gives_no_ratio() {
        let lm = ExcretionRatio::of((Sugar::Lactulose, pct(0.1)), (Sugar::Mannitol, pct(0.0)));
        assert_eq!(lm, None);
        let lm = ExcretionRatio::new(Sugar::Lactulose, Sugar::Mannitol, Censored::Exact(0.03));
        let zero = Dose::anhydrous("0 g".parse().unwrap());
        let five = Dose::anhydrous("5 g".parse().unwrap());
        assert_eq!(lm.unwrap().mass_concentration_ratio(&five, &zero), None);
    }

    #[test]
    fn a_monohydrate_denominator_dose_counts_its_sugar_only() {
        // L:R 0.02 under 5 g lactulose and 1 g rhamnose monohydrate (164.157/182.172 g/mol:
        // 1000 mg × 0.901111 = 901.111 mg rhamnose): 0.02 × 5000 ÷ 901.111 = 0.110975
        let lr = ExcretionRatio::new(Sugar::Lactulose, Sugar::Rhamnose, Censored::Exact(0.02));
        let rhamnose = Dose {
            mass: "1 g".parse().unwrap(),
            form: crate::sugar::DoseForm::Monohydrate,
        };
        let c = lr
            .unwrap()
            .mass_concentration_ratio(&Dose::anhydrous("5 g".parse().unwrap()), &rhamnose)
            .unwrap();
        assert_relative_eq!(c.exact().unwrap(), 0.110_975, max_relative = 1e-5);
    }

    #[test]
    fn display_and_parse_are_symmetric() {
        // 13C6-mannitol is named by its key, so the ratio says which isotopologue it used
        for text in [
            "lactulose:mannitol 0.06",
            "lactulose:rhamnose <0.0005",
            "lactulose:mannitol_13c6 >1200",
        ] {
            let r: ExcretionRatio = text.parse().unwrap();
            assert_eq!(r.to_string(), text);
        }
        let r: ExcretionRatio = "lactulose:mannitol_13c6 >1200".parse().unwrap();
        assert_eq!(r.denominator(), Sugar::Mannitol13C6);
        assert_eq!(r.value(), Censored::GreaterThan(1200.0));
        for bad in [
            "lactulose:mannitol",
            "lactulose mannitol 1",
            "lactulose:mannitol x",
        ] {
            assert!(matches!(
                bad.parse::<ExcretionRatio>(),
                Err(RatioError::Malformed { .. })
            ));
        }
        assert_eq!(
            "lactulose:mannitol -1".parse::<ExcretionRatio>(),
            Err(RatioError::Value { value: -1.0 })
        );
    }
}
