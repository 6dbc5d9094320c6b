//! One parser per input field. Each takes the trimmed text (and the unit a bare number takes,
//! where the context supplies one: a CSV header, a `_unit` column, a column map) and returns the
//! typed value or a [`Problem`] saying what was expected. The caller names the field and quotes
//! the value ([`super::FieldError`]).
//!
//! ```
//! use lmr::sample::parse;
//! use lmr::units::ConcentrationUnit;
//! // a censored urine result keeps its limit: "<0.25" under a [mg/L] header
//! let r = parse::concentration("<0.25", Some(ConcentrationUnit::MgPerL))?;
//! assert!(matches!(r, lmr::recovery::UrineResult::BelowLimit(Some(c)) if c.value() == 0.25));
//! // 18 months = 18 / 12 = 1.5 years
//! assert_eq!(parse::age("18 months", None)?.in_years(), 1.5);
//! assert_eq!(parse::age("old", None).unwrap_err().to_string(),
//!     "not a number (expected an age in years, or a number and a unit: \"35\", \"18 months\", \"2 y\")");
//! # Ok::<(), lmr::sample::Problem>(())
//! ```

use crate::protocol::{Dose, NamedProtocol, Sex, Strength, StrengthUnit};
use crate::recovery::{is_below_limit_word, UrineResult};
use crate::reference::{Matrix, Registry};
use crate::sugar::DoseForm;
use crate::units::{
    split_number, Age, Concentration, ConcentrationUnit, Duration, DurationUnit, Egfr, Mass,
    MassUnit, UnitError, Volume, VolumeUnit,
};
use crate::vitamin_d::{VitaminD, VitaminDError, VitaminDForm};
use crate::zonulin::{HpGenotype, Zonulin, ZonulinError, ZonulinUnit};

/// What is wrong with one input value. The field and the value itself are carried by
/// [`super::FieldError`]; a problem says what was expected.
///
/// ```
/// use lmr::sample::parse::{self, Problem};
/// assert_eq!(parse::volume("-5 mL", None).unwrap_err(), Problem::Negative);
/// assert_eq!(Problem::ZeroDose.to_string(), "a dose must be greater than zero");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The number part does not parse.
    #[error("not a number (expected a number, optionally with a unit, e.g. {example:?})")]
    NotANumber {
        /// A valid example.
        example: &'static str,
    },
    /// NaN or infinity (including a number too large for a double, `1e400`).
    #[error("not a finite number")]
    NotFinite,
    /// A negative amount.
    #[error("must not be negative")]
    Negative,
    /// A zero dose.
    #[error("a dose must be greater than zero")]
    ZeroDose,
    /// A decimal comma (`9,21`), read without `--decimal-comma`.
    #[error("decimal comma (write {} with a decimal point)", crate::files::Quoted(.suggestion))]
    DecimalComma {
        /// The text with a point.
        suggestion: String,
    },
    /// A comma followed by exactly three digits (`1,857`): a decimal comma (1.857) or a
    /// thousands separator (1857). Never guessed.
    #[error("{} is {} with a decimal comma, or {} with a thousands separator: lmr does not guess, say which (write {} or {})", crate::files::Quoted(.text), crate::files::Quoted(.as_decimal), crate::files::Quoted(.as_thousands), crate::files::Quoted(.as_decimal), crate::files::Quoted(.as_thousands))]
    AmbiguousComma {
        /// The number as given.
        text: String,
        /// Read with a decimal comma.
        as_decimal: String,
        /// Read with a thousands separator.
        as_thousands: String,
    },
    /// Thousands separators (`1,857,000`, `1,857.5`): not read, never guessed.
    #[error("thousands separators are not read: write {}", crate::files::Quoted(.suggestion))]
    ThousandsSeparator {
        /// The text without them.
        suggestion: String,
    },
    /// A point in a number read with decimal commas (`--decimal-comma`): a thousands separator
    /// (`1.857,5`) or a decimal point in a decimal-comma file; never guessed.
    #[error("a point in a number read with decimal commas (--decimal-comma): thousands separators are not read (write 1857,5, not 1.857,5), and a decimal point needs the file read without --decimal-comma")]
    PointWithDecimalComma,
    /// `-0`, `-0.0`: a sign on zero that no measurement has.
    #[error("negative zero: an amount is never below zero (write 0)")]
    NegativeZero,
    /// A nonzero number below the smallest normal double (`1e-310`, or `1e-400`, which would
    /// read as 0): it cannot be held without losing digits.
    #[error("a nonzero number below 2.2250738585072014e-308 (the smallest normal double): it would be read as 0 or lose digits; check the value and its unit")]
    Underflow,
    /// `<0`: a detection limit of zero is no limit.
    #[error("a detection limit of 0 is no limit (a result cannot be below zero): give the assay's limit (\"<0.25\") or write ND")]
    ZeroLimit,
    /// A bare number with no unit anywhere.
    #[error("a bare number needs a unit (expected one of {expected})")]
    MissingUnit {
        /// The units accepted.
        expected: &'static str,
    },
    /// An unknown unit.
    #[error("unknown unit {} (expected one of {expected})", crate::files::Quoted(.unit))]
    UnknownUnit {
        /// The unit text.
        unit: String,
        /// The units accepted.
        expected: &'static str,
    },
    /// A unit of another dimension.
    #[error("{} is a {found}, expected a {wanted} (one of {expected})", crate::files::Quoted(.unit))]
    WrongDimension {
        /// The unit text.
        unit: String,
        /// Its dimension.
        found: &'static str,
        /// The dimension wanted.
        wanted: &'static str,
        /// The units accepted.
        expected: &'static str,
    },
    /// A unit 25(OH)D is not reported in.
    #[error("25(OH)D is reported in nmol/L, ng/mL or µg/L")]
    VitaminDUnit,
    /// A value too large to convert (`1e308 ng/mL` in nmol/L).
    #[error("too large to convert to {to}")]
    TooLarge {
        /// The unit it was converted to.
        to: &'static str,
    },
    /// Zonulin without a matrix.
    #[error(
        "zonulin needs its matrix, serum or stool (values are never comparable across matrices)"
    )]
    MissingMatrix,
    /// ng/g for serum.
    #[error("ng/g is a stool unit, but the matrix is serum")]
    UnitMatrix,
    /// A value that is not one of a fixed list.
    #[error("unknown {what} (expected {expected})")]
    NotOneOf {
        /// What the value names (`sex`).
        what: &'static str,
        /// The accepted values.
        expected: &'static str,
    },
    /// An age that does not parse.
    #[error("not a number (expected an age in years, or a number and a unit: \"35\", \"18 months\", \"2 y\")")]
    NotAnAge,
    /// No protocol has this id.
    #[error("no such protocol (see `lmr ranges list`)")]
    UnknownProtocol,
    /// A `SUGAR=VALUE` pair that is not one.
    #[error("expected SUGAR=VALUE, e.g. rhamnose=\"20 mg/dL\"")]
    NotAPair,
    /// A sugar name lmr does not know.
    #[error("unknown sugar {name:?} (expected one of {expected})")]
    UnknownSugar {
        /// The name given.
        name: String,
        /// The sugars known.
        expected: &'static str,
    },
    /// A field name lmr does not know.
    #[error("unknown field (expected one of {expected})")]
    UnknownField {
        /// The field names known.
        expected: &'static str,
    },
    /// The same field given twice.
    #[error("given more than once")]
    Repeated,
    /// A result needs another input that was not given.
    #[error("a recovery needs the {what}: add {add}")]
    NeedsInput {
        /// What is needed (`urine volume`).
        what: &'static str,
        /// The field that gives it (`volume`).
        add: String,
    },
    /// A dose that disagrees with the drink it came in, or a drink dose that overflows.
    #[error(transparent)]
    Drink(crate::protocol::DrinkError),
    /// A field given without the one it qualifies.
    #[error("given without {without}")]
    Without {
        /// The field it qualifies.
        without: &'static str,
    },
}

