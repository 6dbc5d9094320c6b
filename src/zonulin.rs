//! Zonulin (zonulin-family-peptide immunoreactivity): a value that always carries its matrix.
//!
//! Serum results are reported in ng/mL (= µg/L); stool results in ng/g of stool or ng/mL of
//! extract, depending on the lab. A value is never converted between matrices, and a lab's range
//! applies only to values of its own matrix and unit dimension. `lmr` ships no "normal" range: the
//! commercial ELISAs do not detect pre-haptoglobin-2 (Scheffler 2018; Ajamian 2019), so every
//! zonulin result carries those caveats.
//!
//! ```
//! use lmr::reference::Matrix;
//! use lmr::zonulin::Zonulin;
//! let z = Zonulin::parse("46 ng/mL", None, Some(Matrix::Serum))?;
//! assert_eq!(z.to_string(), "46 ng/mL (serum)");
//! assert!(Zonulin::parse("46 ng/mL", None, None).is_err()); // the matrix is required
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::reference::{Matrix, RangeUnit};
use crate::units::{split_number, ConcentrationUnit, UnitError};

/// A unit zonulin is reported in.
///
/// ```
/// use lmr::zonulin::ZonulinUnit;
///
/// assert_eq!(ZonulinUnit::UgPerL.to_string(), "µg/L");
/// assert_eq!(ZonulinUnit::ALL.len(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZonulinUnit {
    /// Nanograms per millilitre (serum, or stool extract).
    NgPerMl,
    /// Micrograms per litre (= ng/mL).
    UgPerL,
    /// Nanograms per gram of stool.
    NgPerG,
}

impl ZonulinUnit {
    /// Every unit zonulin may be given in, in display order.
    ///
    /// ```
    /// use lmr::zonulin::ZonulinUnit;
    /// let names: Vec<String> = ZonulinUnit::ALL.iter().map(|u| u.to_string()).collect();
    /// assert_eq!(names, ["ng/mL", "µg/L", "ng/g"]);
    /// ```
    pub const ALL: &'static [ZonulinUnit] = &[
        ZonulinUnit::NgPerMl,
        ZonulinUnit::UgPerL,
        ZonulinUnit::NgPerG,
    ];

    /// Looks a spelling up (`ng/mL`, `ug/L`, `µg/L`, `ng/g`).
    ///
    /// ```
    /// use lmr::zonulin::ZonulinUnit;
    ///
    /// assert_eq!(ZonulinUnit::lookup("NG/G"), Some(ZonulinUnit::NgPerG));
    /// assert_eq!(ZonulinUnit::lookup("ug/l"), Some(ZonulinUnit::UgPerL));
    /// assert_eq!(ZonulinUnit::lookup("mg/L"), None); // a concentration zonulin is not reported in
    /// ```
    pub fn lookup(text: &str) -> Option<ZonulinUnit> {
        if text.trim().eq_ignore_ascii_case("ng/g") {
            return Some(ZonulinUnit::NgPerG);
        }
        match ConcentrationUnit::lookup(text)? {
            ConcentrationUnit::NgPerMl => Some(ZonulinUnit::NgPerMl),
            ConcentrationUnit::UgPerL => Some(ZonulinUnit::UgPerL),
            _ => None,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            ZonulinUnit::NgPerMl => "ng/mL",
            ZonulinUnit::UgPerL => "µg/L",
            ZonulinUnit::NgPerG => "ng/g",
        }
    }
}

impl fmt::Display for ZonulinUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A zonulin input or range choice that cannot be used.
///
/// ```
/// use lmr::reference::Matrix;
/// use lmr::zonulin::{Zonulin, ZonulinError};
///
/// let e = Zonulin::parse("46 ng/g", None, Some(Matrix::Serum)).unwrap_err();
/// assert_eq!(e, ZonulinError::UnitMatrix { value: "46 ng/g (serum)".into() });
/// assert_eq!(e.to_string(), "46 ng/g (serum): ng/g is a stool unit, but the matrix is serum");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ZonulinError {
    /// The value did not parse.
    #[error(transparent)]
    Value(#[from] UnitError),
    /// A unit zonulin is not reported in.
    #[error("{}: unknown zonulin unit {} (expected ng/mL, µg/L or ng/g)", crate::files::Quoted(.text), crate::files::Quoted(.unit))]
    Unit {
        /// The text.
        text: String,
        /// The unit part.
        unit: String,
    },
    /// No matrix was given.
    #[error("zonulin value {0:?} has no matrix: say whether it is serum or stool (values are never comparable across matrices)")]
    MissingMatrix(String),
    /// A matrix that is not serum or stool.
    #[error("{0:?}: unknown zonulin matrix (expected serum or stool)")]
    UnknownMatrix(String),
    /// ng/g given for serum.
    #[error("{value}: ng/g is a stool unit, but the matrix is serum")]
    UnitMatrix {
        /// The value.
        value: String,
    },
    /// A range for the other matrix (or an incompatible unit) was chosen.
    #[error("zonulin range {range:?} is for {range_matrix} in {range_unit}; the value is {value}: refused (zonulin is never compared across matrices or converted between ng/g and ng/mL)")]
    RangeMismatch {
        /// The range id.
        range: String,
        /// The range's matrix.
        range_matrix: Matrix,
        /// The range's unit.
        range_unit: RangeUnit,
        /// The value with its matrix.
        value: String,
    },
}

