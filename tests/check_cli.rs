//! End-to-end tests of `lmr check`, `lmr ranges` and `lmr caveats` (issue 3).
//!
//! Every expected number is computed by hand from the published formulas (WASH Benefits EED analysis
//! code; medicalalgorithms.com L/R page)
//! (recovery % = C × V ÷ D × 100; L:M = recovery_L ÷ recovery_M), shown in the comments.

use approx::assert_relative_eq;
use assert_cmd::Command;
use serde_json::Value;

fn lmr() -> Command {
    Command::cargo_bin("lmr").expect("binary built")
}

/// Runs `lmr check ARGS --format json`, asserting exit 0, and returns the object.
fn check_json(args: &[&str]) -> Value {
    let out = lmr()
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// Runs `lmr check ARGS` expecting a failure; returns (exit code, stderr).
fn check_fails(args: &[&str]) -> (i32, String) {
    let out = lmr().arg("check").args(args).output().expect("runs");
    assert!(!out.status.success());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is an array"))
        .iter()
        .map(|c| c.as_str().unwrap_or_default().to_string())
        .collect()
}

const ISSUE_EXAMPLE: &[&str] = &[
    "--lactulose",
    "9.21 mg/L",
    "--mannitol",
    "72.9 mg/L",
    "--volume",
    "1857 mL",
    "--lactulose-dose",
    "5 g",
    "--mannitol-dose",
    "1 g",
    "--collection",
    "5 h",
    "--age",
    "35",
    "--sex",
    "F",
];

#[test]
fn issue_example_recoveries_ratio_and_no_matching_range() {
    let v = check_json(ISSUE_EXAMPLE);
    // lactulose: 9.21 mg/L × 1.857 L = 17.10297 mg of 5000 mg → 0.3420594 %
    // mannitol:  72.9 mg/L × 1.857 L = 135.3753 mg of 1000 mg → 13.53753 %
    // L:M = 0.3420594 / 13.53753 = 0.02526749
    assert_relative_eq!(
        v["lactulose_recovery_pct"].as_f64().unwrap(),
        0.342_059_4,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        v["mannitol_recovery_pct"].as_f64().unwrap(),
        13.537_53,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        v["lm_ratio"].as_f64().unwrap(),
        0.342_059_4 / 13.537_53,
        max_relative = 1e-9
    );
    // No shipped verified range is for adults on 5 g / 1 g, 5 h (docs/sources.md: no verified range for that protocol was found).
    assert_eq!(v["lm_class"], "unclassified");
    assert!(v["lm_range"].is_null());
    let caveats = codes(&v, "caveats");
    // the general points (not diagnostic, ratio of fractional excretions, …) in the standing code
    for c in ["sugar_test_general", "no_matching_range"] {
        assert!(caveats.contains(&c.to_string()), "{c} in {caveats:?}");
    }
    assert!(v["error"].is_null());
    // Columns in the batch order, then details.
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "lactulose_recovery_pct",
            "lactulose_recovery_pct_bound",
            "mannitol_recovery_pct",
            "mannitol_recovery_pct_bound",
            "lm_ratio",
            "lm_ratio_bound",
            "lm_range",
            "lm_class",
            "vitamin_d_nmol_l",
            "vitamin_d_nmol_l_bound",
            "vitamin_d_class_iom_2011",
            "zonulin_range",
            "zonulin_class",
            "flags",
            "caveats",
            "missing_inputs",
            "error",
            "details"
        ]
    );
}

#[test]
fn issue_example_text_report_names_units_and_the_caveat() {
    let out = lmr().arg("check").args(ISSUE_EXAMPLE).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("urine lactulose                9.21 mg/L"),
        "{text}"
    );
    assert!(
        // 9.21 mg/L × 1.857 L = 17.10297 mg → 4 significant digits 17.10 → shortest text 17.1
        text.contains("0.3421 %  = 17.1 mg excreted of 5000 mg"),
        "{text}"
    );
    assert!(text.contains("L:M ratio 0.02527"), "{text}");
    assert!(
        text.contains("no reference range matches this sample's protocol"),
        "{text}"
    );
    assert!(
        !text.to_lowercase().contains("you have"),
        "never tells a person what they have"
    );
}

