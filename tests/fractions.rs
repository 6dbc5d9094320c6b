//! Timed urine fractions (issue 11 item 7): every window is checked before urine is summed, in
//! both layouts, and `<name>_recovery_pct` is the whole collection in both. Expected numbers are
//! worked by hand in the comments: recovery % = C (mg/L) × V (L) ÷ dose (mg) × 100, and a
//! fraction's recovery is its own C·V; the whole collection's is Σ(Cᵢ·Vᵢ) ÷ dose.

use approx::assert_relative_eq;

mod common;

use common::batch::{assert_rows_kept, batch, Table, REL};

fn run(input: &str, code: i32) -> Table {
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, code, "{}", r.stderr);
    assert_rows_kept(input.as_bytes(), &r.stdout, b',');
    Table::parse(&r.stdout, b',')
}

/// A fatal header error: exit 1, nothing written, the message on stderr.
fn fatal(input: &str) -> String {
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    r.stderr
}

const DOSES: &str = "lactulose_dose [g],mannitol_dose [g],collection [h]";

#[test]
fn wide_the_same_window_written_two_ways_is_fatal_naming_both_columns() {
    let input = format!(
        "id,urine_lactulose_0_2h [mg/L],urine_volume_0_2h [mL],urine_lactulose_00_02h [mg/L],{DOSES}\n\
         a,10,400,10,5,1,24\n"
    );
    let e = fatal(&input);
    assert!(
        e.contains(
            "column 2 (\"urine_lactulose_0_2h [mg/L]\") and column 4 (\"urine_lactulose_00_02h [mg/L]\"): the window 0–2 h is given twice: a fraction is never summed twice"
        ),
        "{e}"
    );
}

#[test]
fn wide_overlapping_reversed_and_empty_windows_are_fatal() {
    let e = fatal(&format!(
        "id,urine_volume_0_4h [mL],urine_lactulose_0_4h [mg/L],urine_lactulose_2_6h [mg/L],{DOSES}\n\
         a,400,10,10,5,1,24\n"
    ));
    assert!(
        e.contains("column 2 (\"urine_volume_0_4h [mL]\") and column 4 (\"urine_lactulose_2_6h [mg/L]\"): the window 2–6 h overlaps 0–4 h: the hours in both would be summed twice"),
        "{e}"
    );
    let e = fatal(&format!(
        "id,urine_lactulose_8_2h [mg/L],{DOSES}\na,10,5,1,24\n"
    ));
    assert!(
        e.contains("column 2 (\"urine_lactulose_8_2h [mg/L]\"): a reversed window: it ends at 2 h, before it starts at 8 h"),
        "{e}"
    );
    let e = fatal(&format!(
        "id,urine_lactulose_2_2h [mg/L],{DOSES}\na,10,5,1,24\n"
    ));
    assert!(
        e.contains("column 2 (\"urine_lactulose_2_2h [mg/L]\"): an empty window: it starts and ends at 2 h"),
        "{e}"
    );
    // windows that only touch are fine: 0–2 h then 2–8 h
    run(
        &format!(
            "id,urine_lactulose_0_2h [mg/L],urine_lactulose_2_8h [mg/L],{DOSES}\na,10,10,5,1,24\n"
        ),
        0,
    );
}

