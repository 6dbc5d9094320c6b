//! Small, tested helpers behind the figures: values for a log axis, log-spaced bins, axis
//! limits, and a deterministic subsample.

/// Values that can be drawn on a log axis, and how many could not (see [`LogValues::from_values`]).
///
/// ```
/// let v = lmr::summary::plot::LogValues::from_values([0.1, -0.1]);
/// assert_eq!((v.values.len(), v.skipped), (1, 1)); // a log axis cannot show −0.1
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogValues {
    /// The finite values above zero, in input order.
    pub values: Vec<f64>,
    /// Values skipped: zero, negative, NaN or infinite.
    pub skipped: usize,
}

impl LogValues {
    /// Splits `values` into those a log axis can show (finite, `> 0`) and a count of the rest.
    ///
    /// ```
    /// use lmr::summary::plot::LogValues;
    /// let v = LogValues::from_values([0.02, 0.0, -1.0, f64::NAN, 0.5]);
    /// assert_eq!(v.values, vec![0.02, 0.5]);
    /// assert_eq!(v.skipped, 3);
    /// ```
    pub fn from_values(values: impl IntoIterator<Item = f64>) -> LogValues {
        let mut out = LogValues::default();
        for x in values {
            if x.is_finite() && x > 0.0 {
                out.values.push(x);
            } else {
                out.skipped += 1;
            }
        }
        out
    }

    /// The smallest and largest value, if any.
    ///
    /// ```
    /// use lmr::summary::plot::LogValues;
    ///
    /// assert_eq!(LogValues::from_values([0.5, 0.0, 0.02]).extent(), Some((0.02, 0.5)));
    /// assert_eq!(LogValues::from_values([0.0]).extent(), None);
    /// ```
    pub fn extent(&self) -> Option<(f64, f64)> {
        extent(self.values.iter().copied())
    }
}

/// The smallest and largest finite value, if any.
///
/// ```
/// use lmr::summary::plot::extent;
///
/// assert_eq!(extent([3.0, f64::NAN, -1.0, f64::INFINITY]), Some((-1.0, 3.0)));
/// assert_eq!(extent([]), None);
/// ```
pub fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|x| x.is_finite())
        .fold(None, |acc, x| match acc {
            None => Some((x, x)),
            Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
        })
}

/// Log-axis limits around `lo..=hi` (both `> 0`): widened to whole ticks of 1, 2 or 5 × 10ⁿ
/// below and above, so that every value and bound lies inside. `None` unless `0 < lo ≤ hi`.
///
/// ```
/// use lmr::summary::plot::log_limits;
/// assert_eq!(log_limits(0.013, 0.42), Some((0.01, 0.5)));
/// assert_eq!(log_limits(0.0, 1.0), None);
/// ```
pub fn log_limits(lo: f64, hi: f64) -> Option<(f64, f64)> {
    if !(lo > 0.0 && hi >= lo && hi.is_finite()) {
        return None;
    }
    let down = |x: f64| {
        let p = 10f64.powf(x.log10().floor());
        [5.0, 2.0, 1.0]
            .into_iter()
            .map(|s| s * p)
            .find(|&t| t <= x * (1.0 + 1e-9))
            .unwrap_or(p / 2.0)
    };
    let up = |x: f64| {
        let p = 10f64.powf(x.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|s| s * p)
            .find(|&t| t >= x * (1.0 - 1e-9))
            .unwrap_or(p * 20.0)
    };
    let (a, b) = (down(lo), up(hi));
    if a < b {
        Some((a, b))
    } else {
        Some((a / 2.0, b * 2.0))
    }
}

/// `n` log-spaced bin edges from `lo` to `hi` (`n + 1` edges); empty unless `0 < lo < hi` and
/// `n > 0`.
///
/// ```
/// use lmr::summary::plot::log_bin_edges;
///
/// // 1 to 100 in 2 log-spaced bins: e^0, e^(ln 100 / 2) = 10, e^(ln 100)
/// let edges = log_bin_edges(1.0, 100.0, 2);
/// assert_eq!((edges.len(), edges[0], edges[2]), (3, 1.0, 100.0)); // the ends exactly
/// approx::assert_relative_eq!(edges[1], 10.0, max_relative = 1e-12);
/// assert!(log_bin_edges(0.0, 1.0, 4).is_empty());
/// ```
pub fn log_bin_edges(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) || n == 0 {
        return Vec::new();
    }
    let (a, b) = (lo.ln(), hi.ln());
    // The ends are exactly `lo` and `hi` (exp(ln x) need not give x back).
    (0..=n)
        .map(|i| match i {
            0 => lo,
            i if i == n => hi,
            i => (a + (b - a) * i as f64 / n as f64).exp(),
        })
        .collect()
}

