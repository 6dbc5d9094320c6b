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

use crate::censored::Censored;

/// The ratio of two fractional excretions (each in percent of its own dose).
///
/// `None` when the denominator is zero (the ratio is undefined) or when both are censored.
///
/// # Example
/// ```
/// use lmr::{censored::Censored, ratio::fractional_excretion_ratio};
/// // hand-worked, FE% = C × V / dose × 100: 0.48 % ÷ 18.0 % = 0.026667
/// let r = fractional_excretion_ratio(Censored::Exact(0.48), Censored::Exact(18.0)).unwrap();
/// approx::assert_relative_eq!(r.exact().unwrap(), 0.48 / 18.0, max_relative = 1e-15);
/// ```
pub fn fractional_excretion_ratio(numerator: Censored, denominator: Censored) -> Option<Censored> {
    numerator.divided_by(denominator)
}

/// The mass-concentration ratio C_L ÷ C_M that corresponds to an L:M of fractional excretions
/// under doses `dose_l_mg` and `dose_m_mg`: `L:M × D_L ÷ D_M`.
///
/// Useful for reading a lab's concentration ratio correctly. `None` for a zero mannitol dose.
///
/// ```
/// // hand-worked, FE ratio × dose ratio: an L:M of 0.03 under 5 g / 1 g is a concentration ratio of 0.15
/// let c = lmr::ratio::concentration_ratio_for(0.03, 5000.0, 1000.0).unwrap();
/// approx::assert_relative_eq!(c, 0.15, max_relative = 1e-12);
/// ```
pub fn concentration_ratio_for(lm_ratio: f64, dose_l_mg: f64, dose_m_mg: f64) -> Option<f64> {
    (dose_m_mg > 0.0).then(|| lm_ratio * dose_l_mg / dose_m_mg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn t2_ratio_and_its_concentration_forms() {
        // T2: FE_L 0.10 %, FE_M 5.00 % → 0.020; mass-concentration ratio 50/500 = 0.100;
        // molar-concentration ratio 0.100 × 182.172/342.297 = 0.05322
        let r = fractional_excretion_ratio(Censored::Exact(0.10), Censored::Exact(5.0)).unwrap();
        assert_relative_eq!(r.exact().unwrap(), 0.020, max_relative = 1e-12);
        let conc = concentration_ratio_for(0.020, 5000.0, 1000.0).unwrap();
        assert_relative_eq!(conc, 0.100, max_relative = 1e-12);
        assert_relative_eq!(conc * 182.172 / 342.297, 0.053_22, epsilon = 1e-5);
    }

    #[test]
    fn zero_mannitol_recovery_gives_no_ratio() {
        assert_eq!(
            fractional_excretion_ratio(Censored::Exact(0.1), Censored::Exact(0.0)),
            None
        );
        assert_eq!(concentration_ratio_for(0.03, 5000.0, 0.0), None);
    }
}
