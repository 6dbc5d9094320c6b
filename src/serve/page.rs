//! The pages: `/` (one sample, the inputs of `lmr check`) and `/batch` (a file). The pages work
//! without JavaScript: a form posts, the server answers a page. Every value written into a page
//! goes through [`esc`].

use std::fmt::Write;

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde_json::Value;

use super::check::{self, Rejected};
use super::figure;
use super::html::{esc, page};
use super::Shared;
use crate::reference::{Analyte, Registry};
use crate::sugar::Sugar;
use crate::units::{ConcentrationUnit, DurationUnit, MassUnit, VolumeUnit};
use crate::zonulin::ZonulinUnit;

/// An error page.
pub(super) fn error(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h1>{} {}</h1>\n<p role=\"alert\" class=\"error\">{}</p>\n<p><a href=\"/\">Back to the form</a></p>",
        status.as_u16(),
        esc(status.canonical_reason().unwrap_or("")),
        esc(message)
    );
    (status, Html(page("Error", "", &body))).into_response()
}

/// `GET /`: the empty form.
pub(super) async fn index(State(state): State<Shared>) -> Response {
    Html(sample_page(&state.registry, &[], None, &[])).into_response()
}

/// `POST /`: the form filled in → the same form, with the result or the field error.
pub(super) async fn check(
    State(state): State<Shared>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Form(form) = match form {
        Ok(f) => f,
        Err(e) => return error(e.status(), &e.body_text()),
    };
    let fields = fields(&form);
    match check::document(&state.registry, &fields) {
        Ok(text) => {
            let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            Html(sample_page(
                &state.registry,
                &form,
                Some((&doc, &text)),
                &[],
            ))
            .into_response()
        }
        Err(rejected) => {
            let page = sample_page(&state.registry, &form, None, &rejected);
            (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response()
        }
    }
}

/// A measured quantity on the form: its field, label, unit choices (the library's own lists),
/// default unit and a hint.
struct Quantity {
    name: String,
    label: String,
    units: Vec<String>,
    default_unit: &'static str,
    hint: &'static str,
}

fn units<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

fn quantities() -> Vec<Quantity> {
    let conc = || units(ConcentrationUnit::ALL);
    vec![
        Quantity {
            name: "lactulose".into(),
            label: "Urine lactulose".into(),
            units: conc(),
            default_unit: "mg/L",
            hint: "e.g. 9.21; <2.5 or ND below the detection limit",
        },
        Quantity {
            name: "mannitol".into(),
            label: "Urine mannitol".into(),
            units: conc(),
            default_unit: "mg/L",
            hint: "e.g. 72.9",
        },
        Quantity {
            name: "volume".into(),
            label: "Urine volume collected".into(),
            units: units(VolumeUnit::ALL),
            default_unit: "mL",
            hint: "e.g. 1857",
        },
        Quantity {
            name: "lactulose_dose".into(),
            label: "Lactulose dose".into(),
            units: units(MassUnit::ALL),
            default_unit: "g",
            hint: "oral dose, e.g. 5",
        },
        Quantity {
            name: "mannitol_dose".into(),
            label: "Mannitol dose".into(),
            units: units(MassUnit::ALL),
            default_unit: "g",
            hint: "oral dose, e.g. 1",
        },
        Quantity {
            name: "collection".into(),
            label: "Collection window".into(),
            units: units(DurationUnit::ALL),
            default_unit: "h",
            hint: "from the dose, e.g. 5",
        },
        Quantity {
            name: "vitamin_d".into(),
            label: "Serum 25(OH)D".into(),
            units: conc(),
            default_unit: "ng/mL",
            hint: "e.g. 20 ng/mL or 50 nmol/L",
        },
        Quantity {
            name: "zonulin".into(),
            label: "Zonulin".into(),
            units: units(ZonulinUnit::ALL),
            default_unit: "ng/mL",
            hint: "immunoassay value; serum ng/mL, stool ng/g",
        },
    ]
}

/// The value typed and the unit chosen as one text: `9.21` + `mg/L` → `9.21 mg/L`. A value
/// that carries its own unit (`1.2 L`) or is not a number (`ND`) is passed on as typed.
fn combine(value: &str, unit: Option<&str>) -> String {
    let v = value.trim();
    let number = v.strip_prefix('<').unwrap_or(v).trim();
    match unit {
        Some(u) if !u.is_empty() && number.parse::<f64>().is_ok() => format!("{v} {u}"),
        _ => v.to_string(),
    }
}

fn last<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The form's fields as the inputs of `lmr check`: a value and its `<name>_unit` choice
/// become one text; empty fields are left out.
fn fields(form: &[(String, String)]) -> Vec<(String, String)> {
    form.iter()
        .filter(|(k, v)| !v.trim().is_empty() && !k.ends_with("_unit"))
        .map(|(k, v)| (k.clone(), combine(v, last(form, &format!("{k}_unit")))))
        .collect()
}

/// The form input a rejected field belongs to: its own name, or for the `SUGAR=VALUE` pairs of
/// the API the sugar's field (`dose` + `rhamnose=…` → `rhamnose_dose`).
fn target(r: &Rejected) -> Option<String> {
    let field = r.field.as_deref()?;
    let sugar = || {
        r.value
            .as_deref()?
            .split_once('=')
            .map(|(s, _)| s.trim().to_string())
    };
    Some(match field {
        "sugar" => sugar()?,
        "dose" => format!("{}_dose", sugar()?),
        "baseline" => format!("baseline_{}", sugar()?),
        f => f.to_string(),
    })
}

/// Writes the form and, below it, the result.
fn sample_page(
    registry: &Registry,
    form: &[(String, String)],
    result: Option<(&Value, &str)>,
    rejected: &[Rejected],
) -> String {
    let f = FormWriter { form, rejected };
    let mut b = String::new();
    b.push_str("<h1>Interpret one sample</h1>\n<p class=\"lead\">The inputs of <code>lmr check</code>. Give a value and pick its unit; a value may also carry its own unit (<code>1.2 L</code>). Every field is optional: give the urine sugars with volume and doses, or 25(OH)D, or zonulin, or any mix.</p>\n");
    if !rejected.is_empty() {
        b.push_str("<div class=\"alert\" role=\"alert\" id=\"form-error\"><p><strong>Not interpreted.</strong></p><ul>");
        for r in rejected {
            let link = target(r)
                .map(|t| format!(" <a href=\"#{}\">Go to the field</a>", esc(&field_id(&t))))
                .unwrap_or_default();
            let _ = write!(b, "<li>{}{link}</li>", esc(&r.message));
        }
        b.push_str("</ul></div>\n");
    }
    b.push_str("<form method=\"post\" action=\"/\" novalidate>\n");
    let q = quantities();
    let qty = |name: &str| q.iter().find(|x| x.name == name);

    b.push_str("<fieldset><legend>Urine sugars</legend>\n");
    for name in ["lactulose", "mannitol", "volume"] {
        if let Some(x) = qty(name) {
            f.quantity(&mut b, x);
        }
    }
    b.push_str("</fieldset>\n<fieldset><legend>Protocol and person</legend>\n");
    let protocols: Vec<(String, String)> = registry
        .protocols()
        .iter()
        .map(|p| (p.id.clone(), option_text(&p.id, &p.title)))
        .collect();
    f.select(
        &mut b,
        "protocol",
        "Named protocol",
        "supplies the doses and window; values typed below win",
        &protocols,
        "none: give doses and window",
    );
    for name in ["lactulose_dose", "mannitol_dose", "collection"] {
        if let Some(x) = qty(name) {
            f.quantity(&mut b, x);
        }
    }
    f.text(
        &mut b,
        "age",
        "Age (years)",
        "decimals allowed (1.5), or with a unit: 18 months",
        "decimal",
    );
    let sexes = [
        ("F".to_string(), "female".to_string()),
        ("M".to_string(), "male".to_string()),
    ];
    f.select(
        &mut b,
        "sex",
        "Sex",
        "ranges and z-score tables may be sex-specific",
        &sexes,
        "not given",
    );
    b.push_str("</fieldset>\n<fieldset><legend>Before the test</legend>\n<p class=\"hint\">Conditions that change sugar-test results; each raises a flag of its name when yes (<code>lmr caveats CODE</code> gives its source).</p>\n");
    let answers = [
        ("yes".to_string(), "yes".to_string()),
        ("no".to_string(), "no".to_string()),
    ];
    for (field, label) in [
        ("pretest_nsaid", "NSAIDs or aspirin before the test"),
        ("pretest_alcohol", "Alcohol before the test"),
        ("pretest_laxative", "Laxatives before the test"),
        ("pretest_steroid", "Oral corticosteroids before the test"),
        ("recent_diarrhoea", "Diarrhoea shortly before the test"),
        ("glycosuria", "Glucose in the urine (glycosuria)"),
    ] {
        f.select(&mut b, field, label, "", &answers, "not recorded");
    }
    f.text(
        &mut b,
        "egfr",
        "eGFR (mL/min/1.73 m²)",
        "below 60 raises reduced_renal_function",
        "decimal",
    );
    b.push_str("</fieldset>\n<fieldset><legend>Reference ranges for the ratios</legend>\n");
    let ranges_of = |a: Analyte| -> Vec<(String, String)> {
        registry
            .ranges_for(a)
            .map(|r| (r.id.clone(), option_text(&r.id, &r.title)))
            .collect()
    };
    f.select(
        &mut b,
        "lm_range",
        "L:M range",
        "without one, only a range whose protocol matches the sample's classifies the ratio",
        &ranges_of(Analyte::LmRatio),
        "automatic (matched by protocol)",
    );
    f.select(
        &mut b,
        "lr_range",
        "L:R range",
        "lactulose : rhamnose, used only when named",
        &ranges_of(Analyte::LrRatio),
        "none",
    );
    f.checkbox(
        &mut b,
        "subtract_baseline",
        "Subtract each sugar's baseline (pre-dose) concentration before its recovery",
    );
    let tables: Vec<(String, String)> = registry
        .zscore_tables()
        .iter()
        .map(|t| (t.id().to_string(), option_text(t.id(), t.title())))
        .collect();
    if !tables.is_empty() {
        f.checkboxes(&mut b, "zscore_reference", "Z-score tables", &tables);
    }
    b.push_str("</fieldset>\n");

    b.push_str("<details class=\"more\"");
    if form
        .iter()
        .any(|(k, v)| k.contains('.') && !k.ends_with("_unit") && !v.trim().is_empty())
    {
        b.push_str(" open");
    }
    b.push_str("><summary>Other probe sugars, doses and baselines</summary>\n<fieldset><legend>Other probe sugars</legend>\n<p class=\"hint\">A dose weighed as the hydrate: type it with its unit and the word, e.g. <code>1 g monohydrate</code>.</p>\n");
    let conc = units(ConcentrationUnit::ALL);
    let mass = units(MassUnit::ALL);
    for s in Sugar::ALL
        .iter()
        .filter(|s| !matches!(s, Sugar::Lactulose | Sugar::Mannitol))
    {
        let key = s.key();
        let _ = write!(
            b,
            "<div class=\"sugar-row\"><p class=\"sugar-name\">{}</p>",
            esc(key)
        );
        f.quantity(
            &mut b,
            &Quantity {
                name: format!("sugar.{key}"),
                label: "urine".into(),
                units: conc.clone(),
                default_unit: "mg/L",
                hint: "",
            },
        );
        f.quantity(
            &mut b,
            &Quantity {
                name: format!("dose.{key}"),
                label: "dose".into(),
                units: mass.clone(),
                default_unit: "g",
                hint: "",
            },
        );
        b.push_str("</div>\n");
    }
    b.push_str("</fieldset>\n<fieldset><legend>Baseline (pre-dose) urine</legend>\n");
    for s in Sugar::ALL {
        let key = s.key();
        f.quantity(
            &mut b,
            &Quantity {
                name: format!("baseline.{key}"),
                label: key.replace('_', " "),
                units: conc.clone(),
                default_unit: "mg/L",
                hint: "",
            },
        );
    }
    b.push_str("</fieldset>\n</details>\n");

    b.push_str("<fieldset><legend>Vitamin D</legend>\n");
    if let Some(x) = qty("vitamin_d") {
        f.quantity(&mut b, x);
    }
    let forms = [
        ("total", "total 25(OH)D (converted as D3)"),
        ("d3", "25(OH)D3"),
        ("d2", "25(OH)D2"),
    ]
    .map(|(a, c)| (a.to_string(), c.to_string()));
    f.select(
        &mut b,
        "vitamin_d_form",
        "Which 25(OH)D was measured",
        "",
        &forms,
        "",
    );
    let schemes: Vec<(String, String)> = registry
        .ranges_for(Analyte::VitaminD25oh)
        .filter(|r| r.id != crate::interpretation::VITAMIN_D_TOXICITY_ID)
        .map(|r| (r.id.clone(), option_text(&r.id, &r.title)))
        .collect();
    f.checkboxes(
        &mut b,
        "vitamin_d_scheme",
        "Schemes to classify with (none ticked: iom-2011)",
        &schemes,
    );
    b.push_str("</fieldset>\n<fieldset><legend>Zonulin</legend>\n");
    if let Some(x) = qty("zonulin") {
        f.quantity(&mut b, x);
    }
    let matrices =
        [("serum", "serum"), ("stool", "stool")].map(|(a, c)| (a.to_string(), c.to_string()));
    f.select(
        &mut b,
        "zonulin_matrix",
        "Matrix",
        "required with a zonulin value",
        &matrices,
        "choose",
    );
    f.select(
        &mut b,
        "zonulin_range",
        "A lab's zonulin range",
        "lmr ships no “normal” zonulin range; the range must be for the value's matrix",
        &ranges_of(Analyte::Zonulin),
        "none",
    );
    let genotypes = ["1-1", "2-1", "2-2"].map(|g| (g.to_string(), g.to_string()));
    f.select(
        &mut b,
        "hp_genotype",
        "Haptoglobin genotype",
        "",
        &genotypes,
        "not known",
    );
    b.push_str("</fieldset>\n<p><button type=\"submit\">Interpret</button> <a href=\"/\">Clear</a></p>\n</form>\n");
    if let Some((doc, text)) = result {
        result_section(&mut b, registry, doc, text);
    }
    page("One sample", "/", &b)
}

/// A picker's option: the id, and the title cut to fit a narrow screen (the result shows it
/// whole).
fn option_text(id: &str, title: &str) -> String {
    const MAX: usize = 56;
    let mut t: String = title.chars().take(MAX).collect();
    if title.chars().count() > MAX {
        t.push('…');
    }
    format!("{id} — {t}")
}

/// An HTML id for a field name (`lactulose_dose` → `f-lactulose-dose`).
fn field_id(name: &str) -> String {
    format!("f-{}", name.replace(['.', '_'], "-"))
}

struct FormWriter<'a> {
    form: &'a [(String, String)],
    rejected: &'a [Rejected],
}

