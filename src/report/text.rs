//! The text report for one sample.

use std::fmt::Write;

use crate::interpretation::{
    Field, FlagDetail, FlagHit, Interpretation, RangeIndex, RangeResult, Sample,
};
use crate::recovery::UrineResult;
use crate::reference::ReferenceRange;
use crate::sugar::Sugar;

/// A number for people: [`crate::number`]'s rule at [`crate::number::TEXT_DIGITS`] (JSON and
/// CSV carry [`crate::number::DIGITS`]).
pub(crate) fn sig(x: f64) -> String {
    crate::number::format(x, crate::number::TEXT_DIGITS)
}

fn censored(c: crate::censored::Censored) -> String {
    use crate::censored::Censored::*;
    match c {
        Exact(x) => sig(x),
        LessThan(x) => format!("<{}", sig(x)),
        GreaterThan(x) => format!(">{}", sig(x)),
    }
}

fn range_for<'a>(result: &'a Interpretation<'_>, which: RangeIndex) -> Option<&'a ReferenceRange> {
    match which {
        RangeIndex::Lm => result.lm.as_ref().map(|r| r.range),
        RangeIndex::Lr => result.lr.as_ref().map(|r| r.range),
        RangeIndex::VitaminD(i) => result.vitamin_d.as_ref()?.schemes.get(i).map(|r| r.range),
        RangeIndex::Zonulin => result.zonulin.as_ref()?.range.as_ref().map(|r| r.range),
        RangeIndex::VitaminDFlag(flag) => {
            let v = result.vitamin_d.as_ref()?;
            match flag {
                crate::flag::Flag::VitaminDAbove125NmolL => v.above_125_range,
                crate::flag::Flag::VitaminDToxicityRange => v.toxicity_range,
                _ => None,
            }
        }
    }
}

/// What one flag refers to, in words (`mannitol recovery 5.2 % (band 8–39.6 %)`).
///
/// ```
/// use lmr::interpretation::{FlagDetail, FlagHit, Interpretation};
/// use lmr::{report::describe_flag, Flag, Sugar};
/// let detail = FlagDetail::Recovery(Sugar::Mannitol, lmr::Percent::new(120.0)?);
/// let hit = FlagHit { flag: Flag::RecoveryOver100, detail };
/// assert_eq!(describe_flag(&hit, &Interpretation::default()), "mannitol recovery 120 %");
/// # Ok::<(), lmr::UnitError>(())
/// ```
pub fn describe_flag(hit: &FlagHit, result: &Interpretation<'_>) -> String {
    match hit.detail {
        FlagDetail::Recovery(s, pct) => format!("{} recovery {} %", s.name(), sig(pct.value())),
        FlagDetail::Recoveries(l, m) => {
            format!(
                "lactulose {} % > mannitol {} %",
                sig(l.value()),
                sig(m.value())
            )
        }
        FlagDetail::MannitolBand(m, lo, hi) => {
            // a band without a bound prints as the range file left it: not a number
            let bound = |b: Option<crate::units::Percent>| b.map_or(f64::NAN, |b| b.value());
            format!(
                "mannitol recovery {} % (healthy volunteers, oral: {}–{} %)",
                sig(m.value()),
                bound(lo),
                bound(hi)
            )
        }
        FlagDetail::UrineVolume(v, Some(b)) => {
            format!("urine volume {} mL (< {b})", sig(v.in_millilitres()))
        }
        FlagDetail::UrineVolume(v, None) => format!("urine volume {} mL", sig(v.in_millilitres())),
        FlagDetail::NearBound(x, bound, which) => {
            let Some(r) = range_for(result, which) else {
                return format!("{} near {}", sig(x), bound.value);
            };
            let unit = unit_suffix(r);
            let side = r
                .bands
                .iter()
                .find(|b| b.contains(bound.value))
                .map_or(String::new(), |b| {
                    format!("; {} itself is {}", bound.value, b.label)
                });
            format!(
                "{}{unit} is within rounding distance of the bound {}{unit} of {}{side}",
                sig(x),
                bound.value,
                r.id
            )
        }
        FlagDetail::ProtocolMismatch => result
            .lm_differences
            .iter()
            .filter(|d| !matches!(d, crate::reference::Difference::Unstated(_)))
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        FlagDetail::BelowLimit(Field::Urine(s)) => format!("urine {}", s.name()),
        FlagDetail::BelowLimit(Field::VitaminD) => "vitamin D".into(),
        FlagDetail::BelowLimit(Field::Zonulin) => "zonulin".into(),
        FlagDetail::VitaminD(v) => format!("25(OH)D {} nmol/L", sig(v.in_nmol_per_l())),
        FlagDetail::Zonulin => "zonulin reported with haptoglobin genotype 1-1".into(),
        FlagDetail::Baseline(s) => format!("baseline urine {}", s.name()),
        FlagDetail::Zscore(reason) => reason.to_string(),
        FlagDetail::Pretest => "recorded before the test".into(),
        FlagDetail::Egfr(e) => format!("eGFR {} mL/min/1.73 m² (< 60)", sig(e.value())),
        FlagDetail::NotChecked {
            band,
            no_age,
            no_window,
        } => {
            let missing = match (no_age, no_window) {
                (true, true) => "age and collection window",
                (true, false) => "age",
                _ => "collection window",
            };
            format!("{band} not applied: {missing} not given (its source covers adults only)")
        }
    }
}

