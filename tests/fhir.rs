//! FHIR output: codes, values, comparators, reference ranges and interpretations, each against a
//! number worked by hand. The same outputs are validated against the FHIR R4B models by
//! `tests/fhir/validate.py` (the FHIR block of `.ci/test`).

use lmr::batch::{run, ColumnMap, Format, Options};
use lmr::interpretation::{Interpretation, Interpreter, Options as RangeOptions, Sample};
use lmr::reference::Registry;
use lmr::report::fhir;
use lmr::sugar::Sugar;
use serde_json::Value;

fn interpret(sample: &Sample, options: &RangeOptions) -> Value {
    let registry = Registry::builtin().unwrap();
    let interpreter = Interpreter::new(&registry, options).unwrap();
    let mut result = Interpretation::default();
    interpreter.interpret(sample, &mut result).unwrap();
    serde_json::to_value(fhir::bundle(sample, &result, None)).unwrap()
}

/// The observations of a bundle, by their first code.
fn obs<'a>(bundle: &'a Value, code: &str) -> &'a Value {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["code"]["coding"][0]["code"] == code)
        .unwrap_or_else(|| panic!("no observation coded {code}: {bundle:#}"))
}

fn has(bundle: &Value, code: &str) -> bool {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["resource"]["code"]["coding"][0]["code"] == code)
}

/// The Dutch sugar absorption test (5 g lactulose, 2 g mannitol, 40 g sucrose), `hours` of urine.
fn dutch_sat(lactulose: &str, hours: &str) -> Sample {
    let registry = Registry::builtin().unwrap();
    let mut s = Sample::default();
    s.protocol
        .fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
    s.protocol.collection = Some(hours.parse().unwrap());
    s.urine.set(
        Sugar::Lactulose,
        Some(lmr::recovery::UrineResult::parse(lactulose, None).unwrap()),
    );
    s.set_urine(Sugar::Mannitol, "200 mg/L".parse().unwrap());
    s.urine_volume = Some("1 L".parse().unwrap());
    s
}

