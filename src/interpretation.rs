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
//! // science.md T3: 0.48 % and 18.0 %, ratio 0.026667
//! approx::assert_relative_eq!(out.lm_ratio.unwrap().exact().unwrap(), 0.48 / 18.0, max_relative = 1e-12);
//! assert_eq!(out.lm_class(), Some("unclassified")); // no verified range for 5 g / 1 g, 5 h
//! assert!(out.caveat_codes().any(|c| c == "no_matching_range"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::caveat::Caveat;
use crate::censored::Censored;
use crate::flag::Flag;
use crate::protocol::{Dose, Protocol, SugarMap};
use crate::recovery::{recovery, RecoveryError, UrineResult};
use crate::reference::{
    Analyte, Bound, Difference, RangeUnit, ReferenceRange, Registry, Selection,
    Verification, UNCLASSIFIED,
};
use crate::sugar::Sugar;
use crate::units::{Concentration, Mass, Volume};
use crate::vitamin_d::{VitaminD, VitaminDForm};
use crate::zonulin::{HpGenotype, Zonulin, ZonulinError};

/// Id of the shipped plausibility band for mannitol recovery.
pub const MANNITOL_BAND_ID: &str = "mannitol-recovery-healthy-adults-oral";
/// Id of the shipped low-urine-volume band.
pub const URINE_VOLUME_BAND_ID: &str = "urine-volume-adult-5-6h";
/// Id of the shipped vitamin D toxicity band.
pub const VITAMIN_D_TOXICITY_ID: &str = "vitamin-d-toxicity";
/// Id of the IOM 2011 scheme (its `above_reason_for_concern` band drives the 125 nmol/L flag).
pub const IOM_2011_ID: &str = "iom-2011";
/// The default vitamin D scheme.
pub const DEFAULT_VITAMIN_D_SCHEME: &str = IOM_2011_ID;

/// Which ranges to use.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// An L:M range chosen by id (`--lm-range`); `None`: match automatically by protocol.
    pub lm_range: Option<String>,
    /// Vitamin D schemes by id; empty: [`DEFAULT_VITAMIN_D_SCHEME`]; `all`: every shipped scheme.
    pub vitamin_d_schemes: Vec<String>,
    /// A zonulin range chosen by id (`--zonulin-range`).
    pub zonulin_range: Option<String>,
}

/// A range choice that cannot be used.
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
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InterpretError {
    /// A recovery cannot be computed.
    #[error(transparent)]
    Recovery(#[from] RecoveryError),
    /// A zonulin value and the chosen range do not fit together.
    #[error(transparent)]
    Zonulin(#[from] ZonulinError),
}

/// One sample's inputs. Every part is optional; a sample is interpreted for what it has.
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
}

impl Sample {
    /// Sets a measured urine concentration.
    pub fn set_urine(&mut self, sugar: Sugar, concentration: Concentration) {
        self.urine.set(sugar, Some(UrineResult::Measured(concentration)));
    }

    /// Sets an anhydrous oral dose.
    pub fn set_dose(&mut self, sugar: Sugar, mass: Mass) {
        self.protocol.doses.set(sugar, Some(Dose::anhydrous(mass)));
    }

    /// Clears every field (for reuse across batch rows).
    pub fn clear(&mut self) {
        self.urine.clear();
        self.urine_volume = None;
        self.protocol.clear();
        self.vitamin_d = None;
        self.zonulin = None;
        self.hp_genotype = None;
    }
}

/// A value classified under a range.
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
    pub fn label(&self) -> &str {
        self.range.band_label(self.band)
    }
}

/// What a flag refers to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FlagDetail {
    /// A sugar's recovery, %.
    Recovery(Sugar, f64),
    /// Lactulose and mannitol recoveries, %.
    Recoveries(f64, f64),
    /// Mannitol recovery against the plausibility band (value %, lower %, upper %).
    MannitolBand(f64, f64, f64),
    /// Urine volume in mL (and the bound, mL, where one applies).
    UrineVolume(f64, Option<f64>),
    /// A value near a bound of a range: (value in the range's unit, the bound).
    NearBound(f64, Bound, RangeIndex),
    /// The explicit L:M range's protocol differs (see [`Interpretation::lm_differences`]).
    ProtocolMismatch,
    /// Which input was below the detection limit.
    BelowLimit(Field),
    /// Vitamin D in nmol/L.
    VitaminD(f64),
    /// The zonulin value.
    Zonulin,
}

