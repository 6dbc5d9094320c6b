//! A sample described in a small TOML file (`lmr check --sample FILE`): doses, age and sex,
//! baseline urine, pre-test conditions and timed urine fractions, which would make unwieldy flags.
//!
//! ```toml
//! age = 35                                  # or "18 months"
//! sex = "F"
//! collection = "24 h"                       # optional: defaults to the end of the last fraction
//! pretest_nsaid = false                     # yes/no keys take true/false or "yes"/"no"
//! egfr = 92                                 # mL/min/1.73 m²
//! doses = { lactulose = "1 g", mannitol = "100 mg", mannitol_13c6 = "100 mg", rhamnose = "1 g monohydrate" }
//! baseline = { mannitol = "11 mg/L" }
//!
//! [[fraction]]
//! label = "0-2h"
//! volume = "420 mL"
//! urine = { lactulose = "4.1 mg/L", mannitol = "61 mg/L", mannitol_13c6 = "58 mg/L" }
//!
//! [[fraction]]
//! label = "2-8h"
//! volume = "610 mL"
//! urine = { lactulose = "3.0 mg/L", mannitol = "40 mg/L", mannitol_13c6 = "39 mg/L" }
//! ```
//!
//! Without `[[fraction]]`, `volume` and `urine` may sit at the top level for one collection.
//! Every other top-level key is a field of the sample layer ([`crate::sample`]: `vitamin_d`,
//! `zonulin`, `zonulin_matrix`, `dose_volume`, `lactulose_solution`, `protocol`, …), read by the
//! same parser as the `lmr check` flag and the `lmr batch` column of that name; `doses.X` is the
//! field `X_dose`, `baseline.X` is `baseline_X` and `urine.X` is `X`.
//!
//! ```
//! let registry = lmr::reference::Registry::builtin()?;
//! let s = lmr::sample_file::parse("s.toml", "age = \"18 months\"\npretest_nsaid = true\negfr = 59", &registry)?;
//! assert_eq!(s.protocol.age.unwrap().in_years(), 1.5); // 18 / 12
//! assert_eq!(s.pretest.nsaid, Some(true));
//! assert_eq!(s.pretest.egfr.map(|e| e.value()), Some(59.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::fraction::{Window, WindowProblem};
use crate::interpretation::{Fraction, Sample};
use crate::protocol::SugarMap;
use crate::recovery::UrineResult;
use crate::reference::Registry;
use crate::sample::{parse as field, Problem};
use crate::sugar::Sugar;
use crate::units::Duration;

/// A sample file that cannot be used.
///
/// ```
/// use lmr::sample_file::{parse, SampleFileError};
/// let registry = lmr::Registry::builtin()?;
/// let text = "volume = \"1 L\"\nurine = { lactulose = \"20 mg/L\" }\n[[fraction]]\nlabel = \"0-2h\"\n";
/// let e = parse("s.toml", text, &registry).unwrap_err();
/// assert_eq!(e, SampleFileError::Mixed { path: "s.toml".into() }); // one collection or fractions
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SampleFileError {
    /// The file is not TOML of the expected shape (the TOML parser's message).
    #[error("{path}: {message}")]
    Toml {
        /// The file.
        path: String,
        /// What the TOML parser said.
        message: String,
    },
    /// Values that cannot be read, every one of them.
    #[error("{path}: {}", KeyErrorList(errors))]
    Keys {
        /// The file.
        path: String,
        /// Each rejected key, in the file's key order.
        errors: Vec<KeyError>,
    },
    /// A fraction whose label is not a usable window, or whose window repeats, overlaps
    /// another's (`other`) or ends after the collection: its urine would be summed wrongly.
    #[error("{path}: key `{key}`: {label:?}: {problem}{}", other.map(|j| format!(" (and fraction[{j}])")).unwrap_or_default())]
    Window {
        /// The file.
        path: String,
        /// The key (`fraction[1].label`).
        key: String,
        /// The label as written.
        label: String,
        /// What is wrong.
        problem: Box<WindowProblem>,
        /// The other fraction it clashes with, if any.
        other: Option<usize>,
    },
    /// Both a single collection (top-level `volume`/`urine`) and `[[fraction]]` tables.
    #[error("{path}: give either top-level volume/urine or [[fraction]] tables, not both")]
    Mixed {
        /// The file.
        path: String,
    },
}

