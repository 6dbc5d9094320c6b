//! End-to-end tests of `lmr batch`: rows in = rows out, input fields unchanged, exact results and
//! exact error texts. Expected numbers are computed by hand in the comments.

use std::path::Path;

use approx::assert_relative_eq;

mod common;

use common::batch::{assert_rows_kept, batch, lmr, Table, REL};

const SUGAR_HEADER: &str = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],sucrose_dose [g],collection [h]";

#[test]
fn good_rows_exact_results() {
    let input = format!(
        "{SUGAR_HEADER}\n\
         adult,20,150,1200,5,1,,5\n\
         dutch,30,200,1 L,5,2,40,5\n"
    );
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(t.rows.len(), 2);
    // 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %; 150 mg/L × 1.2 L = 180 mg of 1000 mg = 18 %
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.48,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct"),
        18.0,
        max_relative = REL
    );
    // 0.48 / 18 = 0.0266…; no shipped range is declared for 5 g / 1 g, 5 h
    assert_relative_eq!(t.number(0, "lm_ratio"), 0.48 / 18.0, max_relative = REL);
    assert_eq!(t.cell(0, "lm_range"), "");
    assert_eq!(t.cell(0, "lm_class"), "unclassified");
    assert!(t
        .cell(0, "caveats")
        .split(';')
        .any(|c| c == "no_matching_range"));
    // Dutch SAT: 30 mg/L × 1 L = 30 mg of 5000 mg = 0.6 %; 200 mg of 2000 mg = 10 %; 0.06 ≤ 0.089
    assert_relative_eq!(
        t.number(1, "lactulose_recovery_pct"),
        0.6,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(1, "mannitol_recovery_pct"),
        10.0,
        max_relative = REL
    );
    assert_relative_eq!(t.number(1, "lm_ratio"), 0.06, max_relative = REL);
    assert_eq!(t.cell(1, "lm_range"), "dutch-sat-hyperosmolar-5h");
    assert_eq!(t.cell(1, "lm_class"), "within");
    // no age is given, so the adult quality bands (mannitol recovery, urine volume) are not
    // applied and the row says so (issue 14)
    assert_eq!(t.cell(1, "flags"), "quality_band_not_checked");
    assert_eq!(t.cell(1, "error"), "");
    assert!(
        r.stderr
            .contains("lmr: 2 rows read, 2 interpreted, 0 with errors, 2 with flags"),
        "{}",
        r.stderr
    );
}

#[test]
fn result_columns_are_in_the_contract_order() {
    let r = batch(
        b"vitamin_d [nmol/L]\n60\n",
        &[
            "--vitamin-d-scheme",
            "iom-2011",
            "--vitamin-d-scheme",
            "sacn-2016",
        ],
    );
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(
        t.header[1..],
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
            "vitamin_d_class_sacn_2016",
            "zonulin_range",
            "zonulin_class",
            "flags",
            "caveats",
            "missing_inputs",
            "error",
        ]
    );
    assert_eq!(t.cell(0, "vitamin_d_nmol_l"), "60");
    assert_eq!(t.cell(0, "vitamin_d_class_iom_2011"), "sufficient");
}