impl Problem {
    /// The problem for a quantity that did not parse (`example` shows a valid value).
    ///
    /// ```
    /// use lmr::sample::Problem;
    /// let negative = "-5 g".parse::<lmr::Mass>().unwrap_err();
    /// assert_eq!(Problem::from_unit(negative, "5 g"), Problem::Negative);
    /// let word = "five g".parse::<lmr::Mass>().unwrap_err();
    /// assert_eq!(Problem::from_unit(word, "5 g"), Problem::NotANumber { example: "5 g" });
    /// ```
    pub fn from_unit(e: UnitError, example: &'static str) -> Problem {
        match e {
            UnitError::Empty { .. } | UnitError::NotANumber { .. } => {
                Problem::NotANumber { example }
            }
            UnitError::NotFinite { .. } => Problem::NotFinite,
            UnitError::Negative { .. } => Problem::Negative,
            UnitError::DecimalComma { text, suggestion } => comma_problem(&text, suggestion),
            UnitError::MissingUnit { expected, .. } => Problem::MissingUnit { expected },
            UnitError::UnknownUnit { unit, expected, .. } => {
                Problem::UnknownUnit { unit, expected }
            }
            UnitError::WrongDimension {
                unit,
                found,
                wanted,
                expected,
                ..
            } => Problem::WrongDimension {
                unit,
                found,
                wanted,
                expected,
            },
            UnitError::NeedsMolarMass { unit, .. } => Problem::UnknownUnit {
                unit: unit.to_string(),
                expected: "a mass concentration",
            },
        }
    }
}

/// Where the number of a value is (`<= 1,857 mg/L` → the bytes of `1,857`): after a `<`, `=`
/// and spaces, the run of digits, signs, points, commas and exponent markers.
fn number_span(text: &str) -> std::ops::Range<usize> {
    let start = text.len()
        - text
            .trim_start()
            .trim_start_matches(['<', '='])
            .trim_start()
            .len();
    let len = text.as_bytes()[start..]
        .iter()
        .position(|&b| {
            !(b.is_ascii_digit() || matches!(b, b'.' | b',' | b'+' | b'-' | b'e' | b'E'))
        })
        .unwrap_or(text.len() - start);
    start..start + len
}

