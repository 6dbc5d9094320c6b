//! End-to-end tests of `lmr batch` with several sugars, timed fractions (wide and long
//! format), baselines, L:R and z-scores. Every test checks rows in = rows out and byte-identical
//! input fields; expected numbers are computed by hand in the comments.

use approx::assert_relative_eq;

mod common;

use common::batch::{assert_rows_kept, batch, Table, REL};

/// Runs a batch that must succeed (exit 0), checks the rows, and parses the output.
fn ok(input: &str, args: &[&str]) -> Table {
    let r = batch(input.as_bytes(), args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    Table::parse(&r.stdout, b',')
}

/// The result columns after the input columns.
fn results(t: &Table, inputs: usize) -> Vec<&str> {
    t.header[inputs..].iter().map(String::as_str).collect()
}

const WIDE: &str = "id,urine_lactulose_0_2h [mg/L],urine_mannitol_0_2h [mg/L],urine_volume_0_2h [mL],urine_lactulose_2_8h [mg/L],urine_mannitol_2_8h [mg/L],urine_volume_2_8h [mL],lactulose_dose [g],mannitol_dose [g],collection [h]";

#[test]
fn wide_fractions_per_fraction_and_cumulative_by_hand() {
    let input = format!(
        "{WIDE}\n\
         a,10,100,400,10,50,600,5,1,8\n\
         b,10,100,400,,,,5,1,8\n\
         c,,,,,,,5,1,8\n"
    );
    let t = ok(&input, &[]);
    assert_eq!(t.rows.len(), 3);
    assert_eq!(
        results(&t, 10),
        [
            "lactulose_recovery_pct",
            "lactulose_recovery_pct_bound",
            "mannitol_recovery_pct",
            "mannitol_recovery_pct_bound",
            "lm_ratio",
            "lm_ratio_bound",
            "lm_range",
            "lm_class",
            "lactulose_recovery_pct_0_2h",
            "lactulose_recovery_pct_0_2h_bound",
            "mannitol_recovery_pct_0_2h",
            "mannitol_recovery_pct_0_2h_bound",
            "lm_ratio_0_2h",
            "lm_ratio_0_2h_bound",
            "lactulose_recovery_pct_2_8h",
            "lactulose_recovery_pct_2_8h_bound",
            "mannitol_recovery_pct_2_8h",
            "mannitol_recovery_pct_2_8h_bound",
            "lm_ratio_2_8h",
            "lm_ratio_2_8h_bound",
            "vitamin_d_nmol_l",
            "vitamin_d_nmol_l_bound",
            "vitamin_d_class_iom_2011",
            "zonulin_range",
            "zonulin_class",
            "flags",
            "caveats",
            "missing_inputs",
            "error"
        ]
    );
    // 0-2 h: lactulose 10 mg/L × 0.4 L = 4 mg of 5000 mg = 0.08 %; mannitol 100 × 0.4 = 40 mg
    //        of 1000 mg = 4 %; L:M 0.08 / 4 = 0.02
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct_0_2h"),
        0.08,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct_0_2h"),
        4.0,
        max_relative = REL
    );
    assert_relative_eq!(t.number(0, "lm_ratio_0_2h"), 0.02, max_relative = REL);
    // 2-8 h: lactulose 10 × 0.6 = 6 mg = 0.12 %; mannitol 50 × 0.6 = 30 mg = 3 %; L:M 0.04
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct_2_8h"),
        0.12,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct_2_8h"),
        3.0,
        max_relative = REL
    );
    assert_relative_eq!(t.number(0, "lm_ratio_2_8h"), 0.04, max_relative = REL);
    // cumulative: lactulose 0.08 + 0.12 = 0.20 %; mannitol 4 + 3 = 7 %; L:M 0.2 / 7 = 0.0285714…
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.2,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct"),
        7.0,
        max_relative = REL
    );
    assert_relative_eq!(t.number(0, "lm_ratio"), 0.2 / 7.0, max_relative = REL);
    // b: only the first fraction: the cumulative equals it, the 2-8 h columns are empty
    assert_relative_eq!(
        t.number(1, "lactulose_recovery_pct"),
        0.08,
        max_relative = REL
    );
    assert_relative_eq!(t.number(1, "lm_ratio"), 0.02, max_relative = REL);
    assert_eq!(t.cell(1, "lactulose_recovery_pct_2_8h"), "");
    assert_eq!(t.cell(1, "lm_ratio_2_8h"), "");
    // c: no urine at all: empty results, no error
    assert_eq!(t.cell(2, "lactulose_recovery_pct"), "");
    assert_eq!(t.cell(2, "error"), "");
}

