//! Issue 8, `lmr summary` (library side): per-group medians and IQRs against hand-computed
//! values, grouping, class and flag counts, censored values, zonulin never pooled across matrix
//! or unit, the text / JSON / CSV forms, and the HTML page (self-contained, every range drawn,
//! the caveat texts).
//!
//! Every sample below has 1 L of urine and doses 5 g lactulose / 1 g mannitol unless said, so by
//! hand: lactulose recovery % = C_L (mg/L) × 1 L ÷ 5000 mg × 100 = C_L ÷ 50, and mannitol
//! recovery % = C_M ÷ 10 (doses 2 g: C_M ÷ 20).

use std::sync::OnceLock;

use approx::assert_relative_eq;
use lmr::caveat::Caveat;
use lmr::flag::Flag;
use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
use lmr::recovery::UrineResult;
use lmr::reference::{Matrix, Registry};
use lmr::sugar::Sugar;
use lmr::summary::{html, svg_figures, Format, HtmlOptions, Summary};
use lmr::units::{Concentration, ConcentrationUnit};
use lmr::vitamin_d::{VitaminD, VitaminDForm};
use lmr::zonulin::{Zonulin, ZonulinUnit};
use serde_json::Value;

/// Relative tolerance for values computed through recoveries (a few roundings).
// Written numbers carry 10 significant digits (lmr::number::DIGITS): compared to 1e-9.
const REL: f64 = 1e-9;

fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(|| Registry::builtin().expect("shipped range files load"))
}

fn mg_l(x: f64) -> Concentration {
    Concentration::new(x, ConcentrationUnit::MgPerL).expect("valid concentration")
}

/// A 5 g / 1 g, 5 h adult sample (no verified L:M range applies).
fn adult(lactulose: f64, mannitol: f64) -> Sample {
    let mut s = Sample::default();
    s.set_urine(Sugar::Lactulose, mg_l(lactulose));
    s.set_urine(Sugar::Mannitol, mg_l(mannitol));
    s.urine_volume = Some("1 L".parse().unwrap());
    s.set_dose(Sugar::Lactulose, "5 g".parse().unwrap());
    s.set_dose(Sugar::Mannitol, "1 g".parse().unwrap());
    s.protocol.collection = Some("5 h".parse().unwrap());
    s.protocol.age = Some("40 y".parse().unwrap());
    s
}

/// A Dutch SAT (hyperosmolar: 5 g / 2 g + 40 g sucrose, 5 h) sample: classified by
/// `dutch-sat-hyperosmolar-5h` (within: L:M ≤ 0.089).
fn dutch(lactulose: f64, mannitol: f64) -> Sample {
    let mut s = Sample::default();
    s.protocol
        .fill_from(registry().protocol("dutch-sat-hyperosmolar").unwrap());
    s.set_urine(Sugar::Lactulose, mg_l(lactulose));
    s.set_urine(Sugar::Mannitol, mg_l(mannitol));
    s.urine_volume = Some("1 L".parse().unwrap());
    s
}

struct Fixture {
    interpreter: Interpreter<'static>,
    summary: Summary,
    out: Interpretation<'static>,
}

impl Fixture {
    fn new(by: &[&str], options: &Options) -> Fixture {
        let interpreter = Interpreter::new(registry(), options).expect("options valid");
        let summary = Summary::new(by, &interpreter, registry());
        Fixture {
            interpreter,
            summary,
            out: Interpretation::default(),
        }
    }

    fn add(&mut self, group: &[&str], sample: &Sample) {
        match self.interpreter.interpret(sample, &mut self.out) {
            Ok(()) => self.summary.add(group, Some(&self.out), false),
            Err(_) => self.summary.add(group, None, true),
        }
    }
}

