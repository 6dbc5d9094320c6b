//! z-scores against hand-computed tables; derivation on reference groups whose mean and SD are
//! known by construction; the write → load round-trip.

use approx::assert_relative_eq;

use lmr::analyte::{Analyte, RangeUnit};
use lmr::flag::Flag;
use lmr::protocol::Sex;
use lmr::reference::{load_zscore_tables, Registry};
use lmr::source::Verification;
use lmr::units::{Age, AgeUnit};
use lmr::zscore::*;

/// An age in years (every age here is a whole or decimal number of years).
fn y(years: f64) -> Option<Age> {
    Some(Age::new(years, AgeUnit::Years).unwrap())
}

/// The synthetic example table shipped for the docs (examples/zscore-reference-example.toml).
const EXAMPLE: &str = include_str!("../examples/zscore-reference-example.toml");

/// ln(0.05), to full precision.
const LN_0_05: f64 = -2.995732273553991;

fn example() -> Registry {
    let mut r = Registry::default();
    r.add_text("example.toml", EXAMPLE, true)
        .expect("example loads");
    r
}

fn table(text: &str) -> ZscoreTable {
    let mut r = Registry::default();
    r.add_text("t.toml", text, true).expect("loads");
    r.zscore_tables()[0].clone()
}

fn header(id: &str, analyte: &str, unit: &str, scale: &str) -> String {
    format!(
        "[[zscore_table]]\nid = \"{id}\"\nanalyte = \"{analyte}\"\nunit = \"{unit}\"\nscale = \"{scale}\"\ntitle = \"t\"\n\
         [zscore_table.source]\ncitation = \"c\"\nquote = \"q\"\nstatus = \"local\"\n"
    )
}

fn cell(sex: &str, from: f64, below: f64, mean: f64, sd: f64) -> String {
    format!(
        "[[zscore_table.cell]]\nsex = \"{sex}\"\nage_years = {{ from = {from:?}, below = {below:?} }}\nmean = {mean:?}\nsd = {sd:?}\nn = 40\n"
    )
}

// --- z against a table computed by hand ------------------------------------------------------

#[test]
fn z_by_sex_on_the_ln_scale_matches_hand_arithmetic() {
    let r = example();
    let t = r.zscore_table("example-synthetic-lmz").expect("loaded");
    assert_eq!(t.scale(), Scale::Ln);
    assert!(t.is_by_sex());
    assert_relative_eq!(0.05f64.ln(), LN_0_05, max_relative = 1e-15);
    // female, 2 y: (−2.995732 − (−3.2)) / 0.5 = 0.204268 / 0.5 = 0.408535
    let z = t.z(0.05, Some(Sex::Female), y(2.0)).unwrap();
    assert_relative_eq!(z.z, 0.408_535_452_892_018_6, max_relative = 1e-12);
    assert_relative_eq!(z.transformed, LN_0_05, max_relative = 1e-15);
    assert_eq!((z.cell.mean(), z.cell.sd(), z.cell.n()), (-3.2, 0.5, 40));
    // male, 2 y: (−2.995732 − (−3.0)) / 0.6 = 0.004268 / 0.6 = 0.007113
    let z = t.z(0.05, Some(Sex::Male), y(2.0)).unwrap();
    assert_relative_eq!(z.z, 0.007_112_877_410_015_243, max_relative = 1e-9);
    // male, 5 y: (−2.995732 − (−3.3)) / 0.45 = 0.304268 / 0.45 = 0.676151
    let z = t.z(0.05, Some(Sex::Male), y(5.0)).unwrap();
    assert_relative_eq!(z.z, 0.676_150_503_213_353_2, max_relative = 1e-12);
}

#[test]
fn age_bands_are_half_open() {
    let r = example();
    let t = r.zscore_table("example-synthetic-lmz").expect("loaded");
    // 4.0 y is in [4, 7), not [0, 4): (−2.995732 − (−3.5)) / 0.4 = 0.504268 / 0.4 = 1.260669
    let z = t.z(0.05, Some(Sex::Female), y(4.0)).unwrap();
    assert_relative_eq!(z.z, 1.260_669_316_115_022_9, max_relative = 1e-12);
    assert_eq!(z.cell.age(), AgeBand::new(4.0, 7.0).unwrap());
    // just below the edge: still [0, 4)
    let z = t.z(0.05, Some(Sex::Female), y(3.999_999)).unwrap();
    assert_relative_eq!(z.z, 0.408_535_452_892_018_6, max_relative = 1e-12);
    // 0 is in [0, 4) (lower end inclusive)
    assert!(t.z(0.05, Some(Sex::Female), y(0.0)).is_ok());
}

