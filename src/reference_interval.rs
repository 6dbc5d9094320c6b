//! A laboratory's own reference interval from its healthy reference individuals (CLSI EP28-A3c).
//!
//! Published lactulose : mannitol cut-offs are protocol-specific, so a laboratory should establish
//! its own interval. This module holds the statistics behind `lmr reference-interval`; it takes a
//! slice of values per partition (one analyte, one group) and returns every estimate it can make,
//! each labelled with its method, with typed [`Warning`]s instead of printed messages.
//!
//! * [`nonparametric`]: the CLSI EP28-A3c method. Rank-based 2.5th and 97.5th percentiles (rank
//!   `r = p(n + 1)`, interpolated between order statistics) and 90 % confidence intervals of each
//!   limit from order statistics via the binomial distribution.
//! * [`robust`]: Horn & Pesce's robust method (biweight location and scale), which EP28-A3c
//!   offers for small groups (its Appendix B).
//! * [`lognormal`]: a parametric estimate, mean ± z·SD of ln x back-transformed, with approximate
//!   confidence intervals of each limit.
//! * [`dixon`] and [`tukey`]: outlier screening. Flagged values are reported; [`establish`]
//!   excludes only what [`Options::exclude`] says (by default: Dixon's rule, as EP28-A3c does).
//! * [`range_file_toml`] / [`write_range_file`]: the result as a range file
//!   (`docs/range-format.md`) with `status = "local"`, loadable with
//!   [`crate::reference::Registry::load_path`].
//!
//! The method, its sources and the choices made are described in `docs/reference-interval.md`.
//!
//! ```
//! use lmr::reference_interval::{establish, Method, Options, Warning};
//!
//! // 150 healthy individuals' L:M ratios (here: made up, evenly spread)
//! let values: Vec<f64> = (1..=150).map(|i| 0.005 + 0.0002 * i as f64).collect();
//! let ri = establish(&values, &Options::default())?;
//! let np = ri.nonparametric.as_ref().expect("n = 150 is enough");
//! assert_eq!(np.method, Method::Nonparametric);
//! // r = 0.025 × 151 = 3.775: x(3) + 0.775 × (x(4) − x(3)) = 0.0056 + 0.775 × 0.0002
//! approx::assert_relative_eq!(np.lower.value, 0.005755, max_relative = 1e-12);
//! // 90 % CI of the lower limit: ranks 1 to 8 for n = 150
//! assert_eq!(np.lower.ci.as_ref().unwrap().ranks, Some((1, 8)));
//! assert!(ri.warnings.is_empty());
//!
//! // Below 120 individuals the guideline minimum is not met, and the result says so.
//! let ri = establish(&values[..60], &Options::default())?;
//! assert!(ri.warnings.iter().any(|w| matches!(w, Warning::BelowGuidelineMinimum { n: 60, .. })));
//! assert_eq!(ri.recommended().unwrap().method, Method::LogNormal);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::Path;
use std::time::SystemTime;

use serde::Serialize;
use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal, StudentsT};

use crate::protocol::Sex;
use crate::reference::{Analyte, Matrix, RangeFileError, Registry};

/// The number of reference individuals per partition that CLSI EP28-A3c asks for when the
/// interval is estimated nonparametrically (it is also the smallest round number for which the
/// 90 % confidence intervals of the 2.5th and 97.5th percentiles exist, see [`minimum_n_for_ci`]).
pub const GUIDELINE_MINIMUM_N: usize = 120;

/// Tukey's multiplier of the interquartile range for the fences (Tukey 1977).
pub const TUKEY_K: f64 = 1.5;

/// Input that cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceIntervalError {
    /// No values were given.
    #[error("no values: a reference interval needs reference individuals")]
    Empty,
    /// A value is NaN or infinite.
    #[error("value #{index} ({value}) is not a finite number")]
    NotFinite {
        /// Its position in the input (0-based).
        index: usize,
        /// The value.
        value: f64,
    },
    /// An option is out of its range.
    #[error("option {name} = {value}: {expected}")]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// Its value.
        value: f64,
        /// What it must be.
        expected: &'static str,
    },
}

/// A range file that cannot be written from a result.
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
// Percentiles and their confidence intervals
// ---------------------------------------------------------------------------------------------

/// Snaps a rank that is an integer up to floating-point error (0.025 × 40 is not exactly 1).
fn snap(r: f64) -> f64 {
    let k = r.round();
    if (r - k).abs() <= 1e-9 * r.abs().max(1.0) {
        k
    } else {
        r
    }
}

/// The rank of the `p`-th quantile among `n` ordered values, as CLSI EP28-A3c defines it.
///
/// ```text
/// r = p · (n + 1)
/// ```
///
/// e.g. for n = 120 the 2.5th percentile has rank 0.025 × 121 = 3.025 and the 97.5th rank
/// 0.975 × 121 = 117.975.
pub fn percentile_rank(n: usize, p: f64) -> f64 {
    snap(p * (n as f64 + 1.0))
}

/// The `p`-th quantile of values sorted in increasing order, by the CLSI EP28-A3c rule, or `None`
/// when the rank falls outside `1..=n` (too few values for that percentile).
///
/// ```text
/// r = p · (n + 1),  k = ⌊r⌋,  f = r − k
/// Q(p) = x(k) + f · (x(k+1) − x(k))        (x(1) ≤ … ≤ x(n); Q(p) = x(n) when r = n)
/// ```
///
/// This is the "p(n + 1)" (Weibull; Hyndman & Fan 1996 type 6) definition. The 2.5th percentile
/// needs r ≥ 1, i.e. n ≥ 39.
///
/// ```
/// use lmr::reference_interval::percentile_sorted;
/// let x = [1.0, 2.0, 3.0, 4.0];
/// // r = 0.5 × 5 = 2.5: 2 + 0.5 × (3 − 2)
/// assert_eq!(percentile_sorted(&x, 0.5), Some(2.5));
/// assert_eq!(percentile_sorted(&x, 0.025), None); // r = 0.125 < 1
/// ```
pub fn percentile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let r = percentile_rank(n, p);
    if r < 1.0 || r > n as f64 {
        return None;
    }
    let k = r.floor() as usize; // 1-based, 1 ≤ k ≤ n
    let f = r - k as f64;
    let lo = sorted[k - 1];
    if f == 0.0 || k == n {
        return Some(lo);
    }
    Some(lo + f * (sorted[k] - lo))
}

