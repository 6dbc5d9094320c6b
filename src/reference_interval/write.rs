//! The result as a range file (`docs/range-format.md`), and writing it to disk.

use std::path::Path;

use crate::protocol::Sex;
use crate::reference::doc::{
    AgeDoc, AppliesDoc, BandDoc, BoundDoc, FileDoc, ProtocolSpecDoc, RangeDoc, SourceDoc,
};
use crate::reference::{Analyte, Matrix, RangeFileError, Registry, Span};
use crate::units::Age;

use super::establish::ReferenceInterval;
use super::estimate::{ConfidenceInterval, Estimate};

/// A range file that cannot be written from a result.
///
/// ```
/// use lmr::reference::{Analyte, Matrix};
/// use lmr::reference_interval::{establish, range_file_toml, Options, RangeFileSpec, RangeWriteError};
/// let values: Vec<f64> = (1..=120).map(|k| 0.01 + 0.0001 * k as f64).collect();
/// let ri = establish(&values, &Options::default())?;
/// let mut estimate = ri.recommended().unwrap().clone();
/// estimate.lower.value = -1.0; // a range file's bounds are ≥ 0
/// let spec = RangeFileSpec::new("x", Analyte::LmRatio, "ratio", Matrix::Urine, "in.csv", "2026-11-30");
/// let e = range_file_toml(&ri, &estimate, &spec).unwrap_err();
/// assert!(matches!(e, RangeWriteError::InvalidLimit { which: "lower", .. }));
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RangeWriteError {
    /// A limit cannot be a bound of a range file (range files hold non-negative values).
    #[error("the {which} limit {value} cannot be written to a range file (bounds must be finite and ≥ 0)")]
    InvalidLimit {
        /// `lower` or `upper`.
        which: &'static str,
        /// The limit.
        value: f64,
    },
    /// The written text did not pass the range-file loader (for example an unknown unit for the
    /// analyte, or a protocol table for an analyte that is not a urine sugar).
    #[error("the range file would not load: {0}")]
    Invalid(RangeFileError),
    /// The file could not be written.
    #[error("{path}: cannot write: {error}")]
    Io {
        /// The path.
        path: String,
        /// The cause (printed in the message, so not also a `source()`).
        error: std::io::Error,
    },
}

// The loader's error is printed in the message, so it is not also a `source()`.
impl From<RangeFileError> for RangeWriteError {
    fn from(e: RangeFileError) -> Self {
        RangeWriteError::Invalid(e)
    }
}

// ---------------------------------------------------------------------------------------------
// Range file
// ---------------------------------------------------------------------------------------------

/// What a written range file says beyond the numbers: identity, population, protocol, input.
///
/// ```
/// use lmr::reference::{Analyte, Matrix, Registry};
/// use lmr::reference_interval::{
///     establish, range_file_toml, write_range_file, Options, RangeFileSpec, RangeWriteError,
/// };
/// let values: Vec<f64> = (1..=120).map(|k| 0.01 + 0.0001 * k as f64).collect();
/// let ri = establish(&values, &Options::default())?;
/// let estimate = ri.recommended().unwrap();
/// let spec = RangeFileSpec::new(
///     "my-lab-lm", Analyte::LmRatio, "ratio", Matrix::Urine, "volunteers.csv", "2026-11-30",
/// );
/// assert!(spec.doses.is_empty() && spec.title.is_none());
/// // a partition of adults, written as `age_years = { min = 18.0, max = 65.0 }`
/// let mut spec = spec;
/// spec.age = Some(lmr::reference::Span { min: "18 y".parse()?, max: "65 y".parse()? });
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("my-lab.toml");
/// write_range_file(&path, &ri, estimate, &spec)?;
/// let mut registry = Registry::default();
/// registry.load_path(&path)?;
/// let written = registry.range("my-lab-lm").expect("loaded");
/// assert_eq!(written.applies_to.age.unwrap().to_string(), "18–65 y");
/// // A negative limit cannot be a range file's bound.
/// let mut bad = estimate.clone();
/// bad.lower.value = -1.0;
/// let e = range_file_toml(&ri, &bad, &spec).unwrap_err();
/// assert!(matches!(e, RangeWriteError::InvalidLimit { which: "lower", .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RangeFileSpec {
    /// The range id (lower-case letters, digits, '-').
    pub id: String,
    /// The analyte.
    pub analyte: Analyte,
    /// The unit of the values, as range files write it (`ratio`, `%`, `nmol/L`, …).
    pub unit: String,
    /// The specimen.
    pub matrix: Matrix,
    /// Title; default: "Local reference interval for {analyte} ({method}), n = {n}".
    pub title: Option<String>,
    /// The reference population (e.g. "healthy adult volunteers, site A").
    pub population: Option<String>,
    /// The analytical method (HPLC, LC-MS/MS, …), informational.
    pub analytical_method: Option<String>,
    /// Sex of the partition, if it is sex-specific.
    pub sex: Option<Sex>,
    /// Ages of the partition, both ends inclusive (written in years, `age_years = { min, max }`).
    pub age: Option<Span<Age>>,
    /// Doses of the protocol (urine sugars only): sugar name and amount, e.g. `("lactulose", "5 g")`.
    pub doses: Vec<(String, String)>,
    /// Urine collection window (urine sugars only), e.g. `"5 h"`.
    pub collection: Option<String>,
    /// The input file the values came from (named in the citation).
    pub input_file: String,
    /// The date the interval was derived (ISO 8601, e.g. from [`iso_date`](super::iso_date)).
    pub date: String,
    /// Extra notes.
    pub notes: Option<String>,
}