#[test]
fn ages_outside_the_table_get_no_z_and_the_flag() {
    let r = example();
    let t = r.zscore_table("example-synthetic-lmz").expect("loaded");
    // 7.0 y: [4, 7) excludes 7, and nothing is extrapolated
    let e = t.z(0.05, Some(Sex::Male), y(7.0)).unwrap_err();
    assert_eq!(
        e,
        NoZscore::AgeOutsideReference {
            age: "7 y".parse().unwrap(),
            sex: Some(Sex::Male),
            span: Some(AgeBand::new(0.0, 7.0).unwrap())
        }
    );
    assert_eq!(e.code(), "age_outside_reference");
    assert_eq!(e.flag(), Some(Flag::AgeOutsideReference));
    assert_eq!(Flag::AgeOutsideReference.code(), "age_outside_reference");
    assert_eq!(
        e.to_string(),
        "age 7 y is outside the reference table (its bands for male cover 0 ≤ age < 7 y); not extrapolated"
    );
    // a negative age is no age: it cannot be made, so it never reaches a table
    let e = Age::new(-0.5, AgeUnit::Years).unwrap_err();
    assert!(matches!(e, lmr::units::UnitError::Negative { .. }), "{e:?}");
    let e = t.z(0.05, Some(Sex::Female), None).unwrap_err();
    assert_eq!(e, NoZscore::AgeNotGiven);
    assert_eq!(e.flag(), None);
}

#[test]
fn ln_of_zero_negative_and_non_finite_values_give_no_z() {
    let r = example();
    let t = r.zscore_table("example-synthetic-lmz").expect("loaded");
    for x in [0.0, -0.0, -0.01] {
        let e = t.z(x, Some(Sex::Female), y(2.0)).unwrap_err();
        assert_eq!(e.code(), "value_not_positive", "{x}");
        assert_eq!(e.flag(), None);
    }
    assert_eq!(
        t.z(0.0, Some(Sex::Female), y(2.0)).unwrap_err().to_string(),
        "value 0 is not positive, so it has no logarithm (the reference table is on the ln scale)"
    );
    for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = t.z(x, Some(Sex::Female), y(2.0)).unwrap_err();
        assert_eq!(e.code(), "value_not_finite");
    }
    // the smallest positive double has a logarithm: a z, however extreme
    assert!(t
        .z(f64::MIN_POSITIVE, Some(Sex::Female), y(2.0))
        .is_ok_and(|z| z.z.is_finite()));
}

#[test]
fn a_table_by_sex_needs_the_sex() {
    let r = example();
    let t = r.zscore_table("example-synthetic-lmz").expect("loaded");
    let e = t.z(0.05, None, y(2.0)).unwrap_err();
    assert_eq!(
        e,
        NoZscore::SexNotGiven {
            age: "2 y".parse().unwrap()
        }
    );
    assert_eq!(
        e.to_string(),
        "sex not given (the reference table is by sex at age 2 y)"
    );
    assert_eq!(e.code(), "sex_not_given");
    // a table with female cells only has nothing for a boy
    let t =
        table(&(header("girls", "lm_ratio", "ratio", "ln") + &cell("female", 0.0, 4.0, -3.2, 0.5)));
    let e = t.z(0.05, Some(Sex::Male), y(2.0)).unwrap_err();
    assert_eq!(e.code(), "sex_outside_reference");
    assert_eq!(
        e.to_string(),
        "the reference table has no male cell at age 2 y"
    );
}

#[test]
fn a_pooled_linear_table_ignores_sex() {
    let r = example();
    let t = r
        .zscore_table("example-synthetic-lactulose-z")
        .expect("loaded");
    assert!(!t.is_by_sex());
    assert_eq!(t.unit(), RangeUnit::Percent);
    // (0.7 − 0.4) / 0.2 = 1.5
    for sex in [None, Some(Sex::Female), Some(Sex::Male)] {
        let z = t.z(0.7, sex, y(10.0)).unwrap();
        assert_relative_eq!(z.z, 1.5, max_relative = 1e-12);
        assert_eq!(z.transformed, 0.7);
    }
    // linear: zero and negative values have a z ((0 − 0.4) / 0.2 = −2)
    assert_relative_eq!(
        t.z(0.0, None, y(1.0)).unwrap().z,
        -2.0,
        max_relative = 1e-12
    );
    assert_eq!(
        t.z(0.7, None, y(18.0)).unwrap_err().code(),
        "age_outside_reference"
    );
}