#[test]
fn medians_and_iqr_by_hand() {
    let mut f = Fixture::new(&["site"], &Options::default());
    // Lactulose 10, 20, 30, 40, 100 mg/L → 0.2, 0.4, 0.6, 0.8, 2.0 %; mannitol 100..500 mg/L →
    // 10, 20, 30, 40, 50 %. Type 7, n = 5: h = 4p → Q1 = x[1], median = x[2], Q3 = x[3].
    // R: quantile(c(0.2, 0.4, 0.6, 0.8, 2.0)) → 0.4, 0.6, 0.8.
    for (l, m) in [
        (10.0, 100.0),
        (20.0, 200.0),
        (30.0, 300.0),
        (40.0, 400.0),
        (100.0, 500.0),
    ] {
        f.add(&["A"], &adult(l, m));
    }
    let g = f.summary.group(&["A"]).unwrap();
    assert_eq!(g.rows(), 5);
    let q = g.lactulose_recovery().quartiles().unwrap();
    assert_relative_eq!(q.q1, 0.4, max_relative = REL);
    assert_relative_eq!(q.median, 0.6, max_relative = REL);
    assert_relative_eq!(q.q3, 0.8, max_relative = REL);
    let q = g.mannitol_recovery().quartiles().unwrap();
    assert_relative_eq!(q.median, 30.0, max_relative = REL);
    assert_relative_eq!(q.iqr(), 20.0, max_relative = REL);
    // Ratios 0.02, 0.02, 0.02, 0.02, 0.04: median 0.02, Q3 0.02.
    let q = g.lm_ratio().quartiles().unwrap();
    assert_relative_eq!(q.median, 0.02, max_relative = REL);
    assert_relative_eq!(q.q3, 0.02, max_relative = REL);

    // An even n interpolates: add 0.5 % (25 mg/L) to a new group with 0.2 and 0.4 and 1.0:
    // sorted 0.2, 0.4, 0.5, 1.0; h = 3p: Q1 h = 0.75 → 0.2 + 0.75·0.2 = 0.35;
    // median h = 1.5 → 0.45; Q3 h = 2.25 → 0.5 + 0.25·0.5 = 0.625 (R gives the same).
    for l in [10.0, 20.0, 25.0, 50.0] {
        f.add(&["B"], &adult(l, 100.0));
    }
    let q = f
        .summary
        .group(&["B"])
        .unwrap()
        .lactulose_recovery()
        .quartiles()
        .unwrap();
    assert_relative_eq!(q.q1, 0.35, max_relative = REL);
    assert_relative_eq!(q.median, 0.45, max_relative = REL);
    assert_relative_eq!(q.q3, 0.625, max_relative = REL);
}

#[test]
fn groups_are_kept_apart_and_sorted() {
    let mut f = Fixture::new(&["site", "sex"], &Options::default());
    f.add(&["B", "F"], &adult(10.0, 100.0));
    f.add(&["A", "M"], &adult(20.0, 100.0));
    f.add(&["A", "F"], &adult(30.0, 100.0));
    f.add(&["A", "F"], &adult(50.0, 100.0));
    f.summary.add(&["A", "F"], None, true);
    let keys: Vec<Vec<String>> = f.summary.groups().map(|(k, _)| k.to_vec()).collect();
    assert_eq!(
        keys,
        vec![
            vec!["A".to_string(), "F".into()],
            vec!["A".into(), "M".into()],
            vec!["B".into(), "F".into()]
        ]
    );
    let af = f.summary.group(&["A", "F"]).unwrap();
    assert_eq!(af.rows(), 3);
    assert_eq!(af.rows_with_error(), 1);
    // 0.6 % and 1.0 %: median 0.8
    assert_relative_eq!(
        af.lactulose_recovery().quartiles().unwrap().median,
        0.8,
        max_relative = REL
    );
    assert_eq!(f.summary.group(&["A", "M"]).unwrap().rows(), 1);
    assert!(f.summary.group(&["C", "F"]).is_none());
    assert_eq!(f.summary.rows(), 5);
    assert_eq!(
        f.summary.group_label(&["A".into(), "F".into()]),
        "site=A, sex=F"
    );
}

#[test]
fn an_error_row_counts_but_its_result_is_not_used() {
    let mut f = Fixture::new(&[], &Options::default());
    f.add(&[], &adult(10.0, 100.0));
    let mut zero_dose = adult(10.0, 100.0);
    zero_dose.set_dose(Sugar::Mannitol, "0 g".parse().unwrap());
    f.add(&[], &zero_dose); // cannot be interpreted
    let out = f.out.clone();
    f.summary.add(&[], Some(&out), true); // errored wins over a stale result
    let g = f.summary.group(&[]).unwrap();
    assert_eq!((g.rows(), g.rows_with_error()), (3, 2));
    assert_eq!(g.lactulose_recovery().n_exact(), 1);
    assert_eq!(f.summary.group_label(&[]), "all rows");
}

