//! Output: the result columns (shared by `lmr check --format json` and `lmr batch`), the JSON
//! object, and the text report a lab scientist reads in ten seconds.

mod json;
mod text;

pub use json::to_json;
pub use text::{describe_flag, to_text};

use crate::censored::Censored;
use crate::interpretation::{Interpretation, Interpreter};
use crate::sugar::Sugar;

/// Which optional result columns a run writes, besides the fixed ones.
///
/// The fixed columns (issue 5's contract) come first and always:
/// `lactulose_recovery_pct, mannitol_recovery_pct, lm_ratio, lm_range, lm_class`. Optional ones
/// follow them, then `vitamin_d_nmol_l, vitamin_d_class_<id>…, zonulin_range, zonulin_class,
/// flags, caveats, error`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// Sugars other than lactulose and mannitol whose `<sugar>_recovery_pct` is written.
    pub sugars: Vec<Sugar>,
    /// Write `lr_ratio, lr_range, lr_class`.
    pub lr: bool,
    /// Write `l13m_ratio`.
    pub l13m: bool,
    /// Fraction labels whose `<name>_<fraction>` columns are written (wide fractions).
    pub fractions: Vec<String>,
}

impl Layout {
    /// The layout that shows everything a sample has: its extra sugars, ratios and fractions.
    pub fn for_sample(sample: &crate::interpretation::Sample) -> Layout {
        let mut present = crate::protocol::SugarMap::default();
        for (s, _) in sample.urine.iter() {
            present.set(s, Some(()));
        }
        for f in &sample.fractions {
            for (s, _) in f.urine.iter() {
                present.set(s, Some(()));
            }
        }
        let has = |s: Sugar| present.get(s).is_some();
        Layout {
            sugars: present
                .iter()
                .map(|(s, _)| s)
                .filter(|s| !matches!(s, Sugar::Lactulose | Sugar::Mannitol))
                .collect(),
            lr: has(Sugar::Lactulose) && has(Sugar::Rhamnose),
            l13m: has(Sugar::Lactulose) && (has(Sugar::Mannitol13C1) || has(Sugar::Mannitol13C6)),
            fractions: sample.fractions.iter().map(|f| f.label.clone()).collect(),
        }
    }

    pub(crate) fn all_sugars(&self) -> impl Iterator<Item = Sugar> + '_ {
        [Sugar::Lactulose, Sugar::Mannitol]
            .into_iter()
            .chain(self.sugars.iter().copied())
    }
}

