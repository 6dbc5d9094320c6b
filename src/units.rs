//! Quantities as types: concentrations, volumes, masses, durations, ages, percentages and eGFR.
//!
//! Each quantity keeps the value **and the unit the lab reported**, so that it prints back the way it
//! was written (`"9.21 mg/L".parse::<Concentration>()?.to_string() == "9.21 mg/L"`), and converts only
//! through named methods (`in_mg_per_l`, `in_litres`, …). Molar and mass concentrations are
//! different dimensions: converting one into the other needs the analyte's molar mass
//! ([`Concentration::in_mg_per_l`] takes it as an argument), never a hidden constant.
//!
//! Parsing accepts `"12.5 mg/L"`, `"12.5mg/L"`, UCUM spellings (`ug/mL`, `umol/L`, `mg/dL`), the
//! micro sign `µ`, the Greek letter `μ` and ASCII `u`, and either case for the litre (`mL`/`ml`).
//! It refuses, with an error that quotes the text: a decimal comma, an unknown unit, a unit of the
//! wrong dimension, NaN or infinity, and a negative amount.
//!
//! **Typed results at the public API.** A result that has a unit is a type that carries it: a
//! recovery is a [`Percent`] (a `Censored<Percent>` when it is a bound), a ratio of recoveries an
//! [`ExcretionRatio`](crate::ratio::ExcretionRatio) that names its two sugars. The bare number
//! comes out only through a method named for its unit (`in_hours`, `in_milligrams`,
//! [`Percent::value`], `Censored::<Percent>::in_percent`), as jiff's `Span::total(Unit)` does: the
//! type is the boundary, and the accessor says which number you get. No public field, and no
//! public function's result, is a bare `f64` whose name carries a unit or a percent.
//!
//! ```
//! use lmr::units::{Concentration, Volume};
//!
//! let c: Concentration = "9.21 mg/L".parse()?;
//! let v: Volume = "1857 mL".parse()?;
//! // 9.21 mg/L × 1.857 L = 17.10297 mg excreted
//! approx::assert_relative_eq!(c.in_mg_per_l(None)? * v.in_litres(), 17.10297, max_relative = 1e-12);
//! assert_eq!(c.to_string(), "9.21 mg/L");
//! assert!("12,5 mg/L".parse::<Concentration>().is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

/// What went wrong reading or converting a quantity. Every variant quotes the text it was given.
///
/// ```
/// use lmr::units::{Mass, UnitError};
///
/// let e = "5 mL".parse::<Mass>().unwrap_err();
/// assert!(matches!(e, UnitError::WrongDimension { found: "volume", wanted: "mass", .. }));
/// assert_eq!(e.to_string(), r#""5 mL": "mL" is a volume, expected a mass (one of g, mg, µg)"#);
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// The text is empty.
    #[error("empty value (expected a number followed by a unit, e.g. {example:?})")]
    Empty {
        /// An example of a valid value of the expected dimension.
        example: &'static str,
    },
    /// A comma was used as the decimal separator.
    #[error("{}: decimal comma (write {} with a decimal point)", crate::files::Quoted(.text), crate::files::Quoted(.suggestion))]
    DecimalComma {
        /// The text as given.
        text: String,
        /// The same text with the comma replaced by a point.
        suggestion: String,
    },
    /// The number part did not parse.
    #[error("{}: not a number", crate::files::Quoted(.text))]
    NotANumber {
        /// The text as given.
        text: String,
    },
    /// NaN or infinity.
    #[error("{}: not a finite number", crate::files::Quoted(.text))]
    NotFinite {
        /// The text as given.
        text: String,
    },
    /// A negative amount.
    #[error("{}: must not be negative", crate::files::Quoted(.text))]
    Negative {
        /// The text as given.
        text: String,
    },
    /// A number without a unit where no default unit applies.
    #[error("{}: missing unit (expected one of {expected})", crate::files::Quoted(.text))]
    MissingUnit {
        /// The text as given.
        text: String,
        /// The units accepted here.
        expected: &'static str,
    },
    /// A unit this dimension does not know.
    #[error("{}: unknown unit {} (expected one of {expected})", crate::files::Quoted(.text), crate::files::Quoted(.unit))]
    UnknownUnit {
        /// The text as given.
        text: String,
        /// The unit part of the text.
        unit: String,
        /// The units accepted here.
        expected: &'static str,
    },
    /// A known unit of another dimension (a volume where a mass was expected, …).
    #[error("{}: {} is a {found}, expected a {wanted} (one of {expected})", crate::files::Quoted(.text), crate::files::Quoted(.unit))]
    WrongDimension {
        /// The text as given.
        text: String,
        /// The unit part of the text.
        unit: String,
        /// The dimension that unit has.
        found: &'static str,
        /// The dimension wanted.
        wanted: &'static str,
        /// The units accepted here.
        expected: &'static str,
    },
    /// A molar concentration where no molar mass is known to convert it.
    #[error(
        "{value} {unit}: a molar concentration needs the analyte's molar mass to convert to mass"
    )]
    NeedsMolarMass {
        /// The value.
        value: f64,
        /// The unit.
        unit: &'static str,
    },
}