#[test]
fn pooled_and_sex_specific_cells_may_share_a_table_without_overlapping() {
    // pooled under 1 y, by sex from 1 to 2 y
    let text = header("mixed", "lm_ratio", "ratio", "ln")
        + &cell("any", 0.0, 1.0, -3.0, 0.5)
        + &cell("female", 1.0, 2.0, -3.2, 0.5)
        + &cell("male", 1.0, 2.0, -3.1, 0.5);
    let t = table(&text);
    assert_eq!(t.cell_for(None, y(0.5)).unwrap().sex(), CellSex::Any);
    assert_eq!(
        t.cell_for(Some(Sex::Male), y(0.5)).unwrap().sex(),
        CellSex::Any
    );
    assert_eq!(
        t.cell_for(Some(Sex::Male), y(1.0)).unwrap().sex(),
        CellSex::Male
    );
    assert_eq!(
        t.cell_for(None, y(1.5)).unwrap_err().code(),
        "sex_not_given"
    );
}

// --- loader errors ---------------------------------------------------------------------------

fn load_err(text: &str) -> String {
    let mut r = Registry::default();
    match r.add_text("t.toml", text, true) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn broken_tables_are_refused_naming_file_and_key() {
    let good = header("t", "lm_ratio", "ratio", "ln") + &cell("female", 0.0, 4.0, -3.2, 0.5);
    assert_eq!(
        load_err(&good.replace("sd = 0.5", "sd = 0.0")),
        "t.toml: key `zscore_table[t].cell[0].sd`: sd 0: expected a finite number > 0"
    );
    assert_eq!(
        load_err(&good.replace("sd = 0.5", "sd = -0.5")),
        "t.toml: key `zscore_table[t].cell[0].sd`: sd -0.5: expected a finite number > 0"
    );
    assert_eq!(
        load_err(&good.replace("n = 40", "n = 0")),
        "t.toml: key `zscore_table[t].cell[0].n`: n 0: a mean and SD need at least 2 observations"
    );
    assert!(load_err(&good.replace("n = 40", "n = -3")).contains(
        "key `zscore_table[t].cell[0].n`: n -3: a mean and SD need at least 2 observations"
    ));
    assert!(load_err(&good.replace("mean = -3.2", "mean = nan"))
        .contains("key `zscore_table[t].cell[0].mean`: mean NaN: expected a finite number"));
    assert_eq!(
        load_err(&(good.clone() + &cell("female", 3.0, 7.0, -3.5, 0.4))),
        "t.toml: key `zscore_table[t].cell[1].age_years`: cell[1] (female, 3 ≤ age < 7 y) overlaps cell[0] (female, 0 ≤ age < 4 y): one person must match at most one cell"
    );
    assert!(
        load_err(&(good.clone() + &cell("any", 2.0, 7.0, -3.5, 0.4))).contains(
            "key `zscore_table[t].cell[1].age_years`: cell[1] (any, 2 ≤ age < 7 y) overlaps cell[0] (female"
        )
    );
    // the other sex, or an adjacent band, does not overlap
    table(&(good.clone() + &cell("male", 0.0, 4.0, -3.0, 0.6)));
    table(&(good.clone() + &cell("female", 4.0, 7.0, -3.5, 0.4)));
    assert!(
        load_err(&good.replace("below = 4.0", "below = 0.0")).contains(
            "key `zscore_table[t].cell[0].age_years`: from 0 / below 0: expected 0 ≤ from < below"
        )
    );
    assert!(load_err(&good.replace("sex = \"female\"", "sex = \"girls\"")).contains(
        "key `zscore_table[t].cell[0].sex`: unknown sex \"girls\" (expected \"female\", \"male\" or \"any\")"
    ));
    assert!(load_err(&good.replace("scale = \"ln\"", "scale = \"log\"")).contains(
        "key `zscore_table[t].scale`: unknown scale \"log\" (expected \"ln\" for the natural logarithm, or \"linear\")"
    ));
    assert!(load_err(&good.replace("analyte = \"lm_ratio\"", "analyte = \"zonulin\""))
        .contains("key `zscore_table[t].analyte`: unknown z-score analyte \"zonulin\" (expected one of lm_ratio, lr_ratio"));
    assert!(load_err(&good.replace("unit = \"ratio\"", "unit = \"%\""))
        .contains("key `zscore_table[t].unit`: unknown unit \"%\" for lm_ratio"));
    let start = good.find("[zscore_table.source]").unwrap();
    let end = good.find("[[zscore_table.cell]]").unwrap();
    let no_source = format!("{}{}", &good[..start], &good[end..]);
    assert_eq!(
        load_err(&no_source),
        "t.toml: key `zscore_table[t].source`: missing (required)"
    );
    // a published status needs a doi or url; local does not
    assert!(
        load_err(&good.replace("status = \"local\"", "status = \"verified\""))
            .contains("key `zscore_table[t].source.url`: missing: a source needs a doi or a url")
    );
    assert!(
        load_err(&good.replace("status = \"local\"", "status = \"unverified\""))
            .contains("key `zscore_table[t].source.status`")
    );
    let no_cells = &good[..end];
    assert_eq!(
        load_err(no_cells),
        "t.toml: key `zscore_table[t].cell`: no cells: a table needs at least one [[zscore_table.cell]]"
    );
    // range-file conventions (min/max, inclusive both ends) are refused, not misread
    assert!(
        load_err(&good.replace("from = 0.0, below = 4.0", "min = 0.0, max = 4.0"))
            .contains("unknown field `min`, expected `from` or `below`")
    );
    assert!(load_err(&good.replace("id = \"t\"", "id = \"T 1\""))
        .contains("key `zscore_table[0].id`: \"T 1\": use lower-case letters, digits and '-'"));
    assert!(
        load_err(&format!("{good}\n{good}")).contains("key `zscore_table.id`: duplicate id \"t\"")
    );
}

#[test]
fn two_user_files_may_not_define_the_same_table() {
    let good = header("t", "lm_ratio", "ratio", "ln") + &cell("female", 0.0, 4.0, -3.2, 0.5);
    let mut r = Registry::default();
    r.add_text("a.toml", &good, true).unwrap();
    let e = r.add_text("b.toml", &good, true).unwrap_err().to_string();
    assert_eq!(
        e,
        "b.toml: key `zscore_table.id`: duplicate id \"t\" (also in a.toml)"
    );
}

// --- age bands -------------------------------------------------------------------------------

#[test]
fn age_bands_parse_and_print() {
    let b: AgeBands = "0-4,4-7,7-10,10-13,13-19,19-25".parse().unwrap();
    assert_eq!(b.as_slice().len(), 6);
    assert_eq!(b.to_string(), "0-4,4-7,7-10,10-13,13-19,19-25");
    let b: AgeBands = " 0.25-0.5 , 0.5-1, 2-5".parse().unwrap();
    assert_eq!(b.to_string(), "0.25-0.5,0.5-1,2-5");
    assert_eq!(b.as_slice()[0].from().in_years(), 0.25);
    assert_eq!(b.as_slice()[2].below().in_years(), 5.0);
    assert_eq!(b.as_slice()[0].to_string(), "0.25 ≤ age < 0.5 y");
}

#[test]
fn bad_age_bands_are_refused_quoting_the_text() {
    let err = |t: &str| t.parse::<AgeBands>().unwrap_err();
    let cases = [
        ("", "age bands \"\": no bands given (expected e.g. 0-4,4-7,7-10)"),
        ("0-4,,4-7", "age bands \"0-4,,4-7\": band \"\": expected FROM-BELOW in years, e.g. 0-4"),
        ("0-4,7", "age bands \"0-4,7\": band \"7\": expected FROM-BELOW in years, e.g. 0-4"),
        ("0-4,a-7", "age bands \"0-4,a-7\": band \"a-7\": \"a\" is not a non-negative number of years"),
        ("-1-4", "age bands \"-1-4\": band \"-1-4\": \"\" is not a non-negative number of years"),
        ("0-inf", "age bands \"0-inf\": band \"0-inf\": \"inf\" is not a non-negative number of years"),
        ("4-4", "age bands \"4-4\": band \"4-4\": its width must be positive (FROM < BELOW)"),
        ("7-4", "age bands \"7-4\": band \"7-4\": its width must be positive (FROM < BELOW)"),
        ("0-4,3-7", "age bands \"0-4,3-7\": band \"3-7\" starts before the previous band \"0-4\" ends (bands must be increasing and must not overlap)"),
        ("4-7,0-4", "age bands \"4-7,0-4\": band \"0-4\" starts before the previous band \"4-7\" ends (bands must be increasing and must not overlap)"),
    ];
    for (text, message) in cases {
        assert_eq!(err(text).to_string(), message, "{text:?}");
    }
    // a gap is allowed: ages in it are left out and counted
    assert!("0-2,5-10".parse::<AgeBands>().is_ok());
    assert!(AgeBand::new(f64::NAN, 1.0).is_err());
    assert!(AgeBands::new(vec![]).is_err());
}

// --- derivation ------------------------------------------------------------------------------

/// `n` observations with ln values μ − σ, μ + σ, μ − σ, … (n even): mean μ exactly, and every
/// deviation is ±σ, so Σ(t − μ)² = nσ² and the sample SD is σ·√(n / (n − 1)).
fn alternating(mu: f64, sigma: f64, n: usize, ages: &[f64], sex: Option<Sex>) -> Vec<Observation> {
    (0..n)
        .map(|i| Observation {
            value: (if i % 2 == 0 { mu - sigma } else { mu + sigma }).exp(),
            age: y(ages[i % ages.len()]),
            sex,
        })
        .collect()
}

fn reference_group() -> Vec<Observation> {
    let mut obs = Vec::new();
    // female 0–4 y: 40 at ln −3.2 ± 0.5
    obs.extend(alternating(
        -3.2,
        0.5,
        40,
        &[0.0, 1.0, 2.5, 3.99],
        Some(Sex::Female),
    ));
    // female 4–7 y: 12 at ln −3.5 ± 0.4 (small cell), including ages exactly 4.0
    obs.extend(alternating(-3.5, 0.4, 12, &[4.0, 6.5], Some(Sex::Female)));
    // male 0–4 y: 32 at ln −3.0 ± 0.6
    obs.extend(alternating(-3.0, 0.6, 32, &[0.5, 3.0], Some(Sex::Male)));
    // male 4–7 y: 1 (no SD: not written)
    obs.push(Observation {
        value: 0.04,
        age: y(5.0),
        sex: Some(Sex::Male),
    });
    // left out: ln of 0, no age, age 7 (outside [4, 7)), no sex
    let at = |value, age, sex| Observation { value, age, sex };
    obs.push(at(0.0, y(1.0), Some(Sex::Female)));
    obs.push(at(0.05, None, Some(Sex::Female)));
    obs.push(at(0.05, y(7.0), Some(Sex::Male)));
    obs.push(at(0.05, y(1.0), None));
    obs
}

fn by_sex_options() -> DeriveOptions {
    DeriveOptions {
        by_sex: true,
        ..DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse().unwrap())
    }
}

