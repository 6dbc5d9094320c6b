//! The output contract (issue 12), read as a script reads it: lmr's CSV and JSON Lines through a
//! real CSV reader (`csv` + serde) and a real JSON reader (`serde_json`). Every quantity column
//! holds a number or nothing, censored results sit in `<column>_bound`, no number carries more
//! than 10 significant digits (no binary noise), and the caveat codes are lean and explained.

mod common;

use std::collections::HashMap;

use common::batch::{batch, lmr};

const HEADER: &str = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],vitamin_d [nmol/L]";

/// Exact rows, censored rows (a bound below, a ratio bounded above), unusable cells and a bad row.
fn cohort() -> String {
    format!(
        "{HEADER}\n\
         exact,20,150,1200,5,1,5,60\n\
         noisy,9.21,72.9,1857,5,1,5,71.3\n\
         l_below,<0.25,180,900,5,1,5,\n\
         m_below,20,<0.5,1200,5,1,5,45\n\
         nd,ND,180,900,5,1,5,\n\
         bad,abc,150,1200,5,1,5,50\n\
         short,1\n"
    )
}

/// Significant digits of a number's text (`0.01116` → 4, `18` → 2, `1.5e-7` → 2).
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    // trailing zeros of a whole number are placeholders, not significant digits
    let digits = if mantissa.contains('.') {
        digits
    } else {
        digits.trim_end_matches('0')
    };
    digits.len()
}

/// The quantity columns of a header: the base of every `_bound` column, vitamin D, z-scores.
fn quantity_columns(header: &[String]) -> Vec<String> {
    let mut q: Vec<String> = header
        .iter()
        .filter_map(|h| h.strip_suffix("_bound").map(str::to_string))
        .collect();
    q.extend(
        header
            .iter()
            .filter(|h| *h == "vitamin_d_nmol_l" || *h == "lmz" || h.ends_with("_z"))
            .cloned(),
    );
    q
}

#[test]
fn csv_quantity_columns_read_as_numbers_with_bounds_beside_them() {
    let r = batch(cohort().as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr); // the bad rows carry an error
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false) // every output row has the header's width
        .from_reader(&r.stdout[..]);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let quantities = quantity_columns(&header);
    for q in [
        "lactulose_recovery_pct",
        "mannitol_recovery_pct",
        "lm_ratio",
    ] {
        assert!(quantities.iter().any(|c| c == q), "{q} has a _bound column");
    }
    let rows: Vec<HashMap<String, String>> = rdr.deserialize().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    for (i, row) in rows.iter().enumerate() {
        for q in &quantities {
            let cell = &row[q];
            if !cell.is_empty() {
                let x: f64 = cell
                    .parse()
                    .unwrap_or_else(|_| panic!("row {i} {q}: {cell:?} is not a number"));
                assert!(x.is_finite(), "row {i} {q}: {cell:?}");
                assert!(significant_digits(cell) <= 10, "row {i} {q}: {cell:?}");
                assert!(
                    !cell.ends_with(".0"),
                    "row {i} {q}: whole numbers have no point"
                );
            }
            if let Some(bound) = row.get(&format!("{q}_bound")) {
                if !bound.is_empty() {
                    assert!(cell.is_empty(), "row {i} {q}: a number and a bound");
                    let (cmp, n) = bound.split_at(1);
                    assert!(cmp == "<" || cmp == ">", "row {i} {q}_bound: {bound:?}");
                    assert!(n.parse::<f64>().is_ok(), "row {i} {q}_bound: {bound:?}");
                }
            }
        }
    }
    let by_id = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap();
    // 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %; 150 × 1.2 = 180 mg of 1000 mg = 18 %;
    // 0.48 / 18 = 0.026666… → 10 significant digits 0.02666666667
    let exact = by_id("exact");
    assert_eq!(exact["lactulose_recovery_pct"], "0.48");
    assert_eq!(exact["mannitol_recovery_pct"], "18");
    assert_eq!(exact["lm_ratio"], "0.02666666667");
    assert_eq!(exact["vitamin_d_nmol_l"], "60");
    // 9.21 mg/L × 1.857 L = 17.10297 mg of 5000 mg = 0.3420594 %; 72.9 × 1.857 = 135.3753 mg of
    // 1000 mg = 13.53753 % (binary arithmetic gives 0.34205940000000004-like noise: not written)
    let noisy = by_id("noisy");
    assert_eq!(noisy["lactulose_recovery_pct"], "0.3420594");
    assert_eq!(noisy["mannitol_recovery_pct"], "13.53753");
    // <0.25 mg/L × 0.9 L = <0.225 mg of 5000 mg = <0.0045 %; 180 × 0.9 = 162 mg = 16.2 %;
    // ratio < 0.0045 / 16.2 = 0.000277777… → <0.0002777777778
    let lb = by_id("l_below");
    assert_eq!(lb["lactulose_recovery_pct"], "");
    assert_eq!(lb["lactulose_recovery_pct_bound"], "<0.0045");
    assert_eq!(lb["mannitol_recovery_pct"], "16.2");
    assert_eq!(lb["lm_ratio_bound"], "<0.0002777777778");
    // mannitol <0.5 mg/L × 1.2 L = <0.6 mg of 1000 mg = <0.06 %; ratio > 0.48 / 0.06 = >8
    let mb = by_id("m_below");
    assert_eq!(mb["mannitol_recovery_pct_bound"], "<0.06");
    assert_eq!(mb["lm_ratio"], "");
    assert_eq!(mb["lm_ratio_bound"], ">8");
    // ND without a limit: no number and no bound
    let nd = by_id("nd");
    assert_eq!(nd["lactulose_recovery_pct"], "");
    assert_eq!(nd["lactulose_recovery_pct_bound"], "");
}