/// Splits `"12.5 mg/L"` into (`12.5`, `"mg/L"`), refusing decimal commas, NaN, ±∞ and negatives.
pub(crate) fn split_number(text: &str) -> Result<(f64, &str), UnitError> {
    let t = trim(text);
    if let Some(value) = plain_decimal(t) {
        return Ok((value, ""));
    }
    // Every character of the number part is ASCII, so bytes suffice (and a multi-byte
    // character cannot be split: it ends the number at its first byte).
    let end = t
        .bytes()
        .position(|b| !(b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-' | b'e' | b'E' | b',')))
        .unwrap_or(t.len());
    // An exponent marker directly followed by a letter is the start of a unit, not an exponent.
    let (mut num, mut rest) = t.split_at(end);
    while num.ends_with(['e', 'E']) {
        num = &num[..num.len() - 1];
        rest = &t[num.len()..];
    }
    let rest = rest.trim_start();
    if num.as_bytes().contains(&b',') {
        return Err(UnitError::DecimalComma {
            text: text.to_string(),
            suggestion: text.trim().replacen(',', ".", 1),
        });
    }
    // Checked without allocating: this runs once per numeric cell in a batch.
    let starts = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let leading_digit = t.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if !leading_digit && (starts("nan") || starts("inf") || starts("+inf") || starts("-inf")) {
        return Err(UnitError::NotFinite {
            text: text.to_string(),
        });
    }
    let value: f64 = num.parse().map_err(|_| UnitError::NotANumber {
        text: text.to_string(),
    })?;
    check_amount(value, text)?;
    Ok((value, rest))
}

/// A bare decimal ([`plain_decimal`]) of at least the smallest normal double (what callers
/// accept with no further check): the number `split_number` gives for it, with no unit text.
pub(crate) fn plain_number(text: &str) -> Option<f64> {
    plain_decimal(text).filter(|v| *v >= f64::MIN_POSITIVE)
}

/// A bare decimal (`1857`, `9.21`: digits, at most one point between digits, at most 15 digits),
/// the common cell of a batch, read without the general parser: its digits form an integer
/// below 2⁵³ and its places a power of ten up to 10¹⁵, both exact doubles, so one division
/// gives the correctly rounded double, the same one `str::parse` gives (Clinger's fast path).
fn plain_decimal(t: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let b = t.as_bytes();
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut mantissa = 0u64;
    let mut point = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(c - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < b.len() => point = Some(i),
            _ => return None,
        }
    }
    let places = point.map_or(0, |p| b.len() - p - 1);
    let digits = b.len() - usize::from(point.is_some());
    (digits <= 15).then(|| mantissa as f64 / POW10[places])
}

/// `text.trim()`, returning at once when both ends are visible ASCII (the common case in a
/// batch, where this runs several times per cell).
#[inline]
pub(crate) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Refuses NaN, ±∞ and negative values, quoting `text`.
pub(crate) fn check_amount(value: f64, text: &str) -> Result<f64, UnitError> {
    if !value.is_finite() {
        return Err(UnitError::NotFinite {
            text: text.to_string(),
        });
    }
    if value < 0.0 {
        return Err(UnitError::Negative {
            text: text.to_string(),
        });
    }
    Ok(value)
}

/// Normalises a unit spelling for lookup: micro signs to `u`, ASCII lower case, no spaces.
fn unit_key(unit: &str, buf: &mut [u8; 16]) -> Option<usize> {
    let mut n = 0;
    for c in unit.chars() {
        let c = match c {
            // the micro sign, Greek mu, and Greek capital mu (what upper-casing `µ` gives)
            'µ' | 'μ' | 'Μ' => 'u',
            ' ' => continue,
            c if c.is_ascii() => c.to_ascii_lowercase(),
            _ => return None,
        };
        *buf.get_mut(n)? = c as u8;
        n += 1;
    }
    Some(n)
}

macro_rules! unit_enum {
    (
        $(#[$meta:meta])*
        $name:ident, dimension = $dim:literal, expected = $expected:literal,
        sample = ($sample:ident, $spelling:literal, $symbol:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $display:literal, [$($alias:literal),+], $factor:expr; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every unit of this dimension, in display order.
            ///
            /// ```
            #[doc = concat!("use lmr::units::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert!(", stringify!($name), "::ALL.contains(&", stringify!($name), "::", stringify!($sample), "));")]
            /// // every unit reads back from its own symbol
            #[doc = concat!("for &u in ", stringify!($name), "::ALL {")]
            #[doc = concat!("    assert_eq!(", stringify!($name), "::lookup(u.symbol()), Some(u));")]
            /// }
            /// ```
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The dimension's name, as used in error messages.
            ///
            /// ```
            #[doc = concat!("use lmr::units::{", stringify!($name), ", UnitError};")]
            ///
            #[doc = concat!("let e = \"%\".parse::<", stringify!($name), ">().unwrap_err();")]
            #[doc = concat!("assert!(matches!(e, UnitError::WrongDimension { found: \"percentage\", wanted: ", stringify!($name), "::DIMENSION, .. }));")]
            #[doc = concat!("assert!(e.to_string().contains(\"is a percentage, expected a ", $dim, " \"));")]
            /// ```
            pub const DIMENSION: &'static str = $dim;
            /// The accepted spellings, for error messages.
            ///
            /// ```
            #[doc = concat!("use lmr::units::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert!(", stringify!($name), "::EXPECTED.split(\", \").all(|u| ", stringify!($name), "::lookup(u).is_some()));")]
            #[doc = concat!("let e = \"furlong\".parse::<", stringify!($name), ">().unwrap_err();")]
            #[doc = concat!("assert!(e.to_string().ends_with(\"(expected one of ", $expected, ")\"));")]
            /// ```
            pub const EXPECTED: &'static str = $expected;

            /// The canonical (UCUM-style, with `µ`) symbol, as printed.
            ///
            /// ```
            #[doc = concat!("use lmr::units::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert_eq!(", stringify!($name), "::", stringify!($sample), ".symbol(), \"", $symbol, "\");")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::", stringify!($sample), ".to_string(), \"", $symbol, "\");")]
            /// ```
            pub fn symbol(self) -> &'static str {
                match self { $($name::$variant => $display),+ }
            }

            /// Multiply a value in this unit by this factor to get the dimension's base unit.
            fn factor(self) -> f64 {
                match self { $($name::$variant => $factor),+ }
            }

            /// Looks a unit spelling up (case-insensitive; `µ`, `μ`, `Μ` and `u` are the same).
            ///
            /// ```
            #[doc = concat!("use lmr::units::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert_eq!(", stringify!($name), "::lookup(\"", $spelling, "\"), Some(", stringify!($name), "::", stringify!($sample), "));")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::lookup(\"", $symbol, "\"), Some(", stringify!($name), "::", stringify!($sample), "));")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::lookup(\"furlong\"), None);")]
            /// ```
            pub fn lookup(unit: &str) -> Option<Self> {
                let mut buf = [0u8; 16];
                let n = unit_key(unit, &mut buf)?;
                let key = &buf[..n];
                $( if [$($alias.as_bytes()),+].contains(&key) { return Some($name::$variant); } )+
                None
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.symbol())
            }
        }

        impl FromStr for $name {
            type Err = UnitError;
            fn from_str(s: &str) -> Result<Self, UnitError> {
                Self::lookup(s).ok_or_else(|| unknown_or_wrong_dimension(s, s, $dim, $expected))
            }
        }
    };
}

