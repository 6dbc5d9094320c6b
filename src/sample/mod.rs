//! One home for building a [`Sample`] from text: `lmr check` flags, CSV cells, sample files, the
//! Python package and `lmr serve` all read a value through the same parser ([`parse`]), so the same
//! text gives the same value, flag or error everywhere.
//!
//! Fields are named like `lmr check`'s flags with underscores: `lactulose`, `mannitol`, any other
//! sugar by its key (`rhamnose`, `sucralose`, … or `urine_<sugar>`), `volume` (or
//! `urine_volume`), `<sugar>_dose`, `<sugar>_dose_form`, `baseline_<sugar>`, `collection`, `age`,
//! `sex`, `vitamin_d`, `vitamin_d_form`, `zonulin`, `zonulin_matrix`, `hp_genotype`, `protocol`,
//! `dose_volume` and `<sugar>_solution` (a drink: dose = volume × strength), and the repeatable
//! pairs `sugar`, `dose`, `baseline`, `solution` (`SUGAR=VALUE`). An empty value, `NA` or
//! `N/A` is missing, never zero. Every rejected field is reported, not only the first.
//!
//! ```
//! use lmr::reference::Registry;
//! use lmr::sample::from_fields;
//!
//! let registry = Registry::builtin()?;
//! let sample = from_fields(
//!     [("lactulose", "20 mg/L"), ("volume", "1.2 L"), ("lactulose_dose", "5 g"),
//!      ("vitamin_d", "<10 ng/mL"), ("age", "18 months")],
//!     &registry,
//! )?;
//! assert_eq!(sample.protocol.age.map(|a| a.in_years()), Some(1.5)); // 18 / 12
//! assert!(sample.below_limit.vitamin_d);
//!
//! let errors = from_fields(
//!     [("lactulose", "12,5 mg/L"), ("zonulin", "46 ng/mL"), ("vitamin_d", "20 ng/mL")],
//!     &registry,
//! ).unwrap_err();
//! let rejected: Vec<_> = errors.iter().map(|e| (e.field(), e.value())).collect();
//! assert_eq!(rejected, [("lactulose", "12,5 mg/L"), ("zonulin", "46 ng/mL")]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod check;
pub mod number;
pub mod parse;

use std::fmt;

pub use check::{check_json, check_value, CheckError, CheckOptions};
pub use parse::{AgeUnit, Problem, Reading};

use crate::interpretation::Sample;
use crate::reference::Registry;
use crate::sugar::Sugar;

/// One rejected field: its canonical name, the value as given, and what is wrong.
///
/// ```
/// use lmr::sample::{FieldError, Problem};
/// let e = FieldError::new("volume", "-5 mL", Problem::Negative);
/// assert_eq!(e.to_string(), r#"volume "-5 mL": must not be negative"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    field: String,
    value: String,
    problem: Problem,
}

impl FieldError {
    /// A rejected field.
    ///
    /// ```
    /// use lmr::sample::{FieldError, Problem};
    /// let e = FieldError::new("lactulose_dose", "0 g", Problem::ZeroDose);
    /// assert_eq!(e.to_string(), r#"lactulose_dose "0 g": a dose must be greater than zero"#);
    /// ```
    pub fn new(field: impl Into<String>, value: impl Into<String>, problem: Problem) -> Self {
        FieldError {
            field: field.into(),
            value: value.into(),
            problem,
        }
    }

    /// The field's canonical name (`lactulose`, `zonulin_matrix`, `sugar`).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let errors = lmr::sample::from_fields([("urine_volume", "-1 L")], &registry).unwrap_err();
    /// assert_eq!(errors.iter().next().unwrap().field(), "volume"); // the canonical name
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The value as given.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let errors = lmr::sample::from_fields([("age", " forty ")], &registry).unwrap_err();
    /// assert_eq!(errors.iter().next().unwrap().value(), " forty "); // as given, untrimmed
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn value(&self) -> &str {
        &self.value
    }

