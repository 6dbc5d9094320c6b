//! Quality flags: coded warnings about one result (the measurement may be wrong, or the reference
//! may not fit), each with a one-line explanation and its source.
//!
//! Codes are stable snake_case strings that scripts match on; see `lmr caveats` for the list.
//!
//! ```
//! use lmr::flag::Flag;
//!
//! let f = Flag::from_code("recovery_over_100").unwrap();
//! assert_eq!(f, Flag::RecoveryOver100);
//! assert!(f.explanation().contains("physically impossible"));
//! ```

use std::fmt;

/// A quality flag.
///
/// Printed as its code.
///
/// ```
/// assert_eq!(lmr::flag::Flag::NearBoundary.to_string(), "near_boundary");
/// ```
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
    /// 25(OH)D above 150 ng/mL (375 nmol/L).
    VitaminDToxicityRange,
    /// A zonulin value reported for a haptoglobin 1-1 person.
    Hp11ZonulinReported,
    /// A probe sugar measured above the detection limit in baseline (pre-dose) urine.
    BaselineSugarDetected,
    /// An adult quality band was not applied because the age or collection window is unknown.
    QualityBandNotChecked,
    /// NSAIDs or aspirin taken before the test.
    PretestNsaid,
    /// Alcohol taken before the test.
    PretestAlcohol,
    /// An osmotic laxative taken before the test.
    PretestLaxative,
    /// Oral corticosteroids taken before the test.
    PretestSteroid,
    /// Diarrhoea shortly before the test.
    RecentDiarrhoea,
    /// Glucose in the urine (glycosuria, e.g. diabetes).
    Glycosuria,
    /// eGFR below 60 mL/min/1.73 m² (reduced renal function).
    ReducedRenalFunction,
}