/// " nmol/L" for a unit, nothing for a dimensionless ratio.
fn unit_suffix(r: &ReferenceRange) -> String {
    match r.unit {
        crate::reference::RangeUnit::Ratio => String::new(),
        u => format!(" {u}"),
    }
}

fn range_line(out: &mut String, res: &RangeResult<'_>) {
    let r = res.range;
    let band = res.band.and_then(|i| r.bands.get(i));
    let _ = writeln!(
        out,
        "  class: {}{}",
        res.label(),
        band.map_or(String::new(), |b| format!(
            "  ({}{})",
            b.interval(),
            unit_suffix(r)
        ))
    );
    if let Some(w) = band.and_then(|b| b.wording.as_deref()) {
        let _ = writeln!(out, "  source's words: \"{w}\"");
        let _ = writeln!(out, "         ({})", super::SOURCE_WORDS);
    }
    let _ = writeln!(out, "  range: {} — {}", r.id, r.title);
    let _ = writeln!(
        out,
        "         source ({}): {}{}",
        r.source.status.key(),
        r.source.citation,
        r.source
            .doi
            .as_ref()
            .map(|d| format!(", doi:{d}"))
            .or_else(|| r.source.url.as_ref().map(|u| format!(", {u}")))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "         wording: \"{}\"", r.source.quote);
    if let Some(p) = &r.applies_to.population {
        let _ = writeln!(out, "         applies to: {p}");
    }
}