/// The problem of a number written with a comma, read without `--decimal-comma`: a thousands
/// separator when the commas can only be that (`1,857,000`, `1,857.5`), both readings named when
/// either is possible (`1,857`: exactly three digits after one comma), else a decimal comma.
fn comma_problem(text: &str, suggestion: String) -> Problem {
    let span = number_span(text);
    let num = &text[span.clone()];
    let mantissa = num.split(['e', 'E']).next().unwrap_or(num);
    let unsigned = mantissa.trim_start_matches(['+', '-']);
    let without = || {
        format!(
            "{}{}{}",
            &text[..span.start],
            num.replace(',', ""),
            &text[span.end..]
        )
    };
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let mut groups = unsigned.split(',');
    let head = groups.next().unwrap_or_default();
    let tail: Vec<&str> = groups.collect();
    // `1,857.5`: a point after the commas; the last group's whole part has three digits
    let (last_whole, point) = match tail.last().map(|g| g.split_once('.')) {
        Some(Some((whole, frac))) => (whole, digits(frac)),
        Some(None) => (tail.last().copied().unwrap_or_default(), false),
        None => ("", false),
    };
    let head_ok = digits(head) && head.len() <= 3 && !(head.len() > 1 && head.starts_with('0'));
    let threes = !tail.is_empty()
        && tail[..tail.len() - 1]
            .iter()
            .all(|g| digits(g) && g.len() == 3)
        && digits(last_whole)
        && last_whole.len() == 3;
    if head_ok && threes && (point || tail.len() > 1) {
        return Problem::ThousandsSeparator {
            suggestion: without().trim().to_string(),
        };
    }
    if head_ok && head != "0" && threes && tail.len() == 1 {
        return Problem::AmbiguousComma {
            text: text.trim().to_string(),
            as_decimal: suggestion,
            as_thousands: without().trim().to_string(),
        };
    }
    Problem::DecimalComma { suggestion }
}

/// The longest value [`decimal_comma`] rewrites (a number and its unit are far shorter).
///
/// ```
/// use lmr::sample::parse::{decimal_comma, Problem, DECIMAL_COMMA_MAX};
/// let long = format!("1,{}", "5".repeat(DECIMAL_COMMA_MAX)); // 130 bytes
/// let mut buf = [0u8; DECIMAL_COMMA_MAX];
/// assert!(matches!(decimal_comma(&long, &mut buf), Err(Problem::NotANumber { .. })));
/// ```
pub const DECIMAL_COMMA_MAX: usize = 128;

/// A value written with a decimal comma (`9,21`, `<0,25 mg/L`, `1,5e-3 g`) as lmr reads numbers:
/// the number's comma becomes a point, in `buf` (no allocation); the unit is left as it is. A
/// value without a comma is returned as it is.
///
/// ```
/// use lmr::sample::parse::{decimal_comma, DECIMAL_COMMA_MAX, Problem};
/// let mut buf = [0u8; DECIMAL_COMMA_MAX];
/// assert_eq!(decimal_comma("<0,25 mg/L", &mut buf)?, "<0.25 mg/L");
/// let mut buf = [0u8; DECIMAL_COMMA_MAX];
/// assert_eq!(decimal_comma("59,5 mL/min/1.73 m²", &mut buf)?, "59.5 mL/min/1.73 m²");
/// // a point in the number is a thousands separator or a decimal point: never guessed
/// let mut buf = [0u8; DECIMAL_COMMA_MAX];
/// assert_eq!(decimal_comma("1.857,5", &mut buf), Err(Problem::PointWithDecimalComma));
/// # Ok::<(), Problem>(())
/// ```
///
/// # Errors
/// [`Problem::PointWithDecimalComma`] for a point in the number, [`Problem::NotANumber`] for
/// more than one comma or a value longer than [`DECIMAL_COMMA_MAX`] bytes.
pub fn decimal_comma<'a>(
    text: &'a str,
    buf: &'a mut [u8; DECIMAL_COMMA_MAX],
) -> Result<&'a str, Problem> {
    let span = number_span(text);
    let num = &text.as_bytes()[span.clone()];
    if num.contains(&b'.') {
        return Err(Problem::PointWithDecimalComma);
    }
    let commas = num.iter().filter(|&&b| b == b',').count();
    if commas == 0 {
        return Ok(text);
    }
    if commas > 1 || text.len() > DECIMAL_COMMA_MAX {
        return Err(Problem::NotANumber { example: "9,21" });
    }
    let out = &mut buf[..text.len()];
    out.copy_from_slice(text.as_bytes());
    for b in &mut out[span] {
        if *b == b',' {
            *b = b'.';
        }
    }
    // Only an ASCII comma was replaced by an ASCII point: still UTF-8.
    std::str::from_utf8(out).map_err(|_| Problem::NotANumber { example: "9,21" })
}

/// Refuses the numbers at the edges of a double that no measurement is: a negative zero (`-0`),
/// and a nonzero number below the smallest normal double (`1e-310`, which would lose digits, or
/// `1e-400`, which would read as 0). `value` is the value read from `text` (never negative:
/// negatives are refused before).
fn edges(text: &str, value: f64) -> Result<(), Problem> {
    if value >= f64::MIN_POSITIVE {
        return Ok(()); // every ordinary value: one comparison
    }
    if value.is_sign_negative() {
        return Err(Problem::NegativeZero);
    }
    let num = &text[number_span(text)];
    let mantissa = num.split(['e', 'E']).next().unwrap_or(num);
    if value > 0.0 || mantissa.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        return Err(Problem::Underflow);
    }
    Ok(())
}

/// A censored value's limit: not zero (`<0`), and not at the edges ([`edges`]).
fn limit_edges(text: &str, limit: f64) -> Result<(), Problem> {
    edges(text, limit)?;
    if limit == 0.0 {
        return Err(Problem::ZeroLimit);
    }
    Ok(())
}