#[test]
fn wide_fraction_units_from_unit_column_and_column_map() {
    // The 0-2 h lactulose unit in a per-row column; the 2-8 h columns named by a column map.
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        "[columns]\n\"LAC 2-8\" = { field = \"urine_lactulose_2_8h\", unit = \"mg/dL\" }\n\"VOL 2-8\" = { field = \"urine_volume_2_8h\", unit = \"L\" }\n[values]\nlactulose_dose = \"5 g\"\n",
    )
    .unwrap();
    let input = "id,urine_lactulose_0_2h,urine_lactulose_0_2h_unit,urine_volume_0_2h [mL],LAC 2-8,VOL 2-8\n\
                 a,1,mg/dL,400,1,0.6\n";
    let t = ok(input, &["--columns", map.to_str().unwrap()]);
    // 1 mg/dL = 10 mg/L: 10 × 0.4 = 4 mg = 0.08 %; 10 × 0.6 = 6 mg = 0.12 %; sum 0.20 %
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct_0_2h"),
        0.08,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct_2_8h"),
        0.12,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.2,
        max_relative = REL
    );
    assert_eq!(t.cell(0, "mannitol_recovery_pct_0_2h"), "");
}

const LONG: &str = "sample_id,fraction,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h]";

#[test]
fn long_fractions_each_row_alone_and_the_whole_collection_on_the_last() {
    let input = format!(
        "{LONG}\n\
         A,0-2h,10,100,400,5,1,24\n\
         A,2-8h,10,50,600,5,1,24\n\
         A,8-24h,2,20,500,5,1,24\n\
         B,0-5h,20,150,1200,5,1,5\n"
    );
    let t = ok(&input, &[]);
    assert_eq!(t.rows.len(), 4);
    let r = results(&t, 8);
    assert_eq!(
        r[..14],
        [
            "lactulose_recovery_pct",
            "lactulose_recovery_pct_bound",
            "mannitol_recovery_pct",
            "mannitol_recovery_pct_bound",
            "lm_ratio",
            "lm_ratio_bound",
            "lm_range",
            "lm_class",
            "lactulose_recovery_pct_fraction",
            "lactulose_recovery_pct_fraction_bound",
            "mannitol_recovery_pct_fraction",
            "mannitol_recovery_pct_fraction_bound",
            "lm_ratio_fraction",
            "lm_ratio_fraction_bound",
        ]
    );
    assert_eq!(r[14], "vitamin_d_nmol_l");
    // Each row alone, in the `_fraction` columns: 0-2 h 4 mg = 0.08 %, 40 mg = 4 %; 2-8 h 6 mg = 0.12 %, 30 mg = 3 %;
    // 8-24 h 2 × 0.5 = 1 mg = 0.02 %, 20 × 0.5 = 10 mg = 1 %.
    for (row, l, m) in [(0, 0.08, 4.0), (1, 0.12, 3.0), (2, 0.02, 1.0)] {
        assert_relative_eq!(
            t.number(row, "lactulose_recovery_pct_fraction"),
            l,
            max_relative = REL
        );
        assert_relative_eq!(
            t.number(row, "mannitol_recovery_pct_fraction"),
            m,
            max_relative = REL
        );
        assert_relative_eq!(
            t.number(row, "lm_ratio_fraction"),
            l / m,
            max_relative = REL
        );
    }
    // Only A's last row has the whole collection, in the unsuffixed columns: lactulose 4 + 6 + 1 = 11 mg of 5000 = 0.22 %;
    // mannitol 40 + 30 + 10 = 80 mg of 1000 = 8 %; L:M 0.22 / 8 = 0.0275.
    for row in [0, 1] {
        assert_eq!(t.cell(row, "lactulose_recovery_pct"), "");
        assert_eq!(t.cell(row, "lm_ratio"), "");
    }
    assert_relative_eq!(
        t.number(2, "lactulose_recovery_pct"),
        0.22,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(2, "mannitol_recovery_pct"),
        8.0,
        max_relative = REL
    );
    assert_relative_eq!(t.number(2, "lm_ratio"), 0.0275, max_relative = REL);
    // B, one row: its cumulative is itself (20 × 1.2 = 24 mg = 0.48 %; 180 mg = 18 %)
    assert_relative_eq!(
        t.number(3, "lactulose_recovery_pct"),
        0.48,
        max_relative = REL
    );
    assert_relative_eq!(t.number(3, "lm_ratio"), 0.48 / 18.0, max_relative = REL);
}