/// A fraction label as a column suffix: `"0-2h"` → `0_2h` (ASCII letters and digits kept, lower
/// case; anything else becomes `_`).
pub fn fraction_suffix(label: &str) -> String {
    label
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The column for a vitamin D scheme: `vitamin_d_class_<id with - as _>`.
pub fn vitamin_d_class_column(scheme_id: &str) -> String {
    format!("vitamin_d_class_{}", scheme_id.replace('-', "_"))
}

/// Every result column, in order, for an interpreter's chosen schemes (standard layout).
pub fn result_columns(interpreter: &Interpreter<'_>) -> Vec<String> {
    columns(interpreter, &Layout::default())
}

/// Every result column, in order, for an interpreter and a layout.
pub fn columns(interpreter: &Interpreter<'_>, layout: &Layout) -> Vec<String> {
    let mut out = Vec::new();
    cells(interpreter, layout, None, None, |name, _| {
        out.push(name.to_string())
    });
    out
}

/// Writes a number at full precision (the shortest text that reads back to the same `f64`).
pub fn write_number(buf: &mut ryu::Buffer, x: f64) -> &str {
    // ryu prints integers as "1.0" and large/small magnitudes with exponents, both valid CSV/JSON
    // numbers that R and Python read back exactly.
    buf.format_finite(x)
}

/// A censored value as text: `0.34`, `<0.05`, `>2`.
pub fn censored_text(value: Censored) -> String {
    let mut b = ryu::Buffer::new();
    let n = write_number(&mut b, value.number());
    match value {
        Censored::Exact(_) => n.to_string(),
        Censored::LessThan(_) => format!("<{n}"),
        Censored::GreaterThan(_) => format!(">{n}"),
    }
}

/// Calls `field` once per result column with the cell's text, in [`result_columns`] order
/// (standard layout). `error` fills the last column (and empties the results).
pub fn for_each_cell(
    interpreter: &Interpreter<'_>,
    result: Option<&Interpretation<'_>>,
    error: Option<&str>,
    field: impl FnMut(&str, Cell<'_>),
) {
    cells(interpreter, &Layout::default(), result, error, field)
}

/// Calls `field` once per result column of `layout` with the cell, in [`columns`] order. With
/// `error`, or without a result, every result cell is empty and `error` holds the message.
///
/// This is the one place the columns are named and filled, for CSV and JSON alike. Column names
/// of optional columns are built only when a layout asks for them.
pub fn cells(
    interpreter: &Interpreter<'_>,
    layout: &Layout,
    result: Option<&Interpretation<'_>>,
    error: Option<&str>,
    mut field: impl FnMut(&str, Cell<'_>),
) {
    let r = result.filter(|_| error.is_none());
    let num = |c: Option<Censored>| c.map_or(Cell::Empty, Cell::Number);
    let rec = |s: Sugar| num(r.and_then(|r| r.recoveries.get(s).copied()));
    field("lactulose_recovery_pct", rec(Sugar::Lactulose));
    field("mannitol_recovery_pct", rec(Sugar::Mannitol));
    field("lm_ratio", num(r.and_then(|r| r.lm_ratio)));
    field(
        "lm_range",
        r.and_then(|r| r.lm.as_ref())
            .map_or(Cell::Empty, |l| Cell::Text(&l.range.id)),
    );
    field(
        "lm_class",
        r.and_then(|r| r.lm_class()).map_or(Cell::Empty, Cell::Text),
    );
    for &s in &layout.sugars {
        field(&format!("{}_recovery_pct", s.key()), rec(s));
    }
    if layout.lr {
        field("lr_ratio", num(r.and_then(|r| r.lr_ratio)));
        let lr = r.and_then(|r| r.lr.as_ref());
        field(
            "lr_range",
            lr.map_or(Cell::Empty, |l| Cell::Text(&l.range.id)),
        );
        let class = r.and_then(|r| {
            r.lr_ratio?;
            Some(lr.map_or(crate::reference::UNCLASSIFIED, |l| l.label()))
        });
        field("lr_class", class.map_or(Cell::Empty, Cell::Text));
    }
    if layout.l13m {
        field("l13m_ratio", num(r.and_then(|r| r.l13m_ratio)));
    }
    for (i, label) in layout.fractions.iter().enumerate() {
        let suffix = fraction_suffix(label);
        let fr = r.and_then(|r| r.fractions.get(i));
        for s in layout.all_sugars() {
            let v = fr.and_then(|f| f.recoveries.get(s).copied());
            field(&format!("{}_recovery_pct_{suffix}", s.key()), num(v));
        }
        field(
            &format!("lm_ratio_{suffix}"),
            num(fr.and_then(|f| f.ratios.lm)),
        );
        if layout.lr {
            field(
                &format!("lr_ratio_{suffix}"),
                num(fr.and_then(|f| f.ratios.lr)),
            );
        }
        if layout.l13m {
            field(
                &format!("l13m_ratio_{suffix}"),
                num(fr.and_then(|f| f.ratios.l13m)),
            );
        }
    }
    for (i, table) in interpreter.zscore_tables().iter().enumerate() {
        let Some(name) = crate::zscore::z_column(table.analyte()) else {
            continue;
        };
        let z = r
            .and_then(|r| r.zscores.get(i))
            .and_then(|z| z.outcome)
            .and_then(Result::ok);
        field(
            name,
            z.map_or(Cell::Empty, |z| Cell::Number(Censored::Exact(z.z))),
        );
        let id = z.map_or(Cell::Empty, |_| Cell::Text(table.id()));
        field(&format!("{name}_reference"), id);
    }
    let vd = r.and_then(|r| r.vitamin_d.as_ref());
    field(
        "vitamin_d_nmol_l",
        vd.map_or(Cell::Empty, |v| Cell::Number(Censored::Exact(v.nmol_l))),
    );
    for (i, s) in interpreter.vitamin_d_schemes().iter().enumerate() {
        let cell = vd
            .and_then(|v| v.schemes.get(i))
            .map_or(Cell::Empty, |res| Cell::Text(res.label()));
        field(&vitamin_d_class_column(&s.id), cell);
    }
    let z = r.and_then(|r| r.zonulin.as_ref());
    field(
        "zonulin_range",
        z.and_then(|z| z.range.as_ref())
            .map_or(Cell::Empty, |res| Cell::Text(&res.range.id)),
    );
    field(
        "zonulin_class",
        z.map_or(Cell::Empty, |z| {
            Cell::Text(
                z.range
                    .as_ref()
                    .map_or(crate::reference::UNCLASSIFIED, |res| res.label()),
            )
        }),
    );
    field(
        "flags",
        r.map_or(Cell::Empty, |r| Cell::Codes(Codes::Flags(r))),
    );
    field(
        "caveats",
        r.map_or(Cell::Empty, |r| Cell::Codes(Codes::Caveats(r))),
    );
    field("error", error.map_or(Cell::Empty, Cell::Text));
}

/// One result cell.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    /// Nothing (missing input, or not computable).
    Empty,
    /// A number, possibly censored.
    Number(Censored),
    /// Text.
    Text(&'a str),
    /// A list of codes.
    Codes(Codes<'a>),
}

/// Which code list a [`Cell::Codes`] holds.
#[derive(Clone, Copy, Debug)]
pub enum Codes<'a> {
    /// Flag codes.
    Flags(&'a Interpretation<'a>),
    /// Caveat codes.
    Caveats(&'a Interpretation<'a>),
}

impl<'a> Codes<'a> {
    /// The codes.
    pub fn iter(self) -> Box<dyn Iterator<Item = &'static str> + 'a> {
        match self {
            Codes::Flags(r) => Box::new(r.flag_codes()),
            Codes::Caveats(r) => Box::new(r.caveat_codes()),
        }
    }

    /// Writes the codes `;`-separated into `out`.
    pub fn write_joined(self, out: &mut Vec<u8>) {
        let mut first = true;
        let mut push = |c: &str| {
            if !first {
                out.push(b';');
            }
            first = false;
            out.extend_from_slice(c.as_bytes());
        };
        match self {
            Codes::Flags(r) => r.flag_codes().for_each(&mut push),
            Codes::Caveats(r) => r.caveat_codes().for_each(&mut push),
        }
    }
}