/// A result reported as a value, or as below the assay's limit (`<10 ng/mL`, `ND`).
///
/// ```
/// use lmr::sample::parse::{vitamin_d, Reading};
/// use lmr::vitamin_d::VitaminDForm;
/// let limit = vitamin_d("<10 ng/mL", None, VitaminDForm::Total)?;
/// assert!(matches!(limit, Reading::BelowLimit(Some(v)) if v.reported().value() == 10.0));
/// assert!(matches!(vitamin_d("ND", None, VitaminDForm::Total)?, Reading::BelowLimit(None)));
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Reading<T> {
    /// A value.
    Value(T),
    /// Below the detection or quantification limit: the limit when the text states one
    /// (`<10 ng/mL`), `None` for `ND` or `<LOD`.
    BelowLimit(Option<T>),
}

/// Whether a cell means "missing": empty, `NA` or `N/A`.
///
/// ```
/// use lmr::sample::parse::is_missing;
/// assert!(is_missing("") && is_missing(" N/A ") && is_missing("na"));
/// assert!(!is_missing("0")); // zero is a value, never missing
/// ```
pub fn is_missing(text: &str) -> bool {
    let t = crate::units::trim(text);
    t.is_empty() || t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("n/a")
}

/// Whether a value is a "below the detection limit" result (`<x`, `ND`, `BLQ`, `< LOD`, …).
///
/// ```
/// use lmr::sample::parse::is_below_limit;
/// assert!(is_below_limit("<0.25") && is_below_limit("ND") && is_below_limit("BLQ"));
/// assert!(!is_below_limit("0.25"));
/// ```
pub fn is_below_limit(text: &str) -> bool {
    let t = crate::units::trim(text);
    t.starts_with('<') || is_below_limit_word(t)
}

/// A urine sugar concentration, possibly censored (`<0.25`, `ND`).
///
/// # Errors
/// The [`Problem`] of the number or unit.
///
/// ```
/// use lmr::recovery::UrineResult;
/// use lmr::sample::parse::concentration;
/// use lmr::units::ConcentrationUnit;
/// let r = concentration("12.5", Some(ConcentrationUnit::MgPerDl))?;
/// assert!(matches!(r, UrineResult::Measured(c) if c.value() == 12.5 && c.unit() == ConcentrationUnit::MgPerDl));
/// assert!(matches!(concentration("ND", None)?, UrineResult::BelowLimit(None)));
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub fn concentration(text: &str, unit: Option<ConcentrationUnit>) -> Result<UrineResult, Problem> {
    if let Some(c) = Concentration::parse_plain(text, unit) {
        return Ok(UrineResult::Measured(c)); // a bare decimal: no censoring, no edge to check
    }
    let r = UrineResult::parse(text, unit).map_err(|e| Problem::from_unit(e, "12.5 mg/L"))?;
    match r {
        UrineResult::Measured(c) => edges(text, c.value())?,
        UrineResult::BelowLimit(Some(c)) => limit_edges(text, c.value())?,
        UrineResult::BelowLimit(None) => {}
    }
    Ok(r)
}

/// A urine volume (`1857 mL`, `1.857 L`).
///
/// # Errors
/// The [`Problem`] of the number or unit.
///
/// ```
/// use lmr::sample::parse::{volume, Problem};
/// assert_eq!(volume("1857 mL", None)?.in_litres(), 1.857); // 1857 / 1000
/// // 1,857: 1.857 or 1857? never guessed
/// assert!(matches!(volume("1,857 L", None), Err(Problem::AmbiguousComma { .. })));
/// # Ok::<(), Problem>(())
/// ```
pub fn volume(text: &str, unit: Option<VolumeUnit>) -> Result<Volume, Problem> {
    if let Some(v) = Volume::parse_plain(text, unit) {
        return Ok(v);
    }
    let v = Volume::parse_with_default(text, unit).map_err(|e| Problem::from_unit(e, "1857 mL"))?;
    edges(text, v.value())?;
    Ok(v)
}

/// `anhydrous` or `monohydrate` (ASCII case ignored).
///
/// # Errors
/// [`Problem::NotOneOf`].
///
/// ```
/// use lmr::sample::parse::dose_form;
/// use lmr::sugar::DoseForm;
/// assert_eq!(dose_form(" Monohydrate "), Ok(DoseForm::Monohydrate));
/// assert!(dose_form("hydrate").is_err());
/// ```
pub fn dose_form(text: &str) -> Result<DoseForm, Problem> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("anhydrous") {
        Ok(DoseForm::Anhydrous)
    } else if t.eq_ignore_ascii_case("monohydrate") {
        Ok(DoseForm::Monohydrate)
    } else {
        Err(Problem::NotOneOf {
            what: "dose form",
            expected: "anhydrous or monohydrate",
        })
    }
}

/// Splits a dose `1 g monohydrate` into the mass and the form written after it.
fn split_dose_form(t: &str) -> (&str, Option<DoseForm>) {
    if !t.as_bytes().last().is_some_and(u8::is_ascii_alphabetic) {
        return (t, None);
    }
    for word in ["monohydrate", "anhydrous"] {
        if let Some(cut) = t.len().checked_sub(word.len()) {
            if t.is_char_boundary(cut) && t[cut..].eq_ignore_ascii_case(word) {
                return (t[..cut].trim_end(), dose_form(word).ok());
            }
        }
    }
    (t, None)
}

