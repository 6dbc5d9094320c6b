//! Output: the result columns (shared by `lmr check --format json` and `lmr batch`), the JSON
//! object, and the text report a lab scientist reads in ten seconds.

mod codes;
pub mod fhir;
mod interval;
mod json;
mod range;
mod text;

pub use codes::{caveat_json, code_text, codes_json, codes_text, flag_json, UnknownCode};
pub use interval::IntervalReport;
pub use json::to_json;
pub use range::{
    entry_text, protocol_json, protocol_text, range_json, range_text, registry_json, registry_text,
};
pub use text::{describe_flag, to_text, to_text_with_nearest};

use crate::censored::Censored;
use crate::interpretation::{Interpretation, Interpreter};
use crate::number;
use crate::sugar::Sugar;

/// For people or for programs: how `lmr ranges`, `lmr caveats` and `lmr reference-interval`
/// print (with the `cli` feature, their `--format` values).
///
/// ```
/// use lmr::report::Format;
/// assert_eq!(Format::default(), Format::Text);
/// assert!(Format::Json.is_json());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// A short report for people.
    #[default]
    Text,
    /// JSON, for programs.
    Json,
}

impl Format {
    /// Whether this is [`Format::Json`] (the renderers take a `json` switch).
    ///
    /// ```
    /// assert!(!lmr::report::Format::Text.is_json());
    /// ```
    pub fn is_json(self) -> bool {
        self == Format::Json
    }
}

/// How a band's wording is presented: a source's label for its study group, never a finding about
/// the person tested (issue 14).
///
/// ```
/// assert!(lmr::report::SOURCE_WORDS.ends_with("not a finding about this person"));
/// ```
pub const SOURCE_WORDS: &str =
    "the source's description of its study group in this band, not a finding about this person";

/// Which optional result columns a run writes, besides the fixed ones.
///
/// The fixed columns (issue 5's contract) come first and always:
/// `lactulose_recovery_pct, mannitol_recovery_pct, lm_ratio, lm_range, lm_class`. Optional ones
/// follow them (other sugars' recoveries, `lr_*`, `l13m_ratio`, per-fraction columns, z-scores),
/// then `vitamin_d_nmol_l, vitamin_d_nmol_l_bound, vitamin_d_class_<id>…, zonulin_range, zonulin_class, flags, caveats,
/// missing_inputs, error`.
///
/// ```
/// use lmr::report::Layout;
/// use lmr::sugar::Sugar;
///
/// let layout = Layout::for_sugars([Sugar::Lactulose, Sugar::Mannitol, Sugar::Rhamnose], ["0-2h", "2-5h"]);
/// assert_eq!(layout.sugars, [Sugar::Rhamnose]); // lactulose and mannitol are always written
/// assert!(layout.lr && !layout.l13m);
/// assert_eq!(layout.fractions, ["0_2h", "2_5h"]);
/// assert!(Layout::default().sugars.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// Sugars other than lactulose and mannitol whose `<sugar>_recovery_pct` is written.
    pub sugars: Vec<Sugar>,
    /// Write `lr_ratio, lr_range, lr_class, lr_rhamnose_dose_form`.
    pub lr: bool,
    /// Write `l13m_ratio`.
    pub l13m: bool,
    /// Fraction column suffixes (`0_2h`), in fraction order, for `<name>_<fraction>` columns.
    pub fractions: Vec<String>,
    /// The batch's long format, where each row is one timed fraction of a sample: the unsuffixed
    /// sugar columns (`lactulose_recovery_pct`, `lm_ratio`, `lm_class`, z-scores, …) hold the
    /// whole collection, on the sample's last row only, and each row's own fraction fills the
    /// `<name>_fraction` columns (`lactulose_recovery_pct_fraction`, `lm_ratio_fraction`, and
    /// `lr_ratio_fraction` / `l13m_ratio_fraction` with [`Layout::lr`] / [`Layout::l13m`]), where
    /// a wide header's `<name>_<fraction>` columns go.
    pub long: bool,
}

