//! Test protocols: the oral doses, the urine collection window, and who was tested.
//!
//! Cut-offs depend on the protocol (dose, osmolarity, collection window, age): a reference range
//! declares the protocol it applies to, and [`crate::reference::ReferenceRange::differences`]
//! compares it with the sample's. Named protocols (`--protocol dutch-sat-hyperosmolar`) live in
//! `reference-ranges/protocols/`.

use std::fmt;
use std::str::FromStr;

use crate::sugar::{DoseForm, Sugar};
use crate::units::{split_number, Age, Duration, Mass, MassUnit, UnitError, Volume};

/// An oral dose: the mass weighed and the form it was weighed in.
///
/// ```
/// use lmr::protocol::Dose;
/// use lmr::sugar::DoseForm;
///
/// let d = Dose::parse("1 g monohydrate")?;
/// assert_eq!(d.mass.to_string(), "1 g");
/// assert_eq!(d.form, DoseForm::Monohydrate);
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Dose {
    /// Mass as weighed.
    pub mass: Mass,
    /// Anhydrous (default) or hydrate.
    pub form: DoseForm,
}

impl Dose {
    /// An anhydrous dose.
    ///
    /// ```
    /// use lmr::protocol::Dose;
    /// use lmr::sugar::{DoseForm, Sugar};
    ///
    /// let d = Dose::anhydrous("5 g".parse()?);
    /// assert_eq!(d.form, DoseForm::Anhydrous);
    /// assert_eq!(d.sugar_mass(Sugar::Lactulose).in_milligrams(), 5000.0);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
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
    /// approx::assert_relative_eq!(d.sugar_mass(Sugar::Rhamnose).in_milligrams(), 901.1, epsilon = 0.05);
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

    /// The mass of the sugar itself (a monohydrate dose is converted to its sugar content), in
    /// mg.
    ///
    /// ```
    /// use lmr::{protocol::Dose, sugar::Sugar};
    ///
    /// // L-rhamnose C6H12O5 = 164.157 g/mol, + H2O 18.015 = 182.172 g/mol as the monohydrate:
    /// // 500 mg × 164.157 / 182.172 = 450.55497 mg of rhamnose
    /// let d = Dose::parse("500 mg monohydrate")?;
    /// approx::assert_relative_eq!(d.sugar_mass(Sugar::Rhamnose).in_milligrams(), 450.55497, max_relative = 1e-7);
    /// assert_eq!(Dose::parse("0.5 g")?.sugar_mass(Sugar::Rhamnose).to_string(), "500 mg");
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn sugar_mass(&self, sugar: Sugar) -> Mass {
        // a checked mass times a fraction in (0, 1]: finite and not negative
        Mass::from_checked_mg(self.mass.in_milligrams() * self.form.sugar_fraction(sugar))
    }
}

/// The concentration of a sugar in the test drink, as mg of sugar per mL of solution.
///
/// Field studies record the volume a child drank of a solution of known strength (WASH Benefits,
/// MAL-ED: 250 mg/mL lactulose + 50 mg/mL mannitol, 2 mL/kg up to 20 mL); the dose is then
/// volume × strength, the same for every sugar in the drink.
///
/// ```
/// use lmr::protocol::Strength;
/// let s: Strength = "250 mg/mL".parse()?;
/// // 12 mL × 250 mg/mL = 3000 mg
/// assert_eq!(s.dose("12 mL".parse()?)?.in_milligrams(), 3000.0);
/// assert_eq!("5 g/100 mL".parse::<Strength>()?.in_mg_per_ml(), 50.0); // 5000 mg / 100 mL
/// assert_eq!("50 g/L".parse::<Strength>()?.in_mg_per_ml(), 50.0);     // 50 000 mg / 1000 mL
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Strength {
    mg_per_ml: f64,
    unit: StrengthUnit,
    value: f64,
}