#[test]
fn long_fractions_sample_id_option_and_jsonl() {
    let input =
        "patient,sample_id,fraction,urine_lactulose [mg/L],urine_volume [mL],lactulose_dose [g]\n\
                 p1,x,0-2h,10,400,5\n\
                 p1,y,2-8h,10,600,5\n";
    // `--sample-id patient`: the `sample_id` column is just another column, the rows are one sample.
    let t = ok(input, &["--sample-id", "patient"]);
    assert_eq!(t.cell(0, "lactulose_recovery_pct"), "");
    assert_relative_eq!(
        t.number(1, "lactulose_recovery_pct"),
        0.2,
        max_relative = REL
    );
    // Without it, `sample_id` groups: x and y are two samples of one fraction each.
    let t = ok(input, &[]);
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.08,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(1, "lactulose_recovery_pct"),
        0.12,
        max_relative = REL
    );
    // JSON Lines: the same keys
    let r = batch(
        input.as_bytes(),
        &["--sample-id", "patient", "--format", "jsonl"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = String::from_utf8(r.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["patient"], "p1");
    assert!(lines[0]["lactulose_recovery_pct"].is_null());
    assert_relative_eq!(
        lines[1]["lactulose_recovery_pct"].as_f64().unwrap(),
        0.2,
        max_relative = REL
    );
    // A --sample-id naming no column is fatal
    let r = batch(input.as_bytes(), &["--sample-id", "nobody"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--sample-id \"nobody\": no such column"),
        "{}",
        r.stderr
    );
}

#[test]
fn long_sample_that_reappears_is_an_error_on_that_row() {
    let input = format!(
        "{LONG}\n\
         A,0-2h,10,100,400,5,1,8\n\
         B,0-2h,10,100,400,5,1,8\n\
         A,2-8h,10,50,600,5,1,8\n\
         C,0-2h,10,100,400,5,1,8\n"
    );
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(
        t.cell(2, "error"),
        "row 3 (line 4), column \"sample_id\", value \"A\": this sample's rows ended earlier (other samples' rows came between): a sample's fraction rows must be consecutive (the row is kept and not interpreted)"
    );
    assert_eq!(t.cell(2, "lactulose_recovery_pct_fraction"), "");
    // A's first row was its last (complete) group: it has its cumulative; C is unaffected.
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.08,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(3, "lactulose_recovery_pct"),
        0.08,
        max_relative = REL
    );
    assert!(
        r.stderr
            .contains("4 rows read, 3 interpreted, 1 with errors"),
        "{}",
        r.stderr
    );
}