#[test]
fn dutch_sat_protocol_matches_its_range_on_both_sides_of_the_bound() {
    // Dutch SAT hyperosmolar (5 g L, 2 g M, 40 g sucrose; 5 h): "ratios >0.089 are considered abnormal".
    // 44.5 mg/L × 1 L = 44.5 mg of 5000 mg = 0.89 %; 200 mg/L × 1 L = 200 mg of 2000 mg = 10 %;
    // L:M = 0.089 exactly → within (≤ 0.089), flagged near_boundary.
    let base = [
        "--protocol",
        "dutch-sat-hyperosmolar",
        "--mannitol",
        "200 mg/L",
        "--volume",
        "1 L",
    ];
    let v = check_json(&[&base[..], &["--lactulose", "44.5 mg/L"]].concat());
    assert_relative_eq!(v["lm_ratio"].as_f64().unwrap(), 0.089, max_relative = 1e-9);
    assert_eq!(v["lm_range"], "dutch-sat-hyperosmolar-5h");
    assert_eq!(v["lm_class"], "within");
    assert!(codes(&v, "flags").contains(&"near_boundary".to_string()));
    // 50 mg/L → 1.0 % / 10 % = 0.1 > 0.089 → above, not near the bound (12 % away)
    let v = check_json(&[&base[..], &["--lactulose", "50 mg/L"]].concat());
    assert_eq!(v["lm_class"], "above");
    // no age: the adult mannitol band is not applied, and the result says so
    assert_eq!(codes(&v, "flags"), vec!["quality_band_not_checked"]);
}

#[test]
fn dutch_sat_range_does_not_match_without_the_sucrose_dose() {
    // Same doses and window but no sucrose: the hyperosmolar range cannot be confirmed to apply.
    let v = check_json(&[
        "--lactulose",
        "44.5 mg/L",
        "--mannitol",
        "200 mg/L",
        "--volume",
        "1 L",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "2 g",
        "--collection",
        "5 h",
    ]);
    assert_eq!(v["lm_class"], "unclassified");
    assert!(codes(&v, "caveats").contains(&"no_matching_range".to_string()));
}

#[test]
fn explicit_range_with_another_protocol_classifies_and_flags_the_mismatch() {
    // Catassi 1997: children 11–15 y, 5 g L / 2 g M, window not stated; "< 0.044" normal.
    // Issue example ratio 0.02527 < 0.044 → within, but doses and age differ.
    let v = check_json(&[ISSUE_EXAMPLE, &["--lm-range", "catassi-1997-children"]].concat());
    assert_eq!(v["lm_range"], "catassi-1997-children");
    assert_eq!(v["lm_class"], "within");
    assert!(codes(&v, "flags").contains(&"protocol_mismatch".to_string()));
    assert!(codes(&v, "caveats").contains(&"protocol_not_fully_stated".to_string()));
    let diffs: Vec<String> = v["details"]["protocol_differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    assert!(
        diffs.contains(&"mannitol dose 1 g (range: 2 g)".to_string()),
        "{diffs:?}"
    );
    assert!(
        diffs.contains(&"age 35 y (range: 11–15 y)".to_string()),
        "{diffs:?}"
    );
    assert!(
        diffs.contains(&"collection not stated by the source, so not checked".to_string()),
        "{diffs:?}"
    );
}

#[test]
fn science_t4_recovery_over_100_is_kept_and_flagged() {
    // T4: 5 g / 1 g; 1.2 L; C_M 1500 mg/L → 1800 mg of 1000 mg = 180 %; C_L 20 mg/L → 0.48 %
    let v = check_json(&[
        "--lactulose",
        "20 mg/L",
        "--mannitol",
        "1500 mg/L",
        "--volume",
        "1.2 L",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
        "--collection",
        "5 h",
        "--age",
        "40",
    ]);
    assert_relative_eq!(
        v["mannitol_recovery_pct"].as_f64().unwrap(),
        180.0,
        max_relative = 1e-9
    );
    let flags = codes(&v, "flags");
    assert!(
        flags.contains(&"recovery_over_100".to_string()),
        "{flags:?}"
    );
    assert!(
        flags.contains(&"high_mannitol_recovery".to_string()),
        "{flags:?}"
    );
}

