//! Test protocols: the oral doses, the urine collection window, and who was tested.
//!
//! Cut-offs depend on the protocol (dose, osmolarity, collection window, age): a reference range
//! declares the protocol it applies to, and [`crate::reference::ReferenceRange::differences`]
//! compares it with the sample's. Named protocols (`--protocol dutch-sat-hyperosmolar`) live in
//! `reference-ranges/protocols/`.

use std::fmt;
use std::str::FromStr;

use crate::sugar::{DoseForm, Sugar};
use crate::units::{Duration, Mass};

/// An oral dose: the mass weighed and the form it was weighed in.
#[derive(Clone, Copy, Debug)]
pub struct Dose {
    /// Mass as weighed.
    pub mass: Mass,
    /// Anhydrous (default) or hydrate.
    pub form: DoseForm,
}

impl Dose {
    /// An anhydrous dose.
    pub fn anhydrous(mass: Mass) -> Dose {
        Dose {
            mass,
            form: DoseForm::Anhydrous,
        }
    }

    /// Parses `"5 g"`, `"1 g monohydrate"` or `"1 g anhydrous"`.
    ///
    /// # Errors
    /// The mass's [`crate::units::UnitError`].
    ///
    /// ```
    /// use lmr::{protocol::Dose, sugar::Sugar};
    /// // hand-worked, 164.157 / 182.172 = 0.90111: 1.000 g monohydrate = 0.9011 g rhamnose
    /// let d = Dose::parse("1 g monohydrate")?;
    /// approx::assert_relative_eq!(d.sugar_mg(Sugar::Rhamnose), 901.1, epsilon = 0.05);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(text: &str) -> Result<Dose, crate::units::UnitError> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        for (word, form) in [
            ("monohydrate", DoseForm::Monohydrate),
            ("anhydrous", DoseForm::Anhydrous),
        ] {
            if let Some(mass) = lower.strip_suffix(word) {
                return Ok(Dose {
                    mass: t[..mass.len()].parse()?,
                    form,
                });
            }
        }
        Ok(Dose::anhydrous(t.parse()?))
    }

    /// The mass of the sugar itself in mg (a monohydrate dose is converted to its sugar content).
    pub fn sugar_mg(&self, sugar: Sugar) -> f64 {
        self.mass.in_milligrams() * self.form.sugar_fraction(sugar)
    }
}

/// A value per sugar, in a fixed array (no allocation; indexed by [`Sugar`]).
#[derive(Clone, Debug)]
pub struct SugarMap<T> {
    slots: [Option<T>; Sugar::ALL.len()],
}

impl<T> Default for SugarMap<T> {
    fn default() -> Self {
        SugarMap {
            slots: std::array::from_fn(|_| None),
        }
    }
}

impl<T> SugarMap<T> {
    fn index(sugar: Sugar) -> usize {
        // Sugar::ALL lists the variants in declaration order, so the discriminant is the index.
        sugar as usize
    }

    /// The value for `sugar`.
    pub fn get(&self, sugar: Sugar) -> Option<&T> {
        self.slots[Self::index(sugar)].as_ref()
    }

    /// Sets (or clears, with `None`) the value for `sugar`.
    pub fn set(&mut self, sugar: Sugar, value: Option<T>) {
        self.slots[Self::index(sugar)] = value;
    }

    /// The place of `sugar`'s value.
    pub(crate) fn slot_mut(&mut self, sugar: Sugar) -> &mut Option<T> {
        &mut self.slots[Self::index(sugar)]
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        for s in &mut self.slots {
            *s = None;
        }
    }

    /// The sugars that have a value, with it, in [`Sugar::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Sugar, &T)> {
        Sugar::ALL
            .iter()
            .zip(self.slots.iter())
            .filter_map(|(&s, v)| v.as_ref().map(|v| (s, v)))
    }

    /// Whether no sugar has a value.
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }
}

/// Sex as recorded (reference ranges and z-score tables may be sex-specific).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

