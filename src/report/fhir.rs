//! FHIR R4 output: one sample as a `Bundle` (type `collection`) of `Observation`s, and a row that
//! cannot be interpreted as a `Bundle` holding an `OperationOutcome`.
//!
//! One JSON shape, serde-derived: [`Bundle`] is what `lmr check --format fhir` prints and what
//! each line of `lmr batch --format fhir-ndjson` holds. Which code a result gets is data, not
//! code: `src/report/fhir-codes.toml` lists every LOINC code with the page it was checked
//! against, the lmr codes, the UCUM units and the band labels that map to HL7
//! ObservationInterpretation codes; this module only decides when a LOINC code's definition
//! (specimen, collection window, form) fits the sample. `docs/fhir.md` describes the mapping.
//!
//! ```
//! use lmr::interpretation::{Interpreter, Interpretation, Options, Sample};
//! use lmr::reference::Registry;
//! use lmr::sugar::Sugar;
//!
//! let registry = Registry::builtin()?;
//! let interpreter = Interpreter::new(&registry, &Options::default())?;
//! // The Dutch sugar absorption test: 5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine.
//! let mut sample = Sample::default();
//! sample.protocol.fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
//! sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
//! sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
//! sample.urine_volume = Some("1 L".parse()?);
//! let mut result = Interpretation::default();
//! interpreter.interpret(&sample, &mut result)?;
//!
//! let bundle = lmr::report::fhir::bundle(&sample, &result, None);
//! let json = serde_json::to_value(&bundle)?;
//! assert_eq!(json["type"], "collection");
//! // entries: the panel, then lactulose recovery, mannitol recovery, the L:M ratio
//! let ratio = &json["entry"][3]["resource"];
//! // a 5-hour urine collection: the LOINC code fits
//! assert_eq!(ratio["code"]["coding"][0]["code"], "74899-6");
//! // 30 mg of 5000 mg = 0.6 %; 200 mg of 2000 mg = 10 %; 0.6 / 10 = 0.06 ≤ 0.089: within → N
//! assert_eq!(ratio["valueQuantity"]["value"], 0.06);
//! assert_eq!(ratio["valueQuantity"]["code"], "{ratio}");
//! assert_eq!(ratio["interpretation"][0]["coding"][0]["code"], "N");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::censored::Censored;
use crate::interpretation::{Interpretation, RangeResult, Sample};
use crate::reference::{Band, Bound, Matrix, ReferenceRange};
use crate::sugar::{DoseForm, Sugar};
use crate::units::{Duration, DurationUnit};
use crate::vitamin_d::VitaminDForm;

/// LOINC's system URI.
///
/// ```
/// use lmr::report::fhir::{CodeTable, Fit, LOINC};
/// use lmr::reference::Matrix;
///
/// let fit = Fit { specimen: Some(Matrix::Urine), collection: Some("5 h".parse()?), vitamin_d_form: None };
/// let code = CodeTable::builtin().code("lm_ratio", None, &fit);
/// assert_eq!(code.coding[0].system, LOINC);
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
pub const LOINC: &str = "http://loinc.org";
/// UCUM's system URI.
///
/// ```
/// assert_eq!(lmr::report::fhir::UCUM, "http://unitsofmeasure.org");
/// ```
pub const UCUM: &str = "http://unitsofmeasure.org";
/// HL7 v3 ObservationInterpretation's system URI.
///
/// ```
/// assert!(lmr::report::fhir::INTERPRETATION.ends_with("v3-ObservationInterpretation"));
/// ```
pub const INTERPRETATION: &str =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
/// HL7 observation category system URI (`laboratory`).
///
/// ```
/// assert!(lmr::report::fhir::CATEGORY.ends_with("observation-category"));
/// ```
pub const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
/// The system of [`Bundle::identifier`] for a batch row: the value is the data row number.
///
/// ```
/// let id = lmr::report::fhir::row_identifier(42).unwrap();
/// assert_eq!((id.system.as_str(), id.value.as_str()), (lmr::report::fhir::ROW_SYSTEM, "42"));
/// ```
pub const ROW_SYSTEM: &str = "urn:lmr:batch-row";

// ---------------------------------------------------------------------------------------------
// The code table (data: fhir-codes.toml)
// ---------------------------------------------------------------------------------------------

/// The code table, as read from `src/report/fhir-codes.toml`.
///
/// ```
/// let table = lmr::report::fhir::CodeTable::builtin();
/// assert_eq!(table.lmr_system, "urn:lmr:codes");
/// // every LOINC code names the page it was checked against
/// assert!(table.loinc.iter().all(|l| !l.checked.is_empty()));
/// assert_eq!(table.interpretation.bands["above"], "H");
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeTable {
    /// Format version of the file.
    pub schema: u32,
    /// The lmr code system's URI.
    pub lmr_system: String,
    /// LOINC codes, each with the conditions under which it fits.
    pub loinc: Vec<LoincCode>,
    /// lmr codes.
    pub lmr: Vec<LmrCode>,
    /// lmr unit symbol → UCUM code.
    pub ucum: BTreeMap<String, String>,
    /// Band label → ObservationInterpretation code, and the code displays seen.
    pub interpretation: InterpretationTable,
}

/// A LOINC code and when it fits.
///
/// ```
/// let table = lmr::report::fhir::CodeTable::builtin();
/// let lm = table.loinc.iter().find(|l| l.result == "lm_ratio").unwrap();
/// assert_eq!((lm.code.as_str(), lm.specimen.as_deref()), ("74899-6", Some("urine")));
/// // `collection_hours = 5` in the table: a 5-hour urine
/// assert_eq!(lm.collection.map(|c| c.in_hours()), Some(5.0));
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoincCode {
    /// The lmr result key it codes (`lm_ratio`).
    pub result: String,
    /// The LOINC number.
    pub code: String,
    /// The display text (LOINC long common name).
    pub display: String,
    /// The specimen the code is defined for (`urine`, `serum`, `stool`).
    pub specimen: Option<String>,
    /// The urine collection window the code is defined for (`collection_hours = 5` in the
    /// table: hours).
    #[serde(rename = "collection_hours", default, deserialize_with = "hours")]
    pub collection: Option<Duration>,
    /// The 25(OH)D form the code is defined for (`total`, `d3`, `d2`).
    pub vitamin_d_form: Option<String>,
    /// The page the code was checked against.
    pub checked: String,
    /// What was seen there.
    pub seen: String,
}

/// A window the code table gives as a number of hours (`collection_hours = 5`).
fn hours<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let h = f64::deserialize(d)?;
    Duration::new(h, DurationUnit::H)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// An lmr code.
