//! What an estimator returns: a method, two limits and their confidence intervals.

use std::fmt;

use serde::Serialize;

/// How a pair of reference limits was estimated.
///
/// ```
/// use lmr::reference_interval::Method;
/// assert_eq!(Method::LogNormal.key(), "lognormal");
/// assert_eq!(Method::Robust.to_string(), "robust");
/// assert!(Method::Nonparametric.label().contains("CLSI EP28-A3c"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// CLSI EP28-A3c nonparametric: rank-based percentiles, binomial order-statistic CIs.
    Nonparametric,
    /// Horn & Pesce robust method (biweight), as in CLSI EP28-A3c Appendix B; no CIs.
    Robust,
    /// Parametric log-normal: mean ± z·SD of ln x, back-transformed.
    LogNormal,
}

impl Method {
    /// `nonparametric`, `robust` or `lognormal`.
    ///
    /// ```
    /// use lmr::reference_interval::Method;
    /// assert_eq!(Method::LogNormal.key(), "lognormal");
    /// assert_eq!(Method::Robust.to_string(), "robust");
    /// assert!(Method::Nonparametric.label().contains("CLSI EP28-A3c"));
    /// ```
    pub fn key(self) -> &'static str {
        match self {
            Method::Nonparametric => "nonparametric",
            Method::Robust => "robust",
            Method::LogNormal => "lognormal",
        }
    }

    /// A label for people, naming the method and its source.
    ///
    /// ```
    /// use lmr::reference_interval::Method;
    /// assert_eq!(Method::LogNormal.key(), "lognormal");
    /// assert_eq!(Method::Robust.to_string(), "robust");
    /// assert!(Method::Nonparametric.label().contains("CLSI EP28-A3c"));
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Method::Nonparametric => {
                "nonparametric (CLSI EP28-A3c: rank r = p(n+1), interpolated; 90 % CIs from order statistics, binomial)"
            }
            Method::Robust => {
                "robust (Horn & Pesce biweight method, CLSI EP28-A3c Appendix B; no confidence intervals)"
            }
            Method::LogNormal => {
                "parametric log-normal (mean ± z·SD of ln x, back-transformed; approximate CIs)"
            }
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A confidence interval of one reference limit.
///
/// ```
/// use lmr::reference_interval::{nonparametric, Method};
/// let x: Vec<f64> = (1..=120).map(f64::from).collect();
/// let e = nonparametric(&x, 0.95, 0.90)?.unwrap();
/// assert_eq!((e.method, e.n), (Method::Nonparametric, 120));
/// // r = 0.025 × 121 = 3.025 → 3.025; r = 0.975 × 121 = 117.975 → 117.975
/// approx::assert_relative_eq!(e.lower.value, 3.025, max_relative = 1e-12);
/// approx::assert_relative_eq!(e.upper.value, 117.975, max_relative = 1e-12);
/// // 90 % CI of the lower limit: order statistics 1 to 7
/// let ci = e.lower.ci.unwrap();
/// assert_eq!((ci.lower, ci.upper, ci.ranks), (1.0, 7.0, Some((1, 7))));
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfidenceInterval {
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
    /// The nominal confidence (0.90).
    pub confidence: f64,
    /// Nonparametric only: the 1-based ranks of the order statistics used.
    pub ranks: Option<(usize, usize)>,
    /// Nonparametric only: the exact binomial coverage of those ranks (≥ `confidence`).
    pub coverage: Option<f64>,
}

/// One reference limit.
///
/// ```
/// use lmr::reference_interval::{nonparametric, Method};
/// let x: Vec<f64> = (1..=120).map(f64::from).collect();
/// let e = nonparametric(&x, 0.95, 0.90)?.unwrap();
/// assert_eq!((e.method, e.n), (Method::Nonparametric, 120));
/// // r = 0.025 × 121 = 3.025 → 3.025; r = 0.975 × 121 = 117.975 → 117.975
/// approx::assert_relative_eq!(e.lower.value, 3.025, max_relative = 1e-12);
/// approx::assert_relative_eq!(e.upper.value, 117.975, max_relative = 1e-12);
/// // 90 % CI of the lower limit: order statistics 1 to 7
/// let ci = e.lower.ci.unwrap();
/// assert_eq!((ci.lower, ci.upper, ci.ranks), (1.0, 7.0, Some((1, 7))));
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Limit {
    /// The percentile it estimates (0.025 or 0.975).
    pub p: f64,
    /// The estimate.
    pub value: f64,
    /// Its confidence interval, when it can be computed.
    pub ci: Option<ConfidenceInterval>,
}

/// A pair of reference limits estimated by one method.
///
/// ```
/// use lmr::reference_interval::{nonparametric, Method};
/// let x: Vec<f64> = (1..=120).map(f64::from).collect();
/// let e = nonparametric(&x, 0.95, 0.90)?.unwrap();
/// assert_eq!((e.method, e.n), (Method::Nonparametric, 120));
/// // r = 0.025 × 121 = 3.025 → 3.025; r = 0.975 × 121 = 117.975 → 117.975
/// approx::assert_relative_eq!(e.lower.value, 3.025, max_relative = 1e-12);
/// approx::assert_relative_eq!(e.upper.value, 117.975, max_relative = 1e-12);
/// // 90 % CI of the lower limit: order statistics 1 to 7
/// let ci = e.lower.ci.unwrap();
/// assert_eq!((ci.lower, ci.upper, ci.ranks), (1.0, 7.0, Some((1, 7))));
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// How they were estimated.
    pub method: Method,
    /// Whether the estimate was made on ln x and back-transformed.
    pub log_scale: bool,
    /// The number of values it was computed from.
    pub n: usize,
    /// The lower reference limit.
    pub lower: Limit,
    /// The upper reference limit.
    pub upper: Limit,
}
