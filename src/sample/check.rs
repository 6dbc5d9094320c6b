//! One sample checked: fields and range options in, the document `lmr check --format json`
//! prints out. `lmr check`, the Python `lmr.check` and `lmr serve`'s `POST /api/check` share it,
//! so they agree byte for byte.
//!
//! ```
//! use lmr::reference::Registry;
//! use lmr::sample::{check_json, CheckOptions};
//!
//! let registry = Registry::builtin()?;
//! let doc = check_json(
//!     [("lactulose", "20 mg/L"), ("mannitol", "150 mg/L"), ("volume", "1.2 L"),
//!      ("lactulose_dose", "5 g"), ("mannitol_dose", "1 g")],
//!     &registry,
//!     &CheckOptions::default(),
//! )?;
//! let v: serde_json::Value = serde_json::from_str(&doc)?;
//! // 20 mg/L × 1.2 L = 24 mg of 5000 mg = 0.48 %; 150 × 1.2 = 180 mg of 1000 mg = 18 %
//! approx::assert_relative_eq!(v["lm_ratio"].as_f64().unwrap(), 0.48 / 18.0, max_relative = 1e-9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde_json::Value;

use super::{apply_fields, FieldError, Problem, SampleErrors};
use crate::interpretation::{
    ConfigError, InterpretError, Interpretation, Interpreter, Options, RangeSetup, Sample,
};
use crate::reference::{Registry, ZscoreReferenceError};
use crate::sugar::Sugar;
use crate::zscore::{AmbiguousTables, ZscoreSelection};

/// The range options of a check (`lmr check`'s `--lm-range`, `--vitamin-d-scheme`,
/// `--zonulin-range`, `--lr-range`, `--subtract-baseline`, `--zscore-reference`).
///
/// ```
/// use lmr::sample::{check_value, CheckError, CheckOptions};
/// let registry = lmr::Registry::builtin()?;
/// let options = CheckOptions { zscore_reference: vec!["no-such-table".into()], ..CheckOptions::default() };
/// let e = check_value([("vitamin_d", "50 nmol/L")], &registry, &options).unwrap_err();
/// assert!(matches!(e, CheckError::Zscore { ref spec, .. } if spec == "no-such-table"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Which ranges classify.
    pub ranges: Options,
    /// Z-score tables by id or file (`--zscore-reference`).
    pub zscore_reference: Vec<String>,
}