#[test]
fn long_ragged_row_inside_a_group_leaves_the_cumulative_empty() {
    let input = format!(
        "{LONG}\n\
         A,0-2h,10,100,400,5,1,24\n\
         A,2-8h,10,50\n\
         A,8-24h,2,20,500,5,1,24\n\
         B,0-2h,10,100,400,5,1,8,surplus\n\
         C,0-2h,10,100,400,5,1,8\n"
    );
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let t = Table::parse(&r.stdout, b',');
    assert_eq!(t.rows.len(), 5);
    assert_eq!(
        t.cell(1, "error"),
        "row 2 (line 3): 4 fields, but the header has 8 (the row is kept, padded with empty fields, and not interpreted)"
    );
    // The rows around it are interpreted alone; A's sum would be wrong without row 2: empty.
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct_fraction"),
        0.08,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(2, "lactulose_recovery_pct_fraction"),
        0.02,
        max_relative = REL
    );
    assert_eq!(t.cell(2, "lactulose_recovery_pct"), "");
    // A's last row, where its whole collection would be, says why it is empty.
    assert_eq!(
        t.cell(2, "error"),
        "row 3 (line 4): the sample's whole-collection sugar results are left empty: its fraction in row 2 (line 3) has an error"
    );
    assert!(t
        .cell(3, "error")
        .starts_with("row 4 (line 5): 9 fields, but the header has 8"));
    assert_relative_eq!(
        t.number(4, "lactulose_recovery_pct"),
        0.08,
        max_relative = REL
    );
}

#[test]
fn long_and_wide_together_or_without_an_id_are_fatal() {
    let r = batch(b"fraction,urine_lactulose [mg/L]\n0-2h,1\n", &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("needs a sample id column"),
        "{}",
        r.stderr
    );
    let r = batch(
        b"sample_id,fraction,urine_lactulose_0_2h [mg/L]\na,0-2h,1\n",
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("use one form"), "{}", r.stderr);
}

const RHAMNOSE: &str = "id,urine_lactulose [mg/L],urine_rhamnose [mg/L],urine_volume [mL],lactulose_dose [g],rhamnose_dose [g],rhamnose_dose_form";

#[test]
fn rhamnose_monohydrate_dose_and_lr_ratio() {
    let input = format!(
        "{RHAMNOSE}\n\
         anhydrous,20,100,1000,5,1,anhydrous\n\
         mono,20,100,1000,5,1.000,monohydrate\n\
         in_cell,20,100,1000,5,1.000 g monohydrate,\n\
         no_form,20,100,1000,5,1,\n\
         bad,20,100,1000,5,1,hydrated\n"
    );
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    let t = Table::parse(&r.stdout, b',');
    let res = results(&t, 7);
    assert_eq!(
        res[..14],
        [
            "lactulose_recovery_pct",
            "lactulose_recovery_pct_bound",
            "mannitol_recovery_pct",
            "mannitol_recovery_pct_bound",
            "lm_ratio",
            "lm_ratio_bound",
            "lm_range",
            "lm_class",
            "rhamnose_recovery_pct",
            "rhamnose_recovery_pct_bound",
            "lr_ratio",
            "lr_ratio_bound",
            "lr_range",
            "lr_class",
        ]
    );
    // anhydrous: 100 mg/L × 1 L = 100 mg of 1000 mg = 10 %; lactulose 20 mg of 5000 mg = 0.4 %;
    // L:R = 0.4 / 10 = 0.04
    assert_relative_eq!(
        t.number(0, "rhamnose_recovery_pct"),
        10.0,
        max_relative = REL
    );
    assert_relative_eq!(t.number(0, "lr_ratio"), 0.04, max_relative = REL);
    assert_eq!(t.cell(0, "lr_class"), "unclassified");
    // monohydrate: 1.000 g monohydrate = 0.9011 g rhamnose (164.157 / 182.172, standard atomic weights), so
    // 100 mg / 901.1 mg = 11.097 %; L:R = 0.4 / 11.097 = 0.03604
    for row in [1, 2] {
        assert_relative_eq!(
            t.number(row, "rhamnose_recovery_pct"),
            100.0 / 901.1 * 100.0,
            max_relative = 1e-4
        );
        assert_relative_eq!(
            t.number(row, "lr_ratio"),
            0.4 / (100.0 / 901.1 * 100.0),
            max_relative = 1e-4
        );
    }
    assert_relative_eq!(
        t.number(3, "rhamnose_recovery_pct"),
        10.0,
        max_relative = REL
    );
    // every L:R result reports the rhamnose dose form it divided by (issue 14); a dose given
    // without a form is anhydrous
    let forms: Vec<String> = (0..4)
        .map(|row| t.cell(row, "lr_rhamnose_dose_form"))
        .collect();
    assert_eq!(
        forms,
        ["anhydrous", "monohydrate", "monohydrate", "anhydrous"]
    );
    assert_eq!(
        t.cell(4, "error"),
        "row 5 (line 6), column \"rhamnose_dose_form\", value \"hydrated\": unknown dose form (expected anhydrous or monohydrate)"
    );
}

