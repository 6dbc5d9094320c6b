//! Values that arrive as numbers (a data frame's float64 or int64 column) with the unit their
//! column settles (the header's `[mg/L]`, the column map's `unit`): read without a round trip
//! through text, with the same checks and the same [`Problem`]s as [`super::parse`] gives the
//! same number written as text. A missing value is the caller's (a null is not a number).
//!
//! ```
//! use lmr::sample::{number, Problem};
//! use lmr::units::VolumeUnit;
//!
//! let v = number::volume(1857.0, Some(VolumeUnit::Ml))?;
//! assert_eq!(v.in_litres(), 1.857);
//! // as the text "-40" under a `[mL]` header
//! assert_eq!(number::volume(-40.0, Some(VolumeUnit::Ml)).unwrap_err(), Problem::Negative);
//! assert_eq!(number::volume(f64::NAN, Some(VolumeUnit::Ml)).unwrap_err(), Problem::NotFinite);
//! # Ok::<(), Problem>(())
//! ```

use super::parse::{vitamin_d_problem, zonulin_problem, AgeUnit, Problem, Reading, ZONULIN_UNITS};
use crate::protocol::Dose;
use crate::recovery::UrineResult;
use crate::reference::Matrix;
use crate::units::{
    Age, Concentration, ConcentrationUnit, Duration, DurationUnit, Mass, MassUnit, Volume,
    VolumeUnit,
};
use crate::vitamin_d::{VitaminD, VitaminDForm};
use crate::zonulin::{Zonulin, ZonulinUnit};

/// The checks of a number's text ([`crate::units`]): finite, not negative.
fn amount(x: f64) -> Result<f64, Problem> {
    if !x.is_finite() {
        return Err(Problem::NotFinite);
    }
    if x < 0.0 {
        return Err(Problem::Negative);
    }
    Ok(x)
}

/// The unit a bare number takes, or [`Problem::MissingUnit`].
fn unit<U>(unit: Option<U>, expected: &'static str) -> Result<U, Problem> {
    unit.ok_or(Problem::MissingUnit { expected })
}

/// The edges of a double that no measurement is: `-0` and a nonzero number below the smallest
/// normal double (as [`super::parse`] refuses them in text).
fn edges(x: f64) -> Result<(), Problem> {
    if x >= f64::MIN_POSITIVE {
        return Ok(());
    }
    if x.is_sign_negative() {
        return Err(Problem::NegativeZero);
    }
    if x > 0.0 {
        return Err(Problem::Underflow);
    }
    Ok(())
}

/// A quantity from a checked number: its constructor refuses only what [`amount`] did.
fn quantity<Q, U>(
    x: f64,
    u: Option<U>,
    expected: &'static str,
    new: impl FnOnce(f64, U) -> Result<Q, crate::units::UnitError>,
) -> Result<Q, Problem> {
    let x = amount(x)?;
    let u = unit(u, expected)?;
    edges(x)?;
    new(x, u).map_err(|e| Problem::from_unit(e, ""))
}

/// A urine sugar concentration, as [`super::parse::concentration`] reads the number as text.
///
/// # Errors
/// [`Problem::NotFinite`], [`Problem::Negative`], [`Problem::MissingUnit`],
/// [`Problem::NegativeZero`], [`Problem::Underflow`].
///
/// ```
/// use lmr::{recovery::UrineResult, sample::number, units::ConcentrationUnit};
/// let r = number::concentration(12.5, Some(ConcentrationUnit::MgPerL))?;
/// assert!(matches!(r, UrineResult::Measured(c) if c.value() == 12.5));
/// assert!(number::concentration(12.5, None).is_err()); // a bare number needs its column's unit
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub fn concentration(x: f64, u: Option<ConcentrationUnit>) -> Result<UrineResult, Problem> {
    quantity(x, u, ConcentrationUnit::EXPECTED, Concentration::new).map(UrineResult::Measured)
}

/// A urine volume, as [`super::parse::volume`] reads the number as text.
///
/// # Errors
/// As [`concentration`].
///
/// ```
/// use lmr::{sample::{number, Problem}, units::VolumeUnit};
/// assert_eq!(number::volume(1.5, Some(VolumeUnit::L))?.in_millilitres(), 1500.0);
/// assert_eq!(number::volume(-0.0, Some(VolumeUnit::L)).unwrap_err(), Problem::NegativeZero); // as "-0"
/// # Ok::<(), Problem>(())
/// ```
pub fn volume(x: f64, u: Option<VolumeUnit>) -> Result<Volume, Problem> {
    quantity(x, u, VolumeUnit::EXPECTED, Volume::new)
}

