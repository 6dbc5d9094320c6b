//! `lmr summary`, `lmr reference-interval` and `lmr zscore-reference` end to end (issues 6, 8).
//! Inputs are built so that the expected statistics follow by hand.

use std::fmt::Write as _;

use approx::assert_relative_eq;
use assert_cmd::Command;
use serde_json::Value;

fn lmr() -> Command {
    Command::cargo_bin("lmr").expect("binary built")
}

const HEADER: &str = "id,site,sex,age [y],urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h]\n";

/// A CSV whose mannitol recoveries are 0.5 × k % for k = 1..=n (k × 5 mg/L in 1 L of a 1 g dose).
fn mannitol_series(n: usize) -> String {
    let mut csv = HEADER.to_string();
    for k in 1..=n {
        let _ = writeln!(csv, "r{k},A,F,30,10,{},1000,5,1,5", k * 5);
    }
    csv
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn summary_medians_and_groups() {
    let dir = tempfile::tempdir().unwrap();
    // site A: mannitol 100, 200, 300 mg/L in 1 L of 1 g → 10, 20, 30 % (median 20; type-7 Q1 15, Q3 25)
    // site B: one row with a negative volume → an error row, counted, exit 3
    let csv = format!(
        "{HEADER}a1,A,F,30,10,100,1000,5,1,5\na2,A,F,30,10,200,1000,5,1,5\na3,A,M,30,10,300,1000,5,1,5\nb1,B,F,30,10,100,-5,5,1,5\n"
    );
    let p = write(&dir, "c.csv", &csv);
    let out = lmr()
        .args(["summary", "--by", "site", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["by"][0], "site");
    let groups = v["groups"].as_array().expect("groups");
    let a = groups
        .iter()
        .find(|g| g["key"]["site"] == "A")
        .expect("group A");
    let m = a["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["measure"] == "mannitol_recovery_pct")
        .expect("mannitol measure");
    assert_relative_eq!(m["median"].as_f64().unwrap(), 20.0, max_relative = 1e-9);
    assert_relative_eq!(m["q1"].as_f64().unwrap(), 15.0, max_relative = 1e-9);
    assert_relative_eq!(m["q3"].as_f64().unwrap(), 25.0, max_relative = 1e-9);
    let b = groups
        .iter()
        .find(|g| g["key"]["site"] == "B")
        .expect("group B");
    assert_eq!(b["rows_with_error"], 1);
}

#[test]
fn summary_html_is_written_and_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "c.csv", &mannitol_series(30));
    let html = dir.path().join("s.html");
    let out = lmr()
        .args(["summary"])
        .arg(&p)
        .arg("--html")
        .arg(&html)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg"));
    assert!(!page.contains("http://") && !page.contains("https://"));
}

#[test]
fn summary_refuses_an_unknown_by_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "c.csv", &mannitol_series(3));
    let out = lmr()
        .args(["summary", "--by", "country"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("lmr: --by \"country\": no such column in the input"),
        "{err}"
    );
}

#[test]
fn reference_interval_nonparametric_n120() {
    // x = 0.5 k %, k = 1..120. CLSI EP28-A3c rank r = p(n + 1): 0.025 × 121 = 3.025 → 0.5 × 3.025
    // = 1.5125; 0.975 × 121 = 117.975 → 58.9875. 90 % CIs: ranks 1–7 (0.5–3.5) and 114–120 (57–60).
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "ref.csv", &mannitol_series(120));
    let range = dir.path().join("my.toml");
    let out = lmr()
        .args([
            "reference-interval",
            "--analyte",
            "mannitol_recovery_pct",
            "--format",
            "json",
            "--id",
            "my-lab-m",
        ])
        .arg(&p)
        .arg("--write-range")
        .arg(&range)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let np = &v[0]["result"]["nonparametric"];
    assert_relative_eq!(
        np["lower"]["value"].as_f64().unwrap(),
        1.5125,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        np["upper"]["value"].as_f64().unwrap(),
        58.9875,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        np["lower"]["ci"]["lower"].as_f64().unwrap(),
        0.5,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        np["lower"]["ci"]["upper"].as_f64().unwrap(),
        3.5,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        np["upper"]["ci"]["lower"].as_f64().unwrap(),
        57.0,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        np["upper"]["ci"]["upper"].as_f64().unwrap(),
        60.0,
        max_relative = 1e-9
    );
    // The written range loads and classifies: 1.5 % is below 1.5125 %, 30 % within.
    let out = lmr()
        .args(["ranges", "validate"])
        .arg(&range)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = lmr()
        .args(["ranges", "show", "my-lab-m", "--ranges"])
        .arg(&range)
        .output()
        .unwrap();
    let text = String::from_utf8(shown.stdout).unwrap();
    assert!(text.contains("Source [local]"), "{text}");
}