///
/// ```
/// let table = lmr::report::fhir::CodeTable::builtin();
/// assert!(table.lmr.iter().any(|c| c.result == "{sugar}_recovery"));
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LmrCode {
    /// The result key, with `{sugar}` for each sugar key (`{sugar}_recovery`).
    pub result: String,
    /// The display, with `{Sugar}` for the sugar's name.
    pub display: String,
}

/// The interpretation part of the code table.
///
/// ```
/// let bands = &lmr::report::fhir::CodeTable::builtin().interpretation.bands;
/// assert_eq!(bands["within"], "N");
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterpretationTable {
    /// Code → display, for the codes whose display was seen.
    pub display: BTreeMap<String, String>,
    /// Band label → code.
    pub bands: BTreeMap<String, String>,
}

impl CodeTable {
    /// The table shipped with lmr (`src/report/fhir-codes.toml`, embedded at build time).
    ///
    /// ```
    /// assert_eq!(lmr::report::fhir::CodeTable::builtin().schema, 1);
    /// ```
    pub fn builtin() -> &'static CodeTable {
        static TABLE: OnceLock<CodeTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The file is part of the source, not user input; `tests` below parse it, so a
            // broken edit fails the test suite before it can ship.
            toml::from_str(include_str!("fhir-codes.toml"))
                .unwrap_or_else(|e| panic!("src/report/fhir-codes.toml: {e}"))
        })
    }

    /// The UCUM code for an lmr unit symbol (the symbol itself when not listed).
    ///
    /// ```
    /// let table = lmr::report::fhir::CodeTable::builtin();
    /// assert_eq!(table.ucum("µg/L"), "ug/L"); // UCUM is ASCII
    /// assert_eq!(table.ucum("ratio"), "{ratio}"); // an annotation of 1
    /// assert_eq!(table.ucum("furlong"), "furlong");
    /// ```
    pub fn ucum<'a>(&'a self, symbol: &'a str) -> &'a str {
        self.ucum.get(symbol).map_or(symbol, String::as_str)
    }

    /// The code for result `key` (`{sugar}` filled from `sugar`): the LOINC code whose
    /// conditions all hold in `fit`, else the lmr code.
    ///
    /// ```
    /// use lmr::reference::Matrix;
    /// use lmr::report::fhir::{CodeTable, Fit};
    /// use lmr::sugar::Sugar;
    ///
    /// let table = CodeTable::builtin();
    /// let urine = |window: Option<&str>| Fit {
    ///     specimen: Some(Matrix::Urine),
    ///     collection: window.and_then(|w| w.parse().ok()),
    ///     vitamin_d_form: None,
    /// };
    /// // LOINC 74899-6 is defined for a 5-hour urine (300 min is one): a 6-hour collection gets
    /// // the lmr code
    /// assert_eq!(table.code("lm_ratio", None, &urine(Some("5 h"))).coding[0].code, "74899-6");
    /// assert_eq!(table.code("lm_ratio", None, &urine(Some("300 min"))).coding[0].code, "74899-6");
    /// let six = table.code("lm_ratio", None, &urine(Some("6 h")));
    /// assert_eq!((six.coding[0].system.as_str(), six.coding[0].code.as_str()), ("urn:lmr:codes", "lm_ratio"));
    /// // `{sugar}` is filled in
    /// let r = table.code("{sugar}_recovery", Some(Sugar::Rhamnose), &urine(None));
    /// assert_eq!(r.coding[0].code, "rhamnose_recovery");
    /// ```
    pub fn code(&self, key: &str, sugar: Option<Sugar>, fit: &Fit<'_>) -> CodeableConcept {
        let concrete = match sugar {
            Some(s) => key.replace("{sugar}", s.key()),
            None => key.to_string(),
        };
        if let Some(l) = self
            .loinc
            .iter()
            .find(|l| l.result == concrete && fit.admits(l))
        {
            return CodeableConcept::coded(LOINC, &l.code, Some(l.display.clone()));
        }
        let display = self
            .lmr
            .iter()
            .find(|c| c.result == key)
            .map(|c| match sugar {
                Some(s) => c.display.replace("{Sugar}", s.name()),
                None => c.display.clone(),
            });
        CodeableConcept::coded(&self.lmr_system, &concrete, display)
    }

    /// The ObservationInterpretation coding for a band label, when the label maps to one.
    fn interpretation(&self, label: &str) -> Option<Coding> {
        let code = self.interpretation.bands.get(label)?;
        Some(Coding {
            system: INTERPRETATION.into(),
            code: code.clone(),
            display: self.interpretation.display.get(code).cloned(),
        })
    }
}

/// What a LOINC code's definition is checked against (shown with [`CodeTable::code`]).
///
/// ```
/// use lmr::reference::Matrix;
/// use lmr::report::fhir::{CodeTable, Fit};
///
/// let table = CodeTable::builtin();
/// // LOINC 14635-7 is 25-hydroxyvitamin D3 in serum: it fits a D3 result, not a total one
/// let d3 = Fit { specimen: Some(Matrix::Serum), collection: None, vitamin_d_form: Some("d3") };
/// assert_eq!(table.code("vitamin_d", None, &d3).coding[0].code, "14635-7");
/// let total = Fit { vitamin_d_form: Some("total"), ..d3 };
/// assert_eq!(table.code("vitamin_d", None, &total).coding[0].system, "urn:lmr:codes");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Fit<'a> {
    /// The specimen.
    pub specimen: Option<Matrix>,
    /// The whole collection's window (`None` for a timed fraction or when not given).
    pub collection: Option<Duration>,
    /// The 25(OH)D form.
    pub vitamin_d_form: Option<&'a str>,
}

impl Fit<'_> {
    fn admits(&self, l: &LoincCode) -> bool {
        let specimen = l
            .specimen
            .as_deref()
            .is_none_or(|s| self.specimen.is_some_and(|m| m.key() == s));
        // The window must be the code's exactly: a 6-hour collection is not a 5-hour urine.
        let window = l.collection.is_none_or(|c| {
            self.collection
                .is_some_and(|w| (w.in_hours() - c.in_hours()).abs() < 1e-9)
        });
        let form = l
            .vitamin_d_form
            .as_deref()
            .is_none_or(|f| self.vitamin_d_form == Some(f));
        specimen && window && form
    }
}

// ---------------------------------------------------------------------------------------------
// The FHIR shapes (R4; only the elements lmr writes)
// ---------------------------------------------------------------------------------------------

