//! Multi-sugar tests, timed fractions and baseline subtraction (issue 6), end to end through
//! `lmr check`. Expected values are computed by hand (recovery % = C × V ÷ D × 100).

use approx::assert_relative_eq;
use assert_cmd::Command;
use lmr::protocol::Dose;
use lmr::recovery::recovery_percent;
use lmr::sugar::Sugar;
use lmr::units::{Concentration, ConcentrationUnit, Mass, MassUnit, Volume, VolumeUnit};
use serde_json::Value;

fn check_json(args: &[&str]) -> Value {
    let out = Command::cargo_bin("lmr")
        .unwrap()
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/sample-mayo-fractions.toml"
);

#[test]
fn fraction_recoveries_sum_to_the_cumulative_one() {
    let v = check_json(&["--sample", SAMPLE]);
    // 0–2 h, 400 mL: lactulose 2.5 mg/L × 0.4 L = 1 mg of 1000 mg = 0.1 %;
    //   mannitol 40 × 0.4 = 16 mg of 100 mg = 16 %; 13C6-mannitol 37.5 × 0.4 = 15 mg = 15 %
    // 2–8 h, 800 mL: lactulose 1.25 × 0.8 = 1 mg = 0.1 %; mannitol 12.5 × 0.8 = 10 %; 13C 10 × 0.8 = 8 %
    // 8–24 h, 1000 mL: lactulose 1 mg = 0.1 %; mannitol 3 %; 13C 1 %
    // cumulative: lactulose 0.3 %, mannitol 29 %, 13C 24 %; L:M 0.3/29; L:13C-M 0.3/24 = 0.0125
    assert_relative_eq!(num(&v["lactulose_recovery_pct"]), 0.3, max_relative = 1e-9);
    assert_relative_eq!(num(&v["mannitol_recovery_pct"]), 29.0, max_relative = 1e-9);
    assert_relative_eq!(
        num(&v["mannitol_13c6_recovery_pct"]),
        24.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(num(&v["lm_ratio"]), 0.3 / 29.0, max_relative = 1e-9);
    assert_relative_eq!(num(&v["l13m_ratio"]), 0.0125, max_relative = 1e-9);
    // per-fraction columns
    assert_relative_eq!(
        num(&v["mannitol_recovery_pct_0_2h"]),
        16.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        num(&v["mannitol_13c6_recovery_pct_2_8h"]),
        8.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(num(&v["lm_ratio_8_24h"]), 0.1 / 3.0, max_relative = 1e-9);
    assert_relative_eq!(num(&v["l13m_ratio_8_24h"]), 0.1, max_relative = 1e-9);
    // a measured baseline mannitol is flagged, not subtracted, by default
    let flags: Vec<&str> = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(flags, ["baseline_sugar_detected"]);
    // the window defaults to the end of the last fraction
    assert_eq!(v["details"]["inputs"]["collection"], "24 h");
}

#[test]
fn subtract_baseline_uses_net_concentrations() {
    let v = check_json(&["--sample", SAMPLE, "--subtract-baseline"]);
    // baseline mannitol 2.4 mg/L: (40 − 2.4) × 0.4 = 15.04 mg → 15.04 %; (12.5 − 2.4) × 0.8 = 8.08 %;
    // (3 − 2.4) × 1.0 = 0.6 %; cumulative 23.72 %. Lactulose (no baseline) unchanged at 0.3 %.
    assert_relative_eq!(num(&v["mannitol_recovery_pct"]), 23.72, max_relative = 1e-9);
    assert_relative_eq!(
        num(&v["mannitol_recovery_pct_8_24h"]),
        0.6,
        max_relative = 1e-9
    );
    assert_relative_eq!(num(&v["lactulose_recovery_pct"]), 0.3, max_relative = 1e-9);
    assert_relative_eq!(num(&v["lm_ratio"]), 0.3 / 23.72, max_relative = 1e-9);
}

#[test]
fn rhamnose_monohydrate_dose_and_lr_ratio() {
    // L: 10 mg/L × 0.5 L = 5 mg of 5000 mg = 0.1 %
    // R: 200 mg/L × 0.5 L = 100 mg of 1 g monohydrate = 1000 × 164.157/182.172 = 901.1099 mg rhamnose
    //    → 100 / 901.1099 × 100 = 11.09743 %; L:R = 0.1 / 11.09743 = 0.0090111
    let v = check_json(&[
        "--lactulose",
        "10 mg/L",
        "--sugar",
        "rhamnose=200 mg/L",
        "--volume",
        "500 mL",
        "--lactulose-dose",
        "5 g",
        "--dose",
        "rhamnose=1 g monohydrate",
        "--collection",
        "5 h",
    ]);
    assert_relative_eq!(
        num(&v["rhamnose_recovery_pct"]),
        11.097_43,
        max_relative = 1e-6
    );
    assert_relative_eq!(num(&v["lr_ratio"]), 0.009_011_1, max_relative = 1e-5);
    assert_eq!(
        v["lr_class"], "unclassified",
        "L:R ranges classify only when named"
    );
}

#[test]
fn science_t5_lr_ratio_with_a_named_range() {
    // T5: 5 g L / 1 g R; 500 mL; L 1 mg/dL → 5 mg = 0.10 %; R 20 mg/dL → 100 mg = 10.0 %; L/R 0.010
    let v = check_json(&[
        "--lactulose",
        "1 mg/dL",
        "--sugar",
        "rhamnose=20 mg/dL",
        "--volume",
        "500 mL",
        "--lactulose-dose",
        "5 g",
        "--dose",
        "rhamnose=1 g",
        "--collection",
        "5 h",
        "--age",
        "40",
        "--lr-range",
        "lutgens-lr-secondary",
    ]);
    assert_relative_eq!(num(&v["lr_ratio"]), 0.010, max_relative = 1e-9);
    assert_eq!(v["lr_range"], "lutgens-lr-secondary");
    assert_eq!(v["lr_class"], "normal"); // ≤ 0.02
    let caveats: Vec<&str> = v["caveats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(caveats.contains(&"secondary_source"), "{caveats:?}");
    let flags = v["flags"].as_array().unwrap();
    assert!(flags.is_empty(), "protocol matches: {flags:?}");
    // the dose form is part of the L:R result, and the class's wording is printed as the source's
    // words for its group: "The normal L/R ratio is <= 0.02" (medicalalgorithms.com L/R page)
    assert_eq!(v["lr_rhamnose_dose_form"], "anhydrous");
    let lr = &v["details"]["lr_range"];
    assert_eq!(lr["class_wording"], "The normal L/R ratio is <= 0.02");
    assert!(lr["class_wording_is"]
        .as_str()
        .unwrap()
        .contains("not a finding about this person"));
}

#[test]
fn lutgens_range_with_a_monohydrate_dose_is_a_protocol_mismatch() {
    // 1 g L-rhamnose monohydrate = 0.9011 g of rhamnose (164.157 / 182.172): not the page's 1.0 g,
    // so the explicitly named range is flagged protocol_mismatch, and the form is reported.
    // R 20 mg/dL × 500 mL = 100 mg of 901.1 mg = 11.0975 %; L 0.10 %; L/R = 0.10 / 11.0975 = 0.009011
    let v = check_json(&[
        "--lactulose",
        "1 mg/dL",
        "--sugar",
        "rhamnose=20 mg/dL",
        "--volume",
        "500 mL",
        "--lactulose-dose",
        "5 g",
        "--dose",
        "rhamnose=1 g monohydrate",
        "--collection",
        "5 h",
        "--age",
        "40",
        "--lr-range",
        "lutgens-lr-secondary",
    ]);
    assert_relative_eq!(
        num(&v["lr_ratio"]),
        0.10 / (100.0 / 901.1 * 100.0),
        max_relative = 1e-4
    );
    assert_eq!(v["lr_rhamnose_dose_form"], "monohydrate");
    let flags: Vec<&str> = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(flags.contains(&"protocol_mismatch"), "{flags:?}");
}

#[test]
fn mass_and_molar_inputs_give_the_same_recovery_for_every_sugar() {
    // For each sugar: 100 mg/L and (100 / M × 1000) µmol/L of the same sugar are the same amount.
    // M is worked here from the formula with the standard atomic weights (C 12.011, ¹³C 13.003355,
    // H 1.008, O 15.999, Cl 35.45), never taken from the code under test, so a wrong molar mass
    // in `lmr` fails this test.
    let hand = |sugar: Sugar| match sugar {
        // C12H22O11: 12×12.011 + 22×1.008 + 11×15.999 = 144.132 + 22.176 + 175.989 = 342.297
        Sugar::Lactulose | Sugar::Sucrose => 342.297,
        // C6H14O6: 6×12.011 + 14×1.008 + 6×15.999 = 72.066 + 14.112 + 95.994 = 182.172
        Sugar::Mannitol => 182.172,
        // C6H12O5: 6×12.011 + 12×1.008 + 5×15.999 = 72.066 + 12.096 + 79.995 = 164.157
        Sugar::Rhamnose => 164.157,
        // C12H19Cl3O8: 12×12.011 + 19×1.008 + 3×35.45 + 8×15.999
        //            = 144.132 + 19.152 + 106.35 + 127.992 = 397.626
        Sugar::Sucralose => 397.626,
        // C4H10O4: 4×12.011 + 10×1.008 + 4×15.999 = 48.044 + 10.08 + 63.996 = 122.12
        Sugar::Erythritol => 122.12,
        // ¹³C1 mannitol: 13.003355 + 5×12.011 + 14×1.008 + 6×15.999 = 183.164355, used at 3
        // decimals as published (183.164)
        Sugar::Mannitol13C1 => 183.164,
        // ¹³C6 mannitol: 6×13.003355 + 14×1.008 + 6×15.999 = 78.02013 + 14.112 + 95.994
        //              = 188.12613, used at 3 decimals (188.126)
        Sugar::Mannitol13C6 => 188.126,
        // C5H10O5: 5×12.011 + 10×1.008 + 5×15.999 = 60.055 + 10.08 + 79.995 = 150.13
        Sugar::Xylose => 150.13,
        // C7H14O6: 7×12.011 + 14×1.008 + 6×15.999 = 84.077 + 14.112 + 95.994 = 194.183
        Sugar::Methylglucose => 194.183,
        other => panic!("{other}: work its molar mass by hand here"),
    };
    let volume = Volume::new(0.75, VolumeUnit::L).unwrap();
    let dose = Dose::anhydrous(Mass::new(2.0, MassUnit::G).unwrap());
    for &sugar in Sugar::ALL {
        let mass = Concentration::new(100.0, ConcentrationUnit::MgPerL).unwrap();
        let molar =
            Concentration::new(100.0 / hand(sugar) * 1e3, ConcentrationUnit::UmolPerL).unwrap();
        let a = recovery_percent(sugar, mass, volume, &dose)
            .unwrap()
            .value();
        let b = recovery_percent(sugar, molar, volume, &dose)
            .unwrap()
            .value();
        // 100 mg/L × 0.75 L = 75 mg of 2000 mg = 3.75 %
        assert_relative_eq!(a, 3.75, max_relative = 1e-9);
        assert_relative_eq!(b, 3.75, max_relative = 1e-9);
    }
}

#[test]
fn sample_file_errors_name_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(
        &path,
        "doses = { lactulose = \"1 g\" }\n[[fraction]]\nlabel = \"0-2h\"\nvolume = \"1,5 L\"\n",
    )
    .unwrap();
    let out = Command::cargo_bin("lmr")
        .unwrap()
        .args(["check", "--sample"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        format!(
            "lmr: {}: key `fraction[0].volume`: \"1,5 L\": decimal comma (write \"1.5 L\" with a decimal point)\n",
            path.display()
        )
    );
}

const ZTABLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/zscore-reference-example.toml"
);

#[test]
fn zscores_against_a_table_and_no_extrapolation() {
    // T3 sample: L:M = 0.48 % / 18 % = 0.0266667. Synthetic table, female 0–4 y: ln scale,
    // mean −3.2, SD 0.5 → z = (ln 0.0266667 + 3.2) / 0.5 = (−3.624341 + 3.2) / 0.5 = −0.848682
    let base = [
        "--lactulose",
        "20 mg/L",
        "--mannitol",
        "150 mg/L",
        "--volume",
        "1.2 L",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
        "--sex",
        "F",
        "--zscore-reference",
        ZTABLE,
    ];
    let v = check_json(&[&base[..], &["--age", "3"]].concat());
    assert_relative_eq!(num(&v["lmz"]), -0.848_682, epsilon = 1e-6);
    assert_eq!(v["lmz_reference"], "example-synthetic-lmz");
    // 30 years is outside every band: no z, flag age_outside_reference
    let v = check_json(&[&base[..], &["--age", "30"]].concat());
    assert!(v["lmz"].is_null());
    let flags: Vec<&str> = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(flags.contains(&"age_outside_reference"), "{flags:?}");
}
