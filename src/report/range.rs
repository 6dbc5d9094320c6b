//! Reference ranges, protocols and the registry, for people (text) and programs (JSON).
//!
//! A range has one JSON shape ([`range_json`]): `lmr ranges show --format json` prints it, and
//! every result's `details` (`lmr check --format json`, `lmr serve`) carries it for the range used.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::number::{self, Number};
use crate::protocol::{Dose, NamedProtocol, SugarMap};
use crate::reference::{
    Band, Bound, CollectionWindow, ReferenceRange, Registry, Selection, Source,
};

/// A number written by the output rule ([`number::json`]).
struct Num(f64);

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        number::json(self.0).serialize(s)
    }
}

#[derive(Serialize)]
struct SourceJson<'a> {
    citation: &'a str,
    doi: Option<&'a str>,
    url: Option<&'a str>,
    quote: &'a str,
    status: &'static str,
    notes: Option<&'a str>,
}

impl<'a> From<&'a Source> for SourceJson<'a> {
    fn from(s: &'a Source) -> Self {
        SourceJson {
            citation: &s.citation,
            doi: s.doi.as_deref(),
            url: s.url.as_deref(),
            quote: &s.quote,
            status: s.status.key(),
            notes: s.notes.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct BoundJson {
    value: Num,
    inclusive: bool,
}

impl From<Bound> for BoundJson {
    fn from(b: Bound) -> Self {
        BoundJson {
            value: Num(b.value),
            inclusive: b.inclusive,
        }
    }
}

#[derive(Serialize)]
struct BandJson<'a> {
    label: &'a str,
    interval: String,
    lower: Option<BoundJson>,
    upper: Option<BoundJson>,
    wording: Option<&'a str>,
    status: &'static str,
}

impl<'a> From<&'a Band> for BandJson<'a> {
    fn from(b: &'a Band) -> Self {
        BandJson {
            label: &b.label,
            interval: b.interval(),
            lower: b.lower.map(BoundJson::from),
            upper: b.upper.map(BoundJson::from),
            wording: b.wording.as_deref(),
            status: b.status.key(),
        }
    }
}

#[derive(Serialize)]
struct AppliesJson<'a> {
    population: Option<&'a str>,
    matrix: &'static str,
    method: Option<&'a str>,
    sex: Option<String>,
    age_years: Option<[Num; 2]>,
    /// Sugar key → dose, in the sugars' order.
    doses: Map<String, Value>,
    collection: Option<String>,
    collection_hours: Option<[Num; 2]>,
    unstated: Vec<&'static str>,
}

#[derive(Serialize)]
struct StatementJson<'a> {
    text: &'a str,
    status: &'static str,
}

#[derive(Serialize)]
struct RangeJson<'a> {
    id: &'a str,
    title: &'a str,
    analyte: &'static str,
    unit: String,
    selection: &'static str,
    origin: &'a str,
    applies_to: AppliesJson<'a>,
    bands: Vec<BandJson<'a>>,
    statements: Vec<StatementJson<'a>>,
    source: SourceJson<'a>,
}

fn selection_key(s: Selection) -> &'static str {
    match s {
        Selection::Automatic => "automatic",
        Selection::Explicit => "explicit",
    }
}

fn pair(lo: f64, hi: f64) -> [Num; 2] {
    [Num(lo), Num(hi)]
}

/// A range as JSON: identity, what it applies to, its bands (each with its interval in words and
/// its bounds), statements and source. The one JSON shape of a range.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let v = lmr::report::range_json(registry.range("iom-2011").unwrap());
/// assert_eq!(v["analyte"], "vitamin_d_25oh");
/// assert_eq!(v["applies_to"]["matrix"], "serum");
/// // IOM 2011: ≥ 50 nmol/L is "sufficient"
/// let sufficient = v["bands"].as_array().unwrap().iter().find(|b| b["label"] == "sufficient").unwrap();
/// assert_eq!(sufficient["lower"]["value"], 50);
/// assert_eq!(sufficient["lower"]["inclusive"], true);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn range_json(r: &ReferenceRange) -> Value {
    let a = &r.applies_to;
    let view = RangeJson {
        id: &r.id,
        title: &r.title,
        analyte: r.analyte.key(),
        unit: r.unit.to_string(),
        selection: selection_key(r.selection),
        origin: &r.origin,
        applies_to: AppliesJson {
            population: a.population.as_deref(),
            matrix: a.matrix.key(),
            method: a.method.as_deref(),
            sex: a.sex.map(|s| s.to_string()),
            age_years: a.age.map(|s| pair(s.min.in_years(), s.max.in_years())),
            doses: dose_map(&a.doses),
            collection: match a.collection {
                Some(CollectionWindow::Exact(c)) => Some(c.to_string()),
                _ => None,
            },
            collection_hours: match a.collection {
                Some(CollectionWindow::Within(s)) => Some(pair(s.min.in_hours(), s.max.in_hours())),
                _ => None,
            },
            unstated: a.unstated.iter().map(|p| p.key()).collect(),
        },
        bands: r.bands.iter().map(BandJson::from).collect(),
        statements: r
            .statements
            .iter()
            .map(|s| StatementJson {
                text: &s.text,
                status: s.status.key(),
            })
            .collect(),
        source: SourceJson::from(&r.source),
    };
    serde_json::to_value(view).unwrap_or_default()
}

