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

mod collect;
mod date;
mod establish;
mod estimate;
mod outliers;
mod protocol;
mod stats;
mod values;
mod write;

pub use collect::Collected;
pub use date::iso_date;
pub use establish::{
    establish, Exclusion, Options, ReferenceInterval, Warning, GUIDELINE_MINIMUM_N,
};
pub use estimate::{ConfidenceInterval, Estimate, Limit, Method};
pub use outliers::{dixon, tukey, TukeyFences, TUKEY_K};
pub use protocol::{
    describe_protocol, on_protocol, spec_doses, ProtocolDisagreement, SharedProtocol,
};
pub use stats::{
    ci_coverage, ci_ranks, lognormal, minimum_n_for_ci, nonparametric, percentile_rank,
    percentile_sorted, robust,
};
pub use values::ReferenceIntervalError;
pub use write::{
    interval_unit, partition_label, range_file_toml, write_range_file, RangeFileSpec,
    RangeWriteError, INTERVAL_ANALYTES,
};