impl FormWriter<'_> {
    fn value(&self, name: &str) -> &str {
        last(self.form, name).unwrap_or("")
    }

    fn checked(&self, name: &str, value: &str) -> bool {
        self.form.iter().any(|(k, v)| k == name && v == value)
    }

    /// The error beside field `name`, and the attributes its input takes.
    fn error(&self, name: &str) -> (String, String) {
        let mine: Vec<String> = self
            .rejected
            .iter()
            .filter(|r| target(r).as_deref() == Some(name))
            .map(|r| esc(&r.message))
            .collect();
        if mine.is_empty() {
            return (String::new(), String::new());
        }
        let id = format!("{}-error", field_id(name));
        // The first rejected field takes the focus when the page opens.
        let first = self.rejected.first().and_then(target).as_deref() == Some(name);
        (
            format!(
                "<p class=\"field-error\" id=\"{id}\">{}</p>",
                mine.join("<br>")
            ),
            format!(
                " aria-invalid=\"true\" aria-describedby=\"{id}\"{}",
                if first { " autofocus" } else { "" }
            ),
        )
    }

    fn quantity(&self, b: &mut String, q: &Quantity) {
        let id = field_id(&q.name);
        let (err, attrs) = self.error(&q.name);
        let unit_name = format!("{}_unit", q.name);
        let chosen = last(self.form, &unit_name).unwrap_or(q.default_unit);
        let hint = if q.hint.is_empty() {
            String::new()
        } else {
            format!(
                "<span class=\"hint\" id=\"{id}-hint\">{}</span>",
                esc(q.hint)
            )
        };
        let described = if q.hint.is_empty() || !attrs.is_empty() {
            String::new()
        } else {
            format!(" aria-describedby=\"{id}-hint\"")
        };
        let _ = write!(
            b,
            "<div class=\"field quantity\"><label for=\"{id}\">{label}</label>\
             <span class=\"pair\"><input type=\"text\" inputmode=\"decimal\" id=\"{id}\" name=\"{name}\" value=\"{value}\" autocomplete=\"off\"{attrs}{described}>\
             <label class=\"visually-hidden\" for=\"{id}-unit\">{label}: unit</label>\
             <select id=\"{id}-unit\" name=\"{unit_name}\">",
            label = esc(&q.label),
            name = esc(&q.name),
            value = esc(self.value(&q.name)),
            unit_name = esc(&unit_name),
        );
        for u in &q.units {
            let sel = if u == chosen { " selected" } else { "" };
            let _ = write!(b, "<option{sel}>{}</option>", esc(u));
        }
        let _ = write!(b, "</select></span>{hint}{err}</div>");
    }

    fn text(&self, b: &mut String, name: &str, label: &str, hint: &str, mode: &str) {
        let id = field_id(name);
        let (err, attrs) = self.error(name);
        let described = if attrs.is_empty() {
            format!(" aria-describedby=\"{id}-hint\"")
        } else {
            String::new()
        };
        let _ = write!(
            b,
            "<div class=\"field\"><label for=\"{id}\">{}</label><input type=\"text\" inputmode=\"{mode}\" id=\"{id}\" name=\"{}\" value=\"{}\" autocomplete=\"off\"{attrs}{described}><span class=\"hint\" id=\"{id}-hint\">{}</span>{err}</div>",
            esc(label),
            esc(name),
            esc(self.value(name)),
            esc(hint)
        );
    }

    fn select(
        &self,
        b: &mut String,
        name: &str,
        label: &str,
        hint: &str,
        options: &[(String, String)],
        none: &str,
    ) {
        let id = field_id(name);
        let (err, attrs) = self.error(name);
        let chosen = self.value(name);
        let _ = write!(b, "<div class=\"field\"><label for=\"{id}\">{}</label><select id=\"{id}\" name=\"{}\"{attrs}>", esc(label), esc(name));
        if !none.is_empty() {
            let _ = write!(b, "<option value=\"\">{}</option>", esc(none));
        }
        for (value, text) in options {
            let sel = if value == chosen { " selected" } else { "" };
            let _ = write!(
                b,
                "<option value=\"{}\"{sel}>{}</option>",
                esc(value),
                esc(text)
            );
        }
        b.push_str("</select>");
        if !hint.is_empty() {
            let _ = write!(b, "<span class=\"hint\">{}</span>", esc(hint));
        }
        let _ = write!(b, "{err}</div>");
    }

    fn checkbox(&self, b: &mut String, name: &str, label: &str) {
        let id = field_id(name);
        let (err, attrs) = self.error(name);
        let checked = if self.value(name).is_empty() {
            ""
        } else {
            " checked"
        };
        let _ = write!(b, "<div class=\"field check\"><input type=\"checkbox\" id=\"{id}\" name=\"{}\"{checked}{attrs}><label for=\"{id}\">{}</label>{err}</div>", esc(name), esc(label));
    }

    fn checkboxes(&self, b: &mut String, name: &str, legend: &str, options: &[(String, String)]) {
        let (err, _) = self.error(name);
        let _ = write!(
            b,
            "<fieldset class=\"choices\"><legend>{}</legend>",
            esc(legend)
        );
        for (i, (value, text)) in options.iter().enumerate() {
            let id = format!("{}-{i}", field_id(name));
            let checked = if self.checked(name, value) {
                " checked"
            } else {
                ""
            };
            let _ = write!(b, "<div class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"{}\" value=\"{}\"{checked}><label for=\"{id}\">{}</label></div>", esc(name), esc(value), esc(text));
        }
        let _ = write!(b, "{err}</fieldset>");
    }
}