fn inputs(out: &mut String, sample: &Sample) {
    let _ = writeln!(out, "Inputs");
    for (s, r) in sample.urine.iter() {
        let v = match r {
            UrineResult::Measured(c) => c.to_string(),
            UrineResult::BelowLimit(Some(l)) => format!("<{l} (below detection limit)"),
            UrineResult::BelowLimit(None) => "below detection limit (limit not given)".into(),
        };
        let _ = writeln!(out, "  urine {:<24} {v}", s.name());
    }
    if let Some(v) = sample.urine_volume {
        let _ = writeln!(out, "  {:<30} {v}", "urine volume");
    }
    for (s, r) in sample.baseline.iter() {
        let v = match r {
            UrineResult::Measured(c) => c.to_string(),
            UrineResult::BelowLimit(Some(l)) => format!("<{l} (below detection limit)"),
            UrineResult::BelowLimit(None) => "below detection limit".into(),
        };
        let _ = writeln!(out, "  baseline (pre-dose) {:<11} {v}", s.name());
    }
    let p = &sample.protocol;
    if !p.doses.is_empty() {
        let doses: Vec<String> = p
            .doses
            .iter()
            .map(|(s, d)| {
                let form = if d.form == crate::sugar::DoseForm::Monohydrate {
                    " (monohydrate)"
                } else {
                    ""
                };
                format!("{} {}{form}", s.name(), d.mass)
            })
            .collect();
        let _ = writeln!(out, "  {:<30} {}", "oral doses", doses.join(", "));
    }
    if let Some(c) = p.collection {
        let _ = writeln!(out, "  {:<30} {c}", "collection window");
    }
    if p.age.is_some() || p.sex.is_some() {
        let age = p
            .age
            .map_or("age not given".into(), |a| format!("{} y", a.in_years()));
        let sex = p.sex.map_or("sex not given".into(), |s| s.to_string());
        let _ = writeln!(out, "  {:<30} {age}, {sex}", "age, sex");
    }
    if let Some(v) = sample.vitamin_d.or(sample.below_limit.vitamin_d_limit) {
        let below = if sample.vitamin_d.is_none() { "<" } else { "" };
        let _ = writeln!(
            out,
            "  {:<30} {below}{} ({})",
            "serum 25(OH)D",
            v.reported(),
            v.form()
        );
    }
    if let Some(z) = sample.zonulin {
        let _ = writeln!(out, "  {:<30} {z}", "zonulin (immunoassay)");
    }
    if let Some(g) = sample.hp_genotype {
        let _ = writeln!(out, "  {:<30} {g}", "haptoglobin genotype");
    }
    let answers: Vec<String> = crate::sample::PretestField::ALL
        .iter()
        .filter_map(|f| {
            let a = f.get(&sample.pretest)?;
            Some(format!("{} {}", f.name(), if a { "yes" } else { "no" }))
        })
        .collect();
    if !answers.is_empty() {
        let _ = writeln!(out, "  {:<30} {}", "before the test", answers.join(", "));
    }
    if let Some(e) = sample.pretest.egfr {
        let _ = writeln!(
            out,
            "  {:<30} {} mL/min/1.73 m²",
            "eGFR",
            crate::number::format(e.value(), crate::number::DIGITS)
        );
    }
}

fn fractions(out: &mut String, sample: &Sample, r: &Interpretation<'_>) {
    if r.fractions.is_empty() {
        return;
    }
    let layout = super::Layout::for_sample(sample);
    let sugars: Vec<Sugar> = layout
        .all_sugars()
        .filter(|s| r.recoveries.get(*s).is_some())
        .collect();
    let _ = write!(
        out,
        "\nTimed fractions (recovery, % of dose)\n  {:<10} {:>10}",
        "fraction", "volume"
    );
    for s in &sugars {
        let _ = write!(out, " {:>14}", s.key());
    }
    let _ = writeln!(out, " {:>9} {:>9} {:>9}", "L:M", "L:R", "L:13C-M");
    let ratio = |c: Option<crate::ratio::ExcretionRatio>| {
        c.map_or("—".to_string(), |r| censored(r.value()))
    };
    for (f, fr) in sample.fractions.iter().zip(&r.fractions) {
        let vol = f.volume.map_or("—".to_string(), |v| v.to_string());
        let _ = write!(out, "  {:<10} {:>10}", f.label, vol);
        for s in &sugars {
            let _ = write!(
                out,
                " {:>14}",
                fr.recoveries
                    .get(*s)
                    .map_or("—".into(), |c| censored(c.in_percent()))
            );
        }
        let _ = writeln!(
            out,
            " {:>9} {:>9} {:>9}",
            ratio(fr.ratios.lm),
            ratio(fr.ratios.lr),
            ratio(fr.ratios.l13m)
        );
    }
    let _ = write!(out, "  {:<10} {:>10}", "cumulative", "");
    for s in &sugars {
        let _ = write!(
            out,
            " {:>14}",
            r.recoveries
                .get(*s)
                .map_or("—".into(), |c| censored(c.in_percent()))
        );
    }
    let _ = writeln!(
        out,
        " {:>9} {:>9} {:>9}",
        ratio(r.lm_ratio),
        ratio(r.lr_ratio),
        ratio(r.l13m_ratio)
    );
}