/// A FHIR `Bundle` of type `collection`.
///
/// ```
/// use lmr::report::fhir::{error_bundle, Resource, RowProblem};
///
/// let problem = RowProblem { field: Some("urine_volume"), value: "-3 mL", message: "row 7: must not be negative".into() };
/// let b = error_bundle(7, &[problem]);
/// assert_eq!((b.resource_type, b.kind), ("Bundle", "collection"));
/// assert_eq!(b.identifier.as_ref().unwrap().value, "7");
/// assert!(matches!(&b.entry[0].resource, Resource::OperationOutcome(o) if o.issue.len() == 1));
/// assert!(b.entry[0].full_url.starts_with("urn:uuid:"));
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    /// Always `Bundle`.
    pub resource_type: &'static str,
    /// The batch row (`urn:lmr:batch-row`, data row number), for NDJSON output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// Always `collection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The resources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<Entry>,
}

/// A bundle entry.
///
/// ```
/// use lmr::report::fhir::Resource;
///
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// # let sample = lmr::sample::from_fields(fields, &registry)?;
/// # let mut result = lmr::Interpretation::default();
/// # interpreter.interpret(&sample, &mut result)?;
/// // The Dutch SAT (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine), 30 and 200 mg/L in 1 L:
/// // entries are the panel, the lactulose and mannitol recoveries, and the L:M ratio.
/// let bundle = lmr::report::fhir::bundle(&sample, &result, None);
/// assert_eq!(bundle.entry.len(), 4);
/// // every entry has its own id, and the panel's members are the other entries
/// let Resource::Observation(panel) = &bundle.entry[0].resource else { panic!("the panel") };
/// let members: Vec<_> = panel.has_member.iter().filter_map(|m| m.reference.clone()).collect();
/// let ids: Vec<_> = bundle.entry[1..].iter().map(|e| e.full_url.clone()).collect();
/// assert_eq!(members, ids);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// `urn:uuid:…`, what `hasMember` references.
    pub full_url: String,
    /// The resource.
    pub resource: Resource,
}

/// A resource in a bundle.
///
/// ```
/// use lmr::report::fhir::Resource;
///
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// # let sample = lmr::sample::from_fields(fields, &registry)?;
/// # let mut result = lmr::Interpretation::default();
/// # interpreter.interpret(&sample, &mut result)?;
/// // The Dutch SAT (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine), 30 and 200 mg/L in 1 L:
/// // entries are the panel, the lactulose and mannitol recoveries, and the L:M ratio.
/// let bundle = lmr::report::fhir::bundle(&sample, &result, None);
/// let kind = |r: &Resource| match r {
///     Resource::Observation(o) => o.resource_type,
///     Resource::OperationOutcome(o) => o.resource_type,
/// };
/// assert!(bundle.entry.iter().all(|e| kind(&e.resource) == "Observation"));
/// // written untagged: the resource's own `resourceType` says what it is
/// assert_eq!(serde_json::to_value(&bundle.entry[1].resource)?["resourceType"], "Observation");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Resource {
    /// An observation.
    Observation(Box<Observation>),
    /// Why a row could not be interpreted.
    OperationOutcome(OperationOutcome),
}

/// A FHIR `Identifier`.
///
/// ```
/// use lmr::report::fhir::{error_bundle, ROW_SYSTEM};
///
/// // a batch row's bundle names its data row
/// let id = error_bundle(12, &[]).identifier.unwrap();
/// assert_eq!((id.system.as_str(), id.value.as_str()), (ROW_SYSTEM, "12"));
/// assert_eq!(serde_json::to_string(&id)?, r#"{"system":"urn:lmr:batch-row","value":"12"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Identifier {
    /// Namespace.
    pub system: String,
    /// Value.
    pub value: String,
}

/// A FHIR `Coding`.
///
/// ```
/// use lmr::report::fhir::{Coding, LOINC};
///
/// let c = Coding { system: LOINC.into(), code: "74899-6".into(), display: None };
/// // no display: no key
/// assert_eq!(serde_json::to_string(&c)?, r#"{"system":"http://loinc.org","code":"74899-6"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Coding {
    /// Code system URI.
    pub system: String,
    /// Code.
    pub code: String,
    /// Display text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A FHIR `CodeableConcept`.
///
/// ```
/// use lmr::report::fhir::{Resource, INTERPRETATION};
///
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// # let sample = lmr::sample::from_fields(fields, &registry)?;
/// # let mut result = lmr::Interpretation::default();
/// # interpreter.interpret(&sample, &mut result)?;
/// // The Dutch SAT (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine), 30 and 200 mg/L in 1 L:
/// // entries are the panel, the lactulose and mannitol recoveries, and the L:M ratio.
/// let bundle = lmr::report::fhir::bundle(&sample, &result, None);
/// let Resource::Observation(ratio) = &bundle.entry[3].resource else { panic!("the ratio") };
/// // 0.6 % ÷ 10 % = 0.06 ≤ 0.089: the band `within`, HL7 code N, and the band in the text
/// let verdict = &ratio.interpretation[0];
/// assert_eq!((verdict.coding[0].system.as_str(), verdict.coding[0].code.as_str()), (INTERPRETATION, "N"));
/// assert_eq!(verdict.text.as_deref(), Some("dutch-sat-hyperosmolar-5h: within"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct CodeableConcept {
    /// Codings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    /// Text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    fn coded(system: &str, code: &str, display: Option<String>) -> CodeableConcept {
        CodeableConcept {
            coding: vec![Coding {
                system: system.into(),
                code: code.into(),
                display,
            }],
            text: None,
        }
    }

    fn text(text: impl Into<String>) -> CodeableConcept {
        CodeableConcept {
            coding: Vec::new(),
            text: Some(text.into()),
        }
    }
}

/// A FHIR `Quantity` with a UCUM unit.
///
/// ```
/// use lmr::report::fhir::{Quantity, UCUM};
///
/// // a result below the limit: the bound with comparator `<`; 1/3 written to 10 digits
/// let q = Quantity { value: 1.0 / 3.0, comparator: Some("<"), unit: "mg/L".into(), system: UCUM, code: "mg/L".into() };
/// assert_eq!(
///     serde_json::to_string(&q)?,
///     r#"{"value":0.3333333333,"comparator":"<","unit":"mg/L","system":"http://unitsofmeasure.org","code":"mg/L"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Quantity {
    /// The number (for a censored value: the bound), written by lmr's one number formatter
    /// ([`crate::number::json`]: 10 significant digits, whole numbers without a point).
    #[serde(serialize_with = "lab_number")]
    pub value: f64,
    /// `<` or `>` for a censored value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparator: Option<&'static str>,
    /// The unit as printed.
    pub unit: String,
    /// Always UCUM.
    pub system: &'static str,
    /// The UCUM code.
    pub code: String,
}

