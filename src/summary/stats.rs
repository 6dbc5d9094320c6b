//! Order statistics of one measure: exact values kept, censored values counted apart.

use crate::censored::Censored;

/// The quantile definition used throughout [`crate::summary`], in words (printed with every
/// output).
///
/// ```
/// assert!(lmr::summary::QUANTILE_METHOD.starts_with("Hyndman–Fan type 7"));
/// ```
pub const QUANTILE_METHOD: &str = "Hyndman–Fan type 7 (R's quantile() default): h = (n − 1)·p, \
     Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) on the sorted exact values, 0-based";

/// How censored values are handled, in words (printed with every output).
///
/// ```
/// assert!(lmr::summary::CENSORED_METHOD.contains("excluded from the median and IQR"));
/// ```
pub const CENSORED_METHOD: &str = "values known only as a bound (<LOD, or a ratio with a censored \
     part) are excluded from the median and IQR and counted in n_below_limit / n_above_limit; \
     when the limits lie below the median, as detection limits usually do, leaving those \
     values out moves the median of the exact values above the cohort's";

/// The quantile of `sorted` (ascending, finite) at `p` in `[0, 1]`, by Hyndman and Fan's
/// definition 7 (the default of R's `quantile()`).
///
/// ```text
/// h = (n − 1) · p
/// Q(p) = x[⌊h⌋] + (h − ⌊h⌋) · (x[⌊h⌋ + 1] − x[⌊h⌋])      (x sorted, indices from 0)
/// ```
///
/// `None` for an empty slice or `p` outside `[0, 1]` (or NaN).
///
/// # Example
/// ```
/// use lmr::summary::quantile_type7;
/// // R: quantile(c(1, 2, 3, 4), c(0.25, 0.5, 0.75)) → 1.75 2.50 3.25
/// let x = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(quantile_type7(&x, 0.25), Some(1.75));
/// assert_eq!(quantile_type7(&x, 0.5), Some(2.5));
/// assert_eq!(quantile_type7(&x, 0.75), Some(3.25));
/// assert_eq!(quantile_type7(&[], 0.5), None);
/// ```
pub fn quantile_type7(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor();
    let i = lo as usize;
    let x = sorted[i];
    match sorted.get(i + 1) {
        Some(&next) if h > lo => Some(x + (h - lo) * (next - x)),
        _ => Some(x),
    }
}

/// Median and quartiles of a measure's exact values.
///
/// ```
/// use lmr::summary::Quartiles;
///
/// let q = Quartiles { q1: 1.75, median: 2.5, q3: 3.25 };
/// assert_eq!(q.iqr(), 1.5); // 3.25 − 1.75
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quartiles {
    /// 25th percentile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub q3: f64,
}

impl Quartiles {
    /// The interquartile range, `q3 − q1`.
    ///
    /// ```
    /// let q = lmr::summary::Quartiles { q1: 0.2, median: 0.5, q3: 1.0 };
    /// assert_eq!(q.iqr(), 0.8); // 1.0 − 0.2
    /// ```
    pub fn iqr(&self) -> f64 {
        self.q3 - self.q1
    }
}

/// The values of one measure in one group: exact values, and counts of censored ones.
///
/// ```
/// use lmr::censored::Censored;
/// use lmr::summary::Measure;
///
/// let mut m = Measure::default();
/// for x in [4.0, 1.0, 3.0, 2.0] {
///     m.add(Censored::Exact(x));
/// }
/// m.add(Censored::LessThan(0.5)); // counted, not used in the quartiles
/// m.reject(); // a row whose value could not be computed
/// assert_eq!((m.n_exact(), m.n_below_limit(), m.n_above_limit(), m.n_rejected()), (4, 1, 0, 1));
/// // R: quantile(c(1, 2, 3, 4)) → 1.75, 2.5, 3.25 (type 7)
/// let q = m.quartiles().unwrap();
/// assert_eq!((q.q1, q.median, q.q3), (1.75, 2.5, 3.25));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Measure {
    values: Vec<f64>,
    below: u64,
    above: u64,
    /// Rows whose value is missing because a cell it needed was rejected.
    rejected: u64,
    sorted: bool,
}

impl Measure {
    /// Adds a value. A `<` value counts in [`Measure::n_below_limit`], a `>` value in
    /// [`Measure::n_above_limit`]; neither enters the quartiles. Non-finite values are ignored.
    ///
    /// ```
    /// use lmr::{censored::Censored, summary::Measure};
    ///
    /// let mut m = Measure::default();
    /// m.add(Censored::GreaterThan(2000.0));
    /// m.add(Censored::Exact(f64::NAN));
    /// assert_eq!((m.n_exact(), m.n_above_limit()), (0, 1));
    /// assert!(!m.is_empty());
    /// ```
    pub fn add(&mut self, value: Censored) {
        match value {
            Censored::Exact(x) if x.is_finite() => {
                self.values.push(x);
                self.sorted = false;
            }
            Censored::Exact(_) => {}
            Censored::LessThan(_) => self.below += 1,
            Censored::GreaterThan(_) => self.above += 1,
        }
    }