impl Layout {
    /// The layout that shows everything a sample has: its extra sugars, ratios and fractions.
    ///
    /// ```
    /// use lmr::{interpretation::Sample, report::Layout, sugar::Sugar};
    ///
    /// let mut sample = Sample::default();
    /// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
    /// sample.set_urine(Sugar::Mannitol13C6, "150 mg/L".parse()?);
    /// let layout = Layout::for_sample(&sample);
    /// assert_eq!(layout.sugars, [Sugar::Mannitol13C6]);
    /// assert!(layout.l13m && !layout.lr);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
        Layout::for_sugars(
            present.iter().map(|(s, _)| s),
            sample.fractions.iter().map(|f| f.label.as_str()),
        )
    }

    /// The layout for a set of sugars present and fraction labels (shown with [`Layout`]).
    ///
    /// ```
    /// use lmr::{report::Layout, Sugar};
    /// let layout = Layout::for_sugars([Sugar::Lactulose, Sugar::Mannitol13C1], ["0-2h"]);
    /// assert_eq!(layout.sugars, [Sugar::Mannitol13C1]); // lactulose and mannitol are always written
    /// assert!(layout.l13m && !layout.lr);
    /// assert_eq!(layout.fractions, ["0_2h"]); // the label as a column suffix
    /// ```
    pub fn for_sugars<'a>(
        sugars: impl IntoIterator<Item = Sugar>,
        fractions: impl IntoIterator<Item = &'a str>,
    ) -> Layout {
        let mut present = crate::protocol::SugarMap::default();
        for s in sugars {
            present.set(s, Some(()));
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
            fractions: fractions.into_iter().map(fraction_suffix).collect(),
            long: false,
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
///
/// ```
/// use lmr::report::fraction_suffix;
///
/// assert_eq!(fraction_suffix(" 0-2h "), "0_2h");
/// assert_eq!(fraction_suffix("8–24 H"), "8_24_h"); // an en dash and a space: one `_` each
/// ```
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
///
/// ```
/// assert_eq!(lmr::report::vitamin_d_class_column("iom-2011"), "vitamin_d_class_iom_2011");
/// ```
pub fn vitamin_d_class_column(scheme_id: &str) -> String {
    ColumnName::VitaminDClass(scheme_id).to_string()
}

/// A result column's name, built only when printed (`Display`), so that filling cells row by
/// row allocates nothing.
///
/// ```
/// use lmr::report::ColumnName;
/// use lmr::sugar::Sugar;
///
/// assert_eq!(ColumnName::Recovery(Sugar::Rhamnose).to_string(), "rhamnose_recovery_pct");
/// assert_eq!(ColumnName::FractionRatio("lm_ratio", "0_2h").to_string(), "lm_ratio_0_2h");
/// let lm = ColumnName::Fixed("lm_ratio");
/// assert_eq!(ColumnName::Bound(&lm).to_string(), "lm_ratio_bound");
/// assert_eq!(ColumnName::ZscoreReference("lmz").to_string(), "lmz_reference");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnName<'a> {
    /// A fixed name (`lm_ratio`, `flags`, …).
    Fixed(&'static str),
    /// `<sugar>_recovery_pct`.
    Recovery(Sugar),
    /// `<sugar>_recovery_pct_<fraction>`.
    FractionRecovery(Sugar, &'a str),
    /// `<ratio>_<fraction>` (`lm_ratio_0_2h`).
    FractionRatio(&'static str, &'a str),
    /// `<z column>_reference`.
    ZscoreReference(&'static str),
    /// `vitamin_d_class_<scheme id with - as _>`.
    VitaminDClass(&'a str),
    /// `<quantity column>_bound`: the comparator and bound of a censored result (`<0.0045`).
    Bound(&'a ColumnName<'a>),
}

impl std::fmt::Display for ColumnName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnName::Fixed(n) => f.write_str(n),
            ColumnName::Recovery(s) => write!(f, "{}_recovery_pct", s.key()),
            ColumnName::FractionRecovery(s, x) => write!(f, "{}_recovery_pct_{x}", s.key()),
            ColumnName::FractionRatio(r, x) => write!(f, "{r}_{x}"),
            ColumnName::ZscoreReference(z) => write!(f, "{z}_reference"),
            ColumnName::Bound(n) => write!(f, "{n}_bound"),
            ColumnName::VitaminDClass(id) => {
                f.write_str("vitamin_d_class_")?;
                for part in id.split('-').enumerate() {
                    if part.0 > 0 {
                        f.write_str("_")?;
                    }
                    f.write_str(part.1)?;
                }
                Ok(())
            }
        }
    }
}

/// Every result column, in order, for an interpreter's chosen schemes (standard layout).
///
/// ```
/// use lmr::interpretation::{Interpreter, Options};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let cols = lmr::report::result_columns(&interpreter);
/// // issue 5's contract: the fixed columns first, `error` last
/// assert_eq!(cols[..2], ["lactulose_recovery_pct", "lactulose_recovery_pct_bound"]);
/// assert!(cols.iter().any(|c| c == "vitamin_d_class_iom_2011")); // the default scheme
/// assert_eq!(cols.last().map(String::as_str), Some("error"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn result_columns(interpreter: &Interpreter<'_>) -> Vec<String> {
    columns(interpreter, &Layout::default())
}

/// Every result column, in order, for an interpreter and a layout.
///
/// ```
/// use lmr::interpretation::{Interpreter, Options};
/// use lmr::report::{columns, Layout};
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let layout = Layout::for_sugars([Sugar::Lactulose, Sugar::Mannitol], ["0-2h"]);
/// let cols = columns(&interpreter, &layout);
/// assert!(cols.iter().any(|c| c == "lm_ratio_0_2h"));
/// assert!(cols.iter().any(|c| c == "mannitol_recovery_pct_0_2h"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn columns(interpreter: &Interpreter<'_>, layout: &Layout) -> Vec<String> {
    let mut out = Vec::new();
    cells(interpreter, layout, None, None, |name, _| {
        out.push(name.to_string())
    });
    out
}