/// Why a check gives no document.
///
/// ```
/// use lmr::sample::{check_value, CheckError, CheckOptions};
/// let registry = lmr::Registry::builtin()?;
/// let e = check_value([("age", "40"), ("sex", "F")], &registry, &CheckOptions::default()).unwrap_err();
/// assert!(matches!(e, CheckError::Nothing)); // covariates, but no analyte
/// let e = check_value([("vitamin_d", "fifty")], &registry, &CheckOptions::default()).unwrap_err();
/// assert!(matches!(e, CheckError::Fields(_)) && e.to_string().starts_with(r#"vitamin_d "fifty": "#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// Rejected fields (each names the field and the value).
    #[error(transparent)]
    Fields(#[from] SampleErrors),
    /// A range option that cannot be used.
    #[error(transparent)]
    Range(#[from] ConfigError),
    /// A z-score table that cannot be used (`spec` is the id or file given).
    #[error("{}: {source}", crate::files::Quoted(.spec))]
    Zscore {
        /// The id or file given.
        spec: String,
        /// Why.
        source: ZscoreReferenceError,
    },
    /// The tables selected cannot be used together.
    #[error("{0}")]
    ZscoreSelection(AmbiguousTables),
    /// The sample cannot be interpreted with the chosen ranges (e.g. a zonulin range for the
    /// other matrix).
    #[error(transparent)]
    Interpret(#[from] InterpretError),
    /// The zonulin range chosen (`--zonulin-range`) is for another matrix or unit than the
    /// zonulin given.
    #[error("--zonulin-range {}: {error}", crate::files::Quoted(.id))]
    ZonulinRange {
        /// The range's id.
        id: String,
        /// Why it cannot be used.
        error: Box<InterpretError>,
    },
    /// No analyte was given.
    #[error("nothing to interpret: give urine sugars (lactulose, mannitol with volume and doses), vitamin_d or zonulin")]
    Nothing,
}

/// The fields one sample is given by, in the order `lmr check --help` lists them, with what a
/// value looks like: each is a field name of [`super::from_fields`] with `-` for `_` (`lmr
/// check`'s flag); the `SUGAR=…` ones may be given more than once.
///
/// ```
/// use lmr::sample::check::FIELDS;
/// assert_eq!(FIELDS[0], ("lactulose", "CONC"));
/// assert_eq!(FIELDS.iter().filter(|(_, value)| value.starts_with("SUGAR=")).count(), 4);
/// ```
pub const FIELDS: [(&str, &str); 25] = [
    ("lactulose", "CONC"),
    ("mannitol", "CONC"),
    ("volume", "VOLUME"),
    ("lactulose-dose", "MASS"),
    ("mannitol-dose", "MASS"),
    ("collection", "DURATION"),
    ("age", "YEARS"),
    ("sex", "F|M"),
    ("vitamin-d", "CONC"),
    ("vitamin-d-form", "total|d3|d2"),
    ("zonulin", "VALUE"),
    ("zonulin-matrix", "serum|stool"),
    ("hp-genotype", "1-1|2-1|2-2"),
    ("pretest-nsaid", "yes|no"),
    ("pretest-alcohol", "yes|no"),
    ("pretest-laxative", "yes|no"),
    ("pretest-steroid", "yes|no"),
    ("recent-diarrhoea", "yes|no"),
    ("glycosuria", "yes|no"),
    ("egfr", "mL/min/1.73 m²"),
    ("sugar", "SUGAR=CONC"),
    ("dose", "SUGAR=MASS"),
    ("dose-volume", "VOLUME"),
    ("solution", "SUGAR=STRENGTH"),
    ("baseline", "SUGAR=CONC"),
];

/// The fields of one sample as given, `(name, value)` in the order of [`FIELDS`] (names with
/// `_`, as [`super::from_fields`] reads them). With the `cli` feature these are `lmr check`'s
/// sample flags (their help is in docs/cli.md).
///
/// ```
/// use lmr::sample::check::Fields;
/// let fields = Fields(vec![("vitamin_d".into(), "20 ng/mL".into())]);
/// let sample = lmr::sample::from_fields(fields.0, &lmr::Registry::builtin()?)?;
/// assert!(sample.vitamin_d.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(String, String)>);

#[cfg(feature = "cli")]
impl clap::FromArgMatches for Fields {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let given = FIELDS.iter().flat_map(|&(flag, _)| {
            let values = m.get_many::<String>(flag).into_iter().flatten();
            values.map(move |v| (flag.replace('-', "_"), v.clone()))
        });
        Ok(Fields(given.collect()))
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

// Each field is a flag taking its value as text (the sample layer reads it, so a rejected value
// names the field); the `SUGAR=…` flags may be repeated.
#[cfg(feature = "cli")]
impl clap::Args for Fields {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        FIELDS.iter().fold(cmd, |cmd, &(flag, value)| {
            let action = match value.starts_with("SUGAR=") {
                true => clap::ArgAction::Append,
                false => clap::ArgAction::Set,
            };
            let arg = clap::Arg::new(flag)
                .long(flag)
                .value_name(value)
                .action(action);
            cmd.arg(arg.allow_hyphen_values(true))
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// The sample a check interprets: the fields `given` (names as in [`super::from_fields`]) over
/// `base` (a sample file's fields, or [`Sample::default`]), then [`require`]d. Rejected fields
/// are listed in the order given, `solution` last; `zonulin_range` says whether a zonulin range
/// was chosen.
///
/// # Errors
/// [`CheckError::Fields`] (every rejected field) or [`CheckError::Nothing`].
///
/// ```
/// use lmr::sample::check::{sample, CheckError};
/// use lmr::Sample;
///
/// let registry = lmr::Registry::builtin()?;
/// let s = sample(Sample::default(), &[("vitamin_d", "20 ng/mL")], &registry, false)?;
/// let nmol_l = s.vitamin_d.map(|v| v.in_nmol_per_l()).unwrap_or_default();
/// assert!((nmol_l - 49.92).abs() < 0.01); // 20 ng/mL × 1000 ÷ 400.64 g/mol = 49.92 nmol/L
/// let none: [(&str, &str); 0] = [];
/// assert!(matches!(sample(Sample::default(), &none, &registry, false), Err(CheckError::Nothing)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sample<N: AsRef<str>, V: AsRef<str>>(
    mut base: Sample,
    given: &[(N, V)],
    registry: &Registry,
    zonulin_range: bool,
) -> Result<Sample, CheckError> {
    let mut fields: Vec<(&str, &str)> = given
        .iter()
        .map(|(n, v)| (n.as_ref(), v.as_ref()))
        .collect();
    fields.sort_by_key(|(name, _)| *name == "solution");
    apply_fields(&mut base, fields, registry)?;
    require(&base, given, zonulin_range)?;
    Ok(base)
}

/// `lmr check`: the `fields` given (and the protocol `setup` names) over `base` (a sample file's,
/// or [`Sample::default`]), interpreted with the ranges of `setup` and rendered in `format`.
///
/// # Errors
/// As [`sample`] and [`render`]; a zonulin range for another matrix is
/// [`CheckError::ZonulinRange`].
///
/// ```
/// use lmr::interpretation::RangeSetup;
/// use lmr::sample::check::{run, Fields, Format};
///
/// let setup = RangeSetup::default();
/// let fields = Fields(vec![("vitamin_d".into(), "50 nmol/L".into())]);
/// let json = run(Default::default(), &fields, &setup, &setup.registry(|_| {})?, Format::Json)?;
/// let v: serde_json::Value = serde_json::from_str(&json)?;
/// assert_eq!(v["vitamin_d_nmol_l"], 50.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(
    base: Sample,
    fields: &Fields,
    setup: &RangeSetup,
    registry: &Registry,
    format: Format,
) -> Result<String, CheckError> {
    let protocol = setup
        .protocol
        .iter()
        .map(|p| ("protocol".to_string(), p.clone()));
    let given: Vec<_> = fields.0.iter().cloned().chain(protocol).collect();
    let zonulin_range = setup.choice.zonulin_range.as_deref();
    let options = CheckOptions {
        ranges: setup.choice.clone(),
        zscore_reference: setup.zscore_reference.clone(),
    };
    let checked = sample(base, &given, registry, zonulin_range.is_some());
    let text = checked.and_then(|s| render(&s, registry, &options, format));
    text.map_err(|e| match (e, zonulin_range) {
        (CheckError::Interpret(error @ InterpretError::Zonulin(_)), Some(id)) => {
            let (id, error) = (id.to_string(), Box::new(error));
            CheckError::ZonulinRange { id, error }
        }
        (e, _) => e,
    })
}

/// Refuses a sample that a check cannot usefully interpret: a urine result without what its
/// recovery needs, a fraction without volume or dose, a zonulin option without zonulin, or no
/// analyte at all. `given` are the fields as given (names as in [`super::from_fields`]);
/// `zonulin_range` says whether a zonulin range was chosen.
///
/// # Errors
/// [`CheckError::Fields`] (every such field) or [`CheckError::Nothing`].
///
/// ```
/// use lmr::sample::{check::require, from_fields, CheckError, Problem};
/// let registry = lmr::Registry::builtin()?;
/// let given = [("lactulose", "20 mg/L"), ("lactulose_dose", "5 g")];
/// let sample = from_fields(given, &registry)?;
/// let Err(CheckError::Fields(errors)) = require(&sample, &given, false) else { panic!() };
/// let e = errors.iter().next().unwrap();
/// assert_eq!(e.problem(), &Problem::NeedsInput { what: "urine volume", add: "volume".into() });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn require<N: AsRef<str>, V: AsRef<str>>(
    sample: &Sample,
    given: &[(N, V)],
    zonulin_range: bool,
) -> Result<(), CheckError> {
    let value_of = |name: &str| {
        given
            .iter()
            .find(|(n, v)| n.as_ref() == name && !super::parse::is_missing(v.as_ref()))
            .map(|(_, v)| v.as_ref().to_string())
    };
    let mut errors = Vec::new();
    for (sugar, _) in sample.urine.iter() {
        let (field, value, dose) = match sugar {
            Sugar::Lactulose | Sugar::Mannitol if value_of(sugar.key()).is_some() => (
                sugar.key().to_string(),
                value_of(sugar.key()).unwrap_or_default(),
                format!("{}_dose", sugar.key()),
            ),
            _ => ("sugar".to_string(), sugar.key().to_string(), "dose".into()),
        };
        // Without a volume, a sugar in a ratio still gives the ratio (as `lmr batch` does:
        // caveat ratio_without_recoveries); a lone sugar would give nothing.
        let needs = if sample.urine_volume.is_none() && sample.in_a_ratio_without_volume(sugar) {
            None
        } else if sample.urine_volume.is_none() {
            Some(("urine volume", "volume".to_string()))
        } else if sample.protocol.doses.get(sugar).is_none() {
            Some(("oral dose", dose))
        } else {
            None
        };
        if let Some((what, add)) = needs {
            errors.push(FieldError::new(
                field,
                value,
                Problem::NeedsInput { what, add },
            ));
        }
    }
    for (i, f) in sample.fractions.iter().enumerate() {
        if f.volume.is_none() && !f.urine.is_empty() {
            errors.push(FieldError::new(
                format!("fraction[{i}]"),
                &f.label,
                Problem::NeedsInput {
                    what: "fraction volume",
                    add: "volume".into(),
                },
            ));
        }
        for (sugar, _) in f.urine.iter() {
            if sample.protocol.doses.get(sugar).is_none() {
                errors.push(FieldError::new(
                    format!("fraction[{i}]"),
                    &f.label,
                    Problem::NeedsInput {
                        what: "oral dose",
                        add: format!("{}_dose", sugar.key()),
                    },
                ));
            }
        }
    }
    if value_of("zonulin").is_none() && sample.zonulin.is_none() && !sample.below_limit.zonulin {
        // A zonulin option without a value would silently do nothing.
        for name in ["zonulin_matrix", "hp_genotype"] {
            if let Some(v) = value_of(name) {
                errors.push(FieldError::new(
                    name,
                    v,
                    Problem::Without { without: "zonulin" },
                ));
            }
        }
        if zonulin_range {
            errors.push(FieldError::new(
                "zonulin_range",
                "",
                Problem::Without { without: "zonulin" },
            ));
        }
    }
    SampleErrors::check(errors)?;
    let nothing = sample.urine.is_empty()
        && sample.fractions.is_empty()
        && sample.vitamin_d.is_none()
        && sample.zonulin.is_none()
        && !sample.below_limit.vitamin_d
        && !sample.below_limit.zonulin;
    if nothing {
        return Err(CheckError::Nothing);
    }
    Ok(())
}

/// The z-score tables named by id or file (`--zscore-reference`), at most one per analyte.
///
/// # Errors
/// [`CheckError::Zscore`] for an id or file that gives no table; [`CheckError::ZscoreSelection`]
/// for two tables of one analyte.
///
/// ```
/// use lmr::reference::Registry;
/// use lmr::sample::check::{zscore_selection, CheckError};
///
/// let registry = Registry::builtin()?;
/// assert!(zscore_selection(&registry, &[]).is_ok());
/// let e = zscore_selection(&registry, &["no-such-table".to_string()]).unwrap_err();
/// assert!(matches!(&e, CheckError::Zscore { spec, .. } if spec == "no-such-table"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn zscore_selection(
    registry: &Registry,
    specs: &[String],
) -> Result<ZscoreSelection, CheckError> {
    let mut tables = Vec::new();
    for spec in specs {
        let found = registry
            .zscore_reference(spec)
            .map_err(|source| CheckError::Zscore {
                spec: spec.clone(),
                source,
            })?;
        tables.extend(found);
    }
    ZscoreSelection::new(tables).map_err(CheckError::ZscoreSelection)
}

/// How `lmr check` prints its document.
///
/// ```
/// use lmr::sample::check::Format;
/// assert_eq!(Format::default(), Format::Text); // `lmr check` without `--format`
/// ```
///
/// With the `cli` feature, `lmr check --format`'s values, each described by its doc comment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// A short report for people.
    #[default]
    Text,
    /// One JSON object (keys as the batch columns, plus `details`).
    Json,
    /// A FHIR R4 Bundle (type collection) of Observations with LOINC/lmr codes and UCUM units
    /// (see docs/fhir.md).
    Fhir,
}

/// Interprets a checked sample and renders it in `format`, as `lmr check` prints it.
///
/// # Errors
/// As [`interpret`].
///
/// ```
/// use lmr::reference::Registry;
/// use lmr::sample::check::{render, CheckOptions, Format};
/// use lmr::sample::from_fields;
///
/// let registry = Registry::builtin()?;
/// let sample = from_fields([("vitamin_d", "20 ng/mL")], &registry)?;
/// let json = render(&sample, &registry, &CheckOptions::default(), Format::Json)?;
/// let v: serde_json::Value = serde_json::from_str(&json)?;
/// // total 25(OH)D converted as D3: 20 ng/mL × 2.496 = 49.92 nmol/L
/// approx::assert_relative_eq!(v["vitamin_d_nmol_l"].as_f64().unwrap(), 49.92, max_relative = 1e-3);
/// let fhir = render(&sample, &registry, &CheckOptions::default(), Format::Fhir)?;
/// assert!(fhir.contains("\"resourceType\": \"Bundle\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(
    sample: &Sample,
    registry: &Registry,
    options: &CheckOptions,
    format: Format,
) -> Result<String, CheckError> {
    interpret(sample, registry, options, |i, s, r| match format {
        Format::Text => crate::report::to_text_with_nearest(i, s, r),
        Format::Json => render_json(&crate::report::to_json(i, s, r)),
        Format::Fhir => render_json(&crate::report::fhir::bundle(s, r, None)),
    })
}