/// The analytes a reference interval can be established for (`lmr reference-interval --analyte`).
///
/// ```
/// use lmr::{reference_interval::INTERVAL_ANALYTES, Analyte};
/// assert_eq!(INTERVAL_ANALYTES.len(), 6); // three ratios, two recoveries, 25(OH)D
/// assert!(!INTERVAL_ANALYTES.contains(&Analyte::Zonulin));
/// ```
pub const INTERVAL_ANALYTES: &[Analyte] = &[
    Analyte::LmRatio,
    Analyte::LrRatio,
    Analyte::L13mRatio,
    Analyte::LactuloseRecoveryPct,
    Analyte::MannitolRecoveryPct,
    Analyte::VitaminD25oh,
];

/// The unit of an analyte's values as range files write it, and its specimen, for the analytes
/// of [`INTERVAL_ANALYTES`]: recoveries `%` in urine, 25(OH)D `nmol/L` in serum, ratios `ratio`
/// in urine.
///
/// ```
/// use lmr::reference::{Analyte, Matrix};
/// use lmr::reference_interval::interval_unit;
/// assert_eq!(interval_unit(Analyte::MannitolRecoveryPct), ("%", Matrix::Urine));
/// assert_eq!(interval_unit(Analyte::VitaminD25oh), ("nmol/L", Matrix::Serum));
/// assert_eq!(interval_unit(Analyte::LmRatio), ("ratio", Matrix::Urine));
/// ```
pub fn interval_unit(analyte: Analyte) -> (&'static str, Matrix) {
    match analyte {
        Analyte::LactuloseRecoveryPct | Analyte::MannitolRecoveryPct => ("%", Matrix::Urine),
        Analyte::VitaminD25oh => ("nmol/L", Matrix::Serum),
        _ => ("ratio", Matrix::Urine),
    }
}