fn lab_number<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    crate::number::json(*x).serialize(s)
}

/// A FHIR `Reference` (lmr writes `reference` for `hasMember`, `display` for `specimen`).
///
/// ```
/// use lmr::report::fhir::Resource;
///
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// # let sample = lmr::sample::from_fields(fields, &registry)?;
/// # let mut result = lmr::Interpretation::default();
/// # interpreter.interpret(&sample, &mut result)?;
/// // The Dutch SAT (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine), 30 and 200 mg/L in 1 L:
/// // entries are the panel, the lactulose and mannitol recoveries, and the L:M ratio.
/// let bundle = lmr::report::fhir::bundle(&sample, &result, None);
/// let Resource::Observation(lactulose) = &bundle.entry[1].resource else { panic!("a recovery") };
/// let specimen = lactulose.specimen.as_ref().unwrap();
/// assert_eq!(specimen.display.as_deref(), Some("urine, 5 h collection after the oral dose"));
/// assert!(specimen.reference.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct Reference {
    /// `urn:uuid:…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A FHIR `Annotation` (a flag or caveat, its code first in the text).
///
/// ```
/// use lmr::report::fhir::Resource;
///
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// # let sample = lmr::sample::from_fields(fields, &registry)?;
/// # let mut result = lmr::Interpretation::default();
/// # interpreter.interpret(&sample, &mut result)?;
/// // The Dutch SAT (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine), 30 and 200 mg/L in 1 L:
/// // entries are the panel, the lactulose and mannitol recoveries, and the L:M ratio.
/// let bundle = lmr::report::fhir::bundle(&sample, &result, None);
/// // the panel carries the sample's flags and caveats
/// let Resource::Observation(panel) = &bundle.entry[0].resource else { panic!("the panel") };
/// assert!(panel.note.iter().any(|n| n.text.starts_with("caveat sugar_test_general: ")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Annotation {
    /// `flag <code>: …` or `caveat <code>: …`.
    pub text: String,
}

/// A FHIR `Observation.referenceRange`.
///
/// ```
/// use lmr::report::fhir::Resource;
///
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// # let sample = lmr::sample::from_fields(fields, &registry)?;
/// # let mut result = lmr::Interpretation::default();
/// # interpreter.interpret(&sample, &mut result)?;
/// // The Dutch SAT (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine), 30 and 200 mg/L in 1 L:
/// // entries are the panel, the lactulose and mannitol recoveries, and the L:M ratio.
/// let bundle = lmr::report::fhir::bundle(&sample, &result, None);
/// let Resource::Observation(ratio) = &bundle.entry[3].resource else { panic!("the ratio") };
/// // Dutch SAT cut-off (Uil et al. 1996): `within` is x ≤ 0.089, so a high end and no low end
/// let range = &ratio.reference_range[0];
/// assert_eq!(range.high.as_ref().map(|q| q.value), Some(0.089));
/// assert!(range.low.is_none());
/// assert!(range.text.contains("[dutch-sat-hyperosmolar-5h]") && range.text.contains("upper bound 0.089 inclusive"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct ReferenceRangeElement {
    /// Lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Quantity>,
    /// Upper bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Quantity>,
    /// The range, its band, whether each bound is inclusive, and its source.
    pub text: String,
}

/// A FHIR `Observation.component`.
///
/// ```
/// use lmr::report::fhir::Resource;
///
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// # let sample = lmr::sample::from_fields(fields, &registry)?;
/// # let mut result = lmr::Interpretation::default();
/// # interpreter.interpret(&sample, &mut result)?;
/// // The Dutch SAT (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine), 30 and 200 mg/L in 1 L:
/// // entries are the panel, the lactulose and mannitol recoveries, and the L:M ratio.
/// let bundle = lmr::report::fhir::bundle(&sample, &result, None);
/// let Resource::Observation(ratio) = &bundle.entry[3].resource else { panic!("the ratio") };
/// // the protocol: each dose (g), the window (h), the urine volume (L; LOINC 12255-6 is the
/// // volume of a 5-hour urine)
/// let parts: Vec<(&str, f64)> = ratio
///     .component
///     .iter()
///     .map(|c| (c.code.coding[0].code.as_str(), c.value_quantity.as_ref().unwrap().value))
///     .collect();
/// assert_eq!(parts, [
///     ("lactulose_dose", 5.0), ("mannitol_dose", 2.0), ("sucrose_dose", 40.0),
///     ("collection_window", 5.0), ("12255-6", 1.0),
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    /// What it is.
    pub code: CodeableConcept,
    /// A quantity (doses, window, volume, a second unit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    /// A text (a fraction's label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
}

/// A FHIR `Observation`.
///
/// ```
/// use lmr::report::fhir::Resource;
///
/// # let registry = lmr::Registry::builtin()?;
/// # let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// # let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L")];
/// # let sample = lmr::sample::from_fields(fields, &registry)?;
/// # let mut result = lmr::Interpretation::default();
/// # interpreter.interpret(&sample, &mut result)?;
/// // The Dutch SAT (5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine), 30 and 200 mg/L in 1 L:
/// // entries are the panel, the lactulose and mannitol recoveries, and the L:M ratio.
/// let bundle = lmr::report::fhir::bundle(&sample, &result, None);
/// let Resource::Observation(ratio) = &bundle.entry[3].resource else { panic!("the ratio") };
/// assert_eq!((ratio.status, ratio.category[0].coding[0].code.as_str()), ("final", "laboratory"));
/// // a 5-hour urine: LOINC 74899-6, lactulose/mannitol ratio; 0.6 % ÷ 10 % = 0.06
/// assert_eq!(ratio.code.coding[0].code, "74899-6");
/// let q = ratio.value_quantity.as_ref().unwrap();
/// assert_eq!((q.value, q.code.as_str()), (0.06, "{ratio}"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    /// Always `Observation`.
    pub resource_type: &'static str,
    /// Always `final`.
    pub status: &'static str,
    /// `laboratory`.
    pub category: Vec<CodeableConcept>,
    /// What was measured or computed.
    pub code: CodeableConcept,
    /// The value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    /// Why there is no value (a result below the assay's limit, the limit not given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_absent_reason: Option<CodeableConcept>,
    /// The range's verdict: a coding where the band maps, the band label in `text`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<CodeableConcept>,
    /// Flags and caveats.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    /// The specimen, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specimen: Option<Reference>,
    /// The range used.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reference_range: Vec<ReferenceRangeElement>,
    /// The panel's members.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub has_member: Vec<Reference>,
    /// Protocol (doses, window, urine volume), a fraction's label, a value in a second unit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub component: Vec<Component>,
}