#[test]
fn wide_window_past_the_collection_is_a_row_error_and_other_analytes_stand() {
    let input = format!(
        "id,urine_lactulose_0_2h [mg/L],urine_mannitol_0_2h [mg/L],urine_volume_0_2h [mL],urine_lactulose_2_8h [mg/L],urine_mannitol_2_8h [mg/L],urine_volume_2_8h [mL],{DOSES},vitamin_d [nmol/L]\n\
         short,10,100,400,10,50,600,5,1,5,60\n\
         only_first,10,100,400,,,,5,1,2,60\n\
         whole,10,100,400,10,50,600,5,1,8,60\n"
    );
    let t = run(&input, 3);
    // `short`: the 2–8 h fraction ends after its 5 h collection: its sugar results are empty,
    // vitamin D (60 nmol/L) is still given.
    assert_eq!(
        t.cell(0, "error"),
        "row 1 (line 2), column \"urine_lactulose_2_8h [mg/L]\", value \"10\": the window 2–8 h ends after the collection (5 h); the sample's sugar results are left empty (its other analytes are kept)"
    );
    for c in [
        "lactulose_recovery_pct",
        "lm_ratio",
        "lactulose_recovery_pct_0_2h",
        "lm_ratio_2_8h",
    ] {
        assert_eq!(t.cell(0, c), "", "{c}");
    }
    assert_relative_eq!(t.number(0, "vitamin_d_nmol_l"), 60.0, max_relative = REL);
    // `only_first` collects 2 h and fills only 0–2 h: the empty 2–8 h fraction is not checked.
    // 10 mg/L × 0.4 L = 4 mg of 5000 mg = 0.08 %; 100 × 0.4 = 40 mg of 1000 mg = 4 %.
    assert_eq!(t.cell(1, "error"), "");
    assert_relative_eq!(
        t.number(1, "lactulose_recovery_pct"),
        0.08,
        max_relative = REL
    );
    assert_relative_eq!(t.number(1, "lm_ratio"), 0.08 / 4.0, max_relative = REL);
    // `whole` (8 h): 4 + 10 × 0.6 = 10 mg of 5000 = 0.2 %; 40 + 50 × 0.6 = 70 mg of 1000 = 7 %.
    assert_relative_eq!(
        t.number(2, "lactulose_recovery_pct"),
        0.2,
        max_relative = REL
    );
    assert_relative_eq!(t.number(2, "lm_ratio"), 0.2 / 7.0, max_relative = REL);
}

const LONG: &str = "sample_id,fraction,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],vitamin_d [nmol/L]";

#[test]
fn long_recovery_pct_is_the_whole_collection_and_fractions_have_their_own_columns() {
    let input = format!(
        "{LONG}\n\
         A,0-2h,10,100,400,5,1,24,50\n\
         A,2-8h,10,50,600,5,1,24,50\n\
         A,8-24h,2,20,500,5,1,24,50\n"
    );
    let t = run(&input, 0);
    // Per fraction: 0–2 h 10 × 0.4 = 4 mg → 0.08 %, 100 × 0.4 = 40 mg → 4 %, L:M 0.02;
    // 2–8 h 10 × 0.6 = 6 mg → 0.12 %, 50 × 0.6 = 30 mg → 3 %, L:M 0.04;
    // 8–24 h 2 × 0.5 = 1 mg → 0.02 %, 20 × 0.5 = 10 mg → 1 %, L:M 0.02.
    for (row, l, m) in [(0, 0.08, 4.0), (1, 0.12, 3.0), (2, 0.02, 1.0)] {
        let n = |c: &str| t.number(row, c);
        assert_relative_eq!(n("lactulose_recovery_pct_fraction"), l, max_relative = REL);
        assert_relative_eq!(n("mannitol_recovery_pct_fraction"), m, max_relative = REL);
        assert_relative_eq!(n("lm_ratio_fraction"), l / m, max_relative = REL);
        assert_relative_eq!(n("vitamin_d_nmol_l"), 50.0, max_relative = REL);
    }
    // The whole collection, on the last row only: (4 + 6 + 1) mg of 5000 = 0.22 %;
    // (40 + 30 + 10) mg of 1000 = 8 %; L:M 0.22 ÷ 8 = 0.0275; the wide layout gives the same.
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
    assert!(!t.header.iter().any(|h| h.contains("cumulative")));
}

