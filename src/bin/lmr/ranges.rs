//! `lmr ranges` and `lmr caveats`.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use lmr::caveat::Caveat;
use lmr::flag::Flag;
use lmr::reference::Registry;
use serde_json::json;

use crate::args::{CaveatsArgs, Format, RangesAction, RangesArgs};
use crate::error::{print, CliError};

/// The shipped ranges plus the user's, saying on stderr which user ranges override shipped ones.
pub fn load_registry(paths: &[PathBuf]) -> Result<Registry, CliError> {
    let mut registry = Registry::builtin()?;
    for p in paths {
        for o in registry.load_path(p)? {
            eprintln!("lmr: note: {o}");
        }
    }
    Ok(registry)
}

fn list(registry: &Registry, format: Format) -> String {
    if format == Format::Json {
        let ranges: Vec<_> = registry
            .ranges()
            .iter()
            .map(|r| {
                json!({"id": r.id, "analyte": r.analyte.key(), "unit": r.unit.to_string(),
                       "selection": if r.selection == lmr::reference::Selection::Automatic {"automatic"} else {"explicit"},
                       "status": r.source.status.key(), "title": r.title, "origin": r.origin})
            })
            .collect();
        let protocols: Vec<_> = registry
            .protocols()
            .iter()
            .map(|p| json!({"id": p.id, "title": p.title, "status": p.source.status.key(), "origin": p.origin}))
            .collect();
        return format!("{}\n", json!({"ranges": ranges, "protocols": protocols}));
    }
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
        let sel = if r.selection == lmr::reference::Selection::Automatic {
            "automatic"
        } else {
            "explicit"
        };
        let _ = writeln!(
            out,
            "  {:<w$}  {:<22} {:<7} {:<10} {:<10} {}",
            r.id,
            r.analyte.key(),
            r.unit.to_string(),
            sel,
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
        let doses: Vec<String> = p
            .doses
            .iter()
            .map(|(s, d)| format!("{} {}", s.key(), d.mass))
            .collect();
        let window = p
            .collection
            .map_or("window not stated".into(), |c| c.to_string());
        let _ = writeln!(
            out,
            "  {:<w$}  {}; {}  [{}]",
            p.id,
            doses.join(", "),
            window,
            p.source.status.key()
        );
    }
    out
}