#[test]
fn every_sugar_has_its_columns() {
    // urine_<sugar>, <sugar>_dose and baseline_<sugar> for each sugar key; 13C-mannitol gives l13m.
    let input = "id,urine_lactulose [mg/L],urine_mannitol_13c6 [mg/L],urine_sucralose [mg/L],urine_erythritol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_13c6_dose [mg],sucralose_dose [g],erythritol_dose [g]\n\
                 a,20,50,10,100,1000,5,100,1,1\n";
    let t = ok(input, &[]);
    // 13C6-mannitol 50 mg of 100 mg = 50 %; sucralose 10 mg of 1000 mg = 1 %; erythritol 10 %
    assert_relative_eq!(
        t.number(0, "mannitol_13c6_recovery_pct"),
        50.0,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "sucralose_recovery_pct"),
        1.0,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "erythritol_recovery_pct"),
        10.0,
        max_relative = REL
    );
    // L:13C-M = 0.4 / 50 = 0.008
    assert_relative_eq!(t.number(0, "l13m_ratio"), 0.008, max_relative = REL);
}

const BASELINE: &str = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],baseline_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g]";

#[test]
fn baseline_is_flagged_and_subtracted_on_request() {
    let input = format!(
        "{BASELINE}\n\
         a,20,150,10,1200,5,1\n\
         b,20,150,<2,1200,5,1\n"
    );
    // Without --subtract-baseline: 150 × 1.2 = 180 mg = 18 %, flagged
    let t = ok(&input, &[]);
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct"),
        18.0,
        max_relative = REL
    );
    assert!(t.cell(0, "flags").contains("baseline_sugar_detected"));
    assert!(!t.cell(1, "flags").contains("baseline_sugar_detected"));
    // With it: (150 − 10) × 1.2 = 168 mg = 16.8 %; L:M 0.48 / 16.8
    let t = ok(&input, &["--subtract-baseline"]);
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct"),
        16.8,
        max_relative = REL
    );
    assert_relative_eq!(t.number(0, "lm_ratio"), 0.48 / 16.8, max_relative = REL);
    assert!(t.cell(0, "flags").contains("baseline_sugar_detected"));
    // a baseline below the detection limit is not subtracted
    assert_relative_eq!(
        t.number(1, "mannitol_recovery_pct"),
        18.0,
        max_relative = REL
    );
}