/// Appends a censored value as text (`0.34`, `<0.05`, `>2`), numbers by [`number::write`] at
/// [`number::DIGITS`].
///
/// ```
/// use lmr::censored::Censored;
///
/// let mut cell = Vec::new();
/// lmr::report::write_censored(&mut cell, Censored::GreaterThan(2.0));
/// assert_eq!(cell, b">2");
/// ```
pub fn write_censored(out: &mut Vec<u8>, value: Censored) {
    match value {
        Censored::Exact(_) => {}
        Censored::LessThan(_) => out.push(b'<'),
        Censored::GreaterThan(_) => out.push(b'>'),
    }
    number::write(out, value.number(), number::DIGITS);
}

/// A censored value as text: `0.34`, `<0.05`, `>2`.
///
/// ```
/// use lmr::censored::Censored;
/// assert_eq!(lmr::report::censored_text(Censored::LessThan(0.0045000000000000005)), "<0.0045");
/// ```
pub fn censored_text(value: Censored) -> String {
    let mut out = Vec::with_capacity(24);
    write_censored(&mut out, value);
    String::from_utf8(out).unwrap_or_default()
}

/// Calls `field` for a quantity column and its `_bound` companion: an exact value fills the
/// number and leaves the bound empty; a censored one leaves the number empty and fills the bound.
fn quantity(
    name: ColumnName<'_>,
    value: Option<Censored>,
    field: &mut impl FnMut(ColumnName<'_>, Cell<'_>),
) {
    let (number, bound) = match value {
        None => (Cell::Empty, Cell::Empty),
        Some(Censored::Exact(v)) => (Cell::Number(v), Cell::Empty),
        Some(c) => (Cell::Empty, Cell::Bound(c)),
    };
    field(name, number);
    field(ColumnName::Bound(&name), bound);
}

