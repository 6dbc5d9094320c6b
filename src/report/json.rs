//! The JSON object for one sample: the result columns as keys, plus `details`.

use serde_json::{json, Map, Value};

use super::{cells, describe_flag, Cell, Layout};
use crate::censored::Censored;
use crate::interpretation::{Interpretation, Interpreter, RangeResult, Sample};
use crate::number;

/// A cell as a JSON value: numbers as numbers (by [`number::json`]), a censored number's bound as
/// a `"<x"` string, code lists as arrays, empty cells as `null`.
pub(crate) fn cell_value(cell: Cell<'_>) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Number(x) => number::json(x),
        Cell::Bound(c) => Value::String(super::censored_text(c)),
        Cell::Text(t) => Value::String(t.to_string()),
        Cell::Codes(c) => Value::Array(c.iter().map(|s| Value::String(s.into())).collect()),
    }
}

/// Inserts a quantity as `key` (a number, or `null` when censored or missing) and `key_bound`
/// (`"<x"` / `">x"` when censored, else `null`): the rule of the result columns.
fn insert_quantity(obj: &mut Map<String, Value>, key: &str, value: Option<Censored>) {
    let (n, b) = match value {
        None => (Value::Null, Value::Null),
        Some(Censored::Exact(x)) => (number::json(x), Value::Null),
        Some(c) => (Value::Null, Value::String(super::censored_text(c))),
    };
    obj.insert(key.to_string(), n);
    obj.insert(format!("{key}_bound"), b);
}

/// A map of quantities, each by [`insert_quantity`].
fn quantities(items: impl IntoIterator<Item = (String, Option<Censored>)>) -> Value {
    let mut obj = Map::new();
    for (k, v) in items {
        insert_quantity(&mut obj, &k, v);
    }
    Value::Object(obj)
}

fn result_json(res: &RangeResult<'_>) -> Value {
    let wording = res
        .band
        .and_then(|i| res.range.bands.get(i))
        .and_then(|b| b.wording.as_deref());
    let mut obj = Map::new();
    obj.insert("range".into(), super::range_json(res.range));
    insert_quantity(&mut obj, "value", Some(res.value));
    obj.insert("unit".into(), json!(res.range.unit.to_string()));
    obj.insert("class".into(), json!(res.label()));
    obj.insert("class_wording".into(), json!(wording));
    obj.insert(
        "class_wording_is".into(),
        json!(wording.map(|_| super::SOURCE_WORDS)),
    );
    Value::Object(obj)
}