#[test]
fn every_kind_of_bad_row_is_kept_with_its_error() {
    let input = format!(
        "{SUGAR_HEADER},sex,zonulin [ng/mL]\n\
         good,20,150,1200,5,1,,5,F,\n\
         nan,abc,150,1200,5,1,,5,F,\n\
         unit,12 furlongs,150,1200,5,1,,5,F,\n\
         neg,20,150,-40,5,1,,5,F,\n\
         comma,\"12,5\",150,1200,5,1,,5,F,\n\
         short,20,150\n\
         long,20,150,1200,5,1,,5,F,,extra,more\n\
         zero,20,150,1200,0,1,,5,F,\n\
         sex,20,150,1200,5,1,,5,X,\n\
         matrix,20,150,1200,5,1,,5,F,46\n\
         dim,20,150,1200 mg,5,1,,5,F,\n"
    );
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(t.rows.len(), 11);
    let expected = [
        "",
        r#"row 2 (line 3), column "urine_lactulose [mg/L]", value "abc": not a number (expected a number, optionally with a unit, e.g. "12.5 mg/L")"#,
        r#"row 3 (line 4), column "urine_lactulose [mg/L]", value "12 furlongs": unknown unit "furlongs" (expected one of g/L, mg/L, mg/dL, µg/mL, µg/L, ng/mL, mol/L, mmol/L, µmol/L, nmol/L)"#,
        r#"row 4 (line 5), column "urine_volume [mL]", value "-40": must not be negative"#,
        r#"row 5 (line 6), column "urine_lactulose [mg/L]", value "12,5": decimal comma (write "12.5" with a decimal point); a file written with decimal commas is read with --decimal-comma (or decimal = "," in the column map)"#,
        "row 6 (line 7): 3 fields, but the header has 10 (the row is kept, padded with empty fields, and not interpreted)",
        r#"row 7 (line 8): 12 fields, but the header has 10; surplus fields, not written as columns: "extra", "more""#,
        r#"row 8 (line 9), column "lactulose_dose [g]", value "0": a dose must be greater than zero"#,
        r#"row 9 (line 10), column "sex", value "X": unknown sex (expected F, M, female or male)"#,
        r#"row 10 (line 11), column "zonulin [ng/mL]", value "46": zonulin needs its matrix: add a zonulin_matrix column (serum or stool) or set zonulin_matrix under [values] in the column map"#,
        r#"row 11 (line 12), column "urine_volume [mL]", value "1200 mg": "mg" is a mass, expected a volume (one of L, dL, mL)"#,
    ];
    for (i, e) in expected.iter().enumerate() {
        assert_eq!(t.cell(i, "error"), *e, "row {}", i + 1);
    }
    // Each analyte stands alone: a rejected cell empties only the results that need it.
    for i in [1, 2, 3, 4, 7, 10] {
        assert_eq!(t.cell(i, "lactulose_recovery_pct"), "", "row {}", i + 1);
    }
    for i in [5, 6] {
        for c in ["mannitol_recovery_pct", "lm_ratio", "flags", "caveats"] {
            assert_eq!(t.cell(i, c), "", "row {}: not read, no results", i + 1);
        }
    }
    // a bad lactulose cell: mannitol 150 mg/L × 1.2 L = 180 mg of 1000 mg = 18 %
    assert_relative_eq!(
        t.number(1, "mannitol_recovery_pct"),
        18.0,
        max_relative = REL
    );
    // a bad sex or zonulin cell leaves the ratio: 0.48 % / 18 % = 0.026667
    for i in [8, 9] {
        assert_relative_eq!(t.number(i, "lm_ratio"), 0.48 / 18.0, max_relative = REL);
    }
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.48,
        max_relative = REL
    );
    assert!(
        r.stderr
            .contains("lmr: 11 rows read, 1 interpreted, 10 with errors, 1 with flags"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("… and 5 more; see the `error` column"),
        "{}",
        r.stderr
    );
}

#[test]
fn bare_number_without_any_unit_is_an_error() {
    let r = batch(b"urine_volume\n1200\n", &[]);
    assert_eq!(r.code, 3);
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(
        t.cell(0, "error"),
        r#"row 1 (line 2), column "urine_volume", value "1200": a bare number needs a unit: put it in the header (`urine_volume [unit]`), in a `urine_volume_unit` column, in the column map, or in the cell (expected one of L, dL, mL)"#
    );
}