/// A zonulin result: value, unit and matrix.
///
/// ```
/// use lmr::reference::Matrix;
/// use lmr::zonulin::{Zonulin, ZonulinUnit};
///
/// let z = Zonulin::parse("112 ng/g", None, Some(Matrix::Stool))?;
/// assert_eq!(z.value(), 112.0);
/// assert_eq!(z.unit(), ZonulinUnit::NgPerG);
/// assert_eq!(z.matrix(), Matrix::Stool);
/// assert_eq!(z.to_string(), "112 ng/g (stool)");
/// # Ok::<(), lmr::zonulin::ZonulinError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Zonulin {
    value: f64,
    unit: ZonulinUnit,
    matrix: Matrix,
}

impl Zonulin {
    /// Parses a value; a bare number takes `default_unit`. The matrix is required.
    ///
    /// # Errors
    /// [`ZonulinError::MissingMatrix`] without a matrix, [`ZonulinError::UnknownMatrix`] for urine,
    /// [`ZonulinError::UnitMatrix`] for ng/g in serum, and the value's parse errors.
    ///
    /// ```
    /// use lmr::reference::Matrix;
    /// use lmr::zonulin::{Zonulin, ZonulinError, ZonulinUnit};
    ///
    /// // a bare number takes the default unit (a CSV column `zonulin [ng/mL]`)
    /// let z = Zonulin::parse("46", Some(ZonulinUnit::NgPerMl), Some(Matrix::Serum))?;
    /// assert_eq!(z.to_string(), "46 ng/mL (serum)");
    /// assert!(matches!(
    ///     Zonulin::parse("46 ng/mL", None, Some(Matrix::Urine)),
    ///     Err(ZonulinError::UnknownMatrix(_))
    /// ));
    /// assert!(matches!(
    ///     Zonulin::parse("46 mg/dL", None, Some(Matrix::Serum)),
    ///     Err(ZonulinError::Unit { .. })
    /// ));
    /// # Ok::<(), ZonulinError>(())
    /// ```
    pub fn parse(
        text: &str,
        default_unit: Option<ZonulinUnit>,
        matrix: Option<Matrix>,
    ) -> Result<Zonulin, ZonulinError> {
        if crate::units::trim(text).is_empty() {
            return Err(UnitError::Empty {
                example: "46 ng/mL",
            }
            .into());
        }
        let (value, unit_text) = split_number(text)?;
        let unit = if unit_text.is_empty() {
            default_unit.ok_or_else(|| UnitError::MissingUnit {
                text: text.to_string(),
                expected: "ng/mL, µg/L, ng/g",
            })?
        } else {
            ZonulinUnit::lookup(unit_text).ok_or_else(|| ZonulinError::Unit {
                text: text.to_string(),
                unit: unit_text.to_string(),
            })?
        };
        let matrix = matrix.ok_or_else(|| ZonulinError::MissingMatrix(text.to_string()))?;
        Zonulin::new(value, unit, matrix)
    }

    /// A result from its parts.
    ///
    /// # Errors
    /// As [`Zonulin::parse`].
    ///
    /// ```
    /// use lmr::reference::Matrix;
    /// use lmr::zonulin::{Zonulin, ZonulinUnit};
    ///
    /// let z = Zonulin::new(46.0, ZonulinUnit::UgPerL, Matrix::Serum)?;
    /// assert_eq!(z.to_string(), "46 µg/L (serum)");
    /// assert!(Zonulin::new(-1.0, ZonulinUnit::NgPerMl, Matrix::Serum).is_err());
    /// # Ok::<(), lmr::zonulin::ZonulinError>(())
    /// ```
    pub fn new(value: f64, unit: ZonulinUnit, matrix: Matrix) -> Result<Zonulin, ZonulinError> {
        if !value.is_finite() || value < 0.0 {
            // The text is built only for the error (a batch calls this once per row).
            crate::units::check_amount(value, &format!("{value} {unit}"))?;
        }
        if matrix == Matrix::Urine {
            return Err(ZonulinError::UnknownMatrix(matrix.to_string()));
        }
        let z = Zonulin {
            value,
            unit,
            matrix,
        };
        if unit == ZonulinUnit::NgPerG && matrix == Matrix::Serum {
            return Err(ZonulinError::UnitMatrix {
                value: z.to_string(),
            });
        }
        Ok(z)
    }