/// Which range a [`FlagDetail::NearBound`] refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeIndex {
    /// The L:M range.
    Lm,
    /// The n-th vitamin D scheme.
    VitaminD(usize),
    /// The zonulin range.
    Zonulin,
}

/// An input field, for flag details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Urine concentration of a sugar.
    Urine(Sugar),
    /// Vitamin D.
    VitaminD,
    /// Zonulin.
    Zonulin,
}

/// A flag raised on a result, with what it refers to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlagHit {
    /// The flag.
    pub flag: Flag,
    /// What it refers to.
    pub detail: FlagDetail,
}

/// Vitamin D results.
#[derive(Clone, Debug, Default)]
pub struct VitaminDResult<'r> {
    /// The value in nmol/L.
    pub nmol_l: f64,
    /// The value in ng/mL.
    pub ng_ml: f64,
    /// The form.
    pub form: VitaminDForm,
    /// One result per chosen scheme, in the order chosen.
    pub schemes: Vec<RangeResult<'r>>,
}

/// Zonulin result.
#[derive(Clone, Copy, Debug)]
pub struct ZonulinResult<'r> {
    /// The value as given.
    pub value: Zonulin,
    /// The range's result, when a range was chosen.
    pub range: Option<RangeResult<'r>>,
}

/// Everything computed for one sample. Reuse one across samples: [`Interpreter::interpret`] clears it.
#[derive(Clone, Debug, Default)]
pub struct Interpretation<'r> {
    /// Recovery per sugar, % of dose (exact, or a bound when censored).
    pub recoveries: SugarMap<Censored>,
    /// Lactulose : mannitol ratio of fractional excretions.
    pub lm_ratio: Option<Censored>,
    /// The L:M classification (when a ratio exists and a range applies).
    pub lm: Option<RangeResult<'r>>,
    /// How the sample's protocol differs from the L:M range's (explicit ranges).
    pub lm_differences: Vec<Difference>,
    /// Vitamin D, when given.
    pub vitamin_d: Option<VitaminDResult<'r>>,
    /// Zonulin, when given.
    pub zonulin: Option<ZonulinResult<'r>>,
    /// Flags, in the order raised.
    pub flags: Vec<FlagHit>,
    /// Caveats, in [`Caveat::ALL`] order, each once.
    pub caveats: Vec<Caveat>,
}

impl Interpretation<'_> {
    /// Clears the results, keeping the allocations.
    pub fn clear(&mut self) {
        self.recoveries.clear();
        self.lm_ratio = None;
        self.lm = None;
        self.lm_differences.clear();
        if let Some(vd) = &mut self.vitamin_d {
            vd.schemes.clear();
        }
        self.vitamin_d = None;
        self.zonulin = None;
        self.flags.clear();
        self.caveats.clear();
    }

    /// The L:M class: the band label, `unclassified` when a ratio exists but no range classified
    /// it, `None` when there is no ratio.
    pub fn lm_class(&self) -> Option<&str> {
        self.lm_ratio?;
        Some(self.lm.as_ref().map_or(UNCLASSIFIED, RangeResult::label))
    }

    /// Flag codes, each once, in order raised.
    pub fn flag_codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.flags
            .iter()
            .enumerate()
            .filter(|(i, h)| !self.flags[..*i].iter().any(|e| e.flag == h.flag))
            .map(|(_, h)| h.flag.code())
    }

    /// Caveat codes.
    pub fn caveat_codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.caveats.iter().map(|c| c.code())
    }

    fn flag(&mut self, flag: Flag, detail: FlagDetail) {
        self.flags.push(FlagHit { flag, detail });
    }

    fn caveat(&mut self, caveat: Caveat) {
        // Most caveats arrive in order: append without searching.
        if self.caveats.last().is_none_or(|last| *last < caveat) {
            self.caveats.push(caveat);
        } else if let Err(at) = self.caveats.binary_search(&caveat) {
            self.caveats.insert(at, caveat);
        }
    }
}