/// A number for people: the text reports' significant digits (the JSON below the result has
/// every digit lmr writes).
fn num(v: &Value) -> String {
    match v {
        Value::Number(n) => n.as_f64().map_or_else(
            || n.to_string(),
            |x| crate::number::Number::text(x).to_string(),
        ),
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn source_html(source: &Value) -> String {
    let mut s = esc(text(source, "citation"));
    if let Some(doi) = source.get("doi").and_then(Value::as_str) {
        let _ = write!(s, " doi:{}", esc(doi));
    }
    if let Some(url) = source.get("url").and_then(Value::as_str) {
        let _ = write!(s, " <span class=\"url\">{}</span>", esc(url));
    }
    let _ = write!(s, " [{}]", esc(text(source, "status")));
    s
}

/// One classification: the range (title, source, what it applies to), the class, the figure.
fn range_block(
    b: &mut String,
    registry: &Registry,
    id: &str,
    heading: &str,
    res: &Value,
    value_text: &str,
) {
    let range = &res["range"];
    let _ = write!(
        b,
        "<section class=\"range\"><h3>{}</h3><p class=\"class\">Class: <strong>{}</strong> under <code>{}</code></p>\
         <p>{}</p><p class=\"source\">Source: {}</p>",
        esc(heading),
        esc(text(res, "class")),
        esc(text(range, "id")),
        esc(text(range, "title")),
        source_html(&range["source"])
    );
    let a = &range["applies_to"];
    let mut applies = Vec::new();
    if let Some(p) = a.get("population").and_then(Value::as_str) {
        applies.push(format!("population: {p}"));
    }
    if let Some(d) = a
        .get("doses")
        .and_then(Value::as_object)
        .filter(|d| !d.is_empty())
    {
        let doses: Vec<String> = d
            .iter()
            .map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or("")))
            .collect();
        applies.push(format!("doses: {}", doses.join(", ")));
    }
    if let Some(c) = a.get("collection").and_then(Value::as_str) {
        applies.push(format!("collection: {c}"));
    }
    if let Some(m) = a.get("method").and_then(Value::as_str) {
        applies.push(format!("method: {m}"));
    }
    if !applies.is_empty() {
        let _ = write!(
            b,
            "<p>Protocol and population of the range: {}</p>",
            esc(&applies.join("; "))
        );
    }
    if let Some(bands) = range["bands"].as_array() {
        b.push_str("<table class=\"bands-table\"><caption>Bands</caption><thead><tr><th scope=\"col\">band</th><th scope=\"col\">interval</th><th scope=\"col\">the source's words</th></tr></thead><tbody>");
        for band in bands {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(text(band, "label")),
                esc(text(band, "interval")),
                esc(text(band, "wording"))
            );
        }
        b.push_str("</tbody></table>");
    }
    if let (Some(r), Some(v)) = (registry.range(text(range, "id")), res["value"].as_f64()) {
        let _ = write!(
            b,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            figure::bands(id, r, v, value_text),
            esc(&format!(
                "{value_text} drawn on the bands of {} ({}).",
                r.id, r.unit
            ))
        );
    }
    b.push_str("</section>\n");
}

