//! Interpretation: one sample in, recoveries, ratio, classifications, flags and caveats out.
//!
//! [`Interpreter`] resolves the ranges once (the L:M range named or the automatic candidates, the
//! vitamin D schemes, the zonulin range, the quality bands); [`Interpreter::interpret`] then reads
//! one [`Sample`] into a reused [`Interpretation`], so a batch allocates nothing per row once warm.
//!
//! The L:M ratio is classified only against a range whose declared protocol matches the sample's
//! (doses, window, age, sex). With no match it is `unclassified` with caveat `no_matching_range`. A
//! range named explicitly still classifies when its protocol differs, and the result carries flag
//! `protocol_mismatch` naming what differs.
//!
//! ```
//! use lmr::interpretation::{Interpreter, Interpretation, Options, Sample};
//! use lmr::reference::Registry;
//! use lmr::sugar::Sugar;
//!
//! let registry = Registry::builtin()?;
//! let interpreter = Interpreter::new(&registry, &Options::default())?;
//! let mut sample = Sample::default();
//! sample.set_urine(Sugar::Lactulose, "20 mg/L".parse()?);
//! sample.set_urine(Sugar::Mannitol, "150 mg/L".parse()?);
//! sample.urine_volume = Some("1.2 L".parse()?);
//! sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
//! sample.set_dose(Sugar::Mannitol, "1 g".parse()?);
//! sample.protocol.collection = Some("5 h".parse()?);
//!
//! let mut out = Interpretation::default();
//! interpreter.interpret(&sample, &mut out)?;
//! // hand-worked, FE% = C × V / dose × 100: 0.48 % and 18.0 %, ratio 0.026667
//! approx::assert_relative_eq!(out.lm_ratio.unwrap().exact().unwrap(), 0.48 / 18.0, max_relative = 1e-12);
//! assert_eq!(out.lm_class(), Some("unclassified")); // no verified range for 5 g / 1 g, 5 h
//! assert!(out.caveat_codes().any(|c| c == "no_matching_range"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod matches;

use crate::caveat::Caveat;
use crate::censored::Censored;
use crate::flag::Flag;
use crate::protocol::{Dose, Protocol, SugarMap};
use crate::ratio::ExcretionRatio;
use crate::recovery::{recovery, RecoveryError, UrineResult};
use crate::reference::{
    Analyte, Bound, Difference, RangeUnit, ReferenceRange, Registry, Selection, Verification,
    UNCLASSIFIED,
};
use crate::sugar::Sugar;
use crate::units::{Concentration, Egfr, Mass, Percent, Volume, VolumeUnit};
use crate::vitamin_d::{VitaminD, VitaminDForm};
use crate::zonulin::{HpGenotype, Zonulin, ZonulinError};
use crate::zscore::{NoZscore, Zscore, ZscoreSelection, ZscoreTable};

/// Id of the shipped plausibility band for mannitol recovery.
///
/// ```
/// use lmr::{analyte::Analyte, interpretation::MANNITOL_BAND_ID};
///
/// let registry = lmr::Registry::builtin()?;
/// let band = registry.range(MANNITOL_BAND_ID).expect("shipped");
/// assert_eq!(band.analyte, Analyte::MannitolRecoveryPct);
/// // 8 % ≤ plausible ≤ 39.6 %, applied to adults only
/// assert_eq!(band.bands[1].interval(), "8 ≤ x ≤ 39.6");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MANNITOL_BAND_ID: &str = "mannitol-recovery-healthy-adults-oral";
/// Id of the shipped low-urine-volume band.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let band = registry.range(lmr::interpretation::URINE_VOLUME_BAND_ID).expect("shipped");
/// // Mattioli 2011: results shift below 500 mL (adults, 5–6 h)
/// assert_eq!(band.bands[0].interval(), "x < 500");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const URINE_VOLUME_BAND_ID: &str = "urine-volume-adult-5-6h";
/// Id of the shipped vitamin D toxicity band.
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let band = registry.range(lmr::interpretation::VITAMIN_D_TOXICITY_ID).expect("shipped");
/// assert_eq!(band.bands[0].interval(), "x ≤ 150"); // ng/mL
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const VITAMIN_D_TOXICITY_ID: &str = "vitamin-d-toxicity";
/// Id of the IOM 2011 scheme (its `above_reason_for_concern` band drives the 125 nmol/L flag).
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let iom = registry.range(lmr::interpretation::IOM_2011_ID).expect("shipped");
/// assert_eq!(iom.bands.last().unwrap().label, "above_reason_for_concern");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const IOM_2011_ID: &str = "iom-2011";
/// The default vitamin D scheme.
///
/// ```
/// use lmr::interpretation::{Interpreter, Options};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// assert_eq!(interpreter.vitamin_d_schemes()[0].id, lmr::interpretation::DEFAULT_VITAMIN_D_SCHEME);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const DEFAULT_VITAMIN_D_SCHEME: &str = IOM_2011_ID;

/// Which ranges to use.
///
/// ```
/// use lmr::interpretation::{Interpreter, Options};
///
/// let registry = lmr::Registry::builtin()?;
/// let options = Options {
///     lm_range: Some("dutch-sat-hyperosmolar-5h".into()),
///     vitamin_d_schemes: vec!["all".into()], // every shipped scheme
///     ..Options::default()
/// };
/// let interpreter = Interpreter::new(&registry, &options)?;
/// assert_eq!(interpreter.lm_explicit().map(|r| r.id.as_str()), Some("dutch-sat-hyperosmolar-5h"));
/// assert!(interpreter.vitamin_d_schemes().len() > 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// An L:M range chosen by id (`--lm-range`); `None`: match automatically by protocol.
    pub lm_range: Option<String>,
    /// Vitamin D schemes by id; empty: [`DEFAULT_VITAMIN_D_SCHEME`]; `all`: every shipped scheme.
    pub vitamin_d_schemes: Vec<String>,
    /// A zonulin range chosen by id (`--zonulin-range`).
    pub zonulin_range: Option<String>,
    /// An L:R (lactulose : rhamnose) range chosen by id (`--lr-range`); L:R ranges are never
    /// matched automatically.
    pub lr_range: Option<String>,
    /// Subtract the baseline (pre-dose) amount of each sugar from its recovery
    /// (`--subtract-baseline`): net concentration = post-dose − baseline, not below zero.
    pub subtract_baseline: bool,
}

/// A range choice that cannot be used.
///
/// ```
/// use lmr::analyte::Analyte;
/// use lmr::interpretation::{ConfigError, Interpreter, Options};
///
/// let registry = lmr::Registry::builtin()?;
/// let options = Options { lm_range: Some("iom-2011".into()), ..Options::default() };
/// let e = Interpreter::new(&registry, &options).unwrap_err();
/// assert_eq!(
///     e,
///     ConfigError::WrongAnalyte {
///         option: "--lm-range",
///         id: "iom-2011".into(),
///         found: Analyte::VitaminD25oh,
///         wanted: Analyte::LmRatio,
///     }
/// );
/// assert_eq!(e.to_string(), r#"--lm-range "iom-2011": that range is for vitamin_d_25oh, not lm_ratio"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No range has this id.
    #[error("{option} {id:?}: no such range (see `lmr ranges list`)")]
    UnknownRange {
        /// The option (`--lm-range`).
        option: &'static str,
        /// The id given.
        id: String,
    },
    /// The range is for another analyte.
    #[error("{option} {id:?}: that range is for {found}, not {wanted}")]
    WrongAnalyte {
        /// The option.
        option: &'static str,
        /// The id.
        id: String,
        /// Its analyte.
        found: Analyte,
        /// The analyte wanted.
        wanted: Analyte,
    },
}

/// A sample that cannot be interpreted.
///
/// ```
/// use lmr::interpretation::{InterpretError, Interpretation, Interpreter, Options, Sample};
/// use lmr::recovery::RecoveryError;
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
/// sample.set_dose(Sugar::Lactulose, "0 g".parse()?);
/// sample.urine_volume = Some("1 L".parse()?);
/// let mut out = Interpretation::default();
/// let e = interpreter.interpret(&sample, &mut out).unwrap_err();
/// assert_eq!(e, InterpretError::Recovery(RecoveryError::ZeroDose { sugar: Sugar::Lactulose }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InterpretError {
    /// A recovery cannot be computed.
    #[error(transparent)]
    Recovery(#[from] RecoveryError),
    /// A zonulin value and the chosen range do not fit together.
    #[error(transparent)]
    Zonulin(#[from] ZonulinError),
    /// Both whole-collection urine results and timed fractions were given.
    #[error("give either one urine collection or timed fractions, not both")]
    FractionsAndWhole,
    /// A ratio of two recoveries that a double cannot hold (`1e308 mg/L` lactulose over
    /// `1e-308 mg/L` mannitol): an error naming both inputs, never an empty cell.
    #[error("the {numerator} : {denominator} ratio is too large or too small to compute ({numerator} recovery {} % ÷ {denominator} recovery {} %): check the values and units of urine_{} and urine_{}", crate::number::Number(.numerator_recovery.value()), crate::number::Number(.denominator_recovery.value()), .numerator.key(), .denominator.key())]
    RatioOutOfRange {
        /// The numerator's sugar.
        numerator: Sugar,
        /// The denominator's sugar.
        denominator: Sugar,
        /// The numerator's recovery (the value, or the bound when censored).
        numerator_recovery: Percent,
        /// The denominator's recovery (the value, or the bound when censored).
        denominator_recovery: Percent,
    },
}

/// Pre-test conditions a lab records, each known to change sugar-test results (see the caveat
/// `sugar_test_interferences`); `None` when not recorded. Each `Some(true)` raises the flag of the
/// same name; an `egfr` below 60 mL/min/1.73 m² raises `reduced_renal_function`.
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Pretest, Sample};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.pretest = Pretest { nsaid: Some(true), alcohol: Some(false), egfr: Some("45".parse()?), ..Pretest::default() };
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// let flags: Vec<&str> = out.flag_codes().collect();
/// assert_eq!(flags, ["pretest_nsaid", "reduced_renal_function"]); // "no" raises nothing
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pretest {
    /// NSAIDs or aspirin taken before the test.
    pub nsaid: Option<bool>,
    /// Alcohol taken before the test.
    pub alcohol: Option<bool>,
    /// A laxative taken before the test.
    pub laxative: Option<bool>,
    /// Oral corticosteroids taken before the test.
    pub steroid: Option<bool>,
    /// Diarrhoea shortly before the test.
    pub recent_diarrhoea: Option<bool>,
    /// Glucose in the urine.
    pub glycosuria: Option<bool>,
    /// Estimated GFR.
    pub egfr: Option<Egfr>,
}

/// eGFR below which renal function is reduced, 60 mL/min/1.73 m²: KDIGO 2012 "decreased GFR",
/// GFR categories G3a–G5 (Kidney Int Suppl 2013;3:19–62, doi:10.1038/kisup.2012.64).
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Pretest, Sample, REDUCED_EGFR_BELOW};
/// use lmr::units::Egfr;
///
/// assert_eq!(REDUCED_EGFR_BELOW.to_string(), "60 mL/min/1.73 m²");
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut out = Interpretation::default();
/// let mut sample = Sample::default();
/// // 60 itself is G2 (60–89): not reduced; 59.9 is G3a
/// for (egfr, flagged) in [(60.0, false), (59.9, true)] {
///     sample.pretest = Pretest { egfr: Some(Egfr::new(egfr)?), ..Pretest::default() };
///     interpreter.interpret(&sample, &mut out)?;
///     assert_eq!(out.flag_codes().any(|f| f == "reduced_renal_function"), flagged, "{egfr}");
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const REDUCED_EGFR_BELOW: Egfr = Egfr::from_checked(60.0);

