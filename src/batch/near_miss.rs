//! Headers that look like lmr inputs but are not read: `urine lactulose [mg/L]`,
//! `urine_lactulose (mg/L)`, `Lactulose (mg/L)`, `lactulose［mg/L］`, `lactulose-mg-l`. Each gets
//! one [`HeaderWarning`] naming the canonical header it probably means, so that no input column
//! is ignored in silence. The library never prints: `lmr batch` writes the warnings to stderr,
//! and [`super::Layout::warnings`] hands them to every other caller (Python, `lmr serve`).
//!
//! ```
//! use lmr::batch::near_miss;
//! let m = near_miss("urine lactulose （mg/L）").unwrap();
//! assert_eq!((m.field.as_str(), m.unit.as_deref()), ("urine_lactulose", Some("mg/L")));
//! assert!(m.unit_known);
//! assert!(near_miss("participant_id").is_none());
//! ```

use std::fmt;

use super::columns::{Field, Target, Unit, UnitKind};
use crate::sugar::Sugar;

/// What a near-miss header probably means.
///
/// ```
/// let m = lmr::batch::near_miss("Lactulose (mg/L)").unwrap();
/// assert_eq!(m, lmr::batch::NearMiss { field: "urine_lactulose".into(), unit: Some("mg/L".into()), unit_known: true });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    /// The canonical name (`urine_lactulose`, `lactulose_dose`, `urine_volume_0_2h`).
    pub field: String,
    /// The unit the header gives, as written (brackets and full-width forms removed).
    pub unit: Option<String>,
    /// Whether lmr reads that unit for the field.
    pub unit_known: bool,
}

/// One unread header that looks like an lmr input.
///
/// ```
/// let header = ["vitamin_d", "urine lactulose [mg/L]"];
/// let layout = lmr::batch::Layout::resolve(&header, &lmr::ColumnMap::default())?;
/// let w = &layout.warnings()[0];
/// assert_eq!((w.column, w.header.as_str()), (2, "urine lactulose [mg/L]"));
/// assert!(w.to_string().starts_with(r#"column 2 ("urine lactulose [mg/L]") is not read: it looks like urine_lactulose"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderWarning {
    /// 1-based column number.
    pub column: usize,
    /// The header as written.
    pub header: String,
    /// What it probably means.
    pub near: NearMiss,
}

impl fmt::Display for HeaderWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = &self.near;
        write!(
            f,
            "column {} ({:?}) is not read: it looks like {}",
            self.column, self.header, n.field
        )?;
        match (&n.unit, n.unit_known) {
            (Some(u), true) => write!(
                f,
                "; name it `{} [{u}]`, or map it in a column map (--columns): {:?} = {{ field = {:?}, unit = {:?} }}",
                n.field, self.header, n.field, u
            ),
            (Some(u), false) => write!(
                f,
                ", but lmr does not read the unit {u:?}; give the column in a unit lmr reads and name it `{} [unit]`",
                n.field
            ),
            (None, _) => write!(
                f,
                "; name it `{}`, or map it in a column map (--columns): {:?} = {:?}",
                n.field, self.header, n.field
            ),
        }
    }
}