#[test]
fn lactulose_exceeds_mannitol_and_low_mannitol() {
    // L 500 mg/L × 1 L = 500 mg of 5000 mg = 10 %; M 50 mg/L × 1 L = 50 mg of 1000 mg = 5 %
    // 10 % > 5 % → lactulose_exceeds_mannitol; 5 % < 8.0 % (healthy adults) → low_mannitol_recovery
    let v = check_json(&[
        "--lactulose",
        "500 mg/L",
        "--mannitol",
        "50 mg/L",
        "--volume",
        "1 L",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
        "--collection",
        "5 h",
        "--age",
        "40",
    ]);
    let flags = codes(&v, "flags");
    assert!(
        flags.contains(&"lactulose_exceeds_mannitol".to_string()),
        "{flags:?}"
    );
    assert!(
        flags.contains(&"low_mannitol_recovery".to_string()),
        "{flags:?}"
    );
}

#[test]
fn low_urine_volume_in_an_adult_5h_collection() {
    // 400 mL < 500 mL (Clin Lab 2011), adult, 5 h window.
    let v = check_json(&[
        "--lactulose",
        "40 mg/L",
        "--mannitol",
        "400 mg/L",
        "--volume",
        "400 mL",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
        "--collection",
        "5 h",
        "--age",
        "40",
    ]);
    assert!(codes(&v, "flags").contains(&"low_urine_volume".to_string()));
    // A child's collection is not judged by the adult band.
    let v = check_json(&[
        "--lactulose",
        "40 mg/L",
        "--mannitol",
        "400 mg/L",
        "--volume",
        "400 mL",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
        "--collection",
        "5 h",
        "--age",
        "8",
    ]);
    assert!(!codes(&v, "flags").contains(&"low_urine_volume".to_string()));
}

/// The adult mannitol band, both sides of each bound in % (Eur J Clin Invest 1982;12(6):485–491,
/// doi:10.1111/j.1365-2362.1982.tb02230.x: "Urinary recovery following oral loading was 8·0–39·6%
/// of the ingested amount"), applied only with an adult age and a collection window (issue 14).
fn mannitol_flags(mannitol: &str, extra: &[&str]) -> Vec<String> {
    sugar_flags(mannitol, "1 L", extra)
}

/// Flag codes for 10 mg/L lactulose and `mannitol` in `volume` after 5 g / 1 g, plus `extra` flags.
fn sugar_flags(mannitol: &str, volume: &str, extra: &[&str]) -> Vec<String> {
    let v = check_json(
        &[
            &[
                "--lactulose",
                "10 mg/L",
                "--mannitol",
                mannitol,
                "--volume",
                volume,
                "--lactulose-dose",
                "5 g",
                "--mannitol-dose",
                "1 g",
            ][..],
            extra,
        ]
        .concat(),
    );
    codes(&v, "flags")
}

#[test]
fn mannitol_band_both_sides_of_both_bounds_for_adults_only() {
    let adult = ["--age", "40", "--collection", "5 h"];
    let has = |m: &str, f: &str| mannitol_flags(m, &adult).contains(&f.to_string());
    // M mg/L × 1 L of 1000 mg: 79.9 mg/L = 7.99 % < 8.0 → low; 80 mg/L = 8.0 % → plausible
    assert!(has("79.9 mg/L", "low_mannitol_recovery"));
    assert!(!has("80 mg/L", "low_mannitol_recovery"));
    // 396 mg/L = 39.6 % → plausible (inclusive); 396.1 mg/L = 39.61 % > 39.6 → high
    assert!(!has("396 mg/L", "high_mannitol_recovery"));
    assert!(has("396.1 mg/L", "high_mannitol_recovery"));
    // 18 and 65 are both adult ages: the band applies at both
    assert!(
        mannitol_flags("50 mg/L", &["--age", "18", "--collection", "5 h"])
            .contains(&"low_mannitol_recovery".to_string())
    );
    // a child (17 y, or an infant's 5 % recovery, MAL-ED site means 1.34–5.88 %): out of the
    // band's scope, no flag and nothing "not checked"
    let child = mannitol_flags("50 mg/L", &["--age", "17", "--collection", "5 h"]);
    assert!(child.is_empty(), "{child:?}");
    // age unknown, or window unknown: not applied, and the result says it was not checked
    for extra in [&["--collection", "5 h"][..], &["--age", "40"][..], &[][..]] {
        let f = mannitol_flags("50 mg/L", extra);
        assert_eq!(f, vec!["quality_band_not_checked"], "{extra:?}");
    }
}

