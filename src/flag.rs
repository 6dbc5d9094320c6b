//! Quality flags: coded warnings about one result (the measurement may be wrong, or the reference
//! may not fit), each with a one-line explanation and its source.
//!
//! Codes are stable snake_case strings that scripts match on; see `lmr caveats` for the list.

use std::fmt;

/// A quality flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Flag {
    /// Lactulose recovery above mannitol recovery.
    LactuloseExceedsMannitol,
    /// A recovery above 100 % of the dose.
    RecoveryOver100,
    /// Mannitol recovery below the plausible band.
    LowMannitolRecovery,
    /// Mannitol recovery above the plausible band.
    HighMannitolRecovery,
    /// Urine volume that cannot be right.
    ImplausibleUrineVolume,
    /// Urine volume below the volume at which results are known to shift.
    LowUrineVolume,
    /// A value within rounding/conversion distance of a band bound.
    NearBoundary,
    /// A range named explicitly whose protocol differs from the sample's.
    ProtocolMismatch,
    /// An age outside every age band of the z-score reference table (no z-score computed).
    AgeOutsideReference,
    /// A result below the assay's detection or quantification limit.
    BelowDetectionLimit,
    /// 25(OH)D above 125 nmol/L.
    VitaminDAbove125NmolL,
    /// 25(OH)D above 375 nmol/L.
    VitaminDToxicityRange,
    /// A zonulin value reported for a haptoglobin 1-1 person.
    Hp11ZonulinReported,
    /// A probe sugar measured above the detection limit in baseline (pre-dose) urine.
    BaselineSugarDetected,
}