/// A unit of solution strength.
///
/// ```
/// use lmr::protocol::StrengthUnit;
///
/// assert_eq!(StrengthUnit::EXPECTED, "mg/mL, g/L, g/100 mL, g/dL");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrengthUnit {
    /// Milligrams per millilitre (= g/L).
    MgPerMl,
    /// Grams per litre (= mg/mL).
    GPerL,
    /// Grams per 100 mL (= g/dL).
    GPer100Ml,
}

impl StrengthUnit {
    /// The units accepted, for messages (shown with [`StrengthUnit`]).
    ///
    /// ```
    /// use lmr::protocol::StrengthUnit;
    /// assert!(StrengthUnit::EXPECTED.split(", ").all(|u| StrengthUnit::lookup(u).is_some()));
    /// ```
    pub const EXPECTED: &'static str = "mg/mL, g/L, g/100 mL, g/dL";

    /// Looks a spelling up (`mg/mL`, `g/L`, `g/100 mL`, `g/dL`; case and spaces ignored).
    ///
    /// ```
    /// use lmr::protocol::StrengthUnit;
    ///
    /// assert_eq!(StrengthUnit::lookup("G / DL"), Some(StrengthUnit::GPer100Ml));
    /// assert_eq!(StrengthUnit::lookup("g/100mL"), Some(StrengthUnit::GPer100Ml));
    /// assert_eq!(StrengthUnit::lookup("%"), None); // "% w/v" is not guessed
    /// ```
    pub fn lookup(text: &str) -> Option<StrengthUnit> {
        let key: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "mg/ml" => Some(StrengthUnit::MgPerMl),
            "g/l" => Some(StrengthUnit::GPerL),
            "g/100ml" | "g/dl" => Some(StrengthUnit::GPer100Ml),
            _ => None,
        }
    }

    fn mg_per_ml(self) -> f64 {
        match self {
            StrengthUnit::MgPerMl | StrengthUnit::GPerL => 1.0,
            StrengthUnit::GPer100Ml => 10.0,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            StrengthUnit::MgPerMl => "mg/mL",
            StrengthUnit::GPerL => "g/L",
            StrengthUnit::GPer100Ml => "g/100 mL",
        }
    }
}

impl Strength {
    /// Parses `text`; a bare number takes `default_unit`.
    ///
    /// # Errors
    /// The number's [`UnitError`], [`UnitError::MissingUnit`] or [`UnitError::UnknownUnit`].
    ///
    /// ```
    /// use lmr::protocol::{Strength, StrengthUnit};
    ///
    /// let s = Strength::parse_with_default("250", Some(StrengthUnit::MgPerMl))?;
    /// assert_eq!(s.to_string(), "250 mg/mL");
    /// assert!(Strength::parse_with_default("250", None).is_err());
    /// assert!(Strength::parse_with_default("250 mmol/L", None).is_err());
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn parse_with_default(
        text: &str,
        default_unit: Option<StrengthUnit>,
    ) -> Result<Strength, UnitError> {
        if crate::units::trim(text).is_empty() {
            return Err(UnitError::Empty {
                example: "250 mg/mL",
            });
        }
        let (value, unit_text) = split_number(text)?;
        let unit = if unit_text.is_empty() {
            default_unit.ok_or_else(|| UnitError::MissingUnit {
                text: text.to_string(),
                expected: StrengthUnit::EXPECTED,
            })?
        } else {
            StrengthUnit::lookup(unit_text).ok_or_else(|| UnitError::UnknownUnit {
                text: text.to_string(),
                unit: unit_text.to_string(),
                expected: StrengthUnit::EXPECTED,
            })?
        };
        Ok(Strength {
            mg_per_ml: value * unit.mg_per_ml(),
            unit,
            value,
        })
    }

