//! What an estimator returns: a method, two limits and their confidence intervals.

use std::fmt;

use serde::Serialize;

/// How a pair of reference limits was estimated.
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
    pub fn key(self) -> &'static str {
        match self {
            Method::Nonparametric => "nonparametric",
            Method::Robust => "robust",
            Method::LogNormal => "lognormal",
        }
    }

    /// A label for people, naming the method and its source.
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
