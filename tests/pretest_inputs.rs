//! The pre-test inputs (issue 14) reach the flags from every way in: `lmr batch` columns,
//! `lmr check` flags and `--sample` file keys, read by the one sample layer.
//!
//! Thresholds: eGFR < 60 mL/min/1.73 m² is "decreased GFR" (GFR categories G3a–G5), KDIGO 2012
//! Clinical Practice Guideline for the Evaluation and Management of CKD, Kidney Int Suppl
//! 2013;3(1):1–150 (as reproduced in secondary tables; see docs/sources.md). 60 itself is G2.

mod common;

use common::batch::{batch, lmr, Table};

const HEAD: &str = "id,urine_lactulose,urine_mannitol,urine_volume,lactulose_dose,mannitol_dose,collection,age,pretest_nsaid,pretest_alcohol,pretest_laxative,pretest_steroid,recent_diarrhoea,glycosuria,egfr [mL/min/1.73 m²]\n";

fn flags(t: &Table, row: usize) -> Vec<String> {
    let cell = t.cell(row, "flags");
    cell.split(';')
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn batch_columns_raise_the_flag_of_their_name() {
    // Each yes/no column set to yes on its own row; eGFR on both sides of 60.
    let base = "20 mg/L,200 mg/L,1000 mL,5 g,1 g,5 h,40";
    let input = format!(
        "{HEAD}\
         nsaid,{base},yes,,,,,,60\n\
         alcohol,{base},,Y,,,,,\n\
         laxative,{base},,,true,,,,\n\
         steroid,{base},,,,1,,,\n\
         diarrhoea,{base},,,,,yes,,\n\
         glucose,{base},,,,,,yes,\n\
         egfr59,{base},no,no,no,no,no,no,59.9\n"
    );
    let run = batch(input.as_bytes(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let t = Table::parse(&run.stdout, b',');
    let expected: [&[&str]; 7] = [
        &["pretest_nsaid"],
        &["pretest_alcohol"],
        &["pretest_laxative"],
        &["pretest_steroid"],
        &["recent_diarrhoea"],
        &["glycosuria"],
        &["reduced_renal_function"],
    ];
    for (row, want) in expected.iter().enumerate() {
        let got = flags(&t, row);
        for w in *want {
            assert!(got.iter().any(|g| g == w), "row {row}: {got:?} lacks {w}");
        }
        // no other pre-test flag on the row
        let others = [
            "pretest_nsaid",
            "pretest_alcohol",
            "pretest_laxative",
            "pretest_steroid",
            "recent_diarrhoea",
            "glycosuria",
            "reduced_renal_function",
        ];
        for o in others.iter().filter(|o| !want.contains(o)) {
            assert!(
                !got.iter().any(|g| g == o),
                "row {row}: unexpected {o} in {got:?}"
            );
        }
        // L:M = (20×1 L / 5000 mg) / (200×1 L / 1000 mg) = 0.004 / 0.2 = 0.02: still computed
        assert_eq!(t.number(row, "lm_ratio"), 0.02);
    }
}

#[test]
fn a_bad_answer_is_a_row_error_naming_the_column_and_the_rest_is_read() {
    let input = format!("{HEAD}x,20 mg/L,200 mg/L,1000 mL,5 g,1 g,5 h,40,maybe,,,,,,55 mL/min\n");
    let run = batch(input.as_bytes(), &[]);
    assert_eq!(run.code, 3, "a row error exits 3");
    let t = Table::parse(&run.stdout, b',');
    let error = t.cell(0, "error");
    assert!(
        error.contains(r#"column "pretest_nsaid", value "maybe""#),
        "{error}"
    );
    assert!(error.contains(r#"value "55 mL/min""#), "{error}");
    assert_eq!(t.number(0, "lm_ratio"), 0.02);
}

#[test]
fn sample_file_keys_raise_the_same_flags() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(
        &path,
        "pretest_steroid = true\nglycosuria = \"no\"\negfr = \"45 mL/min/1.73 m²\"\n",
    )
    .unwrap();
    let out = lmr()
        .args([
            "check",
            "--vitamin-d",
            "60 nmol/L",
            "--format",
            "json",
            "--sample",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().or(f.as_str()).unwrap())
        .collect();
    assert!(codes.contains(&"pretest_steroid"), "{codes:?}");
    assert!(codes.contains(&"reduced_renal_function"), "{codes:?}");
    assert!(!codes.contains(&"glycosuria"), "{codes:?}");
}

#[test]
fn the_text_report_lists_the_pretest_inputs() {
    let out = lmr()
        .args([
            "check",
            "--vitamin-d",
            "60 nmol/L",
            "--pretest-nsaid",
            "yes",
        ])
        .args(["--glycosuria", "no", "--egfr", "55"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("before the test                pretest_nsaid yes, glycosuria no"),
        "{text}"
    );
    assert!(
        text.contains("eGFR                           55 mL/min/1.73 m²"),
        "{text}"
    );
}