/// Interprets a checked sample and renders it with `render` (the JSON document, the text
/// report): the z-score tables and ranges of `options` resolved against `registry`.
///
/// # Errors
/// [`CheckError::Zscore`], [`CheckError::ZscoreSelection`], [`CheckError::Range`],
/// [`CheckError::Interpret`].
///
/// ```
/// use lmr::sample::{check::interpret, from_fields, CheckOptions};
/// let registry = lmr::Registry::builtin()?;
/// let sample = from_fields([("vitamin_d", "40 nmol/L")], &registry)?;
/// let class = interpret(&sample, &registry, &CheckOptions::default(), |_, _, result| {
///     result.vitamin_d.as_ref().map(|d| d.schemes[0].label().to_string())
/// })?;
/// assert_eq!(class.as_deref(), Some("at_risk_of_inadequacy")); // IOM 2011: 30 ≤ 40 < 50 nmol/L
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn interpret<T>(
    sample: &Sample,
    registry: &Registry,
    options: &CheckOptions,
    render: impl FnOnce(&Interpreter<'_>, &Sample, &Interpretation<'_>) -> T,
) -> Result<T, CheckError> {
    let selection = zscore_selection(registry, &options.zscore_reference)?;
    let interpreter = Interpreter::new(registry, &options.ranges)?.with_zscores(&selection);
    let mut result = Interpretation::default();
    interpreter.interpret(sample, &mut result)?;
    Ok(render(&interpreter, sample, &result))
}