#[test]
fn derived_means_and_sds_match_the_construction() {
    let d = derive(reference_group(), &by_sex_options()).unwrap();
    assert_eq!(d.observations(), 89);
    assert_eq!(d.used(), 85);
    let c = d.cells();
    assert_eq!(c.len(), 4);
    let expect = [
        (CellSex::Female, 0.0, 40, -3.2, 0.5),
        (CellSex::Female, 4.0, 12, -3.5, 0.4),
        (CellSex::Male, 0.0, 32, -3.0, 0.6),
    ];
    for (cell, (sex, from, n, mu, sigma)) in c.iter().zip(expect) {
        assert_eq!(
            (cell.sex, cell.age.from().in_years(), cell.n),
            (sex, from, n)
        );
        assert_relative_eq!(cell.mean.unwrap(), mu, max_relative = 1e-12);
        let sd = sigma * (n as f64 / (n as f64 - 1.0)).sqrt();
        assert_relative_eq!(cell.sd.unwrap(), sd, max_relative = 1e-12);
    }
    // female 0–4: 0.5·√(40/39) = 0.506370…
    assert_relative_eq!(
        c[0].sd.unwrap(),
        0.506_369_683_541_833_4,
        max_relative = 1e-12
    );
    // male 4–7: one observation, mean ln 0.04, no SD
    assert_eq!(c[3].n, 1);
    assert_relative_eq!(c[3].mean.unwrap(), 0.04f64.ln(), max_relative = 1e-15);
    assert_eq!(c[3].sd, None);
    assert_eq!(c[3].not_written(), Some(NotWrittenReason::TooFew));
    let reasons: Vec<_> = d.excluded().iter().map(|e| (e.index, e.reason)).collect();
    assert_eq!(
        reasons,
        [
            (85, ExclusionReason::ValueNotPositive),
            (86, ExclusionReason::AgeNotGiven),
            (87, ExclusionReason::AgeOutsideBands),
            (88, ExclusionReason::SexNotGiven),
        ]
    );
}

