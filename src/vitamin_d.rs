//! Serum 25-hydroxyvitamin D: units, the D3/D2 conversion, and classification under named schemes.
//!
//! Each guideline is a separate scheme file in `reference-ranges/vitamin-d/`, with its cut-offs in
//! the scheme's **native unit** and each bound inclusive or exclusive as the source words it. The
//! value is converted into the scheme's unit, then classified; a value within conversion rounding
//! of a bound is flagged `near_boundary`, because guidelines pair 50 nmol/L with 20 ng/mL although
//! 20 ng/mL is 49.92 nmol/L.
//!
//! ```text
//! nmol/L = ng/mL × 1000 ÷ M        M(25(OH)D3) = 400.64 g/mol → × 2.496
//!                                  M(25(OH)D2) = 412.66 g/mol → × 2.423
//! ```
//!
//! ```
//! use lmr::vitamin_d::{VitaminD, VitaminDForm};
//! let d = VitaminD::new("20 ng/mL".parse()?, VitaminDForm::Total)?;
//! approx::assert_relative_eq!(d.in_nmol_per_l(), 49.920_13, max_relative = 1e-6);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::units::{Concentration, ConcentrationUnit, MolarMass};

/// Molar mass of 25-hydroxyvitamin D3 (calcifediol, C27H44O2), g/mol.
///
/// # Source
/// 400.647 from standard atomic weights \[computed\]; converter pages list 400.64 ("Vitamin D (25-OH)
/// 400.64 g/mol; 100 mcg/L → 249.6 nmol/L", devutl.com) [V-sec].
///
/// ```
/// // C27H44O2: 27 × 12.011 + 44 × 1.008 + 2 × 15.999 = 324.297 + 44.352 + 31.998 = 400.647
/// assert!((lmr::vitamin_d::MOLAR_MASS_25OH_D3.in_g_per_mol() - 400.647).abs() < 0.01);
/// ```
pub const MOLAR_MASS_25OH_D3: MolarMass = MolarMass::from_checked(400.64);

/// Molar mass of 25-hydroxyvitamin D2 (ercalcidiol, C28H44O2), g/mol.
///
/// # Source
/// From standard atomic weights \[computed\] (factor 2.423).
///
/// ```
/// // C28H44O2: 28 × 12.011 + 44 × 1.008 + 2 × 15.999 = 336.308 + 44.352 + 31.998 = 412.658
/// assert!((lmr::vitamin_d::MOLAR_MASS_25OH_D2.in_g_per_mol() - 412.658).abs() < 0.01);
/// ```
pub const MOLAR_MASS_25OH_D2: MolarMass = MolarMass::from_checked(412.66);

/// Which 25(OH)D was measured.
///
/// ```
/// use lmr::vitamin_d::VitaminDForm;
///
/// assert_eq!("25(OH)D2".parse::<VitaminDForm>()?, VitaminDForm::D2);
/// assert_eq!("".parse::<VitaminDForm>()?, VitaminDForm::Total); // unstated: total
/// assert_eq!(VitaminDForm::D3.to_string(), "d3");
/// assert!("D4".parse::<VitaminDForm>().is_err());
/// # Ok::<(), lmr::vitamin_d::VitaminDError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VitaminDForm {
    /// Total 25(OH)D (D2 + D3): converted as D3, and the result says so in a caveat.
    #[default]
    Total,
    /// 25(OH)D3 only.
    D3,
    /// 25(OH)D2 only.
    D2,
}

impl VitaminDForm {
    /// The molar mass used for ng/mL ↔ nmol/L.
    ///
    /// ```
    /// use lmr::vitamin_d::VitaminDForm;
    ///
    /// // total 25(OH)D is converted as D3 (the larger share in most sera)
    /// assert_eq!(VitaminDForm::Total.molar_mass(), VitaminDForm::D3.molar_mass());
    /// assert_eq!(VitaminDForm::D2.molar_mass(), lmr::vitamin_d::MOLAR_MASS_25OH_D2);
    /// ```
    pub fn molar_mass(self) -> MolarMass {
        match self {
            VitaminDForm::Total | VitaminDForm::D3 => MOLAR_MASS_25OH_D3,
            VitaminDForm::D2 => MOLAR_MASS_25OH_D2,
        }
    }