#[test]
fn class_and_flag_counts() {
    let mut f = Fixture::new(&[], &Options::default());
    // Dutch SAT: L% = C_L/50, M% = C_M/20. 30/200 → 0.6 % / 10 % = 0.06 (within, ≤ 0.089);
    // 60/200 → 1.2 / 10 = 0.12 (above); 88.9/400 → 1.778 / 20 = 0.0889 (within, and
    // near_boundary: within 0.2 % of 0.089).
    f.add(&[], &dutch(30.0, 200.0));
    f.add(&[], &dutch(60.0, 200.0));
    f.add(&[], &dutch(88.9, 400.0));
    // 5 g / 1 g: unclassified; lactulose 2 % > mannitol 1 % → lactulose_exceeds_mannitol, and
    // mannitol 1 % < 8 % → low_mannitol_recovery.
    f.add(&[], &adult(100.0, 10.0));
    // Both sugars below the limit: below_detection_limit raised twice, counted once.
    let mut both = adult(10.0, 100.0);
    both.urine.set(
        Sugar::Lactulose,
        Some(UrineResult::BelowLimit(Some(mg_l(0.5)))),
    );
    both.urine.set(
        Sugar::Mannitol,
        Some(UrineResult::BelowLimit(Some(mg_l(1.0)))),
    );
    f.add(&[], &both);
    let g = f.summary.group(&[]).unwrap();
    assert_eq!(g.class_count("lm_class", "within"), 2);
    assert_eq!(g.class_count("lm_class", "above"), 1);
    assert_eq!(g.class_count("lm_class", "unclassified"), 1);
    let lm: Vec<(Option<&str>, &str, u64)> = g
        .classes()
        .filter(|(k, _)| k.column == "lm_class")
        .map(|(k, n)| (k.range.as_deref(), k.class.as_str(), n))
        .collect();
    // ordered by range, then band order (within before above)
    assert_eq!(
        lm,
        vec![
            (Some("dutch-sat-hyperosmolar-5h"), "within", 2),
            (Some("dutch-sat-hyperosmolar-5h"), "above", 1),
            (None, "unclassified", 1),
        ]
    );
    assert_eq!(g.lm_ranges(), &["dutch-sat-hyperosmolar-5h".to_string()]);
    assert_eq!(g.flag_count(Flag::LactuloseExceedsMannitol), 1);
    assert_eq!(g.flag_count(Flag::LowMannitolRecovery), 1);
    assert_eq!(g.flag_count(Flag::NearBoundary), 1);
    assert_eq!(g.flag_count(Flag::BelowDetectionLimit), 1);
    assert_eq!(g.flag_count(Flag::RecoveryOver100), 0);
    // flags come in Flag::ALL order
    let order: Vec<Flag> = g.flags().map(|(fl, _)| fl).collect();
    let mut sorted = order.clone();
    sorted.sort_by_key(|fl| Flag::ALL.iter().position(|x| x == fl));
    assert_eq!(order, sorted);
}

#[test]
fn vitamin_d_classes_per_scheme() {
    let options = Options {
        vitamin_d_schemes: vec!["iom-2011".into(), "endocrine-2011".into()],
        ..Options::default()
    };
    let mut f = Fixture::new(&[], &options);
    for v in ["20 nmol/L", "40 nmol/L", "60 nmol/L", "60 nmol/L"] {
        let s = Sample {
            vitamin_d: Some(VitaminD::new(v.parse().unwrap(), VitaminDForm::D3).unwrap()),
            ..Sample::default()
        };
        f.add(&[], &s);
    }
    let g = f.summary.group(&[]).unwrap();
    // IOM 2011: < 30 at risk of deficiency, 30–< 50 inadequacy, 50–125 sufficient
    assert_eq!(
        g.class_count("vitamin_d_class_iom_2011", "at_risk_of_deficiency"),
        1
    );
    assert_eq!(
        g.class_count("vitamin_d_class_iom_2011", "at_risk_of_inadequacy"),
        1
    );
    assert_eq!(g.class_count("vitamin_d_class_iom_2011", "sufficient"), 2);
    let columns: Vec<&str> = g.classes().map(|(k, _)| k.column.as_str()).collect();
    let first_endocrine = columns
        .iter()
        .position(|c| *c == "vitamin_d_class_endocrine_2011")
        .unwrap();
    assert!(columns[..first_endocrine]
        .iter()
        .all(|c| *c == "vitamin_d_class_iom_2011"));
    // nmol/L median of 20, 40, 60, 60: h = 1.5 → 50
    assert_relative_eq!(
        g.vitamin_d().quartiles().unwrap().median,
        50.0,
        max_relative = REL
    );
    // endocrine-2011 is in ng/mL: its values are kept in its own unit
    let ng = g
        .vitamin_d_in_scheme(1)
        .unwrap()
        .quartiles()
        .unwrap()
        .median;
    assert_relative_eq!(ng, 50.0 * 400.64 / 1000.0, max_relative = 1e-9);
}

