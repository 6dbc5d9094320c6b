//! The one input layer: the same cell means the same in `lmr check` and `lmr batch`, doses from
//! the drink, ratios from the dose ratio. Expected values are worked by hand in the comments.

use std::io::Write;
use std::process::Command;

use approx::assert_relative_eq;
use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

fn lmr() -> Command {
    Command::cargo_bin("lmr").expect("binary")
}

/// `lmr batch` on `csv` (with `args`), returning (exit code, header, rows, stderr).
fn batch(csv: &str, args: &[&str]) -> (i32, Vec<String>, Vec<Vec<String>>, String) {
    let mut child = lmr()
        .arg("batch")
        .arg("-")
        .args(["--no-progress"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(csv.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("waits");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(out.stdout.as_slice());
    let header = rdr
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = rdr
        .records()
        .map(|r| r.expect("row").iter().map(String::from).collect())
        .collect();
    (
        out.status.code().unwrap_or(-1),
        header,
        rows,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    let i = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    &row[i]
}

fn number(header: &[String], row: &[String], name: &str) -> f64 {
    cell(header, row, name)
        .parse()
        .unwrap_or_else(|_| panic!("{name} = {:?}", cell(header, row, name)))
}

/// The field-study export of issue 11's "Done when": the file holds the mL each child drank of
/// the WASH Benefits / MAL-ED solution (250 mg/mL lactulose + 50 mg/mL mannitol), and the column
/// map says the solution's strength.
///
/// The study's own formula (WASH Benefits Bangladesh EED analysis code,
/// washb-eed-substudies/ee-secondary, EE-BD-urine-ipcw.R): "% lactulose recovery = (urine
/// concentration lactulose (mg/L) * urine volume (L) * 100 / total lactulose dosed (mg))", the
/// dose being the volume ingested × 250 mg/mL (× 50 mg/mL for mannitol).
#[test]
fn field_study_drink_volume_and_solution_strengths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        r#"[columns]
"L_mgdl" = { field = "urine_lactulose", unit = "mg/dL" }
"M_mgdl" = { field = "urine_mannitol", unit = "mg/dL" }
"urine_ml" = { field = "urine_volume", unit = "mL" }
"drink_ml" = { field = "dose_volume", unit = "mL" }
"L_dose" = { field = "lactulose_dose", unit = "mg" }

[values]
lactulose_solution = "250 mg/mL"
mannitol_solution = "50 mg/mL"
collection = "5 h"
"#,
    )
    .expect("map");
    let csv = "child,L_mgdl,M_mgdl,urine_ml,drink_ml,L_dose\n\
               C01,3.1,28.0,42,12,\n\
               C02,1.4,35.5,61,20,\n\
               C03,3.1,28.0,,12,\n\
               C04,3.1,28.0,42,12,3000\n\
               C05,3.1,28.0,42,12,5000\n";
    let (code, h, rows, stderr) = batch(csv, &["--columns", map.to_str().expect("utf-8")]);
    assert_eq!(code, 3, "one row disagrees: {stderr}");
    // C01: lactulose 3.1 mg/dL = 31 mg/L × 0.042 L = 1.302 mg; dose 12 mL × 250 mg/mL = 3000 mg;
    //      1.302 × 100 / 3000 = 0.0434 %.
    //      mannitol 28.0 mg/dL = 280 mg/L × 0.042 L = 11.76 mg; dose 12 × 50 = 600 mg; 1.96 %.
    //      L:M = 0.0434 / 1.96 = 0.022142857…
    assert_relative_eq!(
        number(&h, &rows[0], "lactulose_recovery_pct"),
        0.0434,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        number(&h, &rows[0], "mannitol_recovery_pct"),
        1.96,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        number(&h, &rows[0], "lm_ratio"),
        0.0434 / 1.96,
        max_relative = 1e-9
    );
    // C02: 14 mg/L × 0.061 L = 0.854 mg of 20 × 250 = 5000 mg = 0.01708 %;
    //      355 mg/L × 0.061 L = 21.655 mg of 20 × 50 = 1000 mg = 2.1655 %; L:M 0.0078873…
    assert_relative_eq!(
        number(&h, &rows[1], "lactulose_recovery_pct"),
        0.01708,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        number(&h, &rows[1], "mannitol_recovery_pct"),
        2.1655,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        number(&h, &rows[1], "lm_ratio"),
        0.01708 / 2.1655,
        max_relative = 1e-9
    );
    // C03, no urine volume: no recoveries, but the ratio from the concentrations and the dose
    //      ratio: (31 / 280) × (600 / 3000) = 0.022142857…, the same as C01's.
    assert_eq!(cell(&h, &rows[2], "lactulose_recovery_pct"), "");
    assert_relative_eq!(
        number(&h, &rows[2], "lm_ratio"),
        31.0 / 280.0 * 600.0 / 3000.0,
        max_relative = 1e-9
    );
    assert!(cell(&h, &rows[2], "caveats").contains("ratio_without_recoveries"));
    assert_eq!(cell(&h, &rows[2], "missing_inputs"), "urine_volume");
    assert_eq!(cell(&h, &rows[2], "error"), "");
    // C04: a dose given that agrees with the drink (3000 mg = 12 mL × 250 mg/mL): no error.
    assert_eq!(cell(&h, &rows[3], "error"), "");
    assert_relative_eq!(
        number(&h, &rows[3], "lactulose_recovery_pct"),
        0.0434,
        max_relative = 1e-9
    );
    // C05: 5000 mg given, the drink says 3000 mg: an error naming the dose; the mannitol
    //      recovery (1.96 %) stands alone.
    let e = cell(&h, &rows[4], "error");
    assert!(
        e.contains("column \"L_dose\", value \"5000\"")
            && e.contains("disagrees with the drink (12 mL × 250 mg/mL = 3000 mg"),
        "{e}"
    );
    assert_eq!(cell(&h, &rows[4], "lactulose_recovery_pct"), "");
    assert_relative_eq!(
        number(&h, &rows[4], "mannitol_recovery_pct"),
        1.96,
        max_relative = 1e-9
    );
}

/// The ratio without any dose: the solution strengths alone give the dose ratio of one drink.
#[test]
fn ratio_from_solution_strengths_without_volumes() {
    let csv = "urine_lactulose,urine_mannitol,lactulose_solution,mannitol_solution\n\
               31 mg/L,280 mg/L,250 mg/mL,5 g/100 mL\n";
    let (code, h, rows, stderr) = batch(csv, &[]);
    assert_eq!(code, 0, "{stderr}");
    // 5 g/100 mL = 50 mg/mL; (31 / 280) × (50 / 250) = 0.022142857…
    assert_relative_eq!(
        number(&h, &rows[0], "lm_ratio"),
        31.0 / 280.0 * 50.0 / 250.0,
        max_relative = 1e-9
    );
    assert_eq!(
        cell(&h, &rows[0], "missing_inputs"),
        "urine_volume;lactulose_dose;mannitol_dose"
    );
}

/// One case of the agreement table: check flags, and the same cells as batch columns.
struct Case {
    flags: &'static [(&'static str, &'static str)],
}

/// The canonical batch column of a `check` flag.
fn column(flag: &str) -> &str {
    match flag {
        "lactulose" => "urine_lactulose",
        "mannitol" => "urine_mannitol",
        "volume" => "urine_volume",
        other => other,
    }
}

/// The result columns compared between `check --format json` and `batch`.
const COMPARED: &[&str] = &[
    "lactulose_recovery_pct",
    "mannitol_recovery_pct",
    "lm_ratio",
    "vitamin_d_nmol_l",
    "zonulin_class",
    "flags",
];

/// A JSON value as batch writes it in CSV.
fn as_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    }
}