#[test]
fn zscore_columns_with_the_example_reference() {
    let reference = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/zscore-reference-example.toml"
    );
    let input = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],age,sex\n\
                 child,20,150,1200,5,1,2,F\n\
                 adult,20,150,1200,5,1,30,F\n";
    let t = ok(input, &["--zscore-reference", reference]);
    let res = results(&t, 8);
    assert_eq!(
        res[8..13],
        [
            "lmz",
            "lmz_reference",
            "lactulose_z",
            "lactulose_z_reference",
            "vitamin_d_nmol_l"
        ]
    );
    // L:M = 0.48 / 18 = 0.026667; female 0-4 y: mean −3.2, sd 0.5 on ln:
    // z = (ln 0.026667 + 3.2) / 0.5 = (−3.624341 + 3.2) / 0.5 = −0.848682
    assert_relative_eq!(
        t.number(0, "lmz"),
        ((0.48f64 / 18.0).ln() + 3.2) / 0.5,
        max_relative = REL
    );
    assert_eq!(t.cell(0, "lmz_reference"), "example-synthetic-lmz");
    // lactulose 0.48 %, any sex 0-18 y: mean 0.4, sd 0.2: z = 0.08 / 0.2 = 0.4
    assert_relative_eq!(t.number(0, "lactulose_z"), 0.4, max_relative = 1e-9);
    assert_eq!(
        t.cell(0, "lactulose_z_reference"),
        "example-synthetic-lactulose-z"
    );
    // 30 years is outside the table: no z, flagged, not extrapolated
    assert_eq!(t.cell(1, "lmz"), "");
    assert_eq!(t.cell(1, "lmz_reference"), "");
    assert!(
        t.cell(1, "flags").contains("age_outside_reference"),
        "{}",
        t.cell(1, "flags")
    );
}

#[test]
fn example_files_run() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let zref = format!("{dir}/examples/zscore-reference-example.toml");
    for (file, args) in [
        ("fractions-wide.csv", vec![]),
        ("fractions-long.csv", vec![]),
        (
            "multi-sugar.csv",
            vec![
                "--subtract-baseline",
                "--lr-range",
                "lutgens-lr-secondary",
                "--zscore-reference",
                zref.as_str(),
            ],
        ),
    ] {
        let input = std::fs::read_to_string(format!("{dir}/examples/{file}")).unwrap();
        let t = ok(&input, &args);
        assert!(
            t.rows
                .iter()
                .all(|r| r.iter().next_back() == Some(&b""[..])),
            "{file}: no errors"
        );
        if file == "fractions-long.csv" {
            // L01's last row = W01 of the wide file: 0.22 %, 8 %, 0.0275
            assert_relative_eq!(t.number(2, "lm_ratio"), 0.0275, max_relative = REL);
            let w = ok(
                &std::fs::read_to_string(format!("{dir}/examples/fractions-wide.csv")).unwrap(),
                &[],
            );
            assert_eq!(w.cell(0, "lm_ratio"), t.cell(2, "lm_ratio"));
            assert_eq!(w.cell(1, "lm_ratio"), t.cell(5, "lm_ratio"));
        }
        if file == "multi-sugar.csv" {
            assert_relative_eq!(
                t.number(0, "mannitol_recovery_pct"),
                14.0,
                max_relative = REL
            );
            assert_relative_eq!(t.number(2, "lmz"), 0.7168368125465348, max_relative = 1e-9);
        }
    }
}

#[test]
fn long_format_with_crlf_bom_and_a_quoted_newline() {
    let input = "\u{feff}sample_id,fraction,note,urine_lactulose [mg/L],urine_volume [mL],lactulose_dose [g]\r\n\
                 A,0-2h,\"two\r\nlines, and a comma\",10,400,5\r\n\
                 A,2-8h,,10,600,5\r\n\
                 B,0-2h,x,-1,400,5\r\n";
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    assert!(r.stdout.starts_with(b"\xEF\xBB\xBF"));
    assert!(r.stdout.ends_with(b"\r\n"));
    let t = Table::parse(r.stdout.strip_prefix(b"\xEF\xBB\xBF").unwrap(), b',');
    assert_relative_eq!(
        t.number(1, "lactulose_recovery_pct"),
        0.2,
        max_relative = REL
    );
    // the quoted line break makes row 3 start on line 5
    assert_eq!(
        t.cell(2, "error"),
        "row 3 (line 5), column \"urine_lactulose [mg/L]\", value \"-1\": must not be negative"
    );
}
