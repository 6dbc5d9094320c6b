//! The sugar probes of permeability tests: identity, formula and molar mass, each with its source.
//!
//! Molar masses are computed from standard atomic weights (C 12.011, H 1.008, O 15.999, Cl 35.45;
//! ¹³C 13.003355) and checked against the secondary sources named on each constant
//! (computed from standard atomic weights: C 12.011, H 1.008, O 15.999, Cl 35.45). They are physical constants, not reference ranges, so they live here
//! beside the type they describe.
//!
//! Two probes can share a molar mass (L-rhamnose monohydrate and mannitol are both 182.17 g/mol;
//! lactulose and sucrose are isomers): never identify a sugar by its molar mass.
//!
//! ```
//! use lmr::sugar::Sugar;
//! assert_eq!(Sugar::Lactulose.formula(), "C12H22O11");
//! approx::assert_relative_eq!(Sugar::Mannitol.molar_mass().in_g_per_mol(), 182.172);
//! assert_eq!("13C6-mannitol".parse::<Sugar>()?, Sugar::Mannitol13C6);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::units::MolarMass;

/// A sugar probe measured in urine.
///
/// Parsed from its key or a common spelling; printed as its key.
///
/// ```
/// use lmr::sugar::Sugar;
///
/// let s: Sugar = "L-Rhamnose".parse()?;
/// assert_eq!(s, Sugar::Rhamnose);
/// assert_eq!(s.to_string(), "rhamnose");
/// assert_eq!("3-OMG".parse::<Sugar>()?, Sugar::Methylglucose);
/// assert_eq!(Sugar::ALL.len(), 10);
/// assert!("glucose".parse::<Sugar>().is_err());
/// # Ok::<(), lmr::sugar::UnknownSugar>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Sugar {
    /// Lactulose (disaccharide; paracellular "leak" probe).
    Lactulose,
    /// D-mannitol (¹²C; monosaccharide-sized; transcellular / surface-area probe).
    Mannitol,
    /// L-rhamnose (as the molecule in urine: anhydrous).
    Rhamnose,
    /// Sucrose (gastroduodenal probe; degraded beyond the duodenum).
    Sucrose,
    /// Sucralose (colonic probe).
    Sucralose,
    /// Erythritol (whole-gut probe).
    Erythritol,
    /// 1-¹³C-mannitol (¹³C₁ isotopologue).
    Mannitol13C1,
    /// U-¹³C-mannitol (¹³C₆ isotopologue).
    Mannitol13C6,
    /// D-xylose (older multi-probe solutions).
    Xylose,
    /// 3-O-methyl-D-glucose (older multi-probe solutions).
    Methylglucose,
}

/// How sure a constant is (the source statuses verified / secondary / local).
///
/// ```
/// use lmr::sugar::{ConstantStatus, Sugar};
///
/// assert_eq!(Sugar::Mannitol.molar_mass_source().1, ConstantStatus::ComputedAndChecked);
/// assert_eq!(Sugar::Sucralose.molar_mass_source().1, ConstantStatus::Computed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstantStatus {
    /// Computed from standard atomic weights and matched by a secondary source.
    ComputedAndChecked,
    /// Computed from standard atomic weights only.
    Computed,
}