fn sugars(out: &mut String, sample: &Sample, r: &Interpretation<'_>) {
    // A ratio may stand without recoveries (no urine volume: caveat ratio_without_recoveries).
    let ratios = r.lm_ratio.is_some() || r.lr_ratio.is_some() || r.l13m_ratio.is_some();
    if r.recoveries.is_empty() && !ratios {
        return;
    }
    fractions(out, sample, r);
    let title = if r.fractions.is_empty() {
        "Recoveries (percent of the oral dose excreted in the urine collected)"
    } else {
        "Cumulative recoveries (sum over the fractions; percent of the oral dose)"
    };
    if !r.recoveries.is_empty() {
        let _ = writeln!(out, "\n{title}");
    }
    for (s, rec) in r.recoveries.iter() {
        let how = match (
            sample.urine.get(s),
            sample.urine_volume,
            sample.protocol.doses.get(s),
        ) {
            (Some(UrineResult::Measured(c)), Some(v), Some(d)) => {
                let mg = c
                    .in_mg_per_l(Some(s.molar_mass().in_g_per_mol()))
                    .unwrap_or(f64::NAN)
                    * v.in_litres();
                format!(
                    "  = {} mg excreted of {} mg",
                    sig(mg),
                    sig(d.sugar_mass(s).in_milligrams())
                )
            }
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<30} {} %{how}",
            s.name(),
            censored(rec.in_percent())
        );
    }
    if let Some(ratio) = r.lr_ratio {
        let _ = writeln!(
            out,
            "\nL:R ratio {}   (lactulose % ÷ L-rhamnose %: a ratio of fractional excretions)",
            censored(ratio.value())
        );
        if let Some(form) = r.lr_rhamnose_dose_form {
            let _ = writeln!(
                out,
                "  rhamnose dose form: {} (the L:R ratio divides by the rhamnose in the dose; 1 g monohydrate is 0.9011 g of rhamnose)",
                form.key()
            );
        }
        classified(
            out,
            r.lr.as_ref(),
            &r.lr_differences,
            "unclassified (L:R ranges are used only when named: --lr-range ID)",
        );
    }
    if let Some(ratio) = r.l13m_ratio {
        let _ = writeln!(out, "\nL:13C-mannitol ratio {}   (lactulose % ÷ 13C-mannitol %: a ratio of fractional excretions; no range shipped)", censored(ratio.value()));
    }
    let Some(ratio) = r.lm_ratio else {
        if r.recoveries.get(Sugar::Lactulose).is_some()
            && r.recoveries.get(Sugar::Mannitol).is_some()
        {
            let _ = writeln!(
                out,
                "\nL:M ratio: not computable (both results censored or mannitol recovery zero)"
            );
        }
        return;
    };
    let _ = writeln!(
        out,
        "\nL:M ratio {}   (lactulose % ÷ mannitol %: a ratio of fractional excretions, not of concentrations)",
        censored(ratio.value())
    );
    classified(
        out,
        r.lm.as_ref(),
        &r.lm_differences,
        "unclassified — no reference range matches this sample's protocol",
    );
    if !r.lm_also_matched.is_empty() {
        let ids: Vec<&str> = r.lm_also_matched.iter().map(|x| x.id.as_str()).collect();
        let _ = writeln!(
            out,
            "  also matched (not used; the range above takes precedence): {}",
            ids.join(", ")
        );
    }
}

/// The range a ratio was classified with and how the sample's protocol differs from it, or why
/// it was not classified.
fn classified(
    out: &mut String,
    result: Option<&RangeResult<'_>>,
    differences: &[crate::reference::Difference],
    unclassified: &str,
) {
    match result {
        Some(res) => {
            range_line(out, res);
            for d in differences {
                let _ = writeln!(out, "         protocol: {d}");
            }
        }
        None => {
            let _ = writeln!(out, "  class: {unclassified}");
        }
    }
}

fn zscores(out: &mut String, r: &Interpretation<'_>) {
    if r.zscores.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nZ-scores (against age- and sex-specific reference tables; not extrapolated)"
    );
    for z in &r.zscores {
        let t = z.table;
        let name = crate::zscore::z_column(t.analyte()).unwrap_or("z");
        let text = match z.outcome {
            Some(Ok(v)) => format!(
                "{}   (cell {}; table {} [{}])",
                sig(v.z),
                v.cell,
                t.id(),
                t.source().status.key()
            ),
            Some(Err(reason)) => format!("not computed: {reason} (table {})", t.id()),
            None => format!("not computed: no exact value (table {})", t.id()),
        };
        let _ = writeln!(out, "  {name:<12} {text}");
    }
}