fn same_cell(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The same table of cells (good, censored, malformed, unit variants) through `check` and
/// `batch`: both accept or both reject each, with the same problem text and the same results.
#[test]
fn check_and_batch_agree_on_every_cell() {
    const SUGARS: [(&str, &str); 4] = [
        ("volume", "1.2 L"),
        ("lactulose_dose", "5 g"),
        ("mannitol_dose", "1 g"),
        ("mannitol", "150 mg/L"),
    ];
    let sugar = |cell: &'static str| -> Vec<(&'static str, &'static str)> {
        let mut v = vec![("lactulose", cell)];
        v.extend(SUGARS);
        v
    };
    let mut cases: Vec<Vec<(&str, &str)>> = Vec::new();
    for c in [
        "20 mg/L",        // good: 20 × 1.2 = 24 mg of 5000 mg = 0.48 %
        "2 mg/dL",        // unit variant: 20 mg/L
        "0.05843 mmol/L", // molar: × 342.297 g/mol
        "<0.25 mg/L",     // censored with its limit
        "ND",             // censored without one
        "12,5 mg/L",      // decimal comma
        "abc",            // not a number
        "12 furlongs",    // unknown unit
        "-3 mg/L",        // negative
        "1.2 L",          // wrong dimension
    ] {
        cases.push(sugar(c));
    }
    for c in [
        "20 ng/mL",
        "50 nmol/L",
        "<10 ng/mL",
        "ND",
        "5 mg/L",
        "-5 ng/mL",
        "1e308 ng/mL",
    ] {
        cases.push(vec![("vitamin_d", c)]);
    }
    for c in ["46 ng/mL", "ND", "<20", "61 ng/g", "abc"] {
        cases.push(vec![("zonulin", c), ("zonulin_matrix", "serum")]);
    }
    cases.push(vec![("zonulin", "46 ng/mL"), ("zonulin_matrix", "urine")]);
    for c in ["18 months", "35", "2 y", "old", "-1", "3 weeks"] {
        cases.push(vec![("vitamin_d", "20 ng/mL"), ("age", c)]);
    }
    for c in ["F", "male", "X"] {
        cases.push(vec![("vitamin_d", "20 ng/mL"), ("sex", c)]);
    }
    for c in ["total", "d2", "d4"] {
        cases.push(vec![("vitamin_d", "20 ng/mL"), ("vitamin_d_form", c)]);
    }
    let cases: Vec<Case> = cases
        .into_iter()
        .map(|f| Case {
            flags: Box::leak(f.into_boxed_slice()),
        })
        .collect();
    for case in &cases {
        let mut check = lmr();
        check.arg("check").args(["--format", "json"]);
        for (flag, value) in case.flags {
            check
                .arg(format!("--{}", flag.replace('_', "-")))
                .arg(value);
        }
        let out = check.output().expect("runs");
        let header: Vec<&str> = case.flags.iter().map(|(f, _)| column(f)).collect();
        let mut csv = csv::WriterBuilder::new().from_writer(Vec::new());
        csv.write_record(&header).expect("header");
        csv.write_record(case.flags.iter().map(|(_, v)| *v))
            .expect("row");
        let csv = String::from_utf8(csv.into_inner().expect("csv")).expect("utf-8");
        let (code, h, rows, _) = batch(&csv, &[]);
        let error = cell(&h, &rows[0], "error").to_string();
        let what = format!("{:?}", case.flags);
        if out.status.success() {
            assert_eq!(error, "", "{what}: check accepted, batch rejected");
            assert_eq!(code, 0, "{what}");
            let v: Value = serde_json::from_slice(&out.stdout).expect("json");
            for c in COMPARED {
                let (a, b) = (as_cell(&v[*c]), cell(&h, &rows[0], c).to_string());
                assert!(same_cell(&a, &b), "{what}: {c}: check {a:?}, batch {b:?}");
            }
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(3), "{what}: {stderr}");
            assert_eq!(code, 3, "{what}: check rejected ({stderr}), batch accepted");
            // the problem text after the quoted value is the same
            let (flag, value) = case
                .flags
                .iter()
                .find(|(f, v)| {
                    stderr.starts_with(&format!("lmr: --{} {v:?}: ", f.replace('_', "-")))
                })
                .unwrap_or_else(|| panic!("{what}: {stderr}"));
            let problem = stderr
                .trim_end()
                .strip_prefix(&format!("lmr: --{} {value:?}: ", flag.replace('_', "-")))
                .unwrap_or_default();
            assert!(
                error.contains(&format!("value {value:?}: {problem}")),
                "{what}:\n check: {stderr}\n batch: {error}"
            );
        }
    }
}