#[test]
fn urine_volume_band_needs_an_adult_age_and_a_5_to_6_h_window() {
    // Mattioli F et al., Clin Lab 2011;57:909–918: LMR differs at < 500 vs ≥ 500 mL.
    // 200 mg/L × 0.499 L = 99.8 mg of 1000 mg = 9.98 %, a plausible mannitol recovery.
    let flags = |vol: &str, extra: &[&str]| sugar_flags("200 mg/L", vol, extra);
    let adult_5h = ["--age", "40", "--collection", "5 h"];
    assert!(flags("499 mL", &adult_5h).contains(&"low_urine_volume".to_string()));
    assert!(!flags("500 mL", &adult_5h).contains(&"low_urine_volume".to_string()));
    // 6 h is inside the band's 5–6 h; a 2 h window is outside it: no adult volume flag
    assert!(flags("499 mL", &["--age", "40", "--collection", "6 h"])
        .contains(&"low_urine_volume".to_string()));
    // (80 mL × 200 mg/L = 16 mg of 1000 mg = 1.6 %: the mannitol band still flags it, low)
    let two_h = flags("80 mL", &["--age", "40", "--collection", "2 h"]);
    assert_eq!(two_h, vec!["low_mannitol_recovery"]);
    // an infant's 80 mL collection over 5 h: out of scope, no adult flag
    assert!(!flags("80 mL", &["--age", "0.75", "--collection", "5 h"])
        .contains(&"low_urine_volume".to_string()));
    // unknown age: not applied, and said so
    assert_eq!(
        flags("80 mL", &["--collection", "5 h"]),
        vec!["quality_band_not_checked"]
    );
}

#[test]
fn zero_volume_is_implausible() {
    let v = check_json(&[
        "--lactulose",
        "40 mg/L",
        "--mannitol",
        "400 mg/L",
        "--volume",
        "0 mL",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
    ]);
    assert!(codes(&v, "flags").contains(&"implausible_urine_volume".to_string()));
    assert!(v["lm_ratio"].is_null(), "0 % ÷ 0 % has no ratio");
}

#[test]
fn below_detection_limit_gives_bounds() {
    // <2.5 mg/L × 1 L = <2.5 mg of 5000 mg = <0.05 %; mannitol 100 mg/L → 10 %; L:M < 0.005
    let v = check_json(&[
        "--lactulose",
        "<2.5 mg/L",
        "--mannitol",
        "100 mg/L",
        "--volume",
        "1 L",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
    ]);
    // censored: the number key is null (numeric columns hold numbers), the bound beside it
    assert!(v["lactulose_recovery_pct"].is_null());
    assert_eq!(v["lactulose_recovery_pct_bound"], "<0.05");
    assert!(v["lm_ratio"].is_null());
    assert_eq!(v["lm_ratio_bound"], "<0.005");
    assert_eq!(v["mannitol_recovery_pct"], 10);
    assert!(v["mannitol_recovery_pct_bound"].is_null());
    assert!(codes(&v, "flags").contains(&"below_detection_limit".to_string()));
    // ND without a limit: no recovery, no ratio, still flagged
    let v = check_json(&[
        "--lactulose",
        "ND",
        "--mannitol",
        "100 mg/L",
        "--volume",
        "1 L",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
    ]);
    assert!(v["lactulose_recovery_pct"].is_null());
    assert!(v["lm_ratio"].is_null());
}