fn vitamin_d(out: &mut String, r: &Interpretation<'_>) {
    let schemes = match (&r.vitamin_d, &r.vitamin_d_below) {
        (Some(v), _) => {
            let _ = writeln!(
                out,
                "\nVitamin D (serum 25(OH)D)  {} nmol/L = {} ng/mL  (converted with {} g/mol)",
                sig(v.value.in_nmol_per_l()),
                sig(v.value.in_ng_per_ml()),
                v.value.form().molar_mass().in_g_per_mol()
            );
            &v.schemes
        }
        (None, Some(b)) => {
            let _ = writeln!(
                out,
                "\nVitamin D (serum 25(OH)D)  below the limit {} = {} nmol/L  (converted with {} g/mol)\n  a class is given only where one band holds every value below the limit",
                b.limit.reported(),
                censored(b.bound_in_nmol_per_l()),
                b.limit.form().molar_mass().in_g_per_mol()
            );
            &b.schemes
        }
        (None, None) => return,
    };
    // One row per scheme, side by side: the value in the scheme's native unit, its class.
    let rows: Vec<(&str, String, String, &ReferenceRange)> = schemes
        .iter()
        .map(|s| {
            let band = s.band.and_then(|i| s.range.bands.get(i));
            let class = match band {
                Some(b) => format!("{} ({})", s.label(), b.interval()),
                None if s.range.bands.is_empty() => {
                    format!("{} (no thresholds: statements below)", s.label())
                }
                None => s.label().to_string(),
            };
            let value = format!("{} {}", censored(s.value), s.range.unit);
            (s.range.id.as_str(), value, class, s.range)
        })
        .collect();
    let w_id = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(6);
    let w_value = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let w_class = rows
        .iter()
        .map(|r| r.2.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let _ = writeln!(
        out,
        "  {:<w_id$}  {:>w_value$}  {:<w_class$}  source",
        "scheme", "value", "class"
    );
    for (id, value, class, range) in &rows {
        let _ = writeln!(
            out,
            "  {id:<w_id$}  {value:>w_value$}  {class:<w_class$}  {} [{}]",
            range.title,
            range.source.status.key()
        );
    }
    for s in schemes.iter().filter(|s| !s.range.statements.is_empty()) {
        for st in &s.range.statements {
            let _ = writeln!(out, "  {}: {}", s.range.id, st.text);
        }
    }
}

fn zonulin(out: &mut String, r: &Interpretation<'_>) {
    let Some(z) = &r.zonulin else { return };
    let _ = writeln!(
        out,
        "\nZonulin (immunoassay: zonulin-family-peptide immunoreactivity) — read these first:"
    );
    for c in r
        .caveats
        .iter()
        .filter(|c| c.code().starts_with("zonulin_"))
    {
        // A standing code's parts one per line: each is a point to read first.
        let parts = c.parts();
        let one = [*c];
        for p in if parts.is_empty() { &one[..] } else { parts } {
            let _ = writeln!(out, "  ! {}", p.text());
        }
        if !parts.is_empty() {
            let _ = writeln!(out, "    (caveat {})", c.code());
        }
    }
    let _ = writeln!(out, "  value: {}", z.value);
    match &z.range {
        Some(res) => range_line(out, res),
        None => {
            let _ = writeln!(out, "  class: unclassified (no range chosen)");
        }
    }
}

/// The text report: inputs with units, recoveries, ratio and class with the range used (id,
/// source, protocol), vitamin D under each scheme side by side, zonulin with its caveats first,
/// flags explained, caveats.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let sample = lmr::sample::from_fields([("vitamin_d", "40 nmol/L")], &registry)?;
/// let mut result = lmr::Interpretation::default();
/// interpreter.interpret(&sample, &mut result)?;
/// let text = lmr::report::to_text(&sample, &result);
/// // 40 nmol/L ÷ 2.496 = 16.03 ng/mL (× 400.64 g/mol ÷ 1000); IOM 2011: 30 ≤ 40 < 50
/// assert!(text.contains("40 nmol/L = 16.03 ng/mL"));
/// assert!(text.contains("at_risk_of_inadequacy (30 ≤ x < 50)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_text(sample: &Sample, r: &Interpretation<'_>) -> String {
    text_report(sample, r, "")
}