/// The 1-based ranks `(r1, r2)` of the order statistics that bound a `confidence` (e.g. 0.90)
/// confidence interval of the `p`-th quantile of `n` values, or `None` when `n` is too small.
///
/// The number K of the n values at or below the true quantile ξp is binomial, K ~ B(n, p), so
/// that P(x(r) > ξp) = P(K ≤ r − 1) and P(x(s) < ξp) = P(K ≥ s). With α = (1 − confidence) / 2
/// in each tail:
///
/// ```text
/// r1 = the largest  r with P(K ≤ r − 1) ≤ α       (F = binomial CDF, n, p)
/// r2 = the smallest s with P(K ≥ s)     ≤ α
/// P(x(r1) ≤ ξp ≤ x(r2)) = F(r2 − 1) − F(r1 − 1) ≥ confidence
/// ```
///
/// For p = 0.025 and n = 120 this gives ranks 1 to 7, and for p = 0.975 ranks 114 to 120, the
/// values of the CLSI EP28-A3c table of nonparametric confidence intervals (which starts at
/// n = 119, the smallest n for which (1 − 0.025)ⁿ ≤ 0.05).
///
/// ```
/// use lmr::reference_interval::ci_ranks;
/// assert_eq!(ci_ranks(120, 0.025, 0.90), Some((1, 7)));
/// assert_eq!(ci_ranks(120, 0.975, 0.90), Some((114, 120)));
/// assert_eq!(ci_ranks(118, 0.025, 0.90), None);
/// ```
pub fn ci_ranks(n: usize, p: f64, confidence: f64) -> Option<(usize, usize)> {
    if n == 0 || !(p > 0.0 && p < 1.0 && confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let binom = Binomial::new(p, n as u64).ok()?;
    let alpha = (1.0 - confidence) / 2.0;
    // F(r − 1) grows with r: find the largest r in 1..=n with F(r − 1) ≤ α.
    if binom.cdf(0) > alpha {
        return None;
    }
    let (mut lo, mut hi) = (1usize, n); // invariant: F(lo − 1) ≤ α
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if binom.cdf((mid - 1) as u64) <= alpha {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let r1 = lo;
    // P(K ≥ s) = sf(s − 1) falls with s: find the smallest s in 1..=n with sf(s − 1) ≤ α.
    if binom.sf((n - 1) as u64) > alpha {
        return None;
    }
    let (mut lo, mut hi) = (1usize, n); // invariant: sf(hi − 1) ≤ α
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if binom.sf((mid - 1) as u64) <= alpha {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let r2 = hi;
    (r1 < r2).then_some((r1, r2))
}

/// The exact probability that the order statistics of ranks `(r1, r2)` enclose the `p`-th
/// quantile of `n` values:
///
/// ```text
/// P(r1 ≤ K ≤ r2 − 1) = 1 − F(r1 − 1) − P(K ≥ r2),   K ~ B(n, p)
/// ```
pub fn ci_coverage(n: usize, p: f64, ranks: (usize, usize)) -> Option<f64> {
    let (r1, r2) = ranks;
    if !(1 <= r1 && r1 < r2 && r2 <= n) {
        return None;
    }
    let binom = Binomial::new(p, n as u64).ok()?;
    let below = binom.cdf((r1 - 1) as u64);
    let above = binom.sf((r2 - 1) as u64);
    Some(1.0 - below - above)
}

/// The smallest n for which [`ci_ranks`] exists (119 for p = 0.025 and 90 % confidence).
///
/// ```text
/// for p < 0.5: the smallest n with (1 − p)ⁿ ≤ (1 − confidence) / 2
/// ```
pub fn minimum_n_for_ci(p: f64, confidence: f64) -> Option<usize> {
    if !(p > 0.0 && p < 1.0 && confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let alpha = (1.0 - confidence) / 2.0;
    let q = p.min(1.0 - p);
    // (1 − q)ⁿ ≤ α: start just below the closed form and step up to absorb rounding.
    let guess = ((alpha.ln() / (1.0 - q).ln()).floor() as usize)
        .saturating_sub(2)
        .max(1);
    (guess..guess + 10_000).find(|&n| ci_ranks(n, p, confidence).is_some())
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

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

/// Tukey's fences and the values outside them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TukeyFences {
    /// Whether the quartiles were taken of ln x (the fences are reported back-transformed).
    pub log_scale: bool,
    /// First quartile (on the original scale).
    pub q1: f64,
    /// Third quartile (on the original scale).
    pub q3: f64,
    /// Lower fence (on the original scale).
    pub lower_fence: f64,
    /// Upper fence (on the original scale).
    pub upper_fence: f64,
    /// Input positions (0-based) of the values below the lower or above the upper fence.
    pub flagged: Vec<usize>,
}

/// Which flagged values [`establish`] leaves out of the estimates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// None: every flag is reported, nothing is excluded.
    None,
    /// Values flagged by Dixon's D/R rule (the default, as CLSI EP28-A3c recommends it).
    #[default]
    Dixon,
    /// Values outside Tukey's fences.
    Tukey,
    /// Values flagged by either rule.
    Both,
}

/// A fact about a result that its reader must know. Nothing is printed: the caller shows these.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// Fewer reference individuals than the guideline's minimum (120 per partition).
    BelowGuidelineMinimum {
        /// The number used.
        n: usize,
        /// The guideline minimum.
        minimum: usize,
    },
    /// The nonparametric percentiles exist but their confidence intervals do not (needs
    /// `minimum` values: 119 for the 2.5th/97.5th percentiles at 90 %).
    NonparametricCiUnavailable {
        /// The number used.
        n: usize,
        /// The smallest n with the intervals.
        minimum: usize,
    },
    /// Too few values for the nonparametric percentiles at all (r = p(n+1) < 1; 39 for 2.5 %).
    NonparametricUnavailable {
        /// The number used.
        n: usize,
        /// The smallest n for the percentiles.
        minimum: usize,
    },
    /// The log-normal estimate (or log-scale screening) needs positive values.
    NonPositiveValues {
        /// How many values are ≤ 0.
        count: usize,
    },
    /// Tukey's fences were asked for on the log scale, but some values are ≤ 0: computed on the
    /// original scale instead.
    TukeyOnOriginalScale,
    /// The robust estimate could not be computed (fewer than 2 values, or more than half the
    /// values equal, so the median absolute deviation is 0).
    RobustUnavailable,
    /// Values were excluded as outliers (their positions are in
    /// [`ReferenceInterval::excluded`]).
    OutliersExcluded {
        /// How many.
        count: usize,
        /// By which rule(s).
        rule: Exclusion,
    },
    /// Values were flagged as outliers but kept (the caller decides).
    OutliersFlaggedNotExcluded {
        /// How many.
        count: usize,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::BelowGuidelineMinimum { n, minimum } => write!(
                f,
                "{n} reference individuals, fewer than the {minimum} per partition CLSI EP28-A3c asks for: treat the limits as provisional"
            ),
            Warning::NonparametricCiUnavailable { n, minimum } => write!(
                f,
                "the 90 % confidence intervals of nonparametric limits need at least {minimum} values ({n} given): not computed"
            ),
            Warning::NonparametricUnavailable { n, minimum } => write!(
                f,
                "the nonparametric percentiles need at least {minimum} values ({n} given): not computed"
            ),
            Warning::NonPositiveValues { count } => write!(
                f,
                "{count} value(s) ≤ 0: no log-normal estimate"
            ),
            Warning::TukeyOnOriginalScale => f.write_str(
                "values ≤ 0 present: Tukey's fences computed on the original scale, not on ln x"
            ),
            Warning::RobustUnavailable => f.write_str(
                "robust estimate not computed (fewer than 2 values, or the median absolute deviation is 0)"
            ),
            Warning::OutliersExcluded { count, rule } => write!(
                f,
                "{count} value(s) excluded as outliers ({} rule)",
                match rule {
                    Exclusion::None => "no",
                    Exclusion::Dixon => "Dixon D/R > 1/3",
                    Exclusion::Tukey => "Tukey fence",
                    Exclusion::Both => "Dixon or Tukey",
                }
            ),
            Warning::OutliersFlaggedNotExcluded { count } => write!(
                f,
                "{count} value(s) flagged as possible outliers and kept: inspect them"
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/// Checks that there are values and that all are finite.
fn check_values(values: &[f64]) -> Result<(), ReferenceIntervalError> {
    if values.is_empty() {
        return Err(ReferenceIntervalError::Empty);
    }
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(ReferenceIntervalError::NotFinite {
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Input positions ordered by value (ties keep input order).
fn order(values: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    idx
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

fn fraction(name: &'static str, value: f64) -> Result<f64, ReferenceIntervalError> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(ReferenceIntervalError::InvalidOption {
            name,
            value,
            expected: "a fraction strictly between 0 and 1",
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Outliers
// ---------------------------------------------------------------------------------------------

/// Dixon's D/R rule as CLSI EP28-A3c describes it (after Dixon 1953 and Reed, Henry & Mason 1971):
/// an extreme value is flagged when its gap to the next value exceeds one third of the range.
///
/// ```text
/// D = x(2) − x(1)  (lowest)   or   x(n) − x(n−1)  (highest);   R = x(n) − x(1)
/// flag when D / R > 1/3   (tested as 3·D > R)
/// ```
///
/// Both ends are tested; a flagged value is set aside and the test repeated on the remaining
/// values (with their own, smaller range) until neither end is flagged or fewer than 3 values
/// remain. All values equal (R = 0) flags nothing. Like every gap test it can miss a cluster of
/// two or more outliers at one end (masking), which [`tukey`] does not.
///
/// Returns the input positions (0-based, increasing) of the flagged values.
///
/// # Errors
/// [`ReferenceIntervalError::Empty`] or [`ReferenceIntervalError::NotFinite`].
///
/// ```
/// use lmr::reference_interval::dixon;
/// // R = 20 − 1 = 19, D = 20 − 5 = 15 > 19/3: flagged; then 1..5: R = 4, gaps 1: nothing
/// assert_eq!(dixon(&[3.0, 20.0, 1.0, 2.0, 4.0, 5.0])?, vec![1]);
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
pub fn dixon(values: &[f64]) -> Result<Vec<usize>, ReferenceIntervalError> {
    check_values(values)?;
    let idx = order(values);
    let x = |i: usize| values[idx[i]];
    let mut flagged = Vec::new();
    let (mut lo, mut hi) = (0usize, idx.len() - 1);
    while hi >= lo + 3 {
        let range = x(hi) - x(lo);
        if range <= 0.0 {
            break;
        }
        let low_out = 3.0 * (x(lo + 1) - x(lo)) > range;
        let high_out = 3.0 * (x(hi) - x(hi - 1)) > range;
        if !low_out && !high_out {
            break;
        }
        if low_out {
            flagged.push(idx[lo]);
            lo += 1;
        }
        if high_out {
            flagged.push(idx[hi]);
            hi -= 1;
        }
    }
    flagged.sort_unstable();
    Ok(flagged)
}

/// Tukey's fences (Tukey 1977), optionally on ln x as Horn et al. (Clin Chem 2001;47:2137–45)
/// recommend for skewed data, with quartiles by the same p(n + 1) rule as the percentiles
/// ([`percentile_sorted`]).
///
/// ```text
/// IQR = Q3 − Q1,   fences: Q1 − k·IQR and Q3 + k·IQR   (k = 1.5)
/// log scale: the same on y = ln x, back-transformed with exp
/// flagged: x < lower fence or x > upper fence
/// ```
///
/// Returns `Ok(None)` when there are fewer than 3 values (the quartiles' ranks need n ≥ 3).
///
/// # Errors
/// [`ReferenceIntervalError::Empty`], [`ReferenceIntervalError::NotFinite`], an
/// [`ReferenceIntervalError::InvalidOption`] for `k` not finite and > 0, or for `log_scale` with a
/// value ≤ 0 (`name = "log_scale"`, `value` = the first such value).
///
/// ```
/// use lmr::reference_interval::tukey;
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 30.0];
/// // Q1: r = 2.25 → 2.25; Q3: r = 6.75 → 6.75; IQR 4.5; fences −4.5 and 13.5
/// let t = tukey(&x, 1.5, false)?.unwrap();
/// assert_eq!((t.lower_fence, t.upper_fence), (-4.5, 13.5));
/// assert_eq!(t.flagged, vec![7]);
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
pub fn tukey(
    values: &[f64],
    k: f64,
    log_scale: bool,
) -> Result<Option<TukeyFences>, ReferenceIntervalError> {
    check_values(values)?;
    if !(k.is_finite() && k > 0.0) {
        return Err(ReferenceIntervalError::InvalidOption {
            name: "tukey_k",
            value: k,
            expected: "a finite number > 0",
        });
    }
    if log_scale {
        if let Some(&v) = values.iter().find(|&&v| v <= 0.0) {
            return Err(ReferenceIntervalError::InvalidOption {
                name: "log_scale",
                value: v,
                expected: "log-scale fences need every value > 0",
            });
        }
    }
    let fwd = |v: f64| if log_scale { v.ln() } else { v };
    let back = |v: f64| if log_scale { v.exp() } else { v };
    let y: Vec<f64> = values.iter().map(|&v| fwd(v)).collect();
    let s = sorted(&y);
    let (Some(q1), Some(q3)) = (percentile_sorted(&s, 0.25), percentile_sorted(&s, 0.75)) else {
        return Ok(None);
    };
    let iqr = q3 - q1;
    let (lf, uf) = (q1 - k * iqr, q3 + k * iqr);
    let flagged = y
        .iter()
        .enumerate()
        .filter(|&(_, &v)| v < lf || v > uf)
        .map(|(i, _)| i)
        .collect();
    Ok(Some(TukeyFences {
        log_scale,
        q1: back(q1),
        q3: back(q3),
        lower_fence: back(lf),
        upper_fence: back(uf),
        flagged,
    }))
}

// ---------------------------------------------------------------------------------------------
// Estimators
// ---------------------------------------------------------------------------------------------

/// The CLSI EP28-A3c nonparametric central interval of `values`.
///
/// ```text
/// p_lo = (1 − coverage) / 2,  p_hi = 1 − p_lo          (0.025 and 0.975)
/// limits: Q(p_lo), Q(p_hi) by percentile_sorted (r = p(n + 1), interpolated)
/// CI of each: [x(r1), x(r2)] with (r1, r2) = ci_ranks(n, p, confidence)
/// ```
///
/// Returns `Ok(None)` when the percentiles do not exist (n < 39 for a 95 % interval); a limit's
/// `ci` is `None` when its ranks do not exist (n < 119 for 90 % CIs of a 95 % interval).
///
/// # Errors
/// Empty or non-finite input; `coverage` or `confidence` not strictly between 0 and 1.
pub fn nonparametric(
    values: &[f64],
    coverage: f64,
    confidence: f64,
) -> Result<Option<Estimate>, ReferenceIntervalError> {
    check_values(values)?;
    let coverage = fraction("coverage", coverage)?;
    let confidence = fraction("confidence", confidence)?;
    let x = sorted(values);
    let n = x.len();
    let p_lo = (1.0 - coverage) / 2.0;
    let p_hi = 1.0 - p_lo;
    let limit = |p: f64| -> Option<Limit> {
        let value = percentile_sorted(&x, p)?;
        let ci = ci_ranks(n, p, confidence).map(|(r1, r2)| ConfidenceInterval {
            lower: x[r1 - 1],
            upper: x[r2 - 1],
            confidence,
            ranks: Some((r1, r2)),
            coverage: ci_coverage(n, p, (r1, r2)),
        });
        Some(Limit { p, value, ci })
    };
    let (Some(lower), Some(upper)) = (limit(p_lo), limit(p_hi)) else {
        return Ok(None);
    };
    Ok(Some(Estimate {
        method: Method::Nonparametric,
        log_scale: false,
        n,
        lower,
        upper,
    }))
}

/// Median of sorted values.
fn median_sorted(s: &[f64]) -> f64 {
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// Biweight scale about `center` with tuning constant `c` and preliminary scale `scale`
/// (Horn & Pesce 1998); `with_n` multiplies by n (the scale itself) or not (the standard error
/// of the biweight location).
fn biweight_scale(y: &[f64], center: f64, c: f64, scale: f64, with_n: bool) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for &v in y {
        let u = (v - center) / (c * scale);
        if u.abs() < 1.0 {
            let w = 1.0 - u * u;
            num += u * u * w.powi(4);
            den += w * (1.0 - 5.0 * u * u);
        }
    }
    let den = den * (den - 1.0).max(1.0);
    let n = if with_n { y.len() as f64 } else { 1.0 };
    let s = c * scale * (n * num / den).sqrt();
    (den > 0.0 && s.is_finite()).then_some(s)
}

/// Horn & Pesce's robust central interval (Horn PS, Pesce AJ, Copeland BE. Clin Chem
/// 1998;44:622–31), the robust method of CLSI EP28-A3c (Appendix B), for small groups. On
/// `log_scale` it is computed on ln x and back-transformed (the method assumes symmetry).
///
/// ```text
/// M = median, MAD = median |x − M|, S = MAD / 0.6745
/// location: T ← Σ w·x / Σ w,  w = (1 − u²)² for |u| < 1 else 0,  u = (x − T)/(3.7·S),
///           from T = M until |ΔT| < 1e-10·(|T| + S)
/// s_bi(c) = c·S·√( n Σ u²(1 − u²)⁴ / (D · max(1, D − 1)) ),  D = Σ (1 − u²)(1 − 5u²),
///           u = (x − M)/(c·S), sums over |u| < 1
/// s_T     = 3.7·s_bi(3.7)·√( Σ u²(1 − u²)⁴ / (D · max(1, D − 1)) ),  u = (x − T)/(3.7·s_bi(3.7))
/// limits: T ∓ t(1 − p_lo; n − 1) · √( s_bi(205.6)² + s_T² )
/// ```
///
/// Confidence intervals of the robust limits need a bootstrap (Horn & Pesce); they are not
/// computed (`ci` is `None`). Returns `Ok(None)` for fewer than 2 values or a MAD of 0 (more
/// than half the values equal).
///
/// # Errors
/// Empty or non-finite input; `coverage` not strictly between 0 and 1; `log_scale` with a value
/// ≤ 0.
pub fn robust(
    values: &[f64],
    coverage: f64,
    log_scale: bool,
) -> Result<Option<Estimate>, ReferenceIntervalError> {
    check_values(values)?;
    let coverage = fraction("coverage", coverage)?;
    if log_scale {
        if let Some(&v) = values.iter().find(|&&v| v <= 0.0) {
            return Err(ReferenceIntervalError::InvalidOption {
                name: "log_scale",
                value: v,
                expected: "a log-scale estimate needs every value > 0",
            });
        }
    }
    let y: Vec<f64> = values
        .iter()
        .map(|&v| if log_scale { v.ln() } else { v })
        .collect();
    let n = y.len();
    if n < 2 {
        return Ok(None);
    }
    let s = sorted(&y);
    let m = median_sorted(&s);
    let mad = median_sorted(&sorted(
        &s.iter().map(|v| (v - m).abs()).collect::<Vec<_>>(),
    ));
    let scale = mad / 0.6745;
    if !scale.is_finite() || scale <= 0.0 {
        return Ok(None);
    }
    let mut t = m;
    for _ in 0..1000 {
        let (mut sw, mut swx) = (0.0, 0.0);
        for &v in &y {
            let u = (v - t) / (3.7 * scale);
            if u.abs() < 1.0 {
                let w = (1.0 - u * u).powi(2);
                sw += w;
                swx += w * v;
            }
        }
        if sw <= 0.0 {
            return Ok(None);
        }
        let next = swx / sw;
        let done = (next - t).abs() < 1e-10 * (t.abs() + scale);
        t = next;
        if done {
            break;
        }
    }
    let Some(s_wide) = biweight_scale(&y, m, 205.6, scale, true) else {
        return Ok(None);
    };
    let Some(s_37) = biweight_scale(&y, m, 3.7, scale, true) else {
        return Ok(None);
    };
    let Some(s_t) = biweight_scale(&y, t, 3.7, s_37, false) else {
        return Ok(None);
    };
    let p_lo = (1.0 - coverage) / 2.0;
    let Ok(student) = StudentsT::new(0.0, 1.0, (n - 1) as f64) else {
        return Ok(None);
    };
    let half = student.inverse_cdf(1.0 - p_lo) * (s_wide * s_wide + s_t * s_t).sqrt();
    let back = |v: f64| if log_scale { v.exp() } else { v };
    Ok(Some(Estimate {
        method: Method::Robust,
        log_scale,
        n,
        lower: Limit {
            p: p_lo,
            value: back(t - half),
            ci: None,
        },
        upper: Limit {
            p: 1.0 - p_lo,
            value: back(t + half),
            ci: None,
        },
    }))
}

/// The parametric log-normal central interval, with approximate confidence intervals of each
/// limit.
///
/// ```text
/// y = ln x,  ȳ = mean,  s = SD (n − 1 denominator),  z = Φ⁻¹(1 − p_lo)   (1.959964 for 95 %)
/// limits: exp(ȳ − z·s), exp(ȳ + z·s)
/// SE(ȳ ± z·s) ≈ s·√( 1/n + z² / (2(n − 1)) )        (Var ȳ = σ²/n, Var s ≈ σ²/(2(n − 1)))
/// CI of each limit: exp(ȳ ± z·s ∓ z_c·SE),  z_c = Φ⁻¹((1 + confidence)/2)   (1.644854 for 90 %)
/// ```
///
/// The standard-error formula is the usual large-sample one for a normal percentile estimate
/// (e.g. Harris & Boyd, Statistical Bases of Reference Values in Laboratory Medicine, 1995); it is
/// approximate for small n. Returns `Ok(None)` for fewer than 2 values.
///
/// # Errors
/// Empty or non-finite input; `coverage` or `confidence` not strictly between 0 and 1; a value
/// ≤ 0 (`InvalidOption` named `values`).
pub fn lognormal(
    values: &[f64],
    coverage: f64,
    confidence: f64,
) -> Result<Option<Estimate>, ReferenceIntervalError> {
    check_values(values)?;
    let coverage = fraction("coverage", coverage)?;
    let confidence = fraction("confidence", confidence)?;
    if let Some(&v) = values.iter().find(|&&v| v <= 0.0) {
        return Err(ReferenceIntervalError::InvalidOption {
            name: "values",
            value: v,
            expected: "a log-normal estimate needs every value > 0",
        });
    }
    let n = values.len();
    if n < 2 {
        return Ok(None);
    }
    let y: Vec<f64> = values.iter().map(|v| v.ln()).collect();
    let nf = n as f64;
    let mean = y.iter().sum::<f64>() / nf;
    let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt();
    let Ok(std_normal) = Normal::new(0.0, 1.0) else {
        return Ok(None);
    };
    let p_lo = (1.0 - coverage) / 2.0;
    let z = std_normal.inverse_cdf(1.0 - p_lo);
    let zc = std_normal.inverse_cdf((1.0 + confidence) / 2.0);
    let se = sd * (1.0 / nf + z * z / (2.0 * (nf - 1.0))).sqrt();
    let limit = |p: f64, ln_value: f64| Limit {
        p,
        value: ln_value.exp(),
        ci: Some(ConfidenceInterval {
            lower: (ln_value - zc * se).exp(),
            upper: (ln_value + zc * se).exp(),
            confidence,
            ranks: None,
            coverage: None,
        }),
    };
    Ok(Some(Estimate {
        method: Method::LogNormal,
        log_scale: true,
        n,
        lower: limit(p_lo, mean - z * sd),
        upper: limit(1.0 - p_lo, mean + z * sd),
    }))
}

// ---------------------------------------------------------------------------------------------
// Everything for one partition
// ---------------------------------------------------------------------------------------------

/// Options of [`establish`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Options {
    /// Central fraction of the reference population the interval holds (0.95).
    pub coverage: f64,
    /// Confidence of the intervals of each limit (0.90).
    pub confidence: f64,
    /// Which flagged values to leave out (default: [`Exclusion::Dixon`]).
    pub exclude: Exclusion,
    /// Tukey's multiplier (1.5).
    pub tukey_k: f64,
    /// Tukey's fences on ln x (default `true`: permeability ratios and recoveries are
    /// right-skewed; falls back to the original scale, with a warning, if a value is ≤ 0).
    pub tukey_log: bool,
    /// The robust estimate on ln x (default `false`: EP28-A3c applies it to the values as given,
    /// or to values the user has transformed). Falls back to the original scale when a value is
    /// ≤ 0; [`Estimate::log_scale`] says which was used.
    pub robust_log: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            coverage: 0.95,
            confidence: 0.90,
            exclude: Exclusion::Dixon,
            tukey_k: TUKEY_K,
            tukey_log: true,
            robust_log: false,
        }
    }
}

/// Every estimate [`establish`] could make for one partition, with the outlier screening and
/// the warnings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReferenceInterval {
    /// The options used.
    pub options: Options,
    /// Number of values given.
    pub n_input: usize,
    /// Number of values the estimates use (`n_input` − excluded).
    pub n_used: usize,
    /// Input positions (0-based) flagged by Dixon's rule ([`dixon`]).
    pub dixon: Vec<usize>,
    /// Tukey's fences and flags ([`tukey`]); `None` for fewer than 3 values.
    pub tukey: Option<TukeyFences>,
    /// Input positions (0-based, increasing) left out of the estimates.
    pub excluded: Vec<usize>,
    /// CLSI EP28-A3c nonparametric estimate (n ≥ 39; CIs from n ≥ 119).
    pub nonparametric: Option<Estimate>,
    /// Horn & Pesce robust estimate.
    pub robust: Option<Estimate>,
    /// Parametric log-normal estimate (all values > 0).
    pub lognormal: Option<Estimate>,
    /// What the reader must know.
    pub warnings: Vec<Warning>,
}

impl ReferenceInterval {
    /// The estimate to report first: the nonparametric one when at least
    /// [`GUIDELINE_MINIMUM_N`] values were used; below that the log-normal one (permeability
    /// analytes are positive and right-skewed), else the robust one, else the nonparametric one.
    pub fn recommended(&self) -> Option<&Estimate> {
        if self.n_used >= GUIDELINE_MINIMUM_N {
            if let Some(np) = &self.nonparametric {
                return Some(np);
            }
        }
        self.lognormal
            .as_ref()
            .or(self.robust.as_ref())
            .or(self.nonparametric.as_ref())
    }

    /// The estimate made by `method`, if any.
    pub fn estimate(&self, method: Method) -> Option<&Estimate> {
        match method {
            Method::Nonparametric => self.nonparametric.as_ref(),
            Method::Robust => self.robust.as_ref(),
            Method::LogNormal => self.lognormal.as_ref(),
        }
    }
}

/// Screens `values` (one partition's reference individuals) for outliers, excludes what
/// `options.exclude` says, and makes every estimate the remaining values allow.
///
/// ```text
/// 1. dixon(values), tukey(values, k, log) — both always reported
/// 2. used = values without the excluded positions
/// 3. nonparametric(used), robust(used), lognormal(used) — each where it exists
/// 4. warnings: n_used < 120, CIs or percentiles unavailable, values ≤ 0, exclusions, flags kept
/// ```
///
/// # Errors
/// [`ReferenceIntervalError::Empty`] for no values, [`ReferenceIntervalError::NotFinite`] for a
/// NaN or infinite value (nothing is dropped silently), `InvalidOption` for options out of range.
pub fn establish(
    values: &[f64],
    options: &Options,
) -> Result<ReferenceInterval, ReferenceIntervalError> {
    check_values(values)?;
    let coverage = fraction("coverage", options.coverage)?;
    let confidence = fraction("confidence", options.confidence)?;
    let mut warnings = Vec::new();
    let dixon_flags = dixon(values)?;
    let non_positive = values.iter().filter(|&&v| v <= 0.0).count();
    let tukey_log = options.tukey_log && non_positive == 0;
    if options.tukey_log && !tukey_log {
        warnings.push(Warning::TukeyOnOriginalScale);
    }
    let tukey_fences = tukey(values, options.tukey_k, tukey_log)?;
    let tukey_flags: &[usize] = tukey_fences.as_ref().map_or(&[], |t| &t.flagged);

    let mut excluded: Vec<usize> = match options.exclude {
        Exclusion::None => Vec::new(),
        Exclusion::Dixon => dixon_flags.clone(),
        Exclusion::Tukey => tukey_flags.to_vec(),
        Exclusion::Both => dixon_flags.iter().chain(tukey_flags).copied().collect(),
    };
    excluded.sort_unstable();
    excluded.dedup();
    let mut flagged: Vec<usize> = dixon_flags.iter().chain(tukey_flags).copied().collect();
    flagged.sort_unstable();
    flagged.dedup();
    let kept_flags = flagged
        .iter()
        .filter(|i| excluded.binary_search(i).is_err())
        .count();

    let used: Vec<f64> = values
        .iter()
        .enumerate()
        .filter(|(i, _)| excluded.binary_search(i).is_err())
        .map(|(_, &v)| v)
        .collect();
    let n = used.len();
    if !excluded.is_empty() {
        warnings.push(Warning::OutliersExcluded {
            count: excluded.len(),
            rule: options.exclude,
        });
    }
    if kept_flags > 0 {
        warnings.push(Warning::OutliersFlaggedNotExcluded { count: kept_flags });
    }
    if n < GUIDELINE_MINIMUM_N {
        warnings.push(Warning::BelowGuidelineMinimum {
            n,
            minimum: GUIDELINE_MINIMUM_N,
        });
    }
    // Exclusion never removes every value: Dixon keeps at least 2, Tukey's fences hold the
    // quartiles. Guard anyway rather than index an empty slice.
    if used.is_empty() {
        return Err(ReferenceIntervalError::Empty);
    }
    let p_lo = (1.0 - coverage) / 2.0;
    let nonparametric = nonparametric(&used, coverage, confidence)?;
    match &nonparametric {
        None => warnings.push(Warning::NonparametricUnavailable {
            n,
            minimum: (1.0 / p_lo - 1.0 - 1e-9).ceil() as usize,
        }),
        Some(np) if np.lower.ci.is_none() || np.upper.ci.is_none() => {
            warnings.push(Warning::NonparametricCiUnavailable {
                n,
                minimum: minimum_n_for_ci(p_lo, confidence).unwrap_or(usize::MAX),
            })
        }
        Some(_) => {}
    }
    let positive = used.iter().all(|&v| v > 0.0);
    let robust = robust(&used, coverage, options.robust_log && positive)?;
    if robust.is_none() {
        warnings.push(Warning::RobustUnavailable);
    }
    let lognormal = if positive {
        lognormal(&used, coverage, confidence)?
    } else {
        warnings.push(Warning::NonPositiveValues {
            count: used.iter().filter(|&&v| v <= 0.0).count(),
        });
        None
    };
    Ok(ReferenceInterval {
        options: options.clone(),
        n_input: values.len(),
        n_used: n,
        dixon: dixon_flags,
        tukey: tukey_fences,
        excluded,
        nonparametric,
        robust,
        lognormal,
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// Range file
// ---------------------------------------------------------------------------------------------

/// What a written range file says beyond the numbers: identity, population, protocol, input.
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
    /// Age band of the partition in years, both ends inclusive.
    pub age_years: Option<(f64, f64)>,
    /// Doses of the protocol (urine sugars only): sugar name and amount, e.g. `("lactulose", "5 g")`.
    pub doses: Vec<(String, String)>,
    /// Urine collection window (urine sugars only), e.g. `"5 h"`.
    pub collection: Option<String>,
    /// The input file the values came from (named in the citation).
    pub input_file: String,
    /// The date the interval was derived (ISO 8601, e.g. from [`iso_date`]).
    pub date: String,
    /// Extra notes.
    pub notes: Option<String>,
}

impl RangeFileSpec {
    /// A spec with the required parts; the rest empty.
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
            age_years: None,
            doses: Vec::new(),
            collection: None,
            input_file: input_file.into(),
            date: date.into(),
            notes: None,
        }
    }
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_num(x: f64) -> String {
    toml::Value::Float(x).to_string()
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
        "Derived from the user's own reference individuals, not from a publication: it is as good as that group (selection, size, pre-analytical and analytical conditions). Outlier screening: Dixon D/R > 1/3 flagged {} value(s); Tukey fences (k = {}{}) flagged {}; excluded: {} ({:?} rule).",
        result.dixon.len(),
        result.options.tukey_k,
        if result.tukey.as_ref().is_some_and(|t| t.log_scale) { ", on ln x" } else { "" },
        result.tukey.as_ref().map_or(0, |t| t.flagged.len()),
        result.excluded.len(),
        result.options.exclude
    )];
    notes.extend(result.warnings.iter().map(|w| format!("Warning: {w}.")));
    if let Some(extra) = &spec.notes {
        notes.push(extra.clone());
    }

    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "# Local reference interval written by lmr {} on {}.",
        env!("CARGO_PKG_VERSION"),
        spec.date
    ));
    line(
        "# Method: docs/reference-interval.md. Use it with --ranges FILE and name it explicitly."
            .into(),
    );
    line("schema = 1".into());
    line(String::new());
    line("[[range]]".into());
    line(format!("id = {}", toml_str(&spec.id)));
    line(format!("analyte = {}", toml_str(spec.analyte.key())));
    line(format!("unit = {}", toml_str(&spec.unit)));
    line(format!("title = {}", toml_str(&title)));
    line("selection = \"explicit\"".into());
    line(String::new());
    line("[range.source]".into());
    line(format!("citation = {}", toml_str(&citation)));
    line(format!("quote = {}", toml_str(&quote)));
    line("status = \"local\"".into());
    line(format!("notes = {}", toml_str(&notes.join(" "))));
    line(String::new());
    line("[range.applies_to]".into());
    if let Some(p) = &spec.population {
        line(format!("population = {}", toml_str(p)));
    }
    line(format!("matrix = {}", toml_str(spec.matrix.key())));
    if let Some(m) = &spec.analytical_method {
        line(format!("method = {}", toml_str(m)));
    }
    line(format!(
        "sex = {}",
        toml_str(&spec.sex.map_or("any".to_string(), |s| s.to_string()))
    ));
    if let Some((min, max)) = spec.age_years {
        line(format!(
            "age_years = {{ min = {}, max = {} }}",
            toml_num(min),
            toml_num(max)
        ));
    }
    let urine_sugar = spec.analyte.is_urine_sugar();
    let mut unstated = Vec::new();
    if urine_sugar && spec.doses.is_empty() {
        unstated.push("\"doses\"");
    }
    if urine_sugar && spec.collection.is_none() {
        unstated.push("\"collection\"");
    }
    if !unstated.is_empty() {
        line(format!("unstated = [{}]", unstated.join(", ")));
    }
    if !spec.doses.is_empty() || spec.collection.is_some() {
        line(String::new());
        line("[range.applies_to.protocol]".into());
        if !spec.doses.is_empty() {
            let doses: Vec<String> = spec
                .doses
                .iter()
                .map(|(s, a)| format!("{} = {}", toml_str(s), toml_str(a)))
                .collect();
            line(format!("doses = {{ {} }}", doses.join(", ")));
        }
        if let Some(c) = &spec.collection {
            line(format!("collection = {}", toml_str(c)));
        }
    }
    let band = |line: &mut dyn FnMut(String),
                label: &str,
                lower: Option<(f64, bool)>,
                upper: Option<(f64, bool)>,
                wording: String| {
        line(String::new());
        line("[[range.band]]".into());
        line(format!("label = {}", toml_str(label)));
        if let Some((v, inc)) = lower {
            line(format!(
                "lower = {{ value = {}, inclusive = {inc} }}",
                toml_num(v)
            ));
        }
        if let Some((v, inc)) = upper {
            line(format!(
                "upper = {{ value = {}, inclusive = {inc} }}",
                toml_num(v)
            ));
        }
        line(format!("wording = {}", toml_str(&wording)));
    };
    band(
        &mut line,
        "below",
        None,
        Some((lo, false)),
        format!("below the lower reference limit {lo}{unit}"),
    );
    band(
        &mut line,
        "within",
        Some((lo, true)),
        Some((hi, true)),
        format!(
            "within the central {pct} % reference interval {lo} to {hi}{unit} (limits included)"
        ),
    );
    band(
        &mut line,
        "above",
        Some((hi, false)),
        None,
        format!("above the upper reference limit {hi}{unit}"),
    );

    let mut check = Registry::default();
    check.add_text(&format!("{} (to be written)", spec.id), &out, false)?;
    Ok(out)
}

/// Writes [`range_file_toml`] to `path`.
///
/// # Errors
/// Those of [`range_file_toml`], and [`RangeWriteError::Io`] if the file cannot be written.
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

/// The UTC calendar date of `time` as `YYYY-MM-DD` (for [`RangeFileSpec::date`]); times before
/// 1970 give 1970-01-01.
///
/// ```text
/// days = ⌊seconds since 1970-01-01 / 86400⌋, converted with the proleptic Gregorian calendar
/// (H. Hinnant's civil_from_days)
/// ```
pub fn iso_date(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// z(0.975) and z(0.95) of the standard normal distribution.
    const Z975: f64 = 1.959_963_984_540_054;
    const Z95: f64 = 1.644_853_626_951_472_2;

    fn one_to(n: usize) -> Vec<f64> {
        (1..=n).map(|i| i as f64).collect()
    }

    // --- percentiles -------------------------------------------------------------------------

    #[test]
    fn percentiles_by_the_p_n_plus_1_rule() {
        let x = one_to(10);
        // r = 0.25 × 11 = 2.75: x(2) + 0.75 (x(3) − x(2)) = 2 + 0.75
        assert_relative_eq!(percentile_sorted(&x, 0.25).unwrap(), 2.75);
        // r = 0.9 × 11 = 9.9: 9 + 0.9 × 1
        assert_relative_eq!(
            percentile_sorted(&x, 0.9).unwrap(),
            9.9,
            max_relative = 1e-12
        );
        // r = 1 and r = 10 exactly: the extremes themselves
        assert_eq!(percentile_sorted(&x, 1.0 / 11.0), Some(1.0));
        assert_eq!(percentile_sorted(&x, 10.0 / 11.0), Some(10.0));
        // r = 0.05 × 11 = 0.55 < 1 and r = 0.95 × 11 = 10.45 > 10: not estimable
        assert_eq!(percentile_sorted(&x, 0.05), None);
        assert_eq!(percentile_sorted(&x, 0.95), None);
        assert_eq!(percentile_sorted(&[], 0.5), None);
        assert_eq!(percentile_sorted(&[7.0], 0.5), Some(7.0)); // r = 0.5 × 2 = 1
    }

    #[test]
    fn interpolation_uses_unequal_gaps() {
        // x = 0, 10, 40, 100 (n = 4); p = 0.3: r = 1.5 → 0 + 0.5 × 10 = 5;
        // p = 0.7: r = 3.5 → 40 + 0.5 × 60 = 70
        let x = [0.0, 10.0, 40.0, 100.0];
        assert_relative_eq!(
            percentile_sorted(&x, 0.3).unwrap(),
            5.0,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            percentile_sorted(&x, 0.7).unwrap(),
            70.0,
            max_relative = 1e-12
        );
    }

    #[test]
    fn n_39_is_the_smallest_n_for_the_nonparametric_95_interval() {
        // r = 0.025 × 40 = 1 (not 0.99999… in floating point) and 0.975 × 40 = 39
        let x = one_to(39);
        let np = nonparametric(&x, 0.95, 0.90).unwrap().unwrap();
        assert_eq!((np.lower.value, np.upper.value), (1.0, 39.0));
        assert!(np.lower.ci.is_none() && np.upper.ci.is_none());
        assert_eq!(nonparametric(&one_to(38), 0.95, 0.90).unwrap(), None);
    }

    #[test]
    fn n_120_limits_and_90_percent_cis() {
        // x(i) = i. Lower: r = 0.025 × 121 = 3.025 → 3 + 0.025 × 1 = 3.025.
        // Upper: r = 0.975 × 121 = 117.975 → 117 + 0.975 × 1 = 117.975.
        let x = one_to(120);
        let np = nonparametric(&x, 0.95, 0.90).unwrap().unwrap();
        assert_relative_eq!(np.lower.value, 3.025, max_relative = 1e-12);
        assert_relative_eq!(np.upper.value, 117.975, max_relative = 1e-12);
        let (lo, hi) = (np.lower.ci.unwrap(), np.upper.ci.unwrap());
        // Ranks 1–7 and 114–120: the values published in the CLSI EP28-A3c (after Solberg/IFCC
        // 1987) table of nonparametric 90 % CIs for n = 120, as quoted in the issue brief.
        assert_eq!(lo.ranks, Some((1, 7)));
        assert_eq!(hi.ranks, Some((114, 120)));
        assert_eq!((lo.lower, lo.upper), (1.0, 7.0));
        assert_eq!((hi.lower, hi.upper), (114.0, 120.0));
        // Exact coverage 1 − P(K = 0) − P(K ≥ 7), K ~ B(120, 1/40): P(K = 0) = (39/40)^120 =
        // 0.047924…; computed with exact rational arithmetic: 0.9204665545927263.
        assert_relative_eq!(
            lo.coverage.unwrap(),
            0.920_466_554_592_726_3,
            max_relative = 1e-9
        );
        assert_relative_eq!(
            hi.coverage.unwrap(),
            0.920_466_554_592_726_3,
            max_relative = 1e-9
        );
    }

    #[test]
    fn binomial_ranks_match_the_exact_definition() {
        // (n, lower-limit ranks, upper-limit ranks) for the 2.5th / 97.5th percentiles at 90 %,
        // computed independently with exact rational binomial sums (r1 = max r: P(K ≤ r−1) ≤ 0.05;
        // r2 = min s: P(K ≥ s) ≤ 0.05). The break points (119–132: 1–7, 133–160: 1–8,
        // 161–187: 1–9, 188–189: 2–9, 190: 2–10) are those of the EP28-A3c table rows; only n = 120
        // was checked against a quoted published value.
        type Ranks = (usize, usize);
        let table: &[(usize, Ranks, Ranks)] = &[
            (119, (1, 7), (113, 119)),
            (120, (1, 7), (114, 120)),
            (121, (1, 7), (115, 121)),
            (132, (1, 7), (126, 132)),
            (133, (1, 8), (126, 133)),
            (150, (1, 8), (143, 150)),
            (160, (1, 8), (153, 160)),
            (161, (1, 9), (153, 161)),
            (187, (1, 9), (179, 187)),
            (188, (2, 9), (180, 187)),
            (189, (2, 9), (181, 188)),
            (190, (2, 10), (181, 189)),
            (200, (2, 10), (191, 199)),
            (250, (3, 12), (239, 248)),
            (300, (3, 13), (288, 298)),
            (400, (5, 16), (385, 396)),
            (500, (7, 19), (482, 494)),
        ];
        for &(n, low, high) in table {
            assert_eq!(ci_ranks(n, 0.025, 0.90), Some(low), "n = {n}, 2.5th");
            assert_eq!(ci_ranks(n, 0.975, 0.90), Some(high), "n = {n}, 97.5th");
            // symmetry: the upper limit's ranks mirror the lower's
            assert_eq!(high, (n + 1 - low.1, n + 1 - low.0), "n = {n}");
        }
    }

    #[test]
    fn ci_needs_119_values() {
        // (39/40)^118 = 0.0504 > 0.05, (39/40)^119 = 0.0491 ≤ 0.05
        assert_eq!(ci_ranks(118, 0.025, 0.90), None);
        assert_eq!(minimum_n_for_ci(0.025, 0.90), Some(119));
        assert_eq!(minimum_n_for_ci(0.975, 0.90), Some(119));
        // For the median at 95 %, n = 6: (1/2)^6 = 0.0156 ≤ 0.025, (1/2)^5 = 0.03125 > 0.025
        assert_eq!(minimum_n_for_ci(0.5, 0.95), Some(6));
        assert_eq!(ci_ranks(6, 0.5, 0.95), Some((1, 6)));
        assert_eq!(ci_ranks(0, 0.5, 0.95), None);
        assert_eq!(ci_ranks(10, 0.0, 0.9), None);
        assert_eq!(ci_ranks(10, 0.5, 1.0), None);
    }

    #[test]
    fn ci_ranks_hold_ties_as_values() {
        // Ties change values, not ranks: 120 values with x(1..=10) all 5.
        let mut x = one_to(120);
        x[..10].iter_mut().for_each(|v| *v = 5.0);
        let np = nonparametric(&x, 0.95, 0.90).unwrap().unwrap();
        assert_eq!(np.lower.value, 5.0);
        let ci = np.lower.ci.unwrap();
        assert_eq!((ci.lower, ci.upper), (5.0, 5.0));
    }

    // --- outliers ----------------------------------------------------------------------------

    #[test]
    fn dixon_flags_a_far_extreme_and_repeats() {
        // [1, 2, 3, 10, 30]: R = 29, D = 30 − 10 = 20 > 29/3 → 30 flagged;
        // [1, 2, 3, 10]: R = 9, D = 7 > 3 → 10 flagged; 3 values left: stop.
        assert_eq!(dixon(&[10.0, 1.0, 30.0, 2.0, 3.0]).unwrap(), vec![0, 2]);
        // Low end: [−50, 1, 2, 3, 4]: R = 54, D = 51 > 18
        assert_eq!(dixon(&[1.0, 2.0, -50.0, 3.0, 4.0]).unwrap(), vec![2]);
    }

    #[test]
    fn dixon_needs_more_than_a_third() {
        // [0, 1, 2, 3]: R = 3, D = 1 = R/3 exactly: not flagged (strictly greater)
        assert!(dixon(&[0.0, 1.0, 2.0, 3.0]).unwrap().is_empty());
        // [0, 1, 2, 3.1]: R = 3.1, D = 1.1 > 1.0333: flagged
        assert_eq!(dixon(&[0.0, 1.0, 2.0, 3.1]).unwrap(), vec![3]);
    }

    #[test]
    fn dixon_both_ends_in_one_pass() {
        // [0, 10, 10.5, 11, 21]: R = 21; D_low = 10 > 7, D_high = 10 > 7 → both;
        // then [10, 10.5, 11]: 3 values, stop.
        assert_eq!(dixon(&[0.0, 10.0, 10.5, 11.0, 21.0]).unwrap(), vec![0, 4]);
    }

    #[test]
    fn dixon_ties_and_small_n() {
        assert!(dixon(&[5.0; 10]).unwrap().is_empty()); // R = 0
                                                        // two equal extremes mask each other: D = 0 at both ends
        assert!(dixon(&[1.0, 1.0, 2.0, 3.0, 90.0, 90.0]).unwrap().is_empty());
        // 3 values are never tested (the larger gap is always ≥ R/2)
        assert!(dixon(&[1.0, 2.0, 30.0]).unwrap().is_empty());
        assert!(dixon(&[1.0]).unwrap().is_empty());
        assert_eq!(dixon(&[]), Err(ReferenceIntervalError::Empty));
    }

    #[test]
    fn tukey_fences_on_the_log_scale() {
        // y = ln x = 0, 1, …, 7, 20 (n = 9): Q1 r = 2.5 → 1.5; Q3 r = 7.5 → 6.5; IQR = 5;
        // fences 1.5 − 7.5 = −6 and 6.5 + 7.5 = 14 → y = 20 flagged; reported as exp(·).
        let x: Vec<f64> = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 20.0]
            .iter()
            .map(|y: &f64| y.exp())
            .collect();
        let t = tukey(&x, 1.5, true).unwrap().unwrap();
        assert!(t.log_scale);
        assert_relative_eq!(t.q1, 1.5f64.exp(), max_relative = 1e-12);
        assert_relative_eq!(t.q3, 6.5f64.exp(), max_relative = 1e-12);
        assert_relative_eq!(t.lower_fence, (-6.0f64).exp(), max_relative = 1e-12);
        assert_relative_eq!(t.upper_fence, 14.0f64.exp(), max_relative = 1e-12);
        assert_eq!(t.flagged, vec![8]);
        // On the original scale the same data flag e^7 and e^20 (Q3 r = 7.5 → (e^6 + e^7)/2 …)
        let lin = tukey(&x, 1.5, false).unwrap().unwrap();
        assert!(lin.flagged.contains(&8));
    }

    #[test]
    fn tukey_refuses_what_it_cannot_do() {
        assert!(matches!(
            tukey(&[0.0, 1.0, 2.0], 1.5, true),
            Err(ReferenceIntervalError::InvalidOption {
                name: "log_scale",
                ..
            })
        ));
        assert!(matches!(
            tukey(&[1.0, 2.0, 3.0], 0.0, false),
            Err(ReferenceIntervalError::InvalidOption {
                name: "tukey_k",
                ..
            })
        ));
        assert_eq!(tukey(&[1.0, 2.0], 1.5, false).unwrap(), None); // Q1 rank 0.75 < 1
                                                                   // all equal: IQR 0, nothing outside
        assert!(tukey(&[3.0; 5], 1.5, false)
            .unwrap()
            .unwrap()
            .flagged
            .is_empty());
    }

    // --- parametric and robust ---------------------------------------------------------------

    #[test]
    fn lognormal_with_known_mean_and_sd_of_logs() {
        // ln x = −1, 0, 1: mean 0, SD √((1 + 0 + 1)/2) = 1.
        // limits exp(∓1.959964); SE = √(1/3 + 1.959964²/(2·2)) = √1.2936980 = 1.1374085;
        // CI of the upper limit: exp(1.959964 ∓ 1.644854 × 1.1374085)
        let x = [(-1.0f64).exp(), 1.0, 1.0f64.exp()];
        let e = lognormal(&x, 0.95, 0.90).unwrap().unwrap();
        assert_eq!(e.method, Method::LogNormal);
        assert!(e.log_scale);
        assert_relative_eq!(e.lower.value, (-Z975).exp(), max_relative = 1e-12);
        assert_relative_eq!(e.upper.value, Z975.exp(), max_relative = 1e-12);
        let se = (1.0 / 3.0 + Z975 * Z975 / 4.0f64).sqrt();
        assert_relative_eq!(se, 1.137_408_5, max_relative = 1e-7);
        let ci = e.upper.ci.unwrap();
        assert_relative_eq!(ci.lower, (Z975 - Z95 * se).exp(), max_relative = 1e-12);
        assert_relative_eq!(ci.upper, (Z975 + Z95 * se).exp(), max_relative = 1e-12);
        let ci = e.lower.ci.unwrap();
        assert_relative_eq!(ci.lower, (-Z975 - Z95 * se).exp(), max_relative = 1e-12);
    }

    #[test]
    fn lognormal_geometric_mean_and_spread() {
        // x = 0.03 · exp(0.5 · k), k = −2…2: mean ln x = ln 0.03, SD = 0.5 · √(10/4) = 0.7905694
        let x: Vec<f64> = (-2..=2).map(|k| 0.03 * (0.5 * k as f64).exp()).collect();
        let e = lognormal(&x, 0.95, 0.90).unwrap().unwrap();
        let sd = 0.5 * 2.5f64.sqrt();
        assert_relative_eq!(
            e.lower.value,
            0.03 * (-Z975 * sd).exp(),
            max_relative = 1e-12
        );
        assert_relative_eq!(
            e.upper.value,
            0.03 * (Z975 * sd).exp(),
            max_relative = 1e-12
        );
        assert!(matches!(
            lognormal(&[1.0, 0.0], 0.95, 0.9),
            Err(ReferenceIntervalError::InvalidOption { name: "values", .. })
        ));
        assert_eq!(lognormal(&[1.0], 0.95, 0.9).unwrap(), None);
    }

    #[test]
    fn robust_on_the_ep28_appendix_b_example() {
        // The 20 values of the CLSI EP28-A3 Appendix B robust-method example, as reproduced in
        // the R package mcradds (robustRI documentation); its test suite expects the limits
        // 9.049545 and 10.199396. Not checked against the guideline's own printed figures.
        let mut x = vec![8.9, 9.2, 9.4, 9.4, 9.5, 9.5, 9.5];
        x.extend([9.6; 4]);
        x.extend([9.7; 5]);
        x.extend([9.8, 9.9, 9.9, 10.2]);
        assert_eq!(x.len(), 20);
        let e = robust(&x, 0.95, false).unwrap().unwrap();
        assert_eq!(e.method, Method::Robust);
        assert_relative_eq!(e.lower.value, 9.049_545, epsilon = 2e-6);
        assert_relative_eq!(e.upper.value, 10.199_396, epsilon = 2e-6);
        assert!(e.lower.ci.is_none());
    }

    #[test]
    fn robust_is_symmetric_for_symmetric_data_and_needs_spread() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        let e = robust(&x, 0.95, false).unwrap().unwrap();
        assert_relative_eq!(
            (e.lower.value + e.upper.value) / 2.0,
            4.0,
            max_relative = 1e-9
        );
        // more than half equal: MAD = 0
        assert_eq!(
            robust(&[2.0, 2.0, 2.0, 2.0, 9.0], 0.95, false).unwrap(),
            None
        );
        assert_eq!(robust(&[2.0], 0.95, false).unwrap(), None);
        // on the log scale the limits are back-transformed and positive
        let g: Vec<f64> = x.iter().map(|v| v.exp()).collect();
        let e = robust(&g, 0.95, true).unwrap().unwrap();
        assert!(e.log_scale && e.lower.value > 0.0);
        assert_relative_eq!(
            (e.lower.value * e.upper.value).sqrt(),
            4f64.exp(),
            max_relative = 1e-9
        );
    }

    // --- establish ---------------------------------------------------------------------------

    #[test]
    fn establish_excludes_dixon_outliers_by_default_and_reports_tukey() {
        // 120 evenly spread values plus one far value: n_input 121, Dixon flags the far one.
        let mut x: Vec<f64> = (1..=120).map(|i| 0.01 + 0.0001 * i as f64).collect();
        x.push(0.5);
        let ri = establish(&x, &Options::default()).unwrap();
        assert_eq!(ri.dixon, vec![120]);
        assert_eq!(ri.excluded, vec![120]);
        assert_eq!(ri.n_used, 120);
        assert!(ri.tukey.as_ref().unwrap().flagged.contains(&120));
        assert!(ri.warnings.contains(&Warning::OutliersExcluded {
            count: 1,
            rule: Exclusion::Dixon
        }));
        assert!(!ri
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::BelowGuidelineMinimum { .. })));
        let np = ri.recommended().unwrap();
        assert_eq!(np.method, Method::Nonparametric);
        // r = 3.025 among x(i) = 0.01 + 0.0001 i: 0.0103 + 0.025 × 0.0001
        assert_relative_eq!(np.lower.value, 0.010_302_5, max_relative = 1e-12);
        assert_eq!(np.lower.ci.as_ref().unwrap().ranks, Some((1, 7)));

        // Nothing excluded when asked: the flag is reported and kept.
        let keep = Options {
            exclude: Exclusion::None,
            ..Options::default()
        };
        let ri = establish(&x, &keep).unwrap();
        assert!(ri.excluded.is_empty());
        assert_eq!(ri.n_used, 121);
        assert!(ri
            .warnings
            .contains(&Warning::OutliersFlaggedNotExcluded { count: 1 }));
    }

    #[test]
    fn establish_warns_below_120_and_offers_the_other_estimates() {
        let x: Vec<f64> = (1..=50).map(|i| i as f64).collect();
        let ri = establish(&x, &Options::default()).unwrap();
        assert!(ri.warnings.contains(&Warning::BelowGuidelineMinimum {
            n: 50,
            minimum: 120
        }));
        assert!(ri.warnings.contains(&Warning::NonparametricCiUnavailable {
            n: 50,
            minimum: 119
        }));
        let np = ri.nonparametric.as_ref().unwrap(); // n ≥ 39: limits without CIs
        assert!(np.lower.ci.is_none());
        assert!(ri.robust.is_some() && ri.lognormal.is_some());
        assert_eq!(ri.recommended().unwrap().method, Method::LogNormal);

        let ri = establish(&x[..20], &Options::default()).unwrap();
        assert!(ri
            .warnings
            .contains(&Warning::NonparametricUnavailable { n: 20, minimum: 39 }));
        assert!(ri.nonparametric.is_none());
    }

    #[test]
    fn establish_with_zeros_has_no_lognormal_and_says_why() {
        let mut x: Vec<f64> = (1..=40).map(|i| i as f64).collect();
        x[0] = 0.0;
        let ri = establish(&x, &Options::default()).unwrap();
        assert!(ri.lognormal.is_none());
        assert!(ri
            .warnings
            .contains(&Warning::NonPositiveValues { count: 1 }));
        assert!(ri.warnings.contains(&Warning::TukeyOnOriginalScale));
        assert!(!ri.tukey.as_ref().unwrap().log_scale);
        assert_eq!(ri.recommended().unwrap().method, Method::Robust);
    }

    #[test]
    fn establish_edge_cases() {
        assert_eq!(
            establish(&[], &Options::default()),
            Err(ReferenceIntervalError::Empty)
        );
        assert!(matches!(
            establish(&[1.0, f64::NAN], &Options::default()),
            Err(ReferenceIntervalError::NotFinite { index: 1, value }) if value.is_nan()
        ));
        assert!(matches!(
            establish(&[1.0, f64::INFINITY], &Options::default()),
            Err(ReferenceIntervalError::NotFinite { index: 1, .. })
        ));
        let ri = establish(&[0.02], &Options::default()).unwrap();
        assert_eq!((ri.n_input, ri.n_used), (1, 1));
        assert!(ri.nonparametric.is_none() && ri.robust.is_none() && ri.lognormal.is_none());
        assert!(ri.recommended().is_none());
        assert!(ri.warnings.contains(&Warning::RobustUnavailable));
        let bad = Options {
            coverage: 1.0,
            ..Options::default()
        };
        assert!(matches!(
            establish(&[1.0, 2.0], &bad),
            Err(ReferenceIntervalError::InvalidOption {
                name: "coverage",
                ..
            })
        ));
    }

    #[test]
    fn warnings_read_as_sentences() {
        let w = Warning::BelowGuidelineMinimum {
            n: 60,
            minimum: 120,
        };
        assert!(w
            .to_string()
            .starts_with("60 reference individuals, fewer than the 120"));
        assert!(Method::Nonparametric.label().contains("EP28-A3c"));
    }

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
        spec.age_years = Some((18.0, 65.0));
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

    #[test]
    fn iso_dates() {
        use std::time::Duration;
        assert_eq!(iso_date(SystemTime::UNIX_EPOCH), "1970-01-01");
        // 2000-03-01 is day 10957 + 31 + 29 = 11017 (2000 is a leap year)
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(11_017 * 86_400 + 3600);
        assert_eq!(iso_date(t), "2000-03-01");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(11_016 * 86_400);
        assert_eq!(iso_date(t), "2000-02-29");
    }

    // --- properties --------------------------------------------------------------------------

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        #[test]
        fn ci_ranks_are_the_tightest_with_enough_coverage(n in 119usize..3000) {
            let b = Binomial::new(0.025, n as u64).unwrap();
            let (r1, r2) = ci_ranks(n, 0.025, 0.90).unwrap();
            // r1: P(K ≤ r1 − 1) ≤ 0.05 < P(K ≤ r1); r2: P(K ≥ r2) ≤ 0.05 < P(K ≥ r2 − 1)
            proptest::prop_assert!(b.cdf((r1 - 1) as u64) <= 0.05);
            proptest::prop_assert!(b.cdf(r1 as u64) > 0.05);
            proptest::prop_assert!(b.sf((r2 - 1) as u64) <= 0.05);
            proptest::prop_assert!(r2 >= 2 && b.sf((r2 - 2) as u64) > 0.05);
            let r = percentile_rank(n, 0.025);
            proptest::prop_assert!(r1 as f64 <= r && r <= r2 as f64);
            proptest::prop_assert!(ci_coverage(n, 0.025, (r1, r2)).unwrap() >= 0.90);
            proptest::prop_assert_eq!(ci_ranks(n, 0.975, 0.90), Some((n + 1 - r2, n + 1 - r1)));
        }

        #[test]
        fn percentiles_lie_between_order_statistics_and_grow_with_p(
            values in proptest::collection::vec(-1e6f64..1e6, 1..300),
            p in 0.0f64..0.99,
        ) {
            let s = sorted(&values);
            if let (Some(a), Some(b)) = (percentile_sorted(&s, p), percentile_sorted(&s, p + 0.01)) {
                proptest::prop_assert!(s[0] <= a && b <= s[s.len() - 1] && a <= b);
            }
        }

        #[test]
        fn establish_is_total_on_positive_data(
            values in proptest::collection::vec(1e-4f64..10.0, 1..260),
        ) {
            let ri = establish(&values, &Options::default()).unwrap();
            proptest::prop_assert_eq!(ri.n_used + ri.excluded.len(), values.len());
            for e in [&ri.nonparametric, &ri.robust, &ri.lognormal].into_iter().flatten() {
                proptest::prop_assert!(e.lower.value <= e.upper.value);
                for l in [&e.lower, &e.upper] {
                    if let Some(ci) = &l.ci {
                        proptest::prop_assert!(ci.lower <= l.value && l.value <= ci.upper);
                    }
                }
            }
        }
    }
}