/// A partition's name: `site=A, sex=F` for its `--by` columns and values, `all rows` for none.
///
/// ```
/// use lmr::reference_interval::partition_label;
/// assert_eq!(partition_label(&[]), "all rows");
/// let p = [("site".to_string(), "A".to_string()), ("sex".to_string(), "F".to_string())];
/// assert_eq!(partition_label(&p), "site=A, sex=F");
/// ```
pub fn partition_label(partition: &[(String, String)]) -> String {
    if partition.is_empty() {
        return "all rows".into();
    }
    partition
        .iter()
        .map(|(b, k)| format!("{b}={k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl RangeFileSpec {
    /// A spec for one partition of a reference group: the id is `base` (default
    /// `local-<analyte>`, `_` as `-`) followed by `-<value>` for each partition value (lower
    /// case; anything but ASCII letters and digits as `-`); unit and specimen by
    /// [`interval_unit`]; the sex of a `sex` partition column; the partition named in the notes.
    ///
    /// ```
    /// use lmr::protocol::Sex;
    /// use lmr::reference::Analyte;
    /// use lmr::reference_interval::RangeFileSpec;
    /// let partition = [("site".to_string(), "Site A".to_string()), ("sex".to_string(), "F".to_string())];
    /// let spec = RangeFileSpec::for_partition(None, Analyte::LmRatio, &partition, "in.csv", "2026-11-30");
    /// assert_eq!(spec.id, "local-lm-ratio-site-a-f");
    /// assert_eq!(spec.unit, "ratio");
    /// assert_eq!(spec.sex, Some(Sex::Female));
    /// assert_eq!(spec.notes.as_deref(), Some("partition site=Site A, sex=F"));
    /// let all = RangeFileSpec::for_partition(Some("my-lab"), Analyte::LmRatio, &[], "in.csv", "2026-11-30");
    /// assert_eq!((all.id.as_str(), all.notes), ("my-lab", None));
    /// ```
    pub fn for_partition(
        base: Option<&str>,
        analyte: Analyte,
        partition: &[(String, String)],
        input_file: impl Into<String>,
        date: impl Into<String>,
    ) -> RangeFileSpec {
        let mut id = base.map_or_else(
            || format!("local-{}", analyte.key().replace('_', "-")),
            str::to_string,
        );
        for (_, value) in partition {
            id.push('-');
            id.extend(value.chars().map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            }));
        }
        let (unit, matrix) = interval_unit(analyte);
        let mut spec = RangeFileSpec::new(id, analyte, unit, matrix, input_file, date);
        spec.sex = partition
            .iter()
            .find(|(column, _)| column == "sex")
            .and_then(|(_, value)| value.parse().ok());
        if !partition.is_empty() {
            let label = partition_label(partition);
            spec.notes = Some(format!("partition {label}"));
        }
        spec
    }

    /// A spec with the required parts; the rest empty.
    ///
    /// ```
    /// use lmr::reference::{Analyte, Matrix};
    /// use lmr::reference_interval::RangeFileSpec;
    /// let spec = RangeFileSpec::new(
    ///     "my-lab-lm", Analyte::LmRatio, "ratio", Matrix::Urine, "volunteers.csv", "2026-11-30",
    /// );
    /// assert_eq!(spec.id, "my-lab-lm");
    /// assert!(spec.doses.is_empty() && spec.title.is_none() && spec.population.is_none());
    /// ```
    pub fn new(
        id: impl Into<String>,
        analyte: Analyte,
        unit: impl Into<String>,
        matrix: Matrix,
        input_file: impl Into<String>,
        date: impl Into<String>,
    ) -> RangeFileSpec {
        RangeFileSpec {
            id: id.into(),
            analyte,
            unit: unit.into(),
            matrix,
            title: None,
            population: None,
            analytical_method: None,
            sex: None,
            age: None,
            doses: Vec::new(),
            collection: None,
            input_file: input_file.into(),
            date: date.into(),
            notes: None,
        }
    }
}

/// `x` rounded to 10 significant digits: drops floating-point noise from interpolated limits
/// (0.005982500000000001 → 0.0059825) while moving them by less than 1e-9 of their value.
fn tidy(x: f64) -> f64 {
    crate::number::round(x, crate::number::DIGITS)
}

/// A fraction as a percentage for text (0.95 → 95, 0.975 → 97.5), rounded to 0.1.
fn percent(fraction: f64) -> f64 {
    (fraction * 1000.0).round() / 10.0
}

fn fmt_ci(ci: &Option<ConfidenceInterval>) -> String {
    match ci {
        None => "not computed".to_string(),
        Some(c) => {
            let ranks = c
                .ranks
                .map(|(a, b)| format!(", order statistics {a} to {b}"))
                .unwrap_or_default();
            format!(
                "{} % CI {} to {}{ranks}",
                percent(c.confidence),
                tidy(c.lower),
                tidy(c.upper)
            )
        }
    }
}