impl Flag {
    /// Every flag, in report order.
    pub const ALL: &'static [Flag] = &[
        Flag::LactuloseExceedsMannitol,
        Flag::RecoveryOver100,
        Flag::LowMannitolRecovery,
        Flag::HighMannitolRecovery,
        Flag::ImplausibleUrineVolume,
        Flag::LowUrineVolume,
        Flag::NearBoundary,
        Flag::ProtocolMismatch,
        Flag::AgeOutsideReference,
        Flag::BelowDetectionLimit,
        Flag::VitaminDAbove125NmolL,
        Flag::VitaminDToxicityRange,
        Flag::Hp11ZonulinReported,
        Flag::BaselineSugarDetected,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Flag::LactuloseExceedsMannitol => "lactulose_exceeds_mannitol",
            Flag::RecoveryOver100 => "recovery_over_100",
            Flag::LowMannitolRecovery => "low_mannitol_recovery",
            Flag::HighMannitolRecovery => "high_mannitol_recovery",
            Flag::ImplausibleUrineVolume => "implausible_urine_volume",
            Flag::LowUrineVolume => "low_urine_volume",
            Flag::NearBoundary => "near_boundary",
            Flag::ProtocolMismatch => "protocol_mismatch",
            Flag::AgeOutsideReference => "age_outside_reference",
            Flag::BelowDetectionLimit => "below_detection_limit",
            Flag::VitaminDAbove125NmolL => "vitamin_d_above_125_nmol_l",
            Flag::VitaminDToxicityRange => "vitamin_d_toxicity_range",
            Flag::Hp11ZonulinReported => "hp11_zonulin_reported",
            Flag::BaselineSugarDetected => "baseline_sugar_detected",
        }
    }

    /// What the flag means, in one line.
    pub fn explanation(self) -> &'static str {
        match self {
            Flag::LactuloseExceedsMannitol => "lactulose recovery exceeds mannitol recovery, which is implausible for a ratio of fractional excretions (healthy values 0.01–0.05); a concentration ratio may have been entered, or a unit, dose or volume is wrong",
            Flag::RecoveryOver100 => "a recovery above 100 % of the oral dose is physically impossible: check the unit, the dose and the urine volume; the value is kept so the error is visible",
            Flag::LowMannitolRecovery => "mannitol recovery is below the band seen in healthy adults after an oral dose; possible incomplete urine collection, dose not (fully) taken, or reduced absorptive surface",
            Flag::HighMannitolRecovery => "mannitol recovery is above the band seen in healthy adults after an oral dose; possible dietary or baseline mannitol, or a unit, dose or volume error",
            Flag::ImplausibleUrineVolume => "urine volume is zero although concentrations were reported; recoveries cannot be right",
            Flag::LowUrineVolume => "urine volume is below the volume at which L:M ratios and mannitol recovery were shown to shift in adults over a 5–6 h collection",
            Flag::NearBoundary => "the value lies within conversion or rounding distance of a band bound, so its class could flip with rounding or a different conversion factor",
            Flag::ProtocolMismatch => "the reference range was chosen explicitly but was established under a different protocol (dose, window, age or sex); its class is shown but is not directly comparable",
            Flag::AgeOutsideReference => "the age is outside every age band of the z-score reference table, so no z-score is given: a reference is never extrapolated beyond the ages it was derived from",
            Flag::BelowDetectionLimit => "a result was reported below the assay's detection or quantification limit; it is treated as censored (not zero), and results that depend on it are bounds or left empty",
            Flag::VitaminDAbove125NmolL => "25(OH)D above 125 nmol/L (50 ng/mL), where the IOM sees potential reason for concern about adverse effects",
            Flag::VitaminDToxicityRange => "25(OH)D above 375 nmol/L (150 ng/mL), the range described as the hallmark of vitamin D toxicity; read it beside serum calcium, not on its own",
            Flag::Hp11ZonulinReported => "the person is haptoglobin 1-1, who cannot make pre-haptoglobin-2 (zonulin); a measured 'zonulin' value therefore reflects cross-reacting proteins",
            Flag::BaselineSugarDetected => "the sugar was measured above the detection limit in baseline (pre-dose) urine, e.g. dietary mannitol; the recovery includes it unless --subtract-baseline is given, and subtraction assumes the background stayed constant",
        }
    }

    /// Where the rule comes from.
    pub fn source(self) -> &'static str {
        match self {
            Flag::LactuloseExceedsMannitol => "science.md §5 (engineering rule [U]); healthy FE ratios 0.01–0.05 from §4.2 [V]",
            Flag::RecoveryOver100 => "science.md §0.5 and §5: impossible for an oral probe",
            Flag::LowMannitolRecovery | Flag::HighMannitolRecovery => "band from range file mannitol-recovery-healthy-adults-oral (Scand J Gastroenterol, scilit b73a4941…: 8.0–39.6 % of the ingested amount) [V]; applied as a soft flag for adults only",
            Flag::ImplausibleUrineVolume => "logic: a recovery needs urine; no validated urine-volume sanity range exists (science.md §5, §8 item 8)",
            Flag::LowUrineVolume => "range file urine-volume-adult-5-6h (Clin Lab 2011;57:909-918: LMR 0.02 ± 0.02 at ≥500 mL vs 0.04 ± 0.04 at <500 mL) [V]",
            Flag::NearBoundary => "science.md B1: flag results within conversion rounding (about 0.2 %) of a boundary; tolerance per range file",
            Flag::ProtocolMismatch => "science.md §0.2 and §4: cut-offs are specific to protocol and population",
            Flag::AgeOutsideReference => "science.md §4.3 and §0.7: z-scores are age- and sex-specific (MAL-ED, Kosek 2017 [V]); issue 6: ages outside the table are not extrapolated",
            Flag::BelowDetectionLimit => "science.md §0.6 and §5: censored values are never zero and never silently replaced by the limit",
            Flag::VitaminDAbove125NmolL => "range file iom-2011: \"There may be reason for concern at serum 25OHD levels above 125 nmol/L (50 ng/mL)\" (IOM 2011 report brief p.14) [V]",
            Flag::VitaminDToxicityRange => "range file vitamin-d-toxicity: Marcinowska-Suchowierska et al., Front Endocrinol 2018;9:550, doi:10.3389/fendo.2018.00550 [V]; Dudenkov et al., Mayo Clin Proc 2015 [V]",
            Flag::Hp11ZonulinReported => "inference from Vanuytsel 2013 (doi:10.4161/tisb.27321) and Scheffler 2018 (doi:10.3389/fendo.2018.00022), both [V]",
            Flag::BaselineSugarDetected => "Khoshbin 2021: baseline sugars >3-fold above the LLOQ for 12C-mannitol in all participants [V]; Grover 2016 (13C-mannitol ~20-fold lower baseline) [V]; science.md §3, §5",
        }
    }

    /// Looks a code up.
    pub fn from_code(code: &str) -> Option<Flag> {
        Flag::ALL.iter().copied().find(|f| f.code() == code)
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