#[test]
fn long_censored_fraction_fills_the_bound_companions() {
    let input = format!(
        "{LONG}\n\
         A,0-2h,10,100,400,5,1,24,\n\
         A,2-24h,<0.5,15,900,5,1,24,\n"
    );
    let t = run(&input, 0);
    // 2–24 h: lactulose < 0.5 mg/L × 0.9 L = < 0.45 mg of 5000 = < 0.009 %.
    assert_eq!(t.cell(1, "lactulose_recovery_pct_fraction"), "");
    assert_eq!(t.cell(1, "lactulose_recovery_pct_fraction_bound"), "<0.009");
    // Whole: < (4 + 0.45) mg of 5000 = < 0.089 %; mannitol (40 + 13.5) mg of 1000 = 5.35 %.
    assert_eq!(t.cell(1, "lactulose_recovery_pct"), "");
    assert_eq!(t.cell(1, "lactulose_recovery_pct_bound"), "<0.089");
    assert_relative_eq!(
        t.number(1, "mannitol_recovery_pct"),
        5.35,
        max_relative = REL
    );
}

#[test]
fn long_the_same_row_twice_is_an_error_never_summed_twice() {
    let input = format!(
        "{LONG}\n\
         A,0-2h,10,100,400,5,1,24,50\n\
         A,0-2h,10,100,400,5,1,24,50\n\
         A,2-8h,10,50,600,5,1,24,50\n\
         B,0-2h,10,100,400,5,1,24,50\n\
         B,00_02h,10,100,400,5,1,24,50\n"
    );
    let t = run(&input, 3);
    assert_eq!(
        t.cell(1, "error"),
        "row 2 (line 3), column \"fraction\", value \"0-2h\": the window 0–2 h is given twice: a fraction is never summed twice (the other fraction: row 1 (line 2)); the sample's sugar results are left empty (its other analytes are kept)"
    );
    // The repeated row's own sugar values are empty, its vitamin D kept.
    assert_eq!(t.cell(1, "lactulose_recovery_pct_fraction"), "");
    assert_relative_eq!(t.number(1, "vitamin_d_nmol_l"), 50.0, max_relative = REL);
    // The first row and the 2–8 h row keep their own fraction (0.08 %, 0.12 %) …
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct_fraction"),
        0.08,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(2, "lactulose_recovery_pct_fraction"),
        0.12,
        max_relative = REL
    );
    // … but A's whole collection is not given (it would be 0.08 + 0.08 + 0.12 summed twice,
    // or a guess which row to drop), and A's last row says why.
    assert_eq!(t.cell(2, "lactulose_recovery_pct"), "");
    assert_eq!(
        t.cell(2, "error"),
        "row 3 (line 4): the sample's whole-collection sugar results are left empty: its fraction in row 2 (line 3) has an error"
    );
    // B: `00_02h` is `0-2h` written another way.
    assert!(
        t.cell(4, "error")
            .contains("the window 0–2 h is given twice: a fraction is never summed twice (the other fraction: row 4 (line 5))"),
        "{}",
        t.cell(4, "error")
    );
}