/// Calls `field` once per result column (standard layout) with the cell, in [`result_columns`]
/// order, without naming the columns. `error` fills the last column (and empties the results).
///
/// ```
/// use lmr::interpretation::{Interpreter, Options};
/// use lmr::report::{for_each_result_cell, result_columns, Cell};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut cells = Vec::new();
/// for_each_result_cell(&interpreter, None, Some("row 3: bad value"), |c| {
///     cells.push(match c {
///         Cell::Empty => String::new(),
///         Cell::Text(t) => t.to_string(),
///         _ => "a value".into(),
///     })
/// });
/// assert_eq!(cells.len(), result_columns(&interpreter).len());
/// assert_eq!(cells.last().map(String::as_str), Some("row 3: bad value"));
/// assert!(cells[..cells.len() - 1].iter().all(String::is_empty)); // no result: every cell empty
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn for_each_result_cell(
    interpreter: &Interpreter<'_>,
    result: Option<&Interpretation<'_>>,
    error: Option<&str>,
    mut field: impl FnMut(Cell<'_>),
) {
    cells(interpreter, &Layout::default(), result, error, |_, c| {
        field(c)
    })
}

/// Calls `field` once per result column of `layout` with its name and the cell, in [`columns`]
/// order. Without a result every result cell is empty; `error` holds the row's problems (a
/// row with rejected cells keeps the results that did not need them).
///
/// This is the one place the columns are named and filled, for CSV and JSON alike.
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
/// use lmr::report::{cells, Cell, ColumnName, Layout};
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.protocol.fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
/// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
/// sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
/// sample.urine_volume = Some("1 L".parse()?);
/// let mut result = Interpretation::default();
/// interpreter.interpret(&sample, &mut result)?;
/// let mut lm = None;
/// cells(&interpreter, &Layout::default(), Some(&result), None, |name, cell| {
///     if let (ColumnName::Fixed("lm_ratio"), Cell::Number(x)) = (name, cell) {
///         lm = Some(x);
///     }
/// });
/// // 0.6 % / 10 % = 0.06
/// approx::assert_relative_eq!(lm.unwrap(), 0.06, max_relative = 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cells(
    interpreter: &Interpreter<'_>,
    layout: &Layout,
    result: Option<&Interpretation<'_>>,
    error: Option<&str>,
    field: impl FnMut(ColumnName<'_>, Cell<'_>),
) {
    cells_with_cumulative(interpreter, layout, result, None, error, field)
}