    /// Counts a row whose value is missing because a cell it needed was rejected (it is in the
    /// row's `error`): left out, and counted in [`Measure::n_rejected`].
    ///
    /// ```
    /// let mut m = lmr::summary::Measure::default();
    /// m.reject();
    /// m.reject();
    /// assert_eq!((m.n_rejected(), m.n_exact()), (2, 0)); // counted, no value added
    /// ```
    pub fn reject(&mut self) {
        self.rejected += 1;
    }

    /// Number of rows left out because a cell the value needed was rejected.
    ///
    /// ```
    /// let mut m = lmr::summary::Measure::default();
    /// assert_eq!(m.n_rejected(), 0);
    /// m.reject();
    /// assert_eq!(m.n_rejected(), 1);
    /// ```
    pub fn n_rejected(&self) -> u64 {
        self.rejected
    }

    /// Adds every value of another measure.
    ///
    /// ```
    /// use lmr::{censored::Censored, summary::Measure};
    ///
    /// let (mut a, mut b) = (Measure::default(), Measure::default());
    /// a.add(Censored::Exact(1.0));
    /// b.add(Censored::Exact(3.0));
    /// b.add(Censored::LessThan(0.1));
    /// a.merge(&b);
    /// assert_eq!((a.n_exact(), a.n_below_limit()), (2, 1));
    /// assert_eq!(a.quartiles().unwrap().median, 2.0); // (1 + 3) / 2
    /// ```
    pub fn merge(&mut self, other: &Measure) {
        self.values.extend_from_slice(&other.values);
        self.below += other.below;
        self.above += other.above;
        self.rejected += other.rejected;
        self.sorted = false;
    }

    /// Number of exact values (the n of the quartiles).
    ///
    /// ```
    /// use lmr::{censored::Censored, summary::Measure};
    /// let mut m = Measure::default();
    /// m.add(Censored::Exact(0.4));
    /// m.add(Censored::LessThan(0.0125)); // censored: not in n_exact
    /// assert_eq!(m.n_exact(), 1);
    /// ```
    pub fn n_exact(&self) -> usize {
        self.values.len()
    }

    /// Number of values known only to lie below a bound.
    ///
    /// ```
    /// use lmr::{censored::Censored, summary::Measure};
    /// let mut m = Measure::default();
    /// m.add(Censored::LessThan(0.0125));
    /// m.add(Censored::GreaterThan(2000.0));
    /// assert_eq!(m.n_below_limit(), 1);
    /// ```
    pub fn n_below_limit(&self) -> u64 {
        self.below
    }

    /// Number of values known only to lie above a bound.
    ///
    /// ```
    /// use lmr::{censored::Censored, summary::Measure};
    /// let mut m = Measure::default();
    /// m.add(Censored::GreaterThan(2000.0));
    /// m.add(Censored::LessThan(0.0125));
    /// assert_eq!(m.n_above_limit(), 1);
    /// ```
    pub fn n_above_limit(&self) -> u64 {
        self.above
    }