/// One sample's inputs. Every part is optional; a sample is interpreted for what it has.
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
/// use lmr::vitamin_d::{VitaminD, VitaminDForm};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// // vitamin D alone: 20 ng/mL × 1000 ÷ 400.64 = 49.92 nmol/L, below IOM's 50
/// let mut sample = Sample::default();
/// sample.vitamin_d = Some(VitaminD::new("20 ng/mL".parse()?, VitaminDForm::D3)?);
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// let vd = out.vitamin_d.as_ref().unwrap();
/// assert_eq!(vd.schemes[0].label(), "at_risk_of_inadequacy");
/// assert!(out.flag_codes().any(|f| f == "near_boundary")); // 0.08 from 50: within 0.2 %
/// assert_eq!(out.lm_class(), None); // no sugar test
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Sample {
    /// Urine result per sugar.
    pub urine: SugarMap<UrineResult>,
    /// Urine volume collected in the window.
    pub urine_volume: Option<Volume>,
    /// Doses, window, age and sex.
    pub protocol: Protocol,
    /// Serum 25(OH)D.
    pub vitamin_d: Option<VitaminD>,
    /// Zonulin, with its matrix.
    pub zonulin: Option<Zonulin>,
    /// Haptoglobin genotype.
    pub hp_genotype: Option<HpGenotype>,
    /// Baseline (pre-dose) urine result per sugar.
    pub baseline: SugarMap<UrineResult>,
    /// Timed urine fractions (e.g. 0–2 h, 2–8 h, 8–24 h). When present, recoveries are summed over
    /// the fractions and `urine` / `urine_volume` must be empty.
    pub fractions: Vec<Fraction>,
    /// Results reported below the assay's limit (`<10 ng/mL`, `ND`) for the analytes whose
    /// value is then left out (the urine sugars keep theirs in [`UrineResult::BelowLimit`]).
    pub below_limit: BelowLimit,
    /// What was recorded about the person before the test (drugs, diarrhoea, glycosuria, eGFR).
    pub pretest: Pretest,
}

/// Vitamin D and zonulin results reported below the assay's limit: no value to classify, but
/// flagged `below_detection_limit`.
///
/// ```
/// use lmr::interpretation::{BelowLimit, Interpretation, Interpreter, Options, Sample};
/// use lmr::vitamin_d::{VitaminD, VitaminDForm};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// let limit = VitaminD::new("10 ng/mL".parse()?, VitaminDForm::Total)?;
/// sample.below_limit = BelowLimit { vitamin_d: true, vitamin_d_limit: Some(limit), zonulin: false };
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// assert!(out.flag_codes().any(|f| f == "below_detection_limit"));
/// // < 10 ng/mL × 1000 ÷ 400.64 = < 24.96006 nmol/L: every such value is below IOM's 30
/// let below = out.vitamin_d_below.as_ref().unwrap();
/// approx::assert_relative_eq!(below.bound_in_nmol_per_l().number(), 24.96006389776, max_relative = 1e-10);
/// assert_eq!(below.schemes[0].label(), "at_risk_of_deficiency");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct BelowLimit {
    /// 25(OH)D was below the limit.
    pub vitamin_d: bool,
    /// The 25(OH)D limit, when the result stated one (`<10 ng/mL`): the bound of the censored
    /// result (`vitamin_d_nmol_l_bound`), and its class where one band holds every value below it.
    pub vitamin_d_limit: Option<VitaminD>,
    /// Zonulin was below the limit.
    pub zonulin: bool,
}

/// One timed urine fraction.
///
/// ```
/// use lmr::interpretation::{Fraction, Interpretation, Interpreter, Options, Sample};
/// use lmr::recovery::UrineResult;
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
/// sample.set_dose(Sugar::Mannitol, "2 g".parse()?);
/// for (label, l, m) in [("0-2h", "20 mg/L", "100 mg/L"), ("2-5h", "40 mg/L", "300 mg/L")] {
///     let mut f = Fraction { label: label.into(), volume: Some("500 mL".parse()?), ..Fraction::default() };
///     f.urine.set(Sugar::Lactulose, Some(UrineResult::parse(l, None)?));
///     f.urine.set(Sugar::Mannitol, Some(UrineResult::parse(m, None)?));
///     sample.fractions.push(f);
/// }
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// // 0–2 h: 10 mg of 5000 mg = 0.2 %, 50 mg of 2000 mg = 2.5 %: L:M 0.08
/// let first = &out.fractions[0];
/// approx::assert_relative_eq!(first.ratios.lm.unwrap().value().number(), 0.08, max_relative = 1e-12);
/// // 2–5 h: 20 mg = 0.4 %, 150 mg = 7.5 %; summed: 0.6 % and 10 %, L:M 0.06
/// approx::assert_relative_eq!(out.recoveries.get(Sugar::Mannitol).unwrap().number().value(), 10.0, max_relative = 1e-12);
/// approx::assert_relative_eq!(out.lm_ratio.unwrap().value().number(), 0.06, max_relative = 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Fraction {
    /// Its label as given (`0-2h`).
    pub label: String,
    /// Urine volume of the fraction.
    pub volume: Option<Volume>,
    /// Urine result per sugar.
    pub urine: SugarMap<UrineResult>,
}

/// Recoveries and ratios of one fraction (shown with [`Fraction`]).
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let text = "doses = { lactulose = \"5 g\" }\n[[fraction]]\nlabel = \"0-2h\"\nvolume = \"200 mL\"\nurine = { lactulose = \"50 mg/L\" }\n";
/// let sample = lmr::sample_file::parse("s.toml", text, &registry)?;
/// let mut out = lmr::Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// // 0.2 L × 50 mg/L = 10 mg of 5000 mg = 0.2 %
/// let l = out.fractions[0].recoveries.get(lmr::Sugar::Lactulose).unwrap();
/// approx::assert_relative_eq!(l.number().value(), 0.2, max_relative = 1e-12);
/// assert!(out.fractions[0].ratios.lm.is_none()); // no mannitol in this fraction
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct FractionResult {
    /// Recovery per sugar (percent of its dose) in this fraction.
    pub recoveries: SugarMap<Censored<Percent>>,
    /// Ratios of this fraction's fractional excretions.
    pub ratios: Ratios,
}

/// The ratios of fractional excretions `lmr` reports (shown with [`Ratios::of`]).
///
/// ```
/// use lmr::{interpretation::Ratios, units::Percent, Censored, Sugar, SugarMap};
/// let mut r = SugarMap::default();
/// r.set(Sugar::Lactulose, Some(Censored::Exact(Percent::new(0.3)?)));
/// r.set(Sugar::Mannitol13C1, Some(Censored::Exact(Percent::new(15.0)?)));
/// r.set(Sugar::Mannitol13C6, Some(Censored::Exact(Percent::new(12.0)?)));
/// let l13m = Ratios::of(&r).l13m.unwrap();
/// assert_eq!(l13m.denominator(), Sugar::Mannitol13C6); // ¹³C₆ when both are given
/// approx::assert_relative_eq!(l13m.value().number(), 0.025, max_relative = 1e-12); // 0.3 / 12
/// # Ok::<(), lmr::units::UnitError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ratios {
    /// Lactulose : mannitol.
    pub lm: Option<ExcretionRatio>,
    /// Lactulose : L-rhamnose.
    pub lr: Option<ExcretionRatio>,
    /// Lactulose : ¹³C-mannitol (whichever isotopologue was given, ¹³C₆ if both: the ratio's
    /// [`ExcretionRatio::denominator`] says which).
    pub l13m: Option<ExcretionRatio>,
}

impl Ratios {
    /// The ratios of a set of recoveries.
    ///
    /// ```
    /// use lmr::{censored::Censored, interpretation::Ratios, protocol::SugarMap, sugar::Sugar};
    /// use lmr::units::Percent;
    ///
    /// let mut r = SugarMap::default();
    /// r.set(Sugar::Lactulose, Some(Censored::Exact(Percent::new(0.6)?)));
    /// r.set(Sugar::Mannitol, Some(Censored::Exact(Percent::new(10.0)?)));
    /// r.set(Sugar::Rhamnose, Some(Censored::LessThan(Percent::new(0.5)?)));
    /// let ratios = Ratios::of(&r);
    /// assert_eq!(ratios.lm.unwrap().value(), Censored::Exact(0.06)); // 0.6 / 10
    /// assert_eq!(ratios.lr.unwrap().value(), Censored::GreaterThan(1.2)); // 0.6 / (< 0.5) > 1.2
    /// assert_eq!(ratios.lr.unwrap().denominator(), Sugar::Rhamnose);
    /// assert_eq!(ratios.l13m, None);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn of(recoveries: &SugarMap<Censored<Percent>>) -> Ratios {
        let r = |den: Sugar| {
            let l = *recoveries.get(Sugar::Lactulose)?;
            let d = *recoveries.get(den)?;
            ExcretionRatio::of((Sugar::Lactulose, l), (den, d))
        };
        Ratios {
            lm: r(Sugar::Mannitol),
            lr: r(Sugar::Rhamnose),
            l13m: r(Sugar::Mannitol13C6).or_else(|| r(Sugar::Mannitol13C1)),
        }
    }

    /// The ratios of a set of recoveries, refusing a ratio of two nonzero recoveries that
    /// overflows or underflows (not finite, or below the smallest normal double).
    ///
    /// ```
    /// use lmr::censored::Censored;
    /// use lmr::interpretation::Ratios;
    /// use lmr::protocol::SugarMap;
    /// use lmr::sugar::Sugar;
    /// use lmr::units::Percent;
    /// let mut r = SugarMap::default();
    /// r.set(Sugar::Lactulose, Some(Censored::Exact(Percent::new(2.4e306)?)));
    /// r.set(Sugar::Mannitol, Some(Censored::Exact(Percent::new(1.2e-307)?)));
    /// // 2.4e306 ÷ 1.2e-307 = 2e613: more than a double holds (1.8e308)
    /// assert!(Ratios::checked(&r).is_err());
    /// r.set(Sugar::Mannitol, Some(Censored::Exact(Percent::new(18.0)?)));
    /// assert!(Ratios::checked(&r).is_ok());
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    ///
    /// # Errors
    /// [`InterpretError::RatioOutOfRange`] naming both sugars.
    pub fn checked(recoveries: &SugarMap<Censored<Percent>>) -> Result<Ratios, InterpretError> {
        for den in [
            Sugar::Mannitol,
            Sugar::Rhamnose,
            Sugar::Mannitol13C6,
            Sugar::Mannitol13C1,
        ] {
            let (Some(&l), Some(&d)) = (recoveries.get(Sugar::Lactulose), recoveries.get(den))
            else {
                continue;
            };
            // two bounds on the same side say nothing, whatever their size
            let comparable = !matches!(
                (l, d),
                (Censored::LessThan(_), Censored::LessThan(_))
                    | (Censored::GreaterThan(_), Censored::GreaterThan(_))
            );
            let (ln, dn) = (l.number().value(), d.number().value());
            let q = ln / dn;
            if comparable && ln > 0.0 && dn > 0.0 && !(q.is_finite() && q >= f64::MIN_POSITIVE) {
                return Err(InterpretError::RatioOutOfRange {
                    numerator: Sugar::Lactulose,
                    denominator: den,
                    numerator_recovery: l.number(),
                    denominator_recovery: d.number(),
                });
            }
        }
        Ok(Ratios::of(recoveries))
    }
}

