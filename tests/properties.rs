//! Property tests (proptest) on the library: unit round-trips, recovery and ratio invariants,
//! and classification that is total, monotone and exact at its bounds (issue 7).

use approx::assert_relative_eq;
use lmr::censored::Censored;
use lmr::protocol::Dose;
use lmr::recovery::recovery_percent;
use lmr::reference::Registry;
use lmr::sugar::Sugar;
use lmr::units::{
    Concentration, ConcentrationUnit, Duration, DurationUnit, Mass, MassUnit, Volume, VolumeUnit,
};
use proptest::prelude::*;

/// Finite, non-negative values across many magnitudes.
fn amount() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0..1e-6f64,
        0.0..1.0f64,
        0.0..1e4f64,
        (0.0..1.0f64, -30i32..30).prop_map(|(m, e)| m * 10f64.powi(e)),
        Just(0.0),
    ]
}

fn sugar() -> impl Strategy<Value = Sugar> {
    proptest::sample::select(Sugar::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn concentration_parse_display_round_trip(v in amount(), i in 0..ConcentrationUnit::ALL.len(), space in any::<bool>()) {
        let unit = ConcentrationUnit::ALL[i];
        let text = if space { format!("{v} {unit}") } else { format!("{v}{unit}") };
        let c: Concentration = text.parse().unwrap();
        prop_assert_eq!(c.value(), v);
        prop_assert_eq!(c.unit(), unit);
        prop_assert_eq!(c.to_string(), format!("{v} {unit}"));
    }

    #[test]
    fn volume_mass_duration_round_trip(v in amount(), i in 0..3usize, j in 0..3usize, k in 0..2usize) {
        let vu = VolumeUnit::ALL[i];
        let vol: Volume = format!("{v} {vu}").parse().unwrap();
        prop_assert_eq!(vol.to_string(), format!("{v} {vu}"));
        let mu = MassUnit::ALL[j];
        let m: Mass = format!("{v} {mu}").parse().unwrap();
        prop_assert_eq!(m.to_string(), format!("{v} {mu}"));
        let du = DurationUnit::ALL[k];
        let d: Duration = format!("{v} {du}").parse().unwrap();
        prop_assert_eq!(d.to_string(), format!("{v} {du}"));
    }

    #[test]
    fn negative_values_are_always_refused(v in 1e-300..1e300f64, i in 0..ConcentrationUnit::ALL.len()) {
        let text = format!("-{v} {}", ConcentrationUnit::ALL[i]);
        prop_assert!(text.parse::<Concentration>().is_err());
    }

    #[test]
    fn recovery_is_invariant_to_inverse_scaling_of_concentration_and_volume(
        s in sugar(), c in 0.01..1e4f64, v in 0.01..10.0f64, k in 1e-3..1e3f64, dose in 1.0..1e5f64
    ) {
        let dose = Dose::anhydrous(Mass::new(dose, MassUnit::Mg).unwrap());
        let conc = |x| Concentration::new(x, ConcentrationUnit::MgPerL).unwrap();
        let vol = |x| Volume::new(x, VolumeUnit::L).unwrap();
        let a = recovery_percent(s, conc(c), vol(v), &dose).unwrap();
        let b = recovery_percent(s, conc(c * k), vol(v / k), &dose).unwrap();
        assert_relative_eq!(a, b, max_relative = 1e-12);
    }

    #[test]
    fn ratio_is_the_same_in_mass_and_molar_units(
        cl in 0.1..1e3f64, cm in 0.1..1e4f64, v in 0.05..5.0f64, dl in 100.0..1e4f64, dm in 100.0..1e4f64
    ) {
        // Mass concentrations, and the same amounts expressed in µmol/L through each sugar's mass.
        let vol = Volume::new(v, VolumeUnit::L).unwrap();
        let dose = |mg| Dose::anhydrous(Mass::new(mg, MassUnit::Mg).unwrap());
        let mass = |x| Concentration::new(x, ConcentrationUnit::MgPerL).unwrap();
        let umol = |x: f64, s: Sugar| Concentration::new(x / s.molar_mass() * 1e3, ConcentrationUnit::UmolPerL).unwrap();
        let l = recovery_percent(Sugar::Lactulose, mass(cl), vol, &dose(dl)).unwrap();
        let m = recovery_percent(Sugar::Mannitol, mass(cm), vol, &dose(dm)).unwrap();
        let lm = recovery_percent(Sugar::Lactulose, umol(cl, Sugar::Lactulose), vol, &dose(dl)).unwrap();
        let mm = recovery_percent(Sugar::Mannitol, umol(cm, Sugar::Mannitol), vol, &dose(dm)).unwrap();
        assert_relative_eq!(l / m, lm / mm, max_relative = 1e-12);
        // and the ratio equals (C_L/C_M)(D_M/D_L): the volume cancels
        assert_relative_eq!(l / m, (cl / cm) * (dm / dl), max_relative = 1e-12);
    }

    #[test]
    fn mass_molar_mass_round_trip_within_a_few_ulps(s in sugar(), c in 1e-6..1e6f64) {
        let mass = Concentration::new(c, ConcentrationUnit::MgPerL).unwrap();
        let mmol = mass.in_mmol_per_l(s.molar_mass());
        let back = Concentration::new(mmol, ConcentrationUnit::MmolPerL).unwrap().in_mg_per_l(Some(s.molar_mass())).unwrap();
        prop_assert!(((back - c) / c).abs() <= 4.0 * f64::EPSILON, "{c} -> {back}");
    }

    #[test]
    fn censored_division_bounds_contain_every_possible_value(a in 0.0..10.0f64, b in 0.01..10.0f64, t in 0.0..1.0f64) {
        // a value x < a divided by exact b is < a/b
        if let Some(Censored::LessThan(q)) = Censored::LessThan(a).divided_by(Censored::Exact(b)) {
            prop_assert!(a * t / b <= q);
        }
    }
}

/// Every finite value lands in exactly one band of every shipped gap-free range, band indices never
/// decrease as the value grows, and every bound behaves as declared on both sides.
#[test]
fn shipped_ranges_classify_totally_monotonically_and_exactly_at_bounds() {
    let registry = Registry::builtin().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    for range in registry.ranges().iter().filter(|r| !r.bands.is_empty()) {
        runner
            .run(&(amount(), amount()), |(a, b)| {
                for x in [a, b] {
                    let n = range.bands.iter().filter(|band| band.contains(x)).count();
                    prop_assert_eq!(n, 1, "{} at {}", range.id, x);
                }
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                prop_assert!(
                    range.classify(lo) <= range.classify(hi),
                    "{} not monotone",
                    range.id
                );
                Ok(())
            })
            .unwrap();
        for (i, band) in range.bands.iter().enumerate() {
            let Some(up) = band.upper else { continue };
            let below = up.value - up.value.abs() * 1e-12 - f64::MIN_POSITIVE;
            let above = up.value + up.value.abs() * 1e-12 + f64::MIN_POSITIVE;
            assert_eq!(
                range.classify(below),
                Some(i),
                "{} just below {}",
                range.id,
                up.value
            );
            assert_eq!(
                range.classify(above),
                Some(i + 1),
                "{} just above {}",
                range.id,
                up.value
            );
            let at = if up.inclusive { i } else { i + 1 };
            assert_eq!(
                range.classify(up.value),
                Some(at),
                "{} at {}",
                range.id,
                up.value
            );
        }
    }
}