unit_enum! {
    /// A unit of concentration: mass per volume or amount of substance per volume.
    ///
    /// ```
    /// use lmr::units::ConcentrationUnit;
    ///
    /// assert_eq!("mcg/ml".parse::<ConcentrationUnit>()?, ConcentrationUnit::UgPerMl);
    /// assert_eq!(ConcentrationUnit::UgPerMl.to_string(), "µg/mL");
    /// assert_eq!(ConcentrationUnit::ALL.len(), 10);
    /// assert_eq!(ConcentrationUnit::DIMENSION, "concentration");
    /// // a volume unit is refused, and the error says which dimension it has
    /// assert!("mL".parse::<ConcentrationUnit>().unwrap_err().to_string().contains("is a volume"));
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    ConcentrationUnit, dimension = "concentration",
    expected = "g/L, mg/L, mg/dL, µg/mL, µg/L, ng/mL, mol/L, mmol/L, µmol/L, nmol/L",
    sample = (UmolPerL, "umol/l", "µmol/L") {
        /// Grams per litre.
        GPerL => "g/L", ["g/l"], 1000.0;
        /// Milligrams per litre (= µg/mL).
        MgPerL => "mg/L", ["mg/l"], 1.0;
        /// Milligrams per decilitre.
        MgPerDl => "mg/dL", ["mg/dl"], 10.0;
        /// Micrograms per millilitre (= mg/L).
        UgPerMl => "µg/mL", ["ug/ml", "mcg/ml"], 1.0;
        /// Micrograms per litre (= ng/mL).
        UgPerL => "µg/L", ["ug/l", "mcg/l"], 1e-3;
        /// Nanograms per millilitre (= µg/L).
        NgPerMl => "ng/mL", ["ng/ml"], 1e-3;
        /// Moles per litre.
        MolPerL => "mol/L", ["mol/l"], 1e3;
        /// Millimoles per litre.
        MmolPerL => "mmol/L", ["mmol/l"], 1.0;
        /// Micromoles per litre.
        UmolPerL => "µmol/L", ["umol/l"], 1e-3;
        /// Nanomoles per litre.
        NmolPerL => "nmol/L", ["nmol/l"], 1e-6;
    }
}

unit_enum! {
    /// A unit of volume.
    ///
    /// ```
    /// use lmr::units::VolumeUnit;
    ///
    /// assert_eq!("ml".parse::<VolumeUnit>()?, VolumeUnit::Ml);
    /// assert_eq!(VolumeUnit::ALL, &[VolumeUnit::L, VolumeUnit::Dl, VolumeUnit::Ml]);
    /// assert_eq!(VolumeUnit::EXPECTED, "L, dL, mL");
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    VolumeUnit, dimension = "volume", expected = "L, dL, mL", sample = (Dl, "DL", "dL") {
        /// Litres.
        L => "L", ["l"], 1.0;
        /// Decilitres.
        Dl => "dL", ["dl"], 0.1;
        /// Millilitres.
        Ml => "mL", ["ml"], 1e-3;
    }
}

unit_enum! {
    /// A unit of mass.
    ///
    /// ```
    /// use lmr::units::MassUnit;
    ///
    /// assert_eq!("mcg".parse::<MassUnit>()?, MassUnit::Ug);
    /// assert_eq!(MassUnit::Ug.to_string(), "µg");
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    MassUnit, dimension = "mass", expected = "g, mg, µg", sample = (Ug, "ug", "µg") {
        /// Grams.
        G => "g", ["g"], 1000.0;
        /// Milligrams.
        Mg => "mg", ["mg"], 1.0;
        /// Micrograms.
        Ug => "µg", ["ug", "mcg"], 1e-3;
    }
}

unit_enum! {
    /// A unit of time.
    ///
    /// ```
    /// use lmr::units::DurationUnit;
    ///
    /// assert_eq!("hours".parse::<DurationUnit>()?, DurationUnit::H);
    /// assert_eq!("mins".parse::<DurationUnit>()?, DurationUnit::Min);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    DurationUnit, dimension = "duration", expected = "h, min", sample = (Min, "minutes", "min") {
        /// Hours.
        H => "h", ["h", "hr", "hrs", "hour", "hours"], 1.0;
        /// Minutes.
        Min => "min", ["min", "mins", "minute", "minutes"], 1.0 / 60.0;
    }
}

unit_enum! {
    /// A unit of age (a duration since birth, counted in calendar units).
    ///
    /// ```
    /// use lmr::units::AgeUnit;
    ///
    /// assert_eq!("YR".parse::<AgeUnit>()?, AgeUnit::Years);
    /// assert_eq!(AgeUnit::lookup("months"), Some(AgeUnit::Months));
    /// assert_eq!(AgeUnit::lookup("weeks"), None);
    /// assert_eq!(AgeUnit::Months.to_string(), "mo");
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    AgeUnit, dimension = "age", expected = "y, mo", sample = (Months, "months", "mo") {
        /// Years (`y`, `yr`, `yrs`, `year`, `years`, `a`).
        Years => "y", ["y", "yr", "yrs", "year", "years", "a"], 1.0;
        /// Months (`mo`, `mos`, `month`, `months`), twelve to the year.
        Months => "mo", ["mo", "mos", "month", "months"], 1.0 / 12.0;
    }
}

impl ConcentrationUnit {
    /// Whether this is an amount-of-substance (molar) unit.
    ///
    /// ```
    /// use lmr::units::ConcentrationUnit;
    ///
    /// assert!(ConcentrationUnit::UmolPerL.is_molar());
    /// assert!(!ConcentrationUnit::MgPerDl.is_molar());
    /// ```
    pub fn is_molar(self) -> bool {
        matches!(
            self,
            Self::MolPerL | Self::MmolPerL | Self::UmolPerL | Self::NmolPerL
        )
    }
}