fn result_section(b: &mut String, registry: &Registry, doc: &Value, json_text: &str) {
    let d = &doc["details"];
    b.push_str("<section id=\"result\" aria-labelledby=\"result-h\" tabindex=\"-1\"><h2 id=\"result-h\">Result</h2>\n");
    if let Some(rec) = d["recoveries"].as_object().filter(|r| !r.is_empty()) {
        b.push_str("<table id=\"recoveries\"><caption>Recoveries (% of the oral dose excreted in the urine collected)</caption><tbody>");
        for (k, v) in rec {
            let name = k.trim_end_matches("_recovery_pct").replace('_', " ");
            let _ = write!(
                b,
                "<tr><th scope=\"row\">{}</th><td>{} %</td></tr>",
                esc(&name),
                esc(&num(v))
            );
        }
        b.push_str("</tbody></table>\n");
    }
    if !doc["lm_ratio"].is_null() {
        let ratio = num(&doc["lm_ratio"]);
        let _ = write!(b, "<p id=\"lm-ratio\">Lactulose : mannitol ratio <strong>{}</strong> <span class=\"hint\">({})</span></p>", esc(&ratio), esc(text(d, "lm_ratio_definition")));
        if d["lm_range"].is_null() {
            let _ = write!(b, "<p id=\"lm-class\">Class: <strong>{}</strong> — no range's protocol matches this sample; name one under “L:M range” to compare anyway (the differences are then flagged).</p>", esc(text(doc, "lm_class")));
        } else {
            range_block(
                b,
                registry,
                "lm",
                "L:M range used",
                &d["lm_range"],
                &format!("L:M {ratio}"),
            );
        }
        differences(
            b,
            &d["protocol_differences"],
            "How this sample's protocol differs from the range's",
        );
    }
    if !d["lr_range"].is_null() {
        let ratio = num(&doc["lr_ratio"]);
        range_block(
            b,
            registry,
            "lr",
            "L:R range used",
            &d["lr_range"],
            &format!("L:R {ratio}"),
        );
        differences(
            b,
            &d["lr_protocol_differences"],
            "How this sample's protocol differs from the L:R range's",
        );
    }
    if let Some(v) = d["vitamin_d"].as_object() {
        let _ = write!(b, "<h3>Vitamin D</h3><p id=\"vitamin-d\">25(OH)D <strong>{} nmol/L</strong> = {} ng/mL ({}; molar mass {} g/mol)</p>", esc(&num(&v["nmol_l"])), esc(&num(&v["ng_ml"])), esc(v["form"].as_str().unwrap_or("")), esc(&num(&v["molar_mass_g_per_mol"])));
        if let Some(schemes) = v["schemes"].as_array() {
            for (i, s) in schemes.iter().enumerate() {
                let unit = text(s, "unit");
                let heading = format!("Scheme {}", text(&s["range"], "id"));
                range_block(
                    b,
                    registry,
                    &format!("vd{i}"),
                    &heading,
                    s,
                    &format!("{} {unit}", num(&s["value"])),
                );
            }
        }
    }
    if let Some(z) = d["zonulin"].as_object() {
        let _ = write!(
            b,
            "<h3>Zonulin</h3><p id=\"zonulin\">{} {} ({})</p>",
            esc(&num(&z["value"])),
            esc(z["unit"].as_str().unwrap_or("")),
            esc(z["matrix"].as_str().unwrap_or(""))
        );
        if z["range"].is_null() {
            b.push_str(
                "<p>Not classified: no zonulin range was named (lmr ships none as “normal”).</p>",
            );
        } else {
            let unit = text(&z["range"], "unit");
            range_block(
                b,
                registry,
                "zon",
                "Zonulin range used",
                &z["range"],
                &format!("{} {unit}", num(&z["range"]["value"])),
            );
        }
    }
    b.push_str("<h3>Flags</h3>");
    match d["flags"].as_array().filter(|f| !f.is_empty()) {
        None => b.push_str("<p id=\"flags\">None.</p>"),
        Some(flags) => {
            b.push_str("<dl id=\"flags\">");
            for f in flags {
                let _ = write!(b, "<dt><code>{}</code></dt><dd>{}<br>{}<br><span class=\"source\">Source: {}</span></dd>", esc(text(f, "code")), esc(text(f, "detail")), esc(text(f, "explanation")), esc(text(f, "source")));
            }
            b.push_str("</dl>");
        }
    }
    b.push_str("<h3>Caveats</h3><dl id=\"caveats\">");
    for c in d["caveats"].as_array().into_iter().flatten() {
        let _ = write!(
            b,
            "<dt><code>{}</code></dt><dd>{}<br><span class=\"source\">Source: {}</span></dd>",
            esc(text(c, "code")),
            esc(text(c, "text")),
            esc(text(c, "source"))
        );
    }
    b.push_str("</dl>");
    let _ = write!(b, "<details><summary>The same result as JSON (<code>lmr check --format json</code>)</summary><pre id=\"json\">{}</pre></details>\n</section>", esc(json_text));
}