#[test]
fn below_detection_limit_strings_are_flagged_not_errors() {
    let input = format!(
        "{SUGAR_HEADER}\n\
         a,<0.25,180,900,5,1,,5\n\
         b,ND,180,900,5,1,,5\n\
         c,BLQ,180,900,5,1,,5\n\
         d,< LOD,180,900,5,1,,5\n\
         e,20,n.d.,900,5,1,,5\n"
    );
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let t = Table::parse(&r.stdout, b',');
    for i in 0..5 {
        assert!(
            t.cell(i, "flags")
                .split(';')
                .any(|f| f == "below_detection_limit"),
            "row {i}"
        );
        assert_eq!(t.cell(i, "error"), "");
    }
    // <0.25 mg/L × 0.9 L = <0.225 mg of 5000 mg = <0.0045 %; 180 × 0.9 = 162 mg of 1000 mg = 16.2 %
    // the number column stays empty (numeric); the bound goes to the companion column
    assert_eq!(t.cell(0, "lactulose_recovery_pct"), "");
    assert_eq!(t.cell(0, "lactulose_recovery_pct_bound"), "<0.0045");
    assert_eq!(t.cell(0, "mannitol_recovery_pct_bound"), "");
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct"),
        16.2,
        max_relative = REL
    );
    // ratio < 0.0045 / 16.2 = 0.000277777… (an upper bound), at 10 significant digits
    assert_eq!(t.cell(0, "lm_ratio"), "");
    assert_eq!(t.cell(0, "lm_ratio_bound"), "<0.0002777777778");
    // without a stated limit: no recovery, no ratio; mannitol still computed
    for i in 1..4 {
        assert_eq!(t.cell(i, "lactulose_recovery_pct"), "");
        assert_eq!(t.cell(i, "lm_ratio"), "");
        assert_relative_eq!(
            t.number(i, "mannitol_recovery_pct"),
            16.2,
            max_relative = REL
        );
    }
    assert_eq!(t.cell(4, "mannitol_recovery_pct"), "");
}

#[test]
fn vitamin_d_and_zonulin_below_limit_are_flagged() {
    let input = b"vitamin_d [nmol/L],zonulin [ng/mL],zonulin_matrix\n<10,<LOD,serum\n";
    let r = batch(input, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(t.cell(0, "flags"), "below_detection_limit");
    assert_eq!(t.cell(0, "vitamin_d_nmol_l"), "");
}

#[test]
fn quoted_field_with_comma_and_newline_is_kept() {
    let input = format!(
        "{SUGAR_HEADER},note\n\
         a,20,150,1200,5,1,,5,\"one, two\nthree \"\"quoted\"\"\"\n\
         b,20,150,-1,5,1,,5,plain\n"
    );
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.cell(0, "note"), "one, two\nthree \"quoted\"");
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.48,
        max_relative = REL
    );
    // the second record starts on physical line 4: the quoted newline counts
    assert_eq!(
        t.cell(1, "error"),
        r#"row 2 (line 4), column "urine_volume [mL]", value "-1": must not be negative"#
    );
}

#[test]
fn utf8_bom_is_read_and_written_back() {
    let input = "\u{feff}urine_lactulose [mg/L],urine_volume [mL],lactulose_dose [g]\n20,1200,5\n";
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(b"\xEF\xBB\xBFurine_lactulose [mg/L],"));
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let t = Table::parse(r.stdout.strip_prefix(b"\xEF\xBB\xBF").unwrap(), b',');
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.48,
        max_relative = REL
    );
}

#[test]
fn crlf_line_ends_are_kept() {
    let input = "id,urine_lactulose [mg/L],urine_volume [mL],lactulose_dose [g]\r\nx,20,1200,5\r\ny,20,1200,abc\r\n";
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let text = String::from_utf8(r.stdout.clone()).unwrap();
    assert_eq!(text.matches("\r\n").count(), 3);
    assert_eq!(text.matches('\n').count(), 3);
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(
        t.cell(0, "lactulose_dose [g]"),
        "5",
        "no stray \\r in the last input field"
    );
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.48,
        max_relative = REL
    );
    assert_eq!(
        t.cell(1, "error"),
        r#"row 2 (line 3), column "lactulose_dose [g]", value "abc": not a number (expected a number, optionally with a unit, e.g. "5 g")"#
    );
}

#[test]
fn semicolon_delimiter() {
    let input = "id;urine_lactulose [mg/L];urine_mannitol [mg/L];urine_volume [mL];lactulose_dose [g];mannitol_dose [g];collection [h]\nx;20;150;1200;5;1;5\n";
    let r = batch(input.as_bytes(), &["--delimiter", ";"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b';');
    let t = Table::parse(&r.stdout, b';');
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct"),
        18.0,
        max_relative = REL
    );
    // the `;`-separated code lists are quoted, so they stay one field
    assert!(t
        .cell(0, "caveats")
        .starts_with("sugar_test_general;no_matching_range"));
    // read with the wrong delimiter: nothing is recognised, and the message says why
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--delimiter ';'"), "{}", r.stderr);
}