/// A FHIR `OperationOutcome`.
///
/// ```
/// use lmr::report::fhir::{error_bundle, Resource, RowProblem};
///
/// let problems = [
///     RowProblem { field: Some("urine_volume"), value: "-3 mL", message: "row 7: must not be negative".into() },
///     RowProblem { field: Some("sex"), value: "x", message: "row 7: unknown sex".into() },
/// ];
/// let Resource::OperationOutcome(o) = &error_bundle(7, &problems).entry[0].resource else { panic!() };
/// assert_eq!((o.resource_type, o.issue.len()), ("OperationOutcome", 2)); // one issue per problem
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OperationOutcome {
    /// Always `OperationOutcome`.
    pub resource_type: &'static str,
    /// The problems.
    pub issue: Vec<Issue>,
}

/// One `OperationOutcome.issue`.
///
/// ```
/// use lmr::report::fhir::{error_bundle, Resource, RowProblem};
///
/// let p = RowProblem { field: Some("urine_volume"), value: "-3 mL", message: "row 7: must not be negative".into() };
/// let Resource::OperationOutcome(o) = &error_bundle(7, &[p]).entry[0].resource else { panic!() };
/// let issue = &o.issue[0];
/// assert_eq!((issue.severity, issue.code), ("error", "invalid"));
/// assert_eq!(issue.details.text.as_deref(), Some(r#"field "urine_volume", value "-3 mL""#));
/// assert_eq!(issue.diagnostics, "row 7: must not be negative");
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Issue {
    /// `error`.
    pub severity: &'static str,
    /// `invalid` (content invalid against the specification or a profile).
    pub code: &'static str,
    /// The field and its value, as text.
    pub details: CodeableConcept,
    /// The whole message: row, line, column, value, what was expected.
    pub diagnostics: String,
}

// ---------------------------------------------------------------------------------------------
// Building a bundle
// ---------------------------------------------------------------------------------------------

/// A deterministic `urn:uuid` (version-4 layout) from the row and the entry's index, so that
/// output is reproducible and every entry of an NDJSON file has its own id.
fn uuid(row: u64, index: usize) -> String {
    format!(
        "urn:uuid:{:08x}-{:04x}-4000-8000-{:012x}",
        row & 0xffff_ffff,
        (row >> 32) & 0xffff,
        index
    )
}

fn quantity(table: &CodeTable, value: Censored, unit: &str) -> Quantity {
    Quantity {
        value: value.number(),
        comparator: match value {
            Censored::Exact(_) => None,
            Censored::LessThan(_) => Some("<"),
            Censored::GreaterThan(_) => Some(">"),
        },
        unit: unit.to_string(),
        system: UCUM,
        code: table.ucum(unit).to_string(),
    }
}

fn exact(table: &CodeTable, value: f64, unit: &str) -> Quantity {
    quantity(table, Censored::Exact(value), unit)
}

fn bound_text(b: Option<Bound>, which: &str) -> Option<String> {
    b.map(|b| {
        format!(
            "{which} bound {} {}",
            b.value,
            if b.inclusive {
                "inclusive (a value equal to it is inside the band)"
            } else {
                "exclusive (a value equal to it is outside the band)"
            }
        )
    })
}

fn source_text(r: &ReferenceRange) -> String {
    let link = r.source.doi.as_deref().or(r.source.url.as_deref());
    match link {
        Some(l) => format!("{} ({l})", r.source.citation),
        None => r.source.citation.clone(),
    }
}

/// The reference range elements for a range: the band that maps to `N` with its bounds, or,
/// when no band does, the range's bands in text only.
fn reference_range(table: &CodeTable, r: &ReferenceRange) -> ReferenceRangeElement {
    let unit = r.unit.to_string();
    let normal = r
        .bands
        .iter()
        .find(|b| table.interpretation.bands.get(&b.label).map(String::as_str) == Some("N"));
    match normal {
        Some(b) => {
            let bounds: Vec<String> = [bound_text(b.lower, "lower"), bound_text(b.upper, "upper")]
                .into_iter()
                .flatten()
                .collect();
            ReferenceRangeElement {
                low: b.lower.map(|x| exact(table, x.value, &unit)),
                high: b.upper.map(|x| exact(table, x.value, &unit)),
                text: format!(
                    "{} [{}]: band '{}' {} {unit}; {}. Source: {}",
                    r.title,
                    r.id,
                    b.label,
                    b.interval(),
                    bounds.join("; "),
                    source_text(r)
                ),
            }
        }
        None => ReferenceRangeElement {
            low: None,
            high: None,
            text: format!(
                "{} [{}]: {} (unit {unit}). Source: {}",
                r.title,
                r.id,
                r.bands.iter().map(band_text).collect::<Vec<_>>().join("; "),
                source_text(r)
            ),
        },
    }
}

fn band_text(b: &Band) -> String {
    format!("'{}' {}", b.label, b.interval())
}

/// The interpretation of a value under a range: the mapped code (if any) and the band label.
/// A serum 25(OH)D observation in nmol/L (exact, or a limit with its comparator), with each
/// chosen scheme's class and range; the fit is the one its codes were chosen by.
fn vitamin_d_observation(
    table: &CodeTable,
    form: VitaminDForm,
    value: Censored,
    schemes: &[RangeResult<'_>],
) -> (Observation, Fit<'static>) {
    let fit = Fit {
        specimen: Some(Matrix::Serum),
        collection: None,
        vitamin_d_form: Some(form.key()),
    };
    let mut o = observation(
        table.code("vitamin_d", None, &fit),
        Some(quantity(table, value, "nmol/L")),
        "serum",
    );
    if form == VitaminDForm::Total {
        o.code.text = Some(
            "25-hydroxyvitamin D (D2 + D3); nmol/L converted from mass with the 25(OH)D3 molar mass where given in mass units"
                .into(),
        );
    }
    for res in schemes {
        o.interpretation.push(interpretation(table, res));
        o.reference_range.push(reference_range(table, res.range));
    }
    (o, fit)
}

fn interpretation(table: &CodeTable, res: &RangeResult<'_>) -> CodeableConcept {
    let label = res.label();
    CodeableConcept {
        coding: table.interpretation(label).into_iter().collect(),
        text: Some(format!("{}: {label}", res.range.id)),
    }
}

fn laboratory() -> Vec<CodeableConcept> {
    vec![CodeableConcept::coded(
        CATEGORY,
        "laboratory",
        Some("Laboratory".into()),
    )]
}

fn observation(code: CodeableConcept, value: Option<Quantity>, specimen: &str) -> Observation {
    Observation {
        resource_type: "Observation",
        status: "final",
        category: laboratory(),
        code,
        value_quantity: value,
        data_absent_reason: None,
        interpretation: Vec::new(),
        note: Vec::new(),
        specimen: Some(Reference {
            reference: None,
            display: Some(specimen.to_string()),
        }),
        reference_range: Vec::new(),
        has_member: Vec::new(),
        component: Vec::new(),
    }
}

/// Builds one sample's bundle. `row` numbers the entries' ids (1 for a single check).
struct Builder<'a> {
    table: &'a CodeTable,
    sample: &'a Sample,
    /// Whether the sample's urine is a whole timed collection (not one fraction of a longer one).
    whole: bool,
    /// Observations of urine sugars (recoveries, ratios).
    urine: Vec<Observation>,
    /// Other observations (vitamin D, zonulin).
    other: Vec<Observation>,
}