#[test]
fn reference_interval_refuses_an_unknown_analyte() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "ref.csv", &mannitol_series(3));
    let out = lmr()
        .args(["reference-interval", "--analyte", "calprotectin"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("lmr: --analyte \"calprotectin\": expected one of lm_ratio"));
}

#[test]
fn zscore_reference_from_a_group_with_known_mean_and_sd() {
    // L:M = exp(−3 ± 0.5) alternating, 4 children aged 2 (band 0–4): mannitol 100 mg/L in 1 L of
    // 1 g = 10 %; lactulose recovery = 10 % × L:M → amount = L:M × 0.1 × 5000 mg = L:M × 500 mg
    // in 1 L. ln values −3.5, −2.5, −3.5, −2.5: mean −3, SD 0.5 × √(4/3) = 0.5773503.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_string();
    for (i, t) in [-3.5f64, -2.5, -3.5, -2.5].iter().enumerate() {
        let _ = writeln!(csv, "k{i},BR,F,2,{},100,1000,5,1,5", t.exp() * 500.0);
    }
    let _ = writeln!(csv, "x1,US,F,2,10,100,1000,5,1,5"); // filtered out by --where site=BR
    let p = write(&dir, "ref.csv", &csv);
    let table = dir.path().join("z.toml");
    let out = lmr()
        .args([
            "zscore-reference",
            "--analyte",
            "lm_ratio",
            "--age-bands",
            "0-4",
            "--where",
            "site=BR",
            "--id",
            "br-lmz",
        ])
        .arg(&p)
        .arg("-o")
        .arg(&table)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("1 rows filtered out by --where"), "{err}");
    assert!(err.contains("n = 4"), "small cell warned: {err}");
    let text = std::fs::read_to_string(&table).unwrap();
    let doc: toml::Value = toml::from_str(&text).unwrap();
    let cell = &doc["zscore_table"][0]["cell"][0];
    assert_relative_eq!(cell["mean"].as_float().unwrap(), -3.0, max_relative = 1e-9);
    assert_relative_eq!(
        cell["sd"].as_float().unwrap(),
        0.577_350_3,
        max_relative = 1e-6
    );
    assert_eq!(cell["n"].as_integer(), Some(4));
    // And it scores: L:M = exp(−3) → z = 0
    let v: Value = serde_json::from_slice(
        &lmr()
            .args([
                "check",
                "--format",
                "json",
                "--age",
                "2",
                "--sex",
                "F",
                "--zscore-reference",
            ])
            .arg(&table)
            .args([
                "--lactulose",
                &format!("{} mg/L", (-3f64).exp() * 500.0),
                "--mannitol",
                "100 mg/L",
                "--volume",
                "1 L",
            ])
            .args(["--lactulose-dose", "5 g", "--mannitol-dose", "1 g"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_relative_eq!(v["lmz"].as_f64().unwrap(), 0.0, epsilon = 1e-9);
    assert_eq!(v["lmz_reference"], "br-lmz");
}

#[test]
fn zscore_reference_refuses_bad_bands() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "ref.csv", &mannitol_series(3));
    let out = lmr()
        .args([
            "zscore-reference",
            "--analyte",
            "lm_ratio",
            "--age-bands",
            "4-0",
        ])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("lmr: --age-bands \"4-0\""));
}

/// `lmr reference-interval --write-range` on `csv` with `extra` arguments: (exit code, stderr,
/// the written range file's text).
fn write_interval(csv: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "ref.csv", csv);
    let range = dir.path().join("out.toml");
    let out = lmr()
        .args(["reference-interval", "--analyte", "mannitol_recovery_pct"])
        .args(extra)
        .arg(&p)
        .arg("--write-range")
        .arg(&range)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&range).unwrap_or_default();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        text,
    )
}

