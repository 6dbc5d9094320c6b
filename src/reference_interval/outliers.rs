//! Outlier screening: Dixon's D/R rule and Tukey's fences.

use serde::Serialize;

use super::stats::percentile_sorted;
use super::values::{check_values, order, sorted, ReferenceIntervalError};

/// Tukey's multiplier of the interquartile range for the fences (Tukey 1977).
///
/// ```
/// use lmr::reference_interval::{tukey, TUKEY_K};
/// let t = tukey(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 30.0], TUKEY_K, false)?.unwrap();
/// // Q1 2.25, Q3 6.75, IQR 4.5: fences 2.25 − 1.5 × 4.5 = −4.5 and 6.75 + 1.5 × 4.5 = 13.5
/// assert_eq!((t.q1, t.q3, t.lower_fence, t.upper_fence), (2.25, 6.75, -4.5, 13.5));
/// assert_eq!(t.flagged, vec![7]);
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
pub const TUKEY_K: f64 = 1.5;

/// Tukey's fences and the values outside them.
///
/// ```
/// use lmr::reference_interval::{tukey, TUKEY_K};
/// let t = tukey(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 30.0], TUKEY_K, false)?.unwrap();
/// // Q1 2.25, Q3 6.75, IQR 4.5: fences 2.25 − 1.5 × 4.5 = −4.5 and 6.75 + 1.5 × 4.5 = 13.5
/// assert_eq!((t.q1, t.q3, t.lower_fence, t.upper_fence), (2.25, 6.75, -4.5, 13.5));
/// assert_eq!(t.flagged, vec![7]);
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
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

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

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
}