impl<'a> Builder<'a> {
    /// The whole collection's window in hours, for the LOINC fit (none with timed fractions:
    /// their sum is not one timed collection of the LOINC code's kind).
    fn whole_window(&self) -> Option<Duration> {
        if self.whole && self.sample.fractions.is_empty() {
            self.sample.protocol.collection
        } else {
            None
        }
    }

    fn urine_fit(&self) -> Fit<'static> {
        Fit {
            specimen: Some(Matrix::Urine),
            collection: self.whole_window(),
            vitamin_d_form: None,
        }
    }

    fn urine_specimen(&self) -> String {
        match (
            &self.sample.protocol.collection,
            self.sample.fractions.is_empty(),
        ) {
            (Some(c), true) => format!("urine, {c} collection after the oral dose"),
            (Some(c), false) => format!("urine, timed fractions over {c} after the oral dose"),
            (None, true) => "urine (collection window not given)".into(),
            (None, false) => "urine, timed fractions".into(),
        }
    }

    /// The protocol as components: each dose, the window, the urine volume.
    fn protocol_components(&self) -> Vec<Component> {
        let t = self.table;
        let mut out = Vec::new();
        for (sugar, dose) in self.sample.protocol.doses.iter() {
            let mut code = t.code("{sugar}_dose", Some(sugar), &Fit::default());
            if dose.form == DoseForm::Monohydrate {
                code.text = Some(format!("{} dose weighed as the monohydrate", sugar.name()));
            }
            let unit = dose.mass.unit().symbol();
            out.push(Component {
                code,
                value_quantity: Some(exact(t, dose.mass.value(), unit)),
                value_string: None,
            });
        }
        if let Some(c) = self.sample.protocol.collection {
            out.push(Component {
                code: t.code("collection_window", None, &Fit::default()),
                value_quantity: Some(exact(t, c.in_hours(), "h")),
                value_string: None,
            });
        }
        if let Some(v) = self.sample.urine_volume {
            out.push(Component {
                code: t.code("urine_volume", None, &self.urine_fit()),
                value_quantity: Some(exact(t, v.value(), v.unit().symbol())),
                value_string: None,
            });
        }
        out
    }

    fn urine_observation(
        &self,
        key: &str,
        sugar: Option<Sugar>,
        value: Censored,
        unit: &str,
        fraction: Option<usize>,
    ) -> Observation {
        let t = self.table;
        let fit = match fraction {
            Some(_) => Fit {
                collection: None,
                ..self.urine_fit()
            },
            None => self.urine_fit(),
        };
        let mut o = observation(
            t.code(key, sugar, &fit),
            Some(quantity(t, value, unit)),
            &self.urine_specimen(),
        );
        o.component = self.protocol_components();
        if let Some(i) = fraction {
            let f = &self.sample.fractions[i];
            o.component.push(Component {
                code: t.code("fraction", None, &Fit::default()),
                value_quantity: None,
                value_string: Some(f.label.clone()),
            });
            if let Some(v) = f.volume {
                o.component.push(Component {
                    code: t.code("urine_volume", None, &Fit::default()),
                    value_quantity: Some(exact(t, v.value(), v.unit().symbol())),
                    value_string: None,
                });
            }
        }
        o
    }

    fn ratio(
        &mut self,
        key: &str,
        value: Option<Censored>,
        range: Option<&RangeResult<'_>>,
        class_without_range: bool,
    ) {
        let Some(v) = value else { return };
        let mut o = self.urine_observation(key, None, v, "ratio", None);
        match range {
            Some(res) => {
                o.interpretation.push(interpretation(self.table, res));
                o.reference_range
                    .push(reference_range(self.table, res.range));
            }
            None if class_without_range => o
                .interpretation
                .push(CodeableConcept::text(crate::reference::UNCLASSIFIED)),
            None => {}
        }
        self.urine.push(o);
    }
}

/// The bundle for one interpreted sample. `row` is the batch data row (`None` for a single
/// sample): it goes in [`Bundle::identifier`] and makes the entries' `urn:uuid` ids distinct
/// across an NDJSON file.
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
/// use lmr::report::fhir::{bundle, Resource};
/// use lmr::vitamin_d::{VitaminD, VitaminDForm};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.vitamin_d = Some(VitaminD::new("30 ng/mL".parse()?, VitaminDForm::Total)?);
/// let mut result = Interpretation::default();
/// interpreter.interpret(&sample, &mut result)?;
/// let b = bundle(&sample, &result, Some(3));
/// assert_eq!(b.identifier.unwrap().value, "3");
/// let Resource::Observation(o) = &b.entry[0].resource else { panic!("an observation") };
/// // 30 ng/mL × 1000 ÷ 400.64 = 74.880191693… nmol/L, written with 10 significant digits
/// let q = serde_json::to_value(o.value_quantity.as_ref().unwrap())?;
/// assert_eq!(q["value"], 74.88019169);
/// assert_eq!(q["code"], "nmol/L");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bundle(sample: &Sample, result: &Interpretation<'_>, row: Option<u64>) -> Bundle {
    build(sample, result, row, true)
}

/// The bundle for one row of a long-format batch (one row per timed fraction): as [`bundle`],
/// but the row's urine is one fraction of a longer collection, so no code defined for a whole
/// timed collection (the 5-hour urine LOINC codes) is used, whatever the row's window.
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
/// use lmr::report::fhir::{fraction_row_bundle, Resource};
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// // the 0–5 h fraction of a longer collection
/// let mut sample = Sample::default();
/// sample.protocol.fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
/// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
/// sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
/// sample.urine_volume = Some("1 L".parse()?);
/// let mut result = Interpretation::default();
/// interpreter.interpret(&sample, &mut result)?;
/// let b = fraction_row_bundle(&sample, &result, 1);
/// // no 5-hour-urine LOINC code for a fraction: every code is lmr's own
/// for e in &b.entry {
///     if let Resource::Observation(o) = &e.resource {
///         assert_eq!(o.code.coding[0].system, "urn:lmr:codes");
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fraction_row_bundle(sample: &Sample, result: &Interpretation<'_>, row: u64) -> Bundle {
    build(sample, result, Some(row), false)
}