/// Counts of `values` per bin of `edges` (ascending); a value equal to an inner edge goes to
/// the bin above it, the last edge is inside the last bin, values outside are not counted.
///
/// ```
/// use lmr::summary::plot::histogram;
///
/// // bins [1, 10) and [10, 100]: 1 and 5 | 10 and 100 | 200 outside
/// assert_eq!(histogram(&[1.0, 5.0, 10.0, 100.0, 200.0], &[1.0, 10.0, 100.0]), [2, 2]);
/// assert!(histogram(&[1.0], &[1.0]).is_empty()); // one edge: no bin
/// ```
pub fn histogram(values: &[f64], edges: &[f64]) -> Vec<usize> {
    let bins = edges.len().saturating_sub(1);
    let mut counts = vec![0; bins];
    if bins == 0 {
        return counts;
    }
    for &x in values {
        if !(x >= edges[0] && x <= edges[bins]) {
            continue;
        }
        let i = edges
            .partition_point(|&e| e <= x)
            .saturating_sub(1)
            .min(bins - 1);
        counts[i] += 1;
    }
    counts
}

/// At most `max` of `n` indices, evenly spread and deterministic: `⌊i · n / max⌋` for
/// `i = 0..max` (every index when `n ≤ max`).
///
/// ```
/// use lmr::summary::plot::subsample_indices;
/// assert_eq!(subsample_indices(10, 4), vec![0, 2, 5, 7]);
/// assert_eq!(subsample_indices(3, 5), vec![0, 1, 2]);
/// ```
pub fn subsample_indices(n: usize, max: usize) -> Vec<usize> {
    if n <= max {
        return (0..n).collect();
    }
    (0..max).map(|i| i * n / max).collect()
}