impl Sample {
    /// Sets a measured urine concentration.
    ///
    /// ```
    /// use lmr::{interpretation::Sample, recovery::UrineResult, sugar::Sugar};
    ///
    /// let mut sample = Sample::default();
    /// sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
    /// assert!(matches!(sample.urine.get(Sugar::Mannitol), Some(UrineResult::Measured(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_urine(&mut self, sugar: Sugar, concentration: Concentration) {
        self.urine
            .set(sugar, Some(UrineResult::Measured(concentration)));
    }

    /// Sets an anhydrous oral dose.
    ///
    /// ```
    /// use lmr::{interpretation::Sample, sugar::Sugar};
    ///
    /// let mut sample = Sample::default();
    /// sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
    /// assert_eq!(sample.protocol.doses.get(Sugar::Lactulose).unwrap().sugar_mass(Sugar::Lactulose).in_milligrams(), 5000.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_dose(&mut self, sugar: Sugar, mass: Mass) {
        self.protocol.doses.set(sugar, Some(Dose::anhydrous(mass)));
    }

    /// Whether `sugar`'s urine result is in a ratio that needs no urine volume: both urine
    /// results of the ratio, and both doses or both solution strengths (the ratio of
    /// fractional excretions is then (C_L/C_M) × (D_M/D_L); the volume cancels). `lmr check`
    /// and `lmr batch` both go by it.
    ///
    /// ```
    /// use lmr::{interpretation::Sample, sugar::Sugar};
    ///
    /// let mut sample = Sample::default();
    /// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
    /// sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
    /// sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
    /// assert!(!sample.in_a_ratio_without_volume(Sugar::Lactulose)); // no mannitol dose yet
    /// sample.set_dose(Sugar::Mannitol, "2 g".parse()?);
    /// assert!(sample.in_a_ratio_without_volume(Sugar::Mannitol));
    /// assert!(!sample.in_a_ratio_without_volume(Sugar::Sucrose)); // in no ratio
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_a_ratio_without_volume(&self, sugar: Sugar) -> bool {
        let p = &self.protocol;
        let both = |a: Sugar, b: Sugar| {
            self.urine.get(a).is_some()
                && self.urine.get(b).is_some()
                && ((p.doses.get(a).is_some() && p.doses.get(b).is_some())
                    || (p.solutions.get(a).is_some() && p.solutions.get(b).is_some()))
        };
        const DENOMINATORS: [Sugar; 4] = [
            Sugar::Mannitol,
            Sugar::Rhamnose,
            Sugar::Mannitol13C1,
            Sugar::Mannitol13C6,
        ];
        match sugar {
            Sugar::Lactulose => DENOMINATORS.iter().any(|&d| both(Sugar::Lactulose, d)),
            d => DENOMINATORS.contains(&d) && both(Sugar::Lactulose, d),
        }
    }

    /// Clears every field (for reuse across batch rows).
    ///
    /// ```
    /// use lmr::{interpretation::Sample, sugar::Sugar};
    ///
    /// let mut sample = Sample::default();
    /// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
    /// sample.urine_volume = Some("1 L".parse()?);
    /// sample.clear();
    /// assert!(sample.urine.is_empty() && sample.urine_volume.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear(&mut self) {
        self.pretest = Pretest::default();
        self.urine.clear();
        self.urine_volume = None;
        self.protocol.clear();
        self.vitamin_d = None;
        self.zonulin = None;
        self.hp_genotype = None;
        self.baseline.clear();
        self.fractions.clear();
        self.below_limit = BelowLimit::default();
    }
}

/// An input a result needed but the sample did not give (the `missing_inputs` column).
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// // Dutch SAT, hyperosmolar: 5 g lactulose, 2 g mannitol (+ 40 g sucrose), urine 0–5 h
/// let mut sample = Sample::default();
/// sample.protocol.fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
/// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
/// sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
/// // no urine volume: the ratio still comes from the concentrations and doses,
/// // (30 / 200) × (2000 mg / 5000 mg) = 0.15 × 0.4 = 0.06, but no recovery does
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// assert_eq!(out.missing, [lmr::interpretation::MissingInput::UrineVolume]);
/// approx::assert_relative_eq!(out.lm_ratio.unwrap().exact().unwrap(), 0.06, max_relative = 1e-12);
/// assert!(out.recoveries.is_empty());
/// assert!(out.caveat_codes().any(|c| c == "ratio_without_recoveries"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingInput {
    /// The urine volume: no recovery (a ratio may still come from the dose ratio).
    UrineVolume,
    /// A sugar's oral dose (or drink volume and solution strength).
    Dose(Sugar),
}

impl MissingInput {
    /// The input's canonical column name (`urine_volume`, `lactulose_dose`).
    ///
    /// ```
    /// use lmr::{interpretation::MissingInput, sugar::Sugar};
    ///
    /// assert_eq!(MissingInput::Dose(Sugar::Mannitol13C6).name(), "mannitol_13c6_dose");
    /// assert_eq!(MissingInput::UrineVolume.name(), "urine_volume");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            MissingInput::UrineVolume => "urine_volume",
            MissingInput::Dose(s) => match s {
                Sugar::Lactulose => "lactulose_dose",
                Sugar::Mannitol => "mannitol_dose",
                Sugar::Rhamnose => "rhamnose_dose",
                Sugar::Sucrose => "sucrose_dose",
                Sugar::Sucralose => "sucralose_dose",
                Sugar::Erythritol => "erythritol_dose",
                Sugar::Mannitol13C1 => "mannitol_13c1_dose",
                Sugar::Mannitol13C6 => "mannitol_13c6_dose",
                Sugar::Xylose => "xylose_dose",
                Sugar::Methylglucose => "methylglucose_dose",
            },
        }
    }
}

/// A value classified under a range (shown with [`RangeResult::label`]).
///
/// ```
/// use lmr::{interpretation::RangeResult, Censored};
/// let registry = lmr::Registry::builtin()?;
/// let dutch = registry.range("dutch-sat-hyperosmolar-5h").unwrap();
/// let r = RangeResult { range: dutch, value: Censored::Exact(0.1), band: dutch.classify(0.1) };
/// assert_eq!(r.label(), "above"); // 0.1 > 0.089
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RangeResult<'r> {
    /// The range.
    pub range: &'r ReferenceRange,
    /// The value in the range's unit.
    pub value: Censored,
    /// The band, if the value (or its whole censored interval) falls in one.
    pub band: Option<usize>,
}

impl RangeResult<'_> {
    /// The band label, or `unclassified`.
    ///
    /// ```
    /// use lmr::{censored::Censored, interpretation::RangeResult};
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let iom = registry.range("iom-2011").unwrap();
    /// let r = RangeResult { range: iom, value: Censored::Exact(75.0), band: iom.classify(75.0) };
    /// assert_eq!(r.label(), "sufficient"); // 50 ≤ 75 ≤ 125
    /// let none = RangeResult { range: iom, value: Censored::LessThan(40.0), band: None };
    /// assert_eq!(none.label(), "unclassified");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn label(&self) -> &str {
        self.range.band_label(self.band)
    }
}

/// What a flag refers to.
///
/// ```
/// use lmr::interpretation::{FlagDetail, Interpretation, Interpreter, Options, Sample};
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
/// sample.set_urine(Sugar::Lactulose, "6 g/L".parse()?);
/// sample.urine_volume = Some("1 L".parse()?);
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// // 6 g/L × 1 L = 6000 mg of a 5000 mg dose: 120 %, impossible, kept and flagged
/// let hit = out.flags.iter().find(|h| h.flag.code() == "recovery_over_100").unwrap();
/// assert!(matches!(hit.detail, FlagDetail::Recovery(Sugar::Lactulose, r) if (r.value() - 120.0).abs() < 1e-9));
/// // an eGFR below 60 mL/min/1.73 m² (KDIGO 2012 G3a–G5) is flagged with the value given
/// sample.pretest.egfr = Some("45 mL/min/1.73 m²".parse()?);
/// interpreter.interpret(&sample, &mut out)?;
/// let hit = out.flags.iter().find(|h| h.flag.code() == "reduced_renal_function").unwrap();
/// assert_eq!(hit.detail, FlagDetail::Egfr("45".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FlagDetail {
    /// A sugar's recovery.
    Recovery(Sugar, Percent),
    /// Lactulose and mannitol recoveries.
    Recoveries(Percent, Percent),
    /// Mannitol recovery against the plausibility band: the recovery, and the band's lower and
    /// upper bounds (`None` where the range file gives none).
    MannitolBand(Percent, Option<Percent>, Option<Percent>),
    /// The urine volume (and the band's bound, where one applies).
    UrineVolume(Volume, Option<Volume>),
    /// A value near a bound of a range: (value in the range's unit, the bound).
    NearBound(f64, Bound, RangeIndex),
    /// The explicit L:M range's protocol differs (see [`Interpretation::lm_differences`]).
    ProtocolMismatch,
    /// Which input was below the detection limit.
    BelowLimit(Field),
    /// The 25(OH)D result (as reported; [`VitaminD::in_nmol_per_l`] converts it).
    VitaminD(VitaminD),
    /// The zonulin value.
    Zonulin,
    /// A sugar found in baseline (pre-dose) urine.
    Baseline(Sugar),
    /// Why a value has no z-score.
    Zscore(NoZscore),
    /// A pre-test condition recorded as yes (the flag names it).
    Pretest,
    /// The eGFR given.
    Egfr(Egfr),
    /// An adult quality band that was not applied: the band's id, and whether the age and the
    /// collection window were missing.
    NotChecked {
        /// The quality band's range id.
        band: &'static str,
        /// The age was not given.
        no_age: bool,
        /// The collection window was not given.
        no_window: bool,
    },
}

/// Which range a [`FlagDetail::NearBound`] refers to.
///
/// ```
/// use lmr::interpretation::{FlagDetail, Interpretation, Interpreter, Options, RangeIndex, Sample};
/// use lmr::vitamin_d::{VitaminD, VitaminDForm};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.vitamin_d = Some(VitaminD::new("29.97 nmol/L".parse()?, VitaminDForm::Total)?);
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// // |29.97 − 30| = 0.03 ≤ 0.002 × 30 = 0.06: near the first scheme's bound at 30
/// assert!(out.flags.iter().any(|h| matches!(
///     h.detail,
///     FlagDetail::NearBound(_, b, RangeIndex::VitaminD(0)) if b.value == 30.0
/// )));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeIndex {
    /// The L:M range.
    Lm,
    /// The L:R range.
    Lr,
    /// The n-th vitamin D scheme.
    VitaminD(usize),
    /// The zonulin range.
    Zonulin,
    /// The range behind an upper-end vitamin D flag (`vitamin_d_above_125_nmol_l`: iom-2011;
    /// `vitamin_d_toxicity_range`: vitamin-d-toxicity), when that range is not a chosen scheme.
    VitaminDFlag(Flag),
}

/// An input field, for flag details.
///
/// ```
/// use lmr::interpretation::{Field, FlagDetail, Interpretation, Interpreter, Options, Sample};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.below_limit.zonulin = true; // `ND`
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// assert_eq!(out.flags[0].detail, FlagDetail::BelowLimit(Field::Zonulin));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Urine concentration of a sugar.
    Urine(Sugar),
    /// Vitamin D.
    VitaminD,
    /// Zonulin.
    Zonulin,
}

/// A flag raised on a result, with what it refers to (shown with [`FlagDetail`]).
///
/// ```
/// use lmr::interpretation::{FlagDetail, FlagHit};
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let sample = lmr::sample::from_fields([("vitamin_d", "70 nmol/L"), ("pretest_alcohol", "yes")], &registry)?;
/// let mut out = lmr::Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// assert_eq!(out.flags, [FlagHit { flag: lmr::Flag::PretestAlcohol, detail: FlagDetail::Pretest }]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlagHit {
    /// The flag.
    pub flag: Flag,
    /// What it refers to.
    pub detail: FlagDetail,
}

/// A value scored against a z-score table (shown with [`Interpreter::with_zscores`]).
///
/// ```
/// # use lmr::{zscore::*, Analyte, Source, Verification};
/// # let source = Source { citation: "synthetic".into(), doi: None, url: None, quote: "invented".into(), status: Verification::Local, notes: None };
/// # let cells = vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.2, 0.5, 40)?];
/// # let table = ZscoreTable::new(TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln, title: "L:M z-scores".into(), population: None, source, cells }, "example")?;
/// let registry = lmr::Registry::builtin()?;
/// let selection = ZscoreSelection::new(vec![table])?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?.with_zscores(&selection);
/// let fields = [("protocol", "dutch-sat-hyperosmolar"), ("lactulose", "30 mg/L"), ("mannitol", "200 mg/L"), ("volume", "1 L"), ("age", "10")];
/// let mut out = lmr::Interpretation::default();
/// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
/// // 10 y is outside the table's 0–4 y: no z-score, never extrapolated
/// assert!(matches!(out.zscores[0].outcome, Some(Err(NoZscore::AgeOutsideReference { .. }))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ZscoreResult<'r> {
    /// The table.
    pub table: &'r ZscoreTable,
    /// The z-score, or why there is none; `None` when the value is missing or censored.
    pub outcome: Option<Result<Zscore, NoZscore>>,
}