impl Flag {
    /// Every flag, in report order.
    ///
    /// ```
    /// use lmr::flag::Flag;
    ///
    /// assert_eq!(Flag::ALL.first(), Some(&Flag::LactuloseExceedsMannitol));
    /// // every code reads back as its flag
    /// assert!(Flag::ALL.iter().all(|f| Flag::from_code(f.code()) == Some(*f)));
    /// ```
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
        Flag::QualityBandNotChecked,
        Flag::PretestNsaid,
        Flag::PretestAlcohol,
        Flag::PretestLaxative,
        Flag::PretestSteroid,
        Flag::RecentDiarrhoea,
        Flag::Glycosuria,
        Flag::ReducedRenalFunction,
    ];

    /// The stable code.
    ///
    /// ```
    /// assert_eq!(lmr::flag::Flag::LowUrineVolume.code(), "low_urine_volume");
    /// ```
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
            Flag::QualityBandNotChecked => "quality_band_not_checked",
            Flag::PretestNsaid => "pretest_nsaid",
            Flag::PretestAlcohol => "pretest_alcohol",
            Flag::PretestLaxative => "pretest_laxative",
            Flag::PretestSteroid => "pretest_steroid",
            Flag::RecentDiarrhoea => "recent_diarrhoea",
            Flag::Glycosuria => "glycosuria",
            Flag::ReducedRenalFunction => "reduced_renal_function",
        }
    }

    /// What the flag means, in one line.
    ///
    /// ```
    /// use lmr::flag::Flag;
    ///
    /// assert!(Flag::NearBoundary.explanation().starts_with("the value lies within conversion or rounding distance"));
    /// ```
    pub fn explanation(self) -> &'static str {
        match self {
            Flag::LactuloseExceedsMannitol => "lactulose recovery exceeds mannitol recovery (L:M ratio above 1); healthy adults and older children have ratios far below 1 (adult controls 0.0123 ± 0.0081), so past the first weeks of life check whether a concentration ratio was entered or a unit, dose or volume is wrong; in newborns a ratio above 1 is expected (1.27 ± 0.73 on day 1 of life), and MAL-ED infants at 3 months had site means of 0.10–0.17",
            Flag::RecoveryOver100 => "a recovery above 100 % of the oral dose is physically impossible: check the unit, the dose and the urine volume; the value is kept so the error is visible",
            Flag::LowMannitolRecovery => "mannitol recovery is below the 8.0–39.6 % seen in healthy volunteers after an oral dose (applied to adults with a stated collection window only); possible incomplete urine collection, dose not (fully) taken, or reduced absorptive surface",
            Flag::HighMannitolRecovery => "mannitol recovery is above the band seen in healthy adults after an oral dose; possible dietary or baseline mannitol, or a unit, dose or volume error",
            Flag::ImplausibleUrineVolume => "urine volume is zero although concentrations were reported; recoveries cannot be right",
            Flag::LowUrineVolume => "urine volume is below the volume at which L:M ratios and mannitol recovery were shown to shift in adults over a 5–6 h collection",
            Flag::NearBoundary => "the value lies within conversion or rounding distance of a band bound, so its class could flip with rounding or a different conversion factor",
            Flag::ProtocolMismatch => "the reference range was chosen explicitly but was established under a different protocol (dose, window, age or sex); its class is shown but is not directly comparable",
            Flag::AgeOutsideReference => "the age is outside every age band of the z-score reference table, so no z-score is given: a reference is never extrapolated beyond the ages it was derived from",
            Flag::BelowDetectionLimit => "a result was reported below the assay's detection or quantification limit; it is treated as censored (not zero), and results that depend on it are bounds or left empty",
            Flag::VitaminDAbove125NmolL => "25(OH)D above 125 nmol/L (50 ng/mL), where the IOM sees potential reason for concern about adverse effects",
            Flag::VitaminDToxicityRange => "25(OH)D higher than 150 ng/mL (375 nmol/L), the range described as the hallmark of vitamin D toxicity due to overdosing; read it beside serum calcium, not on its own",
            Flag::Hp11ZonulinReported => "the person is haptoglobin 1-1, who cannot make pre-haptoglobin-2 (zonulin); a measured 'zonulin' value therefore reflects cross-reacting proteins",
            Flag::BaselineSugarDetected => "the sugar was measured above the detection limit in baseline (pre-dose) urine, e.g. dietary mannitol; the recovery includes it unless --subtract-baseline is given, and subtraction assumes the background stayed constant",
            Flag::QualityBandNotChecked => "an adult quality band (mannitol recovery 8.0–39.6 %, urine volume < 500 mL over 5–6 h) was not applied because the age or the collection window is not given: its source covers adults only, so the row was not checked against it",
            Flag::PretestNsaid => "NSAIDs or aspirin were taken before the test: aspirin raised lactulose excretion and lowered mannitol and rhamnose excretion, raising the ratio",
            Flag::PretestAlcohol => "alcohol was taken before the test; permeability studies exclude alcohol intake beyond a safe limit, and lab preparations ask to avoid it the day before",
            Flag::PretestLaxative => "a laxative was taken before the test; lab preparations ask to avoid laxatives, and products containing sorbitol or mannitol may affect the results",
            Flag::PretestSteroid => "oral corticosteroids were taken before the test; permeability studies exclude their use within the previous 6 weeks",
            Flag::RecentDiarrhoea => "diarrhoea shortly before the test: acute gastroenteritis raised the L/R ratio about tenfold (0.43 ± 0.31 vs 0.045 ± 0.018 after recovery), and diarrhoea in the previous three days raised the odds of L:M ≥ 0.09 (adjusted odds ratio 4.00)",
            Flag::Glycosuria => "glucose in the urine (e.g. diabetes): a commercial lab declines the test with a fasting urine glucose above 105 mg/dL because it interferes with the measurement",
            Flag::ReducedRenalFunction => "eGFR below 60 mL/min/1.73 m² (KDIGO GFR categories G3a–G5, decreased GFR): the sugars reach the urine through the kidney, and labs state that accuracy depends on normal renal function",
        }
    }

    /// Where the rule comes from.
    ///
    /// ```
    /// use lmr::flag::Flag;
    ///
    /// assert!(Flag::LowUrineVolume.source().contains("Mattioli F et al., Clin Lab 2011"));
    /// ```
    pub fn source(self) -> &'static str {
        match self {
            Flag::LactuloseExceedsMannitol => "Dastych M et al., Dig Dis Sci 2008 (adult controls L/M 0.0123 ± 0.0081) [V]; Catassi C et al., J Pediatr Gastroenterol Nutr 1995;21(4):383–386, doi:10.1097/00005176-199511000-00003 (healthy term neonates: 1.27 ± 0.73 on day 1, 0.34 ± 0.36 on day 7, 0.22 ± 0.21 on day 30) [V]; Kosek MN et al., J Pediatr Gastroenterol Nutr 2017;65(1):31–39, doi:10.1097/MPG.0000000000001610 (MAL-ED boys at 3 months: L:M site means 0.10–0.17) [V]",
            Flag::RecoveryOver100 => "arithmetic: an oral probe cannot be excreted in a larger amount than was swallowed",
            Flag::LowMannitolRecovery | Flag::HighMannitolRecovery => "range file mannitol-recovery-healthy-adults-oral: Evaluation of mannitol for use as a probe marker of gastrointestinal permeability in man, Eur J Clin Invest 1982;12(6):485–491, doi:10.1111/j.1365-2362.1982.tb02230.x (\"Urinary recovery following oral loading was 8·0–39·6% of the ingested amount\"; the same abstract warns that urinary mannitol measurement \"may be subject to error\" because mannitol occurs naturally in urine) [V]",
            Flag::ImplausibleUrineVolume => "arithmetic: a recovery needs urine; no validated urine-volume sanity range was found in any source seen",
            Flag::LowUrineVolume => "range file urine-volume-adult-5-6h: Mattioli F et al., Clin Lab 2011;57:909–918 (LMR 0.02 ± 0.02 at ≥500 mL vs 0.04 ± 0.04 at <500 mL) [V]",
            Flag::NearBoundary => "arithmetic: 25(OH)D3 conversion factors in use differ by about 0.2 % (2.5 vs 2.496 nmol/L per ng/mL); tolerance per range file (near_boundary_relative)",
            Flag::ProtocolMismatch => "Sequeira IR et al., PLoS One 2014;9(6):e99256 (\"Variations between currently used test protocols preclude meaningful comparisons between studies\") [V]; Uil JJ et al., Dig Liver Dis 2000;32:195–200 (osmolarity changes sensitivity) [V]",
            Flag::AgeOutsideReference => "Kosek MN et al., J Pediatr Gastroenterol Nutr 2017;65(1):31–39, doi:10.1097/MPG.0000000000001610 (age- and sex-specific z-scores) [V]; a reference is not extrapolated beyond the ages it was derived from",
            Flag::BelowDetectionLimit => "censored-data practice: a value below a limit is an interval [0, limit), never zero and never the limit itself",
            Flag::VitaminDAbove125NmolL => "range file iom-2011: \"There may be reason for concern at serum 25OHD levels above 125 nmol/L (50 ng/mL)\" (IOM 2011 report brief p.14) [V]",
            Flag::VitaminDToxicityRange => "range file vitamin-d-toxicity: Marcinowska-Suchowierska E et al., Front Endocrinol 2018;9:550, doi:10.3389/fendo.2018.00550 (\"concentrations higher than 150 ng/ml (375 nmol/l) are the hallmark of VDT due to vitamin D overdosing\") [V]; Dudenkov DV et al., Mayo Clin Proc 2015 [V]",
            Flag::Hp11ZonulinReported => "inference from Vanuytsel T et al., Tissue Barriers 2013;1(5):e27321, doi:10.4161/tisb.27321 (zonulin is pre-haptoglobin-2) and Scheffler L et al., Front Endocrinol 2018;9:22, doi:10.3389/fendo.2018.00022, both [V]",
            Flag::BaselineSugarDetected => "Khoshbin K et al., Gastroenterology 2021;161:463–475.e13, doi:10.1053/j.gastro.2021.04.020 (baseline sugars >3-fold above the LLOQ: 12C-mannitol in all participants) [V]; Grover M et al., 2016, PMC4920698 (13C-mannitol ~20-fold lower baseline contamination) [V]",
            Flag::QualityBandNotChecked => "range files mannitol-recovery-healthy-adults-oral (Eur J Clin Invest 1982;12(6):485–491, healthy volunteers) and urine-volume-adult-5-6h (Mattioli F et al., Clin Lab 2011;57:909–918); a band applies only to the population, dose and window its source covers",
            Flag::PretestNsaid => "Sequeira IR et al., Clin Exp Pharmacol Physiol 2013 (PMID 24033480: after 600 mg aspirin \"the cumulative rate of excretion of the smaller sugars (i.e. mannitol and rhamnose) was significantly reduced whereas that of lactulose was increased\") [V]; Sequeira IR et al., PLoS One 2014;9(6):e99256 (\"Half-hourly lactulose excretions were generally increased after dosage with aspirin whilst those of mannitol were unchanged\") [V]; Mayo Clinic permeability studies exclude \"Use of NSAIDs or aspirin within the past week\" (NCT02098057) [V]",
            Flag::PretestAlcohol => "Mayo Clinic permeability study exclusion \"Alcohol intake beyond the recommended safe limit (<21 units per week)\" (mayo.edu study cls-20144022) [V]; lab preparation \"The Day Before the Test: Avoid: milk, alcohol, red meat, laxatives, anti-inflammatory drugs, aspirin\" (gamma.al intestinal permeability page) [V-sec]",
            Flag::PretestLaxative => "lab preparation \"Avoid: … laxatives …\" the day before (gamma.al intestinal permeability page) [V-sec]; Genova kit instructions: \"drugs that contain sorbitol and/or mannitol – may affect your test results\" (walkinlab.com) [V-sec]",
            Flag::PretestSteroid => "Mayo Clinic permeability studies exclude \"Use of oral corticosteroids within the previous 6 weeks\" (NCT02098057; mayo.edu cls-20144022) [V]",
            Flag::RecentDiarrhoea => "Intestinal sugar permeability: relationship to diarrhoeal disease and small bowel morphology, J Pediatr Gastroenterol Nutr 1985;4(4):568–574 (PubMed 4032170) [V]; Hossain MI et al., PLoS One 2016;11(12):e0164447 (diarrhoea within the previous three days, AOR 4.00) [V]",
            Flag::Glycosuria => "Genova Intestinal Permeability kit instructions: \"We CANNOT perform this test on diabetics with >105mg/dl fasting urine glucose concentration\" (walkinlab.com) [V-sec]",
            Flag::ReducedRenalFunction => "KDIGO 2012 Clinical Practice Guideline for the Evaluation and Management of CKD, Kidney Int Suppl 2013;3:19–62, doi:10.1038/kisup.2012.64 (GFR categories; \"Decreased GFR; GFR <60 mL/min/1.73 m2 (GFR categories G3a–G5)\", as reproduced in J Intensive Care 2016, doi:10.1186/s40560-016-0146-3, Table 2) [V-sec]; BioHealth Laboratory: \"the accuracy of the results is dependent on … normal renal function\" [V-sec]",
        }
    }

    /// Looks a code up (exact).
    ///
    /// ```
    /// use lmr::flag::Flag;
    ///
    /// assert_eq!(Flag::from_code("glycosuria"), Some(Flag::Glycosuria));
    /// assert_eq!(Flag::from_code("Glycosuria"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Flag> {
        Flag::ALL.iter().copied().find(|f| f.code() == code)
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
