//! Output: the result columns (shared by `lmr check --format json` and `lmr batch`), the JSON
//! object, and the text report a lab scientist reads in ten seconds.

mod json;
mod text;

pub(crate) use json::cell_value;
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
pub const TRAILING_COLUMNS: &[&str] = &["zonulin_range", "zonulin_class", "flags", "caveats", "error"];

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

/// Calls `field` once per result column with the column's name and the cell, in
/// [`result_columns`] order. `error` fills the last column (and empties the results).
///
/// This is the one place the columns are named and filled, for CSV and JSON alike; it is
/// [`for_each_result_cell`] zipped with [`result_columns`].
pub fn for_each_cell(
    interpreter: &Interpreter<'_>,
    result: Option<&Interpretation<'_>>,
    error: Option<&str>,
    mut field: impl FnMut(&str, Cell<'_>),
) {
    let names = result_columns(interpreter);
    let mut i = 0;
    for_each_result_cell(interpreter, result, error, |cell| {
        field(names.get(i).map_or("", String::as_str), cell);
        i += 1;
    });
}

/// Calls `cell` once per result column, in [`result_columns`] order, without naming the
/// columns (the batch hot path names them once, from [`result_columns`]). `error` fills the
/// last column (and empties the results).
pub fn for_each_result_cell(
    interpreter: &Interpreter<'_>,
    result: Option<&Interpretation<'_>>,
    error: Option<&str>,
    mut field: impl FnMut(Cell<'_>),
) {
    let schemes = interpreter.vitamin_d_schemes();
    let Some(r) = result.filter(|_| error.is_none()) else {
        for _ in 0..LEADING_COLUMNS.len() + schemes.len() + TRAILING_COLUMNS.len() - 1 {
            field(Cell::Empty);
        }
        field(error.map_or(Cell::Empty, Cell::Text));
        return;
    };
    let rec = |s: Sugar| {
        r.recoveries
            .get(s)
            .copied()
            .map_or(Cell::Empty, Cell::Number)
    };
    field(rec(Sugar::Lactulose));
    field(rec(Sugar::Mannitol));
    field(r.lm_ratio.map_or(Cell::Empty, Cell::Number));
    field(
        r.lm.as_ref()
            .map_or(Cell::Empty, |l| Cell::Text(&l.range.id)),
    );
    field(r.lm_class().map_or(Cell::Empty, Cell::Text));
    let vd = r.vitamin_d.as_ref();
    field(vd.map_or(Cell::Empty, |v| Cell::Number(Censored::Exact(v.nmol_l))));
    for i in 0..schemes.len() {
        let cell = vd
            .and_then(|v| v.schemes.get(i))
            .map_or(Cell::Empty, |res| Cell::Text(res.label()));
        field(cell);
    }
    let z = r.zonulin.as_ref();
    field(
        z.and_then(|z| z.range.as_ref())
            .map_or(Cell::Empty, |res| Cell::Text(&res.range.id)),
    );
    field(z.map_or(Cell::Empty, |z| {
        Cell::Text(
            z.range
                .as_ref()
                .map_or(crate::reference::UNCLASSIFIED, |res| res.label()),
        )
    }));
    field(Cell::Codes(Codes::Flags(r)));
    field(Cell::Codes(Codes::Caveats(r)));
    field(Cell::Empty);
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