/// Vitamin D results.
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
/// use lmr::vitamin_d::{VitaminD, VitaminDForm};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// let mut sample = Sample::default();
/// sample.vitamin_d = Some(VitaminD::new("150 nmol/L".parse()?, VitaminDForm::D3)?);
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// let vd = out.vitamin_d.as_ref().unwrap();
/// // 150 nmol/L × 400.64 ÷ 1000 = 60.096 ng/mL
/// assert_eq!(vd.value.reported().to_string(), "150 nmol/L");
/// assert_eq!(vd.value.in_nmol_per_l(), 150.0);
/// approx::assert_relative_eq!(vd.value.in_ng_per_ml(), 60.096, max_relative = 1e-12);
/// assert_eq!(vd.schemes[0].label(), "above_reason_for_concern"); // IOM: > 125
/// assert!(out.flag_codes().any(|f| f == "vitamin_d_above_125_nmol_l"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct VitaminDResult<'r> {
    /// The result as reported, with its form ([`VitaminD::in_nmol_per_l`] and
    /// [`VitaminD::in_ng_per_ml`] convert it).
    pub value: VitaminD,
    /// One result per chosen scheme, in the order chosen.
    pub schemes: Vec<RangeResult<'r>>,
    /// The range behind the `vitamin_d_above_125_nmol_l` flag (iom-2011), if loaded.
    pub above_125_range: Option<&'r ReferenceRange>,
    /// The range behind the `vitamin_d_toxicity_range` flag (vitamin-d-toxicity), if loaded.
    pub toxicity_range: Option<&'r ReferenceRange>,
}

/// A 25(OH)D result below a stated limit: every value it may take is below `limit` (shown with
/// [`BelowLimit`]).
///
/// ```
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
/// let mut out = lmr::Interpretation::default();
/// interpreter.interpret(&lmr::sample::from_fields([("vitamin_d", "<10 ng/mL")], &registry)?, &mut out)?;
/// let below = out.vitamin_d_below.as_ref().unwrap();
/// // 10 ng/mL × 1000 ÷ 400.64 g/mol = 24.96 nmol/L: every value below it is below 30 (IOM 2011)
/// assert!(matches!(below.bound_in_nmol_per_l(), lmr::Censored::LessThan(b) if (b - 10_000.0 / 400.64).abs() < 1e-9));
/// assert_eq!(below.schemes[0].label(), "at_risk_of_deficiency");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct VitaminDBelow<'r> {
    /// The limit as stated (its unit and form).
    pub limit: VitaminD,
    /// One result per chosen scheme, in the order chosen: the band holding the whole interval
    /// below the limit, if one does.
    pub schemes: Vec<RangeResult<'r>>,
}

impl VitaminDBelow<'_> {
    /// The bound in nmol/L, `<` the limit (what `vitamin_d_nmol_l_bound` holds).
    ///
    /// ```
    /// use lmr::interpretation::VitaminDBelow;
    /// use lmr::vitamin_d::{VitaminD, VitaminDForm};
    ///
    /// let limit = VitaminD::new("8 ng/mL".parse()?, VitaminDForm::D3)?;
    /// let below = VitaminDBelow { limit, schemes: vec![] };
    /// // 8 ng/mL × 1000 ÷ 400.64 g/mol (25(OH)D3) = 19.97 nmol/L
    /// let lmr::Censored::LessThan(b) = below.bound_in_nmol_per_l() else { panic!() };
    /// approx::assert_relative_eq!(b, 8000.0 / 400.64, max_relative = 1e-12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bound_in_nmol_per_l(&self) -> Censored {
        Censored::LessThan(self.limit.in_nmol_per_l())
    }
}

/// Zonulin result (shown with [`Interpreter::zonulin_range`]).
///
/// ```
/// use lmr::interpretation::{Interpreter, Options};
/// let registry = lmr::Registry::builtin()?;
/// let options = Options { zonulin_range: Some("medics-ch-serum".into()), ..Options::default() };
/// let interpreter = Interpreter::new(&registry, &options)?;
/// let mut out = lmr::Interpretation::default();
/// let fields = [("zonulin", "46 ng/mL"), ("zonulin_matrix", "serum")];
/// interpreter.interpret(&lmr::sample::from_fields(fields, &registry)?, &mut out)?;
/// let z = out.zonulin.as_ref().unwrap();
/// assert_eq!(z.value.value(), 46.0);
/// assert_eq!(z.range.map(|r| r.label().to_string()).as_deref(), Some("within")); // 46 µg/L < 48
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ZonulinResult<'r> {
    /// The value as given.
    pub value: Zonulin,
    /// The range's result, when a range was chosen.
    pub range: Option<RangeResult<'r>>,
}

/// Everything computed for one sample. Reuse one across samples: [`Interpreter::interpret`] clears it.
///
/// ```
/// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
/// use lmr::sugar::Sugar;
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// // Dutch SAT, hyperosmolar: 5 g lactulose, 2 g mannitol (+ 40 g sucrose), urine 0–5 h
/// let mut sample = Sample::default();
/// sample.protocol.fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
/// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
/// sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
/// sample.urine_volume = Some("1 L".parse()?);
/// sample.protocol.age = Some("40 y".parse()?);
/// let mut out = Interpretation::default();
/// interpreter.interpret(&sample, &mut out)?;
/// // 30 mg/L × 1 L = 30 mg of 5000 mg = 0.6 %; 200 mg of 2000 mg = 10 %; 0.6 / 10 = 0.06
/// approx::assert_relative_eq!(out.recoveries.get(Sugar::Lactulose).unwrap().number().value(), 0.6, max_relative = 1e-12);
/// assert_eq!(out.lm.as_ref().map(|r| r.range.id.as_str()), Some("dutch-sat-hyperosmolar-5h"));
/// assert_eq!(out.lm_class(), Some("within")); // 0.06 ≤ 0.089
/// assert!(out.flags.is_empty()); // mannitol 10 % is within 8–39.6 %; 1000 mL ≥ 500 mL
/// assert_eq!(out.caveat_codes().collect::<Vec<_>>(), ["sugar_test_general"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Interpretation<'r> {
    /// Recovery per sugar, percent of its dose (exact, or a bound when censored).
    pub recoveries: SugarMap<Censored<Percent>>,
    /// Lactulose : mannitol ratio of fractional excretions.
    pub lm_ratio: Option<ExcretionRatio>,
    /// The L:M classification (when a ratio exists and a range applies).
    pub lm: Option<RangeResult<'r>>,
    /// How the sample's protocol differs from the L:M range's (explicit ranges).
    pub lm_differences: Vec<Difference>,
    /// Automatic L:M ranges that also matched the sample's protocol but were not used (the one
    /// used is in [`Interpretation::lm`]; a user's range takes precedence over a built-in one).
    pub lm_also_matched: Vec<&'r ReferenceRange>,
    /// Lactulose : L-rhamnose ratio of fractional excretions.
    pub lr_ratio: Option<ExcretionRatio>,
    /// Lactulose : ¹³C-mannitol ratio of fractional excretions (its
    /// [`ExcretionRatio::denominator`] says which isotopologue).
    pub l13m_ratio: Option<ExcretionRatio>,
    /// The L:R classification, when a range was named (`--lr-range`).
    pub lr: Option<RangeResult<'r>>,
    /// How the sample's protocol differs from the L:R range's.
    pub lr_differences: Vec<Difference>,
    /// The form the rhamnose dose was weighed in, whenever an L:R ratio exists: the L:R ratio's
    /// denominator depends on it (1 g monohydrate is 0.9011 g of rhamnose), so every L:R result
    /// reports it.
    pub lr_rhamnose_dose_form: Option<crate::sugar::DoseForm>,
    /// Per-fraction results, in the sample's fraction order (empty without fractions).
    pub fractions: Vec<FractionResult>,
    /// One z-score result per selected table, in [`Interpreter::zscore_tables`] order.
    pub zscores: Vec<ZscoreResult<'r>>,
    /// Vitamin D, when given.
    pub vitamin_d: Option<VitaminDResult<'r>>,
    /// Vitamin D below a stated limit (`<10 ng/mL`): the bound, and per chosen scheme the band
    /// holding every value below it (`unclassified` when the limit lies above a cut-off).
    pub vitamin_d_below: Option<VitaminDBelow<'r>>,
    /// Zonulin, when given.
    pub zonulin: Option<ZonulinResult<'r>>,
    /// Flags, in the order raised.
    pub flags: Vec<FlagHit>,
    /// Caveats, in [`Caveat::ALL`] order, each once.
    pub caveats: Vec<Caveat>,
    /// Inputs a result needed but the sample did not give (a urine result without volume or
    /// dose), each once, in the order met.
    pub missing: Vec<MissingInput>,
    /// Which ranges fit the protocols seen so far (kept across samples, as the allocations are).
    matches: matches::Matches,
    /// The vitamin D scheme results' vector, kept empty between samples.
    spare_schemes: Vec<RangeResult<'r>>,
}

impl Interpretation<'_> {
    /// Clears the results, keeping the allocations ([`Interpreter::interpret`] calls it).
    ///
    /// ```
    /// use lmr::interpretation::Interpretation;
    ///
    /// let mut out = Interpretation::default();
    /// out.lm_ratio = Some("lactulose:mannitol 0.06".parse()?);
    /// out.clear();
    /// assert_eq!(out.lm_ratio, None);
    /// # Ok::<(), lmr::ratio::RatioError>(())
    /// ```
    pub fn clear(&mut self) {
        self.recoveries.clear();
        self.lm_ratio = None;
        self.lm = None;
        self.lm_differences.clear();
        self.lm_also_matched.clear();
        self.lr_ratio = None;
        self.l13m_ratio = None;
        self.lr = None;
        self.lr_differences.clear();
        self.lr_rhamnose_dose_form = None;
        self.fractions.clear();
        self.zscores.clear();
        // The scheme vector is kept for the next sample's vitamin D (no allocation per sample).
        if let Some(vd) = self.vitamin_d.take() {
            self.spare_schemes = vd.schemes;
            self.spare_schemes.clear();
        }
        self.vitamin_d_below = None;
        self.zonulin = None;
        self.flags.clear();
        self.caveats.clear();
        self.missing.clear();
        self.matches.next_sample();
    }

    /// The L:M class: the band label, `unclassified` when a ratio exists but no range classified
    /// it, `None` when there is no ratio.
    ///
    /// ```
    /// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
    /// use lmr::sugar::Sugar;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let interpreter = Interpreter::new(&registry, &Options::default())?;
    /// // Dutch SAT, hyperosmolar: 5 g lactulose, 2 g mannitol (+ 40 g sucrose), urine 0–5 h
    /// let mut sample = Sample::default();
    /// sample.protocol.fill_from(registry.protocol("dutch-sat-hyperosmolar").unwrap());
    /// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
    /// sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
    /// sample.urine_volume = Some("1 L".parse()?);
    /// let mut out = Interpretation::default();
    /// interpreter.interpret(&sample, &mut out)?;
    /// assert_eq!(out.lm_class(), Some("within")); // 0.6 % / 10 % = 0.06 ≤ 0.089
    /// // the same urine after 6 h: no shipped range has this protocol
    /// sample.protocol.collection = Some("6 h".parse()?);
    /// interpreter.interpret(&sample, &mut out)?;
    /// assert_eq!(out.lm_class(), Some("unclassified"));
    /// assert_eq!(Interpretation::default().lm_class(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lm_class(&self) -> Option<&str> {
        self.lm_ratio?;
        Some(self.lm.as_ref().map_or(UNCLASSIFIED, RangeResult::label))
    }

    /// The value of an analyte in this result, in the analyte's unit (ratio; % of dose; nmol/L
    /// for vitamin D), possibly censored; `None` when not computed (or for zonulin, whose unit
    /// and matrix vary by row).
    ///
    /// ```
    /// use lmr::{analyte::Analyte, censored::Censored, interpretation::Interpretation, sugar::Sugar};
    /// use lmr::units::Percent;
    ///
    /// let mut out = Interpretation::default();
    /// out.recoveries.set(Sugar::Lactulose, Some(Censored::LessThan(Percent::new(0.0075)?)));
    /// assert_eq!(out.value_of(Analyte::LactuloseRecoveryPct), Some(Censored::LessThan(0.0075)));
    /// assert_eq!(out.value_of(Analyte::LmRatio), None);
    /// assert_eq!(out.value_of(Analyte::Zonulin), None);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn value_of(&self, analyte: Analyte) -> Option<Censored> {
        let recovery = |s| self.recoveries.get(s).map(|r| r.map(Percent::value));
        match analyte {
            Analyte::LmRatio => self.lm_ratio.map(ExcretionRatio::value),
            Analyte::LrRatio => self.lr_ratio.map(ExcretionRatio::value),
            Analyte::L13mRatio => self.l13m_ratio.map(ExcretionRatio::value),
            Analyte::LactuloseRecoveryPct => recovery(Sugar::Lactulose),
            Analyte::MannitolRecoveryPct => recovery(Sugar::Mannitol),
            // A result below a stated limit (`<10 ng/mL`) is a censored value, not a missing one.
            Analyte::VitaminD25oh => self
                .vitamin_d
                .as_ref()
                .map(|v| Censored::Exact(v.value.in_nmol_per_l()))
                .or_else(|| {
                    self.vitamin_d_below
                        .as_ref()
                        .map(|b| b.bound_in_nmol_per_l())
                }),
            Analyte::Zonulin | Analyte::UrineVolume => None,
        }
    }

    /// Flag codes, each once, in order raised.
    ///
    /// ```
    /// use lmr::flag::Flag;
    /// use lmr::interpretation::{FlagDetail, FlagHit, Interpretation};
    /// use lmr::sugar::Sugar;
    ///
    /// let mut out = Interpretation::default();
    /// for sugar in [Sugar::Lactulose, Sugar::Mannitol] {
    ///     let detail = FlagDetail::Recovery(sugar, lmr::units::Percent::new(120.0)?);
    ///     out.flags.push(FlagHit { flag: Flag::RecoveryOver100, detail });
    /// }
    /// assert_eq!(out.flag_codes().collect::<Vec<_>>(), ["recovery_over_100"]);
    /// # Ok::<(), lmr::units::UnitError>(())
    /// ```
    pub fn flag_codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.flags
            .iter()
            .enumerate()
            .filter(|(i, h)| !self.flags[..*i].iter().any(|e| e.flag == h.flag))
            .map(|(_, h)| h.flag.code())
    }

    /// Caveat codes, in [`Caveat::ALL`] order (shown with [`Interpretation`]).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// let mut out = lmr::Interpretation::default();
    /// interpreter.interpret(&lmr::sample::from_fields([("vitamin_d", "70 nmol/L")], &registry)?, &mut out)?;
    /// // total 25(OH)D (the default form) is converted with the D3 molar mass, and says so
    /// assert_eq!(out.caveat_codes().collect::<Vec<_>>(), ["vitamin_d_general", "vitamin_d_total_converted_as_d3"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn caveat_codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.caveats.iter().map(|c| c.code())
    }

    /// The missing-input names.
    ///
    /// ```
    /// use lmr::{interpretation::{Interpretation, MissingInput}, sugar::Sugar};
    ///
    /// let mut out = Interpretation::default();
    /// out.missing = vec![MissingInput::UrineVolume, MissingInput::Dose(Sugar::Rhamnose)];
    /// assert_eq!(out.missing_names().collect::<Vec<_>>(), ["urine_volume", "rhamnose_dose"]);
    /// ```
    pub fn missing_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.missing.iter().map(|m| m.name())
    }

    fn flag(&mut self, flag: Flag, detail: FlagDetail) {
        self.flags.push(FlagHit { flag, detail });
    }

    fn caveat(&mut self, caveat: Caveat) {
        // A general point is carried by its analyte's standing code (lean rows, nothing lost).
        let caveat = caveat.merged_into().unwrap_or(caveat);
        // Most caveats arrive in order: append without searching.
        if self.caveats.last().is_none_or(|last| *last < caveat) {
            self.caveats.push(caveat);
        } else if let Err(at) = self.caveats.binary_search(&caveat) {
            self.caveats.insert(at, caveat);
        }
    }
}