    /// `total`, `d3` or `d2`.
    ///
    /// ```
    /// assert_eq!(lmr::vitamin_d::VitaminDForm::Total.key(), "total");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            VitaminDForm::Total => "total",
            VitaminDForm::D3 => "d3",
            VitaminDForm::D2 => "d2",
        }
    }
}

impl fmt::Display for VitaminDForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for VitaminDForm {
    type Err = VitaminDError;
    fn from_str(s: &str) -> Result<Self, VitaminDError> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['(', ')', ' '], "")
            .as_str()
        {
            "total" | "" => Ok(VitaminDForm::Total),
            "d3" | "25ohd3" => Ok(VitaminDForm::D3),
            "d2" | "25ohd2" => Ok(VitaminDForm::D2),
            _ => Err(VitaminDError::UnknownForm(s.to_string())),
        }
    }
}

/// A vitamin D input that cannot be used.
///
/// ```
/// use lmr::vitamin_d::{VitaminD, VitaminDError, VitaminDForm};
///
/// let e = VitaminD::new("20 mg/L".parse()?, VitaminDForm::Total).unwrap_err();
/// assert_eq!(e, VitaminDError::Unit("20 mg/L".into()));
/// assert_eq!(e.to_string(), "20 mg/L: 25(OH)D is reported in nmol/L, ng/mL or µg/L");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum VitaminDError {
    /// A concentration unit that 25(OH)D is not reported in.
    #[error("{0}: 25(OH)D is reported in nmol/L, ng/mL or µg/L")]
    Unit(String),
    /// A value too large to convert to nmol/L (e.g. `1e308 ng/mL`).
    #[error("too large to convert to nmol/L")]
    OutOfRange,
    /// An unknown form.
    #[error("{0:?}: unknown vitamin D form (expected total, d3 or d2)")]
    UnknownForm(String),
}

/// A serum 25(OH)D result.
///
/// ```
/// use lmr::vitamin_d::{VitaminD, VitaminDForm};
///
/// let d = VitaminD::new("75 nmol/L".parse()?, VitaminDForm::D3)?;
/// assert_eq!(d.reported().to_string(), "75 nmol/L");
/// assert_eq!(d.form(), VitaminDForm::D3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VitaminD {
    value: Concentration,
    form: VitaminDForm,
}

impl VitaminD {
    /// A result from its concentration and form.
    ///
    /// # Errors
    /// [`VitaminDError::Unit`] unless the unit is nmol/L, ng/mL or µg/L;
    /// [`VitaminDError::OutOfRange`] when the value in nmol/L is not a finite number.
    ///
    /// ```
    /// use lmr::vitamin_d::{VitaminD, VitaminDError, VitaminDForm};
    ///
    /// assert!(VitaminD::new("30 µg/L".parse()?, VitaminDForm::Total).is_ok());
    /// assert!(matches!(
    ///     VitaminD::new("30 mmol/L".parse()?, VitaminDForm::Total),
    ///     Err(VitaminDError::Unit(_))
    /// ));
    /// // 1e308 ng/mL × 1000 ÷ 400.64 overflows
    /// assert_eq!(
    ///     VitaminD::new("1e308 ng/mL".parse()?, VitaminDForm::Total).unwrap_err(),
    ///     VitaminDError::OutOfRange
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(value: Concentration, form: VitaminDForm) -> Result<VitaminD, VitaminDError> {
        match value.unit() {
            ConcentrationUnit::NmolPerL
            | ConcentrationUnit::NgPerMl
            | ConcentrationUnit::UgPerL => {
                let v = VitaminD { value, form };
                if v.in_nmol_per_l().is_finite() {
                    Ok(v)
                } else {
                    Err(VitaminDError::OutOfRange)
                }
            }
            _ => Err(VitaminDError::Unit(value.to_string())),
        }
    }