#[test]
fn long_overlapping_reversed_empty_unreadable_and_late_windows_are_row_errors() {
    let input = format!(
        "{LONG}\n\
         A,0-4h,10,100,400,5,1,24,50\n\
         A,2-6h,10,100,400,5,1,24,50\n\
         B,8-2h,10,100,400,5,1,24,50\n\
         C,2-2h,10,100,400,5,1,24,50\n\
         D,first void,10,100,400,5,1,24,50\n\
         E,0-2h,10,100,400,5,1,5,50\n\
         E,2-8h,10,50,600,5,1,5,50\n\
         F,,10,100,400,5,1,5,50\n"
    );
    let t = run(&input, 3);
    let err = |row: usize| t.cell(row, "error");
    assert!(err(1).starts_with("row 2 (line 3), column \"fraction\", value \"2-6h\": the window 2–6 h overlaps 0–4 h: the hours in both would be summed twice (the other fraction: row 1 (line 2))"), "{}", err(1));
    assert!(
        err(2)
            .contains("value \"8-2h\": a reversed window: it ends at 2 h, before it starts at 8 h"),
        "{}",
        err(2)
    );
    assert!(
        err(3).contains("value \"2-2h\": an empty window: it starts and ends at 2 h"),
        "{}",
        err(3)
    );
    assert!(
        err(4).contains("value \"first void\": not a collection window: expected `<start>-<end>h`"),
        "{}",
        err(4)
    );
    assert!(
        err(6).contains("value \"2-8h\": the window 2–8 h ends after the collection (5 h)"),
        "{}",
        err(6)
    );
    assert!(
        err(7).contains("value \"\": no collection window: a fraction needs one"),
        "{}",
        err(7)
    );
    // Every one of these rows keeps its vitamin D (50 nmol/L) and has no sugar results.
    for row in [1, 2, 3, 4, 6, 7] {
        assert_eq!(
            t.cell(row, "lactulose_recovery_pct_fraction"),
            "",
            "row {row}"
        );
        assert_eq!(t.cell(row, "lactulose_recovery_pct"), "", "row {row}");
        assert_relative_eq!(t.number(row, "vitamin_d_nmol_l"), 50.0, max_relative = REL);
    }
    // E's 0–2 h row within its 5 h collection keeps its own fraction: 4 mg of 5000 = 0.08 %.
    assert_relative_eq!(
        t.number(5, "lactulose_recovery_pct_fraction"),
        0.08,
        max_relative = REL
    );
}

#[test]
fn long_bad_vitamin_d_on_a_fraction_row_keeps_the_whole_collection() {
    // Each analyte stands alone: a rejected vitamin D cell is not a missing fraction.
    let input = format!(
        "{LONG}\n\
         A,0-2h,10,100,400,5,1,8,x\n\
         A,2-8h,10,50,600,5,1,8,50\n"
    );
    let t = run(&input, 3);
    assert!(t
        .cell(0, "error")
        .contains("column \"vitamin_d [nmol/L]\", value \"x\""));
    // Whole: (4 + 6) mg of 5000 = 0.2 %; (40 + 30) mg of 1000 = 7 %; L:M 0.2 ÷ 7.
    assert_relative_eq!(
        t.number(1, "lactulose_recovery_pct"),
        0.2,
        max_relative = REL
    );
    assert_relative_eq!(t.number(1, "lm_ratio"), 0.2 / 7.0, max_relative = REL);
    assert_eq!(t.cell(1, "error"), "");
}

#[test]
fn long_fraction_rows_are_not_judged_as_whole_collections() {
    // A 34-year-old's 24 h collection in two fractions. 0–2 h: mannitol 100 mg/L × 0.4 L = 40 mg
    // of 1000 mg = 4 % (a fraction: no plausibility band applies to it); 2–24 h: 0.5 × 0.2 =
    // 0.1 mg = 0.01 %. Whole: 40.1 mg = 4.01 %, judged against the band for the whole collection
    // on the last row, where the whole is written.
    let input = "sample_id,fraction,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],age,sex\n\
                 A,0-2h,10,100,400,5,1,24,34,F\n\
                 A,2-24h,1,0.5,200,5,1,24,34,F\n";
    let t = run(input, 0);
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct_fraction"),
        4.0,
        max_relative = REL
    );
    assert_eq!(t.cell(0, "flags"), "");
    assert_relative_eq!(
        t.number(1, "mannitol_recovery_pct"),
        4.01,
        max_relative = REL
    );
    assert_eq!(t.cell(1, "flags"), "low_mannitol_recovery");
    // the same 4 % given as one whole collection (one row, 0–24 h) is judged: the band is the
    // one the last row used
    let whole = "sample_id,fraction,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h],age,sex\n\
                 B,0-24h,10,100,400,5,1,24,34,F\n";
    let t = run(whole, 0);
    assert_eq!(t.cell(0, "flags"), "low_mannitol_recovery");
}
