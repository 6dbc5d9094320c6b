//! Caveat and flag codes, for people (text) and programs (JSON).
//!
//! A caveat and a flag each have one JSON shape ([`caveat_json`], [`flag_json`]): `lmr caveats
//! --format json` prints them, and every result's `details.caveats` / `details.flags` carries them.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::caveat::Caveat;
use crate::flag::Flag;

#[derive(Serialize)]
struct CaveatPartJson {
    code: &'static str,
    text: &'static str,
    source: &'static str,
}

#[derive(Serialize)]
struct CaveatJson {
    code: &'static str,
    text: &'static str,
    source: &'static str,
    merged_into: Option<&'static str>,
    parts: Vec<CaveatPartJson>,
}

/// A caveat as JSON: code, text, source, the standing code it is merged into (or `null`), and a
/// standing code's parts (each with its own code, text and source; empty for the others).
///
/// ```
/// use lmr::caveat::Caveat;
/// let v = lmr::report::caveat_json(Caveat::SugarTestGeneral);
/// assert_eq!(v["code"], "sugar_test_general");
/// assert!(v["merged_into"].is_null());
/// assert!(v["parts"].as_array().unwrap().iter().any(|p| p["code"] == "lm_ratio_not_diagnostic"));
/// ```
pub fn caveat_json(c: Caveat) -> Value {
    let view = CaveatJson {
        code: c.code(),
        text: c.text(),
        source: c.source(),
        merged_into: c.merged_into().map(Caveat::code),
        parts: c
            .parts()
            .iter()
            .map(|p| CaveatPartJson {
                code: p.code(),
                text: p.text(),
                source: p.source(),
            })
            .collect(),
    };
    serde_json::to_value(view).unwrap_or_default()
}

#[derive(Serialize)]
struct FlagJson<'a> {
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    explanation: &'static str,
    source: &'static str,
}

/// A flag as JSON: code, what raised it on this sample (`detail`, only for a raised flag),
/// explanation and source.
///
/// ```
/// use lmr::flag::Flag;
/// let v = lmr::report::flag_json(Flag::ALL[0], None);
/// assert_eq!(v["code"], Flag::ALL[0].code());
/// assert!(v.get("detail").is_none());
/// ```
pub fn flag_json(f: Flag, detail: Option<&str>) -> Value {
    let view = FlagJson {
        code: f.code(),
        detail,
        explanation: f.explanation(),
        source: f.source(),
    };
    serde_json::to_value(view).unwrap_or_default()
}

/// A caveat as text: the code, its text (a standing code's parts one per line) and sources.
fn caveat_text(out: &mut String, c: Caveat) {
    let _ = writeln!(out, "\n  {}", c.code());
    if c.parts().is_empty() {
        let _ = writeln!(out, "    {}\n    source: {}", c.text(), c.source());
    } else {
        for p in c.parts() {
            let _ = writeln!(
                out,
                "    - {} ({})\n      source: {}",
                p.text(),
                p.code(),
                p.source()
            );
        }
    }
    if let Some(s) = c.merged_into() {
        let _ = writeln!(
            out,
            "    (a former code: rows now carry it as part of {})",
            s.code()
        );
    }
}

fn flag_text(out: &mut String, f: Flag) {
    let _ = writeln!(
        out,
        "\n  {}\n    {}\n    source: {}",
        f.code(),
        f.explanation(),
        f.source()
    );
}

/// One caveat or flag code explained (`lmr caveats CODE`), as text or JSON; `None` for a code
/// that is neither.
///
/// ```
/// let text = lmr::report::code_text("sugar_test_general", false).unwrap();
/// assert!(text.starts_with("  sugar_test_general\n"));
/// assert!(lmr::report::code_text("no_such_code", false).is_none());
/// ```
pub fn code_text(code: &str, json: bool) -> Option<String> {
    let mut out = String::new();
    if let Some(c) = Caveat::from_code(code) {
        if json {
            out = pretty(&caveat_json(c));
        } else {
            caveat_text(&mut out, c);
        }
    } else if let Some(f) = Flag::from_code(code) {
        if json {
            out = pretty(&flag_json(f, None));
        } else {
            flag_text(&mut out, f);
        }
    } else {
        return None;
    }
    Some(out.trim_start_matches('\n').to_string())
}

/// Every caveat and flag code explained (`lmr caveats`), as text or JSON
/// (`{"caveats": […], "flags": […]}`).
///
/// ```
/// let v: serde_json::Value = serde_json::from_str(&lmr::report::codes_text(true))?;
/// assert!(v["caveats"].as_array().unwrap().iter().any(|c| c["code"] == "sugar_test_general"));
/// assert!(lmr::report::codes_text(false).contains("\nQuality flags (the `flags` column)\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn codes_text(json: bool) -> String {
    if json {
        return pretty(&codes_json());
    }
    let mut out = String::from(
        "Caveats (the `caveats` column): a standing code per analyte gathers its general points; \
         the others apply to the rows that carry them\n",
    );
    for &c in Caveat::CODES {
        caveat_text(&mut out, c);
    }
    out.push_str("\nQuality flags (the `flags` column)\n");
    for &f in Flag::ALL {
        flag_text(&mut out, f);
    }
    out
}

/// Every caveat and flag code as JSON, `{"caveats": […], "flags": […]}` (`lmr caveats --format
/// json`, `GET /api/caveats`).
///
/// ```
/// let v = lmr::report::codes_json();
/// assert!(v["flags"].as_array().unwrap().iter().all(|f| f["explanation"].is_string()));
/// ```
pub fn codes_json() -> Value {
    serde_json::json!({
        "caveats": Caveat::ALL.iter().map(|&c| caveat_json(c)).collect::<Vec<_>>(),
        "flags": Flag::ALL.iter().map(|&f| flag_json(f, None)).collect::<Vec<_>>(),
    })
}

/// Indented JSON and a newline.
fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// A code that is neither a caveat nor a flag (`lmr caveats CODE`).
///
/// ```
/// let e = lmr::report::UnknownCode;
/// assert!(e.to_string().starts_with("not a caveat or flag code (caveats: "));
/// assert!(e.to_string().ends_with("; `lmr caveats` lists every code)"));
/// ```
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error(
    "not a caveat or flag code (caveats: {}; `lmr caveats` lists every code)",
    known_caveats()
)]
pub struct UnknownCode;

fn known_caveats() -> String {
    let known: Vec<&str> = Caveat::CODES.iter().map(|c| c.code()).collect();
    known.join(", ")
}