#[test]
fn jsonl_quantities_are_json_numbers_or_null_with_string_bounds() {
    let r = batch(cohort().as_bytes(), &["--format", "jsonl"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let text = String::from_utf8(r.stdout).unwrap();
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 7);
    let keys: Vec<String> = rows[0].keys().cloned().collect();
    let quantities = quantity_columns(&keys);
    for (i, row) in rows.iter().enumerate() {
        for q in &quantities {
            let v = &row[q.as_str()];
            assert!(v.is_number() || v.is_null(), "row {i} {q}: {v}");
            if let Some(b) = row.get(&format!("{q}_bound")) {
                assert!(b.is_string() || b.is_null(), "row {i} {q}_bound: {b}");
                assert!(
                    b.is_null() || v.is_null(),
                    "row {i} {q}: a number and a bound"
                );
            }
        }
    }
    let exact = &rows[0];
    assert_eq!(exact["lactulose_recovery_pct"], 0.48);
    // JSON writes the same text as CSV: 18, not 18.0; 0.02666666667, not 0.026666666666666665
    let line0 = text.lines().next().unwrap();
    assert!(line0.contains(r#""mannitol_recovery_pct":18,"#), "{line0}");
    assert!(line0.contains(r#""lm_ratio":0.02666666667,"#), "{line0}");
    let mb = &rows[3];
    assert!(mb["lm_ratio"].is_null());
    assert_eq!(mb["lm_ratio_bound"], ">8");
}

#[test]
fn check_json_follows_the_same_rule() {
    // <2.5 mg/L × 1 L = <2.5 mg of 5000 mg = <0.05 %; 100 mg/L → 100 mg of 1000 mg = 10 %
    let out = lmr()
        .args(["check", "--format", "json", "--lactulose", "<2.5 mg/L"])
        .args(["--mannitol", "100 mg/L", "--volume", "1 L"])
        .args(["--lactulose-dose", "5 g", "--mannitol-dose", "1 g"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["lactulose_recovery_pct"].is_null());
    assert_eq!(v["lactulose_recovery_pct_bound"], "<0.05");
    assert_eq!(v["mannitol_recovery_pct"], 10);
    let rec = &v["details"]["recoveries"];
    assert!(rec["lactulose_recovery_pct"].is_null());
    assert_eq!(rec["lactulose_recovery_pct_bound"], "<0.05");
    assert_eq!(rec["mannitol_recovery_pct"], 10);
    // the details print every caveat's full text: the standing code with its parts
    let caveats = v["details"]["caveats"].as_array().unwrap();
    let general = caveats
        .iter()
        .find(|c| c["code"] == "sugar_test_general")
        .expect("standing code");
    let parts: Vec<&str> = general["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert!(parts.contains(&"lm_ratio_not_diagnostic"), "{parts:?}");
    assert!(general["text"]
        .as_str()
        .unwrap()
        .contains("it is not a diagnosis"));
}

#[test]
fn rows_carry_lean_codes_and_the_run_lists_them_once() {
    let r = batch(cohort().as_bytes(), &[]);
    let mut rdr = csv::Reader::from_reader(&r.stdout[..]);
    let rows: Vec<HashMap<String, String>> = rdr.deserialize().map(Result::unwrap).collect();
    // the exact row: one standing code per analyte, then the row-specific ones
    assert_eq!(
        rows[0]["caveats"],
        "sugar_test_general;vitamin_d_general;no_matching_range;vitamin_d_total_converted_as_d3"
    );
    // stderr names each code used, once, with one line of text
    let listed: Vec<&str> = r
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("lmr:   "))
        .collect();
    let codes: Vec<&str> = listed
        .iter()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "sugar_test_general",
            "vitamin_d_general",
            "no_matching_range",
            "vitamin_d_total_converted_as_d3"
        ],
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`lmr caveats CODE` prints the full text"));
}

#[test]
fn caveats_code_prints_one_codes_text_and_sources() {
    let out = lmr()
        .args(["caveats", "sugar_test_general"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for part in lmr::caveat::Caveat::SugarTestGeneral.parts() {
        assert!(text.contains(part.text()), "{part}");
        assert!(text.contains(part.source()), "{part}");
    }
    assert!(!text.contains("zonulin_general"));
    // a former code still prints, and says where it went
    let out = lmr()
        .args(["caveats", "zonulin_not_validated"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("No guideline validates zonulin"), "{text}");
    assert!(text.contains("part of zonulin_general"), "{text}");
    // an unknown code: exit 3 naming it and the codes
    let out = lmr().args(["caveats", "leaky_gut"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("\"leaky_gut\": not a caveat or flag code"),
        "{err}"
    );
    assert!(err.contains("sugar_test_general"), "{err}");
}
