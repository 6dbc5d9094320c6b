//! A laboratory's own reference interval, one partition at a time, for people (text) and
//! programs (JSON): what `lmr reference-interval` prints.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::analyte::Analyte;
use crate::number::Number;
use crate::reference_interval::{
    partition_label, Limit, ReferenceInterval, ReferenceIntervalError,
};

/// One partition's reference interval (or why there is none) with the rows left out of it.
///
/// ```
/// use lmr::reference_interval::{establish, Options};
/// use lmr::report::IntervalReport;
/// use lmr::Analyte;
/// let values: Vec<f64> = (1..=120).map(|k| 0.5 * k as f64).collect();
/// let result = establish(&values, &Options::default());
/// let report = IntervalReport {
///     partition: vec![("site".into(), "A".into())],
///     analyte: Analyte::MannitolRecoveryPct,
///     unit: "%".into(),
///     censored: 2,
///     rejected: 0,
///     missing: 1,
///     off_protocol: 0,
///     result: &result,
/// };
/// assert_eq!(report.label(), "site=A");
/// // r = 0.025 × 121 = 3.025: 1.5 + 0.025 × 0.5 = 1.5125; r = 117.975: 58.9875 (4 digits: 58.99)
/// assert!(report.to_text().contains("nonparametric  1.513 – 58.99 (n 120)"));
/// let json = report.to_json();
/// assert_eq!(json["partition"]["site"], "A");
/// assert_eq!(json["censored_left_out"], 2);
/// // written by the output rule (10 significant digits): 1.5125, not 1.5125000000000013
/// assert_eq!(json["result"]["nonparametric"]["lower"]["value"], 1.5125);
/// ```
#[derive(Debug)]
pub struct IntervalReport<'a> {
    /// The partition: each `--by` column with this partition's value (empty: every row).
    pub partition: Vec<(String, String)>,
    /// The analyte.
    pub analyte: Analyte,
    /// Its unit as range files write it (`ratio`, `%`, `nmol/L`).
    pub unit: String,
    /// Rows left out because their value was censored (below or above a limit).
    pub censored: u64,
    /// Rows left out because an input the value needs was rejected (the row's `error`).
    pub rejected: u64,
    /// Rows left out because they had no value.
    pub missing: u64,
    /// Rows left out because their doses or window were not those of the protocol named.
    pub off_protocol: u64,
    /// The interval, or why it could not be established.
    pub result: &'a Result<ReferenceInterval, ReferenceIntervalError>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum IntervalJson<'a> {
    Interval {
        partition: Map<String, Value>,
        analyte: &'static str,
        unit: &'a str,
        censored_left_out: u64,
        missing: u64,
        rejected_left_out: u64,
        off_protocol_left_out: u64,
        result: &'a ReferenceInterval,
        warnings: Vec<String>,
    },
    Failed {
        partition: String,
        error: String,
    },
}

/// `v` with every fractional number written by the output rule ([`crate::number::json`]: 10
/// significant digits), so an interpolated limit is 1.5125, not 1.5125000000000013.
fn written(v: Value) -> Value {
    match v {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            n.as_f64().map_or(Value::Number(n), crate::number::json)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(written).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, written(v))).collect()),
        other => other,
    }
}

/// A number in the text report (JSON keeps every significant digit the output rule allows).
fn sig(x: f64) -> String {
    Number::text(x).to_string()
}