/// An oral dose (anhydrous), as [`super::parse::dose`] reads the number as text.
///
/// # Errors
/// As [`concentration`], and [`Problem::ZeroDose`].
///
/// ```
/// use lmr::{sample::{number, Problem}, sugar::DoseForm, units::MassUnit};
/// let d = number::dose(5.0, Some(MassUnit::G))?;
/// assert_eq!((d.mass.in_milligrams(), d.form), (5000.0, DoseForm::Anhydrous));
/// assert_eq!(number::dose(0.0, Some(MassUnit::G)).unwrap_err(), Problem::ZeroDose);
/// # Ok::<(), Problem>(())
/// ```
pub fn dose(x: f64, u: Option<MassUnit>) -> Result<Dose, Problem> {
    let mass = quantity(x, u, MassUnit::EXPECTED, Mass::new)?;
    if mass.value() == 0.0 {
        return Err(Problem::ZeroDose);
    }
    Ok(Dose {
        mass,
        form: Default::default(),
    })
}

/// The urine collection window, as [`super::parse::collection`] reads the number as text.
///
/// # Errors
/// As [`concentration`].
///
/// ```
/// use lmr::{sample::number, units::DurationUnit};
/// assert_eq!(number::collection(300.0, Some(DurationUnit::Min))?.in_hours(), 5.0); // 300 / 60
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub fn collection(x: f64, u: Option<DurationUnit>) -> Result<Duration, Problem> {
    quantity(x, u, DurationUnit::EXPECTED, Duration::new)
}

/// An age (in `u`, years when `None`), as [`super::parse::age`] reads the number as text.
///
/// # Errors
/// [`Problem::NotFinite`], [`Problem::Negative`], [`Problem::NegativeZero`],
/// [`Problem::Underflow`].
///
/// ```
/// use lmr::{sample::{number, Problem}, units::AgeUnit};
/// assert_eq!(number::age(18.0, Some(AgeUnit::Months))?.in_years(), 1.5); // 18 / 12
/// assert_eq!(number::age(35.0, None)?.to_string(), "35 y"); // years when no unit is given
/// assert_eq!(number::age(-0.0, None), Err(Problem::NegativeZero));
/// assert_eq!(number::age(f64::NAN, None), Err(Problem::NotFinite));
/// # Ok::<(), Problem>(())
/// ```
pub fn age(x: f64, u: Option<AgeUnit>) -> Result<Age, Problem> {
    let x = amount(x)?;
    edges(x)?;
    Age::new(x, u.unwrap_or(AgeUnit::Years)).map_err(|e| Problem::from_unit(e, "35"))
}

/// Serum 25(OH)D, as [`super::parse::vitamin_d`] reads the number as text.
///
/// # Errors
/// As [`concentration`], [`Problem::VitaminDUnit`], [`Problem::TooLarge`].
///
/// ```
/// use lmr::{sample::{number, parse::Reading, Problem}, units::ConcentrationUnit, vitamin_d::VitaminDForm};
/// let Reading::Value(d) = number::vitamin_d(50.0, Some(ConcentrationUnit::NmolPerL), VitaminDForm::D3)? else { panic!() };
/// assert_eq!(d.in_nmol_per_l(), 50.0); // nmol/L as given: no round trip
/// let e = number::vitamin_d(50.0, Some(ConcentrationUnit::MgPerDl), VitaminDForm::D3).unwrap_err();
/// assert_eq!(e, Problem::VitaminDUnit);
/// # Ok::<(), Problem>(())
/// ```
pub fn vitamin_d(
    x: f64,
    u: Option<ConcentrationUnit>,
    form: VitaminDForm,
) -> Result<Reading<VitaminD>, Problem> {
    let c = quantity(x, u, ConcentrationUnit::EXPECTED, Concentration::new)?;
    VitaminD::new(c, form)
        .map(Reading::Value)
        .map_err(vitamin_d_problem)
}