#[test]
fn jsonl_one_object_per_row() {
    let input =
        format!("{SUGAR_HEADER},note\na,<0.25,180,900,5,1,,5,\"x, y\"\nb,20,150,-40,5,1,,5,\n");
    let r = batch(input.as_bytes(), &["--format", "jsonl"]);
    assert_eq!(r.code, 3);
    let text = String::from_utf8(r.stdout).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    let a = &rows[0];
    assert_eq!(a["id"], "a");
    assert_eq!(a["urine_lactulose [mg/L]"], "<0.25");
    assert_eq!(a["note"], "x, y");
    assert_eq!(
        a["sucrose_dose [g]"], "",
        "an empty input field is an empty string"
    );
    // <0.225 mg of 5000 mg = <0.0045 %: the number is null, the bound a string beside it
    assert!(a["lactulose_recovery_pct"].is_null());
    assert_eq!(a["lactulose_recovery_pct_bound"], "<0.0045");
    assert!(a["mannitol_recovery_pct_bound"].is_null());
    assert_relative_eq!(
        a["mannitol_recovery_pct"].as_f64().unwrap(),
        16.2,
        max_relative = REL
    );
    // no age given: the adult mannitol band is not applied, and the row says so
    assert_eq!(
        a["flags"],
        serde_json::json!(["below_detection_limit", "quality_band_not_checked"])
    );
    assert!(a["caveats"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "no_matching_range"));
    assert!(a["error"].is_null());
    assert!(a["lm_range"].is_null());
    let b = &rows[1];
    assert!(b["lactulose_recovery_pct"].is_null());
    assert_eq!(
        b["error"],
        r#"row 2 (line 3), column "urine_volume [mL]", value "-40": must not be negative"#
    );
    // the keys in order: input fields, then the result columns
    let keys: Vec<&str> = text
        .lines()
        .next()
        .unwrap()
        .split("\":")
        .map(|k| k.rsplit('"').next().unwrap())
        .collect();
    assert_eq!(keys[0], "id");
}

