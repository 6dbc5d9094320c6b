//! Cohort commands read as `lmr batch` does (issue 11 item 9): `lmr summary`,
//! `lmr reference-interval` and `lmr zscore-reference` keep each analyte of a row with a rejected
//! cell that the analyte does not need, count the values left out per analyte with the reason,
//! and group the long layout (one row per timed fraction) by sample. Expected values are worked
//! by hand in the comments: recovery % = C (mg/L) × V (L) ÷ dose (mg) × 100; quartiles are
//! Hyndman–Fan type 7 (h = (n − 1)·p).

use approx::assert_relative_eq;
use assert_cmd::Command;
use serde_json::Value;

fn lmr() -> Command {
    Command::cargo_bin("lmr").expect("binary built")
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `lmr ARGS FILE` on `csv` written to a temporary file.
fn run(args: &[&str], csv: &str) -> Out {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cohort.csv");
    std::fs::write(&p, csv).unwrap();
    let out = lmr().args(args).arg(&p).output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The `measures` entry named `key` of the first group of a `lmr summary --format json`.
fn measure(summary: &Value, key: &str) -> Value {
    summary["groups"][0]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["measure"] == key)
        .cloned()
        .unwrap_or_else(|| panic!("no measure {key}"))
}

const WIDE: &str = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],age [y],vitamin_d [nmol/L]";

/// Three rows, the second with a vitamin D cell that is not a number.
/// a: lactulose 20 mg/L × 1 L = 20 mg of 5000 mg = 0.4 %; mannitol 150 mg of 1000 mg = 15 %;
///    L:M 0.4 ÷ 15 = 0.0266667
/// b: 40 mg → 0.8 %; 15 %; L:M 0.8 ÷ 15 = 0.0533333
/// c: 10 mg → 0.2 %; 100 mg → 10 %; L:M 0.02
fn three_rows() -> String {
    format!(
        "{WIDE}\n\
         a,20,150,1000,5,1,5,30,50\n\
         b,40,150,1000,5,1,5,30,fifty\n\
         c,10,100,1000,5,1,5,30,70\n"
    )
}

#[test]
fn summary_keeps_the_lm_ratio_of_a_row_whose_vitamin_d_is_rejected() {
    let out = run(&["summary", "--format", "json"], &three_rows());
    // the row's error still makes the command exit 3, as `lmr batch` does
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("column \"vitamin_d [nmol/L]\", value \"fifty\""),
        "{}",
        out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["groups"][0]["rows"], 3);
    assert_eq!(v["groups"][0]["rows_with_error"], 1);
    // L:M n is 3: sorted 0.02, 0.0266667, 0.0533333; median (h = 1) 0.0266667;
    // Q1 (h = 0.5) 0.02 + 0.5 × 0.0066667 = 0.0233333
    let lm = measure(&v, "lm_ratio");
    assert_eq!(lm["n"], 3);
    assert_eq!(lm["n_rejected"], 0);
    assert_relative_eq!(
        lm["median"].as_f64().unwrap(),
        0.4 / 15.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        lm["q1"].as_f64().unwrap(),
        (0.02 + 0.4 / 15.0) / 2.0,
        max_relative = 1e-9
    );
    // vitamin D n is 2 (50, 70: median 60), one left out for its rejected cell
    let vd = measure(&v, "vitamin_d_nmol_l");
    assert_eq!(vd["n"], 2);
    assert_eq!(vd["n_rejected"], 1);
    assert_relative_eq!(vd["median"].as_f64().unwrap(), 60.0, max_relative = 1e-9);
    // the CSV form says the same in a `left_out` row
    let out = run(&["summary", "--format", "csv"], &three_rows());
    assert!(
        out.stdout
            .lines()
            .any(|l| l == "left_out,vitamin_d_nmol_l,,,rejected_input,,1,,,,,"),
        "{}",
        out.stdout
    );
}

#[test]
fn summary_counts_a_rejected_urine_cell_against_the_sugars_only() {
    // b's lactulose is rejected: its recovery and L:M are left out (rejected), its mannitol
    // (15 %) and vitamin D are kept.
    let csv = format!(
        "{WIDE}\n\
         a,20,150,1000,5,1,5,30,50\n\
         b,12;5,150,1000,5,1,5,30,60\n\
         c,10,100,1000,5,1,5,30,70\n"
    );
    let out = run(&["summary", "--format", "json"], &csv);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    for (key, n, rejected) in [
        ("lactulose_recovery_pct", 2, 1),
        ("lm_ratio", 2, 1),
        ("mannitol_recovery_pct", 3, 0),
        ("vitamin_d_nmol_l", 3, 0),
    ] {
        let m = measure(&v, key);
        assert_eq!(
            (m["n"].as_u64(), m["n_rejected"].as_u64()),
            (Some(n), Some(rejected)),
            "{key}"
        );
    }
    // mannitol 15, 15, 10 %: median 15
    assert_relative_eq!(
        measure(&v, "mannitol_recovery_pct")["median"]
            .as_f64()
            .unwrap(),
        15.0,
        max_relative = 1e-9
    );
}