/// The check document as a JSON value.
///
/// # Errors
/// [`CheckError`]: every rejected field, an unusable option, or nothing to interpret.
///
/// ```
/// use lmr::sample::{check_value, CheckOptions};
/// let registry = lmr::Registry::builtin()?;
/// let v = check_value([("vitamin_d", "50 nmol/L")], &registry, &CheckOptions::default())?;
/// assert_eq!(v["vitamin_d_nmol_l"], 50.0);
/// assert_eq!(v["vitamin_d_class_iom_2011"], "sufficient"); // IOM 2011: 50 ≤ 50 ≤ 125 nmol/L
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_value<I, N, V>(
    fields: I,
    registry: &Registry,
    options: &CheckOptions,
) -> Result<Value, CheckError>
where
    I: IntoIterator<Item = (N, V)>,
    N: AsRef<str>,
    V: AsRef<str>,
{
    let given: Vec<(String, String)> = fields
        .into_iter()
        .map(|(n, v)| (n.as_ref().to_string(), v.as_ref().to_string()))
        .collect();
    let mut sample = Sample::default();
    apply_fields(
        &mut sample,
        given.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        registry,
    )?;
    require(&sample, &given, options.ranges.zonulin_range.is_some())?;
    interpret(&sample, registry, options, crate::report::to_json)
}

