//! Censored numbers: a value known exactly, or only known to lie below or above a bound.
//!
//! A urine result reported as `<0.25 mg/L` (below the assay's detection limit) is not zero and not
//! 0.25: it is a value somewhere below 0.25. Recoveries and ratios computed from it keep that
//! meaning, so a lactulose recovery can be reported as `<0.0125` and still be classified when the
//! whole interval falls in one band.
//!
//! ```
//! use lmr::censored::Censored;
//! let l = Censored::LessThan(0.01);
//! let m = Censored::Exact(20.0);
//! assert_eq!(l.divided_by(m), Some(Censored::LessThan(0.0005)));
//! assert_eq!(m.divided_by(l), Some(Censored::GreaterThan(2000.0)));
//! assert_eq!(l.divided_by(l), None); // nothing can be said
//! ```
//!
//! The value type is a parameter: a plain number by default, a [`Percent`] for a recovery
//! (`Censored<Percent>`), so that what a censored result *is* travels with it:
//!
//! ```
//! use lmr::{censored::Censored, units::Percent};
//!
//! let recovery: Censored<Percent> = Censored::LessThan(Percent::new(0.0075)?);
//! assert_eq!(recovery.to_string(), "<0.0075 %");
//! assert_eq!(recovery.map(Percent::value), Censored::LessThan(0.0075));
//! # Ok::<(), lmr::units::UnitError>(())
//! ```

use std::fmt;

use crate::number::Number;
use crate::units::Percent;

/// A non-negative value that may be censored: a number (`Censored`, i.e. `Censored<f64>`) or a
/// typed quantity (`Censored<Percent>` for a recovery).
///
/// Printed with the bound's sign and the crate's number rule ([`crate::number`]); a percentage
/// is followed by ` %`.
///
/// ```
/// use lmr::censored::Censored;
///
/// assert_eq!(Censored::Exact(0.48).to_string(), "0.48");
/// assert_eq!(Censored::LessThan(0.0075).to_string(), "<0.0075");
/// assert_eq!(Censored::GreaterThan(2000.0).to_string(), ">2000");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Censored<T = f64> {
    /// Known value.
    Exact(T),
    /// Somewhere in `[0, bound)`.
    LessThan(T),
    /// Somewhere above the bound.
    GreaterThan(T),
}

impl<T: Copy> Censored<T> {
    /// The value, if known exactly.
    ///
    /// ```
    /// use lmr::censored::Censored;
    ///
    /// assert_eq!(Censored::Exact(0.48).exact(), Some(0.48));
    /// assert_eq!(Censored::LessThan(0.0075).exact(), None);
    /// ```
    pub fn exact(self) -> Option<T> {
        match self {
            Censored::Exact(v) => Some(v),
            _ => None,
        }
    }

    /// The number printed: the value or the bound.
    ///
    /// ```
    /// use lmr::censored::Censored;
    ///
    /// assert_eq!(Censored::LessThan(0.0075).number(), 0.0075);
    /// ```
    pub fn number(self) -> T {
        match self {
            Censored::Exact(v) | Censored::LessThan(v) | Censored::GreaterThan(v) => v,
        }
    }

    /// The same censoring around a value converted by `f` (a bound stays a bound, on the same
    /// side: `f` must not decrease).
    ///
    /// ```
    /// use lmr::{censored::Censored, units::Percent};
    ///
    /// let r = Censored::LessThan(Percent::new(0.05)?);
    /// assert_eq!(r.map(Percent::value), Censored::LessThan(0.05));
    /// // a fraction to percent: 0.0004 × 100 = 0.04
    /// assert_eq!(Censored::Exact(0.0004).map(|x| x * 100.0), Censored::Exact(0.04));
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Censored<U> {
        match self {
            Censored::Exact(v) => Censored::Exact(f(v)),
            Censored::LessThan(v) => Censored::LessThan(f(v)),
            Censored::GreaterThan(v) => Censored::GreaterThan(f(v)),
        }
    }