#[test]
fn small_cells_and_unwritable_cells_are_reported() {
    let d = derive(reference_group(), &by_sex_options()).unwrap();
    let f47 = AgeBand::new(4.0, 7.0).unwrap();
    let w = d.warnings();
    assert_eq!(
        w[..2],
        [
            DeriveWarning::SmallCell {
                sex: CellSex::Female,
                age: f47,
                n: 12,
                minimum: DEFAULT_MIN_CELL_N
            },
            DeriveWarning::NotWritten {
                sex: CellSex::Male,
                age: f47,
                n: 1,
                reason: NotWrittenReason::TooFew
            },
        ]
    );
    assert_eq!(
        w[0].to_string(),
        "female, 4 ≤ age < 7 y: small cell, n = 12 < 30 (written; its mean and SD are imprecise)"
    );
    assert_eq!(
        w[1].to_string(),
        "male, 4 ≤ age < 7 y: n = 1, fewer than 2 observations: no SD, cell not written"
    );
    assert_eq!(w.len(), 6, "{w:?}");
    assert!(w.contains(&DeriveWarning::Excluded {
        reason: ExclusionReason::ValueNotPositive,
        count: 1
    }));
    // male 0–4 (n = 32) is at or above 30: no warning; with a minimum of 40 it gets one
    let options = DeriveOptions {
        min_cell_n: 40,
        ..by_sex_options()
    };
    let w = derive(reference_group(), &options).unwrap().warnings();
    assert!(w.iter().any(|w| matches!(
        w,
        DeriveWarning::SmallCell {
            sex: CellSex::Male,
            n: 32,
            ..
        }
    )));
    assert!(!w
        .iter()
        .any(|w| matches!(w, DeriveWarning::SmallCell { n: 40, .. })));
    // and with a minimum of 10, the female 4–7 cell (n = 12) passes
    let options = DeriveOptions {
        min_cell_n: 10,
        ..by_sex_options()
    };
    let w = derive(reference_group(), &options).unwrap().warnings();
    assert!(!w
        .iter()
        .any(|w| matches!(w, DeriveWarning::SmallCell { .. })));
}