    /// Whether no value at all (exact or censored) was added.
    ///
    /// ```
    /// use lmr::summary::Measure;
    ///
    /// let mut m = Measure::default();
    /// m.reject(); // a rejected row adds no value
    /// assert!(m.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.below == 0 && self.above == 0
    }

    /// The exact values, in the order added (or sorted, once [`Measure::sort`] ran).
    ///
    /// ```
    /// use lmr::{censored::Censored, summary::Measure};
    ///
    /// let mut m = Measure::default();
    /// m.add(Censored::Exact(3.0));
    /// m.add(Censored::Exact(1.0));
    /// assert_eq!(m.values(), [3.0, 1.0]);
    /// m.sort();
    /// assert_eq!(m.values(), [1.0, 3.0]);
    /// ```
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Sorts the exact values (done once; [`Measure::quartiles`] needs it).
    ///
    /// ```
    /// use lmr::{censored::Censored, summary::Measure};
    /// let mut m = Measure::default();
    /// for x in [0.9, 0.1, 0.5] {
    ///     m.add(Censored::Exact(x));
    /// }
    /// m.sort();
    /// assert_eq!(m.values(), [0.1, 0.5, 0.9]);
    /// ```
    pub fn sort(&mut self) {
        if !self.sorted {
            self.values.sort_by(f64::total_cmp);
            self.sorted = true;
        }
    }

    /// Median and quartiles of the exact values ([`quantile_type7`]); `None` without exact
    /// values. Sorts a copy when the values are not sorted yet.
    ///
    /// ```
    /// use lmr::{censored::Censored, summary::Measure};
    ///
    /// let mut m = Measure::default();
    /// m.add(Censored::LessThan(0.01));
    /// assert_eq!(m.quartiles(), None); // censored values only
    /// m.add(Censored::Exact(0.05));
    /// let q = m.quartiles().unwrap();
    /// assert_eq!((q.q1, q.median, q.q3), (0.05, 0.05, 0.05)); // one value: every quantile is it
    /// ```
    pub fn quartiles(&self) -> Option<Quartiles> {
        let copy;
        let sorted: &[f64] = if self.sorted {
            &self.values
        } else {
            let mut v = self.values.clone();
            v.sort_by(f64::total_cmp);
            copy = v;
            &copy
        };
        Some(Quartiles {
            q1: quantile_type7(sorted, 0.25)?,
            median: quantile_type7(sorted, 0.5)?,
            q3: quantile_type7(sorted, 0.75)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn type7_matches_r_by_hand() {
        // R: quantile(c(1, 2, 3, 4, 10)) → 0%: 1, 25%: 2, 50%: 3, 75%: 4, 100%: 10
        // (h = 4p: 1, 2, 3 exactly on values)
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile_type7(&x, 0.0), Some(1.0));
        assert_eq!(quantile_type7(&x, 0.25), Some(2.0));
        assert_eq!(quantile_type7(&x, 0.5), Some(3.0));
        assert_eq!(quantile_type7(&x, 0.75), Some(4.0));
        assert_eq!(quantile_type7(&x, 1.0), Some(10.0));
        // R: quantile(c(0.02, 0.03, 0.05, 0.11, 0.4, 0.9), c(.25, .5, .75))
        //   n = 6, h = 5p: 1.25 → 0.03 + 0.25·0.02 = 0.035; 2.5 → 0.05 + 0.5·0.06 = 0.08;
        //   3.75 → 0.11 + 0.75·0.29 = 0.3275
        let y = [0.02, 0.03, 0.05, 0.11, 0.4, 0.9];
        assert_relative_eq!(
            quantile_type7(&y, 0.25).unwrap(),
            0.035,
            max_relative = 1e-12
        );
        assert_relative_eq!(quantile_type7(&y, 0.5).unwrap(), 0.08, max_relative = 1e-12);
        assert_relative_eq!(
            quantile_type7(&y, 0.75).unwrap(),
            0.3275,
            max_relative = 1e-12
        );
        // R: quantile(c(1, 3), 0.9) → 1 + 0.9·2 = 2.8
        assert_relative_eq!(
            quantile_type7(&[1.0, 3.0], 0.9).unwrap(),
            2.8,
            max_relative = 1e-12
        );
    }

    #[test]
    fn type7_edges() {
        assert_eq!(quantile_type7(&[7.5], 0.25), Some(7.5));
        assert_eq!(quantile_type7(&[7.5], 1.0), Some(7.5));
        assert_eq!(quantile_type7(&[], 0.5), None);
        assert_eq!(quantile_type7(&[1.0], -0.1), None);
        assert_eq!(quantile_type7(&[1.0], 1.1), None);
        assert_eq!(quantile_type7(&[1.0], f64::NAN), None);
    }

    #[test]
    fn censored_values_are_counted_not_used() {
        let mut m = Measure::default();
        for x in [4.0, 1.0, 3.0, 2.0] {
            m.add(Censored::Exact(x));
        }
        m.add(Censored::LessThan(0.5));
        m.add(Censored::LessThan(0.5));
        m.add(Censored::GreaterThan(50.0));
        m.add(Censored::Exact(f64::NAN));
        assert_eq!(m.n_exact(), 4);
        assert_eq!(m.n_below_limit(), 2);
        assert_eq!(m.n_above_limit(), 1);
        let q = m.quartiles().unwrap();
        // exact values 1, 2, 3, 4 only: 1.75, 2.5, 3.25
        assert_relative_eq!(q.q1, 1.75, max_relative = 1e-12);
        assert_relative_eq!(q.median, 2.5, max_relative = 1e-12);
        assert_relative_eq!(q.q3, 3.25, max_relative = 1e-12);
        assert_relative_eq!(q.iqr(), 1.5, max_relative = 1e-12);
        m.sort();
        assert_eq!(m.values(), &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m.quartiles(), Some(q));
    }

    #[test]
    fn only_censored_gives_no_quartiles() {
        let mut m = Measure::default();
        m.add(Censored::LessThan(0.1));
        assert!(!m.is_empty());
        assert_eq!(m.quartiles(), None);
        assert!(Measure::default().is_empty());
    }
}
