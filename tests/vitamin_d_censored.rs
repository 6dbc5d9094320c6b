//! Vitamin D below a stated limit is a censored result like any other quantity (issue 12): the
//! number is empty, `vitamin_d_nmol_l_bound` carries `<` and the limit in nmol/L, and a scheme's
//! class is given only when one band holds every value below the limit.
//!
//! Conversion: 25(OH)D3, C27H44O2 = 27 × 12.011 + 44 × 1.008 + 2 × 15.999 = 400.647 g/mol (lmr
//! uses 400.64); 10 ng/mL = 10 µg/L ÷ 400.64 g/mol = 0.02496006 µmol/L = 24.96006 nmol/L.
//! IOM 2011 (Dietary Reference Intakes for Calcium and Vitamin D, report brief p. 14, and the NAM
//! wording "<30 nmol/L … at risk of deficiency"): bands x < 30, 30 ≤ x < 50, 50 ≤ x ≤ 125, > 125.

mod common;

use common::batch::{batch, Table};

#[test]
fn a_limit_is_a_bound_and_classified_only_when_one_band_holds_it() {
    let run = batch(
        "id,vitamin_d\na,<10 ng/mL\nb,<40 nmol/L\nc,ND\nd,<30 nmol/L\n".as_bytes(),
        &["--format", "jsonl"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<serde_json::Value> = run
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    // a: <24.96 nmol/L lies wholly below 30
    assert!(rows[0]["vitamin_d_nmol_l"].is_null());
    let bound = rows[0]["vitamin_d_nmol_l_bound"].as_str().unwrap();
    let b: f64 = bound.strip_prefix('<').unwrap().parse().unwrap();
    assert!((b - 24.96006).abs() < 1e-5, "{bound}");
    assert_eq!(rows[0]["vitamin_d_class_iom_2011"], "at_risk_of_deficiency");
    // b: <40 nmol/L may be below or above 30: no class
    assert_eq!(rows[1]["vitamin_d_nmol_l_bound"], "<40");
    assert_eq!(rows[1]["vitamin_d_class_iom_2011"], "unclassified");
    // c: ND states no limit: nothing to bound
    assert!(rows[2]["vitamin_d_nmol_l_bound"].is_null());
    assert!(rows[2]["vitamin_d_class_iom_2011"].is_null());
    // d: <30 nmol/L: every value is below 30, the band's open upper bound
    assert_eq!(rows[3]["vitamin_d_nmol_l_bound"], "<30");
    assert_eq!(rows[3]["vitamin_d_class_iom_2011"], "at_risk_of_deficiency");
    for r in &rows {
        assert!(r["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "below_detection_limit"));
    }

    // The CSV carries the same cells, and the number column stays empty (read as a float column).
    let run = batch("id,vitamin_d\na,<10 ng/mL\n".as_bytes(), &[]);
    let t = Table::parse(&run.stdout, b',');
    assert_eq!(t.cell(0, "vitamin_d_nmol_l"), "");
    assert!(t.cell(0, "vitamin_d_nmol_l_bound").starts_with("<24.960"));
}

#[test]
fn fhir_gives_the_limit_with_its_comparator() {
    let out = common::batch::lmr()
        .args(["check", "--vitamin-d", "<10 ng/mL", "--format", "fhir"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let obs: Vec<&serde_json::Value> = v["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == "Observation")
        .collect();
    assert_eq!(obs.len(), 1);
    let q = &obs[0]["valueQuantity"];
    assert_eq!(q["comparator"], "<");
    assert_eq!(q["unit"], "nmol/L");
    // 10 ng/mL ÷ 400.64 g/mol = 24.96006 nmol/L
    assert!((q["value"].as_f64().unwrap() - 24.96006).abs() < 1e-5);
    assert!(obs[0].get("dataAbsentReason").is_none());
}