fn show(registry: &Registry, id: &str, format: Format) -> Result<String, CliError> {
    if let Some(r) = registry.range(id) {
        if format == Format::Json {
            let v = serde_json::to_string_pretty(&range_json(r)).unwrap_or_default();
            return Ok(v + "\n");
        }
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
        if let Some((lo, hi)) = a.age_years {
            let _ = writeln!(out, "  age: {lo}–{hi} years");
        }
        if let Some(s) = a.sex {
            let _ = writeln!(out, "  sex: {s}");
        }
        if !a.doses.is_empty() {
            let d: Vec<String> = a
                .doses
                .iter()
                .map(|(s, d)| format!("{} {}", s.key(), d.mass))
                .collect();
            let _ = writeln!(out, "  doses: {}", d.join(", "));
        }
        if let Some(c) = a.collection {
            let _ = writeln!(out, "  collection: {c}");
        }
        if let Some((lo, hi)) = a.collection_hours {
            let _ = writeln!(out, "  collection: {lo}–{hi} h");
        }
        if !a.unstated.is_empty() {
            let u: Vec<&str> = a.unstated.iter().map(|p| p.key()).collect();
            let _ = writeln!(out, "  not stated by the source: {}", u.join(", "));
        }
        let sel = match r.selection {
            lmr::reference::Selection::Automatic => {
                "automatic (classifies samples whose protocol matches)"
            }
            lmr::reference::Selection::Explicit => "explicit (used only when named)",
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
        let s = &r.source;
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
        return Ok(out);
    }
    if let Some(p) = registry.protocol(id) {
        let doses: Vec<String> = p
            .doses
            .iter()
            .map(|(s, d)| format!("{} {}", s.key(), d.mass))
            .collect();
        if format == Format::Json {
            let v = json!({"id": p.id, "title": p.title, "doses": doses, "collection": p.collection.map(|c| c.to_string()),
                "population": p.population, "origin": p.origin,
                "source": {"citation": p.source.citation, "doi": p.source.doi, "url": p.source.url, "quote": p.source.quote, "status": p.source.status.key(), "notes": p.source.notes}});
            return Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n");
        }
        let mut out = String::new();
        let _ = writeln!(out, "{} — {} (protocol, from {})", p.id, p.title, p.origin);
        let _ = writeln!(out, "  doses: {}", doses.join(", "));
        let _ = writeln!(
            out,
            "  collection: {}",
            p.collection.map_or("not stated".into(), |c| c.to_string())
        );
        if let Some(pop) = &p.population {
            let _ = writeln!(out, "  population: {pop}");
        }
        let _ = writeln!(
            out,
            "Source [{}]\n  {}\n  \"{}\"",
            p.source.status.key(),
            p.source.citation,
            p.source.quote
        );
        if let Some(n) = &p.source.notes {
            let _ = writeln!(out, "  notes: {n}");
        }
        return Ok(out);
    }
    Err(CliError::input(
        "ranges show",
        id,
        "no range or protocol with this id (see `lmr ranges list`)",
    ))
}

fn range_json(r: &lmr::reference::ReferenceRange) -> serde_json::Value {
    json!({
        "id": r.id, "title": r.title, "analyte": r.analyte.key(), "unit": r.unit.to_string(), "origin": r.origin,
        "bands": r.bands.iter().map(|b| json!({"label": b.label, "interval": b.interval(),
            "lower": b.lower.map(|x| json!({"value": x.value, "inclusive": x.inclusive})),
            "upper": b.upper.map(|x| json!({"value": x.value, "inclusive": x.inclusive})),
            "wording": b.wording, "status": b.status.key()})).collect::<Vec<_>>(),
        "statements": r.statements.iter().map(|s| json!({"text": s.text, "status": s.status.key()})).collect::<Vec<_>>(),
        "source": {"citation": r.source.citation, "doi": r.source.doi, "url": r.source.url, "quote": r.source.quote,
                   "status": r.source.status.key(), "notes": r.source.notes},
    })
}

/// Runs `lmr ranges …`.
pub fn run(a: &RangesArgs) -> Result<ExitCode, CliError> {
    match &a.action {
        RangesAction::List { ranges, format } => print(&list(&load_registry(ranges)?, *format))?,
        RangesAction::Show { id, ranges, format } => {
            print(&show(&load_registry(ranges)?, id, *format)?)?
        }
        RangesAction::Validate { path } => {
            let mut registry = Registry::builtin()?;
            let before = (registry.ranges().len(), registry.protocols().len());
            let overrides = registry.load_path(path)?;
            let added = (
                registry.ranges().len() - before.0,
                registry.protocols().len() - before.1,
            );
            let mut out = format!(
                "{}: valid ({} new range(s), {} new protocol(s), {} override(s) of shipped ids)\n",
                path.display(),
                added.0,
                added.1,
                overrides.len()
            );
            for o in overrides {
                let _ = writeln!(out, "  {o}");
            }
            print(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A caveat as JSON: code, text, source, the standing code it is merged into (or `null`), and a
/// standing code's parts.
fn caveat_json(c: Caveat) -> serde_json::Value {
    json!({
        "code": c.code(),
        "text": c.text(),
        "source": c.source(),
        "merged_into": c.merged_into().map(Caveat::code),
        "parts": c.parts().iter().map(|p| p.code()).collect::<Vec<_>>(),
    })
}

fn flag_json(f: Flag) -> serde_json::Value {
    json!({"code": f.code(), "explanation": f.explanation(), "source": f.source()})
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

/// Runs `lmr caveats [CODE]`.
pub fn caveats(a: &CaveatsArgs) -> Result<ExitCode, CliError> {
    let json = a.format == Format::Json;
    if let Some(code) = &a.code {
        let code = code.trim();
        let mut out = String::new();
        if let Some(c) = Caveat::from_code(code) {
            if json {
                out = serde_json::to_string_pretty(&caveat_json(c)).unwrap_or_default() + "\n";
            } else {
                caveat_text(&mut out, c);
            }
        } else if let Some(f) = Flag::ALL.iter().copied().find(|f| f.code() == code) {
            if json {
                out = serde_json::to_string_pretty(&flag_json(f)).unwrap_or_default() + "\n";
            } else {
                flag_text(&mut out, f);
            }
        } else {
            let known: Vec<&str> = Caveat::CODES.iter().map(|c| c.code()).collect();
            return Err(CliError::Input {
                flag: "CODE",
                message: format!(
                    "\"{code}\": not a caveat or flag code (caveats: {}; `lmr caveats` lists every code)",
                    known.join(", ")
                ),
            });
        }
        print(out.trim_start_matches('\n'))?;
        return Ok(ExitCode::SUCCESS);
    }
    if json {
        let v = json!({
            "caveats": Caveat::ALL.iter().map(|&c| caveat_json(c)).collect::<Vec<_>>(),
            "flags": Flag::ALL.iter().map(|&f| flag_json(f)).collect::<Vec<_>>(),
        });
        print(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"))?;
        return Ok(ExitCode::SUCCESS);
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
    print(&out)?;
    Ok(ExitCode::SUCCESS)
}