/// Doses as a JSON object, `{"lactulose": "5 g", …}`, in the sugars' order.
fn dose_map(doses: &SugarMap<Dose>) -> Map<String, Value> {
    doses
        .iter()
        .map(|(s, d)| (s.key().to_string(), Value::String(d.mass.to_string())))
        .collect()
}

/// Doses as `lactulose 5 g`, one per sugar.
fn dose_list(doses: &SugarMap<Dose>) -> Vec<String> {
    doses
        .iter()
        .map(|(s, d)| format!("{} {}", s.key(), d.mass))
        .collect()
}

/// A source in text: `Source [status]`, the citation, DOI, URL, the quoted words and notes.
fn source_text(out: &mut String, s: &Source) {
    let _ = writeln!(out, "Source [{}]\n  {}", s.status.key(), s.citation);
    if let Some(d) = &s.doi {
        let _ = writeln!(out, "  doi:{d}");
    }
    if let Some(u) = &s.url {
        let _ = writeln!(out, "  {u}");
    }
    let _ = writeln!(out, "  \"{}\"", s.quote);
    if let Some(n) = &s.notes {
        let _ = writeln!(out, "  notes: {n}");
    }
}

/// A range in full for people (`lmr ranges show ID`): what it applies to, its bands with the
/// source's words, statements and the source.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let text = lmr::report::range_text(registry.range("iom-2011").unwrap());
/// assert!(text.starts_with("iom-2011 — "));
/// assert!(text.contains("  matrix: serum\n"));
/// assert!(text.contains("Source [verified]"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn range_text(r: &ReferenceRange) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", r.id, r.title);
    let _ = writeln!(
        out,
        "  analyte {}, unit {}, from {}",
        r.analyte.key(),
        r.unit,
        r.origin
    );
    let a = &r.applies_to;
    let _ = writeln!(out, "Applies to");
    let _ = writeln!(out, "  matrix: {}", a.matrix);
    if let Some(p) = &a.population {
        let _ = writeln!(out, "  population: {p}");
    }
    if let Some(m) = &a.method {
        let _ = writeln!(out, "  method: {m}");
    }
    if let Some(span) = a.age {
        let (lo, hi) = (span.min.in_years(), span.max.in_years());
        let _ = writeln!(out, "  age: {}–{} years", Number(lo), Number(hi));
    }
    if let Some(s) = a.sex {
        let _ = writeln!(out, "  sex: {s}");
    }
    if !a.doses.is_empty() {
        let _ = writeln!(out, "  doses: {}", dose_list(&a.doses).join(", "));
    }
    match a.collection {
        Some(CollectionWindow::Exact(c)) => {
            let _ = writeln!(out, "  collection: {c}");
        }
        Some(CollectionWindow::Within(s)) => {
            let (lo, hi) = (s.min.in_hours(), s.max.in_hours());
            let _ = writeln!(out, "  collection: {}–{} h", Number(lo), Number(hi));
        }
        None => {}
    }
    if !a.unstated.is_empty() {
        let u: Vec<&str> = a.unstated.iter().map(|p| p.key()).collect();
        let _ = writeln!(out, "  not stated by the source: {}", u.join(", "));
    }
    let sel = match r.selection {
        Selection::Automatic => "automatic (classifies samples whose protocol matches)",
        Selection::Explicit => "explicit (used only when named)",
    };
    let _ = writeln!(out, "  selection: {sel}");
    if !r.bands.is_empty() {
        let _ = writeln!(out, "Bands ({})", r.unit);
        for b in &r.bands {
            let _ = writeln!(
                out,
                "  {:<44} {}  [{}]",
                b.label,
                b.interval(),
                b.status.key()
            );
            if let Some(w) = &b.wording {
                let _ = writeln!(out, "  {:<44} \"{w}\"", "");
            }
        }
    }
    for s in &r.statements {
        let _ = writeln!(out, "Statement [{}]: {}", s.status.key(), s.text);
    }
    source_text(&mut out, &r.source);
    out
}

#[derive(Serialize)]
struct ProtocolJson<'a> {
    id: &'a str,
    title: &'a str,
    /// Sugar key → dose, in the sugars' order (as a range's `applies_to.doses`).
    doses: Map<String, Value>,
    collection: Option<String>,
    population: Option<&'a str>,
    origin: &'a str,
    source: SourceJson<'a>,
}

/// A named protocol as JSON: doses (`{"lactulose": "5 g", …}`), window, population, origin and
/// source.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let v = lmr::report::protocol_json(registry.protocol("dutch-sat-low-osmolar").unwrap());
/// assert_eq!(v["doses"]["lactulose"], "5 g");
/// assert_eq!(v["collection"], "5 h");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn protocol_json(p: &NamedProtocol) -> Value {
    let view = ProtocolJson {
        id: &p.id,
        title: &p.title,
        doses: dose_map(&p.doses),
        collection: p.collection.map(|c| c.to_string()),
        population: p.population.as_deref(),
        origin: &p.origin,
        source: SourceJson::from(&p.source),
    };
    serde_json::to_value(view).unwrap_or_default()
}