/// [`to_text`], and for an `unclassified` L:M ratio, the nearest named protocols (shipped or
/// loaded) and what differs from each.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let fields = [("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L"), ("lactulose_dose", "5 g"), ("mannitol_dose", "2 g")];
/// let sample = lmr::sample::from_fields(fields, &registry)?;
/// let mut result = lmr::Interpretation::default();
/// interpreter.interpret(&sample, &mut result)?;
/// // 5 g / 2 g without a collection window: no range matches, so the nearest protocols are named
/// let text = lmr::report::to_text_with_nearest(&interpreter, &sample, &result);
/// assert!(text.contains("nearest named protocol: dutch-sat-low-osmolar"));
/// assert!(!lmr::report::to_text(&sample, &result).contains("nearest named protocol"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_text_with_nearest(
    interpreter: &crate::interpretation::Interpreter<'_>,
    sample: &Sample,
    r: &Interpretation<'_>,
) -> String {
    let mut nearest = String::new();
    if r.lm_ratio.is_some() && r.lm.is_none() {
        for (p, gaps) in interpreter.nearest_protocols(sample) {
            let what: Vec<String> = gaps.iter().map(|g| g.to_string()).collect();
            let what = if what.is_empty() {
                same_doses_and_window(interpreter, sample)
            } else {
                what.join("; ")
            };
            let _ = writeln!(
                nearest,
                "  nearest named protocol: {} ({}); differs: {what}",
                p.id, p.title,
            );
        }
    }
    text_report(sample, r, &nearest)
}

/// What to say when a named protocol's doses and window match the sample's and the ratio is
/// still unclassified: the L:M ranges declaring those doses, and what keeps each from applying.
fn same_doses_and_window(
    interpreter: &crate::interpretation::Interpreter<'_>,
    sample: &Sample,
) -> String {
    let ranges: Vec<String> = interpreter
        .lm_ranges_fitting_protocol(sample)
        .iter()
        .map(|(range, d)| {
            let how = if range.selection == crate::reference::Selection::Explicit {
                format!("chosen only by name (--lm-range {})", range.id)
            } else {
                "automatic".to_string()
            };
            let d: Vec<String> = d.iter().map(|d| d.to_string()).collect();
            if d.is_empty() {
                format!("{}: {how}", range.id)
            } else {
                format!("{}: {how}; but {}", range.id, d.join(", "))
            }
        })
        .collect();
    if ranges.is_empty() {
        "nothing in doses or window; no loaded L:M range declares these doses (compare with a local reference interval or a z-score table: see `lmr ranges`)".into()
    } else {
        format!(
            "nothing in doses or window; L:M ranges declaring these doses: {}",
            ranges.join("; ")
        )
    }
}

fn text_report(sample: &Sample, r: &Interpretation<'_>, nearest: &str) -> String {
    let mut out = String::new();
    inputs(&mut out, sample);
    sugars(&mut out, sample, r);
    out.push_str(nearest);
    zscores(&mut out, r);
    vitamin_d(&mut out, r);
    zonulin(&mut out, r);
    if !r.flags.is_empty() {
        let _ = writeln!(out, "\nFlags");
        for code in r.flag_codes() {
            let hits: Vec<_> = r.flags.iter().filter(|h| h.flag.code() == code).collect();
            let _ = writeln!(out, "  {code}: {}", hits[0].flag.explanation());
            for h in hits {
                let _ = writeln!(out, "    - {}", describe_flag(h, r));
            }
        }
    }
    let rest: Vec<_> = r
        .caveats
        .iter()
        .filter(|c| !c.code().starts_with("zonulin_"))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(out, "\nCaveats");
        for c in rest {
            if c.parts().is_empty() {
                let _ = writeln!(out, "  {}: {}", c.code(), c.text());
            } else {
                let _ = writeln!(out, "  {}:", c.code());
                for p in c.parts() {
                    let _ = writeln!(out, "    - {}", p.text());
                }
            }
        }
    }
    out
}