#[test]
fn reference_interval_uses_per_analyte_values_and_names_what_it_left_out() {
    let out = run(
        &[
            "reference-interval",
            "--analyte",
            "lm_ratio",
            "--format",
            "json",
        ],
        &three_rows(),
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    // all three L:M values (0.02, 0.0266667, 0.0533333) enter the interval
    assert_eq!(v[0]["result"]["n_input"], 3);
    assert_eq!(v[0]["rejected_left_out"], 0);
    let out = run(
        &[
            "reference-interval",
            "--analyte",
            "vitamin_d_25oh",
            "--format",
            "json",
        ],
        &three_rows(),
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v[0]["result"]["n_input"], 2);
    assert_eq!(v[0]["rejected_left_out"], 1);
    let out = run(
        &["reference-interval", "--analyte", "vitamin_d_25oh"],
        &three_rows(),
    );
    assert!(
        out.stdout.contains("n = 2 (2 used, 0 excluded; 0 censored, 1 with a rejected input and 0 missing left out)"),
        "{}",
        out.stdout
    );
}

#[test]
fn zscore_reference_keeps_the_ratio_and_counts_what_it_left_out() {
    // the three L:M values of `three_rows` (b's vitamin D does not matter) and a fourth row whose
    // urine volume is rejected (its L:M is still computed from the concentrations and doses, so
    // it is kept: 15 mg/L ÷ 5000 mg over 150 mg/L ÷ 1000 mg = 0.02) and a fifth whose lactulose
    // is rejected (left out, counted).
    let csv = format!(
        "{}d,15,150,-1,5,1,5,30,50\ne,x,150,1000,5,1,5,30,50\n",
        three_rows()
    );
    let out = run(
        &[
            "zscore-reference",
            "--analyte",
            "lm_ratio",
            "--age-bands",
            "18-65",
            "--min-cell",
            "1",
        ],
        &csv,
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("lmr: 4 observations; 0 rows filtered out by --where; left out, without an exact lm_ratio: 0 censored, 1 with a rejected input, 0 not given"),
        "{}",
        out.stderr
    );
    // ln L:M of 0.02, 0.0266667, 0.0533333, 0.02: mean of ln = ln of the geometric mean
    let doc: toml::Value = toml::from_str(&out.stdout).unwrap();
    let cell = &doc["zscore_table"][0]["cell"][0];
    assert_eq!(cell["n"].as_integer(), Some(4));
    let lns = [0.02f64, 0.4 / 15.0, 0.8 / 15.0, 0.02].map(f64::ln);
    assert_relative_eq!(
        cell["mean"].as_float().unwrap(),
        lns.iter().sum::<f64>() / 4.0,
        max_relative = 1e-9
    );
}

const LONG: &str = "sample_id,fraction,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],vitamin_d [nmol/L]";

#[test]
fn summary_of_the_long_layout_is_per_sample_with_the_whole_collection() {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/fractions-long.csv"
    ))
    .unwrap();
    let out = run(&["summary", "--format", "json"], &example);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    // three samples, not seven rows
    assert_eq!(v["groups"][0]["rows"], 3);
    // mannitol, whole collections: L01 (40 + 30 + 10) mg = 8 %;
    // L02 (140 × 0.35 + 45 × 0.7 + 15 × 0.9) = 49 + 31.5 + 13.5 = 94 mg = 9.4 %; L03 150 × 1.2 =
    // 180 mg = 18 %. Sorted 8, 9.4, 18: median 9.4; Q1 8 + 0.5 × 1.4 = 8.7; Q3 9.4 + 0.5 × 8.6 = 13.7
    let m = measure(&v, "mannitol_recovery_pct");
    assert_eq!(m["n"], 3);
    for (k, x) in [("median", 9.4), ("q1", 8.7), ("q3", 13.7)] {
        assert_relative_eq!(m[k].as_f64().unwrap(), x, max_relative = 1e-9);
    }
    // lactulose: L01 (4 + 6 + 1) mg = 0.22 %, L03 24 mg = 0.48 %, L02 censored (its 8–24 h
    // fraction is <0.5 mg/L): median of 0.22 and 0.48 = 0.35, one below a limit
    let l = measure(&v, "lactulose_recovery_pct");
    assert_eq!(
        (l["n"].as_u64(), l["n_below_limit"].as_u64()),
        (Some(2), Some(1))
    );
    assert_relative_eq!(l["median"].as_f64().unwrap(), 0.35, max_relative = 1e-9);
}