/// An oral dose: a mass (`5 g`), optionally followed by the form it was weighed in
/// (`1 g monohydrate`); anhydrous when not said.
///
/// # Errors
/// The [`Problem`] of the mass, or [`Problem::ZeroDose`].
///
/// ```
/// use lmr::sample::parse::{dose, Problem};
/// use lmr::sugar::DoseForm;
/// let d = dose("1 g monohydrate", None)?;
/// assert_eq!((d.mass.in_milligrams(), d.form), (1000.0, DoseForm::Monohydrate));
/// assert_eq!(dose("5", Some(lmr::units::MassUnit::G))?.form, DoseForm::Anhydrous); // the default
/// assert_eq!(dose("0 g", None).unwrap_err(), Problem::ZeroDose);
/// # Ok::<(), Problem>(())
/// ```
pub fn dose(text: &str, unit: Option<MassUnit>) -> Result<Dose, Problem> {
    let (mass, form) = split_dose_form(crate::units::trim(text));
    let m = Mass::parse_with_default(mass, unit).map_err(|e| Problem::from_unit(e, "5 g"))?;
    edges(mass, m.value())?;
    if m.value() == 0.0 {
        return Err(Problem::ZeroDose);
    }
    Ok(Dose {
        mass: m,
        form: form.unwrap_or_default(),
    })
}

/// A sugar's strength in the test solution (`250 mg/mL`, `25 g/100 mL`, `250 g/L`).
///
/// # Errors
/// The [`Problem`] of the number or unit.
///
/// ```
/// use lmr::sample::parse::solution;
/// assert_eq!(solution("250 mg/mL", None)?.in_mg_per_ml(), 250.0);
/// // 25 g per 100 mL = 25000 mg / 100 mL = 250 mg/mL
/// assert_eq!(solution("25 g/100 mL", None)?.in_mg_per_ml(), 250.0);
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub fn solution(text: &str, unit: Option<StrengthUnit>) -> Result<Strength, Problem> {
    let x =
        Strength::parse_with_default(text, unit).map_err(|e| Problem::from_unit(e, "250 mg/mL"))?;
    edges(text, x.in_mg_per_ml())?;
    Ok(x)
}

/// The volume of test solution drunk (`12 mL`).
///
/// # Errors
/// The [`Problem`] of the number or unit.
///
/// ```
/// use lmr::sample::parse::dose_volume;
/// assert_eq!(dose_volume("12 mL", None)?.in_millilitres(), 12.0);
/// assert_eq!(dose_volume("0.1", Some(lmr::units::VolumeUnit::L))?.in_millilitres(), 100.0); // 0.1 L
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub fn dose_volume(text: &str, unit: Option<VolumeUnit>) -> Result<Volume, Problem> {
    let v = Volume::parse_with_default(text, unit).map_err(|e| Problem::from_unit(e, "12 mL"))?;
    edges(text, v.value())?;
    Ok(v)
}

/// The urine collection window from the dose (`5 h`, `300 min`).
///
/// # Errors
/// The [`Problem`] of the number or unit.
///
/// ```
/// use lmr::sample::parse::collection;
/// assert_eq!(collection("300 min", None)?.in_hours(), 5.0); // 300 / 60
/// assert!(collection("5", None).is_err()); // a bare number needs a unit
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub fn collection(text: &str, unit: Option<DurationUnit>) -> Result<Duration, Problem> {
    let d = Duration::parse_with_default(text, unit).map_err(|e| Problem::from_unit(e, "5 h"))?;
    edges(text, d.value())?;
    Ok(d)
}

/// The unit of an age (its home is [`crate::units`]).
pub use crate::units::AgeUnit;

/// The units an age accepts, for messages.
///
/// ```
/// use lmr::sample::{parse::AGE_UNITS, AgeUnit};
/// assert!(AGE_UNITS.contains("months"));
/// assert!(["y", "yr", "years", "mo", "months"].iter().all(|u| AgeUnit::lookup(u).is_some()));
/// ```
pub const AGE_UNITS: &str = "years (y, yr, years) or months (mo, months)";

/// An age: `35`, `1.5`, `18 months`, `2 y`, kept in its unit. A bare number takes `unit`
/// (years when `None`).
///
/// # Errors
/// [`Problem::NotAnAge`], [`Problem::UnknownUnit`], or the number's problem.
///
/// ```
/// use lmr::sample::{parse::age, AgeUnit};
/// assert_eq!(age("2 y", None)?.in_years(), 2.0);
/// let six = age("6", Some(AgeUnit::Months))?;
/// assert_eq!((six.to_string(), six.in_years()), ("6 mo".to_string(), 0.5)); // 6 / 12
/// assert_eq!(age("35", None)?.in_years(), 35.0); // years when nothing says otherwise
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub fn age(text: &str, unit: Option<AgeUnit>) -> Result<Age, Problem> {
    let (value, unit_text) = split_number(text).map_err(|e| match e {
        UnitError::Empty { .. } | UnitError::NotANumber { .. } => Problem::NotAnAge,
        e => Problem::from_unit(e, "35"),
    })?;
    let unit = if unit_text.is_empty() {
        unit.unwrap_or(AgeUnit::Years)
    } else {
        AgeUnit::lookup(unit_text).ok_or_else(|| Problem::UnknownUnit {
            unit: unit_text.to_string(),
            expected: AGE_UNITS,
        })?
    };
    edges(text, value)?;
    Age::new(value, unit).map_err(|e| Problem::from_unit(e, "35"))
}