    /// mg of sugar per mL of solution.
    ///
    /// ```
    /// use lmr::protocol::Strength;
    ///
    /// // 25 g/dL = 25 000 mg / 100 mL = 250 mg/mL
    /// assert_eq!("25 g/dL".parse::<Strength>()?.in_mg_per_ml(), 250.0);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn in_mg_per_ml(self) -> f64 {
        self.mg_per_ml
    }

    /// The dose in `volume` of the solution: volume (mL) × strength (mg/mL).
    ///
    /// # Errors
    /// [`UnitError::NotFinite`] when the product overflows.
    ///
    /// ```
    /// use lmr::protocol::Strength;
    ///
    /// // a 7.3 kg child, 2 mL/kg: 14.6 mL × 50 mg/mL mannitol = 730 mg
    /// let mannitol: Strength = "50 mg/mL".parse()?;
    /// approx::assert_relative_eq!(mannitol.dose("14.6 mL".parse()?)?.in_milligrams(), 730.0, max_relative = 1e-12);
    /// assert!("1e300 mg/mL".parse::<Strength>()?.dose("1e300 L".parse()?).is_err());
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn dose(self, volume: Volume) -> Result<Mass, UnitError> {
        let mg = volume.in_millilitres() * self.mg_per_ml;
        if !mg.is_finite() {
            return Err(UnitError::NotFinite {
                text: format!("{volume} × {self}"),
            });
        }
        Mass::new(mg, MassUnit::Mg)
    }
}

impl FromStr for Strength {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, UnitError> {
        Strength::parse_with_default(s, None)
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit.symbol())
    }
}

/// A drink whose dose disagrees with the dose given for the same sugar.
///
/// ```
/// use lmr::protocol::{Dose, DrinkError, Protocol};
/// use lmr::sugar::Sugar;
///
/// let mut p = Protocol::default();
/// p.drink_volume = Some("12 mL".parse()?);
/// p.solutions.set(Sugar::Lactulose, Some("250 mg/mL".parse()?));
/// p.doses.set(Sugar::Lactulose, Some(Dose::parse("3500 mg")?));
/// // 12 mL × 250 mg/mL = 3000 mg, 500 mg from the 3500 mg given: more than 1 % of 3500 mg
/// let Err(DrinkError::Mismatch(m)) = p.dose_from_drink() else { panic!("a mismatch") };
/// assert_eq!((m.sugar, m.dose.to_string()), (Sugar::Lactulose, "3500 mg".to_string()));
/// approx::assert_relative_eq!(m.drink.in_milligrams(), 3000.0, max_relative = 1e-12);
/// assert!(p.doses.get(Sugar::Lactulose).is_none()); // neither is trusted
/// assert_eq!(
///     m.to_string(),
///     "the lactulose dose given (3500 mg) disagrees with the drink (12 mL × 250 mg/mL = 3000 mg, \
///      more than 1 % apart); give one or correct the other"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the {sugar} dose given ({} mg) disagrees with the drink ({} mL × {strength} = {} mg, more than 1 % apart); give one or correct the other", .dose.in_milligrams(), .volume.in_millilitres(), .drink.in_milligrams())]
pub struct DrinkMismatch {
    /// The sugar.
    pub sugar: Sugar,
    /// The dose given.
    pub dose: Mass,
    /// The volume drunk.
    pub volume: Volume,
    /// The solution strength.
    pub strength: Strength,
    /// Volume × strength.
    pub drink: Mass,
}

/// A dose and a drink agree when they differ by at most this fraction of the larger (a dose is
/// often written rounded: 2 mL/kg × 7.3 kg = 14.6 mL, × 250 mg/mL = 3650 mg).
///
/// ```
/// use lmr::protocol::{Dose, Protocol};
/// use lmr::sugar::Sugar;
///
/// let mut p = Protocol::default();
/// p.drink_volume = Some("14.6 mL".parse()?);
/// p.solutions.set(Sugar::Lactulose, Some("250 mg/mL".parse()?));
/// // 3650 mg from the drink, 3680 mg written: 30 mg apart ≤ 0.01 × 3680 = 36.8 mg, so they agree
/// p.doses.set(Sugar::Lactulose, Some(Dose::parse("3680 mg")?));
/// assert!(p.dose_from_drink().is_ok());
/// assert_eq!(lmr::protocol::DRINK_AGREEMENT_RELATIVE, 0.01);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const DRINK_AGREEMENT_RELATIVE: f64 = 0.01;