/// The range file (TOML, `docs/range-format.md`) for `estimate`, one of `result`'s estimates.
///
/// Three bands, the limits inside "within":
///
/// ```text
/// below:  x < lower          within: lower ≤ x ≤ upper          above: x > upper
/// ```
///
/// with `selection = "explicit"` (a local interval is used only when named), `source.status =
/// "local"` (no DOI or URL; the citation names the input file, method, n and date) and the
/// protocol parts the spec leaves out listed as `unstated`. The text is checked by loading it
/// with the range-file loader before it is returned.
///
/// # Errors
/// [`RangeWriteError::InvalidLimit`] for a negative or non-finite limit;
/// [`RangeWriteError::Invalid`] when the loader refuses the text (bad id, unit, matrix, dose …).
///
/// ```
/// use lmr::reference_interval::{establish, range_file_toml, Options, RangeFileSpec};
/// use lmr::{Analyte, Matrix};
/// let values: Vec<f64> = (1..=120).map(|k| 40.0 + k as f64).collect(); // 41 … 160 nmol/L
/// let ri = establish(&values, &Options::default())?;
/// let spec = RangeFileSpec::new("my-lab-25ohd", Analyte::VitaminD25oh, "nmol/L", Matrix::Serum, "volunteers.csv", "2026-11-30");
/// let toml = range_file_toml(&ri, ri.recommended().unwrap(), &spec)?;
/// assert!(toml.contains("id = \"my-lab-25ohd\"") && toml.contains("status = \"local\""));
/// let mut registry = lmr::Registry::default();
/// registry.add_text("my-lab.toml", &toml, false)?; // the text loads as a range file
/// assert_eq!(registry.range("my-lab-25ohd").unwrap().bands.len(), 3); // below, within, above
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn range_file_toml(
    result: &ReferenceInterval,
    estimate: &Estimate,
    spec: &RangeFileSpec,
) -> Result<String, RangeWriteError> {
    for (which, value) in [
        ("lower", estimate.lower.value),
        ("upper", estimate.upper.value),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(RangeWriteError::InvalidLimit { which, value });
        }
    }
    let (lo, hi) = (tidy(estimate.lower.value), tidy(estimate.upper.value));
    let pct = percent(result.options.coverage);
    let n = estimate.n;
    // "0.01 to 0.04" for ratios, "0.1 to 0.9 %" otherwise
    let unit = if spec.unit == "ratio" {
        String::new()
    } else {
        format!(" {}", spec.unit)
    };
    let title = spec.title.clone().unwrap_or_else(|| {
        format!(
            "Local reference interval for {} ({}), n = {n}{}",
            spec.analyte,
            estimate.method,
            spec.population
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default()
        )
    });
    let citation = format!(
        "Local reference interval derived on {} with lmr from {}; method: {}; n = {n} of {} values",
        spec.date,
        spec.input_file,
        estimate.method.label(),
        result.n_input
    );
    let quote = format!(
        "central {pct} % reference interval {lo} to {hi}{unit} ({} method); lower limit {}; upper limit {}",
        estimate.method,
        fmt_ci(&estimate.lower.ci),
        fmt_ci(&estimate.upper.ci)
    );
    let mut notes = vec![format!(
        "Derived from the user's own reference individuals, not from a publication: it is as good as that group (selection, size, pre-analytical and analytical conditions). Outlier screening: Dixon D/R > 1/3 flagged {} value(s); Tukey fences (k = {}{}) flagged {}; excluded: {} ({} rule).",
        result.dixon.len(),
        result.options.tukey_k,
        if result.tukey.as_ref().is_some_and(|t| t.log_scale) { ", on ln x" } else { "" },
        result.tukey.as_ref().map_or(0, |t| t.flagged.len()),
        result.excluded.len(),
        result.options.exclude.rule()
    )];
    notes.extend(result.warnings.iter().map(|w| format!("Warning: {w}.")));
    if let Some(extra) = &spec.notes {
        notes.push(extra.clone());
    }

    let urine_sugar = spec.analyte.is_urine_sugar();
    let mut unstated = Vec::new();
    if urine_sugar && spec.doses.is_empty() {
        unstated.push("doses".to_string());
    }
    if urine_sugar && spec.collection.is_none() {
        unstated.push("collection".to_string());
    }
    let protocol = (!spec.doses.is_empty() || spec.collection.is_some()).then(|| ProtocolSpecDoc {
        doses: spec.doses.iter().cloned().collect(),
        collection: spec.collection.clone(),
        ..ProtocolSpecDoc::default()
    });
    let bound = |value: f64, inclusive: bool| Some(BoundDoc { value, inclusive });
    let band = |label: &str, lower, upper, wording: String| BandDoc {
        label: Some(label.into()),
        lower,
        upper,
        wording: Some(wording),
        status: None,
    };
    let range = RangeDoc {
        id: Some(spec.id.clone()),
        analyte: Some(spec.analyte.key().into()),
        unit: Some(spec.unit.clone()),
        title: Some(title),
        selection: Some("explicit".into()),
        source: Some(SourceDoc {
            citation: Some(citation),
            quote: Some(quote),
            status: Some("local".into()),
            notes: Some(notes.join(" ")),
            ..SourceDoc::default()
        }),
        applies_to: Some(AppliesDoc {
            population: spec.population.clone(),
            matrix: Some(spec.matrix.key().into()),
            method: spec.analytical_method.clone(),
            sex: Some(spec.sex.map_or("any".to_string(), |s| s.to_string())),
            age_years: spec.age.map(|s| AgeDoc {
                min: s.min.in_years(),
                max: s.max.in_years(),
            }),
            unstated,
            protocol,
            ..AppliesDoc::default()
        }),
        band: vec![
            band(
                "below",
                None,
                bound(lo, false),
                format!("below the lower reference limit {lo}{unit}"),
            ),
            band(
                "within",
                bound(lo, true),
                bound(hi, true),
                format!(
                    "within the central {pct} % reference interval {lo} to {hi}{unit} (limits included)"
                ),
            ),
            band(
                "above",
                bound(hi, false),
                None,
                format!("above the upper reference limit {hi}{unit}"),
            ),
        ],
        ..RangeDoc::default()
    };
    let doc = FileDoc {
        schema: Some(1),
        range: vec![range],
        ..FileDoc::default()
    };
    let out = doc.to_toml(&[
        format!(
            "Local reference interval written by lmr {} on {}.",
            env!("CARGO_PKG_VERSION"),
            spec.date
        ),
        "Method: docs/reference-interval.md. Use it with --ranges FILE and name it explicitly."
            .into(),
    ]);

    let mut check = Registry::default();
    check.add_text(&format!("{} (to be written)", spec.id), &out, false)?;
    Ok(out)
}