/// A sex spelling that is not understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?}: unknown sex (expected F, M, female or male)")]
pub struct UnknownSex(pub String);

impl FromStr for Sex {
    type Err = UnknownSex;
    fn from_str(s: &str) -> Result<Self, UnknownSex> {
        // Without allocating: this runs once per row in a batch.
        let t = s.trim();
        let is = |w: &str| t.eq_ignore_ascii_case(w);
        if is("f") || is("female") || is("w") {
            Ok(Sex::Female)
        } else if is("m") || is("male") {
            Ok(Sex::Male)
        } else {
            Err(UnknownSex(s.to_string()))
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::Female => "female",
            Sex::Male => "male",
        })
    }
}

/// What a sample's test protocol was: doses, collection window, and the person's age and sex.
#[derive(Clone, Debug, Default)]
pub struct Protocol {
    /// Oral dose per sugar.
    pub doses: SugarMap<Dose>,
    /// Urine collection window (from the dose to the end of collection).
    pub collection: Option<Duration>,
    /// Age in years.
    pub age_years: Option<f64>,
    /// Sex.
    pub sex: Option<Sex>,
}

impl Protocol {
    /// Fills every part this protocol lacks from `named` (explicit values win).
    pub fn fill_from(&mut self, named: &NamedProtocol) {
        for (sugar, dose) in named.doses.iter() {
            if self.doses.get(sugar).is_none() {
                self.doses.set(sugar, Some(*dose));
            }
        }
        if self.collection.is_none() {
            self.collection = named.collection;
        }
    }

    /// Clears every field, keeping the allocation-free storage.
    pub fn clear(&mut self) {
        self.doses.clear();
        self.collection = None;
        self.age_years = None;
        self.sex = None;
    }
}

/// A protocol shipped in `reference-ranges/protocols/` or given in a user file.
#[derive(Clone, Debug)]
pub struct NamedProtocol {
    /// Identifier (`dutch-sat-hyperosmolar`).
    pub id: String,
    /// Title for people.
    pub title: String,
    /// Doses per sugar.
    pub doses: SugarMap<Dose>,
    /// Collection window, where the source states it.
    pub collection: Option<Duration>,
    /// Population, where the source states it.
    pub population: Option<String>,
    /// Where it comes from.
    pub source: crate::source::Source,
    /// The file it was read from.
    pub origin: String,
}

/// Doses and windows are equal when they agree to this relative tolerance (doses are nominal).
pub(crate) const SAME_AMOUNT_RELATIVE: f64 = 1e-9;

/// Whether two non-negative amounts are the same nominal amount.
pub(crate) fn same_amount(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME_AMOUNT_RELATIVE * a.abs().max(b.abs())
}

/// One way a sample's protocol differs from a named protocol (see [`NamedProtocol::gaps`]).
#[derive(Clone, Copy, Debug)]
pub enum ProtocolGap {
    /// A sugar's dose differs, or only one of the two gives it.
    Dose {
        /// The sugar.
        sugar: Sugar,
        /// The named protocol's dose (sugar content), if it has one.
        protocol: Option<Mass>,
        /// The sample's dose (sugar content), if given.
        sample: Option<Mass>,
    },
    /// The collection window differs, or one of the two does not state it.
    Collection {
        /// The named protocol's window, if its source states one.
        protocol: Option<Duration>,
        /// The sample's window, if given.
        sample: Option<Duration>,
    },
}

impl ProtocolGap {
    /// How far apart the two are, for ranking: 0 for equal, 1 when one side is missing, otherwise
    /// the relative difference.
    fn distance(&self) -> f64 {
        let rel = |a: f64, b: f64| (a - b).abs() / a.abs().max(b.abs());
        match *self {
            ProtocolGap::Dose {
                protocol: Some(p),
                sample: Some(s),
                ..
            } => rel(p.in_milligrams(), s.in_milligrams()),
            ProtocolGap::Collection {
                protocol: Some(p),
                sample: Some(s),
            } => rel(p.in_hours(), s.in_hours()),
            _ => 1.0,
        }
    }
}