#[test]
fn long_layout_window_error_leaves_out_that_samples_sugars_not_its_vitamin_d() {
    // A: two 0–2 h rows (the same window twice): its whole collection is not computed; its
    // vitamin D (last row: 40) is kept. B: 0–2 h and 2–8 h: lactulose 4 + 6 = 10 mg of 5000 =
    // 0.2 %, mannitol 40 + 30 = 70 mg of 1000 = 7 %, L:M 0.2 ÷ 7 = 0.0285714; vitamin D 80.
    let csv = format!(
        "{LONG}\n\
         A,0-2h,10,100,400,5,1,8,40\n\
         A,0-2h,10,100,400,5,1,8,40\n\
         B,0-2h,10,100,400,5,1,8,80\n\
         B,2-8h,10,50,600,5,1,8,80\n"
    );
    let out = run(&["summary", "--format", "json"], &csv);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["groups"][0]["rows"], 2);
    assert_eq!(v["groups"][0]["rows_with_error"], 1);
    let lm = measure(&v, "lm_ratio");
    assert_eq!(
        (lm["n"].as_u64(), lm["n_rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_relative_eq!(
        lm["median"].as_f64().unwrap(),
        0.2 / 7.0,
        max_relative = 1e-9
    );
    let vd = measure(&v, "vitamin_d_nmol_l");
    assert_eq!(
        (vd["n"].as_u64(), vd["n_rejected"].as_u64()),
        (Some(2), Some(0))
    );
    assert_relative_eq!(vd["median"].as_f64().unwrap(), 60.0, max_relative = 1e-9);
    // reference-interval reads the long layout the same way: one mannitol recovery (B's, 7 %)
    // enters, A's is left out for its rejected input
    let out = run(
        &[
            "reference-interval",
            "--analyte",
            "mannitol_recovery_pct",
            "--format",
            "json",
        ],
        &csv,
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v[0]["rejected_left_out"], 1);
    assert_eq!(v[0]["result"]["n_input"], 1, "{v}");
}

#[test]
fn cohort_commands_take_sample_id_as_batch_does() {
    // `--sample-id patient`: the two rows are one sample (0–2 h and 2–8 h) whatever `sample_id`
    // says: lactulose 10 × 0.4 + 10 × 0.6 = 10 mg of 5000 mg = 0.2 %.
    let csv =
        "patient,sample_id,fraction,urine_lactulose [mg/L],urine_volume [mL],lactulose_dose [g]\n\
               p1,x,0-2h,10,400,5\n\
               p1,y,2-8h,10,600,5\n";
    let out = run(
        &["summary", "--format", "json", "--sample-id", "patient"],
        csv,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["groups"][0]["rows"], 1);
    let l = measure(&v, "lactulose_recovery_pct");
    assert_relative_eq!(l["median"].as_f64().unwrap(), 0.2, max_relative = 1e-9);
    // without it, `sample_id` groups: two samples of one fraction each, 0.08 % and 0.12 %
    let out = run(&["summary", "--format", "json"], csv);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["groups"][0]["rows"], 2);
    let l = measure(&v, "lactulose_recovery_pct");
    assert_relative_eq!(l["median"].as_f64().unwrap(), 0.1, max_relative = 1e-9);
}

#[test]
fn zscore_reference_reads_the_long_layout_per_sample() {
    // Two samples of two fractions each (ages 30 and 40). A: lactulose (4 + 6) mg of 5000 =
    // 0.2 %, mannitol (40 + 30) mg of 1000 = 7 %, L:M 0.2 ÷ 7; B: (8 + 6) mg = 0.28 %,
    // (40 + 30) mg = 7 %, L:M 0.28 ÷ 7 = 0.04. Per row the four fractions would give four
    // observations; per sample there are two, and their ln mean is (ln(0.2/7) + ln 0.04) ÷ 2.
    let csv = "sample_id,fraction,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],age [y]\n\
               A,0-2h,10,100,400,5,1,8,30\n\
               A,2-8h,10,50,600,5,1,8,30\n\
               B,0-2h,20,100,400,5,1,8,40\n\
               B,2-8h,10,50,600,5,1,8,40\n";
    let out = run(
        &[
            "zscore-reference",
            "--analyte",
            "lm_ratio",
            "--age-bands",
            "18-65",
            "--min-cell",
            "1",
        ],
        csv,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("lmr: 2 observations;"),
        "{}",
        out.stderr
    );
    let doc: toml::Value = toml::from_str(&out.stdout).unwrap();
    let cell = &doc["zscore_table"][0]["cell"][0];
    assert_eq!(cell["n"].as_integer(), Some(2));
    assert_relative_eq!(
        cell["mean"].as_float().unwrap(),
        ((0.2f64 / 7.0).ln() + 0.04f64.ln()) / 2.0,
        max_relative = 1e-9
    );
}