/// Resolved ranges, ready to interpret samples.
#[derive(Clone, Debug)]
pub struct Interpreter<'r> {
    lm_explicit: Option<&'r ReferenceRange>,
    lm_automatic: Vec<&'r ReferenceRange>,
    vitamin_d_schemes: Vec<&'r ReferenceRange>,
    zonulin_range: Option<&'r ReferenceRange>,
    mannitol_band: Option<&'r ReferenceRange>,
    urine_volume_band: Option<&'r ReferenceRange>,
    vitamin_d_toxicity: Option<&'r ReferenceRange>,
    iom: Option<&'r ReferenceRange>,
}

fn pick<'r>(
    registry: &'r Registry,
    option: &'static str,
    id: &str,
    wanted: Analyte,
) -> Result<&'r ReferenceRange, ConfigError> {
    let r = registry.range(id).ok_or_else(|| ConfigError::UnknownRange {
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

/// The vitamin D schemes `all` expands to: every scheme that has bands or statements, except
/// the quality band for toxicity (a flag, not a scheme).
fn all_vitamin_d_schemes(registry: &Registry) -> impl Iterator<Item = &ReferenceRange> {
    registry
        .ranges_for(Analyte::VitaminD25oh)
        .filter(|r| r.id != VITAMIN_D_TOXICITY_ID)
}

impl<'r> Interpreter<'r> {
    /// Resolves the options against `registry`.
    ///
    /// # Errors
    /// [`ConfigError`] for an unknown id or a range of the wrong analyte.
    pub fn new(registry: &'r Registry, options: &Options) -> Result<Self, ConfigError> {
        let lm_explicit = options
            .lm_range
            .as_deref()
            .map(|id| pick(registry, "--lm-range", id, Analyte::LmRatio))
            .transpose()?;
        let lm_automatic = registry
            .ranges_for(Analyte::LmRatio)
            .filter(|r| r.selection == Selection::Automatic)
            .collect();
        let mut vitamin_d_schemes = Vec::new();
        let ids: Vec<&str> = if options.vitamin_d_schemes.is_empty() {
            vec![DEFAULT_VITAMIN_D_SCHEME]
        } else {
            options.vitamin_d_schemes.iter().map(String::as_str).collect()
        };
        for id in ids {
            if id == "all" {
                vitamin_d_schemes.extend(all_vitamin_d_schemes(registry));
            } else {
                vitamin_d_schemes.push(pick(registry, "--vitamin-d-scheme", id, Analyte::VitaminD25oh)?);
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
        Ok(Interpreter {
            lm_explicit,
            lm_automatic,
            vitamin_d_schemes,
            zonulin_range,
            mannitol_band: quality(MANNITOL_BAND_ID, Analyte::MannitolRecoveryPct),
            urine_volume_band: quality(URINE_VOLUME_BAND_ID, Analyte::UrineVolume),
            vitamin_d_toxicity: quality(VITAMIN_D_TOXICITY_ID, Analyte::VitaminD25oh),
            iom: quality(IOM_2011_ID, Analyte::VitaminD25oh),
        })
    }

    /// The vitamin D schemes in use, in order (their ids name the `vitamin_d_class_*` columns).
    pub fn vitamin_d_schemes(&self) -> &[&'r ReferenceRange] {
        &self.vitamin_d_schemes
    }

    /// The zonulin range in use.
    pub fn zonulin_range(&self) -> Option<&'r ReferenceRange> {
        self.zonulin_range
    }

    /// The L:M range named explicitly.
    pub fn lm_explicit(&self) -> Option<&'r ReferenceRange> {
        self.lm_explicit
    }

    /// Interprets `sample` into `out` (cleared first).
    ///
    /// # Errors
    /// [`InterpretError`] when a recovery cannot be computed (a zero dose) or a zonulin value
    /// does not fit the chosen range's matrix.
    pub fn interpret(&self, sample: &Sample, out: &mut Interpretation<'r>) -> Result<(), InterpretError> {
        out.clear();
        self.sugars(sample, out)?;
        self.vitamin_d(sample, out);
        self.zonulin(sample, out)?;
        Ok(())
    }

    fn sugars(&self, sample: &Sample, out: &mut Interpretation<'r>) -> Result<(), InterpretError> {
        for (sugar, result) in sample.urine.iter() {
            if let UrineResult::BelowLimit(_) = result {
                out.flag(Flag::BelowDetectionLimit, FlagDetail::BelowLimit(Field::Urine(sugar)));
            }
            let (Some(volume), Some(dose)) = (sample.urine_volume, sample.protocol.doses.get(sugar)) else {
                continue;
            };
            if let Some(r) = recovery(sugar, *result, volume, dose)? {
                out.recoveries.set(sugar, Some(r));
                if r.number() > 100.0 && !matches!(r, Censored::LessThan(_)) {
                    out.flag(Flag::RecoveryOver100, FlagDetail::Recovery(sugar, r.number()));
                }
            }
        }
        if let Some(volume) = sample.urine_volume {
            self.volume_flags(sample, volume, out);
        }
        let l = out.recoveries.get(Sugar::Lactulose).copied();
        let m = out.recoveries.get(Sugar::Mannitol).copied();
        if l.is_some() || m.is_some() {
            out.caveat(Caveat::LmRatioNotDiagnostic);
            out.caveat(Caveat::ProtocolsNotStandardised);
            out.caveat(Caveat::HighBetweenPersonVariation);
        }
        if let Some(Censored::Exact(m)) = m {
            self.mannitol_flags(sample, m, out);
        }
        let (Some(l), Some(m)) = (l, m) else {
            return Ok(());
        };
        if let (Some(lv), Some(mv)) = (l.exact(), m.exact()) {
            if lv > mv {
                out.flag(Flag::LactuloseExceedsMannitol, FlagDetail::Recoveries(lv, mv));
            }
        }
        out.lm_ratio = crate::ratio::fractional_excretion_ratio(l, m);
        let Some(ratio) = out.lm_ratio else {
            return Ok(());
        };
        out.caveat(Caveat::RatioOfFractionalExcretions);
        self.classify_lm(sample, ratio, out);
        Ok(())
    }

    fn classify_lm(&self, sample: &Sample, ratio: Censored, out: &mut Interpretation<'r>) {
        let range = match self.lm_explicit {
            Some(r) => {
                r.differences(&sample.protocol, &mut out.lm_differences);
                if out.lm_differences.iter().any(|d| !matches!(d, Difference::Unstated(_))) {
                    out.flag(Flag::ProtocolMismatch, FlagDetail::ProtocolMismatch);
                }
                if out.lm_differences.iter().any(|d| matches!(d, Difference::Unstated(_))) {
                    out.caveat(Caveat::ProtocolNotFullyStated);
                }
                Some(r)
            }
            None => self.lm_automatic.iter().copied().find(|r| {
                out.lm_differences.clear();
                r.differences(&sample.protocol, &mut out.lm_differences);
                out.lm_differences.is_empty()
            }),
        };
        let Some(range) = range else {
            out.lm_differences.clear();
            out.caveat(Caveat::NoMatchingRange);
            return;
        };
        self.classify_into(range, ratio, RangeIndex::Lm, out);
        out.lm = Some(RangeResult {
            range,
            value: ratio,
            band: range.classify_censored(ratio),
        });
    }

    /// Shared by every classification: source caveat and near-boundary flag.
    fn classify_into(&self, range: &ReferenceRange, value: Censored, which: RangeIndex, out: &mut Interpretation<'r>) {
        if range.source.status == Verification::Secondary
            || range.bands.iter().any(|b| b.status == Verification::Secondary)
        {
            out.caveat(Caveat::SecondarySource);
        }
        if let Censored::Exact(x) = value {
            if let Some(bound) = range.near_bound(x) {
                out.flag(Flag::NearBoundary, FlagDetail::NearBound(x, bound, which));
            }
        }
    }

    /// Whether a quality band applies to this sample: no difference but parts the source leaves
    /// unstated and an age that was not given (adult bands are applied when age is unknown).
    ///
    /// `scratch` is a reused buffer (a batch calls this twice per row), left empty.
    fn quality_band_applies(range: &ReferenceRange, protocol: &Protocol, scratch: &mut Vec<Difference>) -> bool {
        scratch.clear();
        range.differences(protocol, scratch);
        let applies = scratch.iter().all(|d| {
            matches!(
                d,
                Difference::Unstated(_) | Difference::Age { sample: None, .. }
            )
        });
        scratch.clear();
        applies
    }

    fn mannitol_flags(&self, sample: &Sample, m: f64, out: &mut Interpretation<'r>) {
        let Some(band) = self.mannitol_band else {
            return;
        };
        // `lm_differences` is free until the L:M range is chosen, after the quality flags.
        if !Self::quality_band_applies(band, &sample.protocol, &mut out.lm_differences) {
            return;
        }
        let lo = band.bands.first().and_then(|b| b.upper).map_or(f64::NAN, |b| b.value);
        let hi = band.bands.last().and_then(|b| b.lower).map_or(f64::NAN, |b| b.value);
        let detail = FlagDetail::MannitolBand(m, lo, hi);
        match band.classify(m) {
            Some(0) if band.bands.len() > 1 => out.flag(Flag::LowMannitolRecovery, detail),
            Some(i) if i + 1 == band.bands.len() && i > 0 => out.flag(Flag::HighMannitolRecovery, detail),
            _ => {}
        }
    }

    fn volume_flags(&self, sample: &Sample, volume: Volume, out: &mut Interpretation<'r>) {
        let ml = volume.in_millilitres();
        if ml == 0.0 && !sample.urine.is_empty() {
            out.flag(Flag::ImplausibleUrineVolume, FlagDetail::UrineVolume(ml, None));
        }
        let Some(band) = self.urine_volume_band else {
            return;
        };
        if Self::quality_band_applies(band, &sample.protocol, &mut out.lm_differences)
            && band.classify(ml) == Some(0)
            && ml > 0.0
        {
            let bound = band.bands[0].upper.map(|b| b.value);
            out.flag(Flag::LowUrineVolume, FlagDetail::UrineVolume(ml, bound));
        }
    }

    fn vitamin_d(&self, sample: &Sample, out: &mut Interpretation<'r>) {
        let Some(vd) = sample.vitamin_d else {
            return;
        };
        let nmol = vd.in_nmol_per_l();
        let mut result = VitaminDResult {
            nmol_l: nmol,
            ng_ml: vd.in_ng_per_ml(),
            form: vd.form(),
            schemes: Vec::new(),
        };
        // Reuse the scheme vector of an earlier sample.
        if let Some(old) = out.vitamin_d.take() {
            result.schemes = old.schemes;
            result.schemes.clear();
        }
        for (i, scheme) in self.vitamin_d_schemes.iter().copied().enumerate() {
            let RangeUnit::Concentration(unit) = scheme.unit else {
                continue;
            };
            let value = Censored::Exact(vd.in_unit(unit).unwrap_or(nmol));
            self.classify_into(scheme, value, RangeIndex::VitaminD(i), out);
            result.schemes.push(RangeResult {
                range: scheme,
                value,
                band: scheme.classify_censored(value),
            });
        }
        let in_band = |r: Option<&ReferenceRange>, label: &str| {
            r.and_then(|r| {
                let RangeUnit::Concentration(u) = r.unit else { return None };
                let i = r.classify(vd.in_unit(u)?)?;
                Some(r.bands[i].label == label)
            })
            .unwrap_or(false)
        };
        if in_band(self.iom, "above_reason_for_concern") {
            out.flag(Flag::VitaminDAbove125NmolL, FlagDetail::VitaminD(nmol));
        }
        if in_band(self.vitamin_d_toxicity, "toxicity_range") {
            out.flag(Flag::VitaminDToxicityRange, FlagDetail::VitaminD(nmol));
        }
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
        let range = match self.zonulin_range {
            None => {
                out.caveat(Caveat::ZonulinNoRangeChosen);
                None
            }
            Some(r) => {
                let x = z.in_range_unit(&r.id, r.applies_to.matrix, r.unit)?;
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