/// One rejected key of a sample file: where (`fraction[1].urine.lactulose`), the value as
/// written, and what is wrong.
///
/// ```
/// use lmr::sample_file::{parse, SampleFileError};
/// let registry = lmr::Registry::builtin()?;
/// let e = parse("s.toml", "doses = { lactulose = \"0 g\" }", &registry).unwrap_err();
/// let SampleFileError::Keys { errors, .. } = &e else { panic!() };
/// assert_eq!((errors[0].key.as_str(), errors[0].value.as_str()), ("doses.lactulose", "0 g"));
/// assert_eq!(e.to_string(), r#"s.toml: key `doses.lactulose`: "0 g": a dose must be greater than zero"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct KeyError {
    /// The key, with its table (`doses.lactulose`, `fraction[0].volume`).
    pub key: String,
    /// The value as written.
    pub value: String,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key `{}`: {:?}: {}", self.key, self.value, self.problem)
    }
}

struct KeyErrorList<'a>(&'a [KeyError]);

impl fmt::Display for KeyErrorList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::sample::write_joined(f, self.0)
    }
}

/// A TOML value where the sample layer expects text: a number or a yes/no is read as its text.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Number(f64),
    YesNo(bool),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Text(t) => t.clone(),
            Scalar::Number(x) => x.to_string(),
            Scalar::YesNo(b) => if *b { "yes" } else { "no" }.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    doses: BTreeMap<String, Scalar>,
    #[serde(default)]
    baseline: BTreeMap<String, Scalar>,
    #[serde(default)]
    urine: BTreeMap<String, Scalar>,
    #[serde(default)]
    fraction: Vec<FractionDoc>,
    /// Every other key: a field of the sample layer.
    #[serde(flatten)]
    fields: BTreeMap<String, Scalar>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FractionDoc {
    label: String,
    volume: Option<Scalar>,
    #[serde(default)]
    urine: BTreeMap<String, Scalar>,
}

/// The end of a fraction label's window (`"8-24h"` → 24 h), if the label has that form.
///
/// ```
/// use lmr::sample_file::fraction_end;
/// assert_eq!(fraction_end("8-24h").map(|d| d.to_string()), Some("24 h".into()));
/// assert_eq!(fraction_end("2_5.5 h").map(|d| d.in_hours()), Some(5.5));
/// assert_eq!(fraction_end("overnight"), None);
/// ```
pub fn fraction_end(label: &str) -> Option<Duration> {
    Window::parse(label).ok().map(Window::end)
}

/// Each fraction's label must be a window ([`Window::parse`]) that neither repeats nor overlaps
/// another's nor ends after the collection: its urine is summed with the others'.
fn check_windows(path: &str, s: &Sample) -> Result<(), SampleFileError> {
    let mut windows: Vec<Window> = Vec::with_capacity(s.fractions.len());
    let collection = s.protocol.collection;
    for (i, f) in s.fractions.iter().enumerate() {
        let bad = |problem: WindowProblem, other: Option<usize>| SampleFileError::Window {
            path: path.to_string(),
            key: format!("fraction[{i}].label"),
            label: f.label.clone(),
            problem: Box::new(problem),
            other,
        };
        let w = Window::parse(&f.label).map_err(|e| bad(WindowProblem::Label(e), None))?;
        for (j, other) in windows.iter().enumerate() {
            if let Some(p) = w.problem_beside(*other) {
                return Err(bad(p, Some(j)));
            }
        }
        if let Some(p) = collection.and_then(|c| w.past(c)) {
            return Err(bad(p, None));
        }
        windows.push(w);
    }
    Ok(())
}

/// A top-level field: the key as written, the sample-layer field name, the text.
struct Entry {
    key: String,
    field: String,
    text: String,
}