    /// What is wrong.
    ///
    /// ```
    /// use lmr::sample::{from_fields, Problem};
    /// let registry = lmr::Registry::builtin()?;
    /// let errors = from_fields([("sex", "F"), ("sex", "M")], &registry).unwrap_err();
    /// assert_eq!(errors.iter().next().unwrap().problem(), &Problem::Repeated);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The rejection said in `lmr check`'s flags (the words `lmr check` and `lmr serve` use).
    ///
    /// ```
    /// use lmr::sample::from_fields;
    /// let registry = lmr::reference::Registry::builtin()?;
    /// let errors = from_fields([("volume", "-5 mL")], &registry).unwrap_err();
    /// let e = errors.iter().next().unwrap();
    /// assert!(e.in_flags().starts_with("--volume \"-5 mL\": "));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_flags(&self) -> String {
        let (f, v) = (flag(&self.field), &self.value);
        match &self.problem {
            Problem::Without { without } => format!("{f} given without {}", flag(without)),
            Problem::NeedsInput { what, add } => {
                let add = match add.as_str() {
                    "dose" => format!("--dose {v}=MASS (or --protocol)"),
                    "volume" => "--volume".to_string(),
                    a => format!("{} (or --protocol)", flag(a)),
                };
                format!("{f} {v:?}: a recovery needs the {what}: add {add}")
            }
            p @ Problem::MissingMatrix => {
                format!("{f} {v:?}: {p}; add --zonulin-matrix serum or --zonulin-matrix stool")
            }
            p => format!("{f} {v:?}: {p}"),
        }
    }
}

/// The flag a field comes from (`lactulose_dose` → `--lactulose-dose`); fields of a sample file
/// (`fraction[0]`) keep their name.
///
/// ```
/// assert_eq!(lmr::sample::flag("lactulose_dose"), "--lactulose-dose");
/// assert_eq!(lmr::sample::flag("fraction[0]"), "fraction[0]");
/// ```
pub fn flag(field: &str) -> String {
    if field.contains('[') {
        field.to_string()
    } else {
        format!("--{}", field.replace('_', "-"))
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}: {}", self.field, self.value, self.problem)
    }
}

impl std::error::Error for FieldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.problem)
    }
}

/// Every rejected field of one sample, in the order the fields are read. Never empty.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let errors = lmr::sample::from_fields([("volume", "-1 L"), ("sex", "x")], &registry).unwrap_err();
/// assert!(errors.to_string().starts_with(r#"volume "-1 L": must not be negative; sex "x": "#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SampleErrors(Vec<FieldError>);

impl SampleErrors {
    /// The rejected fields.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let fields = [("lactulose", "x"), ("age", "35"), ("hp_genotype", "3-3")];
    /// let errors = lmr::sample::from_fields(fields, &registry).unwrap_err();
    /// let names: Vec<_> = errors.iter().map(|e| e.field()).collect();
    /// assert_eq!(names, ["lactulose", "hp_genotype"]); // every rejected field, `age` is fine
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }

    /// How many fields were rejected.
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let errors = lmr::sample::from_fields([("colour", "red"), ("volume", "1 gallon")], &registry).unwrap_err();
    /// assert_eq!(errors.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false (a `SampleErrors` lists at least one field); for API symmetry.
    ///
    /// ```
    /// let e = lmr::sample::FieldError::new("sex", "x", lmr::sample::Problem::Repeated);
    /// assert!(!lmr::sample::SampleErrors::from(e).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Err` with `errors` when there are any.
    pub(crate) fn check(errors: Vec<FieldError>) -> Result<(), SampleErrors> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(SampleErrors(errors))
        }
    }
}

impl From<FieldError> for SampleErrors {
    fn from(e: FieldError) -> Self {
        SampleErrors(vec![e])
    }
}

impl<'a> IntoIterator for &'a SampleErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for SampleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_joined(f, &self.0)
    }
}

/// Writes `items` separated by `; `: how a list of rejected fields reads in one message.
pub(crate) fn write_joined<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{e}")?;
    }
    Ok(())
}

impl std::error::Error for SampleErrors {}

/// The field names [`from_fields`] knows, for messages.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let e = lmr::sample::from_fields([("colour", "red")], &registry).unwrap_err();
/// assert!(e.to_string().ends_with(&format!("(expected one of {})", lmr::sample::FIELD_NAMES)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const FIELD_NAMES: &str = "lactulose, mannitol, <sugar> (or urine_<sugar>), volume (or urine_volume), <sugar>_dose, <sugar>_dose_form, dose_volume, <sugar>_solution, baseline_<sugar>, collection, age, sex, vitamin_d, vitamin_d_form, zonulin, zonulin_matrix, hp_genotype, protocol, pretest_nsaid, pretest_alcohol, pretest_laxative, pretest_steroid, recent_diarrhoea, glycosuria, egfr, sugar, dose, baseline, solution";