    /// The value as reported.
    ///
    /// ```
    /// use lmr::vitamin_d::{VitaminD, VitaminDForm};
    /// let d = VitaminD::new("20 ng/mL".parse()?, VitaminDForm::Total)?;
    /// assert_eq!(d.reported().to_string(), "20 ng/mL"); // as given, not converted
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reported(self) -> Concentration {
        self.value
    }

    /// The form.
    ///
    /// ```
    /// use lmr::vitamin_d::{VitaminD, VitaminDForm};
    /// let d = VitaminD::new("50 nmol/L".parse()?, VitaminDForm::D2)?;
    /// assert_eq!(d.form(), VitaminDForm::D2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn form(self) -> VitaminDForm {
        self.form
    }

    /// The value in nmol/L: as reported when reported in nmol/L (no round trip through another
    /// unit, so 30 nmol/L stays exactly 30 at a bound), else ng/mL × 1000 ÷ molar mass.
    ///
    /// ```
    /// use lmr::vitamin_d::{VitaminD, VitaminDForm};
    ///
    /// // 20 ng/mL × 1000 ÷ 412.66 g/mol (25(OH)D2) = 48.46605 nmol/L
    /// let d2 = VitaminD::new("20 ng/mL".parse()?, VitaminDForm::D2)?;
    /// approx::assert_relative_eq!(d2.in_nmol_per_l(), 48.466049532, max_relative = 1e-10);
    /// // reported in nmol/L: unchanged
    /// assert_eq!(VitaminD::new("30 nmol/L".parse()?, VitaminDForm::D3)?.in_nmol_per_l(), 30.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_nmol_per_l(self) -> f64 {
        match self.value.unit() {
            ConcentrationUnit::NmolPerL => self.value.value(),
            // 1 ng/mL = 1 µg/L = 1000 / M nmol/L (standard atomic weights)
            ConcentrationUnit::NgPerMl | ConcentrationUnit::UgPerL => {
                self.value.value() * 1000.0 / self.form.molar_mass().in_g_per_mol()
            }
            _ => {
                self.value
                    .in_mmol_per_l(self.form.molar_mass().in_g_per_mol())
                    * 1e6
            }
        }
    }

    /// The value in ng/mL (= µg/L): as reported when reported in ng/mL or µg/L, else
    /// nmol/L × molar mass ÷ 1000.
    ///
    /// ```
    /// use lmr::vitamin_d::{VitaminD, VitaminDForm};
    ///
    /// // 50 nmol/L × 400.64 g/mol ÷ 1000 = 20.032 ng/mL
    /// let d = VitaminD::new("50 nmol/L".parse()?, VitaminDForm::Total)?;
    /// approx::assert_relative_eq!(d.in_ng_per_ml(), 20.032, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_ng_per_ml(self) -> f64 {
        match self.value.unit() {
            ConcentrationUnit::NgPerMl | ConcentrationUnit::UgPerL => self.value.value(),
            ConcentrationUnit::NmolPerL => {
                self.value.value() * self.form.molar_mass().in_g_per_mol() / 1000.0
            }
            _ => {
                self.value
                    .in_mg_per_l(Some(self.form.molar_mass().in_g_per_mol()))
                    .unwrap_or(f64::NAN)
                    * 1e3
            }
        }
    }

    /// The value in a scheme's native unit (nmol/L, ng/mL or µg/L); `None` for other units.
    ///
    /// ```
    /// use lmr::units::ConcentrationUnit;
    /// use lmr::vitamin_d::{VitaminD, VitaminDForm};
    ///
    /// let d = VitaminD::new("30 ng/mL".parse()?, VitaminDForm::D3)?;
    /// assert_eq!(d.in_unit(ConcentrationUnit::UgPerL), Some(30.0)); // 1 ng/mL = 1 µg/L
    /// // 30 × 1000 ÷ 400.64 = 74.88019 nmol/L
    /// approx::assert_relative_eq!(
    ///     d.in_unit(ConcentrationUnit::NmolPerL).unwrap(), 74.880191693, max_relative = 1e-10
    /// );
    /// assert_eq!(d.in_unit(ConcentrationUnit::MgPerL), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_unit(self, unit: ConcentrationUnit) -> Option<f64> {
        match unit {
            ConcentrationUnit::NmolPerL => Some(self.in_nmol_per_l()),
            ConcentrationUnit::NgPerMl | ConcentrationUnit::UgPerL => Some(self.in_ng_per_ml()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn vd(text: &str, form: VitaminDForm) -> VitaminD {
        VitaminD::new(text.parse().unwrap(), form).unwrap()
    }

    #[test]
    fn science_b1_exact_conversions() {
        // hand-worked with 400.64 g/mol: 20 ng/mL = 49.92; 30 = 74.88; 50 = 124.80; 150 = 374.40 nmol/L (× 1000/400.64)
        for (ng, nmol) in [
            (20.0, 49.92),
            (30.0, 74.88),
            (50.0, 124.80),
            (150.0, 374.40),
        ] {
            let d = vd(&format!("{ng} ng/mL"), VitaminDForm::Total);
            assert_relative_eq!(d.in_nmol_per_l(), nmol, epsilon = 0.005);
        }
        // and back: 25 nmol/L = 10.02 ng/mL; 50 = 20.03; 75 = 30.05; 250 = 100.16
        for (nmol, ng) in [(25.0, 10.02), (50.0, 20.03), (75.0, 30.05), (250.0, 100.16)] {
            let d = vd(&format!("{nmol} nmol/L"), VitaminDForm::D3);
            assert_relative_eq!(d.in_ng_per_ml(), ng, epsilon = 0.005);
        }
    }

    #[test]
    fn d2_uses_its_own_molar_mass() {
        // 1000/412.66 = 2.42330 nmol/L per ng/mL (C28H44O2, standard atomic weights)
        let d = vd("10 ng/mL", VitaminDForm::D2);
        assert_relative_eq!(d.in_nmol_per_l(), 24.2330, epsilon = 5e-5);
        let d3 = vd("10 ng/mL", VitaminDForm::D3);
        assert_relative_eq!(d3.in_nmol_per_l(), 24.9601, epsilon = 5e-5);
    }

    #[test]
    fn values_in_the_target_unit_are_not_round_tripped() {
        // 30 nmol/L went through mmol/L (3e-5 × 1e6 = 29.999999999999996) and fell below the
        // iom-2011 bound "30 ≤ x"; a value reported in a unit is now returned unchanged in it.
        for x in [25.0, 30.0, 50.0, 75.0, 125.0, 375.0] {
            assert_eq!(
                vd(&format!("{x} nmol/L"), VitaminDForm::Total).in_nmol_per_l(),
                x
            );
            assert_eq!(
                vd(&format!("{x} nmol/L"), VitaminDForm::D2).in_nmol_per_l(),
                x
            );
        }
        for x in [12.0, 20.0, 30.0, 50.0, 150.0] {
            assert_eq!(
                vd(&format!("{x} ng/mL"), VitaminDForm::Total).in_ng_per_ml(),
                x
            );
            assert_eq!(vd(&format!("{x} ug/L"), VitaminDForm::D2).in_ng_per_ml(), x);
        }
    }

    #[test]
    fn ug_per_l_equals_ng_per_ml() {
        assert_relative_eq!(
            vd("20 ug/L", VitaminDForm::Total).in_nmol_per_l(),
            vd("20 ng/mL", VitaminDForm::Total).in_nmol_per_l()
        );
    }

    #[test]
    fn other_units_are_refused() {
        let e = VitaminD::new("20 mg/L".parse().unwrap(), VitaminDForm::Total).unwrap_err();
        assert_eq!(
            e.to_string(),
            "20 mg/L: 25(OH)D is reported in nmol/L, ng/mL or µg/L"
        );
    }
}