/// A value per sugar, in a fixed array (no allocation; indexed by [`Sugar`]).
///
/// ```
/// use lmr::protocol::SugarMap;
/// use lmr::sugar::Sugar;
///
/// let mut m: SugarMap<f64> = SugarMap::default();
/// assert!(m.is_empty());
/// m.set(Sugar::Mannitol, Some(12.5));
/// m.set(Sugar::Lactulose, Some(0.4));
/// assert_eq!(m.get(Sugar::Mannitol), Some(&12.5));
/// assert_eq!(m.get(Sugar::Sucrose), None);
/// // in Sugar::ALL order, whatever the order they were set in
/// let sugars: Vec<Sugar> = m.iter().map(|(s, _)| s).collect();
/// assert_eq!(sugars, [Sugar::Lactulose, Sugar::Mannitol]);
/// m.set(Sugar::Mannitol, None);
/// assert_eq!(m.iter().count(), 1);
/// m.clear();
/// assert!(m.is_empty());
/// ```
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
    ///
    /// ```
    /// use lmr::{Sugar, SugarMap};
    /// let mut doses = SugarMap::default();
    /// doses.set(Sugar::Rhamnose, Some("1 g"));
    /// assert_eq!(doses.get(Sugar::Rhamnose), Some(&"1 g"));
    /// assert_eq!(doses.get(Sugar::Lactulose), None);
    /// ```
    pub fn get(&self, sugar: Sugar) -> Option<&T> {
        self.slots[Self::index(sugar)].as_ref()
    }

    /// Sets (or clears, with `None`) the value for `sugar`.
    ///
    /// ```
    /// use lmr::{Sugar, SugarMap};
    /// let mut m = SugarMap::default();
    /// m.set(Sugar::Sucralose, Some(2.0));
    /// m.set(Sugar::Sucralose, Some(1.0)); // replaces
    /// assert_eq!(m.get(Sugar::Sucralose), Some(&1.0));
    /// m.set(Sugar::Sucralose, None); // clears
    /// assert!(m.is_empty());
    /// ```
    pub fn set(&mut self, sugar: Sugar, value: Option<T>) {
        self.slots[Self::index(sugar)] = value;
    }

    /// The place of `sugar`'s value.
    pub(crate) fn slot_mut(&mut self, sugar: Sugar) -> &mut Option<T> {
        &mut self.slots[Self::index(sugar)]
    }

    /// Removes every value.
    ///
    /// ```
    /// use lmr::{Sugar, SugarMap};
    /// let mut m = SugarMap::default();
    /// m.set(Sugar::Lactulose, Some(20.0));
    /// m.set(Sugar::Mannitol, Some(150.0));
    /// m.clear();
    /// assert_eq!(m.iter().count(), 0);
    /// ```
    pub fn clear(&mut self) {
        for s in &mut self.slots {
            *s = None;
        }
    }

    /// The sugars that have a value, with it, in [`Sugar::ALL`] order.
    ///
    /// ```
    /// use lmr::{Sugar, SugarMap};
    /// let mut m = SugarMap::default();
    /// m.set(Sugar::Sucrose, Some(40.0));
    /// m.set(Sugar::Lactulose, Some(5.0));
    /// let set: Vec<(Sugar, f64)> = m.iter().map(|(s, &g)| (s, g)).collect();
    /// assert_eq!(set, [(Sugar::Lactulose, 5.0), (Sugar::Sucrose, 40.0)]); // Sugar::ALL order
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Sugar, &T)> {
        Sugar::ALL
            .iter()
            .zip(self.slots.iter())
            .filter_map(|(&s, v)| v.as_ref().map(|v| (s, v)))
    }

    /// Whether no sugar has a value.
    ///
    /// ```
    /// use lmr::{Sugar, SugarMap};
    /// let mut m: SugarMap<f64> = SugarMap::default();
    /// assert!(m.is_empty());
    /// m.set(Sugar::Xylose, Some(5.0));
    /// assert!(!m.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }
}