/// [`cells`] for a layout that may be long ([`Layout::long`]): `cumulative` is the
/// interpretation of the whole sample (its fractions summed), given on a long-format sample's
/// last row and `None` on its other rows; `result` is the row alone (its own fraction). For a
/// long layout the unsuffixed sugar columns and z-scores come from `cumulative`, the
/// `<name>_fraction` columns from `result`, and vitamin D, zonulin, flags, caveats and missing
/// inputs from `cumulative` where there is one (it holds the last row's analytes) else from
/// `result`. Otherwise `cumulative` is unused.
///
/// ```
/// use lmr::report::{cells_with_cumulative, Cell, ColumnName, Layout};
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let (mut part, mut whole) = (lmr::Interpretation::default(), lmr::Interpretation::default());
/// part.lm_ratio = Some("lactulose:mannitol 0.02".parse()?); // this row's fraction alone
/// whole.lm_ratio = Some("lactulose:mannitol 0.03".parse()?); // the sample's fractions summed
/// let layout = Layout { long: true, ..Layout::default() };
/// let mut got = Vec::new();
/// cells_with_cumulative(&interpreter, &layout, Some(&part), Some(&whole), None, |name, cell| {
///     if let (ColumnName::Fixed("lm_ratio") | ColumnName::FractionRatio("lm_ratio", _), Cell::Number(x)) = (name, cell) {
///         got.push((name.to_string(), x));
///     }
/// });
/// assert_eq!(got, [("lm_ratio".to_string(), 0.03), ("lm_ratio_fraction".to_string(), 0.02)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cells_with_cumulative(
    interpreter: &Interpreter<'_>,
    layout: &Layout,
    result: Option<&Interpretation<'_>>,
    cumulative: Option<&Interpretation<'_>>,
    error: Option<&str>,
    mut field: impl FnMut(ColumnName<'_>, Cell<'_>),
) {
    use ColumnName::Fixed;
    fn text(t: Option<&str>) -> Cell<'_> {
        t.map_or(Cell::Empty, Cell::Text)
    }
    // A row with rejected cells keeps the results that did not need them.
    let (r, row) = match layout.long {
        true => (cumulative, result),
        false => (result, None),
    };
    let rec = |s: Sugar| r.and_then(|r| r.recoveries.get(s)).map(|c| c.in_percent());
    let value = |x: Option<crate::ratio::ExcretionRatio>| x.map(|x| x.value());
    let f = &mut field;
    quantity(Fixed("lactulose_recovery_pct"), rec(Sugar::Lactulose), f);
    quantity(Fixed("mannitol_recovery_pct"), rec(Sugar::Mannitol), f);
    quantity(Fixed("lm_ratio"), value(r.and_then(|r| r.lm_ratio)), f);
    let lm = r.and_then(|r| r.lm.as_ref());
    f(Fixed("lm_range"), text(lm.map(|l| l.range.id.as_str())));
    f(Fixed("lm_class"), text(r.and_then(|r| r.lm_class())));
    for &s in &layout.sugars {
        quantity(ColumnName::Recovery(s), rec(s), f);
    }
    if layout.lr {
        quantity(Fixed("lr_ratio"), value(r.and_then(|r| r.lr_ratio)), f);
        let lr = r.and_then(|r| r.lr.as_ref());
        f(Fixed("lr_range"), text(lr.map(|l| l.range.id.as_str())));
        let class = r.and_then(|r| {
            r.lr_ratio?;
            Some(lr.map_or(crate::reference::UNCLASSIFIED, |l| l.label()))
        });
        f(Fixed("lr_class"), text(class));
        let form = r.and_then(|r| r.lr_rhamnose_dose_form).map(|f| f.key());
        f(Fixed("lr_rhamnose_dose_form"), text(form));
    }
    if layout.l13m {
        quantity(Fixed("l13m_ratio"), value(r.and_then(|r| r.l13m_ratio)), f);
    }
    let mut fraction = |suffix: &str,
                        recovery: &dyn Fn(Sugar) -> Option<Censored>,
                        ratios: Option<crate::interpretation::Ratios>| {
        for s in layout.all_sugars() {
            quantity(ColumnName::FractionRecovery(s, suffix), recovery(s), f);
        }
        let name = |n| ColumnName::FractionRatio(n, suffix);
        quantity(name("lm_ratio"), value(ratios.and_then(|x| x.lm)), f);
        if layout.lr {
            quantity(name("lr_ratio"), value(ratios.and_then(|x| x.lr)), f);
        }
        if layout.l13m {
            quantity(name("l13m_ratio"), value(ratios.and_then(|x| x.l13m)), f);
        }
    };
    for (i, suffix) in layout.fractions.iter().enumerate() {
        let fr = r.and_then(|r| r.fractions.get(i));
        let recovery = |s| fr.and_then(|f| f.recoveries.get(s)).map(|c| c.in_percent());
        fraction(suffix, &recovery, fr.map(|f| f.ratios));
    }
    if layout.long {
        // The row's own fraction, interpreted alone.
        let recovery = |s| {
            row.and_then(|r| r.recoveries.get(s))
                .map(|c| c.in_percent())
        };
        let ratios = row.map(|r| crate::interpretation::Ratios {
            lm: r.lm_ratio,
            lr: r.lr_ratio,
            l13m: r.l13m_ratio,
        });
        fraction("fraction", &recovery, ratios);
    }
    for (i, table) in interpreter.zscore_tables().iter().enumerate() {
        let Some(name) = crate::zscore::z_column(table.analyte()) else {
            continue;
        };
        let z = r
            .and_then(|r| r.zscores.get(i))
            .and_then(|z| z.outcome)
            .and_then(Result::ok);
        // Z-scores come only from exact values: no bound column.
        f(Fixed(name), z.map_or(Cell::Empty, |z| Cell::Number(z.z)));
        f(
            ColumnName::ZscoreReference(name),
            text(z.map(|_| table.id())),
        );
    }
    // The other analytes: the whole sample's (the last row's) where there is one, else the row's.
    let r = r.or(row);
    let vd = r.and_then(|r| r.vitamin_d.as_ref());
    // Below a stated limit (`<10 ng/mL`): no number, the bound in `_bound`, as every quantity.
    let below = r.and_then(|r| r.vitamin_d_below.as_ref());
    field(
        Fixed("vitamin_d_nmol_l"),
        vd.map_or(Cell::Empty, |v| Cell::Number(v.value.in_nmol_per_l())),
    );
    field(
        Fixed("vitamin_d_nmol_l_bound"),
        below.map_or(Cell::Empty, |b| Cell::Bound(b.bound_in_nmol_per_l())),
    );
    for (i, s) in interpreter.vitamin_d_schemes().iter().enumerate() {
        let class = vd
            .and_then(|v| v.schemes.get(i))
            .or_else(|| below.and_then(|b| b.schemes.get(i)))
            .map(|res| res.label());
        field(ColumnName::VitaminDClass(&s.id), text(class));
    }
    let z = r.and_then(|r| r.zonulin.as_ref());
    let zr = z.and_then(|z| z.range.as_ref());
    field(
        Fixed("zonulin_range"),
        text(zr.map(|res| res.range.id.as_str())),
    );
    let zclass = z.map(|_| zr.map_or(crate::reference::UNCLASSIFIED, |res| res.label()));
    field(Fixed("zonulin_class"), text(zclass));
    field(
        Fixed("flags"),
        r.map_or(Cell::Empty, |r| Cell::Codes(Codes::Flags(r))),
    );
    field(
        Fixed("caveats"),
        r.map_or(Cell::Empty, |r| Cell::Codes(Codes::Caveats(r))),
    );
    field(
        Fixed("missing_inputs"),
        r.map_or(Cell::Empty, |r| Cell::Codes(Codes::Missing(r))),
    );
    field(Fixed("error"), text(error));
}