fn differences(b: &mut String, list: &Value, heading: &str) {
    if let Some(items) = list.as_array().filter(|l| !l.is_empty()) {
        let _ = write!(b, "<p>{}:</p><ul>", esc(heading));
        for i in items {
            let _ = write!(b, "<li>{}</li>", esc(i.as_str().unwrap_or("")));
        }
        b.push_str("</ul>");
    }
}

/// `GET /batch`: the file form.
pub(super) async fn batch(State(state): State<Shared>) -> Response {
    let registry = &state.registry;
    let limit_mb = state.limits.upload_bytes / (1024 * 1024);
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>Interpret a file of samples</h1>\n\
         <p class=\"lead\">A CSV file with one sample per row, read exactly as <code>lmr batch</code> reads it: every row comes back, in order, with its fields unchanged and the results appended. Files up to <strong>{limit_mb} MB</strong>. The file is streamed through a temporary file that is removed when the answer is sent; nothing is kept.</p>\n\
         <form method=\"post\" action=\"/api/batch\" enctype=\"multipart/form-data\">\n\
         <div class=\"field\"><label for=\"f-file\">CSV file</label><input type=\"file\" id=\"f-file\" name=\"file\" accept=\".csv,.tsv,.txt,text/csv\" required aria-describedby=\"f-file-hint\"><span class=\"hint\" id=\"f-file-hint\">Columns such as urine_lactulose, urine_mannitol, urine_volume, lactulose_dose, … (see docs/batch.md); a cell may carry its own unit.</span></div>\n\
         <div class=\"field\"><label for=\"f-columns\">Column map (optional)</label><input type=\"file\" id=\"f-columns\" name=\"columns\" accept=\".toml,text/plain\" aria-describedby=\"f-columns-hint\"><span class=\"hint\" id=\"f-columns-hint\">A TOML file naming your lab's own headers, units and fixed values (as <code>lmr batch --columns</code>).</span></div>\n"
    );
    let f = FormWriter {
        form: &[],
        rejected: &[],
    };
    let delimiters = [(",", "comma ,"), (";", "semicolon ;"), ("tab", "tab")]
        .map(|(a, c)| (a.to_string(), c.to_string()));
    f.select(&mut b, "delimiter", "Delimiter", "", &delimiters, "");
    let protocols: Vec<(String, String)> = registry
        .protocols()
        .iter()
        .map(|p| (p.id.clone(), option_text(&p.id, &p.title)))
        .collect();
    f.select(
        &mut b,
        "protocol",
        "Named protocol for rows without doses or window",
        "",
        &protocols,
        "none",
    );
    let lm: Vec<(String, String)> = registry
        .ranges_for(Analyte::LmRatio)
        .map(|r| (r.id.clone(), option_text(&r.id, &r.title)))
        .collect();
    f.select(
        &mut b,
        "lm_range",
        "L:M range",
        "",
        &lm,
        "automatic (matched by protocol)",
    );
    let formats =
        [("csv", "CSV"), ("jsonl", "JSON Lines")].map(|(a, c)| (a.to_string(), c.to_string()));
    f.select(&mut b, "format", "Interpreted file as", "", &formats, "");
    b.push_str("<p class=\"buttons\"><button type=\"submit\" id=\"download\">Download the interpreted file</button> \
         <button type=\"submit\" id=\"summary\" formaction=\"/api/summary\">Show the summary (<code>lmr summary</code> HTML)</button></p>\n</form>\n\
         <p class=\"hint\">The interpreted file is the same as <code>lmr batch</code> writes; the summary page is the same as <code>lmr summary --html</code> writes and can be saved from the browser.</p>\n");
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page("A file of samples", "/batch", &b),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_unit_make_one_text() {
        assert_eq!(combine("9.21", Some("mg/L")), "9.21 mg/L");
        assert_eq!(combine(" <2.5 ", Some("mg/L")), "<2.5 mg/L");
        // A value with its own unit, or a word, is passed on as typed.
        assert_eq!(combine("1.2 L", Some("mL")), "1.2 L");
        assert_eq!(combine("ND", Some("mg/L")), "ND");
    }

    #[test]
    fn the_form_carries_the_pretest_answers_to_the_flags() {
        let registry = Registry::builtin().unwrap();
        let page = sample_page(&registry, &[], None, &[]);
        for name in ["pretest_nsaid", "glycosuria", "egfr"] {
            assert!(page.contains(&format!("name=\"{name}\"")), "{name}");
        }
        let form: Vec<(String, String)> = [
            ("vitamin_d", "60"),
            ("vitamin_d_unit", "nmol/L"),
            ("pretest_nsaid", "yes"),
            ("glycosuria", "no"),
            ("egfr", "55"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
        let doc: Value =
            serde_json::from_str(&check::document(&registry, &fields(&form)).unwrap()).unwrap();
        // yes raises pretest_nsaid; no raises nothing; 55 < 60 raises reduced_renal_function
        assert_eq!(
            doc["flags"],
            serde_json::json!(["pretest_nsaid", "reduced_renal_function"])
        );
    }

    #[test]
    fn a_sugar_error_points_at_its_row() {
        let r = Rejected {
            field: Some("dose".into()),
            value: Some("rhamnose=abc".into()),
            message: String::new(),
        };
        assert_eq!(target(&r).as_deref(), Some("rhamnose_dose"));
    }
}