/// Resolved ranges, ready to interpret samples.
///
/// Built once per run ([`Interpreter::new`]); [`Interpreter::interpret`] then takes one sample at a
/// time and allocates nothing it can reuse.
///
/// ```
/// use lmr::interpretation::{Interpreter, Options};
///
/// let registry = lmr::Registry::builtin()?;
/// let interpreter = Interpreter::new(&registry, &Options::default())?;
/// assert!(interpreter.lm_explicit().is_none()); // L:M ranges are matched by protocol
/// assert!(interpreter.zonulin_range().is_none()); // no zonulin range unless one is named
/// assert!(interpreter.zscore_tables().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Interpreter<'r> {
    /// Tells interpreters apart, for what an [`Interpretation`] remembers of their ranges.
    id: u64,
    zscores: Option<&'r ZscoreSelection>,
    lm_explicit: Option<&'r ReferenceRange>,
    lr_explicit: Option<&'r ReferenceRange>,
    subtract_baseline: bool,
    lm_automatic: Vec<&'r ReferenceRange>,
    lm_all: Vec<&'r ReferenceRange>,
    vitamin_d_schemes: Vec<&'r ReferenceRange>,
    zonulin_range: Option<&'r ReferenceRange>,
    mannitol_band: Option<&'r ReferenceRange>,
    urine_volume_band: Option<&'r ReferenceRange>,
    vitamin_d_toxicity: Option<&'r ReferenceRange>,
    iom: Option<&'r ReferenceRange>,
    protocols: &'r [crate::protocol::NamedProtocol],
}

fn pick<'r>(
    registry: &'r Registry,
    option: &'static str,
    id: &str,
    wanted: Analyte,
) -> Result<&'r ReferenceRange, ConfigError> {
    let r = registry
        .range(id)
        .ok_or_else(|| ConfigError::UnknownRange {
            option,
            id: id.to_string(),
        })?;
    if r.analyte != wanted {
        return Err(ConfigError::WrongAnalyte {
            option,
            id: id.to_string(),
            found: r.analyte,
            wanted,
        });
    }
    Ok(r)
}

/// The vitamin D schemes `all` expands to: every shipped scheme (or the user file that replaced
/// it), except the quality band for toxicity (a flag, not a scheme).
fn all_vitamin_d_schemes(registry: &Registry) -> impl Iterator<Item = &ReferenceRange> {
    registry
        .ranges_for(Analyte::VitaminD25oh)
        .filter(|r| r.id != VITAMIN_D_TOXICITY_ID && registry.is_shipped(&r.id))
}