#[test]
fn molar_input_gives_the_same_ratio_as_mass_input() {
    // T10: 50 mg/L lactulose = 50/342.297 = 0.146072 mmol/L; mannitol 500 mg/L = 500/182.172 = 2.744659 mmol/L
    // T2 doses 5000 mg / 1000 mg, 0.1 L: FE_L 0.10 %, FE_M 5.00 %, L:M 0.020 either way.
    let mass = check_json(&[
        "--lactulose",
        "50 mg/L",
        "--mannitol",
        "500 mg/L",
        "--volume",
        "100 mL",
        "--lactulose-dose",
        "5000 mg",
        "--mannitol-dose",
        "1000 mg",
    ]);
    let molar = check_json(&[
        "--lactulose",
        "0.146072 mmol/L",
        "--mannitol",
        "2744.659 umol/L",
        "--volume",
        "100 mL",
        "--lactulose-dose",
        "5000 mg",
        "--mannitol-dose",
        "1000 mg",
    ]);
    assert_relative_eq!(
        mass["lm_ratio"].as_f64().unwrap(),
        0.020,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        molar["lm_ratio"].as_f64().unwrap(),
        0.020,
        max_relative = 1e-5
    );
}

#[test]
fn rejected_values_exit_3_naming_flag_and_value() {
    let cases: &[(&[&str], &str)] = &[
        (&["--lactulose", "12,5 mg/L", "--volume", "1 L", "--lactulose-dose", "5 g"],
         "lmr: --lactulose \"12,5 mg/L\": decimal comma (write \"12.5 mg/L\" with a decimal point)"),
        (&["--lactulose", "12.5 mg/L", "--volume", "-5 mL", "--lactulose-dose", "5 g"],
         "lmr: --volume \"-5 mL\": must not be negative"),
        (&["--lactulose", "12.5 mg/L", "--volume", "1 L", "--lactulose-dose", "5 furlongs"],
         "lmr: --lactulose-dose \"5 furlongs\": unknown unit \"furlongs\" (expected one of g, mg, µg)"),
        (&["--lactulose", "12.5 mg/L", "--volume", "5 g", "--lactulose-dose", "5 g"],
         "lmr: --volume \"5 g\": \"g\" is a mass, expected a volume (one of L, dL, mL)"),
        (&["--lactulose", "NaN mg/L", "--volume", "1 L", "--lactulose-dose", "5 g"],
         "lmr: --lactulose \"NaN mg/L\": not a finite number"),
        (&["--lactulose", "12.5 mg/L", "--lactulose-dose", "5 g"],
         "lmr: --lactulose \"12.5 mg/L\": a recovery needs the urine volume: add --volume"),
        (&["--lactulose", "12.5 mg/L", "--volume", "1 L"],
         "lmr: --lactulose \"12.5 mg/L\": a recovery needs the oral dose: add --lactulose-dose (or --protocol)"),
        (&["--vitamin-d", "20 ng/mL", "--age", "old"], "lmr: --age \"old\": not a number (expected an age in years, or a number and a unit: \"35\", \"18 months\", \"2 y\")"),
        (&["--vitamin-d", "20 ng/mL", "--sex", "X"], "lmr: --sex \"X\": unknown sex (expected F, M, female or male)"),
        (&["--vitamin-d", "20 ng/mL", "--lm-range", "nope"], "lmr: --lm-range \"nope\": no such range (see `lmr ranges list`)"),
        (&["--vitamin-d", "20 ng/mL", "--lm-range", "iom-2011"], "lmr: --lm-range \"iom-2011\": that range is for vitamin_d_25oh, not lm_ratio"),
        (&["--vitamin-d", "20 ng/mL", "--protocol", "nope"], "lmr: --protocol \"nope\": no such protocol (see `lmr ranges list`)"),
        (&["--lactulose-dose", "5 g"], "lmr: nothing to interpret"),
        (&["--vitamin-d", "20 ng/mL", "--hp-genotype", "1-1"], "lmr: --hp-genotype given without --zonulin"),
        (&["--vitamin-d", "20 ng/mL", "--zonulin-range", "enterosan-serum"], "lmr: --zonulin-range given without --zonulin"),
    ];
    for (args, expected) in cases {
        let (code, stderr) = check_fails(args);
        assert_eq!(code, 3, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(expected),
            "{args:?}\n got: {stderr}\nwant: {expected}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let (code, _) = check_fails(&["--no-such-flag"]);
    assert_eq!(code, 2);
    let (code, _) = check_fails(&["--format", "xml", "--vitamin-d", "20 ng/mL"]);
    assert_eq!(code, 2);
}

#[test]
fn ranges_list_show_validate() {
    let out = lmr().args(["ranges", "list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("dutch-sat-hyperosmolar-5h"));
    assert!(text.contains("iom-2011"));
    let out = lmr()
        .args(["ranges", "show", "hossain-2016-children"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("L:M of ≥0.09") || text.contains("≥0.09"),
        "{text}"
    );
    assert!(
        text.contains("not stated by the source: doses, collection"),
        "{text}"
    );
    let out = lmr().args(["ranges", "show", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn invalid_user_range_file_is_fatal_and_names_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        r#"[[range]]
id = "my-lab"
analyte = "lm_ratio"
unit = "ratio"
title = "my lab"
selection = "explicit"
[range.applies_to]
matrix = "urine"
[[range.band]]
label = "within"
upper = { value = 0.03, inclusive = false }
[[range.band]]
label = "above"
lower = { value = 0.03, inclusive = true }
"#,
    )
    .unwrap();
    for args in [
        vec![
            "ranges".to_string(),
            "validate".into(),
            path.display().to_string(),
        ],
        vec![
            "check".into(),
            "--vitamin-d".into(),
            "20 ng/mL".into(),
            "--ranges".into(),
            path.display().to_string(),
        ],
    ] {
        let out = lmr().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            err,
            format!(
                "lmr: {}: key `range[my-lab].source`: missing (required)\n",
                path.display()
            )
        );
    }
}

#[test]
fn user_range_overrides_a_shipped_one_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iom.toml");
    // A lab's own copy of iom-2011 with a single cut-off (values are the IOM's 50 nmol/L).
    std::fs::write(
        &path,
        r#"[[range]]
id = "iom-2011"
analyte = "vitamin_d_25oh"
unit = "nmol/L"
title = "local copy"
selection = "explicit"
[range.source]
citation = "IOM 2011"
url = "http://books.nap.edu/openbook.php?record_id=13050&page=14"
quote = "Practically all persons are sufficient at serum 25OHD levels of at least 50 nmol/L (20 ng/mL)"
status = "verified"
[range.applies_to]
matrix = "serum"
[[range.band]]
label = "below_50"
upper = { value = 50, inclusive = false }
[[range.band]]
label = "sufficient"
lower = { value = 50, inclusive = true }
"#,
    )
    .unwrap();
    let out = lmr()
        .args([
            "check",
            "--vitamin-d",
            "40 nmol/L",
            "--format",
            "json",
            "--ranges",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("overrides the one in builtin:vitamin-d/iom-2011.toml"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["vitamin_d_class_iom_2011"], "below_50");
}

#[test]
fn vitamin_d_scheme_all_is_every_shipped_scheme_not_a_users_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        r#"[[range]]
id = "my-lab-vd"
analyte = "vitamin_d_25oh"
unit = "nmol/L"
title = "my lab"
selection = "explicit"
[range.source]
citation = "my lab"
url = "https://example.org"
quote = "q"
status = "verified"
[range.applies_to]
matrix = "serum"
[[range.band]]
label = "all"
"#,
    )
    .unwrap();
    let out = lmr()
        .args([
            "check",
            "--vitamin-d",
            "40 nmol/L",
            "--vitamin-d-scheme",
            "all",
            "--format",
            "json",
            "--ranges",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // the eight shipped schemes (docs/sources.md), and neither the user's nor the toxicity band
    let schemes: Vec<&str> = v
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("vitamin_d_class_"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        schemes,
        [
            "vitamin_d_class_ects_2019",
            "vitamin_d_class_endocrine_2011",
            "vitamin_d_class_endocrine_2024",
            "vitamin_d_class_iom_2011",
            "vitamin_d_class_nice_cks_2022",
            "vitamin_d_class_nos_2013",
            "vitamin_d_class_ros_2018",
            "vitamin_d_class_sacn_2016"
        ]
    );
}

#[test]
fn caveats_lists_every_code_with_text_and_source() {
    let out = lmr()
        .args(["caveats", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let flags: Vec<&str> = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for f in [
        "lactulose_exceeds_mannitol",
        "recovery_over_100",
        "low_mannitol_recovery",
        "high_mannitol_recovery",
        "implausible_urine_volume",
        "near_boundary",
        "protocol_mismatch",
        "below_detection_limit",
    ] {
        assert!(flags.contains(&f), "{f}");
    }
    for c in v["caveats"].as_array().unwrap() {
        assert!(!c["text"].as_str().unwrap().is_empty());
        assert!(!c["source"].as_str().unwrap().is_empty());
    }
}

#[test]
fn help_documents_exit_codes() {
    let out = lmr().args(["check", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("3  an input value was rejected"));
}

#[test]
fn censored_vitamin_d_zonulin_and_age_in_months_are_read_as_batch_reads_them() {
    // The cells `batch` accepts: below-limit vitamin D and zonulin are flagged, not rejected;
    // "18 months" is 18 / 12 = 1.5 years.
    let v = check_json(&[
        "--vitamin-d",
        "<10 ng/mL",
        "--zonulin",
        "ND",
        "--age",
        "18 months",
    ]);
    assert_eq!(codes(&v, "flags"), vec!["below_detection_limit"]);
    assert!(v["vitamin_d_nmol_l"].is_null());
    assert_eq!(v["details"]["inputs"]["age_years"], 1.5);
}

#[test]
fn every_rejected_flag_is_reported() {
    let (code, stderr) = check_fails(&[
        "--lactulose",
        "12,5 mg/L",
        "--volume",
        "-5 mL",
        "--lactulose-dose",
        "5 g",
    ]);
    assert_eq!(code, 3);
    assert_eq!(
        stderr,
        "lmr: --lactulose \"12,5 mg/L\": decimal comma (write \"12.5 mg/L\" with a decimal point)\n\
         lmr: --volume \"-5 mL\": must not be negative\n"
    );
}

/// A user's automatic L:M range for the Dutch SAT hyperosmolar protocol (lactulose 5 g, mannitol
/// 2 g, sucrose 40 g; 5 h), with a made-up cut-off of 0.05 for the test.
const MY_DUTCH_RANGE: &str = r#"schema = 1
[[range]]
id = "my-lab-dutch-sat"
analyte = "lm_ratio"
unit = "ratio"
title = "My lab: Dutch SAT hyperosmolar, 5 h (local cut-off, test data)"
selection = "automatic"
[range.source]
citation = "My lab's own reference group (test data)"
url = "https://example.org/my-lab"
quote = "within < 0.05"
status = "verified"
[range.applies_to]
matrix = "urine"
[range.applies_to.protocol]
doses = { lactulose = "5 g", mannitol = "2 g", sucrose = "40 g" }
collection = "5 h"
[[range.band]]
label = "within"
upper = { value = 0.05, inclusive = false }
[[range.band]]
label = "above"
lower = { value = 0.05, inclusive = true }
"#;

#[test]
fn a_users_range_takes_precedence_over_a_builtin_one_and_the_others_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my-lab.toml");
    std::fs::write(&path, MY_DUTCH_RANGE).unwrap();
    // 30 mg/L × 1 L = 30 mg of 5000 mg = 0.6 %; 100 mg/L × 1 L = 100 mg of 2000 mg = 5 %;
    // L:M = 0.6 / 5 = 0.12: above both the user's 0.05 and the built-in 0.089
    let base = [
        "--protocol",
        "dutch-sat-hyperosmolar",
        "--lactulose",
        "30 mg/L",
        "--mannitol",
        "100 mg/L",
        "--volume",
        "1 L",
    ];
    let with_user = [&base[..], &["--ranges", path.to_str().unwrap()]].concat();
    let v = check_json(&with_user);
    assert_relative_eq!(v["lm_ratio"].as_f64().unwrap(), 0.12, max_relative = 1e-12);
    assert_eq!(v["lm_range"], "my-lab-dutch-sat");
    assert!(codes(&v, "caveats").contains(&"several_ranges_matched".to_string()));
    assert_eq!(
        v["details"]["lm_also_matched"],
        serde_json::json!(["dutch-sat-hyperosmolar-5h"])
    );
    // where the two disagree, the user's band decides: 15 mg/L → 0.3 % / 5 % = 0.06, "above" the
    // user's 0.05 but "within" the built-in ≤ 0.089
    let at_006 = |extra: &[&str]| {
        let args: Vec<&str> = base
            .iter()
            .copied()
            .map(|a| if a == "30 mg/L" { "15 mg/L" } else { a })
            .chain(extra.iter().copied())
            .collect();
        check_json(&args)
    };
    let v = at_006(&["--ranges", path.to_str().unwrap()]);
    assert_relative_eq!(v["lm_ratio"].as_f64().unwrap(), 0.06, max_relative = 1e-12);
    assert_eq!(v["lm_class"], "above");
    assert_eq!(at_006(&[])["lm_class"], "within");
    // without the user's file, the built-in range is used and nothing else matched
    let v = check_json(&base);
    assert_eq!(v["lm_range"], "dutch-sat-hyperosmolar-5h");
    assert!(!codes(&v, "caveats").contains(&"several_ranges_matched".to_string()));
    assert_eq!(v["details"]["lm_also_matched"], serde_json::json!([]));
    // the text report names the range used and the one that also matched
    let out = lmr().arg("check").args(&with_user).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("range: my-lab-dutch-sat"), "{text}");
    assert!(
        text.contains(
            "also matched (not used; the range above takes precedence): dutch-sat-hyperosmolar-5h"
        ),
        "{text}"
    );
}

#[test]
fn each_pretest_input_raises_its_flag() {
    // Each yes/no input raises the flag of the same name on yes, nothing on no (issue 14).
    let base = ["--vitamin-d", "60 nmol/L"];
    for name in [
        "pretest_nsaid",
        "pretest_alcohol",
        "pretest_laxative",
        "pretest_steroid",
        "recent_diarrhoea",
        "glycosuria",
    ] {
        let flag = format!("--{}", name.replace('_', "-"));
        let yes = check_json(&[&base[..], &[flag.as_str(), "yes"]].concat());
        assert_eq!(codes(&yes, "flags"), vec![name.to_string()], "{name}");
        let no = check_json(&[&base[..], &[flag.as_str(), "no"]].concat());
        assert!(codes(&no, "flags").is_empty(), "{name}");
    }
    // eGFR, both sides of KDIGO 2012's 60 mL/min/1.73 m² ("GFR <60 mL/min/1.73 m2 (GFR categories
    // G3a–G5)"): 59.9 is reduced, 60 is not
    let egfr = |v: &str| codes(&check_json(&[&base[..], &["--egfr", v]].concat()), "flags");
    assert_eq!(egfr("59.9"), vec!["reduced_renal_function"]);
    assert_eq!(egfr("59.9 mL/min/1.73 m²"), vec!["reduced_renal_function"]);
    assert!(egfr("60").is_empty());
    assert!(egfr("60 mL/min/1.73m2").is_empty());
    // a bad answer is refused naming the flag and the value (exit 3)
    let out = lmr()
        .args([
            "check",
            "--vitamin-d",
            "60 nmol/L",
            "--pretest-nsaid",
            "maybe",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--pretest-nsaid \"maybe\""), "{err}");
}
