//! One sample: named text fields (the keys of `lmr.check`, the flags of `lmr check` with
//! underscores) in, the document `lmr check --format json` prints out.

use serde_json::Value;

use crate::interpretation::{Interpretation, Interpreter, Options, Sample};
use crate::protocol::{Dose, Sex};
use crate::recovery::UrineResult;
use crate::reference::{Matrix, Registry};
use crate::sugar::Sugar;
use crate::units::{Duration, Mass, Volume};
use crate::vitamin_d::{VitaminD, VitaminDForm};
use crate::zonulin::{HpGenotype, Zonulin};
use crate::zscore::ZscoreSelection;

/// Every field a one-sample request may carry, in the order of `lmr check --help`. Fields that
/// may repeat take several values (a JSON list, or the form field given more than once).
pub(crate) const FIELDS: &[&str] = &[
    "lactulose",
    "mannitol",
    "volume",
    "lactulose_dose",
    "mannitol_dose",
    "collection",
    "age",
    "sex",
    "vitamin_d",
    "vitamin_d_form",
    "zonulin",
    "zonulin_matrix",
    "hp_genotype",
    "sugar",
    "dose",
    "baseline",
    "protocol",
    "lm_range",
    "vitamin_d_scheme",
    "zonulin_range",
    "lr_range",
    "subtract_baseline",
    "zscore_reference",
];

/// Fields that may be given more than once.
pub(crate) const REPEATABLE: &[&str] = &[
    "sugar",
    "dose",
    "baseline",
    "vitamin_d_scheme",
    "zscore_reference",
];

/// A rejected input: the field (canonical name), the text given and what is wrong, in the
/// words `lmr check` uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rejected {
    /// Canonical field name (`lactulose_dose`); `None` when no single field is to blame.
    pub field: Option<String>,
    /// The text given.
    pub value: Option<String>,
    /// The message, as `lmr check` prints it.
    pub message: String,
}

impl Rejected {
    fn field(field: &str, value: &str, message: impl std::fmt::Display) -> Rejected {
        let message = message.to_string();
        let quoted = format!("{value:?}: ");
        let message = message.strip_prefix(&quoted).unwrap_or(&message);
        Rejected {
            field: Some(field.to_string()),
            value: Some(value.to_string()),
            message: format!("--{} {value:?}: {message}", field.replace('_', "-")),
        }
    }

    fn sample(message: impl std::fmt::Display) -> Rejected {
        Rejected {
            field: None,
            value: None,
            message: message.to_string(),
        }
    }
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.as_str())
}

fn all<'a>(pairs: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    pairs
        .iter()
        .filter(move |(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.as_str())
}