#[test]
fn pooled_derivation_combines_both_sexes() {
    let mut obs = alternating(-3.2, 0.5, 40, &[1.0], Some(Sex::Female));
    obs.extend(alternating(-3.0, 0.6, 32, &[2.0], Some(Sex::Male)));
    obs.push(Observation {
        value: (-3.0f64).exp(),
        age: y(5.0),
        sex: None,
    });
    let options = DeriveOptions::new(Analyte::LmRatio, Scale::Ln, "0-4,4-7".parse().unwrap());
    let d = derive(obs, &options).unwrap();
    assert!(d.excluded().is_empty(), "sex is not needed when pooled");
    let c = d.cells()[0];
    assert_eq!((c.sex, c.n), (CellSex::Any, 72));
    // mean = (40·(−3.2) + 32·(−3.0)) / 72 = −224 / 72 = −3.111111
    assert_relative_eq!(c.mean.unwrap(), -224.0 / 72.0, max_relative = 1e-12);
    // Σ(t − mean)² = within (40·0.5² + 32·0.6² = 10 + 11.52) + between
    // (40·(4/45)² + 32·(1/9)² = 32/45) = 22.231111; SD = √(22.231111 / 71) = 0.559566
    let ss: f64 = 21.52 + 32.0 / 45.0;
    assert_relative_eq!(c.sd.unwrap(), (ss / 71.0).sqrt(), max_relative = 1e-12);
    assert_relative_eq!(c.sd.unwrap(), 0.559_566_118_525_384_7, max_relative = 1e-12);
    assert_eq!(d.cells()[1].n, 1);
}

#[test]
fn identical_values_give_sd_zero_and_are_not_written() {
    // 0.1 three times: the mean is 0.1 exactly and the SD 0 (no rounding residue)
    let obs = [0.1, 0.1, 0.1].map(|v| Observation {
        value: v,
        age: y(1.0),
        sex: None,
    });
    let options = DeriveOptions::new(Analyte::LmRatio, Scale::Linear, "0-4".parse().unwrap());
    let d = derive(obs, &options).unwrap();
    assert_eq!(d.cells()[0].sd, Some(0.0));
    assert_eq!(d.cells()[0].not_written(), Some(NotWrittenReason::ZeroSd));
    let meta = TableMeta {
        id: "x".into(),
        input: "in.csv".into(),
        date: "2026-11-25".into(),
        ..TableMeta::default()
    };
    assert_eq!(
        d.to_table(&meta).unwrap_err(),
        DeriveError::NoCellWritten {
            observations: 3,
            used: 3
        }
    );
}

