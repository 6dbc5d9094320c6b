//! `lmr check`: one sample from flags.

use std::process::ExitCode;

use lmr::interpretation::{InterpretError, Interpretation, Interpreter, Sample};
use lmr::protocol::{Dose, Sex};
use lmr::recovery::UrineResult;
use lmr::reference::{Matrix, Registry};
use lmr::sugar::Sugar;
use lmr::units::{Duration, Mass, Volume};
use lmr::vitamin_d::{VitaminD, VitaminDForm};
use lmr::zonulin::{HpGenotype, Zonulin, ZonulinError};
use lmr::zscore::ZscoreSelection;

use crate::args::{CheckArgs, CheckFormat, RangeOptions};
use crate::error::{print, CliError};
use crate::ranges::load_registry;

/// Parses an optional flag value with `parse`, naming the flag in the error.
fn opt<T, E: std::fmt::Display>(
    flag: &'static str,
    value: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, CliError> {
    value
        .as_deref()
        .map(|v| parse(v).map_err(|e| CliError::input(flag, v, e)))
        .transpose()
}

/// The interpreter for the shared range flags; an unknown or wrong-analyte range id is a
/// rejected flag value (exit 3).
pub fn interpreter<'r>(
    registry: &'r Registry,
    r: &RangeOptions,
) -> Result<Interpreter<'r>, CliError> {
    Interpreter::new(registry, &options(r)).map_err(|e| CliError::Sample(e.to_string()))
}

/// Builds the interpreter options from the shared range flags.
pub fn options(r: &RangeOptions) -> lmr::interpretation::Options {
    lmr::interpretation::Options {
        lm_range: r.lm_range.clone(),
        vitamin_d_schemes: r.vitamin_d_scheme.clone(),
        zonulin_range: r.zonulin_range.clone(),
        lr_range: r.lr_range.clone(),
        subtract_baseline: r.subtract_baseline,
    }
}

/// Parses `SUGAR=VALUE` pairs of a repeatable flag into `map`, each value with `parse`.
fn sugar_pairs<T, E: std::fmt::Display>(
    flag: &'static str,
    values: &[String],
    map: &mut lmr::protocol::SugarMap<T>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<(), CliError> {
    for v in values {
        let (name, value) = v.split_once('=').ok_or_else(|| {
            CliError::input(flag, v, "expected SUGAR=VALUE, e.g. rhamnose=\"20 mg/dL\"")
        })?;
        let sugar: Sugar = name.parse().map_err(|e| CliError::input(flag, v, e))?;
        let value = value.trim().trim_matches('"');
        map.set(
            sugar,
            Some(parse(value).map_err(|e| CliError::input(flag, v, e))?),
        );
    }
    Ok(())
}

/// Sets `slot` when the flag was given (flags win over a sample file).
fn set_if<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

fn sample(a: &CheckArgs, registry: &Registry) -> Result<Sample, CliError> {
    let mut s = match &a.sample {
        None => Sample::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
                context: format!("--sample {}: cannot read", path.display()),
                source,
            })?;
            lmr::sample_file::parse(&path.display().to_string(), &text)
                .map_err(|e| CliError::Sample(e.to_string()))?
        }
    };
    let urine = |flag, v: &Option<String>| opt(flag, v, |t| UrineResult::parse(t, None));
    if let Some(r) = urine("--lactulose", &a.lactulose)? {
        s.urine.set(Sugar::Lactulose, Some(r));
    }
    if let Some(r) = urine("--mannitol", &a.mannitol)? {
        s.urine.set(Sugar::Mannitol, Some(r));
    }
    sugar_pairs("--sugar", &a.sugar, &mut s.urine, |t| {
        UrineResult::parse(t, None)
    })?;
    sugar_pairs("--baseline", &a.baseline, &mut s.baseline, |t| {
        UrineResult::parse(t, None)
    })?;
    set_if(
        &mut s.urine_volume,
        opt("--volume", &a.volume, str::parse::<Volume>)?,
    );
    let dose = |flag, v: &Option<String>| {
        opt(flag, v, |t| {
            let m = t.parse::<Mass>().map_err(|e| e.to_string())?;
            if m.value() == 0.0 {
                // named here: the recovery's own error cannot say which flag gave the dose
                return Err("a dose must be greater than zero".to_string());
            }
            Ok(Dose::anhydrous(m))
        })
    };
    if let Some(d) = dose("--lactulose-dose", &a.lactulose_dose)? {
        s.protocol.doses.set(Sugar::Lactulose, Some(d));
    }
    if let Some(d) = dose("--mannitol-dose", &a.mannitol_dose)? {
        s.protocol.doses.set(Sugar::Mannitol, Some(d));
    }
    sugar_pairs("--dose", &a.dose, &mut s.protocol.doses, Dose::parse)?;
    set_if(
        &mut s.protocol.collection,
        opt("--collection", &a.collection, str::parse::<Duration>)?,
    );
    let age = opt("--age", &a.age, |t| {
        let y: f64 = t
            .trim()
            .parse()
            .map_err(|_| "not a number of years".to_string())?;
        if !y.is_finite() || y < 0.0 {
            return Err("expected a non-negative number of years".to_string());
        }
        Ok(y)
    })?;
    set_if(&mut s.protocol.age_years, age);
    set_if(
        &mut s.protocol.sex,
        opt("--sex", &a.sex, str::parse::<Sex>)?,
    );
    if let Some(id) = &a.ranges.protocol {
        let p = registry.protocol(id).ok_or_else(|| {
            CliError::input("--protocol", id, "no such protocol (see `lmr ranges list`)")
        })?;
        s.protocol.fill_from(p);
    }
    let form = opt(
        "--vitamin-d-form",
        &a.vitamin_d_form,
        str::parse::<VitaminDForm>,
    )?
    .unwrap_or_default();
    s.vitamin_d = opt("--vitamin-d", &a.vitamin_d, |t| {
        let c = t
            .parse()
            .map_err(|e: lmr::units::UnitError| e.to_string())?;
        VitaminD::new(c, form).map_err(|e| e.to_string())
    })?;
    let matrix = opt("--zonulin-matrix", &a.zonulin_matrix, |t| {
        Matrix::from_key(t)
            .filter(|m| *m != Matrix::Urine)
            .ok_or("expected serum or stool")
    })?;
    s.zonulin = opt("--zonulin", &a.zonulin, |t| {
        Zonulin::parse(t, None, matrix).map_err(|e| match e {
            ZonulinError::MissingMatrix(_) => {
                format!("{e}; add --zonulin-matrix serum or --zonulin-matrix stool")
            }
            e => e.to_string(),
        })
    })?;
    s.hp_genotype = opt("--hp-genotype", &a.hp_genotype, str::parse::<HpGenotype>)?;
    require_inputs(a, &s)?;
    Ok(s)
}

