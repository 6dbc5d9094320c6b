//! Output: the result columns (shared by `lmr check --format json` and `lmr batch`), the JSON
//! object, and the text report a lab scientist reads in ten seconds.

mod json;
mod text;

pub use json::to_json;
pub use text::{describe_flag, to_text};

use crate::censored::Censored;
use crate::interpretation::{Interpretation, Interpreter};
use crate::sugar::Sugar;

/// The result columns before the vitamin D scheme columns.
pub const LEADING_COLUMNS: &[&str] = &[
    "lactulose_recovery_pct",
    "mannitol_recovery_pct",
    "lm_ratio",
    "lm_range",
    "lm_class",
    "vitamin_d_nmol_l",
];

/// The result columns after the vitamin D scheme columns.
pub const TRAILING_COLUMNS: &[&str] = &[
    "zonulin_range",
    "zonulin_class",
    "flags",
    "caveats",
    "error",
];

/// The column for a vitamin D scheme: `vitamin_d_class_<id with - as _>`.
pub fn vitamin_d_class_column(scheme_id: &str) -> String {
    format!("vitamin_d_class_{}", scheme_id.replace('-', "_"))
}

/// Every result column, in order, for an interpreter's chosen schemes.
pub fn result_columns(interpreter: &Interpreter<'_>) -> Vec<String> {
    LEADING_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(
            interpreter
                .vitamin_d_schemes()
                .iter()
                .map(|s| vitamin_d_class_column(&s.id)),
        )
        .chain(TRAILING_COLUMNS.iter().map(|c| c.to_string()))
        .collect()
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

/// Calls `field` once per result column with the cell's text, in [`result_columns`] order.
/// `error` fills the last column (and empties the results).
///
/// This is the one place the columns are filled, for CSV and JSON alike.
pub fn for_each_cell(
    interpreter: &Interpreter<'_>,
    result: Option<&Interpretation<'_>>,
    error: Option<&str>,
    mut field: impl FnMut(&str, Cell<'_>),
) {
    let schemes = interpreter.vitamin_d_schemes();
    let Some(r) = result.filter(|_| error.is_none()) else {
        for c in LEADING_COLUMNS {
            field(c, Cell::Empty);
        }
        for s in schemes {
            field(&vitamin_d_class_column(&s.id), Cell::Empty);
        }
        for c in &TRAILING_COLUMNS[..4] {
            field(c, Cell::Empty);
        }
        field("error", error.map_or(Cell::Empty, Cell::Text));
        return;
    };
    let rec = |s: Sugar| {
        r.recoveries
            .get(s)
            .copied()
            .map_or(Cell::Empty, Cell::Number)
    };
    field("lactulose_recovery_pct", rec(Sugar::Lactulose));
    field("mannitol_recovery_pct", rec(Sugar::Mannitol));
    field("lm_ratio", r.lm_ratio.map_or(Cell::Empty, Cell::Number));
    field(
        "lm_range",
        r.lm.as_ref()
            .map_or(Cell::Empty, |l| Cell::Text(&l.range.id)),
    );
    field("lm_class", r.lm_class().map_or(Cell::Empty, Cell::Text));
    let vd = r.vitamin_d.as_ref();
    field(
        "vitamin_d_nmol_l",
        vd.map_or(Cell::Empty, |v| Cell::Number(Censored::Exact(v.nmol_l))),
    );
    for (i, s) in schemes.iter().enumerate() {
        let cell = vd
            .and_then(|v| v.schemes.get(i))
            .map_or(Cell::Empty, |res| Cell::Text(res.label()));
        field(&vitamin_d_class_column(&s.id), cell);
    }
    let z = r.zonulin.as_ref();
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
    field("flags", Cell::Codes(Codes::Flags(r)));
    field("caveats", Cell::Codes(Codes::Caveats(r)));
    field("error", Cell::Empty);
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