impl<'r> Interpreter<'r> {
    /// Resolves the options against `registry`.
    ///
    /// # Errors
    /// [`ConfigError`] for an unknown id or a range of the wrong analyte.
    ///
    /// ```
    /// use lmr::interpretation::{ConfigError, Interpreter, Options};
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let options = Options { vitamin_d_schemes: vec!["iom-2011".into(), "iom-2011".into()], ..Options::default() };
    /// assert_eq!(Interpreter::new(&registry, &options)?.vitamin_d_schemes().len(), 1); // once each
    /// let options = Options { zonulin_range: Some("no-such-kit".into()), ..Options::default() };
    /// assert!(matches!(Interpreter::new(&registry, &options), Err(ConfigError::UnknownRange { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(registry: &'r Registry, options: &Options) -> Result<Self, ConfigError> {
        let lm_explicit = options
            .lm_range
            .as_deref()
            .map(|id| pick(registry, "--lm-range", id, Analyte::LmRatio))
            .transpose()?;
        let mut lm_automatic: Vec<&ReferenceRange> = registry
            .ranges_for(Analyte::LmRatio)
            .filter(|r| r.selection == Selection::Automatic)
            .collect();
        // A user's range takes precedence over a built-in one for the same protocol (stable: load
        // order otherwise).
        lm_automatic.sort_by_key(|r| r.is_builtin());
        let mut vitamin_d_schemes = Vec::new();
        let ids: Vec<&str> = if options.vitamin_d_schemes.is_empty() {
            vec![DEFAULT_VITAMIN_D_SCHEME]
        } else {
            options
                .vitamin_d_schemes
                .iter()
                .map(String::as_str)
                .collect()
        };
        for id in ids {
            if id == "all" {
                vitamin_d_schemes.extend(all_vitamin_d_schemes(registry));
            } else {
                vitamin_d_schemes.push(pick(
                    registry,
                    "--vitamin-d-scheme",
                    id,
                    Analyte::VitaminD25oh,
                )?);
            }
        }
        let mut seen = Vec::new();
        vitamin_d_schemes.retain(|r: &&ReferenceRange| {
            let new = !seen.contains(&r.id.as_str());
            seen.push(r.id.as_str());
            new
        });
        let zonulin_range = options
            .zonulin_range
            .as_deref()
            .map(|id| pick(registry, "--zonulin-range", id, Analyte::Zonulin))
            .transpose()?;
        let quality = |id: &str, analyte| registry.range(id).filter(|r| r.analyte == analyte);
        let lr_explicit = options
            .lr_range
            .as_deref()
            .map(|id| pick(registry, "--lr-range", id, Analyte::LrRatio))
            .transpose()?;
        Ok(Interpreter {
            id: matches::next_id(),
            zscores: None,
            lm_explicit,
            lr_explicit,
            subtract_baseline: options.subtract_baseline,
            lm_automatic,
            lm_all: registry.ranges_for(Analyte::LmRatio).collect(),
            vitamin_d_schemes,
            zonulin_range,
            mannitol_band: quality(MANNITOL_BAND_ID, Analyte::MannitolRecoveryPct),
            urine_volume_band: quality(URINE_VOLUME_BAND_ID, Analyte::UrineVolume),
            vitamin_d_toxicity: quality(VITAMIN_D_TOXICITY_ID, Analyte::VitaminD25oh),
            iom: quality(IOM_2011_ID, Analyte::VitaminD25oh),
            protocols: registry.protocols(),
        })
    }

    /// Scores ratios and recoveries against these z-score tables (`--zscore-reference`).
    ///
    /// ```
    /// # use lmr::analyte::Analyte;
    /// # use lmr::source::{Source, Verification};
    /// # use lmr::zscore::{AgeBand, Cell, CellSex, Scale, TableSpec, ZscoreTable};
    /// # let source = Source {
    /// #     citation: "synthetic example".into(), doi: None, url: None,
    /// #     quote: "invented numbers".into(), status: Verification::Local, notes: None,
    /// # };
    /// # let cells = vec![Cell::new(CellSex::Any, AgeBand::new(0.0, 4.0)?, -3.2, 0.5, 40)?];
    /// # let spec = TableSpec { id: "my-lmz".into(), analyte: Analyte::LmRatio, scale: Scale::Ln,
    /// #     title: "L:M z-scores, synthetic".into(), population: None, source, cells };
    /// # let table = ZscoreTable::new(spec, "example")?;
    /// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
    /// use lmr::sugar::Sugar;
    /// use lmr::zscore::ZscoreSelection;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// // `my-lmz`: lm_ratio, any sex, 0–4 y, ln scale, mean −3.2, SD 0.5
    /// let selection = ZscoreSelection::new(vec![table])?;
    /// let interpreter = Interpreter::new(&registry, &Options::default())?.with_zscores(&selection);
    /// assert_eq!(interpreter.zscore_tables()[0].id(), "my-lmz");
    /// let mut sample = Sample::default();
    /// sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
    /// sample.set_dose(Sugar::Mannitol, "2 g".parse()?);
    /// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
    /// sample.set_urine(Sugar::Mannitol, "200 mg/L".parse()?);
    /// sample.protocol.age = Some("2 y".parse()?);
    /// let mut out = Interpretation::default();
    /// interpreter.interpret(&sample, &mut out)?;
    /// // L:M = (30/200) × (2000/5000) = 0.06; ln 0.06 = −2.813411; (−2.813411 + 3.2) / 0.5 = 0.773179
    /// let z = out.zscores[0].outcome.unwrap()?;
    /// approx::assert_relative_eq!(z.z, 0.7731785665, max_relative = 1e-9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_zscores(mut self, selection: &'r ZscoreSelection) -> Self {
        self.zscores = Some(selection);
        self
    }

    /// The z-score tables in use, in order (their analytes name the `lmz`, `lactulose_z`, …
    /// columns; shown with [`Interpreter::with_zscores`]).
    ///
    /// ```
    /// let registry = lmr::Registry::builtin()?;
    /// let interpreter = lmr::Interpreter::new(&registry, &Default::default())?;
    /// assert!(interpreter.zscore_tables().is_empty()); // no z-score columns without tables
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zscore_tables(&self) -> &'r [ZscoreTable] {
        self.zscores.map_or(&[], |s| s.tables())
    }

    /// The vitamin D schemes in use, in order (their ids name the `vitamin_d_class_*` columns).
    ///
    /// ```
    /// use lmr::interpretation::{Interpreter, Options};
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let options = Options { vitamin_d_schemes: vec!["all".into()], ..Options::default() };
    /// let interpreter = Interpreter::new(&registry, &options)?;
    /// // every shipped scheme, but not the toxicity band (a flag, not a scheme)
    /// assert!(interpreter.vitamin_d_schemes().iter().any(|r| r.id == "iom-2011"));
    /// assert!(interpreter.vitamin_d_schemes().iter().all(|r| r.id != "vitamin-d-toxicity"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vitamin_d_schemes(&self) -> &[&'r ReferenceRange] {
        &self.vitamin_d_schemes
    }

    /// The zonulin range in use.
    ///
    /// ```
    /// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
    /// use lmr::{reference::Matrix, zonulin::Zonulin};
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// // Enterosan serum: within ≤ 46 ng/mL < above
    /// let options = Options { zonulin_range: Some("enterosan-serum".into()), ..Options::default() };
    /// let interpreter = Interpreter::new(&registry, &options)?;
    /// assert_eq!(interpreter.zonulin_range().map(|r| r.id.as_str()), Some("enterosan-serum"));
    /// let mut sample = Sample::default();
    /// sample.zonulin = Some(Zonulin::parse("50 ng/mL", None, Some(Matrix::Serum))?);
    /// let mut out = Interpretation::default();
    /// interpreter.interpret(&sample, &mut out)?;
    /// assert_eq!(out.zonulin.unwrap().range.unwrap().label(), "above");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn zonulin_range(&self) -> Option<&'r ReferenceRange> {
        self.zonulin_range
    }

    /// The named protocols (shipped or loaded) nearest to the sample's, each with what differs:
    /// what an `unclassified` L:M result points to (computed on demand, not per batch row).
    ///
    /// ```
    /// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
    /// use lmr::sugar::Sugar;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let interpreter = Interpreter::new(&registry, &Options::default())?;
    /// let mut sample = Sample::default();
    /// sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
    /// sample.set_dose(Sugar::Mannitol, "2 g".parse()?);
    /// sample.protocol.collection = Some("6 h".parse()?);
    /// let near = interpreter.nearest_protocols(&sample);
    /// // two shipped protocols give 5 g / 2 g over 5 h: one hour from this sample's 6 h
    /// assert_eq!(near.len(), 2);
    /// assert!(near.iter().all(|(_, gaps)| gaps[0].to_string() == "collection 6 h (protocol: 5 h)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nearest_protocols(
        &self,
        sample: &Sample,
    ) -> Vec<(
        &'r crate::protocol::NamedProtocol,
        Vec<crate::protocol::ProtocolGap>,
    )> {
        crate::protocol::nearest_protocols(self.protocols, &sample.protocol)
    }

    /// The L:M ranges (automatic or explicit) that declare doses, whose doses and window fit the
    /// sample's, each with what else differs (age, sex, …; empty for an explicit range that would
    /// apply if named): why a sample matching a named protocol can stay `unclassified`.
    ///
    /// ```
    /// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
    /// use lmr::sugar::Sugar;
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let interpreter = Interpreter::new(&registry, &Options::default())?;
    /// let mut sample = Sample::default();
    /// sample.set_dose(Sugar::Lactulose, "5 g".parse()?);
    /// sample.set_dose(Sugar::Mannitol, "2 g".parse()?);
    /// sample.protocol.collection = Some("5 h".parse()?);
    /// sample.protocol.age = Some("40 y".parse()?);
    /// // Catassi 1997 gives 5 g / 2 g too, for children of 11–15 y, window unstated
    /// // (Dutch SAT also gave 40 g sucrose, so its protocol does not fit)
    /// let fitting = interpreter.lm_ranges_fitting_protocol(&sample);
    /// assert_eq!(fitting.len(), 1);
    /// assert_eq!(fitting[0].0.id, "catassi-1997-children");
    /// let why: Vec<String> = fitting[0].1.iter().map(|d| d.to_string()).collect();
    /// assert_eq!(why, ["age 40 y (range: 11–15 y)", "collection not stated by the source, so not checked"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lm_ranges_fitting_protocol(
        &self,
        sample: &Sample,
    ) -> Vec<(&'r ReferenceRange, Vec<crate::reference::Difference>)> {
        use crate::reference::Difference as D;
        let protocol_level = |d: &D| {
            matches!(
                d,
                D::Dose { .. } | D::Collection { .. } | D::CollectionOutside { .. }
            )
        };
        self.lm_all
            .iter()
            .filter(|r| !r.applies_to.doses.is_empty())
            .filter_map(|r| {
                let mut d = Vec::new();
                r.differences(&sample.protocol, &mut d);
                (!d.iter().any(protocol_level)).then_some((*r, d))
            })
            .collect()
    }

    /// The L:M range named explicitly (`--lm-range`; shown with [`Options`]).
    ///
    /// ```
    /// use lmr::interpretation::{Interpreter, Options};
    /// let registry = lmr::Registry::builtin()?;
    /// assert!(Interpreter::new(&registry, &Options::default())?.lm_explicit().is_none()); // automatic
    /// let options = Options { lm_range: Some("catassi-1997-children".into()), ..Options::default() };
    /// let interpreter = Interpreter::new(&registry, &options)?;
    /// assert_eq!(interpreter.lm_explicit().map(|r| r.id.as_str()), Some("catassi-1997-children"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lm_explicit(&self) -> Option<&'r ReferenceRange> {
        self.lm_explicit
    }

    /// Interprets `sample` into `out` (cleared first).
    ///
    /// Each analyte stands alone: when the sugar test cannot be computed, `out` still holds the
    /// vitamin D and zonulin results (and the other way round), and the error says what failed.
    ///
    /// # Errors
    /// [`InterpretError`] when a recovery cannot be computed (a zero dose, an overflow) or a
    /// zonulin value does not fit the chosen range's matrix; the first such error.
    ///
    /// ```
    /// use lmr::interpretation::{Interpretation, Interpreter, Options, Sample};
    /// use lmr::sugar::Sugar;
    /// use lmr::vitamin_d::{VitaminD, VitaminDForm};
    ///
    /// let registry = lmr::Registry::builtin()?;
    /// let interpreter = Interpreter::new(&registry, &Options::default())?;
    /// let mut sample = Sample::default();
    /// sample.set_urine(Sugar::Lactulose, "30 mg/L".parse()?);
    /// sample.set_dose(Sugar::Lactulose, "0 g".parse()?); // no recovery of a zero dose
    /// sample.urine_volume = Some("1 L".parse()?);
    /// sample.vitamin_d = Some(VitaminD::new("75 nmol/L".parse()?, VitaminDForm::Total)?);
    /// let mut out = Interpretation::default();
    /// assert!(interpreter.interpret(&sample, &mut out).is_err());
    /// // the vitamin D result stands on its own: 50 ≤ 75 ≤ 125
    /// assert_eq!(out.vitamin_d.as_ref().unwrap().schemes[0].label(), "sufficient");
    /// assert!(out.recoveries.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn interpret(
        &self,
        sample: &Sample,
        out: &mut Interpretation<'r>,
    ) -> Result<(), InterpretError> {
        out.clear();
        let sugars = self.sugars(sample, out);
        if sugars.is_ok() {
            self.zscores(sample, out);
        } else {
            // Nothing of a sugar test that failed half way is kept.
            out.clear();
        }
        pretest_flags(&sample.pretest, out);
        self.vitamin_d(sample, out);
        let zonulin = self.zonulin(sample, out);
        for (below, field) in [
            (sample.below_limit.vitamin_d, Field::VitaminD),
            (sample.below_limit.zonulin, Field::Zonulin),
        ] {
            if below {
                out.flag(Flag::BelowDetectionLimit, FlagDetail::BelowLimit(field));
            }
        }
        sugars.and(zonulin)
    }

    /// Recoveries of one collection (the whole sample, or one fraction) into `recoveries`.
    fn collection(
        &self,
        sample: &Sample,
        urine: &SugarMap<UrineResult>,
        volume: Option<Volume>,
        recoveries: &mut SugarMap<Censored<Percent>>,
        flags: &mut Vec<FlagHit>,
        missing: &mut Vec<MissingInput>,
    ) -> Result<(), InterpretError> {
        for (sugar, result) in urine.iter() {
            if let UrineResult::BelowLimit(_) = result {
                flags.push(FlagHit {
                    flag: Flag::BelowDetectionLimit,
                    detail: FlagDetail::BelowLimit(Field::Urine(sugar)),
                });
            }
            let dose = sample.protocol.doses.get(sugar);
            for (absent, m) in [
                (volume.is_none(), MissingInput::UrineVolume),
                (dose.is_none(), MissingInput::Dose(sugar)),
            ] {
                if absent && !missing.contains(&m) {
                    missing.push(m);
                }
            }
            let (Some(volume), Some(dose)) = (volume, dose) else {
                continue;
            };
            let result = match (self.subtract_baseline, sample.baseline.get(sugar)) {
                (true, Some(UrineResult::Measured(b))) => net_of_baseline(sugar, *result, *b),
                _ => *result,
            };
            if let Some(r) = recovery(sugar, result, volume, dose)? {
                recoveries.set(sugar, Some(r));
            }
        }
        Ok(())
    }

    fn sugars(&self, sample: &Sample, out: &mut Interpretation<'r>) -> Result<(), InterpretError> {
        if sample.fractions.is_empty() {
            let mut recoveries = std::mem::take(&mut out.recoveries);
            self.collection(
                sample,
                &sample.urine,
                sample.urine_volume,
                &mut recoveries,
                &mut out.flags,
                &mut out.missing,
            )?;
            out.recoveries = recoveries;
            if let Some(volume) = sample.urine_volume {
                self.volume_flags(sample, volume, out);
            }
        } else {
            if !sample.urine.is_empty() || sample.urine_volume.is_some() {
                return Err(InterpretError::FractionsAndWhole);
            }
            for f in &sample.fractions {
                let mut fr = FractionResult::default();
                self.collection(
                    sample,
                    &f.urine,
                    f.volume,
                    &mut fr.recoveries,
                    &mut out.flags,
                    &mut out.missing,
                )?;
                fr.ratios = Ratios::checked(&fr.recoveries)?;
                out.fractions.push(fr);
            }
            // Cumulative recovery is the sum over fractions (WASH Benefits EED analysis code, github.com/washb-eed-substudies/ee-secondary): Σ(Cᵢ·Vᵢ) / D.
            for &sugar in Sugar::ALL {
                let sum = out
                    .fractions
                    .iter()
                    .filter_map(|f| f.recoveries.get(sugar).map(|r| r.map(Percent::value)))
                    .reduce(add_censored)
                    // a sum a double cannot hold is no percentage
                    .map(|s| s.try_map(Percent::new))
                    .transpose()
                    .map_err(|_| RecoveryError::OutOfRange { sugar })?;
                out.recoveries.set(sugar, sum);
            }
        }
        for &sugar in Sugar::ALL {
            if let Some(&r) = out.recoveries.get(sugar) {
                if r.number().value() > 100.0 && !matches!(r, Censored::LessThan(_)) {
                    out.flag(
                        Flag::RecoveryOver100,
                        FlagDetail::Recovery(sugar, r.number()),
                    );
                }
            }
            if sample
                .baseline
                .get(sugar)
                .is_some_and(|b| matches!(b, UrineResult::Measured(c) if c.value() > 0.0))
            {
                out.flag(Flag::BaselineSugarDetected, FlagDetail::Baseline(sugar));
            }
        }
        let l = out.recoveries.get(Sugar::Lactulose).copied();
        let m = out.recoveries.get(Sugar::Mannitol).copied();
        if !out.recoveries.is_empty() {
            out.caveat(Caveat::LmRatioNotDiagnostic);
            out.caveat(Caveat::ProtocolsNotStandardised);
            out.caveat(Caveat::HighBetweenPersonVariation);
            out.caveat(Caveat::SugarTestInterferences);
        }
        if let Some(Censored::Exact(m)) = m {
            self.mannitol_flags(sample, m, out);
        }
        if let (Some(lv), Some(mv)) = (l.and_then(Censored::exact), m.and_then(Censored::exact)) {
            if lv.value() > mv.value() {
                out.flag(
                    Flag::LactuloseExceedsMannitol,
                    FlagDetail::Recoveries(lv, mv),
                );
            }
        }
        let mut ratios = Ratios::checked(&out.recoveries)?;
        if sample.fractions.is_empty() {
            self.ratios_without_recoveries(sample, &mut ratios, out)?;
        }
        out.lm_ratio = ratios.lm;
        out.lr_ratio = ratios.lr;
        out.lr_rhamnose_dose_form = ratios
            .lr
            .and(sample.protocol.doses.get(Sugar::Rhamnose))
            .map(|d| d.form);
        out.l13m_ratio = ratios.l13m;
        if ratios.lm.is_some() || ratios.lr.is_some() || ratios.l13m.is_some() {
            out.caveat(Caveat::RatioOfFractionalExcretions);
        }
        if let Some(ratio) = ratios.lm {
            self.classify_lm(sample, ratio, out);
        }
        if let (Some(ratio), Some(range)) = (ratios.lr, self.lr_explicit) {
            range.differences(&sample.protocol, &mut out.lr_differences);
            note_differences(out, RangeIndex::Lr);
            out.lr = Some(self.result(range, ratio.value(), RangeIndex::Lr, out));
        }
        Ok(())
    }

    /// Fills the ratios the recoveries could not give from the concentrations and the dose
    /// ratio: (C_L·V/D_L) ÷ (C_M·V/D_M) = (C_L/C_M) × (D_M/D_L), so the urine volume is not
    /// needed, and for one drink D_L/D_M = S_L/S_M, so neither is the volume drunk. The doses
    /// are used when both sugars of a ratio have one, else the solution strengths.
    fn ratios_without_recoveries(
        &self,
        sample: &Sample,
        ratios: &mut Ratios,
        out: &mut Interpretation<'r>,
    ) -> Result<(), InterpretError> {
        if ratios.lm.is_some() && ratios.lr.is_some() && ratios.l13m.is_some() {
            return Ok(());
        }
        let litre = Volume::new(1.0, crate::units::VolumeUnit::L).ok();
        let (mut by_dose, mut by_strength) = (SugarMap::default(), SugarMap::default());
        if sample.urine_volume.is_some() {
            // the recoveries (computed, or not computable for want of a dose) are the source
            return Ok(());
        }
        for (sugar, result) in sample.urine.iter() {
            if !sample.in_a_ratio_without_volume(sugar) {
                continue;
            }
            let result = match (self.subtract_baseline, sample.baseline.get(sugar)) {
                (true, Some(UrineResult::Measured(b))) => net_of_baseline(sugar, *result, *b),
                _ => *result,
            };
            let Some(litre) = litre else { continue };
            // per litre of urine: the volume cancels in the ratio
            if let Some(dose) = sample.protocol.doses.get(sugar) {
                by_dose.set(sugar, recovery(sugar, result, litre, dose)?);
            }
            if let Some(s) = sample.protocol.solutions.get(sugar) {
                // per mL of solution: the volume drunk cancels in the ratio
                let per_ml = Mass::new(s.in_mg_per_ml(), crate::units::MassUnit::Mg)
                    .map_err(|_| RecoveryError::OutOfRange { sugar })?;
                by_strength.set(
                    sugar,
                    recovery(sugar, result, litre, &Dose::anhydrous(per_ml))?,
                );
            }
        }
        let (d, st) = (Ratios::checked(&by_dose)?, Ratios::checked(&by_strength)?);
        let mut used = false;
        for (slot, a, b) in [
            (&mut ratios.lm, d.lm, st.lm),
            (&mut ratios.lr, d.lr, st.lr),
            (&mut ratios.l13m, d.l13m, st.l13m),
        ] {
            if slot.is_none() {
                *slot = a.or(b);
                used |= slot.is_some();
            }
        }
        if used {
            out.caveat(Caveat::RatioWithoutRecoveries);
            out.caveat(Caveat::LmRatioNotDiagnostic);
            out.caveat(Caveat::ProtocolsNotStandardised);
            out.caveat(Caveat::SugarTestInterferences);
        }
        Ok(())
    }

    fn zscores(&self, sample: &Sample, out: &mut Interpretation<'r>) {
        for table in self.zscore_tables() {
            let value = out.value_of(table.analyte());
            // A censored value has no z-score: its position in the distribution is unknown.
            let outcome = value
                .and_then(Censored::exact)
                .map(|x| table.z(x, sample.protocol.sex, sample.protocol.age));
            if let Some(Err(reason)) = outcome {
                if let Some(flag) = reason.flag() {
                    out.flag(flag, FlagDetail::Zscore(reason));
                }
            }
            out.zscores.push(ZscoreResult { table, outcome });
        }
    }

    fn classify_lm(&self, sample: &Sample, ratio: ExcretionRatio, out: &mut Interpretation<'r>) {
        let range = match self.lm_explicit {
            Some(r) => {
                r.differences(&sample.protocol, &mut out.lm_differences);
                note_differences(out, RangeIndex::Lm);
                Some(r)
            }
            None => {
                let chosen = self.automatic_lm(&sample.protocol, out);
                out.lm_differences.clear();
                if !out.lm_also_matched.is_empty() {
                    out.caveat(Caveat::SeveralRangesMatched);
                }
                chosen
            }
        };
        let Some(range) = range else {
            out.lm_differences.clear();
            out.caveat(Caveat::NoMatchingRange);
            return;
        };
        out.lm = Some(self.result(range, ratio.value(), RangeIndex::Lm, out));
    }

    /// Classifies `value` under `range`, noting the source caveat and any near-boundary flag.
    fn result(
        &self,
        range: &'r ReferenceRange,
        value: Censored,
        which: RangeIndex,
        out: &mut Interpretation<'r>,
    ) -> RangeResult<'r> {
        self.classify_into(range, value, which, out);
        RangeResult {
            range,
            value,
            band: range.classify_censored(value),
        }
    }

    /// Shared by every classification: source caveat and near-boundary flag.
    fn classify_into(
        &self,
        range: &ReferenceRange,
        value: Censored,
        which: RangeIndex,
        out: &mut Interpretation<'r>,
    ) {
        if range.source.status == Verification::Secondary
            || range
                .bands
                .iter()
                .any(|b| b.status == Verification::Secondary)
        {
            out.caveat(Caveat::SecondarySource);
        }
        if range.source.status == Verification::Local {
            out.caveat(Caveat::LocalReferenceInterval);
        }
        if let Censored::Exact(x) = value {
            if let Some(bound) = range.near_bound(x) {
                out.flag(Flag::NearBoundary, FlagDetail::NearBound(x, bound, which));
            }
        }
    }

    fn mannitol_flags(&self, sample: &Sample, m: Percent, out: &mut Interpretation<'r>) {
        let Some(band) = self.mannitol_band else {
            return;
        };
        let which = matches::QualityBand::Mannitol;
        if !self.quality_band_applies(which, band, MANNITOL_BAND_ID, &sample.protocol, out) {
            return;
        }
        let bound = |b: Option<crate::reference::Bound>| b.and_then(|b| Percent::new(b.value).ok());
        let lo = bound(band.bands.first().and_then(|b| b.upper));
        let hi = bound(band.bands.last().and_then(|b| b.lower));
        let detail = FlagDetail::MannitolBand(m, lo, hi);
        match band.classify(m.value()) {
            Some(0) if band.bands.len() > 1 => out.flag(Flag::LowMannitolRecovery, detail),
            Some(i) if i + 1 == band.bands.len() && i > 0 => {
                out.flag(Flag::HighMannitolRecovery, detail)
            }
            _ => {}
        }
    }

    fn volume_flags(&self, sample: &Sample, volume: Volume, out: &mut Interpretation<'r>) {
        let ml = volume.in_millilitres();
        if ml == 0.0 && !sample.urine.is_empty() {
            out.flag(
                Flag::ImplausibleUrineVolume,
                FlagDetail::UrineVolume(volume, None),
            );
        }
        let Some(band) = self.urine_volume_band else {
            return;
        };
        if ml > 0.0
            && self.quality_band_applies(
                matches::QualityBand::UrineVolume,
                band,
                URINE_VOLUME_BAND_ID,
                &sample.protocol,
                out,
            )
            && band.classify(ml) == Some(0)
        {
            // the band's unit is mL (`RangeUnit::Millilitres`, the only volume unit of a range)
            let bound = band.bands[0]
                .upper
                .and_then(|b| Volume::new(b.value, VolumeUnit::Ml).ok());
            out.flag(Flag::LowUrineVolume, FlagDetail::UrineVolume(volume, bound));
        }
    }

    /// A result below a stated limit: classified only where one band holds every value below
    /// it (`<10 ng/mL` = `<24.96 nmol/L` lies wholly in IOM's `< 30 nmol/L` band).
    fn vitamin_d_below(&self, sample: &Sample, out: &mut Interpretation<'r>) {
        let Some(limit) = sample
            .below_limit
            .vitamin_d_limit
            .filter(|_| sample.vitamin_d.is_none())
        else {
            return;
        };
        let nmol = limit.in_nmol_per_l();
        let mut schemes = Vec::new();
        for scheme in self.vitamin_d_schemes.iter().copied() {
            let RangeUnit::Concentration(unit) = scheme.unit else {
                continue;
            };
            let value = Censored::LessThan(limit.in_unit(unit).unwrap_or(nmol));
            let band = scheme.classify_censored(value);
            // as for an exact value: a secondary source (or band) is said so
            if scheme.source.status == Verification::Secondary
                || band.is_some_and(|b| scheme.bands[b].status == Verification::Secondary)
            {
                out.caveat(Caveat::SecondarySource);
            }
            schemes.push(RangeResult {
                range: scheme,
                value,
                band,
            });
        }
        if limit.form() == VitaminDForm::Total {
            out.caveat(Caveat::VitaminDTotalConvertedAsD3);
        }
        out.caveat(Caveat::VitaminDAssayVariation);
        out.caveat(Caveat::VitaminDThresholdsDisputed);
        out.caveat(Caveat::VitaminDNotPermeability);
        out.vitamin_d_below = Some(VitaminDBelow { limit, schemes });
    }

    fn vitamin_d(&self, sample: &Sample, out: &mut Interpretation<'r>) {
        self.vitamin_d_below(sample, out);
        let Some(vd) = sample.vitamin_d else {
            return;
        };
        let nmol = vd.in_nmol_per_l();
        let mut result = VitaminDResult {
            value: vd,
            // the vector of an earlier sample, kept by `Interpretation::clear`
            schemes: std::mem::take(&mut out.spare_schemes),
            above_125_range: None,
            toxicity_range: None,
        };
        for (i, scheme) in self.vitamin_d_schemes.iter().copied().enumerate() {
            let RangeUnit::Concentration(unit) = scheme.unit else {
                continue;
            };
            let x = vd.in_unit(unit).unwrap_or(nmol);
            let band = scheme.classify(x);
            // A scheme whose source is verified but one band only secondary (endocrine-2011's
            // deficiency band) is secondary for values in that band only.
            if scheme.source.status == Verification::Secondary
                || band.is_some_and(|b| scheme.bands[b].status == Verification::Secondary)
            {
                out.caveat(Caveat::SecondarySource);
            }
            if let Some(bound) = scheme.near_bound(x) {
                out.flag(
                    Flag::NearBoundary,
                    FlagDetail::NearBound(x, bound, RangeIndex::VitaminD(i)),
                );
            }
            result.schemes.push(RangeResult {
                range: scheme,
                value: Censored::Exact(x),
                band,
            });
        }
        // Upper-end flags, always applied (whatever the chosen schemes), each from its range file
        // in that file's unit. A value within conversion rounding of a flag's bound is flagged
        // `near_boundary` too (150 ng/mL is 374.40 nmol/L, just under the 375 nmol/L bound), unless
        // the range is a chosen scheme, whose own near-boundary check already names the bound.
        for (flag, range, label) in [
            (
                Flag::VitaminDAbove125NmolL,
                self.iom,
                "above_reason_for_concern",
            ),
            (
                Flag::VitaminDToxicityRange,
                self.vitamin_d_toxicity,
                "toxicity_range",
            ),
        ] {
            let Some(r) = range else { continue };
            let RangeUnit::Concentration(unit) = r.unit else {
                continue;
            };
            let (Some(x), Some(i)) = (
                vd.in_unit(unit),
                r.bands.iter().position(|b| b.label == label),
            ) else {
                continue;
            };
            if r.classify(x) == Some(i) {
                out.flag(flag, FlagDetail::VitaminD(vd));
            }
            let chosen = self.vitamin_d_schemes.iter().any(|s| std::ptr::eq(*s, r));
            if let Some(bound) = r.bands[i].lower.filter(|_| !chosen) {
                if (x - bound.value).abs() <= r.near_boundary_relative * bound.value.abs() {
                    out.flag(
                        Flag::NearBoundary,
                        FlagDetail::NearBound(x, bound, RangeIndex::VitaminDFlag(flag)),
                    );
                }
            }
        }
        result.above_125_range = self.iom;
        result.toxicity_range = self.vitamin_d_toxicity;
        if vd.form() == VitaminDForm::Total {
            out.caveat(Caveat::VitaminDTotalConvertedAsD3);
        }
        out.caveat(Caveat::VitaminDAssayVariation);
        out.caveat(Caveat::VitaminDThresholdsDisputed);
        out.caveat(Caveat::VitaminDNotPermeability);
        out.vitamin_d = Some(result);
    }

    fn zonulin(&self, sample: &Sample, out: &mut Interpretation<'r>) -> Result<(), InterpretError> {
        let Some(z) = sample.zonulin else {
            return Ok(());
        };
        // Checked first: a value the chosen range cannot take leaves no zonulin result at all.
        let ranged = match self.zonulin_range {
            Some(r) => Some((r, z.in_range_unit(&r.id, r.applies_to.matrix, r.unit)?)),
            None => None,
        };
        for c in [
            Caveat::ZonulinAssayNotPrehaptoglobin2,
            Caveat::ZonulinNoAgreementWithSugarTests,
            Caveat::ZonulinNotStandardised,
            Caveat::ZonulinNotValidated,
        ] {
            out.caveat(c);
        }
        if sample.hp_genotype == Some(HpGenotype::Hp11) {
            out.flag(Flag::Hp11ZonulinReported, FlagDetail::Zonulin);
        }
        let range = match ranged {
            None => {
                out.caveat(Caveat::ZonulinNoRangeChosen);
                None
            }
            Some((r, x)) => {
                let value = Censored::Exact(x);
                self.classify_into(r, value, RangeIndex::Zonulin, out);
                Some(RangeResult {
                    range: r,
                    value,
                    band: r.classify(x),
                })
            }
        };
        out.zonulin = Some(ZonulinResult { value: z, range });
        Ok(())
    }
}