/// One result cell (see [`cells`] for one filled from a result).
///
/// ```
/// use lmr::report::{for_each_result_cell, Cell};
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let mut result = lmr::Interpretation::default();
/// result.lm_ratio = Some("lactulose:mannitol <0.0045".parse()?); // a censored ratio
/// let mut bounds = Vec::new();
/// for_each_result_cell(&interpreter, Some(&result), None, |c| if let Cell::Bound(b) = c { bounds.push(b) });
/// assert_eq!(bounds, [lmr::Censored::LessThan(0.0045)]); // in lm_ratio_bound; lm_ratio is empty
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    /// Nothing (missing input, or not computable).
    Empty,
    /// An exact number (a censored one is empty here and fills the `_bound` cell).
    Number(f64),
    /// The `_bound` companion of a censored number: comparator and bound (`<0.0045`).
    Bound(Censored),
    /// Text.
    Text(&'a str),
    /// A list of codes.
    Codes(Codes<'a>),
}

/// Which code list a [`Cell::Codes`] holds.
///
/// ```
/// use lmr::interpretation::{Interpretation, MissingInput};
/// use lmr::report::Codes;
/// use lmr::sugar::Sugar;
///
/// let mut result = Interpretation::default();
/// result.missing = vec![MissingInput::UrineVolume, MissingInput::Dose(Sugar::Mannitol)];
/// assert_eq!(Codes::Missing(&result).iter().collect::<Vec<_>>(), ["urine_volume", "mannitol_dose"]);
/// let mut cell = Vec::new();
/// Codes::Missing(&result).write_joined(&mut cell);
/// assert_eq!(cell, b"urine_volume;mannitol_dose");
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Codes<'a> {
    /// Flag codes.
    Flags(&'a Interpretation<'a>),
    /// Caveat codes.
    Caveats(&'a Interpretation<'a>),
    /// The inputs a result missed (`urine_volume`, `lactulose_dose`).
    Missing(&'a Interpretation<'a>),
}

impl<'a> Codes<'a> {
    /// The codes (shown with [`Codes`]).
    ///
    /// ```
    /// use lmr::interpretation::{FlagDetail, FlagHit, Interpretation};
    /// let mut result = Interpretation::default();
    /// result.flags.push(FlagHit { flag: lmr::Flag::Glycosuria, detail: FlagDetail::Pretest });
    /// assert_eq!(lmr::report::Codes::Flags(&result).iter().collect::<Vec<_>>(), ["glycosuria"]);
    /// ```
    pub fn iter(self) -> Box<dyn Iterator<Item = &'static str> + 'a> {
        match self {
            Codes::Flags(r) => Box::new(r.flag_codes()),
            Codes::Caveats(r) => Box::new(r.caveat_codes()),
            Codes::Missing(r) => Box::new(r.missing_names()),
        }
    }

    /// Writes the codes `;`-separated into `out` (shown with [`Codes`]).
    ///
    /// ```
    /// use lmr::interpretation::{Interpretation, MissingInput};
    /// let mut result = Interpretation::default();
    /// result.missing = vec![MissingInput::UrineVolume];
    /// let mut cell = b"previous;".to_vec();
    /// lmr::report::Codes::Missing(&result).write_joined(&mut cell);
    /// assert_eq!(cell, b"previous;urine_volume"); // appended, no separator before the first code
    /// ```
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
            Codes::Missing(r) => r.missing_names().for_each(&mut push),
        }
    }
}