impl Sugar {
    /// Every sugar, in a stable order.
    ///
    /// ```
    /// use lmr::Sugar;
    /// assert_eq!(Sugar::ALL.len(), 10);
    /// assert_eq!(Sugar::ALL[..2], [Sugar::Lactulose, Sugar::Mannitol]);
    /// ```
    pub const ALL: &'static [Sugar] = &[
        Sugar::Lactulose,
        Sugar::Mannitol,
        Sugar::Rhamnose,
        Sugar::Sucrose,
        Sugar::Sucralose,
        Sugar::Erythritol,
        Sugar::Mannitol13C1,
        Sugar::Mannitol13C6,
        Sugar::Xylose,
        Sugar::Methylglucose,
    ];

    /// The snake_case name used in files, columns and JSON (`lactulose`, `mannitol_13c6`, …).
    ///
    /// ```
    /// use lmr::sugar::Sugar;
    ///
    /// assert_eq!(Sugar::Mannitol13C6.key(), "mannitol_13c6");
    /// // every key reads back as its sugar
    /// assert!(Sugar::ALL.iter().all(|s| s.key().parse::<Sugar>() == Ok(*s)));
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Sugar::Lactulose => "lactulose",
            Sugar::Mannitol => "mannitol",
            Sugar::Rhamnose => "rhamnose",
            Sugar::Sucrose => "sucrose",
            Sugar::Sucralose => "sucralose",
            Sugar::Erythritol => "erythritol",
            Sugar::Mannitol13C1 => "mannitol_13c1",
            Sugar::Mannitol13C6 => "mannitol_13c6",
            Sugar::Xylose => "xylose",
            Sugar::Methylglucose => "methylglucose",
        }
    }

    /// The name for people.
    ///
    /// ```
    /// use lmr::sugar::Sugar;
    ///
    /// assert_eq!(Sugar::Rhamnose.name(), "L-rhamnose");
    /// assert_eq!(Sugar::Methylglucose.name(), "3-O-methyl-D-glucose");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Sugar::Lactulose => "lactulose",
            Sugar::Mannitol => "mannitol",
            Sugar::Rhamnose => "L-rhamnose",
            Sugar::Sucrose => "sucrose",
            Sugar::Sucralose => "sucralose",
            Sugar::Erythritol => "erythritol",
            Sugar::Mannitol13C1 => "1-¹³C-mannitol",
            Sugar::Mannitol13C6 => "U-¹³C₆-mannitol",
            Sugar::Xylose => "D-xylose",
            Sugar::Methylglucose => "3-O-methyl-D-glucose",
        }
    }

    /// Molecular formula.
    ///
    /// ```
    /// use lmr::sugar::Sugar;
    ///
    /// assert_eq!(Sugar::Mannitol.formula(), "C6H14O6");
    /// // lactulose and sucrose are isomers
    /// assert_eq!(Sugar::Sucrose.formula(), Sugar::Lactulose.formula());
    /// ```
    pub fn formula(self) -> &'static str {
        match self {
            Sugar::Lactulose | Sugar::Sucrose => "C12H22O11",
            Sugar::Mannitol => "C6H14O6",
            Sugar::Rhamnose => "C6H12O5",
            Sugar::Sucralose => "C12H19Cl3O8",
            Sugar::Erythritol => "C4H10O4",
            Sugar::Mannitol13C1 => "13C C5H14O6",
            Sugar::Mannitol13C6 => "13C6 H14O6",
            Sugar::Xylose => "C5H10O5",
            Sugar::Methylglucose => "C7H14O6",
        }
    }

    /// Molar mass (g/mol, computed from standard atomic weights).
    ///
    /// # Source
    /// See [`Sugar::molar_mass_source`].
    ///
    /// ```
    /// use lmr::sugar::Sugar;
    ///
    /// // C6H12O5: 6 × 12.011 + 12 × 1.008 + 5 × 15.999 = 72.066 + 12.096 + 79.995 = 164.157
    /// approx::assert_relative_eq!(Sugar::Rhamnose.molar_mass().in_g_per_mol(), 164.157, max_relative = 1e-12);
    /// // C12H19Cl3O8: 144.132 + 19.152 + 106.35 + 127.992 = 397.626
    /// approx::assert_relative_eq!(Sugar::Sucralose.molar_mass().in_g_per_mol(), 397.626, max_relative = 1e-12);
    /// ```
    pub fn molar_mass(self) -> MolarMass {
        MolarMass::from_checked(match self {
            // 12×12.011 + 22×1.008 + 11×15.999 = 342.297
            Sugar::Lactulose | Sugar::Sucrose => 342.297,
            // 6×12.011 + 14×1.008 + 6×15.999 = 182.172
            Sugar::Mannitol => 182.172,
            // 6×12.011 + 12×1.008 + 5×15.999 = 164.157
            Sugar::Rhamnose => 164.157,
            // 12×12.011 + 19×1.008 + 3×35.45 + 8×15.999 = 397.626
            Sugar::Sucralose => 397.626,
            // 4×12.011 + 10×1.008 + 4×15.999 = 122.12
            Sugar::Erythritol => 122.12,
            // 13.003355 + 5×12.011 + 14×1.008 + 6×15.999 = 183.164355
            Sugar::Mannitol13C1 => 183.164,
            // 6×13.003355 + 14×1.008 + 6×15.999 = 188.12613
            Sugar::Mannitol13C6 => 188.126,
            // 5×12.011 + 10×1.008 + 5×15.999 = 150.13
            Sugar::Xylose => 150.13,
            // 7×12.011 + 14×1.008 + 6×15.999 = 194.183
            Sugar::Methylglucose => 194.183,
        })
    }

    /// Where the molar mass comes from, and how sure it is.
    ///
    /// ```
    /// use lmr::sugar::{ConstantStatus, Sugar};
    ///
    /// let (text, status) = Sugar::Lactulose.molar_mass_source();
    /// assert!(text.starts_with("computed from standard atomic weights"));
    /// assert_eq!(status, ConstantStatus::ComputedAndChecked);
    /// ```
    pub fn molar_mass_source(self) -> (&'static str, ConstantStatus) {
        match self {
            Sugar::Lactulose => (
                "computed from standard atomic weights; 342.29 on medicalalgorithms.com L/R page, 342.296 in the WASH Benefits EED code (washb-eed-substudies/ee-secondary) [V-sec]",
                ConstantStatus::ComputedAndChecked,
            ),
            Sugar::Mannitol => (
                "computed from standard atomic weights; 182.172 in the WASH Benefits EED code [V-sec]",
                ConstantStatus::ComputedAndChecked,
            ),
            Sugar::Rhamnose => (
                "computed from standard atomic weights; 164.16 in the Merck Index entry (druglead.com) [V-sec]",
                ConstantStatus::ComputedAndChecked,
            ),
            Sugar::Mannitol13C1 => (
                "computed from standard atomic weights; 183.16 on a vendor page for mannitol-1-13C (benchchem b15142298) [V-sec]",
                ConstantStatus::ComputedAndChecked,
            ),
            Sugar::Sucrose => (
                "computed from standard atomic weights (isomer of lactulose)",
                ConstantStatus::Computed,
            ),
            Sugar::Sucralose
            | Sugar::Erythritol
            | Sugar::Mannitol13C6
            | Sugar::Xylose
            | Sugar::Methylglucose => (
                "computed from standard atomic weights",
                ConstantStatus::Computed,
            ),
        }
    }

    /// Doses of this sugar may be weighed as a hydrate; see [`DoseForm`].
    ///
    /// ```
    /// use lmr::sugar::Sugar;
    ///
    /// assert!(Sugar::Rhamnose.has_hydrate_form());
    /// assert!(!Sugar::Lactulose.has_hydrate_form());
    /// ```
    pub fn has_hydrate_form(self) -> bool {
        matches!(self, Sugar::Rhamnose)
    }
}

