//! A sample described in a small TOML file (`lmr check --sample FILE`): doses, age and sex,
//! baseline urine, and timed urine fractions, which would make unwieldy flags.
//!
//! ```toml
//! age = 35
//! sex = "F"
//! collection = "24 h"                       # optional: defaults to the end of the last fraction
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

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::fraction::Window;
use crate::interpretation::{Fraction, Sample};
use crate::protocol::{Dose, Sex, SugarMap};
use crate::recovery::UrineResult;
use crate::sugar::Sugar;
use crate::units::Duration;

/// A sample file that cannot be used; the message names the file and the key.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("{path}: key `{key}`: {problem}")]
pub struct SampleFileError {
    /// The file.
    pub path: String,
    /// The key (`fraction[1].urine.lactulose`).
    pub key: String,
    /// What is wrong.
    pub problem: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    age: Option<f64>,
    sex: Option<String>,
    collection: Option<String>,
    #[serde(default)]
    doses: BTreeMap<String, String>,
    #[serde(default)]
    baseline: BTreeMap<String, String>,
    volume: Option<String>,
    #[serde(default)]
    urine: BTreeMap<String, String>,
    #[serde(default)]
    fraction: Vec<FractionDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FractionDoc {
    label: String,
    volume: Option<String>,
    #[serde(default)]
    urine: BTreeMap<String, String>,
}

/// The end of a fraction label's window in hours (`"8-24h"` → 24), if the label has that form.
pub fn fraction_end_hours(label: &str) -> Option<f64> {
    Window::parse(label).ok().map(Window::end_hours)
}

/// Each fraction's label must be a window ([`Window::parse`]) that neither repeats nor overlaps
/// another's nor ends after the collection: its urine is summed with the others'.
fn check_windows(s: &Sample) -> Result<(), (String, String)> {
    let mut windows: Vec<Window> = Vec::with_capacity(s.fractions.len());
    let hours = s.protocol.collection.map(|c| c.in_hours());
    for (i, f) in s.fractions.iter().enumerate() {
        let key = format!("fraction[{i}].label");
        let bad = |p: String| (key.clone(), format!("{:?}: {p}", f.label));
        let w = Window::parse(&f.label).map_err(|e| bad(e.to_string()))?;
        for (j, other) in windows.iter().enumerate() {
            if let Some(p) = w.problem_beside(*other) {
                return Err(bad(format!("{p} (and fraction[{j}])")));
            }
        }
        if let Some(p) = hours.and_then(|h| w.past(h)) {
            return Err(bad(p.to_string()));
        }
        windows.push(w);
    }
    Ok(())
}

/// Parses a sample file's text. `path` names it in messages.
///
/// # Errors
/// [`SampleFileError`] naming the key, for TOML errors, unknown sugars, and values that do not
/// parse (with the value's own message).
pub fn parse(path: &str, text: &str) -> Result<Sample, SampleFileError> {
    let err = |key: &str, problem: String| SampleFileError {
        path: path.to_string(),
        key: key.to_string(),
        problem,
    };
    let doc: Doc =
        toml::from_str(text).map_err(|e| err("(file)", e.to_string().trim().replace('\n', " ")))?;
    let mut s = Sample::default();
    if let Some(age) = doc.age {
        if !age.is_finite() || age < 0.0 {
            return Err(err(
                "age",
                format!("{age}: expected a non-negative number of years"),
            ));
        }
        s.protocol.age_years = Some(age);
    }
    if let Some(sex) = &doc.sex {
        s.protocol.sex = Some(sex.parse::<Sex>().map_err(|e| err("sex", e.to_string()))?);
    }
    if let Some(c) = &doc.collection {
        s.protocol.collection = Some(
            c.parse::<Duration>()
                .map_err(|e| err("collection", e.to_string()))?,
        );
    }
    let sugar = |key: &str, name: &str| name.parse::<Sugar>().map_err(|e| err(key, e.to_string()));
    for (name, text) in &doc.doses {
        let key = format!("doses.{name}");
        let d = Dose::parse(text).map_err(|e| err(&key, e.to_string()))?;
        s.protocol.doses.set(sugar(&key, name)?, Some(d));
    }
    let urine = |prefix: &str,
                 map: &BTreeMap<String, String>|
     -> Result<SugarMap<UrineResult>, SampleFileError> {
        let mut out = SugarMap::default();
        for (name, text) in map {
            let key = format!("{prefix}.{name}");
            let r = UrineResult::parse(text, None).map_err(|e| err(&key, e.to_string()))?;
            out.set(sugar(&key, name)?, Some(r));
        }
        Ok(out)
    };
    s.baseline = urine("baseline", &doc.baseline)?;
    s.urine = urine("urine", &doc.urine)?;
    s.urine_volume = doc
        .volume
        .as_deref()
        .map(|v| {
            v.parse()
                .map_err(|e: crate::units::UnitError| err("volume", e.to_string()))
        })
        .transpose()?;
    for (i, f) in doc.fraction.iter().enumerate() {
        let k = |name: &str| format!("fraction[{i}].{name}");
        s.fractions.push(Fraction {
            label: f.label.clone(),
            volume: f
                .volume
                .as_deref()
                .map(|v| {
                    v.parse()
                        .map_err(|e: crate::units::UnitError| err(&k("volume"), e.to_string()))
                })
                .transpose()?,
            urine: urine(&k("urine"), &f.urine)?,
        });
    }
    if !s.fractions.is_empty() && (!s.urine.is_empty() || s.urine_volume.is_some()) {
        return Err(err(
            "fraction",
            "give either top-level volume/urine or [[fraction]] tables, not both".into(),
        ));
    }
    if s.protocol.collection.is_none() {
        let end = s
            .fractions
            .iter()
            .filter_map(|f| fraction_end_hours(&f.label))
            .reduce(f64::max);
        s.protocol.collection =
            end.and_then(|h| Duration::new(h, crate::units::DurationUnit::H).ok());
    }
    check_windows(&s).map_err(|(key, problem)| err(&key, problem))?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fraction_labels() {
        assert_eq!(fraction_end_hours("0-2h"), Some(2.0));
        assert_eq!(fraction_end_hours("8–24 h"), Some(24.0));
        assert_eq!(fraction_end_hours("first"), None);
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
            parse("s.toml", &t).map_err(|e| e.to_string())
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
    fn errors_name_the_key() {
        let e = parse("s.toml", "doses = { glucose = \"1 g\" }").unwrap_err();
        assert_eq!(e.key, "doses.glucose");
        let e = parse(
            "s.toml",
            "[[fraction]]\nlabel = \"0-2h\"\nvolume = \"-1 mL\"",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.toml: key `fraction[0].volume`: \"-1 mL\": must not be negative"
        );
    }
}