#[test]
fn censored_values_are_counted_apart_not_used_as_exact() {
    let mut f = Fixture::new(&[], &Options::default());
    for l in [10.0, 20.0, 30.0] {
        f.add(&[], &adult(l, 100.0));
    }
    // lactulose <0.5 mg/L → recovery < 0.01 %, ratio < 0.001
    let mut below = adult(0.0, 100.0);
    below.urine.set(
        Sugar::Lactulose,
        Some(UrineResult::BelowLimit(Some(mg_l(0.5)))),
    );
    f.add(&[], &below);
    f.add(&[], &below);
    // mannitol <1 mg/L → mannitol < 0.1 %, ratio > 0.2 / 0.1
    let mut m_below = adult(10.0, 0.0);
    m_below.urine.set(
        Sugar::Mannitol,
        Some(UrineResult::BelowLimit(Some(mg_l(1.0)))),
    );
    f.add(&[], &m_below);
    let g = f.summary.group(&[]).unwrap();
    let l = g.lactulose_recovery();
    assert_eq!(
        (l.n_exact(), l.n_below_limit(), l.n_above_limit()),
        (4, 2, 0)
    );
    // exact 0.2, 0.4, 0.6, 0.2 → sorted 0.2, 0.2, 0.4, 0.6: median 0.3 (the two <0.01 % are
    // not taken as 0.01 or 0)
    assert_relative_eq!(l.quartiles().unwrap().median, 0.3, max_relative = REL);
    let r = g.lm_ratio();
    assert_eq!(
        (r.n_exact(), r.n_below_limit(), r.n_above_limit()),
        (3, 2, 1)
    );
    assert_eq!(g.mannitol_recovery().n_below_limit(), 1);
    // the censored rows give no scatter point
    assert_eq!(g.recovery_pairs().len(), 3);
    let text = f.summary.to_text();
    assert!(text.contains("n <limit"), "{text}");
    assert!(text.contains("excluded from the median"), "{text}");
}