/// The flags of the pre-test conditions recorded as yes, and of an eGFR below 60.
fn pretest_flags(p: &Pretest, out: &mut Interpretation<'_>) {
    for (answer, flag) in [
        (p.nsaid, Flag::PretestNsaid),
        (p.alcohol, Flag::PretestAlcohol),
        (p.laxative, Flag::PretestLaxative),
        (p.steroid, Flag::PretestSteroid),
        (p.recent_diarrhoea, Flag::RecentDiarrhoea),
        (p.glycosuria, Flag::Glycosuria),
    ] {
        if answer == Some(true) {
            out.flag(flag, FlagDetail::Pretest);
        }
    }
    if let Some(e) = p.egfr.filter(|&e| e < REDUCED_EGFR_BELOW) {
        out.flag(Flag::ReducedRenalFunction, FlagDetail::Egfr(e));
    }
}

/// Flags a protocol mismatch and notes unchecked protocol parts of an explicitly named range.
fn note_differences(out: &mut Interpretation<'_>, which: RangeIndex) {
    let diffs = match which {
        RangeIndex::Lm => &out.lm_differences,
        RangeIndex::Lr => &out.lr_differences,
        RangeIndex::VitaminD(_) | RangeIndex::VitaminDFlag(_) | RangeIndex::Zonulin => return,
    };
    let unstated = |d: &Difference| matches!(d, Difference::Unstated(_));
    let mismatch = diffs.iter().any(|d| !unstated(d));
    let unchecked = diffs.iter().any(unstated);
    if mismatch {
        out.flag(Flag::ProtocolMismatch, FlagDetail::ProtocolMismatch);
    }
    if unchecked {
        out.caveat(Caveat::ProtocolNotFullyStated);
    }
}