/// The document `lmr check --format json` prints for these fields and options: pretty JSON
/// and a final newline.
///
/// # Errors
/// As [`check_value`].
///
/// ```
/// use lmr::sample::{check::render_json, check_json, check_value, CheckOptions};
/// let registry = lmr::Registry::builtin()?;
/// let fields = [("zonulin", "46 ng/mL"), ("zonulin_matrix", "serum")];
/// let doc = check_json(fields, &registry, &CheckOptions::default())?;
/// assert_eq!(doc, render_json(&check_value(fields, &registry, &CheckOptions::default())?));
/// assert!(doc.starts_with("{\n") && doc.ends_with("}\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_json<I, N, V>(
    fields: I,
    registry: &Registry,
    options: &CheckOptions,
) -> Result<String, CheckError>
where
    I: IntoIterator<Item = (N, V)>,
    N: AsRef<str>,
    V: AsRef<str>,
{
    Ok(render_json(&check_value(fields, registry, options)?))
}

/// Pretty JSON with a final newline (how `lmr check` prints its document).
///
/// ```
/// let v = serde_json::json!({ "lm_ratio": 0.06 });
/// assert_eq!(lmr::sample::check::render_json(&v), "{\n  \"lm_ratio\": 0.06\n}\n");
/// ```
pub fn render_json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let mut t = serde_json::to_string_pretty(v).unwrap_or_default();
    t.push('\n');
    t
}