/// Sex: `F`, `M`, `female`, `male` (case ignored).
///
/// # Errors
/// [`Problem::NotOneOf`].
///
/// ```
/// use lmr::sample::parse::sex;
/// assert_eq!(sex("female"), Ok(lmr::Sex::Female));
/// assert_eq!(sex("M"), Ok(lmr::Sex::Male));
/// assert!(sex("unknown").is_err());
/// ```
pub fn sex(text: &str) -> Result<Sex, Problem> {
    // The usual cells, one letter, as `Sex::from_str` reads them (case ignored).
    match text.as_bytes() {
        b"F" | b"f" => return Ok(Sex::Female),
        b"M" | b"m" => return Ok(Sex::Male),
        _ => {}
    }
    text.parse::<Sex>().map_err(|_| Problem::NotOneOf {
        what: "sex",
        expected: "F, M, female or male",
    })
}

/// Which 25(OH)D was measured: `total`, `d3` or `d2`.
///
/// # Errors
/// [`Problem::NotOneOf`].
///
/// ```
/// use lmr::sample::parse::vitamin_d_form;
/// use lmr::vitamin_d::VitaminDForm;
/// assert_eq!(vitamin_d_form("d3"), Ok(VitaminDForm::D3));
/// assert_eq!(vitamin_d_form("total"), Ok(VitaminDForm::Total));
/// assert!(vitamin_d_form("d4").is_err());
/// ```
pub fn vitamin_d_form(text: &str) -> Result<VitaminDForm, Problem> {
    text.parse::<VitaminDForm>().map_err(|_| Problem::NotOneOf {
        what: "vitamin D form",
        expected: "total, d3 or d2",
    })
}

/// Serum 25(OH)D (`20 ng/mL`, `50 nmol/L`), or below the limit (`<10 ng/mL`, `ND`).
///
/// # Errors
/// The number's or unit's [`Problem`], [`Problem::VitaminDUnit`], [`Problem::TooLarge`].
///
/// ```
/// use lmr::sample::parse::{vitamin_d, Reading};
/// use lmr::units::ConcentrationUnit;
/// use lmr::vitamin_d::VitaminDForm;
/// let Reading::Value(d) = vitamin_d("20", Some(ConcentrationUnit::NgPerMl), VitaminDForm::D3)? else { panic!() };
/// // 20 ng/mL × 1000 ÷ 400.64 g/mol (25(OH)D3) = 49.92 nmol/L
/// approx::assert_relative_eq!(d.in_nmol_per_l(), 20.0 * 1000.0 / 400.64, max_relative = 1e-12);
/// assert!(vitamin_d("20 mg/dL", None, VitaminDForm::D3).is_err()); // not a 25(OH)D unit
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub fn vitamin_d(
    text: &str,
    unit: Option<ConcentrationUnit>,
    form: VitaminDForm,
) -> Result<Reading<VitaminD>, Problem> {
    if let Some(c) = Concentration::parse_plain(text, unit) {
        return VitaminD::new(c, form)
            .map(Reading::Value)
            .map_err(vitamin_d_problem);
    }
    if is_below_limit(text) {
        // the limit must still read as a number where one is given (`<abc` is no result)
        let mut stated = None;
        if let Some(rest) = crate::units::trim(text).strip_prefix('<') {
            let rest = rest.trim_start_matches('=');
            if !is_below_limit_word(text) {
                let limit = Concentration::parse_with_default(rest, unit)
                    .map_err(|e| Problem::from_unit(e, "20 ng/mL"))?;
                limit_edges(rest, limit.value())?;
                stated = Some(VitaminD::new(limit, form).map_err(vitamin_d_problem)?);
            }
        }
        return Ok(Reading::BelowLimit(stated));
    }
    let c = Concentration::parse_with_default(text, unit)
        .map_err(|e| Problem::from_unit(e, "20 ng/mL"))?;
    edges(text, c.value())?;
    VitaminD::new(c, form)
        .map(Reading::Value)
        .map_err(vitamin_d_problem)
}

pub(super) fn vitamin_d_problem(e: VitaminDError) -> Problem {
    match e {
        VitaminDError::OutOfRange => Problem::TooLarge { to: "nmol/L" },
        _ => Problem::VitaminDUnit,
    }
}

/// The zonulin matrix: `serum` or `stool`.
///
/// # Errors
/// [`Problem::NotOneOf`] (urine included: zonulin is not read in urine).
///
/// ```
/// use lmr::sample::parse::zonulin_matrix;
/// assert_eq!(zonulin_matrix("stool"), Ok(lmr::Matrix::Stool));
/// assert!(zonulin_matrix("urine").is_err()); // zonulin is not read in urine
/// ```
pub fn zonulin_matrix(text: &str) -> Result<Matrix, Problem> {
    Matrix::from_key(text.trim())
        .filter(|m| *m != Matrix::Urine)
        .ok_or(Problem::NotOneOf {
            what: "zonulin matrix",
            expected: "serum or stool",
        })
}