    /// The value as reported.
    ///
    /// ```
    /// use lmr::zonulin::{Zonulin, ZonulinUnit};
    /// let z = Zonulin::new(46.0, ZonulinUnit::UgPerL, lmr::Matrix::Serum)?;
    /// assert_eq!(z.value(), 46.0); // as reported, not converted
    /// # Ok::<(), lmr::zonulin::ZonulinError>(())
    /// ```
    pub fn value(self) -> f64 {
        self.value
    }

    /// The unit as reported.
    ///
    /// ```
    /// use lmr::zonulin::{Zonulin, ZonulinUnit};
    /// let z = Zonulin::new(61.0, ZonulinUnit::NgPerG, lmr::Matrix::Stool)?;
    /// assert_eq!(z.unit(), ZonulinUnit::NgPerG);
    /// assert!(Zonulin::new(61.0, ZonulinUnit::NgPerG, lmr::Matrix::Serum).is_err()); // a stool unit
    /// # Ok::<(), lmr::zonulin::ZonulinError>(())
    /// ```
    pub fn unit(self) -> ZonulinUnit {
        self.unit
    }

    /// The matrix.
    ///
    /// ```
    /// use lmr::zonulin::{Zonulin, ZonulinUnit};
    /// let z = Zonulin::new(46.0, ZonulinUnit::NgPerMl, lmr::Matrix::Serum)?;
    /// assert_eq!(z.matrix(), lmr::Matrix::Serum);
    /// # Ok::<(), lmr::zonulin::ZonulinError>(())
    /// ```
    pub fn matrix(self) -> Matrix {
        self.matrix
    }

    /// The value in a range's unit, if the range is for this matrix and a compatible unit.
    ///
    /// # Errors
    /// [`ZonulinError::RangeMismatch`] for a range of the other matrix or an incompatible unit.
    ///
    /// ```
    /// use lmr::reference::{Matrix, RangeUnit};
    /// use lmr::units::ConcentrationUnit;
    /// use lmr::zonulin::{Zonulin, ZonulinError};
    ///
    /// let z = Zonulin::parse("46 µg/L", None, Some(Matrix::Serum))?;
    /// let ng_ml = RangeUnit::Concentration(ConcentrationUnit::NgPerMl);
    /// assert_eq!(z.in_range_unit("lab-serum", Matrix::Serum, ng_ml)?, 46.0); // 1 µg/L = 1 ng/mL
    /// // a stool range is never applied to a serum value
    /// assert!(matches!(
    ///     z.in_range_unit("lab-stool", Matrix::Stool, RangeUnit::NgPerG),
    ///     Err(ZonulinError::RangeMismatch { .. })
    /// ));
    /// # Ok::<(), ZonulinError>(())
    /// ```
    pub fn in_range_unit(
        self,
        range_id: &str,
        range_matrix: Matrix,
        unit: RangeUnit,
    ) -> Result<f64, ZonulinError> {
        // ng/mL and µg/L are the same quantity; ng/g (stool) is another one, and no other
        // concentration unit is compared without a conversion (a range is never converted).
        let compatible = matches!(
            (self.unit, unit),
            (ZonulinUnit::NgPerG, RangeUnit::NgPerG)
                | (
                    ZonulinUnit::NgPerMl | ZonulinUnit::UgPerL,
                    RangeUnit::Concentration(
                        ConcentrationUnit::NgPerMl | ConcentrationUnit::UgPerL
                    )
                )
        );
        if range_matrix != self.matrix || !compatible {
            return Err(ZonulinError::RangeMismatch {
                range: range_id.to_string(),
                range_matrix,
                range_unit: unit,
                value: self.to_string(),
            });
        }
        // ng/mL and µg/L are the same quantity (1 ng/mL = 1 µg/L).
        Ok(self.value)
    }
}

impl fmt::Display for Zonulin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.value, self.unit, self.matrix)
    }
}

/// Haptoglobin genotype.
///
/// ```
/// use lmr::zonulin::HpGenotype;
///
/// assert_eq!("Hp 1-2".parse::<HpGenotype>()?, HpGenotype::Hp21);
/// assert_eq!("hp2/2".parse::<HpGenotype>()?, HpGenotype::Hp22);
/// # Ok::<(), lmr::zonulin::UnknownGenotype>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HpGenotype {
    /// HP1-1: cannot make pre-haptoglobin-2.
    Hp11,
    /// HP2-1.
    Hp21,
    /// HP2-2.
    Hp22,
}