/// Parses a sample file's text through the sample layer. `path` names it in messages;
/// `registry` resolves a `protocol` key.
///
/// # Errors
/// [`SampleFileError`]: TOML errors, and every key whose value cannot be read (unknown keys and
/// sugars included), each with the key, its value and the sample layer's [`Problem`].
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let text = "doses = { lactulose = \"5 g\" }\n[[fraction]]\nlabel = \"0-2h\"\nvolume = \"200 mL\"\nurine = { lactulose = \"50 mg/L\" }\n";
/// let s = lmr::sample_file::parse("s.toml", text, &registry)?;
/// assert_eq!((s.fractions.len(), s.fractions[0].label.as_str()), (1, "0-2h"));
/// assert_eq!(s.protocol.doses.get(lmr::Sugar::Lactulose).unwrap().mass.in_grams(), 5.0);
/// assert!(lmr::sample_file::parse("s.toml", "age = ", &registry).is_err()); // not TOML
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse(path: &str, text: &str, registry: &Registry) -> Result<Sample, SampleFileError> {
    let doc: Doc = toml::from_str(text).map_err(|e| SampleFileError::Toml {
        path: path.to_string(),
        message: e.to_string().trim().replace('\n', " "),
    })?;
    let mut errors = Vec::new();
    let entries = entries(&doc, &mut errors);
    let mut s = Sample::default();
    if let Err(rejected) = crate::sample::apply_fields(
        &mut s,
        entries.iter().map(|e| (e.field.as_str(), e.text.as_str())),
        registry,
    ) {
        for r in &rejected {
            let key = entries
                .iter()
                .find(|e| {
                    crate::sample::canonical_field(&e.field).as_deref() == Some(r.field())
                        && e.text.trim() == r.value().trim()
                })
                .map_or_else(|| r.field().to_string(), |e| e.key.clone());
            errors.push(KeyError {
                key,
                value: r.value().to_string(),
                problem: r.problem().clone(),
            });
        }
    }
    for (i, f) in doc.fraction.iter().enumerate() {
        let volume = f.volume.as_ref().and_then(|v| {
            let text = v.text();
            field::volume(&text, None)
                .map_err(|p| errors.push(key_error(format!("fraction[{i}].volume"), text, p)))
                .ok()
        });
        let urine = urine_map(&format!("fraction[{i}].urine"), &f.urine, &mut errors);
        s.fractions.push(Fraction {
            label: f.label.clone(),
            volume,
            urine,
        });
    }
    if !errors.is_empty() {
        return Err(SampleFileError::Keys {
            path: path.to_string(),
            errors,
        });
    }
    if !s.fractions.is_empty() && (!s.urine.is_empty() || s.urine_volume.is_some()) {
        return Err(SampleFileError::Mixed {
            path: path.to_string(),
        });
    }
    if s.protocol.collection.is_none() {
        let end = s
            .fractions
            .iter()
            .filter_map(|f| fraction_end(&f.label))
            .reduce(|a, b| if b.in_hours() > a.in_hours() { b } else { a });
        s.protocol.collection = end;
    }
    check_windows(path, &s)?;
    Ok(s)
}

fn key_error(key: String, value: String, problem: Problem) -> KeyError {
    KeyError {
        key,
        value,
        problem,
    }
}

/// The top-level fields as sample-layer fields; a table key naming no sugar is rejected here.
fn entries(doc: &Doc, errors: &mut Vec<KeyError>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut table = |name: &str, map: &BTreeMap<String, Scalar>, field: fn(&str) -> String| {
        for (sugar, v) in map {
            let key = format!("{name}.{sugar}");
            match sugar_of(sugar) {
                Ok(s) => out.push(Entry {
                    key,
                    field: field(s.key()),
                    text: v.text(),
                }),
                Err(p) => errors.push(key_error(key, v.text(), p)),
            }
        }
    };
    table("doses", &doc.doses, |s| format!("{s}_dose"));
    table("baseline", &doc.baseline, |s| format!("baseline_{s}"));
    table("urine", &doc.urine, |s| format!("urine_{s}"));
    out.extend(doc.fields.iter().map(|(k, v)| Entry {
        key: k.clone(),
        field: k.clone(),
        text: v.text(),
    }));
    out
}

fn sugar_of(name: &str) -> Result<Sugar, Problem> {
    name.parse::<Sugar>().map_err(|_| Problem::UnknownSugar {
        name: name.trim().to_string(),
        expected: crate::sample::SUGAR_NAMES,
    })
}