/// The error for a unit that is not of the wanted dimension: names the dimension it does have.
fn unknown_or_wrong_dimension(
    text: &str,
    unit: &str,
    wanted: &'static str,
    expected: &'static str,
) -> UnitError {
    let found = if ConcentrationUnit::lookup(unit).is_some() {
        Some(ConcentrationUnit::DIMENSION)
    } else if VolumeUnit::lookup(unit).is_some() {
        Some(VolumeUnit::DIMENSION)
    } else if MassUnit::lookup(unit).is_some() {
        Some(MassUnit::DIMENSION)
    } else if DurationUnit::lookup(unit).is_some() {
        Some(DurationUnit::DIMENSION)
    } else if unit.trim() == "%" {
        Some("percentage")
    } else {
        None
    };
    match found {
        Some(found) if found != wanted => UnitError::WrongDimension {
            text: text.to_string(),
            unit: unit.to_string(),
            found,
            wanted,
            expected,
        },
        _ => UnitError::UnknownUnit {
            text: text.to_string(),
            unit: unit.to_string(),
            expected,
        },
    }
}

macro_rules! quantity {
    (
        $(#[$meta:meta])*
        $name:ident, $unit:ident, example = $example:literal, parts = ($v:literal, $u:ident)
    ) => {
        $(#[$meta])*
        ///
        /// Equality is as reported (value and unit): `1 g` and `1000 mg` differ; compare the
        /// converted numbers for the amount.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $name {
            value: f64,
            unit: $unit,
        }

        impl $name {
            /// A quantity from a value and its unit.
            ///
            /// # Errors
            /// [`UnitError::NotFinite`] for NaN or ±∞, [`UnitError::Negative`] below zero.
            ///
            /// ```
            #[doc = concat!("use lmr::units::{", stringify!($name), ", ", stringify!($unit), "};")]
            ///
            #[doc = concat!("let q = ", stringify!($name), "::new(", stringify!($v), ", ", stringify!($unit), "::", stringify!($u), ")?;")]
            #[doc = concat!("assert_eq!(q.to_string(), \"", $example, "\");")]
            #[doc = concat!("assert!(", stringify!($name), "::new(-", stringify!($v), ", ", stringify!($unit), "::", stringify!($u), ").is_err());")]
            #[doc = concat!("assert!(", stringify!($name), "::new(f64::NAN, ", stringify!($unit), "::", stringify!($u), ").is_err());")]
            /// # Ok::<(), lmr::units::UnitError>(())
            /// ```
            pub fn new(value: f64, unit: $unit) -> Result<Self, UnitError> {
                if !value.is_finite() || value < 0.0 {
                    let text = format!("{} {}", value, unit);
                    check_amount(value, &text)?;
                }
                Ok(Self { value, unit })
            }

            /// The value, in [`Self::unit`], as given (no conversion).
            ///
            /// ```
            #[doc = concat!("use lmr::units::{", stringify!($name), ", ", stringify!($unit), "};")]
            ///
            #[doc = concat!("let q: ", stringify!($name), " = \"", $example, "\".parse()?;")]
            #[doc = concat!("assert_eq!(q.value(), ", stringify!($v), ");")]
            #[doc = concat!("assert_eq!(q.unit(), ", stringify!($unit), "::", stringify!($u), ");")]
            /// # Ok::<(), lmr::units::UnitError>(())
            /// ```
            pub fn value(self) -> f64 {
                self.value
            }

            /// The unit the value was given in (no conversion).
            ///
            /// ```
            #[doc = concat!("use lmr::units::{", stringify!($name), ", ", stringify!($unit), "};")]
            ///
            #[doc = concat!("let q: ", stringify!($name), " = \"", $example, "\".parse()?;")]
            #[doc = concat!("assert_eq!(q.unit(), ", stringify!($unit), "::", stringify!($u), ");")]
            /// assert!(q.to_string().ends_with(q.unit().symbol()));
            /// # Ok::<(), lmr::units::UnitError>(())
            /// ```
            pub fn unit(self) -> $unit {
                self.unit
            }

            /// [`Self::parse_with_default`] for the common cell of a batch, a bare decimal (`9.21`,
            /// `1857`) with a default unit, read without the general parser: the same value, or
            /// `None` for any other text (and for a value below the smallest normal double, which
            /// callers check further).
            #[allow(dead_code)] // the batch reads some quantities only
            pub(crate) fn parse_plain(text: &str, default_unit: Option<$unit>) -> Option<Self> {
                let value = plain_number(text)?;
                Some(Self { value, unit: default_unit? })
            }

            /// Parses `text`; a bare number takes `default_unit` when one is given.
            ///
            /// This is how a CSV cell under a header such as `urine_volume [mL]` is read: the cell may
            /// hold `"1857"` (the header's unit applies) or `"1.857 L"` (its own unit wins).
            ///
            /// # Errors
            /// As [`FromStr`], plus [`UnitError::MissingUnit`] for a bare number without a default.
            ///
            /// ```
            #[doc = concat!("use lmr::units::{", stringify!($name), ", ", stringify!($unit), "};")]
            ///
            #[doc = concat!("let q = ", stringify!($name), "::parse_with_default(\"", stringify!($v), "\", Some(", stringify!($unit), "::", stringify!($u), "))?;")]
            #[doc = concat!("assert_eq!(q.to_string(), \"", $example, "\");")]
            #[doc = concat!("assert!(", stringify!($name), "::parse_with_default(\"", stringify!($v), "\", None).is_err());")]
            /// # Ok::<(), lmr::units::UnitError>(())
            /// ```
            pub fn parse_with_default(text: &str, default_unit: Option<$unit>) -> Result<Self, UnitError> {
                if trim(text).is_empty() {
                    return Err(UnitError::Empty { example: $example });
                }
                let (value, unit) = split_number(text)?;
                let unit = if unit.is_empty() {
                    default_unit.ok_or_else(|| UnitError::MissingUnit {
                        text: text.to_string(),
                        expected: $unit::EXPECTED,
                    })?
                } else {
                    $unit::lookup(unit).ok_or_else(|| {
                        unknown_or_wrong_dimension(text, unit, $unit::DIMENSION, $unit::EXPECTED)
                    })?
                };
                Ok(Self { value, unit })
            }
        }

        impl FromStr for $name {
            type Err = UnitError;
            fn from_str(s: &str) -> Result<Self, UnitError> {
                Self::parse_with_default(s, None)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.value, self.unit)
            }
        }
    };
}

quantity! {
    /// A concentration in urine or serum, as reported: mass per volume or molar.
    Concentration, ConcentrationUnit, example = "12.5 mg/L", parts = (12.5, MgPerL)
}

quantity! {
    /// A volume (urine collected, solution drunk).
    Volume, VolumeUnit, example = "1857 mL", parts = (1857.0, Ml)
}