/// An unknown genotype spelling.
///
/// ```
/// use lmr::zonulin::{HpGenotype, UnknownGenotype};
///
/// assert_eq!("3-3".parse::<HpGenotype>(), Err(UnknownGenotype("3-3".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?}: unknown haptoglobin genotype (expected 1-1, 2-1 or 2-2)")]
pub struct UnknownGenotype(pub String);

impl FromStr for HpGenotype {
    type Err = UnknownGenotype;
    fn from_str(s: &str) -> Result<Self, UnknownGenotype> {
        let t = s.trim().to_ascii_lowercase().replace(['/', ' '], "-");
        // "Hp 2-1" and "Hp-2-1" as well as "Hp2-1": the separator after "Hp" is not part of it
        match t.trim_start_matches("hp").trim_start_matches('-') {
            "1-1" | "11" => Ok(HpGenotype::Hp11),
            "2-1" | "1-2" | "21" | "12" => Ok(HpGenotype::Hp21),
            "2-2" | "22" => Ok(HpGenotype::Hp22),
            _ => Err(UnknownGenotype(s.to_string())),
        }
    }
}

impl fmt::Display for HpGenotype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HpGenotype::Hp11 => "1-1",
            HpGenotype::Hp21 => "2-1",
            HpGenotype::Hp22 => "2-2",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_is_required_and_checked() {
        let e = Zonulin::parse("46 ng/mL", None, None).unwrap_err();
        assert!(matches!(e, ZonulinError::MissingMatrix(_)));
        let e = Zonulin::parse("61 ng/g", None, Some(Matrix::Serum)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "61 ng/g (serum): ng/g is a stool unit, but the matrix is serum"
        );
        assert!(Zonulin::parse("-1 ng/mL", None, Some(Matrix::Serum)).is_err());
    }

    #[test]
    fn never_crosses_matrices() {
        let z = Zonulin::parse("50 ng/mL", None, Some(Matrix::Serum)).unwrap();
        let e = z
            .in_range_unit("enterosan-stool", Matrix::Stool, RangeUnit::NgPerG)
            .unwrap_err();
        assert!(e
            .to_string()
            .starts_with("zonulin range \"enterosan-stool\" is for stool in ng/g"));
        let v = z
            .in_range_unit(
                "medics-ch-serum",
                Matrix::Serum,
                RangeUnit::Concentration(ConcentrationUnit::UgPerL),
            )
            .unwrap();
        assert_eq!(v, 50.0); // 1 ng/mL = 1 µg/L
    }

    #[test]
    fn only_ng_per_ml_and_ug_per_l_compare_unconverted() {
        // A per-volume value is compared only with a ng/mL or µg/L range (the same quantity);
        // any other concentration unit would need a conversion, which zonulin never gets.
        let z = Zonulin::parse("50 µg/L", None, Some(Matrix::Serum)).unwrap();
        let r = |u| z.in_range_unit("r", Matrix::Serum, RangeUnit::Concentration(u));
        assert_eq!(r(ConcentrationUnit::NgPerMl).unwrap(), 50.0);
        assert_eq!(r(ConcentrationUnit::UgPerL).unwrap(), 50.0);
        assert!(matches!(
            r(ConcentrationUnit::MgPerL),
            Err(ZonulinError::RangeMismatch { .. })
        ));
        // ng/g only with ng/g, and only for stool
        let stool = Zonulin::parse("61 ng/g", None, Some(Matrix::Stool)).unwrap();
        assert_eq!(
            stool
                .in_range_unit("r", Matrix::Stool, RangeUnit::NgPerG)
                .unwrap(),
            61.0
        );
        let per_ml = stool.in_range_unit(
            "r",
            Matrix::Stool,
            RangeUnit::Concentration(ConcentrationUnit::NgPerMl),
        );
        assert!(per_ml.is_err());
    }

    #[test]
    fn genotypes_parse() {
        assert_eq!("1-1".parse::<HpGenotype>().unwrap(), HpGenotype::Hp11);
        assert_eq!("HP2-1".parse::<HpGenotype>().unwrap(), HpGenotype::Hp21);
        assert_eq!("2/2".parse::<HpGenotype>().unwrap(), HpGenotype::Hp22);
        assert!("3-3".parse::<HpGenotype>().is_err());
        // with a space or hyphen after "Hp", as papers write it
        assert_eq!("Hp 2-2".parse::<HpGenotype>().unwrap(), HpGenotype::Hp22);
        assert_eq!("Hp-1-1".parse::<HpGenotype>().unwrap(), HpGenotype::Hp11);
    }
}