#[test]
fn derivation_refuses_what_it_cannot_write() {
    let options = DeriveOptions::new(Analyte::Zonulin, Scale::Ln, "0-4".parse().unwrap());
    assert_eq!(
        derive([], &options).unwrap_err(),
        DeriveError::NotZscoreAnalyte {
            analyte: Analyte::Zonulin
        }
    );
    let d = derive(reference_group(), &by_sex_options()).unwrap();
    let meta = TableMeta {
        id: "Bad Id".into(),
        input: "in.csv".into(),
        date: "2026-11-25".into(),
        ..TableMeta::default()
    };
    assert_eq!(
        d.to_table(&meta).unwrap_err().to_string(),
        "id \"Bad Id\": use lower-case letters, digits and '-'"
    );
    let meta = TableMeta {
        id: "ok".into(),
        input: "in.csv".into(),
        ..TableMeta::default()
    };
    assert_eq!(d.to_table(&meta).unwrap_err(), DeriveError::EmptyDate);
}

#[test]
fn a_derived_table_round_trips_through_toml_and_the_registry() {
    let d = derive(reference_group(), &by_sex_options()).unwrap();
    let meta = TableMeta {
        id: "site-br-lmz".into(),
        title: None,
        input: "cohort \"2024\".csv".into(),
        filter: Some("site=BR".into()),
        date: "2026-11-25".into(),
        population: Some("healthy children, Brazil site".into()),
    };
    let t = d.to_table(&meta).unwrap();
    assert_eq!(t.cells().len(), 3, "male 4–7 (n = 1) is not written");
    assert_eq!(t.source().status, Verification::Local);
    assert!(t.source().doi.is_none() && t.source().url.is_none());
    let cite = &t.source().citation;
    assert!(cite.contains("cohort \"2024\".csv") && cite.contains("rows where site=BR"));
    assert!(cite.contains("2026-11-25"), "{cite}");
    let notes = t.source().notes.as_deref().unwrap();
    assert!(notes.contains("small cell, n = 12 < 30"), "{notes}");
    assert!(notes.contains("no SD, cell not written"), "{notes}");
    assert!(notes.contains("a convention, not a guideline"), "{notes}");
    assert_eq!(
        t.title(),
        "lm_ratio z-score reference derived from cohort \"2024\".csv"
    );

    let text = t.to_toml();
    assert!(text.contains("status = \"local\""), "{text}");
    assert!(
        text.contains("age_years = { from = 4.0, below = 7.0 }"),
        "{text}"
    );
    let mut registry = Registry::builtin().unwrap();
    assert!(registry
        .add_text("REF.toml", &text, true)
        .unwrap()
        .is_empty());
    let back = registry.zscore_table("site-br-lmz").expect("loads back");
    assert_eq!(back.origin(), "REF.toml");
    assert_eq!(back.analyte(), Analyte::LmRatio);
    assert_eq!(back.scale(), Scale::Ln);
    assert_eq!(back.title(), t.title());
    assert_eq!(back.population(), t.population());
    assert_eq!(back.source().citation, t.source().citation);
    assert_eq!(back.source().quote, t.source().quote);
    assert_eq!(back.source().notes, t.source().notes);
    // Numbers are written at 10 significant digits (lmr::number), so they read back as the
    // derived values rounded so: -3.2000000000000015 → -3.2, 0.5063696835418333 → 0.5063696835.
    assert_eq!(back.cells().len(), t.cells().len());
    for (b, c) in back.cells().iter().zip(t.cells()) {
        let r = |x: f64| lmr::number::round(x, lmr::number::DIGITS);
        assert_eq!((b.sex(), b.age(), b.n()), (c.sex(), c.age(), c.n()));
        assert_eq!((b.mean(), b.sd()), (r(c.mean()), r(c.sd())));
    }
    // and scores as the construction says: female 2 y, x = exp(−3.2 + 0.5):
    // z = 0.5 / (0.5·√(40/39)) = √(39/40) = 0.987421
    let z = back.z((-2.7f64).exp(), Some(Sex::Female), y(2.0)).unwrap();
    // (to 1e-9: the sd was written at 10 significant digits)
    assert_relative_eq!(z.z, (39.0f64 / 40.0).sqrt(), max_relative = 1e-9);
    // written again, the text is the same
    assert_eq!(back.to_toml(), text);
}

