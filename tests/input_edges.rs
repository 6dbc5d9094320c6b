//! Issue 11, the edges of the input layer: nothing ignored in silence (a column-map header absent
//! from the file, near-miss headers), real exports (decimal commas, UTF-16, CR-only line ends),
//! numbers at the edges of a double, and `lmr check` without a urine volume. Expected values are
//! worked by hand in the comments.

use approx::assert_relative_eq;

mod common;

use common::batch::{batch, lmr, Table, REL};
use lmr::batch::{near_miss, ColumnMap, Layout};
use lmr::sample::parse;
use lmr::sample::Problem;

const HEADER: &str = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g]";

/// Runs `lmr check ARGS`: (exit code, stdout, stderr).
fn check(args: &[&str]) -> (i32, String, String) {
    let out = lmr().arg("check").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---- item 3: nothing ignored in silence -------------------------------------------------------

#[test]
fn a_map_header_absent_from_the_file_is_fatal_naming_it_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        "[columns]\n\"LAC\" = { field = \"urine_lactulose\", unit = \"mg/L\" }\n\"MAN\" = { field = \"urine_mannitol\", unit = \"mg/L\" }\n",
    )
    .unwrap();
    let r = batch(b"id,LAC\na,20\n", &["--columns", map.to_str().unwrap()]);
    // a fatal input error: exit 1, as for any unusable header or column map; nothing written
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("the column map names the column \"MAN\" (line 3 of the map), but the header has no such column"),
        "{}",
        r.stderr
    );
    // case and surrounding spaces are ignored, as for every header
    let r = batch(
        b"id, lac ,man\na,20,150\n",
        &["--columns", map.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn near_miss_headers_get_one_warning_each_naming_the_canonical_header() {
    let input = "participant_id,site,urine lactulose [mg/L],urine_mannitol (mg/L),Lactulose (mg/L),lactulose［mg/L］,lactulose（mg/L）,lactulose-mg-l,URINE_VOLUME [mL],vitamin_d [nmol/L]\n\
                 p1,A,20,150,20,20,20,20,1200,50\n";
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("lmr: warning: "))
        .collect();
    // columns 3 to 8 only: not participant_id, site, nor the columns lmr reads
    assert_eq!(warnings.len(), 6, "{}", r.stderr);
    assert_eq!(
        warnings[0],
        "lmr: warning: column 3 (\"urine lactulose [mg/L]\") is not read: it looks like urine_lactulose; name it `urine_lactulose [mg/L]`, or map it in a column map (--columns): \"urine lactulose [mg/L]\" = { field = \"urine_lactulose\", unit = \"mg/L\" }"
    );
    assert!(warnings[1].contains("it looks like urine_mannitol; name it `urine_mannitol [mg/L]`"));
    for w in &warnings[2..5] {
        assert!(w.contains("name it `urine_lactulose [mg/L]`"), "{w}");
    }
    assert!(warnings[5].contains("column 8 (\"lactulose-mg-l\")"));
    assert!(warnings[5].contains("name it `urine_lactulose [mg/l]`"));
    // the same warnings for every library caller (Python, lmr serve): on the layout
    let header: Vec<&str> = input.lines().next().unwrap().split(',').collect();
    let layout = Layout::resolve(&header, &ColumnMap::default()).unwrap();
    let columns: Vec<usize> = layout.warnings().iter().map(|w| w.column).collect();
    assert_eq!(columns, [3, 4, 5, 6, 7, 8]);
}

#[test]
fn near_miss_advice_follows_the_unit() {
    // a mass is a dose; a unit lmr does not read is said to be one
    assert_eq!(
        near_miss("Mannitol dose (g)").unwrap().field,
        "mannitol_dose"
    );
    assert_eq!(near_miss("Lactulose (g)").unwrap().field, "lactulose_dose");
    let m = near_miss("Lactulose (mmol/mol creatinine)").unwrap();
    assert_eq!(m.field, "urine_lactulose");
    assert!(!m.unit_known);
    // Vitamin D, case and spacing
    let m = near_miss("  Vitamin D  (ng/mL) ").unwrap();
    assert_eq!(
        (m.field.as_str(), m.unit.as_deref()),
        ("vitamin_d", Some("ng/mL"))
    );
    for unrelated in ["participant_id", "site", "notes", "visit_date", "lm_ratio"] {
        assert_eq!(near_miss(unrelated), None, "{unrelated}");
    }
}

#[test]
fn a_file_with_no_column_recognised_is_fatal_listing_the_canonical_names() {
    let r = batch(b"participant,site\np1,A\n", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("no column was recognised"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("urine_<sugar>, urine_volume"),
        "{}",
        r.stderr
    );
}

// ---- item 6: real exports ----------------------------------------------------------------------

/// The semicolon, decimal-comma export of a European lab.
const EUROPEAN: &str = "id;urine_lactulose [mg/L];urine_mannitol [mg/L];urine_volume [mL];lactulose_dose [g];mannitol_dose [g]\n\
                        a;9,21;72,9;1857;5;1\n";

/// Checks row 0 of the European export: 9.21 mg/L × 1.857 L = 17.10297 mg of 5000 mg =
/// 0.3420594 %; 72.9 mg/L × 1.857 L = 135.3753 mg of 1000 mg = 13.53753 %; L:M = 0.3420594 ÷
/// 13.53753 = (9.21 ÷ 72.9) × (1000 ÷ 5000) = 0.02526748971.
fn assert_european(stdout: &[u8]) {
    let t = Table::parse(stdout, b';');
    assert_relative_eq!(
        t.number(0, "lactulose_recovery_pct"),
        0.3420594,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct"),
        13.53753,
        max_relative = REL
    );
    assert_relative_eq!(
        t.number(0, "lm_ratio"),
        0.025267489711934,
        max_relative = REL
    );
    assert_eq!(t.cell(0, "error"), "");
}

#[test]
fn decimal_comma_flag_and_map_key_read_9_21_as_9_point_21() {
    let r = batch(
        EUROPEAN.as_bytes(),
        &["--delimiter", ";", "--decimal-comma"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_european(&r.stdout);
    // the input fields are written back as they were
    assert!(String::from_utf8_lossy(&r.stdout).contains("\na;9,21;72,9;1857;5;1;"));
    // the same with `decimal = ","` at the top of a column map
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.toml");
    std::fs::write(&map, "decimal = \",\"\n").unwrap();
    let r = batch(
        EUROPEAN.as_bytes(),
        &["--delimiter", ";", "--columns", map.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_european(&r.stdout);
    // any other separator in the map is refused
    std::fs::write(&map, "decimal = \"·\"\n").unwrap();
    let r = batch(EUROPEAN.as_bytes(), &["--columns", map.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("line 1: decimal = \"·\": expected \".\" or \",\""),
        "{}",
        r.stderr
    );
}

#[test]
fn with_decimal_commas_a_point_is_refused_never_read_as_a_thousands_separator() {
    // 1.857 in a decimal-comma file may be 1857 (thousands) or 1.857: refused, never guessed
    let input = "id;urine_volume [mL];vitamin_d [nmol/L]\na;1.857;<12,5\n";
    let r = batch(input.as_bytes(), &["--delimiter", ";", "--decimal-comma"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let t = Table::parse(&r.stdout, b';');
    assert!(
        t.cell(0, "error")
            .contains("value \"1.857\": a point in a number read with decimal commas"),
        "{}",
        t.cell(0, "error")
    );
    // the censored vitamin D still reads (<12.5 nmol/L), standing alone
    assert!(t.cell(0, "flags").contains("below_detection_limit"));
}

#[test]
fn without_the_option_a_decimal_comma_is_an_error_whose_advice_is_right() {
    let input = "id,urine_lactulose [mg/L],urine_volume [mL]\na,\"9,21\",\"1,857\"\nb,\"1,857,000\",\"1,857.5\"\n";
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let t = Table::parse(&r.stdout, b',');
    let a = t.cell(0, "error");
    assert!(
        a.contains("value \"9,21\": decimal comma (write \"9.21\" with a decimal point); a file written with decimal commas is read with --decimal-comma"),
        "{a}"
    );
    // three digits after one comma: both readings named, neither chosen
    assert!(
        a.contains("value \"1,857\": \"1,857\" is \"1.857\" with a decimal comma, or \"1857\" with a thousands separator: lmr does not guess"),
        "{a}"
    );
    let b = t.cell(1, "error");
    assert!(
        b.contains("value \"1,857,000\": thousands separators are not read: write \"1857000\""),
        "{b}"
    );
    assert!(
        b.contains("value \"1,857.5\": thousands separators are not read: write \"1857.5\""),
        "{b}"
    );
    // the one parser: `lmr check` says the same, without the batch-only option
    let (code, _, err) = check(&["--volume", "1,857 mL"]);
    assert_eq!(code, 3);
    assert!(
        err.contains("--volume \"1,857 mL\": \"1,857 mL\" is \"1.857 mL\" with a decimal comma, or \"1857 mL\" with a thousands separator"),
        "{err}"
    );
    // a leading zero is never a thousands group: 0,125 is a decimal comma
    assert_eq!(
        parse::volume("0,125 L", None).unwrap_err(),
        Problem::DecimalComma {
            suggestion: "0.125 L".into()
        }
    );
}

/// A tab-delimited export (a spreadsheet's "Unicode text"), CRLF line ends.
const TABBED: &str = "id\turine_lactulose [mg/L]\turine_mannitol [mg/L]\turine_volume [mL]\tlactulose_dose [g]\tmannitol_dose [g]\r\na\t20\t150\t1200\t5\t1\r\n";

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let b = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&b);
    }
    out
}

#[test]
fn utf16_with_a_byte_order_mark_is_read_little_and_big_endian() {
    for big_endian in [false, true] {
        let r = batch(&utf16(TABBED, big_endian), &["--delimiter", "tab"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let t = Table::parse(&r.stdout, b'\t');
        // 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %; 150 × 1.2 = 180 mg of 1000 mg = 18 %
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
        // the output is UTF-8, the fields as they were
        assert!(r.stdout.starts_with(b"id\turine_lactulose [mg/L]\t"));
    }
}

#[test]
fn utf16_without_a_byte_order_mark_is_refused_naming_the_encoding_and_the_fix() {
    let bytes: Vec<u8> = TABBED.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let r = batch(&bytes, &["--delimiter", "tab"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("the file looks like UTF-16LE without a byte-order mark"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("iconv -f UTF-16LE -t UTF-8"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_utf8_byte_order_mark_is_read_and_written_back() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(format!("{HEADER}\na,20,150,1200,5,1\n").as_bytes());
    let r = batch(&input, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(b"\xEF\xBB\xBFid,urine_lactulose"));
    let t = Table::parse(&r.stdout[3..], b',');
    assert_relative_eq!(t.number(0, "lm_ratio"), 0.48 / 18.0, max_relative = REL);
}

#[test]
fn a_cr_only_file_gets_right_line_numbers() {
    // line 1 header, 2 blank, 3–4 row 1 (a quoted field over two lines), 5 row 2, 6 blank,
    // 7 row 3
    let input = "id,urine_lactulose [mg/L],note\r\ra,x,\"two\rlines\"\rb,-1,z\r\rc,1e-400,\r";
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let t = Table::parse(&r.stdout, b',');
    assert!(
        t.cell(0, "error").starts_with("row 1 (line 3), "),
        "{}",
        t.cell(0, "error")
    );
    assert!(
        t.cell(1, "error").starts_with("row 2 (line 5), "),
        "{}",
        t.cell(1, "error")
    );
    assert!(
        t.cell(2, "error").starts_with("row 3 (line 7), "),
        "{}",
        t.cell(2, "error")
    );
    // the quoted field keeps its CR
    assert!(r.stdout.windows(10).any(|w| w == b"\"two\rlines"));
}

// ---- item 8: numbers at the edges --------------------------------------------------------------

#[test]
fn negative_zero_zero_limit_and_numbers_below_the_smallest_normal_double_are_errors() {
    // the one parser per field, so check, batch, sample files and Python agree
    assert_eq!(
        parse::concentration("-0 mg/L", None).unwrap_err(),
        Problem::NegativeZero
    );
    assert_eq!(
        parse::volume("-0.0 mL", None).unwrap_err(),
        Problem::NegativeZero
    );
    assert_eq!(
        parse::concentration("<0", Some(lmr::units::ConcentrationUnit::MgPerL)).unwrap_err(),
        Problem::ZeroLimit
    );
    assert_eq!(
        parse::concentration("<0 mg/L", None).unwrap_err(),
        Problem::ZeroLimit
    );
    // 1e-400 reads as 0 in Rust; 1e-310 is a subnormal: both refused, never read as 0
    for text in ["1e-400 mg/L", "1e-310 mg/L", "<1e-400 mg/L"] {
        assert_eq!(
            parse::concentration(text, None).unwrap_err(),
            Problem::Underflow,
            "{text}"
        );
    }
    assert_eq!(parse::age("1e-320", None).unwrap_err(), Problem::Underflow);
    assert_eq!(
        parse::dose("1e-400 g", None).unwrap_err(),
        Problem::Underflow
    );
    // 2.2250738585072014e-308 is the smallest normal double: read; a true zero is read
    assert!(parse::concentration("2.2250738585072014e-308 mg/L", None).is_ok());
    assert!(parse::concentration("0 mg/L", None).is_ok());
    assert!(parse::concentration("0e5 mg/L", None).is_ok());
    // through check (exit 3, the flag named) and batch (the cell named)
    let (code, _, err) = check(&["--vitamin-d", "-0 ng/mL"]);
    assert_eq!(code, 3);
    assert!(
        err.contains("--vitamin-d \"-0 ng/mL\": negative zero"),
        "{err}"
    );
    let (code, _, err) = check(&["--zonulin", "<0 ng/mL", "--zonulin-matrix", "serum"]);
    assert_eq!(code, 3);
    assert!(err.contains("a detection limit of 0 is no limit"), "{err}");
    let r = batch(format!("{HEADER}\na,1e-400,150,1200,5,1\n").as_bytes(), &[]);
    assert_eq!(r.code, 3);
    let t = Table::parse(&r.stdout, b',');
    assert!(t
        .cell(0, "error")
        .contains("value \"1e-400\": a nonzero number below 2.2250738585072014e-308"));
    // mannitol stands alone: 150 mg/L × 1.2 L = 180 mg of 1000 mg = 18 %
    assert_relative_eq!(
        t.number(0, "mannitol_recovery_pct"),
        18.0,
        max_relative = REL
    );
}

#[test]
fn an_overflowing_ratio_is_an_error_naming_both_inputs_never_an_empty_cell() {
    // lactulose 1e308 mg/L × 1.2 L ÷ 5000 mg × 100 = 2.4e306 %; mannitol 1e-300 mg/L × 1.2 L ÷
    // 1000 mg × 100 = 1.2e-301 %; the ratio 2.4e306 ÷ 1.2e-301 = 2e607 overflows (max 1.8e308)
    let r = batch(
        format!("{HEADER}\na,1e308,1e-300,1200,5,1\n").as_bytes(),
        &[],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let t = Table::parse(&r.stdout, b',');
    let e = t.cell(0, "error");
    assert!(
        e.contains("the lactulose : mannitol ratio is too large or too small to compute (lactulose recovery 2.4e+306 % ÷ mannitol recovery 1.2e-301 %): check the values and units of urine_lactulose and urine_mannitol"),
        "{e}"
    );
    assert_eq!(t.cell(0, "lm_ratio"), "");
    // without a volume (ratio from the dose ratio): (1e308 ÷ 1e-300) × (1000 ÷ 5000) overflows
    let r = batch(format!("{HEADER}\na,1e308,1e-300,,5,1\n").as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(Table::parse(&r.stdout, b',')
        .cell(0, "error")
        .contains("lactulose : mannitol ratio is too large or too small"));
    // underflow the other way: 1e-300 over 1e308
    let r = batch(
        format!("{HEADER}\na,1e-300,1e308,1200,5,1\n").as_bytes(),
        &[],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(Table::parse(&r.stdout, b',')
        .cell(0, "error")
        .contains("ratio is too large or too small"));
    // multi-sugar: lactulose : rhamnose
    let input = "id,urine_lactulose [mg/L],urine_rhamnose [mg/L],urine_volume [mL],lactulose_dose [g],rhamnose_dose [g]\na,1e308,1e-300,1200,5,1\n";
    let r = batch(input.as_bytes(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(Table::parse(&r.stdout, b',')
        .cell(0, "error")
        .contains("the lactulose : rhamnose ratio is too large or too small"));
    // check: exit 3 with the same words
    let (code, _, err) = check(&[
        "--lactulose",
        "1e308 mg/L",
        "--mannitol",
        "1e-300 mg/L",
        "--volume",
        "1.2 L",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("lactulose : mannitol ratio is too large or too small"),
        "{err}"
    );
}

#[test]
fn a_conversion_that_overflows_or_underflows_is_an_error_naming_the_input() {
    // 1e308 g/L = 1e311 mg/L: not a double
    let r = batch(
        format!("{HEADER}\na,1e308 g/L,150,1200,5,1\n").as_bytes(),
        &[],
    );
    let t = Table::parse(&r.stdout, b',');
    assert!(t.cell(0, "error").contains(
        "column \"urine_lactulose [mg/L]\", value \"1e308 g/L\": lactulose recovery is too large to compute"
    ), "{}", t.cell(0, "error"));
    // 1e-306 ng/mL = 1e-309 mg/L: below the smallest normal double once converted
    let r = batch(
        format!("{HEADER}\na,1e-306 ng/mL,150,1200,5,1\n").as_bytes(),
        &[],
    );
    let t = Table::parse(&r.stdout, b',');
    assert!(
        t.cell(0, "error")
            .contains("value \"1e-306 ng/mL\": lactulose recovery is too small to compute"),
        "{}",
        t.cell(0, "error")
    );
}

// ---- lmr check without --volume ----------------------------------------------------------------

#[test]
fn check_without_a_volume_gives_the_ratio_from_the_dose_ratio_as_batch_does() {
    // L:M = (C_L ÷ C_M) × (D_M ÷ D_L) = (20 ÷ 150) × (1000 ÷ 5000) = 0.02666…
    let args = [
        "--lactulose",
        "20 mg/L",
        "--mannitol",
        "150 mg/L",
        "--lactulose-dose",
        "5 g",
        "--mannitol-dose",
        "1 g",
        "--format",
        "json",
    ];
    let (code, out, err) = check(&args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_relative_eq!(
        v["lm_ratio"].as_f64().unwrap(),
        20.0 / 150.0 * 0.2,
        max_relative = REL
    );
    assert!(v["lactulose_recovery_pct"].is_null());
    let caveats: Vec<&str> = v["caveats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(caveats.contains(&"ratio_without_recoveries"), "{caveats:?}");
    // batch gives the same ratio for the same row
    let r = batch(format!("{HEADER}\na,20,150,,5,1\n").as_bytes(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_relative_eq!(
        Table::parse(&r.stdout, b',').number(0, "lm_ratio"),
        v["lm_ratio"].as_f64().unwrap(),
        max_relative = REL
    );
    // the text report shows the ratio
    let (code, text, _) = check(&args[..8]);
    assert_eq!(code, 0);
    assert!(text.contains("L:M ratio 0.02667"), "{text}");
    // a lone sugar without a volume still needs one (it gives nothing)
    let (code, _, err) = check(&["--lactulose", "20 mg/L", "--lactulose-dose", "5 g"]);
    assert_eq!(code, 3);
    assert!(
        err.contains("a recovery needs the urine volume: add --volume"),
        "{err}"
    );
}

#[test]
fn cohort_commands_read_decimal_commas_and_warn_as_batch_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    std::fs::write(
        &path,
        "id;urine_lactulose [mg/L];urine_mannitol [mg/L];urine_volume [mL];lactulose_dose [g];mannitol_dose [g];Zonulin (ng/mL)\na;20,5;150;1200;5;1;40\n",
    )
    .unwrap();
    let out = lmr()
        .args(["summary", path.to_str().unwrap()])
        .args(["--delimiter", ";", "--decimal-comma", "--format", "csv"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // L:M = (20.5 ÷ 150) × (1000 ÷ 5000) = 0.02733333333 (the median of one row)
    assert!(stdout.contains(",0.02733333333,"), "{stdout}");
    assert!(
        stderr.contains("lmr: warning: column 7 (\"Zonulin (ng/mL)\") is not read: it looks like zonulin; name it `zonulin [ng/mL]`"),
        "{stderr}"
    );
}