#[test]
fn reference_interval_writes_the_protocol_the_rows_share() {
    // Every row: 5 g lactulose, 1 g mannitol, 5 h (issue 14: not `unstated`).
    let (code, stderr, text) = write_interval(&mannitol_series(120), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        text.contains(r#"doses = { lactulose = "5 g", mannitol = "1 g" }"#),
        "{text}"
    );
    assert!(text.contains(r#"collection = "5 h""#), "{text}");
    assert!(!text.contains("unstated"), "{text}");
}

#[test]
fn reference_interval_refuses_rows_of_different_protocols_naming_them() {
    // rows 1..=119 on 5 g / 1 g; the last row (line 121) on 5 g / 2 g
    let mut csv = mannitol_series(119);
    csv.push_str("r120,A,F,30,10,600,1000,5,2,5\n");
    let (code, stderr, text) = write_interval(&csv, &[]);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("do not share one protocol: line 2 has lactulose 5 g, mannitol 1 g; 5 h, line 121 has lactulose 5 g, mannitol 2 g; 5 h"),
        "{stderr}"
    );
    assert!(text.is_empty(), "nothing written: {text}");
}

#[test]
fn reference_interval_keeps_only_the_rows_of_the_named_protocol() {
    // --protocol dutch-sat-low-osmolar is 5 g lactulose, 2 g mannitol, 5 h: 120 rows on that
    // protocol (mannitol k × 10 mg/L in 1 L of 2 g = 0.5 k %) plus 3 rows on 5 g / 1 g, left out
    // and counted; the file says the named protocol, which the rows used really had.
    let mut csv = HEADER.to_string();
    for k in 1..=120 {
        let _ = writeln!(csv, "r{k},A,F,30,10,{},1000,5,2,5", k * 10);
    }
    for k in 1..=3 {
        let _ = writeln!(csv, "x{k},A,F,30,10,100,1000,5,1,5");
    }
    let (code, stderr, text) = write_interval(&csv, &["--protocol", "dutch-sat-low-osmolar"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        text.contains(r#"doses = { lactulose = "5 g", mannitol = "2 g" }"#),
        "{text}"
    );
    assert!(text.contains(r#"collection = "5 h""#), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "ref.csv", &csv);
    let out = lmr()
        .args([
            "reference-interval",
            "--analyte",
            "mannitol_recovery_pct",
            "--protocol",
            "dutch-sat-low-osmolar",
            "--format",
            "json",
        ])
        .arg(&p)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["off_protocol_left_out"], 3);
    assert_eq!(v[0]["result"]["n_input"], 120);
}

/// 60 rows of site A and 60 of `other`, every row on 5 g / 1 g / 5 h.
fn two_sites(other: &str) -> String {
    let mut csv = HEADER.to_string();
    for k in 1..=60 {
        let _ = writeln!(csv, "a{k},A,F,30,10,{},1000,5,1,5", k * 5);
        let _ = writeln!(csv, "b{k},{other},F,30,10,{},1000,5,1,5", k * 5);
    }
    csv
}

#[test]
fn reference_interval_by_partition_writes_one_file_with_a_range_each() {
    let (code, stderr, text) = write_interval(&two_sites("B"), &["--by", "site"]);
    assert_eq!(code, Some(0), "{stderr}");
    // one header and one schema line for the whole file, a range per partition
    assert_eq!(text.matches("schema = 1").count(), 1, "{text}");
    assert_eq!(
        text.matches("# Local reference interval written by lmr")
            .count(),
        1,
        "{text}"
    );
    assert!(text.starts_with("# Local reference interval written by lmr"));
    assert_eq!(text.matches("[[range]]").count(), 2, "{text}");
    let mut registry = lmr::Registry::default();
    registry.add_text("out.toml", &text, false).unwrap();
    for id in [
        "local-mannitol-recovery-pct-a",
        "local-mannitol-recovery-pct-b",
    ] {
        assert!(registry.range(id).is_some(), "{id} in {text}");
    }
}

#[test]
fn reference_interval_partitions_with_the_same_id_are_an_error_not_an_unloadable_file() {
    // sites "A" and "a" both give the id suffix "-a"
    let (code, stderr, text) = write_interval(&two_sites("a"), &["--by", "site"]);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("duplicate id \"local-mannitol-recovery-pct-a\""),
        "{stderr}"
    );
    assert!(text.is_empty(), "nothing written: {text}");
}