/// The JSON object for one interpreted sample: every result column as a key (the same names as
/// `lmr batch`), plus `details` with inputs, texts and sources.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let sample = lmr::sample::from_fields([("vitamin_d", "20 ng/mL"), ("vitamin_d_form", "d3")], &registry)?;
/// let mut result = lmr::Interpretation::default();
/// interpreter.interpret(&sample, &mut result)?;
/// let v = lmr::report::to_json(&interpreter, &sample, &result);
/// // 20 ng/mL × 1000 ÷ 400.64 g/mol = 49.92 nmol/L: below 50, "at risk of inadequacy" (IOM 2011)
/// approx::assert_relative_eq!(v["vitamin_d_nmol_l"].as_f64().unwrap(), 20.0 * 1000.0 / 400.64, max_relative = 1e-9);
/// assert_eq!(v["vitamin_d_class_iom_2011"], "at_risk_of_inadequacy");
/// assert_eq!(v["details"]["inputs"]["vitamin_d"], "20 ng/mL");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_json(
    interpreter: &Interpreter<'_>,
    sample: &Sample,
    result: &Interpretation<'_>,
) -> Value {
    let mut obj = Map::new();
    cells(
        interpreter,
        &Layout::for_sample(sample),
        Some(result),
        None,
        |name, cell| {
            obj.insert(name.to_string(), cell_value(cell));
        },
    );
    let inputs: Map<String, Value> = sample
        .urine
        .iter()
        .map(|(s, r)| {
            let v = match r {
                crate::recovery::UrineResult::Measured(c) => json!(c.to_string()),
                crate::recovery::UrineResult::BelowLimit(Some(l)) => json!(format!("<{l}")),
                crate::recovery::UrineResult::BelowLimit(None) => json!("below detection limit"),
            };
            (format!("urine_{}", s.key()), v)
        })
        .chain(
            sample
                .urine_volume
                .map(|v| ("urine_volume".into(), json!(v.to_string()))),
        )
        .chain(
            sample
                .protocol
                .doses
                .iter()
                .map(|(s, d)| (format!("{}_dose", s.key()), json!(d.mass.to_string()))),
        )
        .chain(
            sample
                .protocol
                .collection
                .map(|c| ("collection".into(), json!(c.to_string()))),
        )
        .chain(
            sample
                .protocol
                .age
                .map(|a| ("age_years".into(), number::json(a.in_years()))),
        )
        .chain(
            sample
                .protocol
                .sex
                .map(|s| ("sex".into(), json!(s.to_string()))),
        )
        .chain(
            sample
                .vitamin_d
                .map(|v| ("vitamin_d".into(), json!(v.reported().to_string()))),
        )
        .chain(
            sample
                .vitamin_d
                .map(|v| ("vitamin_d_form".into(), json!(v.form().key()))),
        )
        .chain(
            sample
                .zonulin
                .map(|z| ("zonulin".into(), json!(z.to_string()))),
        )
        .chain(
            sample
                .hp_genotype
                .map(|g| ("hp_genotype".into(), json!(g.to_string()))),
        )
        .collect();
    let recoveries = quantities(
        result
            .recoveries
            .iter()
            .map(|(s, r)| (format!("{}_recovery_pct", s.key()), Some(r.in_percent()))),
    );
    let flags: Vec<Value> = result
        .flags
        .iter()
        .map(|h| super::flag_json(h.flag, Some(&describe_flag(h, result))))
        .collect();
    let caveats: Vec<Value> = result
        .caveats
        .iter()
        .map(|&c| super::caveat_json(c))
        .collect();
    let vitamin_d = result.vitamin_d.as_ref().map(|v| {
        json!({
            "nmol_l": number::json(v.value.in_nmol_per_l()),
            "nmol_l_bound": null,
            "ng_ml": number::json(v.value.in_ng_per_ml()),
            "form": v.value.form().key(),
            "molar_mass_g_per_mol": number::json(v.value.form().molar_mass().in_g_per_mol()),
            "schemes": v.schemes.iter().map(result_json).collect::<Vec<_>>(),
        })
    });
    // Below a stated limit: the bound where the number would be, as in the columns.
    let vitamin_d = vitamin_d.or_else(|| {
        result.vitamin_d_below.as_ref().map(|b| {
            json!({
                "nmol_l": null,
                "nmol_l_bound": b.bound_in_nmol_per_l().to_string(),
                "limit_as_given": format!("<{}", b.limit.reported()),
                "form": b.limit.form().key(),
                "molar_mass_g_per_mol": number::json(b.limit.form().molar_mass().in_g_per_mol()),
                "schemes": b.schemes.iter().map(result_json).collect::<Vec<_>>(),
            })
        })
    });
    let zonulin = result.zonulin.as_ref().map(|z| {
        json!({
            "value": number::json(z.value.value()),
            "unit": z.value.unit().to_string(),
            "matrix": z.value.matrix().key(),
            "range": z.range.as_ref().map(result_json),
        })
    });
    obj.insert(
        "details".into(),
        json!({
            "inputs": inputs,
            "recoveries": recoveries,
            "lm_ratio_definition": "lactulose recovery % ÷ mannitol recovery % (ratio of fractional excretions, not of concentrations)",
            "lm_range": result.lm.as_ref().map(result_json),
            "protocol_differences": result.lm_differences.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "lm_also_matched": result.lm_also_matched.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            "lm_nearest_protocols": if result.lm_ratio.is_some() && result.lm.is_none() {
                interpreter.nearest_protocols(sample).iter().map(|(p, gaps)| json!({
                    "id": p.id,
                    "differences": gaps.iter().map(|g| g.to_string()).collect::<Vec<_>>(),
                    "ranges_for_these_doses": if gaps.is_empty() {
                        interpreter.lm_ranges_fitting_protocol(sample).iter().map(|(r, d)| json!({
                            "id": r.id,
                            "selection": if r.selection == crate::reference::Selection::Explicit { "explicit" } else { "automatic" },
                            "differences": d.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>()
                    } else {
                        Vec::new()
                    },
                })).collect::<Vec<_>>()
            } else {
                Vec::new()
            },
            "lr_range": result.lr.as_ref().map(result_json),
            "lr_protocol_differences": result.lr_differences.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "fractions": sample.fractions.iter().zip(&result.fractions).map(|(f, fr)| json!({
                "label": f.label,
                "volume": f.volume.map(|v| v.to_string()),
                "recoveries": quantities(fr.recoveries.iter().map(|(s, r)| (format!("{}_recovery_pct", s.key()), Some(r.in_percent())))),
                "ratios": quantities([
                    ("lm_ratio".to_string(), fr.ratios.lm),
                    ("lr_ratio".to_string(), fr.ratios.lr),
                    ("l13m_ratio".to_string(), fr.ratios.l13m),
                ].map(|(k, r)| (k, r.map(|r| r.value())))),
            })).collect::<Vec<_>>(),
            "zscores": result.zscores.iter().map(|z| json!({
                "column": crate::zscore::z_column(z.table.analyte()),
                "table": z.table.id(),
                "scale": z.table.scale().key(),
                "z": z.outcome.and_then(Result::ok).map(|v| number::json(v.z)),
                "transformed": z.outcome.and_then(Result::ok).map(|v| number::json(v.transformed)),
                "cell": z.outcome.and_then(Result::ok).map(|v| v.cell.to_string()),
                "reason": match z.outcome {
                    Some(Err(e)) => Some(json!({"code": e.code(), "text": e.to_string()})),
                    None => Some(json!({"code": "no_exact_value", "text": "the value is missing or censored"})),
                    Some(Ok(_)) => None,
                },
            })).collect::<Vec<_>>(),
            "vitamin_d": vitamin_d,
            "zonulin": zonulin,
            "flags": flags,
            "caveats": caveats,
        }),
    );
    Value::Object(obj)
}