#[test]
fn output_file_is_written_whole_and_a_bad_directory_fails_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, format!("{SUGAR_HEADER}\nx,20,150,1200,5,1,,5\n")).unwrap();
    let out = dir.path().join("out.csv");
    let o = lmr()
        .args(["batch", "--no-progress", "-o"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let t = Table::parse(&std::fs::read(&out).unwrap(), b',');
    assert_eq!(t.rows.len(), 1);
    // no temporary file is left behind
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // a missing directory fails (exit 1) before the (also missing) input is opened
    let o = lmr()
        .args(["batch", "--no-progress", "does-not-exist.csv", "-o"])
        .arg(dir.path().join("no/such/dir/out.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot write output"), "{err}");
    // a failed run leaves an existing good file untouched
    let o = lmr()
        .args(["batch", "--no-progress", "-o"])
        .arg(&out)
        .arg(dir.path().join("missing.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        Table::parse(&std::fs::read(&out).unwrap(), b',').rows.len(),
        1
    );
}

#[test]
fn fatal_errors_exit_1() {
    // no header
    let r = batch(b"", &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no header row"), "{}", r.stderr);
    // unreadable input
    let o = lmr()
        .args(["batch", "--no-progress", "/nonexistent/in.csv"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    // unknown unit in a header
    let r = batch(b"urine_volume [furlongs]\n1\n", &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains(r#"column 1 ("urine_volume [furlongs]"): unknown unit "furlongs""#),
        "{}",
        r.stderr
    );
    // invalid range file
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "schema = 1\n[[range]]\nid = \"x\"\n").unwrap();
    let r = batch(
        b"vitamin_d [nmol/L]\n50\n",
        &["--ranges", bad.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // unknown protocol: a rejected flag value (exit 3, issue 7), nothing written
    let r = batch(b"vitamin_d [nmol/L]\n50\n", &["--protocol", "nope"]);
    assert_eq!(r.code, 3);
}

#[test]
fn stdin_and_protocol() {
    // --protocol supplies doses (5 g / 2 g / 40 g) and the 5 h window
    let input = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [L]\nx,30,200,1\n";
    let o = lmr()
        .args(["batch", "-", "--protocol", "dutch-sat-hyperosmolar"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let t = Table::parse(&o.stdout, b',');
    assert_relative_eq!(t.number(0, "lm_ratio"), 0.06, max_relative = REL);
    assert_eq!(t.cell(0, "lm_class"), "within");
}

#[test]
fn example_files_run_with_their_column_maps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = lmr()
        .current_dir(root)
        .args(["batch", "examples/cohort.csv", "--no-progress"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_rows_kept(
        &std::fs::read(root.join("examples/cohort.csv")).unwrap(),
        &o.stdout,
        b',',
    );
    let t = Table::parse(&o.stdout, b',');
    assert_eq!(t.cell(1, "lm_class"), "within"); // the Dutch SAT row
    assert_eq!(t.cell(2, "lm_class"), "above"); // 1.2 % / 7.5 % = 0.16 > 0.089

    let o = lmr()
        .current_dir(root)
        .args([
            "batch",
            "examples/lab-lis-export.csv",
            "--delimiter",
            ";",
            "--columns",
            "examples/columns-lab-lis.toml",
            "--no-progress",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let t = Table::parse(&o.stdout, b';');
    // 3.0 mg/dL = 30 mg/L × 1 L = 30 mg of 5 g = 0.6 %; 20 mg/dL → 200 mg of 2 g = 10 %
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.6,
        max_relative = REL
    );
    assert_relative_eq!(t.number(0, "lm_ratio"), 0.06, max_relative = REL);
    assert_eq!(t.cell(0, "lm_class"), "within");
    // 18 ng/mL 25(OH)D (total, as D3): 18 × 1000 / 400.64 = 44.928… nmol/L
    assert_relative_eq!(
        t.number(1, "vitamin_d_nmol_l"),
        18.0 * 1000.0 / 400.64,
        max_relative = 1e-9
    );

    let o = lmr()
        .current_dir(root)
        .args([
            "batch",
            "examples/field-study-export.csv",
            "--columns",
            "examples/columns-field-study.toml",
            "--no-progress",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let t = Table::parse(&o.stdout, b',');
    // 3.1 mg/dL = 31 mg/L × 0.042 L = 1.302 mg of 250 mg = 0.5208 %
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.5208,
        max_relative = REL
    );
    assert_eq!(
        t.cell(3, "lm_ratio"),
        "",
        "a row with no urine results has none"
    );
}

#[test]
fn non_utf8_bytes_pass_through_and_are_an_error_only_where_read() {
    // Latin-1 "é" (0xE9) in a pass-through column and in a read column
    let mut input = b"name,urine_volume [mL]\nRen\xE9,1200\nx,12\xE90\n".to_vec();
    let r = batch(&input, &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_rows_kept(&input, &r.stdout, b',');
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(&t.rows[0][0], b"Ren\xE9", "bytes written back as read");
    assert_eq!(t.cell(0, "error"), "");
    assert_eq!(
        t.cell(1, "error"),
        "row 2 (line 3), column \"urine_volume [mL]\", value \"12\u{fffd}0\": not valid UTF-8"
    );
    // a header that is not a field name, with a multi-byte character near "_unit", is passed through
    input = "zonulin\u{e9}_unit,vitamin_d [nmol/L]\nx,50\n"
        .as_bytes()
        .to_vec();
    let r = batch(&input, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn column_map_errors_are_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        "[columns]\n\"VOL\" = { field = \"urine_volume\", unit = \"g\" }\n",
    )
    .unwrap();
    let r = batch(b"VOL\n1\n", &["--columns", map.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("unit \"g\" is not a unit of urine_volume"),
        "{}",
        r.stderr
    );
    // a field given by a column and by [values]
    std::fs::write(&map, "[values]\nurine_volume = \"1 L\"\n").unwrap();
    let r = batch(
        b"urine_volume [mL]\n1\n",
        &["--columns", map.to_str().unwrap()],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("urine_volume is given twice"),
        "{}",
        r.stderr
    );
}