/// Writes [`range_file_toml`] to `path`.
///
/// # Errors
/// Those of [`range_file_toml`], and [`RangeWriteError::Io`] if the file cannot be written.
///
/// ```
/// use lmr::reference::{Analyte, Matrix, Registry};
/// use lmr::reference_interval::{
///     establish, range_file_toml, write_range_file, Options, RangeFileSpec, RangeWriteError,
/// };
/// let values: Vec<f64> = (1..=120).map(|k| 0.01 + 0.0001 * k as f64).collect();
/// let ri = establish(&values, &Options::default())?;
/// let estimate = ri.recommended().unwrap();
/// let spec = RangeFileSpec::new(
///     "my-lab-lm", Analyte::LmRatio, "ratio", Matrix::Urine, "volunteers.csv", "2026-11-30",
/// );
/// assert!(spec.doses.is_empty() && spec.title.is_none());
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("my-lab.toml");
/// write_range_file(&path, &ri, estimate, &spec)?;
/// let mut registry = Registry::default();
/// registry.load_path(&path)?;
/// assert!(registry.range("my-lab-lm").is_some());
/// // A negative limit cannot be a range file's bound.
/// let mut bad = estimate.clone();
/// bad.lower.value = -1.0;
/// let e = range_file_toml(&ri, &bad, &spec).unwrap_err();
/// assert!(matches!(e, RangeWriteError::InvalidLimit { which: "lower", .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_range_file(
    path: &Path,
    result: &ReferenceInterval,
    estimate: &Estimate,
    spec: &RangeFileSpec,
) -> Result<(), RangeWriteError> {
    let text = range_file_toml(result, estimate, spec)?;
    std::fs::write(path, text).map_err(|error| RangeWriteError::Io {
        path: path.display().to_string(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_interval::{establish, Options};
    use approx::assert_relative_eq;

    // --- range file --------------------------------------------------------------------------

    fn lm_result() -> (ReferenceInterval, Estimate) {
        let x: Vec<f64> = (1..=130).map(|i| 0.005 + 0.0003 * i as f64).collect();
        let ri = establish(&x, &Options::default()).unwrap();
        let e = ri.nonparametric.clone().unwrap();
        (ri, e)
    }

    #[test]
    fn written_range_file_loads_and_classifies_at_the_limits() {
        let (ri, e) = lm_result();
        let mut spec = RangeFileSpec::new(
            "local-lm-2026",
            Analyte::LmRatio,
            "ratio",
            Matrix::Urine,
            "controls.csv",
            "2026-11-25",
        );
        spec.population = Some("healthy adult volunteers, site A".into());
        spec.analytical_method = Some("HPLC \"PAD\"".into()); // quotes must be escaped
        spec.doses = vec![
            ("lactulose".into(), "5 g".into()),
            ("mannitol".into(), "2 g".into()),
        ];
        spec.collection = Some("5 h".into());
        spec.age = Some(Span {
            min: "18 y".parse().unwrap(),
            // 780 months ÷ 12 = 65 years: the file is written in years
            max: "780 months".parse().unwrap(),
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("local.toml");
        write_range_file(&path, &ri, &e, &spec).unwrap();

        let mut reg = Registry::builtin().unwrap();
        assert!(reg.load_path(&path).unwrap().is_empty());
        let r = reg.range("local-lm-2026").unwrap();
        assert_eq!(r.source.status, crate::reference::Verification::Local);
        assert_eq!(r.selection, crate::reference::Selection::Explicit);
        assert!(
            r.source.citation.contains("controls.csv") && r.source.citation.contains("EP28-A3c")
        );
        assert!(r.source.url.is_none() && r.source.doi.is_none());
        assert!(r.applies_to.unstated.is_empty());
        assert!(!r.applies_to.doses.is_empty());
        // the bounds are the limits exactly, both inside "within"
        // written to 10 significant digits (floating-point noise removed)
        let (lo, hi) = (tidy(e.lower.value), tidy(e.upper.value));
        assert_relative_eq!(lo, e.lower.value, max_relative = 1e-9);
        assert_relative_eq!(hi, e.upper.value, max_relative = 1e-9);
        assert_eq!(r.bands[1].lower.unwrap().value, lo);
        assert_eq!(r.bands[1].upper.unwrap().value, hi);
        assert_eq!(r.band_label(r.classify(lo)), "within");
        assert_eq!(r.band_label(r.classify(hi)), "within");
        assert_eq!(r.band_label(r.classify(lo * (1.0 - 1e-9))), "below");
        assert_eq!(r.band_label(r.classify(hi * (1.0 + 1e-9))), "above");
        assert_eq!(r.applies_to.method.as_deref(), Some("HPLC \"PAD\""));
        // 780 months written as 65 years
        assert_eq!(r.applies_to.age.unwrap().to_string(), "18–65 y");
    }

    #[test]
    fn unstated_protocol_parts_are_listed() {
        let (ri, e) = lm_result();
        let spec = RangeFileSpec::new(
            "x-1",
            Analyte::LmRatio,
            "ratio",
            Matrix::Urine,
            "in.csv",
            "2026-01-01",
        );
        let text = range_file_toml(&ri, &e, &spec).unwrap();
        assert!(text.contains("unstated = [\"doses\", \"collection\"]"));
        assert!(text.contains("status = \"local\""));
        // x(i) = 0.005 + 0.0003 i, n = 130: r = 0.025 × 131 = 3.275 → 0.0059 + 0.275 × 0.0003
        // = 0.0059825 (written without the floating-point tail 0.005982500000000001)
        assert!(
            text.contains("upper = { value = 0.0059825, inclusive = false }"),
            "{text}"
        );
    }

    #[test]
    fn range_file_refuses_what_cannot_load() {
        let (ri, mut e) = lm_result();
        let spec = RangeFileSpec::new(
            "Bad Id",
            Analyte::LmRatio,
            "ratio",
            Matrix::Urine,
            "in.csv",
            "2026-01-01",
        );
        assert!(matches!(
            range_file_toml(&ri, &e, &spec),
            Err(RangeWriteError::Invalid(_))
        ));
        let mut spec = RangeFileSpec::new(
            "z-1",
            Analyte::Zonulin,
            "ng/mL",
            Matrix::Serum,
            "in.csv",
            "2026-01-01",
        );
        spec.doses = vec![("lactulose".into(), "5 g".into())];
        let err = range_file_toml(&ri, &e, &spec).unwrap_err().to_string();
        assert!(err.contains("not a urine-sugar analyte"), "{err}");
        e.lower.value = -0.1;
        let spec = RangeFileSpec::new(
            "x-1",
            Analyte::LmRatio,
            "ratio",
            Matrix::Urine,
            "in.csv",
            "2026-01-01",
        );
        assert!(matches!(
            range_file_toml(&ri, &e, &spec),
            Err(RangeWriteError::InvalidLimit { which: "lower", .. })
        ));
    }
}
