//! Property tests (proptest) on the library: unit round-trips, recovery and ratio invariants,
//! and classification that is total, monotone and exact at its bounds (issue 7).

use approx::assert_relative_eq;
use lmr::censored::Censored;
use lmr::protocol::Dose;
use lmr::recovery::recovery_percent;
use lmr::reference::Registry;
use lmr::sugar::Sugar;
use lmr::units::{
    Concentration, ConcentrationUnit, Duration, DurationUnit, Mass, MassUnit, Percent, Volume,
    VolumeUnit,
};
use lmr::vitamin_d::VitaminDForm;
use lmr::zonulin::HpGenotype;
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
        assert_relative_eq!(a.value(), b.value(), max_relative = 1e-12);
    }

    #[test]
    fn ratio_is_the_same_in_mass_and_molar_units(
        cl in 0.1..1e3f64, cm in 0.1..1e4f64, v in 0.05..5.0f64, dl in 100.0..1e4f64, dm in 100.0..1e4f64
    ) {
        // Mass concentrations, and the same amounts expressed in µmol/L through each sugar's mass.
        let vol = Volume::new(v, VolumeUnit::L).unwrap();
        let dose = |mg| Dose::anhydrous(Mass::new(mg, MassUnit::Mg).unwrap());
        let mass = |x| Concentration::new(x, ConcentrationUnit::MgPerL).unwrap();
        // Molar masses by hand, not from the code under test: lactulose C12H22O11 = 12×12.011 +
        // 22×1.008 + 11×15.999 = 342.297; mannitol C6H14O6 = 6×12.011 + 14×1.008 + 6×15.999 = 182.172.
        let hand = |s: Sugar| if s == Sugar::Lactulose { 342.297 } else { 182.172 };
        let umol = |x: f64, s: Sugar| Concentration::new(x / hand(s) * 1e3, ConcentrationUnit::UmolPerL).unwrap();
        let l = recovery_percent(Sugar::Lactulose, mass(cl), vol, &dose(dl)).unwrap().value();
        let m = recovery_percent(Sugar::Mannitol, mass(cm), vol, &dose(dm)).unwrap().value();
        let lm = recovery_percent(Sugar::Lactulose, umol(cl, Sugar::Lactulose), vol, &dose(dl)).unwrap().value();
        let mm = recovery_percent(Sugar::Mannitol, umol(cm, Sugar::Mannitol), vol, &dose(dm)).unwrap().value();
        assert_relative_eq!(l / m, lm / mm, max_relative = 1e-12);
        // and the ratio equals (C_L/C_M)(D_M/D_L): the volume cancels
        assert_relative_eq!(l / m, (cl / cm) * (dm / dl), max_relative = 1e-12);
    }

    #[test]
    fn mass_molar_mass_round_trip_within_a_few_ulps(s in sugar(), c in 1e-6..1e6f64) {
        let mass = Concentration::new(c, ConcentrationUnit::MgPerL).unwrap();
        let mmol = mass.in_mmol_per_l(s.molar_mass().in_g_per_mol());
        let back = Concentration::new(mmol, ConcentrationUnit::MmolPerL).unwrap().in_mg_per_l(Some(s.molar_mass().in_g_per_mol())).unwrap();
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

/// Every non-negative finite `f64`, subnormals and the extremes included (uniform over the bit
/// patterns, so every binade is as likely as any other).
fn any_amount() -> impl Strategy<Value = f64> {
    (0u64..0x7FF0_0000_0000_0000).prop_map(f64::from_bits)
}

/// The next `f64` above / below a positive finite `x`.
fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}
fn next_down(x: f64) -> f64 {
    f64::from_bits(x.to_bits() - 1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Display then parse gives back exactly the same value and unit, over the whole range of
    /// `f64` (Rust prints the shortest text that reads back to the same number).
    #[test]
    fn every_quantity_round_trips_exactly_over_the_whole_f64_range(
        v in any_amount(), i in 0..ConcentrationUnit::ALL.len(), j in 0..3usize, k in 0..2usize
    ) {
        let c = Concentration::new(v, ConcentrationUnit::ALL[i]).unwrap();
        let back: Concentration = c.to_string().parse().unwrap();
        prop_assert_eq!(back.value().to_bits(), v.to_bits());
        prop_assert_eq!(back.unit(), c.unit());
        let vol = Volume::new(v, VolumeUnit::ALL[j]).unwrap();
        let back: Volume = vol.to_string().parse().unwrap();
        prop_assert_eq!((back.value().to_bits(), back.unit()), (v.to_bits(), vol.unit()));
        let m = Mass::new(v, MassUnit::ALL[j]).unwrap();
        let back: Mass = m.to_string().parse().unwrap();
        prop_assert_eq!((back.value().to_bits(), back.unit()), (v.to_bits(), m.unit()));
        let d = Duration::new(v, DurationUnit::ALL[k]).unwrap();
        let back: Duration = d.to_string().parse().unwrap();
        prop_assert_eq!((back.value().to_bits(), back.unit()), (v.to_bits(), d.unit()));
        let p = Percent::new(v).unwrap();
        let back: Percent = p.to_string().parse().unwrap();
        prop_assert_eq!(back.value().to_bits(), v.to_bits());
    }

    /// mass → molar → mass, through every pair of a mass and a molar concentration unit, comes
    /// back within a few ulps (each step rounds once).
    #[test]
    fn mass_molar_mass_round_trip_per_unit_pair(
        s in sugar(), x in 1e-30..1e30f64, i in 0..ConcentrationUnit::ALL.len(), j in 0..ConcentrationUnit::ALL.len()
    ) {
        let (mass_unit, molar_unit) = (ConcentrationUnit::ALL[i], ConcentrationUnit::ALL[j]);
        prop_assume!(!mass_unit.is_molar() && molar_unit.is_molar());
        let m = s.molar_mass().in_g_per_mol();
        let one = |u| Concentration::new(1.0, u).unwrap();
        // x in the mass unit, as a value in the molar unit, and back
        let mmol = Concentration::new(x, mass_unit).unwrap().in_mmol_per_l(m);
        let in_molar = mmol / one(molar_unit).in_mmol_per_l(m);
        let mg_l = Concentration::new(in_molar, molar_unit).unwrap().in_mg_per_l(Some(m)).unwrap();
        let back = mg_l / one(mass_unit).in_mg_per_l(None).unwrap();
        prop_assert!(((back - x) / x).abs() <= 8.0 * f64::EPSILON, "{x} {mass_unit} -> {in_molar} {molar_unit} -> {back}");
    }

    /// Unit symbols and the names of the small enums read back as themselves.
    #[test]
    fn symbols_and_keys_round_trip(i in 0..ConcentrationUnit::ALL.len(), s in sugar()) {
        let u = ConcentrationUnit::ALL[i];
        prop_assert_eq!(u.symbol().parse::<ConcentrationUnit>().unwrap(), u);
        prop_assert_eq!(u.to_string().to_uppercase().parse::<ConcentrationUnit>().unwrap(), u);
        prop_assert_eq!(s.key().parse::<Sugar>().unwrap(), s);
        for f in [VitaminDForm::Total, VitaminDForm::D3, VitaminDForm::D2] {
            prop_assert_eq!(f.to_string().parse::<VitaminDForm>().unwrap(), f);
        }
        for g in ["1-1", "2-1", "2-2"] {
            prop_assert_eq!(g.parse::<HpGenotype>().unwrap().to_string(), g);
        }
    }
}

/// A random gap-free range file: `bounds` ascending, each bound inclusive on the lower band's
/// side when `lower_side[i]`. Returns the TOML text.
fn gap_free_file(bounds: &[f64], lower_side: &[bool]) -> String {
    let mut t = String::from(
        "[[range]]\nid = \"generated\"\nanalyte = \"lm_ratio\"\nunit = \"ratio\"\ntitle = \"generated\"\n\
         selection = \"explicit\"\n[range.source]\ncitation = \"c\"\nurl = \"https://example.org\"\n\
         quote = \"q\"\nstatus = \"verified\"\n[range.applies_to]\nmatrix = \"urine\"\n",
    );
    for i in 0..=bounds.len() {
        t.push_str(&format!("[[range.band]]\nlabel = \"b{i}\"\n"));
        if i > 0 {
            t.push_str(&format!(
                "lower = {{ value = {:?}, inclusive = {} }}\n",
                bounds[i - 1],
                !lower_side[i - 1]
            ));
        }
        if i < bounds.len() {
            t.push_str(&format!(
                "upper = {{ value = {:?}, inclusive = {} }}\n",
                bounds[i], lower_side[i]
            ));
        }
    }
    t
}

/// User range files made at random (1 to 6 bands, any bounds, any inclusivity): every one is
/// accepted, classifies every value into exactly one band, monotonically, and puts each bound and
/// the `f64` on either side of it exactly where the file says.
#[test]
fn random_gap_free_user_ranges_classify_as_declared_on_both_sides_of_every_bound() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(128));
    let strategy = (
        proptest::collection::btree_set(1u64..1_000_000_000, 0..6),
        proptest::collection::vec(any::<bool>(), 6),
        proptest::collection::vec(amount(), 8),
        -12i32..3,
    );
    runner
        .run(&strategy, |(raw, lower_side, probes, scale)| {
            let bounds: Vec<f64> = raw
                .iter()
                .map(|&b| b as f64 * 10f64.powi(scale) / 1e3)
                .collect();
            let text = gap_free_file(&bounds, &lower_side);
            let mut registry = Registry::builtin().unwrap();
            registry
                .add_text("generated.toml", &text, false)
                .unwrap_or_else(|e| panic!("refused: {e}\n{text}"));
            let range = registry.range("generated").unwrap();
            prop_assert_eq!(range.bands.len(), bounds.len() + 1);
            for (i, &b) in bounds.iter().enumerate() {
                let at = if lower_side[i] { i } else { i + 1 };
                prop_assert_eq!(range.classify(b), Some(at), "at {}", b);
                prop_assert_eq!(range.classify(next_down(b)), Some(i), "just below {}", b);
                prop_assert_eq!(range.classify(next_up(b)), Some(i + 1), "just above {}", b);
            }
            let mut sorted = probes.clone();
            sorted.extend(bounds.iter().copied());
            sorted.sort_by(f64::total_cmp);
            let mut last = 0;
            for x in sorted {
                let hits = range.bands.iter().filter(|band| band.contains(x)).count();
                prop_assert_eq!(hits, 1, "{} in {} bands", x, hits);
                let c = range.classify(x).unwrap();
                prop_assert!(c >= last, "not monotone at {}", x);
                last = c;
            }
            Ok(())
        })
        .unwrap();
}