/// Full-width forms (`［`, `（`, `ｍ`, U+FF01–U+FF5E) and the ideographic space as ASCII.
fn ascii_form(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

/// The canonical name `name` (normalised) probably means, for a header giving `unit` (a unit
/// of the field's kind, or `None`). A bare sugar name is the urine concentration, or the dose
/// or solution when the unit says so.
fn field_of(name: &str, unit: Option<&str>) -> Option<(String, UnitKind)> {
    let target = |n: &str| Target::parse(n).map(|t| (t.name(), t.unit_kind()));
    if let Some(t) = target(name) {
        return Some(t);
    }
    if let Some(sugar) = name.parse::<Sugar>().ok().filter(|s| s.key() == name) {
        let fields = [
            Field::Urine(sugar),
            Field::Dose(sugar),
            Field::Solution(sugar),
        ];
        let by_unit = unit.and_then(|u| {
            fields
                .iter()
                .find(|f| Unit::parse(f.unit_kind(), u).is_some())
        });
        let f = by_unit.copied().unwrap_or(Field::Urine(sugar));
        return Some((f.name().to_string(), f.unit_kind()));
    }
    target(&format!("urine_{name}"))
}

/// What a header that lmr does not read probably means, if it looks like one of lmr's inputs:
/// the header with full-width forms made ASCII, lower case, a bracketed unit (`[mg/L]`,
/// `(mg/L)`) or trailing unit words (`-mg-l`) taken off, and spaces, hyphens and dots made `_`,
/// is a canonical name (or a sugar's name, or a canonical name without its `urine_`). `None`
/// for a column that is clearly something else (`participant_id`, `site`).
///
/// ```
/// use lmr::batch::near_miss;
/// let m = near_miss("Lactulose (g)").unwrap(); // a mass: the dose
/// assert_eq!(m.field, "lactulose_dose");
/// let m = near_miss("lactulose-mg-l").unwrap();
/// assert_eq!((m.field.as_str(), m.unit.as_deref()), ("urine_lactulose", Some("mg/l")));
/// assert!(near_miss("site").is_none());
/// ```
pub fn near_miss(header: &str) -> Option<NearMiss> {
    // lmr's own result columns (`vitamin_d_nmol_l`) in a file that lmr wrote
    if super::is_quantity_column(header.trim()) {
        return None;
    }
    let ascii: String = header.chars().map(ascii_form).collect();
    let t = ascii.trim();
    // A bracketed unit at the end: `[mg/L]` or `(mg/L)`.
    let (name, bracket) = match t.chars().last() {
        Some(close @ (']' | ')')) => {
            let open = if close == ']' { '[' } else { '(' };
            match t.rfind(open) {
                Some(i) => (&t[..i], Some(t[i + 1..t.len() - 1].trim())),
                None => (t, None),
            }
        }
        _ => (t, None),
    };
    let mut key = String::with_capacity(name.len());
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        let c = if matches!(c, ' ' | '-' | '.' | '_' | '\t') {
            '_'
        } else {
            c
        };
        if !(c == '_' && (key.is_empty() || key.ends_with('_'))) {
            key.push(c);
        }
    }
    let key = key.trim_end_matches('_');
    if key.is_empty() {
        return None;
    }
    if let Some(unit) = bracket.filter(|u| !u.is_empty()) {
        let (field, kind) = field_of(key, Some(unit))?;
        return Some(NearMiss {
            field,
            unit: Some(unit.to_string()),
            unit_known: kind != UnitKind::None && Unit::parse(kind, unit).is_some(),
        });
    }
    if let Some((field, _)) = field_of(key, None) {
        return Some(NearMiss {
            field,
            unit: None,
            unit_known: false,
        });
    }
    // Unit words at the end (`lactulose_mg_l`, `urine_volume_ml`): only a unit lmr reads counts.
    let words: Vec<&str> = key.split('_').collect();
    for k in 1..words.len().min(4) {
        let (name, unit) = words.split_at(words.len() - k);
        let unit = unit.join("/");
        let name = name.join("_");
        if let Some((field, kind)) = field_of(&name, Some(&unit)) {
            if Unit::parse(kind, &unit).is_some() {
                return Some(NearMiss {
                    field,
                    unit: Some(unit),
                    unit_known: true,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_urine_lactulose() {
        for h in [
            "urine lactulose [mg/L]",
            "urine_lactulose (mg/L)",
            "Lactulose (mg/L)",
            "lactulose［mg/L］",
            "lactulose（mg/L）",
            "URINE-LACTULOSE (mg/L)",
            "urine.lactulose  (mg/L)",
        ] {
            let m = near_miss(h).unwrap_or_else(|| panic!("{h}"));
            assert_eq!(m.field, "urine_lactulose", "{h}");
            assert_eq!(m.unit.as_deref(), Some("mg/L"), "{h}");
            assert!(m.unit_known, "{h}");
        }
    }

    #[test]
    fn unrelated_columns_are_not_near_misses() {
        for h in [
            "participant_id",
            "site",
            "id",
            "age_group",
            "sex_code",
            "25(OH)D (nmol/L)",
            // lmr's own output, read again
            "vitamin_d_nmol_l",
            "lactulose_recovery_pct",
        ] {
            assert_eq!(near_miss(h), None, "{h}");
        }
    }
}
