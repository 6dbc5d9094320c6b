//! The statistics, as pure functions of a slice of values: percentiles and their confidence
//! intervals (CLSI EP28-A3c), and the nonparametric, robust and log-normal estimators.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal, StudentsT};

use super::estimate::{ConfidenceInterval, Estimate, Limit, Method};
use super::values::{check_values, fraction, sorted, ReferenceIntervalError};

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
///
/// ```
/// use lmr::reference_interval::percentile_rank;
/// approx::assert_relative_eq!(percentile_rank(120, 0.025), 3.025, max_relative = 1e-12); // 0.025 × 121
/// approx::assert_relative_eq!(percentile_rank(120, 0.975), 117.975, max_relative = 1e-12); // 0.975 × 121
/// ```
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
///
/// ```
/// use lmr::reference_interval::ci_coverage;
/// // K ~ B(2, 0.5): 1 − P(K = 0) − P(K ≥ 2) = 1 − 0.25 − 0.25 = 0.5
/// approx::assert_relative_eq!(ci_coverage(2, 0.5, (1, 2)).unwrap(), 0.5, max_relative = 1e-12);
/// assert_eq!(ci_coverage(10, 0.5, (3, 3)), None); // needs r1 < r2
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
///
/// ```
/// use lmr::reference_interval::minimum_n_for_ci;
/// // (1 − 0.025)ⁿ ≤ (1 − 0.90) / 2 = 0.05: n ≥ ln 0.05 / ln 0.975 = 118.3, so 119
/// assert_eq!(minimum_n_for_ci(0.025, 0.90), Some(119));
/// assert_eq!(minimum_n_for_ci(0.025, 1.0), None); // confidence must be below 1
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
///
/// ```
/// use lmr::reference_interval::nonparametric;
/// let values: Vec<f64> = (1..=120).map(f64::from).collect();
/// let e = nonparametric(&values, 0.95, 0.90)?.unwrap();
/// // r = 0.025 × 121 = 3.025: 3 + 0.025 × (4 − 3); r = 117.975: 117.975
/// approx::assert_relative_eq!(e.lower.value, 3.025, max_relative = 1e-12);
/// approx::assert_relative_eq!(e.upper.value, 117.975, max_relative = 1e-12);
/// // CLSI EP28-A3c, n = 120: the 90 % CI of the 2.5th percentile runs from the 1st to the 7th value
/// assert_eq!(e.lower.ci.as_ref().and_then(|c| c.ranks), Some((1, 7)));
/// assert!(nonparametric(&values[..38], 0.95, 0.90)?.is_none()); // n < 39: no 2.5th percentile
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
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
///
/// ```
/// use lmr::reference_interval::robust;
/// // symmetric about 10: the biweight centre is 10, so the limits are 10 ∓ the same width
/// let values = [7.0, 8.0, 9.0, 9.5, 10.0, 10.5, 11.0, 12.0, 13.0];
/// let e = robust(&values, 0.95, false)?.unwrap();
/// approx::assert_relative_eq!((e.lower.value + e.upper.value) / 2.0, 10.0, max_relative = 1e-9);
/// assert!(e.lower.ci.is_none()); // CIs would need a bootstrap
/// assert!(robust(&[5.0, 5.0, 5.0, 6.0], 0.95, false)?.is_none()); // MAD 0
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
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
///
/// ```
/// use lmr::reference_interval::lognormal;
/// // ln x = −1 and 1: ȳ = 0, s = √((1 + 1) / 1) = √2; limits exp(∓1.959964 × √2) = exp(∓2.771808)
/// let e = lognormal(&[(-1.0f64).exp(), 1.0f64.exp()], 0.95, 0.90)?.unwrap();
/// approx::assert_relative_eq!(e.lower.value, (-2.771808f64).exp(), max_relative = 1e-6); // 0.06255
/// approx::assert_relative_eq!(e.upper.value, 2.771808f64.exp(), max_relative = 1e-6); // 15.99
/// assert!(lognormal(&[0.0, 1.0], 0.95, 0.90).is_err()); // ln 0 does not exist
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
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

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use statrs::distribution::{Binomial, DiscreteCDF};

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
    }
}