quantity! {
    /// A mass (an oral dose).
    Mass, MassUnit, example = "5 g", parts = (5.0, G)
}

quantity! {
    /// A length of time (a urine collection window).
    Duration, DurationUnit, example = "5 h", parts = (5.0, H)
}

quantity! {
    /// An age: the time since birth, in the unit it was given (`18 mo` stays 18 months, and
    /// is 1.5 years through [`Age::in_years`]).
    Age, AgeUnit, example = "18 mo", parts = (18.0, Months)
}

impl Concentration {
    /// The concentration in mg/L (= µg/mL).
    ///
    /// A molar concentration is converted with `molar_mass_g_per_mol` (mmol/L × g/mol = mg/L); a mass
    /// concentration ignores it.
    ///
    /// # Errors
    /// [`UnitError::NeedsMolarMass`] for a molar concentration when `molar_mass_g_per_mol` is `None`.
    ///
    /// ```
    /// use lmr::units::Concentration;
    ///
    /// let c: Concentration = "12 mg/dL".parse()?;
    /// assert_eq!(c.in_mg_per_l(None)?, 120.0); // 1 dL = 0.1 L: 12 mg / 0.1 L = 120 mg/L
    ///
    /// // lactulose C12H22O11: 12 × 12.011 + 22 × 1.008 + 11 × 15.999 = 342.297 g/mol
    /// let m: Concentration = "0.58 mmol/L".parse()?;
    /// assert!(m.in_mg_per_l(None).is_err());
    /// // 0.58 mmol/L × 342.297 g/mol = 198.53226 mg/L
    /// approx::assert_relative_eq!(m.in_mg_per_l(Some(342.297))?, 198.53226, max_relative = 1e-12);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_mg_per_l(self, molar_mass_g_per_mol: Option<f64>) -> Result<f64, UnitError> {
        let base = self.value * self.unit.factor();
        if self.unit.is_molar() {
            // base is mmol/L; mmol/L × g/mol = mg/L
            molar_mass_g_per_mol
                .map(|m| base * m)
                .ok_or(UnitError::NeedsMolarMass {
                    value: self.value,
                    unit: self.unit.symbol(),
                })
        } else {
            Ok(base)
        }
    }

    /// The concentration in mmol/L; a mass concentration is converted with `molar_mass_g_per_mol`.
    ///
    /// ```
    /// use lmr::units::Concentration;
    ///
    /// // mannitol C6H14O6: 6 × 12.011 + 14 × 1.008 + 6 × 15.999 = 182.172 g/mol
    /// let c: Concentration = "200 mg/L".parse()?;
    /// // 200 mg/L ÷ 182.172 g/mol = 1.097863557… mmol/L
    /// approx::assert_relative_eq!(c.in_mmol_per_l(182.172), 1.0978635575, max_relative = 1e-10);
    /// // a molar value is only rescaled: 580 µmol/L = 0.58 mmol/L
    /// let u: Concentration = "580 umol/L".parse()?;
    /// approx::assert_relative_eq!(u.in_mmol_per_l(182.172), 0.58, max_relative = 1e-15);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_mmol_per_l(self, molar_mass_g_per_mol: f64) -> f64 {
        let base = self.value * self.unit.factor();
        if self.unit.is_molar() {
            base
        } else {
            base / molar_mass_g_per_mol
        }
    }
}

impl Volume {
    /// The volume in litres.
    ///
    /// ```
    /// use lmr::units::Volume;
    ///
    /// let v: Volume = "1857 mL".parse()?;
    /// approx::assert_relative_eq!(v.in_litres(), 1.857, max_relative = 1e-15); // 1857 / 1000
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_litres(self) -> f64 {
        self.value * self.unit.factor()
    }

    /// The volume in millilitres.
    ///
    /// ```
    /// use lmr::units::Volume;
    ///
    /// let v: Volume = "2.5 dL".parse()?;
    /// approx::assert_relative_eq!(v.in_millilitres(), 250.0, max_relative = 1e-15); // 2.5 × 100 mL
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_millilitres(self) -> f64 {
        self.in_litres() * 1000.0
    }
}

impl Mass {
    /// The mass in milligrams.
    ///
    /// ```
    /// use lmr::units::Mass;
    ///
    /// assert_eq!("5 g".parse::<Mass>()?.in_milligrams(), 5000.0);
    /// approx::assert_relative_eq!("250 ug".parse::<Mass>()?.in_milligrams(), 0.25, max_relative = 1e-15);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_milligrams(self) -> f64 {
        self.value * self.unit.factor()
    }

    /// The mass in grams.
    ///
    /// ```
    /// use lmr::units::Mass;
    ///
    /// approx::assert_relative_eq!("1000 mg".parse::<Mass>()?.in_grams(), 1.0, max_relative = 1e-15);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_grams(self) -> f64 {
        self.in_milligrams() / 1000.0
    }

    /// A mass in milligrams from a number already checked (finite, not negative).
    pub(crate) fn from_checked_mg(mg: f64) -> Mass {
        debug_assert!(mg.is_finite() && mg >= 0.0);
        Mass {
            value: mg,
            unit: MassUnit::Mg,
        }
    }

    /// This mass scaled by `factor` (e.g. the anhydrous content of a hydrate), in the same unit.
    ///
    /// ```
    /// use lmr::units::Mass;
    ///
    /// // 10 g of a powder that is 95 % the anhydrous sugar: 10 g × 0.95 = 9.5 g
    /// let anhydrous = "10 g".parse::<Mass>()?.scaled(0.95);
    /// assert_eq!(anhydrous.to_string(), "9.5 g");
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn scaled(self, factor: f64) -> Mass {
        Mass {
            value: self.value * factor,
            unit: self.unit,
        }
    }
}

impl Age {
    /// An age in years from a number already checked (finite, not negative).
    pub(crate) fn from_checked_years(years: f64) -> Age {
        debug_assert!(years.is_finite() && years >= 0.0);
        Age {
            value: years,
            unit: AgeUnit::Years,
        }
    }

    /// The age in years (a month is a twelfth of a year).
    ///
    /// ```
    /// use lmr::units::Age;
    ///
    /// // 18 months × 1/12 year per month = 1.5 years
    /// assert_eq!("18 months".parse::<Age>()?.in_years(), 1.5);
    /// assert_eq!("7 y".parse::<Age>()?.in_years(), 7.0);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_years(self) -> f64 {
        self.value * self.unit.factor()
    }
}