/// Sex as recorded (reference ranges and z-score tables may be sex-specific).
///
/// ```
/// use lmr::protocol::Sex;
///
/// assert_eq!(" F ".parse::<Sex>()?, Sex::Female);
/// assert_eq!("W".parse::<Sex>()?, Sex::Female); // German "weiblich"
/// assert_eq!("Male".parse::<Sex>()?.to_string(), "male");
/// # Ok::<(), lmr::protocol::UnknownSex>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

/// A sex spelling that is not understood.
///
/// ```
/// use lmr::protocol::{Sex, UnknownSex};
///
/// let e = "x".parse::<Sex>().unwrap_err();
/// assert_eq!(e, UnknownSex("x".into()));
/// assert_eq!(e.to_string(), r#""x": unknown sex (expected F, M, female or male)"#);
/// ```
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
///
/// ```
/// use lmr::protocol::{Dose, Protocol, Sex};
/// use lmr::sugar::Sugar;
///
/// let mut p = Protocol::default();
/// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
/// p.collection = Some("5 h".parse()?);
/// p.sex = Some(Sex::Female);
/// assert_eq!(p.doses.iter().count(), 1);
/// p.clear();
/// assert!(p.doses.is_empty() && p.collection.is_none() && p.sex.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Protocol {
    /// Oral dose per sugar.
    pub doses: SugarMap<Dose>,
    /// The volume of test solution drunk (`dose_volume`).
    pub drink_volume: Option<Volume>,
    /// Each sugar's strength in the test solution (`<sugar>_solution`).
    pub solutions: SugarMap<Strength>,
    /// Urine collection window (from the dose to the end of collection).
    pub collection: Option<Duration>,
    /// Age, in the unit it was given ([`Age::in_years`] for years).
    pub age: Option<Age>,
    /// Sex.
    pub sex: Option<Sex>,
}