/// A fraction's `urine` table, each value through the concentration parser.
fn urine_map(
    prefix: &str,
    map: &BTreeMap<String, Scalar>,
    errors: &mut Vec<KeyError>,
) -> SugarMap<UrineResult> {
    let mut out = SugarMap::default();
    for (name, v) in map {
        let (key, text) = (format!("{prefix}.{name}"), v.text());
        match sugar_of(name).and_then(|s| Ok((s, field::concentration(&text, None)?))) {
            Ok((sugar, r)) => out.set(sugar, Some(r)),
            Err(p) => errors.push(key_error(key, text, p)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        Registry::builtin().unwrap()
    }

    #[test]
    fn fraction_labels() {
        let hours = |label| fraction_end(label).map(Duration::in_hours);
        assert_eq!(hours("0-2h"), Some(2.0));
        assert_eq!(hours("8–24 h"), Some(24.0));
        assert_eq!(hours("first"), None);
    }

    #[test]
    fn fraction_windows_are_checked() {
        let doc = |labels: &[&str], collection: &str| {
            let mut t = String::from(collection);
            for l in labels {
                t.push_str(&format!(
                    "[[fraction]]\nlabel = \"{l}\"\nvolume = \"1 L\"\n"
                ));
            }
            parse("s.toml", &t, &registry()).map_err(|e| e.to_string())
        };
        assert!(doc(&["0-2h", "2-8h"], "").is_ok());
        assert_eq!(
            doc(&["0-2h", "00_02h"], "").unwrap_err(),
            "s.toml: key `fraction[1].label`: \"00_02h\": the window 0–2 h is given twice: a fraction is never summed twice (and fraction[0])"
        );
        assert!(doc(&["0-4h", "2-6h"], "")
            .unwrap_err()
            .contains("the window 2–6 h overlaps 0–4 h"));
        assert!(doc(&["8-2h"], "")
            .unwrap_err()
            .contains("a reversed window"));
        assert!(doc(&["first"], "")
            .unwrap_err()
            .contains("not a collection window"));
        assert_eq!(
            doc(&["0-2h", "2-8h"], "collection = \"5 h\"\n").unwrap_err(),
            "s.toml: key `fraction[1].label`: \"2-8h\": the window 2–8 h ends after the collection (5 h)"
        );
    }

    #[test]
    fn every_rejected_key_is_named() {
        let text = "doses = { glucose = \"1 g\" }\nsex = \"X\"\n[[fraction]]\nlabel = \"0-2h\"\nvolume = \"-1 mL\"";
        let SampleFileError::Keys { errors, .. } = parse("s.toml", text, &registry()).unwrap_err()
        else {
            panic!("expected key errors")
        };
        let keys: Vec<_> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["doses.glucose", "sex", "fraction[0].volume"]);
        assert_eq!(
            errors[2].to_string(),
            "key `fraction[0].volume`: \"-1 mL\": must not be negative"
        );
    }

    #[test]
    fn keys_mean_what_the_check_flags_mean() {
        // The sample layer reads the same text the same way: 18 months = 1.5 years; 20 ng/mL of
        // 25(OH)D3 = 20 × 2.496 = 49.92 nmol/L (converted as D3).
        let text = "age = \"18 months\"\nvitamin_d = \"20 ng/mL\"\nglycosuria = \"no\"\nrecent_diarrhoea = true\ndoses = { lactulose = \"5 g\" }";
        let s = parse("s.toml", text, &registry()).unwrap();
        // 18 months ÷ 12 = 1.5 years
        assert_eq!(s.protocol.age.map(|a| a.in_years()), Some(1.5));
        assert_eq!(s.pretest.glycosuria, Some(false));
        assert_eq!(s.pretest.recent_diarrhoea, Some(true));
        assert!(s.protocol.doses.get(Sugar::Lactulose).is_some());
        assert!(s.vitamin_d.is_some());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let SampleFileError::Keys { errors, .. } =
            parse("s.toml", "factor = 250", &registry()).unwrap_err()
        else {
            panic!("expected key errors")
        };
        assert_eq!(errors[0].key, "factor");
        assert!(matches!(errors[0].problem, Problem::UnknownField { .. }));
    }
}