/// A urine result without what its recovery needs is a usage mistake worth naming.
fn require_inputs(a: &CheckArgs, s: &Sample) -> Result<(), CliError> {
    for (sugar, _) in s.urine.iter() {
        let (flag, value, dose_flag) = match sugar {
            Sugar::Lactulose if a.lactulose.is_some() => (
                "--lactulose",
                a.lactulose.clone().unwrap_or_default(),
                "--lactulose-dose".to_string(),
            ),
            Sugar::Mannitol if a.mannitol.is_some() => (
                "--mannitol",
                a.mannitol.clone().unwrap_or_default(),
                "--mannitol-dose".to_string(),
            ),
            _ => (
                "--sugar",
                sugar.key().to_string(),
                format!("--dose {}=MASS", sugar.key()),
            ),
        };
        if s.urine_volume.is_none() {
            return Err(CliError::input(
                flag,
                &value,
                "a recovery needs the urine volume: add --volume",
            ));
        }
        if s.protocol.doses.get(sugar).is_none() {
            return Err(CliError::input(
                flag,
                &value,
                format!("a recovery needs the oral dose: add {dose_flag} (or --protocol)"),
            ));
        }
    }
    for (i, f) in s.fractions.iter().enumerate() {
        if f.volume.is_none() && !f.urine.is_empty() {
            return Err(CliError::Sample(format!(
                "fraction {} ({:?}) has no volume",
                i + 1,
                f.label
            )));
        }
        for (sugar, _) in f.urine.iter() {
            if s.protocol.doses.get(sugar).is_none() {
                return Err(CliError::Sample(format!(
                    "fraction {:?} has {} but no {} dose is given",
                    f.label,
                    sugar.key(),
                    sugar.key()
                )));
            }
        }
    }
    if a.zonulin.is_none() {
        // A zonulin option without a value would silently do nothing.
        let given = [
            ("--zonulin-matrix", a.zonulin_matrix.is_some()),
            ("--zonulin-range", a.ranges.zonulin_range.is_some()),
            ("--hp-genotype", a.hp_genotype.is_some()),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, g)| *g) {
            return Err(CliError::Sample(format!("{flag} given without --zonulin")));
        }
    }
    let nothing = s.urine.is_empty()
        && s.fractions.is_empty()
        && s.vitamin_d.is_none()
        && s.zonulin.is_none();
    if nothing {
        return Err(CliError::Sample(
            "nothing to interpret: give urine sugars (--lactulose, --mannitol with --volume and doses), --vitamin-d or --zonulin".into(),
        ));
    }
    Ok(())
}

/// The z-score tables named with `--zscore-reference`.
pub fn zscores(registry: &Registry, r: &RangeOptions) -> Result<ZscoreSelection, CliError> {
    let mut tables = Vec::new();
    for spec in &r.zscore_reference {
        let found = lmr::zscore::resolve(registry, spec)
            .map_err(|e| CliError::input("--zscore-reference", spec, e))?;
        tables.extend(found);
    }
    ZscoreSelection::new(tables).map_err(|e| CliError::Sample(format!("--zscore-reference: {e}")))
}

/// Runs `lmr check`.
pub fn run(a: &CheckArgs) -> Result<ExitCode, CliError> {
    let registry = load_registry(&a.ranges.ranges)?;
    let sample = sample(a, &registry)?;
    let selection = zscores(&registry, &a.ranges)?;
    let interpreter = interpreter(&registry, &a.ranges)?.with_zscores(&selection);
    let mut result = Interpretation::default();
    interpreter.interpret(&sample, &mut result).map_err(|e| {
        match (&e, &a.ranges.zonulin_range) {
            // A range for the other matrix (or unit) names the flag that chose it.
            (InterpretError::Zonulin(_), Some(id)) => CliError::input("--zonulin-range", id, e),
            _ => CliError::Sample(e.to_string()),
        }
    })?;
    let text = match a.format {
        CheckFormat::Text => lmr::report::to_text(&sample, &result),
        CheckFormat::Json => {
            let mut t =
                serde_json::to_string_pretty(&lmr::report::to_json(&interpreter, &sample, &result))
                    .unwrap_or_default();
            t.push('\n');
            t
        }
        CheckFormat::Fhir => {
            let bundle = lmr::report::fhir::bundle(&sample, &result, None);
            let mut t = serde_json::to_string_pretty(&bundle).unwrap_or_default();
            t.push('\n');
            t
        }
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}
