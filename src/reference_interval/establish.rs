//! Everything for one partition: screening, exclusion, every estimate, the warnings.

use std::fmt;

use serde::Serialize;

use super::estimate::{Estimate, Method};
use super::outliers::{dixon, tukey, TukeyFences, TUKEY_K};
use super::stats::{lognormal, minimum_n_for_ci, nonparametric, robust};
use super::values::{check_values, fraction, ReferenceIntervalError};

/// The number of reference individuals per partition that CLSI EP28-A3c asks for when the
/// interval is estimated nonparametrically (it is also the smallest round number for which the
/// 90 % confidence intervals of the 2.5th and 97.5th percentiles exist, see [`minimum_n_for_ci`]).
///
/// ```
/// use lmr::reference_interval::{minimum_n_for_ci, GUIDELINE_MINIMUM_N};
/// // The 90 % confidence intervals of the 2.5th percentile need n ≥ 119.
/// assert_eq!(minimum_n_for_ci(0.025, 0.90), Some(119));
/// assert_eq!(GUIDELINE_MINIMUM_N, 120);
/// ```
pub const GUIDELINE_MINIMUM_N: usize = 120;

/// Which flagged values [`establish`] leaves out of the estimates.
///
/// ```
/// use lmr::reference_interval::{establish, Exclusion, Options};
/// // 1, 2, …, 10 and 100: R = 99, D = 100 − 10 = 90 > 99 / 3, so Dixon flags 100 (position 10)
/// let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
/// x.push(100.0);
/// let kept = establish(&x, &Options { exclude: Exclusion::None, ..Options::default() })?;
/// assert_eq!((kept.n_used, kept.dixon.clone()), (11, vec![10]));
/// let left_out = establish(&x, &Options::default())?;
/// assert_eq!((left_out.n_used, left_out.excluded.clone()), (10, vec![10]));
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Values flagged by Dixon's D/R rule (CLSI EP28-A3c).
    #[default]
    Dixon,
    /// Values outside Tukey's fences.
    Tukey,
    /// Either.
    Both,
    /// None (flags are still reported).
    None,
}

impl Exclusion {
    /// The rule in words, as in "excluded by the … rule": `Dixon D/R > 1/3`, `Tukey fence`,
    /// `Dixon or Tukey`, `no`.
    ///
    /// ```
    /// use lmr::reference_interval::Exclusion;
    /// assert_eq!(Exclusion::default().rule(), "Dixon D/R > 1/3");
    /// ```
    pub fn rule(self) -> &'static str {
        match self {
            Exclusion::None => "no",
            Exclusion::Dixon => "Dixon D/R > 1/3",
            Exclusion::Tukey => "Tukey fence",
            Exclusion::Both => "Dixon or Tukey",
        }
    }
}

/// A fact about a result that its reader must know. Nothing is printed: the caller shows these.
///
/// ```
/// use lmr::reference_interval::Warning;
/// let w = Warning::BelowGuidelineMinimum { n: 60, minimum: 120 };
/// assert!(w.to_string().starts_with("60 reference individuals, fewer than the 120"));
/// ```
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
                rule.rule()
            ),
            Warning::OutliersFlaggedNotExcluded { count } => write!(
                f,
                "{count} value(s) flagged as possible outliers and kept: inspect them"
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Everything for one partition
// ---------------------------------------------------------------------------------------------

/// Options of [`establish`].
///
/// ```
/// use lmr::reference_interval::{Exclusion, Options};
/// let o = Options::default();
/// assert_eq!((o.coverage, o.confidence, o.tukey_k), (0.95, 0.90, 1.5));
/// assert_eq!(o.exclude, Exclusion::Dixon);
/// ```
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
///
/// ```
/// use lmr::reference_interval::{establish, Method, Options};
/// // 0.5, 1.0, …, 60: 120 values, evenly spread (no outlier)
/// let x: Vec<f64> = (1..=120).map(|k| 0.5 * k as f64).collect();
/// let ri = establish(&x, &Options::default())?;
/// assert_eq!((ri.n_input, ri.n_used), (120, 120));
/// // n ≥ 120: the nonparametric estimate comes first
/// assert_eq!(ri.recommended().unwrap().method, Method::Nonparametric);
/// assert_eq!(ri.estimate(Method::LogNormal).unwrap().method, Method::LogNormal);
/// // below 120 values, the log-normal one
/// let ri = establish(&x[..100], &Options::default())?;
/// assert_eq!(ri.recommended().unwrap().method, Method::LogNormal);
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
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
    ///
    /// ```
    /// use lmr::reference_interval::{establish, Method, Options};
    /// // 0.5, 1.0, …, 60: 120 values, evenly spread (no outlier)
    /// let x: Vec<f64> = (1..=120).map(|k| 0.5 * k as f64).collect();
    /// let ri = establish(&x, &Options::default())?;
    /// assert_eq!((ri.n_input, ri.n_used), (120, 120));
    /// // n ≥ 120: the nonparametric estimate comes first
    /// assert_eq!(ri.recommended().unwrap().method, Method::Nonparametric);
    /// assert_eq!(ri.estimate(Method::LogNormal).unwrap().method, Method::LogNormal);
    /// // below 120 values, the log-normal one
    /// let ri = establish(&x[..100], &Options::default())?;
    /// assert_eq!(ri.recommended().unwrap().method, Method::LogNormal);
    /// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
    /// ```
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
    ///
    /// ```
    /// use lmr::reference_interval::{establish, Method, Options};
    /// // 0.5, 1.0, …, 60: 120 values, evenly spread (no outlier)
    /// let x: Vec<f64> = (1..=120).map(|k| 0.5 * k as f64).collect();
    /// let ri = establish(&x, &Options::default())?;
    /// assert_eq!((ri.n_input, ri.n_used), (120, 120));
    /// // n ≥ 120: the nonparametric estimate comes first
    /// assert_eq!(ri.recommended().unwrap().method, Method::Nonparametric);
    /// assert_eq!(ri.estimate(Method::LogNormal).unwrap().method, Method::LogNormal);
    /// // below 120 values, the log-normal one
    /// let ri = establish(&x[..100], &Options::default())?;
    /// assert_eq!(ri.recommended().unwrap().method, Method::LogNormal);
    /// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
    /// ```
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
///
/// ```
/// use lmr::reference_interval::{establish, Method, Options};
/// let values: Vec<f64> = (1..=120).map(f64::from).collect();
/// let ri = establish(&values, &Options::default())?;
/// assert_eq!((ri.n_input, ri.n_used), (120, 120)); // evenly spread: nothing excluded
/// let e = ri.recommended().unwrap();
/// assert_eq!(e.method, Method::Nonparametric);
/// approx::assert_relative_eq!(e.lower.value, 3.025, max_relative = 1e-12); // rank 0.025 × 121
/// assert!(establish(&[1.0, f64::NAN], &Options::default()).is_err()); // nothing dropped in silence
/// # Ok::<(), lmr::reference_interval::ReferenceIntervalError>(())
/// ```
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

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

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