    /// [`Censored::map`] with a conversion that may fail (a number into a checked quantity).
    ///
    /// # Errors
    /// The error `f` returns.
    ///
    /// ```
    /// use lmr::{censored::Censored, units::Percent};
    ///
    /// let r = Censored::GreaterThan(120.0).try_map(Percent::new)?;
    /// assert_eq!(r, Censored::GreaterThan(Percent::new(120.0)?));
    /// assert!(Censored::Exact(f64::INFINITY).try_map(Percent::new).is_err());
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Censored<U>, E> {
        Ok(match self {
            Censored::Exact(v) => Censored::Exact(f(v)?),
            Censored::LessThan(v) => Censored::LessThan(f(v)?),
            Censored::GreaterThan(v) => Censored::GreaterThan(f(v)?),
        })
    }
}

impl Censored {
    /// Multiplies by a known non-negative factor (bounds stay bounds).
    ///
    /// ```
    /// use lmr::censored::Censored;
    ///
    /// // a fraction 0.004 below a bound, as a percent: 0.004 × 100 = 0.4
    /// assert_eq!(Censored::LessThan(0.004).scaled(100.0), Censored::LessThan(0.4));
    /// ```
    pub fn scaled(self, factor: f64) -> Censored {
        match self {
            Censored::Exact(v) => Censored::Exact(v * factor),
            Censored::LessThan(v) => Censored::LessThan(v * factor),
            Censored::GreaterThan(v) => Censored::GreaterThan(v * factor),
        }
    }

    /// `self ÷ other`, where the maths allows a value or a bound; `None` when nothing can be said
    /// (both censored, a division by an exact zero, or an infinite result).
    ///
    /// ```
    /// use lmr::censored::Censored;
    ///
    /// // L:M ratio of recoveries 0.6 % and 10 %: 0.6 / 10 = 0.06
    /// assert_eq!(Censored::Exact(0.6).divided_by(Censored::Exact(10.0)), Some(Censored::Exact(0.06)));
    /// // lactulose below 0.0075 %, mannitol 15 %: the ratio is below 0.0075 / 15 = 0.0005
    /// assert_eq!(
    ///     Censored::LessThan(0.0075).divided_by(Censored::Exact(15.0)),
    ///     Some(Censored::LessThan(0.0005))
    /// );
    /// assert_eq!(Censored::Exact(0.6).divided_by(Censored::Exact(0.0)), None);
    /// assert_eq!(Censored::LessThan(1.0).divided_by(Censored::LessThan(2.0)), None);
    /// ```
    pub fn divided_by(self, other: Censored) -> Option<Censored> {
        let q = |a: f64, b: f64| if b > 0.0 { Some(a / b) } else { None };
        let out = match (self, other) {
            (Censored::Exact(a), Censored::Exact(b)) => Censored::Exact(q(a, b)?),
            (Censored::LessThan(a), Censored::Exact(b)) => Censored::LessThan(q(a, b)?),
            (Censored::GreaterThan(a), Censored::Exact(b)) => Censored::GreaterThan(q(a, b)?),
            (Censored::Exact(a), Censored::LessThan(b)) => Censored::GreaterThan(q(a, b)?),
            (Censored::Exact(a), Censored::GreaterThan(b)) => Censored::LessThan(q(a, b)?),
            (Censored::LessThan(a), Censored::GreaterThan(b)) => Censored::LessThan(q(a, b)?),
            (Censored::GreaterThan(a), Censored::LessThan(b)) => Censored::GreaterThan(q(a, b)?),
            _ => return None,
        };
        out.number().is_finite().then_some(out)
    }
}

impl Censored<Percent> {
    /// The number of percent, censored the same way (the conversion accessor of a recovery:
    /// what a `_pct` column holds).
    ///
    /// ```
    /// use lmr::{censored::Censored, units::Percent};
    ///
    /// let r = Censored::LessThan(Percent::new(0.0075)?);
    /// assert_eq!(r.in_percent(), Censored::LessThan(0.0075));
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_percent(self) -> Censored {
        self.map(Percent::value)
    }
}

impl fmt::Display for Censored<Percent> {
    /// `0.48 %`, `<0.0075 %`: the number rule, then the unit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.in_percent())
    }
}

impl fmt::Display for Censored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Censored::Exact(v) => write!(f, "{}", Number(*v)),
            Censored::LessThan(v) => write!(f, "<{}", Number(*v)),
            Censored::GreaterThan(v) => write!(f, ">{}", Number(*v)),
        }
    }
}