/// The concentration net of a measured baseline, not below zero. A censored post-dose value keeps
/// its bound (nothing is known to subtract from it).
fn net_of_baseline(sugar: Sugar, result: UrineResult, baseline: Concentration) -> UrineResult {
    let UrineResult::Measured(c) = result else {
        return result;
    };
    let m = Some(sugar.molar_mass().in_g_per_mol());
    let (Ok(post), Ok(base)) = (c.in_mg_per_l(m), baseline.in_mg_per_l(m)) else {
        return result;
    };
    Concentration::new(
        (post - base).max(0.0),
        crate::units::ConcentrationUnit::MgPerL,
    )
    .map_or(result, UrineResult::Measured)
}

/// The sum of two recoveries. A censored part keeps the sum an upper bound (`<`), since the true
/// amount lies between the exact part and the exact part plus the bound.
fn add_censored(a: Censored, b: Censored) -> Censored {
    match (a, b) {
        (Censored::Exact(x), Censored::Exact(y)) => Censored::Exact(x + y),
        (Censored::GreaterThan(x), Censored::Exact(y) | Censored::GreaterThan(y))
        | (Censored::Exact(x), Censored::GreaterThan(y)) => Censored::GreaterThan(x + y),
        (x, y) => Censored::LessThan(x.number() + y.number()),
    }
}

#[cfg(test)]
mod tests {
    //! One sample at a time against the shipped ranges, every expected value worked by hand.

    use super::*;
    use crate::vitamin_d::VitaminDForm;
    use approx::assert_relative_eq;

    fn registry() -> Registry {
        Registry::builtin().expect("shipped ranges load")
    }

    /// The Dutch SAT (hyperosmolar: 5 g lactulose, 2 g mannitol, 40 g sucrose; 5 h urine; Uil
    /// 1996, cut-off 0.089) with `l` and `m` mg/L in 1 L of urine.
    fn dutch(registry: &Registry, l: &str, m: &str) -> Sample {
        let mut s = Sample::default();
        s.protocol.fill_from(
            registry
                .protocol("dutch-sat-hyperosmolar")
                .expect("shipped"),
        );
        s.set_urine(Sugar::Lactulose, l.parse().unwrap());
        s.set_urine(Sugar::Mannitol, m.parse().unwrap());
        s.urine_volume = Some("1 L".parse().unwrap());
        s
    }

    fn interpret<'r>(interpreter: &Interpreter<'r>, sample: &Sample) -> Interpretation<'r> {
        let mut out = Interpretation::default();
        interpreter.interpret(sample, &mut out).expect("interprets");
        out
    }

    #[test]
    fn a_matching_protocol_classifies_automatically() {
        let registry = registry();
        let interpreter = Interpreter::new(&registry, &Options::default()).unwrap();
        // 30 mg/L × 1 L = 30 mg of 5000 mg = 0.6 %; 200 mg of 2000 mg = 10 %; 0.6 / 10 = 0.06
        let out = interpret(&interpreter, &dutch(&registry, "30 mg/L", "200 mg/L"));
        let l = out
            .recoveries
            .get(Sugar::Lactulose)
            .unwrap()
            .exact()
            .unwrap();
        let m = out
            .recoveries
            .get(Sugar::Mannitol)
            .unwrap()
            .exact()
            .unwrap();
        assert_relative_eq!(l.value(), 0.6, max_relative = 1e-12);
        assert_relative_eq!(m.value(), 10.0, max_relative = 1e-12);
        assert_relative_eq!(
            out.lm_ratio.unwrap().exact().unwrap(),
            0.06,
            max_relative = 1e-12
        );
        assert_eq!(
            out.lm.as_ref().unwrap().range.id,
            "dutch-sat-hyperosmolar-5h"
        );
        assert_eq!(out.lm_class(), Some("within")); // 0.06 ≤ 0.089
        assert!(out.lm_differences.is_empty());

        // 100 mg/L: 2 % / 10 % = 0.2 > 0.089
        let out = interpret(&interpreter, &dutch(&registry, "100 mg/L", "200 mg/L"));
        assert_relative_eq!(
            out.lm_ratio.unwrap().exact().unwrap(),
            0.2,
            max_relative = 1e-12
        );
        assert_eq!(out.lm_class(), Some("above"));
    }

    #[test]
    fn a_different_protocol_is_unclassified_and_says_why() {
        let registry = registry();
        let interpreter = Interpreter::new(&registry, &Options::default()).unwrap();
        let mut sample = dutch(&registry, "30 mg/L", "200 mg/L");
        sample.protocol.collection = Some("6 h".parse().unwrap());
        let out = interpret(&interpreter, &sample);
        // the ratio is still computed (0.06), but no range applies to a 6 h collection
        assert_relative_eq!(
            out.lm_ratio.unwrap().exact().unwrap(),
            0.06,
            max_relative = 1e-12
        );
        assert_eq!(out.lm_class(), Some(UNCLASSIFIED));
        assert!(out.caveat_codes().any(|c| c == "no_matching_range"));
    }

    #[test]
    fn a_range_named_for_another_protocol_classifies_with_a_mismatch_flag() {
        let registry = registry();
        let options = Options {
            lm_range: Some("dutch-sat-hyperosmolar-5h".into()),
            ..Options::default()
        };
        let interpreter = Interpreter::new(&registry, &options).unwrap();
        let mut sample = dutch(&registry, "30 mg/L", "200 mg/L");
        sample.protocol.collection = Some("6 h".parse().unwrap());
        let out = interpret(&interpreter, &sample);
        assert_eq!(out.lm_class(), Some("within"));
        assert!(out.flag_codes().any(|c| c == "protocol_mismatch"));
        assert!(matches!(
            out.lm_differences.as_slice(),
            [Difference::Collection {
                sample: Some(_),
                ..
            }]
        ));
    }

    #[test]
    fn vitamin_d_alone_is_classified_without_urine_sugars() {
        let registry = registry();
        let interpreter = Interpreter::new(&registry, &Options::default()).unwrap();
        let mut sample = Sample::default();
        // 20 ng/mL × 1000 / 400.64 g/mol = 49.9201 nmol/L: below the IOM 2011 50 nmol/L bound,
        // and within 0.2 % of it (|49.9201 − 50| = 0.0799 ≤ 0.002 × 50 = 0.1): near_boundary
        let vd = VitaminD::new("20 ng/mL".parse().unwrap(), VitaminDForm::D3).unwrap();
        sample.vitamin_d = Some(vd);
        let out = interpret(&interpreter, &sample);
        assert!(out.lm_ratio.is_none() && out.recoveries.is_empty());
        let v = out.vitamin_d.as_ref().unwrap();
        assert_relative_eq!(v.value.in_nmol_per_l(), 49.920128, max_relative = 1e-6);
        assert_relative_eq!(v.value.in_ng_per_ml(), 20.0, max_relative = 1e-12);
        let iom = v
            .schemes
            .iter()
            .find(|s| s.range.id == IOM_2011_ID)
            .unwrap();
        assert_eq!(iom.label(), "at_risk_of_inadequacy");
        assert!(out.flag_codes().any(|c| c == "near_boundary"));
    }

    #[test]
    fn an_unknown_range_name_is_a_configuration_error() {
        let registry = registry();
        let options = Options {
            lm_range: Some("no-such-range".into()),
            ..Options::default()
        };
        assert!(Interpreter::new(&registry, &options).is_err());
    }

    #[test]
    fn a_cleared_result_holds_nothing_from_the_last_sample() {
        let registry = registry();
        let interpreter = Interpreter::new(&registry, &Options::default()).unwrap();
        let mut out = interpret(&interpreter, &dutch(&registry, "30 mg/L", "200 mg/L"));
        out.clear();
        assert!(out.lm_ratio.is_none() && out.lm.is_none() && out.recoveries.is_empty());
        assert_eq!(out.flag_codes().count() + out.caveat_codes().count(), 0);
    }
}