/// Zonulin, as [`super::parse::zonulin`] reads the number as text.
///
/// # Errors
/// As [`concentration`], [`Problem::MissingMatrix`], [`Problem::UnitMatrix`].
///
/// ```
/// use lmr::{sample::{number, parse::Reading, Problem}, zonulin::ZonulinUnit, Matrix};
/// let Reading::Value(z) = number::zonulin(61.0, Some(ZonulinUnit::NgPerG), Some(Matrix::Stool))? else { panic!() };
/// assert_eq!((z.value(), z.matrix()), (61.0, Matrix::Stool));
/// assert_eq!(number::zonulin(61.0, Some(ZonulinUnit::NgPerG), None).unwrap_err(), Problem::MissingMatrix);
/// # Ok::<(), Problem>(())
/// ```
pub fn zonulin(
    x: f64,
    u: Option<ZonulinUnit>,
    matrix: Option<Matrix>,
) -> Result<Reading<Zonulin>, Problem> {
    let x = amount(x)?;
    let u = unit(u, ZONULIN_UNITS)?;
    let matrix = matrix.ok_or(Problem::MissingMatrix)?;
    let z = Zonulin::new(x, u, matrix).map_err(zonulin_problem)?;
    edges(z.value())?;
    Ok(Reading::Value(z))
}

#[cfg(test)]
mod tests {
    //! Each reader against the text parser given the number's shortest text (what a data
    //! frame's number was turned into before): the same value or the same problem.
    use super::*;
    use crate::sample::parse;
    use proptest::prelude::*;

    /// Doubles of every kind: lab decimals, integers, negatives, ±0, subnormals, NaN, ±∞.
    fn doubles() -> impl Strategy<Value = f64> {
        prop_oneof![
            (0u32..100_000_000, 0u32..6).prop_map(|(m, p)| m as f64 / 10f64.powi(p as i32)),
            any::<f64>(),
            (-1_000_000i64..1_000_000).prop_map(|i| i as f64),
            Just(0.0),
            Just(-0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MIN_POSITIVE / 4.0),
            Just(1e308),
        ]
    }

    fn text(x: f64) -> String {
        ryu::Buffer::new().format(x).to_string()
    }

    fn same<T: std::fmt::Debug>(a: Result<T, Problem>, b: Result<T, Problem>) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    proptest! {
        #[test]
        fn numbers_read_as_their_text(x in doubles()) {
            let t = text(x);
            for u in [None, Some(ConcentrationUnit::MgPerL), Some(ConcentrationUnit::NmolPerL)] {
                same(concentration(x, u), parse::concentration(&t, u));
                for form in [VitaminDForm::Total, VitaminDForm::D2] {
                    same(vitamin_d(x, u, form), parse::vitamin_d(&t, u, form));
                }
            }
            for u in [None, Some(VolumeUnit::Ml), Some(VolumeUnit::L)] {
                same(volume(x, u), parse::volume(&t, u));
            }
            for u in [None, Some(MassUnit::G), Some(MassUnit::Mg)] {
                same(dose(x, u), parse::dose(&t, u));
            }
            for u in [None, Some(DurationUnit::H), Some(DurationUnit::Min)] {
                same(collection(x, u), parse::collection(&t, u));
            }
            for u in [None, Some(AgeUnit::Months)] {
                same(age(x, u), parse::age(&t, u));
            }
            for u in [None, Some(ZonulinUnit::NgPerMl), Some(ZonulinUnit::NgPerG)] {
                for m in [None, Some(Matrix::Serum), Some(Matrix::Stool)] {
                    same(zonulin(x, u, m), parse::zonulin(&t, u, m));
                }
            }
        }
    }

    #[test]
    fn the_usual_problems() {
        // 1857 mL = 1.857 L; 5 g; -40 mL and a zero dose refused; 18 months = 1.5 years
        assert_eq!(
            volume(1857.0, Some(VolumeUnit::Ml)).unwrap().in_litres(),
            1.857
        );
        assert_eq!(
            volume(-40.0, Some(VolumeUnit::Ml)).unwrap_err(),
            Problem::Negative
        );
        assert_eq!(dose(0.0, Some(MassUnit::G)).unwrap_err(), Problem::ZeroDose);
        assert_eq!(age(18.0, Some(AgeUnit::Months)).map(Age::in_years), Ok(1.5));
        assert_eq!(
            concentration(9.21, None).unwrap_err().to_string(),
            parse::concentration("9.21", None).unwrap_err().to_string()
        );
    }
}