#[test]
fn a_table_file_resolves_by_path_and_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("example.toml");
    std::fs::write(&path, EXAMPLE).unwrap();
    let tables = load_zscore_tables(&path).unwrap();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0].origin(), path.display().to_string());

    let builtin = Registry::builtin().unwrap();
    let spec = path.to_str().unwrap();
    let selection = ZscoreSelection::new(builtin.zscore_reference(spec).unwrap()).unwrap();
    assert_eq!(
        selection.table(Analyte::LmRatio).map(ZscoreTable::id),
        Some("example-synthetic-lmz")
    );
    assert_eq!(
        selection
            .table(Analyte::LactuloseRecoveryPct)
            .map(ZscoreTable::id),
        Some("example-synthetic-lactulose-z")
    );
    assert!(selection.table(Analyte::MannitolRecoveryPct).is_none());

    let mut registry = Registry::builtin().unwrap();
    registry.load_path(&path).unwrap();
    let by_id = registry.zscore_reference("example-synthetic-lmz").unwrap();
    assert_eq!(by_id.len(), 1);
    let e = registry
        .zscore_reference("no-such-table")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "\"no-such-table\": no z-score table with this id and no such file (known ids: example-synthetic-lmz, example-synthetic-lactulose-z)");
    let e = builtin
        .zscore_reference("/no/such/ref.toml")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("/no/such/ref.toml: cannot read:"), "{e}");

    // the same analyte twice is ambiguous
    let twice = [by_id.clone(), by_id].concat();
    assert!(ZscoreSelection::new(twice)
        .unwrap_err()
        .to_string()
        .contains("two z-score tables selected for lm_ratio"));

    // a range file with no z-score table (here, nothing at all: an empty file is an error)
    let ranges = dir.path().join("ranges.toml");
    std::fs::write(&ranges, "schema = 1\n").unwrap();
    let e = load_zscore_tables(&ranges).unwrap_err().to_string();
    assert!(
        e.ends_with("ranges.toml: defines no range, protocol or zscore_table (an empty range file is an error, not a no-op)"),
        "{e}"
    );
}

#[test]
fn no_shipped_table_claims_to_be_the_published_reference() {
    // Kosek 2017 (doi:10.1097/MPG.0000000000001610): the Kosek 2017 means and SDs are not verified, so none is shipped.
    assert!(Registry::builtin().unwrap().zscore_tables().is_empty());
    assert!(EXAMPLE.contains("SYNTHETIC") && EXAMPLE.contains("NOT the MAL-ED"));
}

#[test]
fn z_columns_are_named_per_analyte() {
    assert_eq!(z_column(Analyte::LmRatio), Some("lmz"));
    assert_eq!(z_column(Analyte::LactuloseRecoveryPct), Some("lactulose_z"));
    assert_eq!(z_column(Analyte::MannitolRecoveryPct), Some("mannitol_z"));
    assert_eq!(z_column(Analyte::Zonulin), None);
    for a in ZSCORE_ANALYTES {
        assert!(z_column(*a).is_some() && zscore_unit(*a).is_some());
    }
}

#[test]
fn overflowing_sums_are_an_error_not_a_silent_drop() {
    // 1e308 + 1e308 overflows to ∞ on the linear scale: the mean is not finite
    let obs = [1e308, 1e308, 1.0].map(|v| Observation {
        value: v,
        age: y(1.0),
        sex: None,
    });
    let options = DeriveOptions::new(Analyte::LmRatio, Scale::Linear, "0-4".parse().unwrap());
    let meta = TableMeta {
        id: "x".into(),
        input: "in.csv".into(),
        date: "2026-11-25".into(),
        ..TableMeta::default()
    };
    let e = derive(obs, &options).unwrap().to_table(&meta).unwrap_err();
    assert!(matches!(e, DeriveError::Cell { .. }), "{e:?}");
    assert!(e.to_string().starts_with("any, 0 ≤ age < 4 y: "), "{e}");
}

#[test]
fn the_derived_quote_states_the_method() {
    let d = derive(reference_group(), &by_sex_options()).unwrap();
    let meta = TableMeta {
        id: "x".into(),
        input: "in.csv".into(),
        date: "2026-11-25".into(),
        ..TableMeta::default()
    };
    assert_eq!(
        d.to_table(&meta).unwrap().source().quote,
        "n, mean and sample SD (n − 1 denominator) of ln(lm_ratio) per sex and age band (from ≤ age < below, years); 85 of 89 observations used; cells with n < 2 or SD 0 not written"
    );
    assert_eq!(
        d.to_table(&meta).unwrap().source().citation,
        format!(
            "Derived with lmr {} (zscore-reference) from in.csv (all rows) on 2026-11-25",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn scales_parse_for_the_command_line() {
    assert_eq!("ln".parse::<Scale>(), Ok(Scale::Ln));
    assert_eq!(" linear ".parse::<Scale>(), Ok(Scale::Linear));
    assert_eq!(
        "log".parse::<Scale>().unwrap_err().to_string(),
        "\"log\": unknown scale (expected \"ln\" for the natural logarithm, or \"linear\")"
    );
    assert_eq!(Scale::Ln.to_string(), "ln");
}