fn build(sample: &Sample, result: &Interpretation<'_>, row: Option<u64>, whole: bool) -> Bundle {
    let table = CodeTable::builtin();
    let mut b = Builder {
        table,
        sample,
        whole,
        urine: Vec::new(),
        other: Vec::new(),
    };
    for (sugar, r) in result.recoveries.iter() {
        let o = b.urine_observation("{sugar}_recovery", Some(sugar), r.in_percent(), "%", None);
        b.urine.push(o);
    }
    let value = |r: Option<crate::ratio::ExcretionRatio>| r.map(|r| r.value());
    b.ratio("lm_ratio", value(result.lm_ratio), result.lm.as_ref(), true);
    b.ratio("lr_ratio", value(result.lr_ratio), result.lr.as_ref(), true);
    b.ratio("l13m_ratio", value(result.l13m_ratio), None, false);
    for (i, fr) in result.fractions.iter().enumerate() {
        for (sugar, r) in fr.recoveries.iter() {
            let o = b.urine_observation(
                "{sugar}_recovery",
                Some(sugar),
                r.in_percent(),
                "%",
                Some(i),
            );
            b.urine.push(o);
        }
        for (key, v) in [
            ("lm_ratio", fr.ratios.lm),
            ("lr_ratio", fr.ratios.lr),
            ("l13m_ratio", fr.ratios.l13m),
        ] {
            if let Some(v) = v {
                let o = b.urine_observation(key, None, v.value(), "ratio", Some(i));
                b.urine.push(o);
            }
        }
    }
    if let Some(vd) = &result.vitamin_d {
        let value = Censored::Exact(vd.value.in_nmol_per_l());
        let (mut o, fit) = vitamin_d_observation(table, vd.value.form(), value, &vd.schemes);
        o.component.push(Component {
            code: table.code("vitamin_d_mass", None, &fit),
            value_quantity: Some(exact(table, vd.value.in_ng_per_ml(), "ng/mL")),
            value_string: None,
        });
        b.other.push(o);
    }
    // Below a stated limit: the value is the limit with comparator `<` (nmol/L), classified only
    // where one band holds every value below it.
    if let Some(below) = &result.vitamin_d_below {
        let form = below.limit.form();
        let bound = below.bound_in_nmol_per_l();
        let (o, _) = vitamin_d_observation(table, form, bound, &below.schemes);
        b.other.push(o);
    }
    if let Some(z) = &result.zonulin {
        let matrix = z.value.matrix();
        let key = match matrix {
            Matrix::Stool => "zonulin_stool",
            _ => "zonulin_serum",
        };
        let fit = Fit {
            specimen: Some(matrix),
            ..Fit::default()
        };
        let unit = z.value.unit().to_string();
        let mut o = observation(
            table.code(key, None, &fit),
            Some(exact(table, z.value.value(), &unit)),
            matrix.key(),
        );
        match &z.range {
            Some(res) => {
                o.interpretation.push(interpretation(table, res));
                o.reference_range.push(reference_range(table, res.range));
            }
            None => o
                .interpretation
                .push(CodeableConcept::text(crate::reference::UNCLASSIFIED)),
        }
        b.other.push(o);
    }

    let identifier = row.and_then(row_identifier);
    // A vitamin D or zonulin result reported below the assay's limit, without the limit: an
    // observation with no value, so the result and its flag are not lost.
    for (below, key, specimen) in [
        (
            sample.below_limit.vitamin_d && result.vitamin_d_below.is_none(),
            "vitamin_d",
            "serum",
        ),
        (sample.below_limit.zonulin, "zonulin", "specimen as given"),
    ] {
        if below {
            let mut o = observation(table.code(key, None, &Fit::default()), None, specimen);
            o.data_absent_reason = Some(CodeableConcept::text(
                "below the assay's detection or quantification limit (the limit was not given)",
            ));
            b.other.push(o);
        }
    }
    let row = row.unwrap_or(0);
    let notes = notes(result);
    let sugar_panel = b.other.is_empty() && b.urine.len() > 1;
    let panel_fit = if sugar_panel {
        b.urine_fit()
    } else {
        Fit::default()
    };
    let mut observations: Vec<Observation> = b.urine.into_iter().chain(b.other).collect();
    let mut entries = Vec::with_capacity(observations.len() + 1);
    if observations.len() > 1 {
        let mut panel = observation(table.code("panel", None, &panel_fit), None, "");
        panel.specimen = None;
        panel.note = notes;
        panel.has_member = (0..observations.len())
            .map(|i| Reference {
                reference: Some(uuid(row, i + 1)),
                display: None,
            })
            .collect();
        entries.push(Entry {
            full_url: uuid(row, 0),
            resource: Resource::Observation(Box::new(panel)),
        });
    } else if let Some(only) = observations.first_mut() {
        only.note = notes;
    }
    for (i, o) in observations.into_iter().enumerate() {
        entries.push(Entry {
            full_url: uuid(row, i + 1),
            resource: Resource::Observation(Box::new(o)),
        });
    }
    Bundle {
        resource_type: "Bundle",
        identifier,
        kind: "collection",
        entry: entries,
    }
}

/// Flags (with what they refer to) and caveats, as notes: `flag <code>: <detail>. <explanation>`
/// and `caveat <code>: <text>`; then how the sample's protocol differs from an explicit range's.
fn notes(result: &Interpretation<'_>) -> Vec<Annotation> {
    let mut out: Vec<Annotation> = result
        .flags
        .iter()
        .map(|h| Annotation {
            text: format!(
                "flag {}: {}. {}",
                h.flag.code(),
                super::describe_flag(h, result),
                h.flag.explanation()
            ),
        })
        .collect();
    out.extend(result.caveats.iter().map(|c| Annotation {
        text: format!("caveat {}: {}", c.code(), c.text()),
    }));
    out.extend(result.lm_differences.iter().map(|d| Annotation {
        text: format!("L:M range protocol differs from the sample's: {d}"),
    }));
    out.extend(result.lr_differences.iter().map(|d| Annotation {
        text: format!("L:R range protocol differs from the sample's: {d}"),
    }));
    out
}