fn opt<T, E: std::fmt::Display>(
    pairs: &[(String, String)],
    name: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, Rejected> {
    get(pairs, name)
        .map(|v| parse(v).map_err(|e| Rejected::field(name, v, e)))
        .transpose()
}

/// Interprets one sample from its fields: the exact document `lmr check --format json` prints
/// for the same inputs (pretty JSON and a final line end).
pub(crate) fn document(
    registry: &Registry,
    pairs: &[(String, String)],
) -> Result<String, Rejected> {
    if let Some((k, v)) = pairs.iter().find(|(k, _)| !FIELDS.contains(&k.as_str())) {
        return Err(Rejected::field(
            k,
            v,
            format!("unknown input (inputs: {})", FIELDS.join(", ")),
        ));
    }
    let sample = sample(registry, pairs)?;
    let subtract_baseline = opt(pairs, "subtract_baseline", |t| match t.trim() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        _ => Err("expected true or false"),
    })?
    .unwrap_or(false);
    let options = Options {
        lm_range: get(pairs, "lm_range").map(str::to_string),
        vitamin_d_schemes: all(pairs, "vitamin_d_scheme").map(str::to_string).collect(),
        zonulin_range: get(pairs, "zonulin_range").map(str::to_string),
        lr_range: get(pairs, "lr_range").map(str::to_string),
        subtract_baseline,
    };
    let mut tables = Vec::new();
    for id in all(pairs, "zscore_reference") {
        // Only tables already loaded: a file name from the network is never opened.
        let table = registry
            .zscore_table(id)
            .ok_or_else(|| Rejected::field("zscore_reference", id, "no such z-score table"))?;
        tables.push(table.clone());
    }
    let selection = ZscoreSelection::new(tables)
        .map_err(|e| Rejected::sample(format!("--zscore-reference: {e}")))?;
    let interpreter = Interpreter::new(registry, &options)
        .map_err(Rejected::sample)?
        .with_zscores(&selection);
    let mut result = Interpretation::default();
    interpreter
        .interpret(&sample, &mut result)
        .map_err(Rejected::sample)?;
    let doc: Value = crate::report::to_json(&interpreter, &sample, &result);
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

fn sample(registry: &Registry, pairs: &[(String, String)]) -> Result<Sample, Rejected> {
    let mut s = Sample::default();
    let urine = |name| opt(pairs, name, |t| UrineResult::parse(t, None));
    s.urine.set(Sugar::Lactulose, urine("lactulose")?);
    s.urine.set(Sugar::Mannitol, urine("mannitol")?);
    s.urine_volume = opt(pairs, "volume", str::parse::<Volume>)?;
    let dose = |name| {
        opt(pairs, name, |t| {
            let m = t.parse::<Mass>().map_err(|e| e.to_string())?;
            if m.value() == 0.0 {
                return Err("a dose must be greater than zero".to_string());
            }
            Ok(Dose::anhydrous(m))
        })
    };
    s.protocol
        .doses
        .set(Sugar::Lactulose, dose("lactulose_dose")?);
    s.protocol
        .doses
        .set(Sugar::Mannitol, dose("mannitol_dose")?);
    for (name, map_urine) in [("sugar", true), ("baseline", false)] {
        for v in all(pairs, name) {
            let (sugar, text) = pair(name, v)?;
            let r = UrineResult::parse(text, None).map_err(|e| Rejected::field(name, v, e))?;
            if map_urine {
                s.urine.set(sugar, Some(r));
            } else {
                s.baseline.set(sugar, Some(r));
            }
        }
    }
    for v in all(pairs, "dose") {
        let (sugar, text) = pair("dose", v)?;
        let d = Dose::parse(text).map_err(|e| Rejected::field("dose", v, e))?;
        s.protocol.doses.set(sugar, Some(d));
    }
    s.protocol.collection = opt(pairs, "collection", str::parse::<Duration>)?;
    s.protocol.age_years = opt(pairs, "age", |t| {
        let y: f64 = t
            .trim()
            .parse()
            .map_err(|_| "not a number of years".to_string())?;
        if !y.is_finite() || y < 0.0 {
            return Err("expected a non-negative number of years".to_string());
        }
        Ok(y)
    })?;
    s.protocol.sex = opt(pairs, "sex", str::parse::<Sex>)?;
    if let Some(id) = get(pairs, "protocol") {
        let p = registry.protocol(id).ok_or_else(|| {
            Rejected::field("protocol", id, "no such protocol (see `lmr ranges list`)")
        })?;
        s.protocol.fill_from(p);
    }
    let form = opt(pairs, "vitamin_d_form", str::parse::<VitaminDForm>)?.unwrap_or_default();
    s.vitamin_d = opt(pairs, "vitamin_d", |t| {
        let c = t
            .parse()
            .map_err(|e: crate::units::UnitError| e.to_string())?;
        VitaminD::new(c, form).map_err(|e| e.to_string())
    })?;
    let matrix = opt(pairs, "zonulin_matrix", |t| {
        Matrix::from_key(t.trim())
            .filter(|m| *m != Matrix::Urine)
            .ok_or("expected serum or stool")
    })?;
    s.zonulin = opt(pairs, "zonulin", |t| Zonulin::parse(t, None, matrix))?;
    s.hp_genotype = opt(pairs, "hp_genotype", str::parse::<HpGenotype>)?;
    require(pairs, &s)?;
    Ok(s)
}

fn pair<'a>(name: &str, v: &'a str) -> Result<(Sugar, &'a str), Rejected> {
    let (sugar, text) = v.split_once('=').ok_or_else(|| {
        Rejected::field(name, v, "expected SUGAR=VALUE, e.g. rhamnose=\"20 mg/dL\"")
    })?;
    let sugar: Sugar = sugar
        .trim()
        .parse()
        .map_err(|e| Rejected::field(name, v, e))?;
    Ok((sugar, text.trim().trim_matches('"')))
}

fn require(pairs: &[(String, String)], s: &Sample) -> Result<(), Rejected> {
    for (sugar, _) in s.urine.iter() {
        let name = match sugar {
            Sugar::Lactulose | Sugar::Mannitol => sugar.key(),
            _ => "sugar",
        };
        let value = get(pairs, name).unwrap_or(sugar.key());
        if s.urine_volume.is_none() {
            return Err(Rejected::field(
                name,
                value,
                "a recovery needs the urine volume: add --volume",
            ));
        }
        if s.protocol.doses.get(sugar).is_none() {
            return Err(Rejected::field(
                name,
                value,
                format!(
                    "a recovery needs the oral dose: add --{}-dose (or --protocol)",
                    sugar.key()
                ),
            ));
        }
    }
    if get(pairs, "zonulin").is_none() {
        for name in ["zonulin_matrix", "zonulin_range", "hp_genotype"] {
            if get(pairs, name).is_some() {
                return Err(Rejected::sample(format!(
                    "--{} given without --zonulin",
                    name.replace('_', "-")
                )));
            }
        }
    }
    if s.urine.is_empty() && s.vitamin_d.is_none() && s.zonulin.is_none() {
        return Err(Rejected::sample(
            "nothing to interpret: give urine sugars (--lactulose, --mannitol with --volume and doses), --vitamin-d or --zonulin",
        ));
    }
    Ok(())
}