impl Duration {
    /// A duration in hours from a number already checked (finite, not negative).
    pub(crate) fn from_checked_hours(hours: f64) -> Duration {
        debug_assert!(hours.is_finite() && hours >= 0.0);
        Duration {
            value: hours,
            unit: DurationUnit::H,
        }
    }

    /// The duration in hours.
    ///
    /// ```
    /// use lmr::units::Duration;
    ///
    /// approx::assert_relative_eq!("90 min".parse::<Duration>()?.in_hours(), 1.5, max_relative = 1e-15); // 90 / 60
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_hours(self) -> f64 {
        self.value * self.unit.factor()
    }
}

/// A percentage (e.g. a urinary recovery: percent of the oral dose excreted).
///
/// ```
/// use lmr::units::Percent;
///
/// let p: Percent = "18.5 %".parse()?;
/// assert_eq!(p.value(), 18.5);
/// assert_eq!(p.to_string(), "18.5 %");
/// assert_eq!("18.5".parse::<Percent>()?, p); // a bare number is read as percent
/// assert!("18.5 mg".parse::<Percent>().is_err());
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Percent(f64);

impl Percent {
    /// A percentage from its value in percent (`Percent::new(18.0)` is 18 %).
    ///
    /// # Errors
    /// [`UnitError::NotFinite`] for NaN or ±∞, [`UnitError::Negative`] below zero.
    ///
    /// ```
    /// use lmr::units::Percent;
    ///
    /// assert_eq!(Percent::new(18.0)?.to_string(), "18 %");
    /// assert!(Percent::new(-0.5).is_err());
    /// assert!(Percent::new(f64::INFINITY).is_err());
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn new(percent: f64) -> Result<Self, UnitError> {
        amount_in(percent, "%").map(Percent)
    }

    /// The value in percent.
    ///
    /// ```
    /// use lmr::units::Percent;
    ///
    /// assert_eq!(Percent::new(18.0)?.value(), 18.0);
    /// assert_eq!("0.25 %".parse::<Percent>()?.value(), 0.25); // not 0.0025
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0)
    }
}

impl FromStr for Percent {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, UnitError> {
        one_unit(s, "18 %", |u| u == "%", "percentage", "%").map(Percent)
    }
}

/// `value`, if it is an amount (finite, not negative); else the error quoting `value unit`.
fn amount_in(value: f64, unit: &str) -> Result<f64, UnitError> {
    if !value.is_finite() || value < 0.0 {
        check_amount(value, &format!("{value} {unit}"))?;
    }
    Ok(value)
}

/// The number of `text` for a quantity with one unit (`18 %`, `342.297 g/mol`): written with a
/// unit that `is_unit` accepts, or bare (read in that unit).
fn one_unit(
    text: &str,
    example: &'static str,
    is_unit: impl Fn(&str) -> bool,
    dimension: &'static str,
    expected: &'static str,
) -> Result<f64, UnitError> {
    if trim(text).is_empty() {
        return Err(UnitError::Empty { example });
    }
    let (value, unit) = split_number(text)?;
    if unit.is_empty() || is_unit(unit) {
        Ok(value)
    } else {
        Err(unknown_or_wrong_dimension(text, unit, dimension, expected))
    }
}

/// A molar mass, in g/mol: what converts a molar concentration into a mass one (a sugar's
/// [`Sugar::molar_mass`](crate::sugar::Sugar::molar_mass), a 25(OH)D form's).
///
/// ```
/// use lmr::units::MolarMass;
///
/// // lactulose C12H22O11: 12 × 12.011 + 22 × 1.008 + 11 × 15.999 = 342.297 g/mol
/// let m: MolarMass = "342.297 g/mol".parse()?;
/// assert_eq!(m.in_g_per_mol(), 342.297);
/// assert_eq!(m.to_string(), "342.297 g/mol");
/// assert_eq!(m.to_string().parse::<MolarMass>()?, m); // reads back
/// assert!("342.297 g".parse::<MolarMass>().is_err());
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct MolarMass(f64);

impl MolarMass {
    /// A molar mass from its value in g/mol.
    ///
    /// # Errors
    /// [`UnitError::NotFinite`] for NaN or ±∞, [`UnitError::Negative`] below zero.
    ///
    /// ```
    /// use lmr::units::MolarMass;
    ///
    /// assert_eq!(MolarMass::new(182.172)?.to_string(), "182.172 g/mol");
    /// assert!(MolarMass::new(-1.0).is_err());
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn new(g_per_mol: f64) -> Result<MolarMass, UnitError> {
        amount_in(g_per_mol, "g/mol").map(MolarMass)
    }

    /// A molar mass from a constant known to be finite and positive.
    pub(crate) const fn from_checked(g_per_mol: f64) -> MolarMass {
        MolarMass(g_per_mol)
    }

    /// The molar mass in g/mol.
    ///
    /// ```
    /// // mannitol C6H14O6: 6 × 12.011 + 14 × 1.008 + 6 × 15.999 = 182.172 g/mol
    /// let m = lmr::sugar::Sugar::Mannitol.molar_mass();
    /// approx::assert_relative_eq!(m.in_g_per_mol(), 182.172, max_relative = 1e-12);
    /// ```
    pub fn in_g_per_mol(self) -> f64 {
        self.0
    }
}

impl fmt::Display for MolarMass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} g/mol", self.0)
    }
}

impl FromStr for MolarMass {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, UnitError> {
        let is_unit = |u: &str| u.eq_ignore_ascii_case("g/mol");
        one_unit(s, "342.297 g/mol", is_unit, "molar mass", "g/mol").map(MolarMass)
    }
}

/// An estimated glomerular filtration rate, in its one unit, mL/min/1.73 m² (normalised to
/// body surface area; a bare number is read in that unit).
///
/// ```
/// use lmr::units::Egfr;
///
/// let e: Egfr = "59 mL/min/1.73 m²".parse()?;
/// assert_eq!(e.value(), 59.0);
/// assert_eq!(e.to_string(), "59 mL/min/1.73 m²");
/// assert_eq!(e.to_string().parse::<Egfr>()?, e); // reads back
/// assert_eq!("59".parse::<Egfr>()?, e);
/// assert_eq!("59 ml/min per 1.73 m2".parse::<Egfr>()?, e);
/// assert!("59 mL/min".parse::<Egfr>().is_err()); // not normalised to body surface area
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Egfr(f64);