impl fmt::Display for Sugar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A name that is not a known sugar.
///
/// ```
/// use lmr::sugar::{Sugar, UnknownSugar};
///
/// assert_eq!("glucose".parse::<Sugar>(), Err(UnknownSugar("glucose".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown sugar {0:?} (expected one of lactulose, mannitol, rhamnose, sucrose, sucralose, erythritol, mannitol_13c1, mannitol_13c6, xylose, methylglucose)")]
pub struct UnknownSugar(pub String);

impl FromStr for Sugar {
    type Err = UnknownSugar;
    fn from_str(s: &str) -> Result<Self, UnknownSugar> {
        let key: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let sugar = match key.as_str() {
            "lactulose" => Sugar::Lactulose,
            "mannitol" | "12c_mannitol" | "mannitol_12c" => Sugar::Mannitol,
            "rhamnose" | "l_rhamnose" => Sugar::Rhamnose,
            "sucrose" => Sugar::Sucrose,
            "sucralose" => Sugar::Sucralose,
            "erythritol" => Sugar::Erythritol,
            "mannitol_13c1" | "13c1_mannitol" | "1_13c_mannitol" => Sugar::Mannitol13C1,
            "mannitol_13c6" | "13c6_mannitol" | "u_13c_mannitol" => Sugar::Mannitol13C6,
            "xylose" | "d_xylose" => Sugar::Xylose,
            "methylglucose" | "3_o_methyl_d_glucose" | "3omg" | "3_omg" => Sugar::Methylglucose,
            _ => return Err(UnknownSugar(s.to_string())),
        };
        Ok(sugar)
    }
}

/// The chemical form in which an oral dose was weighed.
///
/// ```
/// use lmr::sugar::DoseForm;
///
/// assert_eq!(DoseForm::default(), DoseForm::Anhydrous);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DoseForm {
    /// Weighed as the anhydrous sugar (the default).
    #[default]
    Anhydrous,
    /// Weighed as the monohydrate (L-rhamnose is often supplied as C6H12O5·H2O).
    Monohydrate,
}

/// Molar mass of water, g/mol: 2×1.008 + 15.999 = 18.015 (standard atomic weights).
const WATER_G_PER_MOL: f64 = 18.015;