#[test]
fn zonulin_is_never_pooled_across_matrix_or_unit() {
    let mut f = Fixture::new(&[], &Options::default());
    let z = |v: f64, u: ZonulinUnit, m: Matrix| Sample {
        zonulin: Some(Zonulin::new(v, u, m).unwrap()),
        ..Sample::default()
    };
    f.add(&[], &z(40.0, ZonulinUnit::NgPerMl, Matrix::Serum));
    f.add(&[], &z(60.0, ZonulinUnit::NgPerMl, Matrix::Serum));
    f.add(&[], &z(100.0, ZonulinUnit::NgPerMl, Matrix::Stool));
    f.add(&[], &z(50.0, ZonulinUnit::UgPerL, Matrix::Serum));
    f.add(&[], &z(300.0, ZonulinUnit::NgPerG, Matrix::Stool));
    let g = f.summary.group(&[]).unwrap();
    let parts: Vec<(Matrix, ZonulinUnit, usize, f64)> = g
        .zonulin()
        .iter()
        .map(|z| {
            (
                z.matrix,
                z.unit,
                z.values.n_exact(),
                z.values.quartiles().unwrap().median,
            )
        })
        .collect();
    assert_eq!(
        parts,
        vec![
            (Matrix::Serum, ZonulinUnit::NgPerMl, 2, 50.0),
            (Matrix::Stool, ZonulinUnit::NgPerMl, 1, 100.0),
            (Matrix::Serum, ZonulinUnit::UgPerL, 1, 50.0),
            (Matrix::Stool, ZonulinUnit::NgPerG, 1, 300.0),
        ]
    );
    assert_eq!(g.class_count("zonulin_class", "unclassified"), 5);
    let json: Value = serde_json::from_str(&f.summary.to_json()).unwrap();
    let zs: Vec<(String, String)> = json["groups"][0]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["measure"] == "zonulin")
        .map(|m| {
            (
                m["matrix"].as_str().unwrap().to_string(),
                m["unit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        zs,
        vec![
            ("serum".into(), "ng/mL".into()),
            ("stool".into(), "ng/mL".into()),
            ("serum".into(), "µg/L".into()),
            ("stool".into(), "ng/g".into()),
        ]
    );
}

#[test]
fn text_json_and_csv_forms() {
    let mut f = Fixture::new(&["site"], &Options::default());
    for l in [10.0, 20.0, 30.0] {
        f.add(&["A"], &adult(l, 100.0));
    }
    f.add(&["B,2"], &dutch(30.0, 200.0));
    f.summary.add(&["B,2"], None, true);

    let text = f.summary.render(Format::Text);
    for needle in [
        "Summary of 5 row(s) in 2 group(s) by site",
        "site=A: 3 row(s), 0 with errors",
        "site=B,2: 2 row(s), 1 with errors",
        "lactulose recovery (% of dose)",
        "25(OH)D (nmol/L)",
        "Hyndman–Fan type 7",
        "dutch-sat-hyperosmolar-5h",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
    // aligned: every line of a table block starts its `n exact` column at the same place
    let header = text.lines().find(|l| l.contains("measure (unit)")).unwrap();
    let col = header.find("n exact").unwrap() + "n exact".len();
    let row = text
        .lines()
        .find(|l| l.contains("mannitol recovery (% of dose)"))
        .unwrap();
    assert_eq!(&row[col - 1..col], "3", "{header}\n{row}");

    let json: Value = serde_json::from_str(&f.summary.render(Format::Json)).unwrap();
    assert_eq!(json["by"][0], "site");
    let a = &json["groups"][0];
    assert_eq!(a["key"]["site"], "A");
    assert_eq!(a["rows"], 3);
    let lac = &a["measures"][0];
    assert_eq!(lac["measure"], "lactulose_recovery_pct");
    assert_eq!(lac["unit"], "%");
    assert_relative_eq!(lac["median"].as_f64().unwrap(), 0.4, max_relative = REL);
    assert_relative_eq!(lac["q1"].as_f64().unwrap(), 0.3, max_relative = REL);
    assert!(a["measures"][3]["median"].is_null()); // no vitamin D
    assert_eq!(json["groups"][1]["rows_with_error"], 1);

    let csv_text = f.summary.render(Format::Csv);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "site");
    assert_eq!(&headers[1], "kind");
    assert_eq!(headers.len(), 13);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let find = |site: &str, kind: &str, var: &str, class: &str| {
        rows.iter()
            .find(|r| &r[0] == site && &r[1] == kind && &r[2] == var && &r[5] == class)
            .unwrap_or_else(|| panic!("no row {site} {kind} {var} {class}:\n{csv_text}"))
    };
    assert_eq!(&find("A", "rows", "rows", "")[7], "3");
    assert_eq!(&find("B,2", "rows", "rows_with_error", "")[7], "1");
    let m = find("A", "measure", "lactulose_recovery_pct", "");
    assert_eq!(&m[6], "%");
    assert_relative_eq!(m[10].parse::<f64>().unwrap(), 0.4, max_relative = REL);
    let c = find("B,2", "class", "lm_class", "within");
    assert_eq!(&c[4], "dutch-sat-hyperosmolar-5h");
    assert_eq!(&c[7], "1");
    assert!("csv".parse::<Format>().is_ok());
    assert!("xml".parse::<Format>().is_err());
}

/// A small cohort with two L:M ranges seen, an explicit range, vitamin D and zonulin.
fn cohort(options: &Options) -> Fixture {
    let mut f = Fixture::new(&["site"], options);
    for i in 0..30 {
        let x = 1.0 + i as f64 / 10.0;
        f.add(&["A"], &adult(10.0 * x, 120.0 + 5.0 * i as f64));
        let mut d = dutch(20.0 * x, 150.0 + 4.0 * i as f64);
        let vd = Concentration::new(20.0 + 3.0 * i as f64, ConcentrationUnit::NmolPerL).unwrap();
        d.vitamin_d = Some(VitaminD::new(vd, VitaminDForm::Total).unwrap());
        d.zonulin =
            Some(Zonulin::new(30.0 + i as f64, ZonulinUnit::NgPerMl, Matrix::Serum).unwrap());
        f.add(&["B"], &d);
    }
    f
}

#[test]
fn html_is_self_contained_and_shows_every_range_and_caveat() {
    let options = Options {
        lm_range: None,
        ..Options::default()
    };
    let f = cohort(&options);
    let page = html(&f.summary, &HtmlOptions::default());
    assert!(page.starts_with("<!DOCTYPE html>"));
    for forbidden in [
        "http://", "https://", "<script", "<link", "src=", "url(", "@import",
    ] {
        assert!(!page.contains(forbidden), "page contains {forbidden:?}");
    }
    assert_eq!(page.matches("<svg").count(), 3, "three figures");
    for id in [
        "dutch-sat-hyperosmolar-5h",
        "mannitol-recovery-healthy-adults-oral",
        "iom-2011",
    ] {
        assert!(page.contains(id), "{id} not drawn");
    }
    // the L:M bound is drawn at 0.089 with its id
    assert!(page.contains("dutch-sat-hyperosmolar-5h = 0.089"));
    // every caveat the rows carried, with its text (HTML-escaped)
    let caveats: Vec<Caveat> = f.summary.caveats().collect();
    assert!(caveats.contains(&Caveat::SugarTestGeneral));
    assert!(caveats.contains(&Caveat::ZonulinGeneral));
    for c in caveats {
        assert!(page.contains(c.code()));
        // a standing code keeps every text it gathers (lm_ratio_not_diagnostic, …)
        let one = [c];
        let texts = if c.parts().is_empty() {
            &one[..]
        } else {
            c.parts()
        };
        for t in texts {
            assert!(page.contains(&lmr::summary::html::escape(t.text())), "{t}");
        }
    }
    // the title describes the measurement
    assert!(page.contains("<h1>Lactulose–mannitol test results"));
    for word in ["leaky gut syndrome</h1>", "diagnosis</h1>"] {
        assert!(!page.to_lowercase().contains(word));
    }
}

#[test]
fn html_draws_an_explicit_range_in_every_group() {
    let options = Options {
        lm_range: Some("catassi-1997-children".into()),
        ..Options::default()
    };
    let f = cohort(&options);
    assert_eq!(f.summary.lm_explicit().unwrap().id, "catassi-1997-children");
    let figures = svg_figures(&f.summary, &HtmlOptions::default());
    let lm = figures
        .iter()
        .find(|f| f.file_name == "lm-ratio.svg")
        .unwrap();
    // two panels (A, B), each with the chosen range's bound 0.044
    assert_eq!(
        lm.svg
            .matches("catassi-1997-children (chosen) = 0.044")
            .count(),
        2
    );
    assert!(lm.caption.contains("chosen explicitly"));
    // a standalone file keeps its namespace
    assert!(lm.svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
}

#[test]
fn scatter_is_subsampled_and_says_so() {
    let f = cohort(&Options::default());
    let options = HtmlOptions {
        max_scatter_points: 10,
        ..HtmlOptions::default()
    };
    let figures = svg_figures(&f.summary, &options);
    let scatter = figures
        .iter()
        .find(|f| f.file_name == "recoveries.svg")
        .unwrap();
    // 60 rows with both recoveries exact
    assert!(
        scatter.caption.contains("Drawn: 10 of 60 points"),
        "{}",
        scatter.caption
    );
    // 10 points plus one legend marker per group
    assert_eq!(scatter.svg.matches("<circle").count(), 10 + 2);
    assert!(scatter.caption.contains("8–39.6 %"), "{}", scatter.caption);
}

#[test]
fn zero_ratios_are_skipped_on_the_log_axis_and_counted() {
    let mut f = Fixture::new(&[], &Options::default());
    f.add(&[], &adult(10.0, 100.0));
    f.add(&[], &adult(0.0, 100.0)); // lactulose 0 mg/L: ratio exactly 0
    let figures = svg_figures(&f.summary, &HtmlOptions::default());
    let lm = figures
        .iter()
        .find(|f| f.file_name == "lm-ratio.svg")
        .unwrap();
    assert!(
        lm.svg.contains("1 ratios drawn, 1 ≤ 0 not drawn"),
        "{}",
        lm.svg
    );
    let scatter = figures
        .iter()
        .find(|f| f.file_name == "recoveries.svg")
        .unwrap();
    assert!(scatter
        .caption
        .contains("1 pair(s) with a recovery ≤ 0 not drawn"));
}

#[test]
fn an_empty_summary_gives_a_page_without_figures() {
    let f = Fixture::new(&[], &Options::default());
    let page = html(&f.summary, &HtmlOptions::default());
    assert!(!page.contains("<svg"));
    assert!(page.contains("No row carried a caveat."));
    assert!(svg_figures(&f.summary, &HtmlOptions::default()).is_empty());
    assert!(f
        .summary
        .to_text()
        .contains("Summary of 0 row(s) in 0 group(s)"));
    let json: Value = serde_json::from_str(&f.summary.to_json()).unwrap();
    assert_eq!(json["groups"].as_array().unwrap().len(), 0);
}
