//! The values given to the estimators and what can be wrong with them.

/// Input that cannot be used.
///
/// ```
/// use lmr::reference_interval::{establish, Options, ReferenceIntervalError};
/// let e = establish(&[], &Options::default()).unwrap_err();
/// assert_eq!(e, ReferenceIntervalError::Empty);
/// let e = establish(&[1.0, f64::NAN], &Options::default()).unwrap_err();
/// assert!(matches!(e, ReferenceIntervalError::NotFinite { index: 1, .. }));
/// ```
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

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/// Checks that there are values and that all are finite.
pub(super) fn check_values(values: &[f64]) -> Result<(), ReferenceIntervalError> {
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
pub(super) fn order(values: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    idx
}

pub(super) fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

pub(super) fn fraction(name: &'static str, value: f64) -> Result<f64, ReferenceIntervalError> {
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