impl Protocol {
    /// Fills every part this protocol lacks from `named` (explicit values win). A drink
    /// ([`Protocol::drink_volume`] and a solution strength) gives the dose of its sugars, so
    /// the named protocol's nominal dose does not fill those.
    ///
    /// ```
    /// use lmr::protocol::{Dose, Protocol};
    /// use lmr::sugar::Sugar;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// // Dutch SAT, hyperosmolar: 5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h
    /// let dutch = registry.protocol("dutch-sat-hyperosmolar").expect("shipped");
    /// let mut p = Protocol::default();
    /// p.doses.set(Sugar::Mannitol, Some(Dose::parse("1 g")?)); // given: wins
    /// p.fill_from(dutch);
    /// assert_eq!(p.doses.get(Sugar::Lactulose).unwrap().mass.to_string(), "5 g");
    /// assert_eq!(p.doses.get(Sugar::Mannitol).unwrap().mass.to_string(), "1 g");
    /// assert_eq!(p.collection.unwrap().to_string(), "5 h");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fill_from(&mut self, named: &NamedProtocol) {
        for (sugar, strength) in named.solutions.iter() {
            if self.solutions.get(sugar).is_none() {
                self.solutions.set(sugar, Some(*strength));
            }
        }
        for (sugar, dose) in named.doses.iter() {
            let drunk = self.drink_volume.is_some() && self.solutions.get(sugar).is_some();
            if self.doses.get(sugar).is_none() && !drunk {
                self.doses.set(sugar, Some(*dose));
            }
        }
        if self.collection.is_none() {
            self.collection = named.collection;
        }
    }

    /// The doses of the drink: for each sugar with a solution strength, drink volume ×
    /// strength; where a dose is also given, the two must agree (within
    /// [`DRINK_AGREEMENT_RELATIVE`]). Without a drink volume nothing changes.
    ///
    /// # Errors
    /// [`DrinkError`] for the first sugar whose given dose disagrees with its drink, or whose
    /// volume × strength overflows; that sugar is left without a dose, the others get theirs.
    ///
    /// ```
    /// use lmr::protocol::Protocol;
    /// use lmr::sugar::Sugar;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// // MAL-ED / WASH Benefits solution: 250 mg/mL lactulose, 50 mg/mL mannitol
    /// let mut p = Protocol::default();
    /// p.drink_volume = Some("12 mL".parse()?);
    /// p.fill_from(registry.protocol("mal-ed-20ml").expect("shipped"));
    /// p.dose_from_drink()?;
    /// // 12 mL × 250 mg/mL = 3000 mg; 12 mL × 50 mg/mL = 600 mg (not the 20 mL maximum's 5000/1000 mg)
    /// let mg = |s| p.doses.get(s).unwrap().mass.in_milligrams();
    /// approx::assert_relative_eq!(mg(Sugar::Lactulose), 3000.0, max_relative = 1e-12);
    /// approx::assert_relative_eq!(mg(Sugar::Mannitol), 600.0, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dose_from_drink(&mut self) -> Result<(), DrinkError> {
        let Some(volume) = self.drink_volume else {
            return Ok(());
        };
        let mut first = Ok(());
        for (sugar, strength) in self.solutions.iter() {
            let problem = match strength.dose(volume) {
                Err(e) => Some(DrinkError::Overflow(e)),
                Ok(mass) => {
                    let drink_mg = mass.in_milligrams();
                    match self.doses.slot_mut(sugar) {
                        Some(d) => {
                            let dose_mg = d.mass.in_milligrams();
                            let apart = (dose_mg - drink_mg).abs();
                            let mismatch = DrinkMismatch {
                                sugar,
                                dose: d.mass,
                                volume,
                                strength: *strength,
                                drink: mass,
                            };
                            (apart > DRINK_AGREEMENT_RELATIVE * dose_mg.max(drink_mg))
                                .then_some(DrinkError::Mismatch(mismatch))
                        }
                        slot @ None => {
                            *slot = Some(Dose::anhydrous(mass));
                            None
                        }
                    }
                }
            };
            if let Some(e) = problem {
                // neither the dose nor the drink is known to be right: no dose for this sugar
                self.doses.set(sugar, None);
                if first.is_ok() {
                    first = Err(e);
                }
            }
        }
        first
    }

    /// Clears every field, keeping the allocation-free storage (shown with [`Protocol`]).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let mut p = lmr::Protocol::default();
    /// p.fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
    /// assert!(p.collection.is_some() && !p.doses.is_empty());
    /// p.clear();
    /// assert!(p.collection.is_none() && p.doses.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear(&mut self) {
        self.doses.clear();
        self.drink_volume = None;
        self.solutions.clear();
        self.collection = None;
        self.age = None;
        self.sex = None;
    }
}

/// A protocol shipped in `reference-ranges/protocols/` or given in a user file.
///
/// ```
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let p = registry.protocol("dutch-sat-hyperosmolar").expect("shipped");
/// assert_eq!(p.doses.get(Sugar::Sucrose).unwrap().mass.to_string(), "40 g");
/// assert_eq!(p.collection.unwrap().in_hours(), 5.0);
/// assert!(p.origin.ends_with("dutch-sat-hyperosmolar.toml"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct NamedProtocol {
    /// Identifier (`dutch-sat-hyperosmolar`).
    pub id: String,
    /// Title for people.
    pub title: String,
    /// Doses per sugar.
    pub doses: SugarMap<Dose>,
    /// The test solution's strength per sugar, where the protocol gives the dose as a drink
    /// (`solutions = { lactulose = "250 mg/mL" }`).
    pub solutions: SugarMap<Strength>,
    /// Collection window, where the source states it.
    pub collection: Option<Duration>,
    /// Population, where the source states it.
    pub population: Option<String>,
    /// Where it comes from.
    pub source: crate::source::Source,
    /// The file it was read from.
    pub origin: String,
}