/// What a field name means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Name {
    Urine(Sugar),
    Baseline(Sugar),
    Dose(Sugar),
    DoseForm(Sugar),
    Solution(Sugar),
    DoseVolume,
    Volume,
    Collection,
    Age,
    Sex,
    VitaminD,
    VitaminDForm,
    Zonulin,
    ZonulinMatrix,
    HpGenotype,
    Protocol,
    /// A yes/no pre-test condition (`pretest_nsaid`, …, `glycosuria`).
    Pretest(PretestField),
    Egfr,
    UrinePair,
    DosePair,
    BaselinePair,
    SolutionPair,
}

impl Name {
    /// Reads a field name (`urine_` prefixes and `-` for `_` accepted).
    fn lookup(name: &str) -> Option<Name> {
        let key = name.trim().replace('-', "_").to_ascii_lowercase();
        let sugar = |k: &str| k.parse::<Sugar>().ok().filter(|s| s.key() == k);
        Some(match key.as_str() {
            "volume" | "urine_volume" => Name::Volume,
            "dose_volume" => Name::DoseVolume,
            "collection" => Name::Collection,
            "age" => Name::Age,
            "sex" => Name::Sex,
            "vitamin_d" => Name::VitaminD,
            "vitamin_d_form" => Name::VitaminDForm,
            "zonulin" => Name::Zonulin,
            "zonulin_matrix" => Name::ZonulinMatrix,
            "hp_genotype" => Name::HpGenotype,
            "protocol" => Name::Protocol,
            "egfr" => Name::Egfr,
            "sugar" => Name::UrinePair,
            "dose" => Name::DosePair,
            "baseline" => Name::BaselinePair,
            k if PretestField::lookup(k).is_some() => Name::Pretest(PretestField::lookup(k)?),
            "solution" => Name::SolutionPair,
            k => {
                if let Some(s) = k.strip_prefix("urine_").and_then(sugar) {
                    Name::Urine(s)
                } else if let Some(s) = k.strip_prefix("baseline_").and_then(sugar) {
                    Name::Baseline(s)
                } else if let Some(s) = k.strip_suffix("_solution").and_then(sugar) {
                    Name::Solution(s)
                } else if let Some(s) = k.strip_suffix("_dose_form").and_then(sugar) {
                    Name::DoseForm(s)
                } else if let Some(s) = k.strip_suffix("_dose").and_then(sugar) {
                    Name::Dose(s)
                } else {
                    Name::Urine(sugar(k)?)
                }
            }
        })
    }

    /// The canonical name.
    fn canonical(self) -> String {
        match self {
            Name::Urine(s) => s.key().to_string(),
            Name::Baseline(s) => format!("baseline_{}", s.key()),
            Name::Dose(s) => format!("{}_dose", s.key()),
            Name::DoseForm(s) => format!("{}_dose_form", s.key()),
            Name::Solution(s) => format!("{}_solution", s.key()),
            Name::DoseVolume => "dose_volume".into(),
            Name::Volume => "volume".into(),
            Name::Collection => "collection".into(),
            Name::Age => "age".into(),
            Name::Sex => "sex".into(),
            Name::VitaminD => "vitamin_d".into(),
            Name::VitaminDForm => "vitamin_d_form".into(),
            Name::Zonulin => "zonulin".into(),
            Name::ZonulinMatrix => "zonulin_matrix".into(),
            Name::HpGenotype => "hp_genotype".into(),
            Name::Protocol => "protocol".into(),
            Name::Pretest(p) => p.name().into(),
            Name::Egfr => "egfr".into(),
            Name::UrinePair => "sugar".into(),
            Name::DosePair => "dose".into(),
            Name::BaselinePair => "baseline".into(),
            Name::SolutionPair => "solution".into(),
        }
    }

    fn repeatable(self) -> bool {
        matches!(
            self,
            Name::UrinePair | Name::DosePair | Name::BaselinePair | Name::SolutionPair
        )
    }