impl DoseForm {
    /// The form's name as written in inputs and outputs: `anhydrous` or `monohydrate`.
    ///
    /// ```
    /// use lmr::sugar::DoseForm;
    /// assert_eq!(DoseForm::Monohydrate.key(), "monohydrate");
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            DoseForm::Anhydrous => "anhydrous",
            DoseForm::Monohydrate => "monohydrate",
        }
    }

    /// The fraction of a weighed dose that is the sugar itself.
    ///
    /// ```text
    /// anhydrous:    1
    /// monohydrate:  M(sugar) / (M(sugar) + M(H2O))
    /// ```
    /// For L-rhamnose: 164.157 / 182.172 = 0.90111 (computed from standard atomic weights).
    ///
    /// ```
    /// use lmr::sugar::{DoseForm, Sugar};
    ///
    /// assert_eq!(DoseForm::Anhydrous.sugar_fraction(Sugar::Rhamnose), 1.0);
    /// // H2O: 2 × 1.008 + 15.999 = 18.015; 164.157 / (164.157 + 18.015) = 0.90110994…
    /// let f = DoseForm::Monohydrate.sugar_fraction(Sugar::Rhamnose);
    /// approx::assert_relative_eq!(f, 0.9011099400566, max_relative = 1e-12);
    /// ```
    pub fn sugar_fraction(self, sugar: Sugar) -> f64 {
        match self {
            DoseForm::Anhydrous => 1.0,
            DoseForm::Monohydrate => {
                let m = sugar.molar_mass().in_g_per_mol();
                m / (m + WATER_G_PER_MOL)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn the_usual_abbreviation_of_3_o_methyl_glucose_is_read() {
        // "3-OMG" (with its hyphen) is how papers abbreviate 3-O-methyl-D-glucose
        for text in ["3-OMG", "3OMG", "3-O-methyl-D-glucose"] {
            assert_eq!(text.parse::<Sugar>(), Ok(Sugar::Methylglucose), "{text}");
        }
    }

    /// Standard atomic weights used in standard atomic weights (C 12.011, H 1.008, O 15.999, Cl 35.45).
    fn mass_from_formula(c: f64, c13: f64, h: f64, o: f64, cl: f64) -> f64 {
        c * 12.011 + c13 * 13.003355 + h * 1.008 + o * 15.999 + cl * 35.45
    }

    #[test]
    fn molar_masses_match_their_formulas() {
        let cases = [
            (
                Sugar::Lactulose,
                mass_from_formula(12.0, 0.0, 22.0, 11.0, 0.0),
            ),
            (Sugar::Mannitol, mass_from_formula(6.0, 0.0, 14.0, 6.0, 0.0)),
            (Sugar::Rhamnose, mass_from_formula(6.0, 0.0, 12.0, 5.0, 0.0)),
            (
                Sugar::Sucralose,
                mass_from_formula(12.0, 0.0, 19.0, 8.0, 3.0),
            ),
            (
                Sugar::Erythritol,
                mass_from_formula(4.0, 0.0, 10.0, 4.0, 0.0),
            ),
            (
                Sugar::Mannitol13C1,
                mass_from_formula(5.0, 1.0, 14.0, 6.0, 0.0),
            ),
            (
                Sugar::Mannitol13C6,
                mass_from_formula(0.0, 6.0, 14.0, 6.0, 0.0),
            ),
            (Sugar::Xylose, mass_from_formula(5.0, 0.0, 10.0, 5.0, 0.0)),
            (
                Sugar::Methylglucose,
                mass_from_formula(7.0, 0.0, 14.0, 6.0, 0.0),
            ),
        ];
        for (sugar, expected) in cases {
            assert_relative_eq!(
                sugar.molar_mass().in_g_per_mol(),
                expected,
                max_relative = 1e-5
            );
        }
    }

    #[test]
    fn rhamnose_monohydrate_fraction() {
        // hand-worked, 164.157 / 182.172 = 0.90111: 1.000 g monohydrate = 0.9011 g rhamnose
        let f = DoseForm::Monohydrate.sugar_fraction(Sugar::Rhamnose);
        assert_relative_eq!(f, 0.9011, epsilon = 5e-5);
    }

    #[test]
    fn names_round_trip() {
        for &s in Sugar::ALL {
            assert_eq!(s.key().parse::<Sugar>().unwrap(), s);
        }
        assert!("glucose".parse::<Sugar>().is_err());
    }
}