/// A label for a tick of a log axis, without trailing zeros (`0.01`, `0.5`, `20`).
///
/// ```
/// use lmr::summary::plot::tick_label;
///
/// assert_eq!(tick_label(0.01), "0.01");
/// assert_eq!(tick_label(20.0), "20");
/// assert_eq!(tick_label(2.0 * 0.1), "0.2");
/// ```
pub fn tick_label(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Tick positions of a log axis from `lo` to `hi`: 1, 2 and 5 × 10ⁿ inside the limits
/// (only 1 × 10ⁿ when the limits span more than 3.5 decades).
///
/// ```
/// use lmr::summary::plot::{log_ticks, tick_label};
///
/// let labels = |lo, hi| log_ticks(lo, hi).into_iter().map(tick_label).collect::<Vec<_>>();
/// assert_eq!(labels(0.01, 0.5), ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5"]);
/// // 0.001 to 100: five decades, so 10ⁿ only
/// assert_eq!(labels(0.001, 100.0), ["0.001", "0.01", "0.1", "1", "10", "100"]);
/// ```
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let decades = (hi / lo).log10();
    let steps: &[f64] = if decades > 3.5 {
        &[1.0]
    } else {
        &[1.0, 2.0, 5.0]
    };
    let mut out = Vec::new();
    let mut p = 10f64.powf(lo.log10().floor());
    while p <= hi * 1.000_001 {
        for s in steps {
            let t = s * p;
            if t >= lo * 0.999_999 && t <= hi * 1.000_001 {
                out.push(t);
            }
        }
        p *= 10.0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn log_values_skip_and_count_zero_negative_and_non_finite() {
        let v = LogValues::from_values([1.0, 0.0, -0.0, -3.0, f64::INFINITY, f64::NAN, 1e-300]);
        assert_eq!(v.values, vec![1.0, 1e-300]);
        assert_eq!(v.skipped, 5);
        assert_eq!(v.extent(), Some((1e-300, 1.0)));
        let empty = LogValues::from_values([0.0, -1.0]);
        assert!(empty.values.is_empty());
        assert_eq!(empty.skipped, 2);
        assert_eq!(empty.extent(), None);
    }

    #[test]
    fn log_limits_round_out_to_1_2_5() {
        assert_eq!(log_limits(0.013, 0.42), Some((0.01, 0.5)));
        assert_eq!(log_limits(0.03, 0.089), Some((0.02, 0.1)));
        assert_eq!(log_limits(6.0, 60.0), Some((5.0, 100.0)));
        // exactly on a tick stays
        let (a, b) = log_limits(0.2, 2.0).unwrap();
        assert_relative_eq!(a, 0.2, max_relative = 1e-12);
        assert_relative_eq!(b, 2.0, max_relative = 1e-12);
        // one value: widened, never empty
        assert_eq!(log_limits(1.0, 1.0), Some((0.5, 2.0)));
        assert_eq!(log_limits(0.0, 1.0), None);
        assert_eq!(log_limits(-1.0, 1.0), None);
        assert_eq!(log_limits(2.0, 1.0), None);
        assert_eq!(log_limits(1.0, f64::INFINITY), None);
    }

    #[test]
    fn bins_and_counts() {
        let e = log_bin_edges(0.01, 1.0, 2);
        assert_eq!(e.len(), 3);
        assert_relative_eq!(e[1], 0.1, max_relative = 1e-12);
        // 0.1 sits on the inner edge: the bin above; 1.0 (last edge): the last bin; 2.0 outside
        let c = histogram(&[0.01, 0.05, e[1], 0.5, 1.0, 2.0, 0.001], &e);
        assert_eq!(c, vec![2, 3]);
        assert!(log_bin_edges(0.0, 1.0, 3).is_empty());
        assert!(log_bin_edges(1.0, 1.0, 3).is_empty());
        assert!(log_bin_edges(0.1, 1.0, 0).is_empty());
        assert!(histogram(&[1.0], &[]).is_empty());
    }

    #[test]
    fn subsample_is_even_and_bounded() {
        let s = subsample_indices(2000, 500);
        assert_eq!(s.len(), 500);
        assert_eq!(s[0], 0);
        assert_eq!(s[1], 4);
        assert_eq!(*s.last().unwrap(), 1996);
        assert!(subsample_indices(0, 10).is_empty());
        assert!(subsample_indices(10, 0).is_empty());
    }

    #[test]
    fn ticks() {
        assert_eq!(tick_label(0.010000), "0.01");
        assert_eq!(tick_label(20.0), "20");
        let t = log_ticks(0.01, 0.5);
        assert_eq!(t.len(), 6); // 0.01 0.02 0.05 0.1 0.2 0.5
        assert_relative_eq!(t[5], 0.5, max_relative = 1e-9);
        assert_eq!(log_ticks(0.001, 10.0).len(), 5); // 4 decades: 1 × 10ⁿ only
        assert!(log_ticks(0.0, 1.0).is_empty());
    }
}

/// The part of the box `[x0, x1] × [y0, y1]` where `y ≥ x`, as a polygon (empty when none of
/// the box lies there). On log–log axes the diagonal `y = x` is still a straight line, so the
/// polygon's straight edges are drawn correctly there too.
///
/// ```
/// use lmr::summary::plot::above_diagonal;
/// // the upper-left triangle of a square
/// assert_eq!(above_diagonal(0.0, 1.0, 0.0, 1.0), vec![(0.0, 0.0), (1.0, 1.0), (0.0, 1.0)]);
/// // a box wholly below the diagonal
/// assert!(above_diagonal(10.0, 20.0, 0.0, 5.0).is_empty());
/// ```
pub fn above_diagonal(x0: f64, x1: f64, y0: f64, y1: f64) -> Vec<(f64, f64)> {
    // Sutherland–Hodgman: clip the box against the half-plane y − x ≥ 0.
    let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
    let inside = |p: (f64, f64)| p.1 - p.0 >= 0.0;
    let mut out: Vec<(f64, f64)> = Vec::new();
    for i in 0..4 {
        let a = corners[i];
        let b = corners[(i + 1) % 4];
        let (ia, ib) = (inside(a), inside(b));
        if ia {
            out.push(a);
        }
        if ia != ib {
            // where y − x = 0 on the segment a → b
            let (da, db) = (a.1 - a.0, b.1 - b.0);
            let t = da / (da - db);
            out.push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
        }
    }
    out.dedup();
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    if out.len() < 3 {
        out.clear();
    }
    out
}

#[cfg(test)]
mod diagonal_tests {
    use super::*;

    #[test]
    fn clip_to_above_diagonal() {
        // x 2..100, y 0.01..10: the region above y = x is the triangle (2,2), (10,10), (2,10)
        let p = above_diagonal(2.0, 100.0, 0.01, 10.0);
        assert_eq!(p.len(), 3);
        for v in [(2.0, 2.0), (10.0, 10.0), (2.0, 10.0)] {
            assert!(p
                .iter()
                .any(|q| (q.0 - v.0).abs() < 1e-12 && (q.1 - v.1).abs() < 1e-12));
        }
        // wholly above: the whole box
        assert_eq!(above_diagonal(0.0, 1.0, 5.0, 6.0).len(), 4);
        assert!(above_diagonal(5.0, 6.0, 0.0, 1.0).is_empty());
    }
}