/// A named protocol for people (`lmr ranges show ID`).
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let text = lmr::report::protocol_text(registry.protocol("dutch-sat-low-osmolar").unwrap());
/// assert!(text.contains("  collection: 5 h\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn protocol_text(p: &NamedProtocol) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {} (protocol, from {})", p.id, p.title, p.origin);
    let _ = writeln!(out, "  doses: {}", dose_list(&p.doses).join(", "));
    let _ = writeln!(
        out,
        "  collection: {}",
        p.collection.map_or("not stated".into(), |c| c.to_string())
    );
    if let Some(pop) = &p.population {
        let _ = writeln!(out, "  population: {pop}");
    }
    source_text(&mut out, &p.source);
    out
}

#[derive(Serialize)]
struct RangeEntry<'a> {
    id: &'a str,
    analyte: &'static str,
    unit: String,
    selection: &'static str,
    status: &'static str,
    title: &'a str,
    origin: &'a str,
}

#[derive(Serialize)]
struct ProtocolEntry<'a> {
    id: &'a str,
    title: &'a str,
    status: &'static str,
    origin: &'a str,
}

#[derive(Serialize)]
struct RegistryJson<'a> {
    ranges: Vec<RangeEntry<'a>>,
    protocols: Vec<ProtocolEntry<'a>>,
}

/// Every range and protocol loaded, one entry each (`lmr ranges list --format json`): ids,
/// analyte, unit, selection, status, title and the file each came from.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let v = lmr::report::registry_json(&registry);
/// assert!(v["ranges"].as_array().unwrap().iter().any(|r| r["id"] == "iom-2011"));
/// assert!(v["protocols"].as_array().unwrap().iter().any(|p| p["id"] == "dutch-sat-low-osmolar"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn registry_json(registry: &Registry) -> Value {
    let view = RegistryJson {
        ranges: registry
            .ranges()
            .iter()
            .map(|r| RangeEntry {
                id: &r.id,
                analyte: r.analyte.key(),
                unit: r.unit.to_string(),
                selection: selection_key(r.selection),
                status: r.source.status.key(),
                title: &r.title,
                origin: &r.origin,
            })
            .collect(),
        protocols: registry
            .protocols()
            .iter()
            .map(|p| ProtocolEntry {
                id: &p.id,
                title: &p.title,
                status: p.source.status.key(),
                origin: &p.origin,
            })
            .collect(),
    };
    serde_json::to_value(view).unwrap_or_default()
}

/// One range or protocol in full (`lmr ranges show ID`), as text or JSON; `None` when no range
/// or protocol has this id.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let json = lmr::report::entry_text(&registry, "iom-2011", true).unwrap();
/// let v: serde_json::Value = serde_json::from_str(&json)?;
/// assert_eq!(v["id"], "iom-2011");
/// assert!(lmr::report::entry_text(&registry, "dutch-sat-hyperosmolar", false).is_some());
/// assert!(lmr::report::entry_text(&registry, "no-such-id", false).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn entry_text(registry: &Registry, id: &str, json: bool) -> Option<String> {
    let pretty = |v: Value| serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    if let Some(r) = registry.range(id) {
        return Some(if json {
            pretty(range_json(r))
        } else {
            range_text(r)
        });
    }
    let p = registry.protocol(id)?;
    Some(if json {
        pretty(protocol_json(p))
    } else {
        protocol_text(p)
    })
}

/// Every range and protocol loaded, as two aligned tables (`lmr ranges list`).
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let text = lmr::report::registry_text(&registry);
/// assert!(text.starts_with("Reference ranges (selection: automatic"));
/// assert!(text.contains("\nProtocols (use with --protocol ID)\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn registry_text(registry: &Registry) -> String {
    let mut out = String::new();
    let w = registry
        .ranges()
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(2);
    let _ = writeln!(
        out,
        "Reference ranges (selection: automatic = matched by protocol; explicit = only when named)"
    );
    let _ = writeln!(
        out,
        "  {:<w$}  {:<22} {:<7} {:<10} {:<10} title",
        "id", "analyte", "unit", "selection", "status"
    );
    for r in registry.ranges() {
        let _ = writeln!(
            out,
            "  {:<w$}  {:<22} {:<7} {:<10} {:<10} {}",
            r.id,
            r.analyte.key(),
            r.unit.to_string(),
            selection_key(r.selection),
            r.source.status.key(),
            r.title
        );
    }
    let w = registry
        .protocols()
        .iter()
        .map(|p| p.id.len())
        .max()
        .unwrap_or(2);
    let _ = writeln!(out, "\nProtocols (use with --protocol ID)");
    for p in registry.protocols() {
        let window = p
            .collection
            .map_or("window not stated".into(), |c| c.to_string());
        let _ = writeln!(
            out,
            "  {:<w$}  {}; {}  [{}]",
            p.id,
            dose_list(&p.doses).join(", "),
            window,
            p.source.status.key()
        );
    }
    out
}