    /// The pair forms stand for the single fields of their sugar.
    fn of_pair(self, sugar: Sugar) -> Name {
        match self {
            Name::UrinePair => Name::Urine(sugar),
            Name::DosePair => Name::Dose(sugar),
            Name::BaselinePair => Name::Baseline(sugar),
            Name::SolutionPair => Name::Solution(sugar),
            other => other,
        }
    }
}

/// The yes/no pre-test fields, each raising the flag of the same name when `yes`.
///
/// ```
/// use lmr::sample::{from_fields, PretestField};
/// let registry = lmr::Registry::builtin()?;
/// let sample = from_fields([("pretest_alcohol", "no"), ("glycosuria", "yes")], &registry)?;
/// assert_eq!(PretestField::Alcohol.get(&sample.pretest), Some(false));
/// assert_eq!(PretestField::Glycosuria.get(&sample.pretest), Some(true));
/// assert_eq!(PretestField::Steroid.get(&sample.pretest), None); // not recorded
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PretestField {
    /// `pretest_nsaid`: NSAIDs or aspirin before the test.
    Nsaid,
    /// `pretest_alcohol`.
    Alcohol,
    /// `pretest_laxative`.
    Laxative,
    /// `pretest_steroid`: oral corticosteroids.
    Steroid,
    /// `recent_diarrhoea`.
    RecentDiarrhoea,
    /// `glycosuria`.
    Glycosuria,
}

impl PretestField {
    /// Every yes/no pre-test field.
    ///
    /// ```
    /// use lmr::sample::PretestField;
    /// let names: Vec<_> = PretestField::ALL.iter().map(|f| f.name()).collect();
    /// assert_eq!(names.len(), 6);
    /// assert!(names.iter().all(|n| lmr::batch::Field::from_name(n).is_some())); // each is a column too
    /// ```
    pub const ALL: [PretestField; 6] = [
        PretestField::Nsaid,
        PretestField::Alcohol,
        PretestField::Laxative,
        PretestField::Steroid,
        PretestField::RecentDiarrhoea,
        PretestField::Glycosuria,
    ];

    /// The field's name (as a column, a sample-file key, and `lmr check --pretest-nsaid` etc.).
    ///
    /// ```
    /// use lmr::sample::PretestField;
    /// assert_eq!(PretestField::Nsaid.name(), "pretest_nsaid");
    /// assert_eq!(PretestField::RecentDiarrhoea.name(), "recent_diarrhoea");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            PretestField::Nsaid => "pretest_nsaid",
            PretestField::Alcohol => "pretest_alcohol",
            PretestField::Laxative => "pretest_laxative",
            PretestField::Steroid => "pretest_steroid",
            PretestField::RecentDiarrhoea => "recent_diarrhoea",
            PretestField::Glycosuria => "glycosuria",
        }
    }

    fn lookup(key: &str) -> Option<PretestField> {
        PretestField::ALL.into_iter().find(|f| f.name() == key)
    }

    /// The answer a sample holds (`None`: not recorded).
    ///
    /// ```
    /// use lmr::sample::PretestField;
    /// let mut pretest = lmr::interpretation::Pretest::default();
    /// pretest.laxative = Some(true);
    /// assert_eq!(PretestField::Laxative.get(&pretest), Some(true));
    /// assert_eq!(PretestField::Nsaid.get(&pretest), None);
    /// ```
    pub fn get(self, p: &crate::interpretation::Pretest) -> Option<bool> {
        let mut copy = *p;
        *self.slot(&mut copy)
    }

    /// Where the answer is kept in a sample.
    ///
    /// ```
    /// use lmr::sample::PretestField;
    /// let mut pretest = lmr::interpretation::Pretest::default();
    /// *PretestField::Steroid.slot(&mut pretest) = Some(false);
    /// assert_eq!(pretest.steroid, Some(false));
    /// ```
    pub fn slot(self, p: &mut crate::interpretation::Pretest) -> &mut Option<bool> {
        match self {
            PretestField::Nsaid => &mut p.nsaid,
            PretestField::Alcohol => &mut p.alcohol,
            PretestField::Laxative => &mut p.laxative,
            PretestField::Steroid => &mut p.steroid,
            PretestField::RecentDiarrhoea => &mut p.recent_diarrhoea,
            PretestField::Glycosuria => &mut p.glycosuria,
        }
    }
}