/// One problem with a batch row: the field (the column as the user wrote it; `None` for the
/// row as a whole), its value, and the whole message (row, line, column, value, what is wrong).
///
/// ```
/// use lmr::report::fhir::{error_bundle, Resource, RowProblem};
///
/// let p = RowProblem { field: None, value: "", message: "row 2: no result columns".into() };
/// let Resource::OperationOutcome(o) = &error_bundle(2, &[p]).entry[0].resource else { panic!() };
/// assert_eq!(o.issue[0].details.text.as_deref(), Some("the row as a whole"));
/// assert_eq!(o.issue[0].diagnostics, "row 2: no result columns");
/// ```
#[derive(Clone, Debug)]
pub struct RowProblem<'a> {
    /// The column.
    pub field: Option<&'a str>,
    /// The value as given.
    pub value: &'a str,
    /// The whole message.
    pub message: String,
}

/// An `OperationOutcome` with one error issue per problem.
fn outcome(problems: &[RowProblem<'_>]) -> OperationOutcome {
    OperationOutcome {
        resource_type: "OperationOutcome",
        issue: problems
            .iter()
            .map(|p| Issue {
                severity: "error",
                code: "invalid",
                details: CodeableConcept::text(match p.field {
                    Some(f) => format!("field {f:?}, value {:?}", p.value),
                    None => "the row as a whole".to_string(),
                }),
                diagnostics: p.message.clone(),
            })
            .collect(),
    }
}

/// The bundle for a row that could not be interpreted at all: one `OperationOutcome` whose
/// issues name each field and its value and carry the whole message.
///
/// ```
/// use lmr::report::fhir::{error_bundle, Resource, RowProblem};
///
/// let p = RowProblem { field: Some("sex"), value: "x", message: "row 5: \"x\": unknown sex".into() };
/// let Resource::OperationOutcome(o) = &error_bundle(5, &[p]).entry[0].resource else { panic!() };
/// assert_eq!((o.issue[0].severity, o.issue[0].code), ("error", "invalid"));
/// assert_eq!(o.issue[0].details.text.as_deref(), Some(r#"field "sex", value "x""#));
/// ```
pub fn error_bundle(row: u64, problems: &[RowProblem<'_>]) -> Bundle {
    Bundle {
        resource_type: "Bundle",
        identifier: row_identifier(row),
        kind: "collection",
        entry: vec![Entry {
            full_url: uuid(row, 0),
            resource: Resource::OperationOutcome(outcome(problems)),
        }],
    }
}

/// Adds an `OperationOutcome` for the fields of a row that were rejected while the rest of the
/// row was interpreted (nothing when `problems` is empty).
///
/// ```
/// use lmr::report::fhir::{add_problems, error_bundle, RowProblem};
///
/// let mut b = error_bundle(4, &[]);
/// add_problems(&mut b, 4, &[]);
/// assert_eq!(b.entry.len(), 1); // nothing added
/// let p = RowProblem { field: Some("zonulin"), value: "high", message: "row 4: not a number".into() };
/// add_problems(&mut b, 4, &[p]);
/// assert_eq!(b.entry.len(), 2);
/// assert_ne!(b.entry[0].full_url, b.entry[1].full_url); // ids stay distinct
/// ```
pub fn add_problems(bundle: &mut Bundle, row: u64, problems: &[RowProblem<'_>]) {
    if problems.is_empty() {
        return;
    }
    // Entry ids: the panel (if any) 0, the observations from 1; len + 1 is always free.
    let index = bundle.entry.len() + 1;
    bundle.entry.push(Entry {
        full_url: uuid(row, index),
        resource: Resource::OperationOutcome(outcome(problems)),
    });
}

/// `urn:lmr:batch-row` identifier for a data row (none for row 0, a single sample).
///
/// ```
/// use lmr::report::fhir::row_identifier;
///
/// assert_eq!(row_identifier(12).unwrap().value, "12");
/// assert!(row_identifier(0).is_none());
/// ```
pub fn row_identifier(row: u64) -> Option<Identifier> {
    (row > 0).then(|| Identifier {
        system: ROW_SYSTEM.into(),
        value: row.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_table_parses_and_every_lmr_key_used_is_listed() {
        let t = CodeTable::builtin();
        assert_eq!(t.schema, 1);
        for key in [
            "panel",
            "{sugar}_recovery",
            "lm_ratio",
            "lr_ratio",
            "l13m_ratio",
            "vitamin_d",
            "vitamin_d_mass",
            "zonulin",
            "zonulin_serum",
            "zonulin_stool",
            "{sugar}_dose",
            "collection_window",
            "urine_volume",
            "fraction",
        ] {
            assert!(t.lmr.iter().any(|c| c.result == key), "{key}");
        }
        for l in &t.loinc {
            assert!(l.checked.starts_with("https://"), "{}", l.code);
            assert!(!l.seen.is_empty(), "{}", l.code);
        }
    }

    #[test]
    fn loinc_5h_codes_only_for_a_5h_whole_urine_collection() {
        let t = CodeTable::builtin();
        let urine = |h: Option<f64>| Fit {
            specimen: Some(Matrix::Urine),
            collection: h.map(|h| Duration::new(h, crate::units::DurationUnit::H).unwrap()),
            vitamin_d_form: None,
        };
        let code = |fit: &Fit<'_>| t.code("lm_ratio", None, fit).coding[0].clone();
        assert_eq!(code(&urine(Some(5.0))).code, "74899-6");
        assert_eq!(code(&urine(Some(5.0))).system, LOINC);
        for other in [Some(6.0), Some(4.999), None] {
            let c = code(&urine(other));
            assert_eq!(
                (c.system.as_str(), c.code.as_str()),
                ("urn:lmr:codes", "lm_ratio")
            );
        }
    }

    #[test]
    fn quantities_use_the_one_number_formatter() {
        let t = CodeTable::builtin();
        let q = |x| serde_json::to_string(&exact(t, x, "%")).unwrap();
        assert!(q(0.011159999999999998).starts_with(r#"{"value":0.01116,"#));
        assert!(q(5.0).starts_with(r#"{"value":5,"#));
    }

    #[test]
    fn uuids_are_distinct_per_row_and_entry() {
        assert_eq!(uuid(1, 0), "urn:uuid:00000001-0000-4000-8000-000000000000");
        assert_eq!(uuid(1, 2), "urn:uuid:00000001-0000-4000-8000-000000000002");
        assert_ne!(uuid(2, 0), uuid(1, 0));
        assert_eq!(
            uuid(u64::from(u32::MAX) + 1, 3).len(),
            "urn:uuid:".len() + 36
        );
    }
}