impl IntervalReport<'_> {
    /// `site=A, sex=F`, or `all rows` when the rows are not partitioned.
    ///
    /// ```
    /// use lmr::report::IntervalReport;
    /// let result = lmr::reference_interval::establish(&[], &Default::default());
    /// let report = IntervalReport { partition: vec![("site".into(), "A".into()), ("sex".into(), "F".into())],
    ///     analyte: lmr::Analyte::LmRatio, unit: "ratio".into(), censored: 0, rejected: 0, missing: 0, off_protocol: 0, result: &result };
    /// assert_eq!(report.label(), "site=A, sex=F");
    /// assert_eq!(IntervalReport { partition: Vec::new(), ..report }.label(), "all rows");
    /// ```
    pub fn label(&self) -> String {
        partition_label(&self.partition)
    }

    /// The partition as JSON: counts, every estimate (`result`) and the warnings as sentences; or
    /// `{"partition": label, "error": …}` when no interval could be established. Numbers follow
    /// the output rule ([`crate::number`]).
    ///
    /// ```
    /// use lmr::report::IntervalReport;
    /// let result = lmr::reference_interval::establish(&[], &Default::default()); // no values
    /// let report = IntervalReport { partition: Vec::new(), analyte: lmr::Analyte::VitaminD25oh,
    ///     unit: "nmol/L".into(), censored: 0, rejected: 0, missing: 3, off_protocol: 0, result: &result };
    /// let v = report.to_json();
    /// assert_eq!(v["partition"], "all rows");
    /// assert_eq!(v["error"], "no values: a reference interval needs reference individuals");
    /// ```
    pub fn to_json(&self) -> Value {
        let view = match self.result {
            Ok(r) => IntervalJson::Interval {
                partition: self
                    .partition
                    .iter()
                    .map(|(b, k)| (b.clone(), Value::String(k.clone())))
                    .collect(),
                analyte: self.analyte.key(),
                unit: &self.unit,
                censored_left_out: self.censored,
                missing: self.missing,
                rejected_left_out: self.rejected,
                off_protocol_left_out: self.off_protocol,
                result: r,
                warnings: r.warnings.iter().map(|w| w.to_string()).collect(),
            },
            Err(e) => IntervalJson::Failed {
                partition: self.label(),
                error: e.to_string(),
            },
        };
        written(serde_json::to_value(view).unwrap_or_default())
    }

    /// The partition for people: counts, the recommended estimate with its confidence intervals,
    /// every estimate made, rows left out and the warnings.
    ///
    /// ```
    /// use lmr::report::IntervalReport;
    /// let result = lmr::reference_interval::establish(&[], &Default::default());
    /// let report = IntervalReport { partition: vec![("site".into(), "B".into())], analyte: lmr::Analyte::LmRatio,
    ///     unit: "ratio".into(), censored: 0, rejected: 0, missing: 0, off_protocol: 0, result: &result };
    /// assert_eq!(report.to_text(), "site=B: no interval: no values: a reference interval needs reference individuals\n");
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let label = self.label();
        let r = match self.result {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(out, "{label}: no interval: {e}");
                return out;
            }
        };
        let _ = writeln!(
            out,
            "{label}: {} ({}); n = {} ({} used, {} excluded; {} censored, {} with a rejected input and {} missing left out)",
            self.analyte.key(),
            self.unit,
            r.n_input,
            r.n_used,
            r.excluded.len(),
            self.censored,
            self.rejected,
            self.missing
        );
        if let Some(e) = r.recommended() {
            let ci = |l: &Limit| {
                l.ci.as_ref()
                    .map_or(String::from("CI not computable"), |c| {
                        format!("90 % CI {}–{}", sig(c.lower), sig(c.upper))
                    })
            };
            let _ = writeln!(
                out,
                "  recommended ({}): {} – {}   (lower {}; upper {})",
                e.method.label(),
                sig(e.lower.value),
                sig(e.upper.value),
                ci(&e.lower),
                ci(&e.upper)
            );
        }
        for (name, est) in [
            ("nonparametric", &r.nonparametric),
            ("log-normal", &r.lognormal),
            ("robust", &r.robust),
        ] {
            if let Some(e) = est {
                let scale = if e.log_scale { ", on ln x" } else { "" };
                let _ = writeln!(
                    out,
                    "  {name:<14} {} – {} (n {}{scale})",
                    sig(e.lower.value),
                    sig(e.upper.value),
                    e.n
                );
            }
        }
        if self.off_protocol > 0 {
            let _ = writeln!(
                out,
                "  {} row(s) left out: their doses or window are not those of --protocol",
                self.off_protocol
            );
        }
        for w in &r.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        out
    }
}