/// The units zonulin accepts, for messages.
///
/// ```
/// use lmr::sample::parse::ZONULIN_UNITS;
/// use lmr::zonulin::ZonulinUnit;
/// assert!(ZONULIN_UNITS.split(", ").all(|u| ZonulinUnit::lookup(u).is_some()));
/// ```
pub const ZONULIN_UNITS: &str = "ng/mL, µg/L, ng/g";

/// Zonulin (`46 ng/mL` serum, `61 ng/g` stool), or below the limit; the matrix is required for
/// a value.
///
/// # Errors
/// [`Problem::MissingMatrix`], [`Problem::UnitMatrix`], or the number's or unit's problem.
///
/// ```
/// use lmr::sample::parse::{zonulin, Problem, Reading};
/// use lmr::Matrix;
/// let Reading::Value(z) = zonulin("46 ng/mL", None, Some(Matrix::Serum))? else { panic!() };
/// assert_eq!((z.value(), z.matrix()), (46.0, Matrix::Serum));
/// assert_eq!(zonulin("46 ng/mL", None, None).unwrap_err(), Problem::MissingMatrix);
/// assert_eq!(zonulin("61 ng/g", None, Some(Matrix::Serum)).unwrap_err(), Problem::UnitMatrix);
/// # Ok::<(), Problem>(())
/// ```
pub fn zonulin(
    text: &str,
    unit: Option<ZonulinUnit>,
    matrix: Option<Matrix>,
) -> Result<Reading<Zonulin>, Problem> {
    if let (Some(value), Some(unit), Some(matrix)) =
        (crate::units::plain_number(text), unit, matrix)
    {
        let z = Zonulin::new(value, unit, matrix).map_err(zonulin_problem)?;
        edges(text, z.value())?;
        return Ok(Reading::Value(z));
    }
    if is_below_limit(text) {
        // the limit must still read as a number where one is given (`<abc` is no result); a
        // below-limit result carries no value to compare, so it needs no matrix and no unit
        let mut stated = None;
        if let Some(rest) = crate::units::trim(text)
            .strip_prefix('<')
            .filter(|_| !is_below_limit_word(text))
        {
            let rest = rest.trim_start_matches('=');
            match Zonulin::parse(rest, unit, matrix) {
                Ok(z) => {
                    limit_edges(rest, z.value())?;
                    stated = Some(z);
                }
                Err(ZonulinError::MissingMatrix(_))
                | Err(ZonulinError::Value(UnitError::MissingUnit { .. })) => {}
                Err(e) => return Err(zonulin_problem(e)),
            }
        }
        return Ok(Reading::BelowLimit(stated));
    }
    let z = Zonulin::parse(text, unit, matrix).map_err(zonulin_problem)?;
    edges(text, z.value())?;
    Ok(Reading::Value(z))
}

/// The [`Problem`] a zonulin parse error reports.
pub(super) fn zonulin_problem(e: ZonulinError) -> Problem {
    match e {
        ZonulinError::Value(u) => Problem::from_unit(u, "46 ng/mL"),
        ZonulinError::Unit { unit, .. } => Problem::UnknownUnit {
            unit,
            expected: ZONULIN_UNITS,
        },
        ZonulinError::MissingMatrix(_) => Problem::MissingMatrix,
        ZonulinError::UnitMatrix { .. } => Problem::UnitMatrix,
        _ => Problem::NotOneOf {
            what: "zonulin matrix",
            expected: "serum or stool",
        },
    }
}

/// Haptoglobin genotype: `1-1`, `2-1` or `2-2`.
///
/// # Errors
/// [`Problem::NotOneOf`].
///
/// ```
/// use lmr::sample::parse::hp_genotype;
/// use lmr::zonulin::HpGenotype;
/// assert_eq!(hp_genotype("1-1"), Ok(HpGenotype::Hp11));
/// assert!(hp_genotype("3-3").is_err());
/// ```
pub fn hp_genotype(text: &str) -> Result<HpGenotype, Problem> {
    text.parse::<HpGenotype>().map_err(|_| Problem::NotOneOf {
        what: "haptoglobin genotype",
        expected: "1-1, 2-1 or 2-2",
    })
}

/// A yes/no answer for a pre-test condition (`pretest_nsaid`, `glycosuria`, …): `yes`, `y`,
/// `true`, `1` or `no`, `n`, `false`, `0`, in any case.
///
/// ```
/// use lmr::sample::parse::yes_no;
/// assert_eq!(yes_no("Yes"), Ok(true));
/// assert_eq!(yes_no("0"), Ok(false));
/// assert!(yes_no("maybe").is_err());
/// ```
///
/// # Errors
/// [`Problem::NotOneOf`].
pub fn yes_no(text: &str) -> Result<bool, Problem> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" => Ok(false),
        _ => Err(Problem::NotOneOf {
            what: "answer",
            expected: "yes or no",
        }),
    }
}

/// The units an eGFR is accepted in (all the same quantity, mL/min/1.73 m²).
///
/// ```
/// use lmr::sample::parse::{egfr, EGFR_UNITS};
/// let unit = EGFR_UNITS.split(" (").next().unwrap(); // "mL/min/1.73 m²"
/// assert_eq!(egfr(&format!("45 {unit}"))?.value(), 45.0);
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
pub const EGFR_UNITS: &str = Egfr::EXPECTED;

