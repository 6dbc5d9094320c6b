//! # lmr: lactulose–mannitol permeability tests, zonulin and vitamin D, in context
//!
//! `lmr` computes urinary sugar recoveries (percent of the oral dose excreted) and the
//! lactulose : mannitol ratio of fractional excretions, and puts serum zonulin and
//! 25-hydroxyvitamin D results beside named, sourced reference ranges, with the caveats that
//! say what each number can and cannot tell.
//!
//! **Increased intestinal permeability is measurable; "leaky gut syndrome" is not an established
//! diagnosis.** Nothing here tells a person they have a syndrome or a disease: results describe the
//! measurement, compare it with a named reference, and state the caveats.
//!
//! Start with the [`cookbook`]: batch a file, one sample, reading results, a range file, a column
//! map, z-scores and a reference interval, each a complete program.
//!
//! ## Modules, by domain
//! - [`units`]: quantities as types (concentration, volume, mass, duration, percent).
//! - [`sugar`]: the probes, their formulas and molar masses.
//! - [`analyte`]: what is measured, in which specimen and unit. [`source`]: where a reference
//!   number comes from and how sure it is.
//! - [`protocol`]: doses, collection window, age and sex.
//! - [`recovery`] and [`ratio`]: the formulas. [`censored`]: values below a detection limit.
//! - [`reference`](mod@reference): range files, validation, the registry of shipped and user ranges.
//! - [`reference_interval`]: a lab's own reference interval (CLSI EP28-A3c), written as a range file.
//! - [`sample`]: one parser per input field; a sample from named fields (`check` flags, CSV
//!   cells, the Python package, `lmr serve`), and the `lmr check` document.
//! - [`interpretation`]: one sample → recoveries, ratio, classes, [`flag`]s and [`caveat`]s.
//! - [`vitamin_d`] and [`zonulin`]: their units and rules.
//! - [`zscore`]: age- and sex-specific z-scores against a reference table, and deriving such a
//!   table from a reference group in the user's own data.
//! - [`batch`]: streaming CSV interpretation. [`report`]: text and JSON output. [`number`]: the
//!   one rule every written number follows (10 significant digits, shortest text).
//! - [`cohort`]: a cohort file read whole, by group (summaries, reference intervals, z-score
//!   tables), with bounded memory.
//! - [`summary`]: cohort summaries per group (medians, IQRs, class and flag counts) as text,
//!   JSON or CSV, and an HTML page of figures with the reference ranges drawn.
//! - `serve` (feature `serve`, on by default): `lmr serve`, a local web page and JSON API.
//! - [`Error`]: any of the above modules' errors, for a caller that reports a failure and stops;
//!   [`Error::is_rejected_value`] tells a value given from a file or input that failed.
//!
//! The `lmr` commands' options are this library's types ([`batch::Input`],
//! [`interpretation::RangeSetup`], [`interpretation::Options`], [`cohort::Groups`],
//! [`cohort::IntervalOptions`], [`cohort::ZscoreOptions`], [`zscore::DeriveOptions`],
//! [`sample::check::Fields`], the format enums): with the `cli` feature (on by default) they are
//! also the command line's arguments, so a script sets exactly what a flag sets.
//!
//! ## Example
//! ```
//! use lmr::interpretation::{Interpreter, Interpretation, Options, Sample};
//! use lmr::reference::Registry;
//! use lmr::sugar::Sugar;
//!
//! let registry = Registry::builtin()?;
//! let options = Options { lm_range: None, ..Options::default() };
//! let interpreter = Interpreter::new(&registry, &options)?;
//!
//! // The Dutch sugar absorption test (hyperosmolar: 5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h)
//! let mut sample = Sample::default();
//! sample.protocol.fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
//! sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
//! sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
//! sample.urine_volume = Some("1 L".parse()?);
//!
//! let mut out = Interpretation::default();
//! interpreter.interpret(&sample, &mut out)?;
//! // 30 mg of 5000 mg = 0.6 %; 200 mg of 2000 mg = 10 %; 0.6 / 10 = 0.06 ≤ 0.089
//! approx::assert_relative_eq!(out.lm_ratio.unwrap().exact().unwrap(), 0.06, max_relative = 1e-12);
//! assert_eq!(out.lm_class(), Some("within"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod analyte;
pub mod batch;
pub mod caveat;
pub mod censored;
pub mod cohort;
pub mod cookbook;
mod error;
pub mod files;
pub mod flag;
pub mod fraction;
pub mod interpretation;
pub mod number;
pub mod protocol;
pub mod ratio;
pub mod recovery;
pub mod reference;
pub mod reference_interval;
pub mod report;
pub mod sample;
pub mod sample_file;
#[cfg(feature = "serve")]
pub mod serve;
pub mod source;
pub mod sugar;
pub mod summary;
pub mod units;
pub mod vitamin_d;
pub mod zonulin;
pub mod zscore;

// The main types, flat, so a newcomer finds them at `lmr::` (their modules say more).
pub use analyte::{Analyte, Matrix, RangeUnit};
pub use batch::{BatchError, ColumnMap, RowError};
pub use caveat::Caveat;
pub use censored::Censored;
pub use error::Error;
pub use flag::Flag;
pub use interpretation::{Interpretation, Interpreter, Sample};
pub use protocol::{Dose, NamedProtocol, Protocol, Sex, SugarMap};
pub use ratio::ExcretionRatio;
pub use reference::{RangeFileError, ReferenceRange, Registry};
pub use reference_interval::ReferenceInterval;
pub use source::{Source, Verification};
pub use sugar::Sugar;
pub use units::{Concentration, Duration, Mass, Percent, UnitError, Volume};
pub use zscore::{ZscoreSelection, ZscoreTable};

/// The README's library example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