/// One given field, resolved: what it means, its canonical name, its text.
struct Given {
    name: Name,
    field: String,
    value: String,
    /// The value part of a `SUGAR=VALUE` pair (the whole value otherwise).
    text: String,
}

/// Builds a sample from `(name, text)` fields (see the module docs for the names).
///
/// # Errors
/// [`SampleErrors`] listing every rejected field: unknown or repeated names, values that do not
/// parse, an unknown protocol.
///
/// ```
/// use lmr::sample::from_fields;
/// let registry = lmr::Registry::builtin()?;
/// let sample = from_fields([("protocol", "dutch-sat-hyperosmolar"), ("volume", "NA")], &registry)?;
/// assert!(sample.urine_volume.is_none()); // NA is missing, never zero
/// let dose = sample.protocol.doses.get(lmr::Sugar::Mannitol).unwrap();
/// assert_eq!(dose.mass.in_grams(), 2.0); // the protocol's 2 g mannitol
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_fields<I, N, V>(fields: I, registry: &Registry) -> Result<Sample, SampleErrors>
where
    I: IntoIterator<Item = (N, V)>,
    N: AsRef<str>,
    V: AsRef<str>,
{
    let mut sample = Sample::default();
    apply_fields(&mut sample, fields, registry)?;
    Ok(sample)
}

/// Sets the given fields on `sample` (fields given win over what it holds, e.g. from a sample
/// file); `protocol` fills only the doses and window still missing.
///
/// # Errors
/// As [`from_fields`]; `sample` may then be partly updated.
///
/// ```
/// use lmr::sample::{apply_fields, from_fields};
/// let registry = lmr::Registry::builtin()?;
/// let mut sample = from_fields([("volume", "1 L"), ("sex", "F")], &registry)?;
/// apply_fields(&mut sample, [("volume", "1500 mL")], &registry)?;
/// assert_eq!(sample.urine_volume.map(|v| v.in_litres()), Some(1.5)); // the field given wins
/// assert_eq!(sample.protocol.sex, Some(lmr::Sex::Female)); // the rest is kept
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn apply_fields<I, N, V>(
    sample: &mut Sample,
    fields: I,
    registry: &Registry,
) -> Result<(), SampleErrors>
where
    I: IntoIterator<Item = (N, V)>,
    N: AsRef<str>,
    V: AsRef<str>,
{
    let mut errors = Vec::new();
    let mut given: Vec<Given> = Vec::new();
    for (name, value) in fields {
        let (name, value) = (name.as_ref(), value.as_ref());
        let Some(n) = Name::lookup(name) else {
            errors.push(FieldError::new(
                name,
                value,
                Problem::UnknownField {
                    expected: FIELD_NAMES,
                },
            ));
            continue;
        };
        if parse::is_missing(value) {
            continue;
        }
        let field = n.canonical();
        let (n, text) = if n.repeatable() {
            match pair(value) {
                Ok((sugar, text)) => (n.of_pair(sugar), text.to_string()),
                Err(p) => {
                    errors.push(FieldError::new(field, value, p));
                    continue;
                }
            }
        } else {
            (n, value.trim().to_string())
        };
        if given.iter().any(|g| g.name == n) {
            errors.push(FieldError::new(field, value, Problem::Repeated));
            continue;
        }
        given.push(Given {
            name: n,
            field,
            value: value.to_string(),
            text,
        });
    }
    read(sample, &given, registry, &mut errors);
    SampleErrors::check(errors)
}

/// The canonical name of a field name (`urine_volume` → `volume`, `urine_lactulose` →
/// `lactulose`), as [`FieldError::field`] reports it; `None` for a name that is not a field.
pub(crate) fn canonical_field(name: &str) -> Option<String> {
    Name::lookup(name).map(Name::canonical)
}

/// Splits `rhamnose="20 mg/dL"` into the sugar and the value.
fn pair(value: &str) -> Result<(Sugar, &str), Problem> {
    let (name, text) = value.split_once('=').ok_or(Problem::NotAPair)?;
    let sugar = name.parse::<Sugar>().map_err(|_| Problem::UnknownSugar {
        name: name.trim().to_string(),
        expected: SUGAR_NAMES,
    })?;
    Ok((sugar, text.trim().trim_matches('"')))
}