impl Egfr {
    /// The unit's symbol, as [`Display`](fmt::Display) writes it.
    ///
    /// ```
    /// use lmr::units::Egfr;
    ///
    /// assert!(Egfr::is_unit(Egfr::SYMBOL));
    /// assert_eq!(Egfr::new(92.0)?.to_string(), format!("92 {}", Egfr::SYMBOL));
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub const SYMBOL: &'static str = "mL/min/1.73 m²";

    /// The spellings accepted, for messages.
    ///
    /// ```
    /// use lmr::units::{Egfr, UnitError};
    ///
    /// let e = "59 mL/min".parse::<Egfr>().unwrap_err(); // not normalised to body surface area
    /// assert!(matches!(e, UnitError::UnknownUnit { expected: Egfr::EXPECTED, .. }));
    /// assert!(e.to_string().ends_with(&format!("(expected one of {})", Egfr::EXPECTED)));
    /// assert!(Egfr::is_unit("mL/min/1.73m2") && Egfr::is_unit("mL/min per 1.73 m²"));
    /// ```
    pub const EXPECTED: &'static str =
        "mL/min/1.73 m² (also written mL/min/1.73m2 or mL/min per 1.73 m²)";

    /// An eGFR from its value in mL/min/1.73 m².
    ///
    /// # Errors
    /// [`UnitError::NotFinite`] for NaN or ±∞, [`UnitError::Negative`] below zero.
    ///
    /// ```
    /// use lmr::units::Egfr;
    ///
    /// assert_eq!(Egfr::new(45.0)?.to_string(), "45 mL/min/1.73 m²");
    /// assert!(Egfr::new(-1.0).is_err() && Egfr::new(f64::NAN).is_err());
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn new(value: f64) -> Result<Egfr, UnitError> {
        amount_in(value, Egfr::SYMBOL).map(Egfr)
    }

    /// An eGFR from a number known to be finite and not negative (a constant).
    pub(crate) const fn from_checked(value: f64) -> Egfr {
        Egfr(value)
    }

    /// The value in mL/min/1.73 m² (its one unit).
    ///
    /// ```
    /// assert_eq!("92".parse::<lmr::units::Egfr>()?.value(), 92.0);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn value(self) -> f64 {
        self.0
    }

    /// Whether `unit` spells mL/min/1.73 m² (spaces, case, `m2` for `m²` and `per` for `/`
    /// aside).
    ///
    /// ```
    /// use lmr::units::Egfr;
    ///
    /// assert!(Egfr::is_unit("mL/min per 1.73 m²") && Egfr::is_unit("ML/MIN/1.73M2"));
    /// assert!(!Egfr::is_unit("mL/min"));
    /// ```
    pub fn is_unit(unit: &str) -> bool {
        let key: String = unit
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase()
            .replace('²', "2")
            .replace("per", "/");
        key == "ml/min/1.73m2"
    }
}

impl fmt::Display for Egfr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, Egfr::SYMBOL)
    }
}