/// An estimated glomerular filtration rate in mL/min/1.73 m² (a bare number is read in that unit).
///
/// ```
/// use lmr::sample::parse::egfr;
/// assert_eq!(egfr("59 mL/min/1.73 m²")?.to_string(), "59 mL/min/1.73 m²");
/// assert_eq!(egfr("60")?.value(), 60.0);
/// assert!(egfr("59 mL/min").is_err()); // not normalised to body surface area
/// # Ok::<(), lmr::sample::Problem>(())
/// ```
///
/// # Errors
/// [`Problem::NotANumber`], [`Problem::Negative`], [`Problem::UnknownUnit`].
pub fn egfr(text: &str) -> Result<Egfr, Problem> {
    let (value, unit) =
        crate::units::split_number(text).map_err(|e| Problem::from_unit(e, "59 mL/min/1.73 m²"))?;
    if !(unit.trim().is_empty() || Egfr::is_unit(unit)) {
        return Err(Problem::UnknownUnit {
            unit: unit.to_string(),
            expected: EGFR_UNITS,
        });
    }
    if value < 0.0 {
        return Err(Problem::Negative);
    }
    edges(text, value)?;
    Egfr::new(value).map_err(|e| Problem::from_unit(e, "59 mL/min/1.73 m²"))
}

/// Whether `unit` spells mL/min/1.73 m² (spaces, case, `m2` for `m²` and `per` for `/` aside).
///
/// ```
/// use lmr::sample::parse::is_egfr_unit;
/// assert!(is_egfr_unit("mL/min per 1.73 m²"));
/// assert!(!is_egfr_unit("mL/min"));
/// ```
pub fn is_egfr_unit(unit: &str) -> bool {
    Egfr::is_unit(unit)
}

/// A named protocol (`dutch-sat-hyperosmolar`) from `registry`.
///
/// # Errors
/// [`Problem::UnknownProtocol`].
///
/// ```
/// use lmr::sample::parse::{protocol, Problem};
/// let registry = lmr::Registry::builtin()?;
/// assert_eq!(protocol("dutch-sat-hyperosmolar", &registry)?.id, "dutch-sat-hyperosmolar");
/// assert_eq!(protocol("dutch-sat", &registry).unwrap_err(), Problem::UnknownProtocol);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn protocol<'r>(text: &str, registry: &'r Registry) -> Result<&'r NamedProtocol, Problem> {
    registry
        .protocol(text.trim())
        .ok_or(Problem::UnknownProtocol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_letter_sexes_read_as_the_general_parser_reads_them() {
        for t in ["F", "f", "M", "m", "W", " F", "X"] {
            assert_eq!(sex(t).ok(), t.parse::<Sex>().ok(), "{t:?}");
        }
        assert_eq!(sex("m"), Ok(Sex::Male));
    }

    #[test]
    fn age_units() {
        // 18 months ÷ 12 = 1.5 years; 6 mo = 0.5 years; a bare 35 under a [months] header = 35/12
        assert_eq!(age("18 months", None).unwrap().in_years(), 1.5);
        assert_eq!(age("6 mo", None).unwrap().in_years(), 0.5);
        assert_eq!(age("35", None).unwrap().in_years(), 35.0);
        assert!((age("35", Some(AgeUnit::Months)).unwrap().in_years() - 35.0 / 12.0).abs() < 1e-15);
        assert_eq!(age("-1", None).unwrap_err(), Problem::Negative);
        assert!(matches!(
            age("3 weeks", None).unwrap_err(),
            Problem::UnknownUnit { .. }
        ));
    }

    #[test]
    fn a_below_limit_zonulin_needs_a_number() {
        // `<script>` is not a limit: the text after `<` must read as a number
        assert!(zonulin("<script>", None, Some(Matrix::Serum)).is_err());
        assert!(zonulin("<abc ng/mL", None, None).is_err());
        // a stated limit needs no matrix; ND needs nothing
        assert!(matches!(
            zonulin("<20 ng/mL", None, None),
            Ok(Reading::BelowLimit(_))
        ));
        assert!(matches!(
            zonulin("ND", None, None),
            Ok(Reading::BelowLimit(_))
        ));
        assert!(matches!(
            zonulin("<LOD", None, None),
            Ok(Reading::BelowLimit(_))
        ));
        assert!(matches!(
            zonulin("<20", None, Some(Matrix::Serum)),
            Ok(Reading::BelowLimit(_))
        ));
    }

    #[test]
    fn censored_vitamin_d_and_zonulin() {
        assert!(matches!(
            vitamin_d("<10 ng/mL", None, VitaminDForm::Total).unwrap(),
            Reading::BelowLimit(_)
        ));
        assert!(matches!(
            zonulin("ND", None, None).unwrap(),
            Reading::BelowLimit(_)
        ));
        assert_eq!(
            zonulin("46 ng/mL", None, None).unwrap_err(),
            Problem::MissingMatrix
        );
    }

    #[test]
    fn doses() {
        // 1 g monohydrate keeps the form; 0 g is refused
        let d = dose("1 g monohydrate", None).unwrap();
        assert_eq!(d.form, DoseForm::Monohydrate);
        assert_eq!(d.mass.in_milligrams(), 1000.0);
        assert_eq!(dose("0 g", None).unwrap_err(), Problem::ZeroDose);
    }
}