#[test]
fn five_hour_urine_gets_the_loinc_sugar_absorption_codes() {
    let b = interpret(&dutch_sat("30 mg/L", "5 h"), &RangeOptions::default());
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    // the panel is entry 0 and lists the three results
    let panel = &b["entry"][0]["resource"];
    assert_eq!(panel["code"]["coding"][0]["code"], "76133-8");
    assert_eq!(panel["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(panel["hasMember"].as_array().unwrap().len(), 3);
    // 30 mg/L × 1 L = 30 mg of 5000 mg = 0.6 %; no LOINC code for a percent recovery
    let l = obs(&b, "lactulose_recovery");
    assert_eq!(l["code"]["coding"][0]["system"], "urn:lmr:codes");
    assert_eq!(l["valueQuantity"]["value"], 0.6);
    assert_eq!(l["valueQuantity"]["code"], "%");
    assert_eq!(l["valueQuantity"]["system"], "http://unitsofmeasure.org");
    // 200 mg/L × 1 L = 200 mg of 2000 mg = 10 %
    assert_eq!(obs(&b, "mannitol_recovery")["valueQuantity"]["value"], 10.0);
    // 0.6 / 10 = 0.06; dutch-sat-hyperosmolar-5h: within ≤ 0.089 (inclusive) → N
    let r = obs(&b, "74899-6");
    assert_eq!(
        r["code"]["coding"][0]["display"],
        "Lactulose/Mannitol [Molar ratio] in 5 hour Urine --post XXX g sugar solution PO"
    );
    assert_eq!(r["valueQuantity"]["value"], 0.06);
    assert_eq!(r["valueQuantity"]["code"], "{ratio}");
    assert!(r["valueQuantity"].get("comparator").is_none());
    assert_eq!(r["interpretation"][0]["coding"][0]["code"], "N");
    assert_eq!(
        r["interpretation"][0]["text"],
        "dutch-sat-hyperosmolar-5h: within"
    );
    let range = &r["referenceRange"][0];
    assert_eq!(range["high"]["value"], 0.089);
    assert!(range.get("low").is_none());
    let text = range["text"].as_str().unwrap();
    assert!(text.contains("upper bound 0.089 inclusive"), "{text}");
    // the protocol as components: doses in g, the window in h, the 5 h urine volume (12255-6)
    let comp = r["component"].as_array().unwrap();
    let find = |code: &str| {
        comp.iter()
            .find(|c| c["code"]["coding"][0]["code"] == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    assert_eq!(find("lactulose_dose")["valueQuantity"]["value"], 5.0);
    assert_eq!(find("mannitol_dose")["valueQuantity"]["value"], 2.0);
    assert_eq!(find("sucrose_dose")["valueQuantity"]["value"], 40.0);
    assert_eq!(find("collection_window")["valueQuantity"]["code"], "h");
    assert_eq!(find("collection_window")["valueQuantity"]["value"], 5.0);
    assert_eq!(find("12255-6")["valueQuantity"]["value"], 1.0);
    assert_eq!(find("12255-6")["valueQuantity"]["code"], "L");
}

#[test]
fn other_windows_get_lmr_codes_and_no_interpretation_code() {
    // 6 h is not the 5-hour urine of 74899-6, and the Dutch SAT range (5 h) does not match
    let b = interpret(&dutch_sat("30 mg/L", "6 h"), &RangeOptions::default());
    assert!(!has(&b, "74899-6") && !has(&b, "76133-8") && !has(&b, "12255-6"));
    let r = obs(&b, "lm_ratio");
    assert_eq!(r["code"]["coding"][0]["system"], "urn:lmr:codes");
    assert_eq!(r["valueQuantity"]["value"], 0.06);
    assert!(r["interpretation"][0].get("coding").is_none());
    assert_eq!(r["interpretation"][0]["text"], "unclassified");
    assert!(r.get("referenceRange").is_none());
    assert_eq!(
        b["entry"][0]["resource"]["code"]["coding"][0]["code"],
        "panel"
    );
}

#[test]
fn censored_values_carry_their_comparator() {
    // <0.5 mg/L × 1 L = <0.5 mg of 5000 mg = <0.01 %; ratio <0.01 / 10 = <0.001
    let b = interpret(&dutch_sat("<0.5 mg/L", "5 h"), &RangeOptions::default());
    let l = obs(&b, "lactulose_recovery");
    assert_eq!(l["valueQuantity"]["comparator"], "<");
    assert_eq!(l["valueQuantity"]["value"], 0.01);
    let r = obs(&b, "74899-6");
    assert_eq!(r["valueQuantity"]["comparator"], "<");
    assert_eq!(r["valueQuantity"]["value"], 0.001);
    // the whole interval [0, 0.001) lies within ≤ 0.089 → N
    assert_eq!(r["interpretation"][0]["coding"][0]["code"], "N");
    assert!(obs(&b, "mannitol_recovery")["valueQuantity"]
        .get("comparator")
        .is_none());
}

#[test]
fn vitamin_d_total_in_nmol_l_with_the_mass_loinc_component_and_scheme_text() {
    let s = Sample {
        vitamin_d: Some(
            lmr::vitamin_d::VitaminD::new("30 ng/mL".parse().unwrap(), Default::default()).unwrap(),
        ),
        ..Sample::default()
    };
    let b = interpret(&s, &RangeOptions::default());
    // one observation: no panel
    assert_eq!(b["entry"].as_array().unwrap().len(), 1);
    let v = obs(&b, "vitamin_d");
    // 30 ng/mL × 1000 / 400.64 g/mol = 74.88019169329… nmol/L, written to 10 significant digits
    assert_eq!(v["valueQuantity"]["value"].to_string(), "74.88019169");
    assert_eq!(v["valueQuantity"]["code"], "nmol/L");
    let mass = &v["component"][0];
    assert_eq!(mass["code"]["coding"][0]["code"], "62292-8");
    assert_eq!(mass["valueQuantity"]["value"], 30.0);
    assert_eq!(mass["valueQuantity"]["code"], "ng/mL");
    // IOM 2011 bands are decision bands, not a reference interval: no code, the label in text
    assert!(v["interpretation"][0].get("coding").is_none());
    assert_eq!(v["interpretation"][0]["text"], "iom-2011: sufficient");
    let range = &v["referenceRange"][0];
    assert!(range.get("low").is_none() && range.get("high").is_none());
    assert!(range["text"]
        .as_str()
        .unwrap()
        .contains("'at_risk_of_deficiency' x < 30"));
    // caveats as notes with their codes
    let notes: Vec<&str> = v["note"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert!(notes
        .iter()
        .any(|n| n.starts_with("caveat vitamin_d_total_converted_as_d3: ")));
}

#[test]
fn vitamin_d3_in_moles_gets_its_loinc_code() {
    let s = Sample {
        vitamin_d: Some(
            lmr::vitamin_d::VitaminD::new(
                "75 nmol/L".parse().unwrap(),
                lmr::vitamin_d::VitaminDForm::D3,
            )
            .unwrap(),
        ),
        ..Sample::default()
    };
    let b = interpret(&s, &RangeOptions::default());
    let v = obs(&b, "14635-7");
    assert_eq!(v["valueQuantity"]["value"], 75.0);
    // the mass code 62292-8 is for D2 + D3: not for D3 alone
    assert_eq!(
        v["component"][0]["code"]["coding"][0]["code"],
        "vitamin_d_mass"
    );
}

#[test]
fn zonulin_above_the_labs_limit_is_high() {
    let s = Sample {
        zonulin: Some(
            lmr::zonulin::Zonulin::parse("52 ng/mL", None, Some(lmr::reference::Matrix::Serum))
                .unwrap(),
        ),
        ..Sample::default()
    };
    let options = RangeOptions {
        zonulin_range: Some("enterosan-serum".into()),
        ..RangeOptions::default()
    };
    let b = interpret(&s, &options);
    let z = obs(&b, "zonulin_serum");
    assert_eq!(z["valueQuantity"]["value"], 52.0);
    assert_eq!(z["valueQuantity"]["code"], "ng/mL");
    assert_eq!(z["specimen"]["display"], "serum");
    // enterosan-serum: within ≤ 46 (inclusive); 52 > 46 → above → H
    assert_eq!(z["interpretation"][0]["coding"][0]["code"], "H");
    assert_eq!(z["interpretation"][0]["text"], "enterosan-serum: above");
    assert_eq!(z["referenceRange"][0]["high"]["value"], 46.0);
}

#[test]
fn an_error_row_names_field_and_value() {
    let problem = fhir::RowProblem {
        field: Some("urine_volume [mL]"),
        value: "-40",
        message:
            "row 7 (line 8), column \"urine_volume [mL]\", value \"-40\": must not be negative"
                .into(),
    };
    let b = serde_json::to_value(fhir::error_bundle(7, &[problem])).unwrap();
    assert_eq!(b["identifier"]["value"], "7");
    let o = &b["entry"][0]["resource"];
    assert_eq!(o["resourceType"], "OperationOutcome");
    assert_eq!(o["issue"][0]["severity"], "error");
    assert_eq!(
        o["issue"][0]["details"]["text"],
        "field \"urine_volume [mL]\", value \"-40\""
    );
}

#[test]
fn batch_writes_one_bundle_per_row() {
    let input = "id,urine_lactulose [mg/L],urine_mannitol [mg/L],urine_volume [mL],lactulose_dose [g],mannitol_dose [g],collection [h]\n\
                 a,30,200,1000,5,2,5\n\
                 b,<0.5,200,1000,5,2,5\n\
                 c,30,200,-40,5,2,5\n";
    let registry = Registry::builtin().unwrap();
    let interpreter = Interpreter::new(&registry, &RangeOptions::default()).unwrap();
    let map = ColumnMap::default();
    let mut options = Options::new(&map);
    options.format = Format::FhirNdjson;
    let mut out = Vec::new();
    let stats = run(
        input.as_bytes(),
        &mut out,
        &interpreter,
        &options,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!((stats.rows, stats.interpreted, stats.errors), (3, 2, 1));
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    for (i, b) in lines.iter().enumerate() {
        assert_eq!(b["identifier"]["value"], (i + 1).to_string());
    }
    // row a: 0.6 / 10 = 0.06, a 5 h collection
    assert_eq!(obs(&lines[0], "74899-6")["valueQuantity"]["value"], 0.06);
    // row b: censored
    assert_eq!(
        obs(&lines[1], "lactulose_recovery")["valueQuantity"]["comparator"],
        "<"
    );
    // row c: the rejected cell, in an OperationOutcome after whatever could still be computed
    let outcome = lines[2]["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "OperationOutcome")
        .unwrap();
    let issue = &outcome["issue"][0];
    assert_eq!(
        issue["details"]["text"],
        "field \"urine_volume [mL]\", value \"-40\""
    );
    assert!(issue["diagnostics"]
        .as_str()
        .unwrap()
        .starts_with("row 3 (line 4)"));
}

#[test]
fn a_result_below_the_limit_is_an_observation_without_a_value() {
    let registry = Registry::builtin().unwrap();
    let mut s = Sample::default();
    // Without a stated limit (`ND`) there is no value to give.
    lmr::sample::apply_fields(&mut s, [("vitamin_d", "ND")], &registry).unwrap();
    assert!(s.below_limit.vitamin_d);
    let b = interpret(&s, &RangeOptions::default());
    let v = obs(&b, "vitamin_d");
    assert!(v.get("valueQuantity").is_none());
    assert!(v["dataAbsentReason"]["text"]
        .as_str()
        .unwrap()
        .starts_with("below the assay's detection"));
    // With one (`<10 nmol/L`) the limit is the value, with comparator `<`.
    let mut s = Sample::default();
    lmr::sample::apply_fields(&mut s, [("vitamin_d", "<10 nmol/L")], &registry).unwrap();
    let b = interpret(&s, &RangeOptions::default());
    let v = obs(&b, "vitamin_d");
    assert_eq!(v["valueQuantity"]["comparator"], "<");
    assert_eq!(v["valueQuantity"]["value"], 10.0);
    assert!(v.get("dataAbsentReason").is_none());
}