/// Why a drink gives no dose (see [`DrinkMismatch`] for a mismatch).
///
/// ```
/// use lmr::protocol::{DrinkError, Protocol};
/// use lmr::sugar::Sugar;
///
/// let mut p = Protocol::default();
/// p.drink_volume = Some("1e300 L".parse()?);
/// p.solutions.set(Sugar::Mannitol, Some("1e300 mg/mL".parse()?));
/// assert!(matches!(p.dose_from_drink(), Err(DrinkError::Overflow(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DrinkError {
    /// A given dose disagrees with the drink.
    #[error(transparent)]
    Mismatch(DrinkMismatch),
    /// Volume × strength overflows.
    #[error("drink volume × solution strength: {0}")]
    Overflow(UnitError),
}

/// Doses and windows are equal when they agree to this relative tolerance (doses are nominal).
pub(crate) const SAME_AMOUNT_RELATIVE: f64 = 1e-9;

/// Whether two non-negative amounts are the same nominal amount.
pub(crate) fn same_amount(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME_AMOUNT_RELATIVE * a.abs().max(b.abs())
}

/// One way a sample's protocol differs from a named protocol (see [`NamedProtocol::gaps`]).
///
/// ```
/// use lmr::protocol::ProtocolGap;
///
/// let gap = ProtocolGap::Collection { protocol: Some("5 h".parse()?), sample: None };
/// assert_eq!(gap.to_string(), "collection not given (protocol: 5 h)");
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
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
    ///
    /// ```
    /// use lmr::protocol::{Dose, Protocol};
    /// use lmr::sugar::Sugar;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let dutch = registry.protocol("dutch-sat-hyperosmolar").expect("shipped"); // 5 g, 2 g, 40 g sucrose; 5 h
    /// let mut sample = Protocol::default();
    /// sample.doses.set(Sugar::Lactulose, Some(Dose::parse("5000 mg")?)); // the same 5 g
    /// sample.doses.set(Sugar::Mannitol, Some(Dose::parse("1 g")?));
    /// sample.collection = Some("300 min".parse()?); // the same 5 h
    /// let mut gaps = Vec::new();
    /// dutch.gaps(&sample, |g| gaps.push(g.to_string()));
    /// assert_eq!(gaps, ["mannitol dose 1 g (protocol: 2 g)", "sucrose dose not given (protocol: 40 g)"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn gaps(&self, sample: &Protocol, mut found: impl FnMut(ProtocolGap)) {
        let content = |d: &Dose, s: Sugar| d.mass.scaled(d.form.sugar_fraction(s));
        for &sugar in Sugar::ALL {
            let (p, s) = (self.doses.get(sugar), sample.doses.get(sugar));
            let same = match (p, s) {
                (Some(p), Some(s)) => same_amount(
                    p.sugar_mass(sugar).in_milligrams(),
                    s.sugar_mass(sugar).in_milligrams(),
                ),
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
#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn grams(g: f64) -> Dose {
        Dose::anhydrous(format!("{g} g").parse().unwrap())
    }

    #[test]
    fn a_dose_parses_with_and_without_its_form() {
        // 5 g anhydrous lactulose is 5000 mg of lactulose
        let d = Dose::parse("5 g").unwrap();
        assert_eq!(d.form, DoseForm::Anhydrous);
        assert_relative_eq!(
            d.sugar_mass(Sugar::Lactulose).in_milligrams(),
            5000.0,
            max_relative = 1e-12
        );
        assert_eq!(
            Dose::parse(" 1 g Anhydrous ").unwrap().form,
            DoseForm::Anhydrous
        );
        // 1 g L-rhamnose monohydrate (C6H14O6, 6×12.011 + 14×1.008 + 6×15.999 = 182.172 g/mol)
        // holds 1000 × 164.157 / 182.172 = 901.1099 mg rhamnose (C6H12O5, 164.157 g/mol)
        let m = Dose::parse("1 g monohydrate").unwrap();
        assert_eq!(m.form, DoseForm::Monohydrate);
        assert_relative_eq!(
            m.sugar_mass(Sugar::Rhamnose).in_milligrams(),
            901.1099,
            max_relative = 1e-6
        );
        assert!(Dose::parse("five grams").is_err());
        assert!(Dose::parse("").is_err());
    }

    #[test]
    fn a_sugar_map_holds_one_value_per_sugar_in_sugar_order() {
        let mut map = SugarMap::default();
        assert!(map.is_empty());
        map.set(Sugar::Mannitol, Some(2));
        map.set(Sugar::Lactulose, Some(1));
        map.set(Sugar::Mannitol, Some(3)); // replaces
        assert_eq!(map.get(Sugar::Mannitol), Some(&3));
        assert_eq!(map.get(Sugar::Rhamnose), None);
        let order: Vec<_> = map.iter().map(|(s, v)| (s, *v)).collect();
        assert_eq!(order, [(Sugar::Lactulose, 1), (Sugar::Mannitol, 3)]);
        map.set(Sugar::Lactulose, None);
        assert_eq!(map.iter().count(), 1);
        map.clear();
        assert!(map.is_empty());
    }

    #[test]
    fn sex_reads_the_usual_spellings_and_names_what_it_refuses() {
        for text in ["F", "female", " Female ", "w"] {
            assert_eq!(text.parse::<Sex>(), Ok(Sex::Female), "{text}");
        }
        for text in ["M", "male", "MALE"] {
            assert_eq!(text.parse::<Sex>(), Ok(Sex::Male), "{text}");
        }
        let e = "x".parse::<Sex>().unwrap_err();
        assert_eq!(e, UnknownSex("x".into()));
        assert_eq!(
            e.to_string(),
            "\"x\": unknown sex (expected F, M, female or male)"
        );
        assert_eq!(Sex::Female.to_string(), "female");
    }

    fn dutch() -> NamedProtocol {
        let mut doses = SugarMap::default();
        doses.set(Sugar::Lactulose, Some(grams(5.0)));
        doses.set(Sugar::Mannitol, Some(grams(2.0)));
        NamedProtocol {
            id: "p".into(),
            title: "t".into(),
            doses,
            solutions: SugarMap::default(),
            collection: Some("5 h".parse().unwrap()),
            population: None,
            source: crate::source::Source {
                citation: "c".into(),
                doi: None,
                url: None,
                quote: "q".into(),
                status: crate::source::Verification::Local,
                notes: None,
            },
            origin: "test".into(),
        }
    }

    #[test]
    fn a_named_protocol_fills_only_what_the_sample_lacks() {
        let mut p = Protocol::default();
        p.doses.set(Sugar::Lactulose, Some(grams(10.0)));
        p.age = Some("40 y".parse().unwrap());
        p.fill_from(&dutch());
        // the explicit 10 g lactulose wins; mannitol (2 g) and the 5 h window are filled
        assert_relative_eq!(
            p.doses
                .get(Sugar::Lactulose)
                .unwrap()
                .sugar_mass(Sugar::Lactulose)
                .in_milligrams(),
            10_000.0
        );
        assert_relative_eq!(
            p.doses
                .get(Sugar::Mannitol)
                .unwrap()
                .sugar_mass(Sugar::Mannitol)
                .in_milligrams(),
            2_000.0
        );
        assert_relative_eq!(p.collection.unwrap().in_hours(), 5.0);
        assert_eq!(p.age.map(Age::in_years), Some(40.0));

        let mut q = Protocol {
            collection: Some("6 h".parse().unwrap()),
            ..Protocol::default()
        };
        q.fill_from(&dutch());
        assert_relative_eq!(q.collection.unwrap().in_hours(), 6.0);

        p.clear();
        assert!(p.doses.is_empty() && p.collection.is_none() && p.age.is_none());
    }

    #[test]
    fn same_amount_allows_rounding_and_nothing_more() {
        // 5 g written as 5000 mg, or computed with rounding error, is the same nominal dose
        assert!(same_amount(5000.0, 5000.0));
        assert!(same_amount(5000.0, 5000.0 * (1.0 + 1e-12)));
        assert!(same_amount(0.0, 0.0));
        // 5.001 g is not 5 g: relative difference 2e-4 ≫ 1e-9
        assert!(!same_amount(5000.0, 5001.0));
        assert!(!same_amount(0.0, 1e-300));
    }
}