impl fmt::Display for ProtocolGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or = |x: Option<String>, none: &'static str| x.unwrap_or_else(|| none.to_string());
        match *self {
            ProtocolGap::Dose {
                sugar,
                protocol,
                sample,
            } => write!(
                f,
                "{} dose {} (protocol: {})",
                sugar.name(),
                or(sample.map(|m| m.to_string()), "not given"),
                or(protocol.map(|m| m.to_string()), "none")
            ),
            ProtocolGap::Collection { protocol, sample } => write!(
                f,
                "collection {} (protocol: {})",
                or(sample.map(|d| d.to_string()), "not given"),
                or(protocol.map(|d| d.to_string()), "not stated")
            ),
        }
    }
}

impl NamedProtocol {
    /// Calls `found` with each way `sample` differs from this protocol: every sugar dosed by
    /// either and not the same (sugar content), and the window unless both give the same one.
    pub fn gaps(&self, sample: &Protocol, mut found: impl FnMut(ProtocolGap)) {
        let content = |d: &Dose, s: Sugar| d.mass.scaled(d.form.sugar_fraction(s));
        for &sugar in Sugar::ALL {
            let (p, s) = (self.doses.get(sugar), sample.doses.get(sugar));
            let same = match (p, s) {
                (Some(p), Some(s)) => same_amount(p.sugar_mg(sugar), s.sugar_mg(sugar)),
                (None, None) => true,
                _ => false,
            };
            if !same {
                found(ProtocolGap::Dose {
                    sugar,
                    protocol: p.map(|d| content(d, sugar)),
                    sample: s.map(|d| content(d, sugar)),
                });
            }
        }
        let same = match (self.collection, sample.collection) {
            (Some(p), Some(s)) => same_amount(p.in_hours(), s.in_hours()),
            _ => false,
        };
        if !same {
            found(ProtocolGap::Collection {
                protocol: self.collection,
                sample: sample.collection,
            });
        }
    }
}

/// The named protocols nearest to `sample` (fewest differences, then smallest relative
/// differences), every one of them when several are equally near, each with its differences.
/// Empty when `protocols` is, or when `sample` gives no dose at all.
///
/// ```
/// use lmr::protocol::{nearest_protocols, Dose, Protocol};
/// use lmr::reference::Registry;
/// use lmr::sugar::Sugar;
/// use lmr::units::Duration;
///
/// let registry = Registry::builtin()?;
/// let mut p = Protocol::default();
/// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
/// p.doses.set(Sugar::Mannitol, Some(Dose::parse("2 g")?));
/// p.collection = Some("6 h".parse::<Duration>()?);
/// let near = nearest_protocols(registry.protocols(), &p);
/// let ids: Vec<&str> = near.iter().map(|(n, _)| n.id.as_str()).collect();
/// // 5 g / 2 g over 5 h in both: one hour from this sample's 6 h
/// assert_eq!(ids, ["ann-clin-biochem-2000", "dutch-sat-low-osmolar"]);
/// assert_eq!(near[1].1[0].to_string(), "collection 6 h (protocol: 5 h)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn nearest_protocols<'p>(
    protocols: &'p [NamedProtocol],
    sample: &Protocol,
) -> Vec<(&'p NamedProtocol, Vec<ProtocolGap>)> {
    if sample.doses.is_empty() {
        return Vec::new();
    }
    let scored: Vec<_> = protocols
        .iter()
        .map(|p| {
            let mut gaps = Vec::new();
            p.gaps(sample, |g| gaps.push(g));
            let distance: f64 = gaps.iter().map(ProtocolGap::distance).sum();
            (p, gaps, distance)
        })
        .collect();
    let best = scored
        .iter()
        .map(|(_, g, d)| (g.len(), *d))
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let Some((n, d)) = best else {
        return Vec::new();
    };
    scored
        .into_iter()
        .filter(|(_, g, x)| g.len() == n && (x - d).abs() <= 1e-9)
        .map(|(p, g, _)| (p, g))
        .collect()
}