impl FromStr for Egfr {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, UnitError> {
        let example = "59 mL/min/1.73 m²";
        one_unit(s, example, Egfr::is_unit, "eGFR", Egfr::EXPECTED).map(Egfr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_read_as_the_general_parser_reads_them() {
        // 9.21 = 921 / 10²; 1857 = 1857 / 10⁰
        assert_eq!(plain_decimal("9.21"), Some(9.21));
        assert_eq!(plain_decimal("1857"), Some(1857.0));
        assert_eq!(plain_decimal("0.0045"), Some(0.0045));
        // not plain: left to the general parser (and its errors)
        for t in [
            "",
            ".5",
            "5.",
            "1.2.3",
            "-1",
            "1e3",
            "12,5",
            "1 mL",
            "1234567890123456",
        ] {
            assert_eq!(plain_decimal(t), None, "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_decimals_are_correctly_rounded(t in "[0-9]{1,9}(\\.[0-9]{1,6})?") {
            proptest::prop_assert_eq!(plain_decimal(&t), Some(t.parse::<f64>().unwrap()));
        }

        #[test]
        fn the_plain_path_gives_what_the_general_parser_gives(
            t in "[0-9]{1,9}(\\.[0-9]{1,6})?|[0-9]{1,3} ?(mg/L|g/L)|<[0-9]{1,3}| [0-9]{1,4} "
        ) {
            // A cell the plain path takes reads as the general parser reads it; any other cell
            // (a unit in it, a bound, spaces, zero) is left to the general parser.
            let unit = Some(ConcentrationUnit::MgPerL);
            let general = Concentration::parse_with_default(&t, unit).ok();
            if let Some(plain) = Concentration::parse_plain(&t, unit) {
                let general = general.expect("a bare decimal parses");
                proptest::prop_assert_eq!(plain.value().to_bits(), general.value().to_bits());
                proptest::prop_assert_eq!(plain.unit(), general.unit());
            } else {
                let plain_text = t.bytes().all(|b| b.is_ascii_digit() || b == b'.');
                proptest::prop_assert!(!plain_text || general.is_some_and(|g| g.value() == 0.0));
            }
        }
    }
    use approx::assert_relative_eq;

    #[test]
    fn parses_with_and_without_space_and_round_trips() {
        for text in ["12.5 mg/L", "12.5mg/L", "12.5  mg/L"] {
            let c: Concentration = text.parse().unwrap();
            assert_eq!(c.to_string(), "12.5 mg/L");
        }
    }

    #[test]
    fn micro_spellings_are_the_same_unit() {
        for text in ["3 ug/mL", "3 µg/mL", "3 μg/mL", "3 mcg/mL", "3 UG/ML"] {
            let c: Concentration = text.parse().unwrap();
            assert_eq!(c.unit(), ConcentrationUnit::UgPerMl, "{text}");
            assert_eq!(c.to_string(), "3 µg/mL");
        }
        let u: Concentration = "7 umol/L".parse().unwrap();
        assert_eq!(u.unit(), ConcentrationUnit::UmolPerL);
    }

    #[test]
    fn mass_concentrations_convert_to_mg_per_l() {
        // 1 mg/dL = 10 mg/L; 1 g/L = 1000 mg/L; 1 µg/mL = 1 mg/L; 500 ng/mL = 0.5 mg/L
        let cases = [
            ("1 mg/dL", 10.0),
            ("1 g/L", 1000.0),
            ("1 ug/mL", 1.0),
            ("500 ng/mL", 0.5),
            ("500 ug/L", 0.5),
        ];
        for (text, mg_l) in cases {
            let c: Concentration = text.parse().unwrap();
            assert_relative_eq!(c.in_mg_per_l(None).unwrap(), mg_l, max_relative = 1e-15);
        }
    }

    #[test]
    fn molar_needs_molar_mass() {
        // hand-worked: 0.58 mmol/L lactulose × 342.297 g/mol = 198.53226 mg/L
        let c: Concentration = "0.58 mmol/L".parse().unwrap();
        assert!(matches!(
            c.in_mg_per_l(None),
            Err(UnitError::NeedsMolarMass { .. })
        ));
        assert_relative_eq!(
            c.in_mg_per_l(Some(342.297)).unwrap(),
            198.532_26,
            max_relative = 1e-9
        );
        // 580 µmol/L is the same amount
        let u: Concentration = "580 umol/L".parse().unwrap();
        assert_relative_eq!(
            u.in_mg_per_l(Some(342.297)).unwrap(),
            198.532_26,
            max_relative = 1e-9
        );
    }

    #[test]
    fn volumes_masses_durations() {
        let v: Volume = "1857 mL".parse().unwrap();
        assert_relative_eq!(v.in_litres(), 1.857, max_relative = 1e-15);
        let d: Volume = "2 dL".parse().unwrap();
        assert_relative_eq!(d.in_millilitres(), 200.0, max_relative = 1e-15);
        let m: Mass = "5 g".parse().unwrap();
        assert_relative_eq!(m.in_milligrams(), 5000.0, max_relative = 1e-15);
        let t: Duration = "300 min".parse().unwrap();
        assert_relative_eq!(t.in_hours(), 5.0, max_relative = 1e-15);
    }

    #[test]
    fn decimal_comma_is_refused_with_a_suggestion() {
        let e = "12,5 mg/L".parse::<Concentration>().unwrap_err();
        assert_eq!(
            e,
            UnitError::DecimalComma {
                text: "12,5 mg/L".into(),
                suggestion: "12.5 mg/L".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "\"12,5 mg/L\": decimal comma (write \"12.5 mg/L\" with a decimal point)"
        );
    }

    #[test]
    fn unknown_unit_and_wrong_dimension_quote_the_text() {
        let e = "5 furlongs".parse::<Mass>().unwrap_err();
        assert!(matches!(e, UnitError::UnknownUnit { ref unit, .. } if unit == "furlongs"));
        let e = "5 mL".parse::<Mass>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"5 mL\": \"mL\" is a volume, expected a mass (one of g, mg, µg)"
        );
    }

    #[test]
    fn non_finite_and_negative_are_refused() {
        for text in ["NaN mg/L", "inf mg/L", "-inf mg/L"] {
            let e = text.parse::<Concentration>().unwrap_err();
            assert!(matches!(e, UnitError::NotFinite { .. }), "{text}: {e:?}");
        }
        let e = "-3 mL".parse::<Volume>().unwrap_err();
        assert_eq!(e.to_string(), "\"-3 mL\": must not be negative");
        assert!(Volume::new(f64::NAN, VolumeUnit::Ml).is_err());
        assert!(Volume::new(-1.0, VolumeUnit::Ml).is_err());
    }

    #[test]
    fn huge_exponent_overflows_to_infinity_and_is_refused() {
        let e = "1e999 mg/L".parse::<Concentration>().unwrap_err();
        assert!(matches!(e, UnitError::NotFinite { .. }));
    }

    #[test]
    fn exponent_notation_and_default_unit() {
        let c: Concentration = "1.5e2 mg/L".parse().unwrap();
        assert_relative_eq!(c.value(), 150.0);
        let v = Volume::parse_with_default("250", Some(VolumeUnit::Ml)).unwrap();
        assert_relative_eq!(v.in_litres(), 0.25);
        let v = Volume::parse_with_default("0.25 L", Some(VolumeUnit::Ml)).unwrap();
        assert_eq!(v.unit(), VolumeUnit::L);
        assert!(matches!(
            Volume::parse_with_default("250", None),
            Err(UnitError::MissingUnit { .. })
        ));
    }

    #[test]
    fn ages_keep_their_unit_and_convert_to_years() {
        // 18 months ÷ 12 = 1.5 years; 6 mo = 0.5 y; 35 y = 35 y
        for (text, shown, years) in [
            ("18 months", "18 mo", 1.5),
            ("6 mo", "6 mo", 0.5),
            ("35 y", "35 y", 35.0),
            ("2 years", "2 y", 2.0),
        ] {
            let a: Age = text.parse().unwrap();
            assert_eq!(a.to_string(), shown);
            assert_eq!(a.to_string().parse::<Age>().unwrap().in_years(), years);
            assert_relative_eq!(a.in_years(), years, max_relative = 1e-15);
        }
        // a bare number needs a unit, unless one is given for it
        assert!(matches!(
            "35".parse::<Age>(),
            Err(UnitError::MissingUnit { .. })
        ));
        let a = Age::parse_with_default("6", Some(AgeUnit::Months)).unwrap();
        assert_eq!(a.in_years(), 0.5);
        assert!(matches!(
            "-1 y".parse::<Age>(),
            Err(UnitError::Negative { .. })
        ));
        assert!(matches!(
            "3 weeks".parse::<Age>(),
            Err(UnitError::UnknownUnit { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn egfr_round_trips(x in 0.0f64..1e6) {
            let e = Egfr::new(x).unwrap();
            proptest::prop_assert_eq!(e.to_string().parse::<Egfr>().unwrap(), e);
        }

        #[test]
        fn molar_mass_round_trips(x in 0.0f64..1e6) {
            let m = MolarMass::new(x).unwrap();
            proptest::prop_assert_eq!(m.to_string().parse::<MolarMass>().unwrap(), m);
        }
    }

    #[test]
    fn percent_round_trips() {
        let p: Percent = "18.5 %".parse().unwrap();
        assert_eq!(p.to_string(), "18.5 %");
        assert_eq!(p, "18.5%".parse().unwrap());
    }
}