/// The sugar names, for messages.
///
/// ```
/// use lmr::sample::SUGAR_NAMES;
/// assert_eq!(SUGAR_NAMES.split(", ").count(), lmr::Sugar::ALL.len());
/// assert!(SUGAR_NAMES.split(", ").all(|s| s.parse::<lmr::Sugar>().is_ok()));
/// ```
pub const SUGAR_NAMES: &str = "lactulose, mannitol, rhamnose, sucrose, sucralose, erythritol, mannitol_13c1, mannitol_13c6, xylose, methylglucose";

/// Reads the resolved fields into `s`, in dependency order (a dose form after the doses and the
/// protocol; a vitamin D value after its form; zonulin after its matrix).
fn read(s: &mut Sample, given: &[Given], registry: &Registry, errors: &mut Vec<FieldError>) {
    let find = |n: Name| given.iter().find(|g| g.name == n);
    let mut take = |g: &Given, p: Problem| errors.push(FieldError::new(&g.field, &g.value, p));
    for g in given {
        match g.name {
            Name::Urine(sugar) => match parse::concentration(&g.text, None) {
                Ok(r) => s.urine.set(sugar, Some(r)),
                Err(p) => take(g, p),
            },
            Name::Baseline(sugar) => match parse::concentration(&g.text, None) {
                Ok(r) => s.baseline.set(sugar, Some(r)),
                Err(p) => take(g, p),
            },
            Name::Volume => match parse::volume(&g.text, None) {
                Ok(v) => s.urine_volume = Some(v),
                Err(p) => take(g, p),
            },
            Name::Dose(sugar) => match parse::dose(&g.text, None) {
                Ok(d) => s.protocol.doses.set(sugar, Some(d)),
                Err(p) => take(g, p),
            },
            Name::Solution(sugar) => match parse::solution(&g.text, None) {
                Ok(x) => s.protocol.solutions.set(sugar, Some(x)),
                Err(p) => take(g, p),
            },
            Name::DoseVolume => match parse::dose_volume(&g.text, None) {
                Ok(v) => s.protocol.drink_volume = Some(v),
                Err(p) => take(g, p),
            },
            Name::Collection => match parse::collection(&g.text, None) {
                Ok(d) => s.protocol.collection = Some(d),
                Err(p) => take(g, p),
            },
            Name::Age => match parse::age(&g.text, None) {
                Ok(a) => s.protocol.age = Some(a),
                Err(p) => take(g, p),
            },
            Name::Sex => match parse::sex(&g.text) {
                Ok(x) => s.protocol.sex = Some(x),
                Err(p) => take(g, p),
            },
            Name::HpGenotype => match parse::hp_genotype(&g.text) {
                Ok(x) => s.hp_genotype = Some(x),
                Err(p) => take(g, p),
            },
            Name::Pretest(field) => match parse::yes_no(&g.text) {
                Ok(x) => *field.slot(&mut s.pretest) = Some(x),
                Err(p) => take(g, p),
            },
            Name::Egfr => match parse::egfr(&g.text) {
                Ok(x) => s.pretest.egfr = Some(x),
                Err(p) => take(g, p),
            },
            _ => {}
        }
    }
    if let Some(g) = find(Name::Protocol) {
        match parse::protocol(&g.text, registry) {
            Ok(p) => s.protocol.fill_from(p),
            Err(p) => take(g, p),
        }
    }
    if let Err(e) = s.protocol.dose_from_drink() {
        let field = match &e {
            crate::protocol::DrinkError::Mismatch(m) => {
                // neither the dose nor the drink is known to be right
                s.protocol.doses.set(m.sugar, None);
                format!("{}_dose", m.sugar.key())
            }
            _ => "dose_volume".to_string(),
        };
        match given.iter().find(|g| g.field == field) {
            Some(g) => take(g, Problem::Drink(e)),
            None => take(
                &Given {
                    name: Name::DoseVolume,
                    field,
                    value: String::new(),
                    text: String::new(),
                },
                Problem::Drink(e),
            ),
        }
    }
    // The weighed form applies to the dose, whether given or from the protocol.
    for g in given {
        if let Name::DoseForm(sugar) = g.name {
            match parse::dose_form(&g.text) {
                Ok(form) => {
                    if let Some(d) = s.protocol.doses.slot_mut(sugar) {
                        d.form = form;
                    }
                }
                Err(p) => take(g, p),
            }
        }
    }
    let form = match find(Name::VitaminDForm).map(|g| (g, parse::vitamin_d_form(&g.text))) {
        Some((_, Ok(f))) => Some(f),
        Some((g, Err(p))) => {
            take(g, p);
            None
        }
        None => Some(Default::default()),
    };
    if let (Some(g), Some(form)) = (find(Name::VitaminD), form) {
        match parse::vitamin_d(&g.text, None, form) {
            Ok(Reading::Value(v)) => s.vitamin_d = Some(v),
            Ok(Reading::BelowLimit(limit)) => {
                s.below_limit.vitamin_d = true;
                s.below_limit.vitamin_d_limit = limit;
            }
            Err(p) => take(g, p),
        }
    }
    let matrix = match find(Name::ZonulinMatrix).map(|g| (g, parse::zonulin_matrix(&g.text))) {
        Some((_, Ok(m))) => Ok(Some(m)),
        Some((g, Err(p))) => {
            take(g, p);
            Err(())
        }
        None => Ok(None),
    };
    if let (Some(g), Ok(matrix)) = (find(Name::Zonulin), matrix) {
        match parse::zonulin(&g.text, None, matrix) {
            Ok(Reading::Value(z)) => s.zonulin = Some(z),
            Ok(Reading::BelowLimit(_)) => s.below_limit.zonulin = true,
            Err(p) => take(g, p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recovery::UrineResult;

    fn registry() -> Registry {
        Registry::builtin().unwrap()
    }

    #[test]
    fn every_rejected_field_is_listed() {
        let e = from_fields(
            [
                ("lactulose", "12,5 mg/L"),
                ("volume", "-5 mL"),
                ("age", "old"),
                ("colour", "red"),
                ("sex", "F"),
            ],
            &registry(),
        )
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(FieldError::field).collect();
        assert_eq!(fields, ["colour", "lactulose", "volume", "age"]);
        assert_eq!(
            e.iter().nth(1).unwrap().problem(),
            &Problem::DecimalComma {
                suggestion: "12.5 mg/L".into()
            }
        );
    }

    #[test]
    fn pairs_aliases_and_repeats() {
        let s = from_fields(
            [
                ("sugar", "rhamnose=\"20 mg/dL\""),
                ("urine_mannitol", "150 mg/L"),
                ("dose", "rhamnose=1 g monohydrate"),
                ("urine_volume", "1 L"),
            ],
            &registry(),
        )
        .unwrap();
        assert!(matches!(
            s.urine.get(Sugar::Rhamnose),
            Some(UrineResult::Measured(_))
        ));
        assert!(s.urine.get(Sugar::Mannitol).is_some());
        assert!(s.protocol.doses.get(Sugar::Rhamnose).is_some());
        let e = from_fields(
            [("lactulose", "1 mg/L"), ("urine_lactulose", "2 mg/L")],
            &registry(),
        )
        .unwrap_err();
        assert_eq!(e.iter().next().unwrap().problem(), &Problem::Repeated);
    }

    #[test]
    fn pretest_fields_through_the_sample_layer() {
        let s = from_fields(
            [
                ("pretest_nsaid", "yes"),
                ("glycosuria", "No"),
                ("egfr", "55"),
            ],
            &registry(),
        )
        .unwrap();
        assert_eq!(s.pretest.nsaid, Some(true));
        assert_eq!(s.pretest.glycosuria, Some(false));
        assert_eq!(s.pretest.egfr.map(|e| e.value()), Some(55.0));
        assert_eq!(s.pretest.alcohol, None);
        let e = from_fields(
            [("pretest_steroid", "sometimes"), ("egfr", "-3")],
            &registry(),
        )
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(FieldError::field).collect();
        assert_eq!(fields, ["pretest_steroid", "egfr"]);
    }

    #[test]
    fn protocol_then_dose_form() {
        // the protocol's doses fill in; a missing (NA) value is not an error
        let s = from_fields(
            [("protocol", "dutch-sat-hyperosmolar"), ("age", "NA")],
            &registry(),
        )
        .unwrap();
        assert!(s.protocol.doses.get(Sugar::Lactulose).is_some());
        assert!(s.protocol.age.is_none());
    }
}
