//! Caveats: coded statements about what a result can and cannot tell, each with its text and
//! source. Every result carries the caveats that apply; no text names a syndrome or a disease as
//! the person's.
//!
//! Lean codes: the general points that hold for every result of an analyte are gathered into one
//! **standing** code per interpreted analyte ([`Caveat::SugarTestGeneral`],
//! [`Caveat::VitaminDGeneral`], [`Caveat::ZonulinGeneral`]), whose text and sources are those of
//! its parts ([`Caveat::parts`]); the other codes are row-specific. A part is never written in a
//! row: [`Caveat::merged_into`] names its standing code, which stands for it, and `lmr caveats
//! CODE` still prints it.
//!
//! ```
//! use lmr::caveat::Caveat;
//! let c = Caveat::from_code("lm_ratio_not_diagnostic").unwrap();
//! assert_eq!(c.merged_into(), Some(Caveat::SugarTestGeneral));
//! assert!(Caveat::SugarTestGeneral.text().contains(c.text()));
//! assert!(Caveat::CODES.contains(&Caveat::NoMatchingRange));
//! assert!(!Caveat::CODES.contains(&c));
//! ```

use std::fmt;
use std::sync::OnceLock;

/// A caveat.
///
/// Printed as its code.
///
/// ```
/// use lmr::caveat::Caveat;
///
/// assert_eq!(Caveat::ZonulinGeneral.to_string(), "zonulin_general");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Caveat {
    /// Standing: the general points of every sugar-absorption test result (its [`Caveat::parts`]).
    SugarTestGeneral,
    /// Standing: the general points of every 25(OH)D result.
    VitaminDGeneral,
    /// Standing: the general points of every zonulin result.
    ZonulinGeneral,
    /// The L:M ratio is a research measurement, not a diagnosis.
    LmRatioNotDiagnostic,
    /// The ratio reported is of fractional excretions, not concentrations.
    RatioOfFractionalExcretions,
    /// No reference range matched the sample's protocol.
    NoMatchingRange,
    /// Protocols are not standardised; values are protocol-specific.
    ProtocolsNotStandardised,
    /// Recoveries vary widely between people; read them beside the ratio.
    HighBetweenPersonVariation,
    /// The range's source does not state its whole protocol.
    ProtocolNotFullyStated,
    /// The range comes from a secondary source.
    SecondarySource,
    /// The range was derived from the user's own reference group.
    LocalReferenceInterval,
    /// Total 25(OH)D was converted with the D3 molar mass.
    VitaminDTotalConvertedAsD3,
    /// 25(OH)D assays vary; standardisation (VDSP).
    VitaminDAssayVariation,
    /// Guidelines disagree on vitamin D thresholds; the Endocrine Society 2024 endorses none.
    VitaminDThresholdsDisputed,
    /// A vitamin D result says nothing about intestinal permeability.
    VitaminDNotPermeability,
    /// Commercial zonulin ELISAs do not detect pre-haptoglobin-2.
    ZonulinAssayNotPrehaptoglobin2,
    /// Zonulin does not agree with sugar-absorption tests.
    ZonulinNoAgreementWithSugarTests,
    /// Zonulin kits are not standardised.
    ZonulinNotStandardised,
    /// No guideline validates zonulin as a diagnostic test.
    ZonulinNotValidated,
    /// No zonulin range was chosen.
    ZonulinNoRangeChosen,
    /// Conditions known to change sugar-test results (renal function, bacteria, drugs, diet, …).
    SugarTestInterferences,
    /// Several ranges matched the sample's protocol; the result names the one used.
    SeveralRangesMatched,
    /// A ratio computed from concentrations and the dose ratio: recoveries unknown.
    RatioWithoutRecoveries,
}

impl Caveat {
    /// Every caveat: the codes written in rows ([`Caveat::CODES`]) and the parts of the standing
    /// codes.
    ///
    /// ```
    /// use lmr::caveat::Caveat;
    ///
    /// // each caveat is a row code or the part of exactly one standing code, never both
    /// for c in Caveat::ALL {
    ///     assert!(Caveat::CODES.contains(c) != c.merged_into().is_some(), "{c}");
    /// }
    /// ```
    pub const ALL: &'static [Caveat] = &[
        Caveat::SugarTestGeneral,
        Caveat::VitaminDGeneral,
        Caveat::ZonulinGeneral,
        Caveat::LmRatioNotDiagnostic,
        Caveat::RatioOfFractionalExcretions,
        Caveat::NoMatchingRange,
        Caveat::ProtocolsNotStandardised,
        Caveat::HighBetweenPersonVariation,
        Caveat::ProtocolNotFullyStated,
        Caveat::SecondarySource,
        Caveat::LocalReferenceInterval,
        Caveat::VitaminDTotalConvertedAsD3,
        Caveat::VitaminDAssayVariation,
        Caveat::VitaminDThresholdsDisputed,
        Caveat::VitaminDNotPermeability,
        Caveat::ZonulinAssayNotPrehaptoglobin2,
        Caveat::ZonulinNoAgreementWithSugarTests,
        Caveat::ZonulinNotStandardised,
        Caveat::ZonulinNotValidated,
        Caveat::ZonulinNoRangeChosen,
        Caveat::SugarTestInterferences,
        Caveat::SeveralRangesMatched,
        Caveat::RatioWithoutRecoveries,
    ];

    /// The codes a row's `caveats` can hold: the standing codes, then the row-specific ones.
    ///
    /// ```
    /// use lmr::caveat::Caveat;
    ///
    /// assert_eq!(&Caveat::CODES[..3], &[Caveat::SugarTestGeneral, Caveat::VitaminDGeneral, Caveat::ZonulinGeneral]);
    /// assert!(!Caveat::CODES.contains(&Caveat::VitaminDAssayVariation)); // a part, not written
    /// ```
    pub const CODES: &'static [Caveat] = &[
        Caveat::SugarTestGeneral,
        Caveat::VitaminDGeneral,
        Caveat::ZonulinGeneral,
        Caveat::NoMatchingRange,
        Caveat::ProtocolNotFullyStated,
        Caveat::SecondarySource,
        Caveat::LocalReferenceInterval,
        Caveat::VitaminDTotalConvertedAsD3,
        Caveat::ZonulinNoRangeChosen,
        Caveat::SeveralRangesMatched,
        Caveat::RatioWithoutRecoveries,
    ];

    /// The parts a standing code gathers, in the order its text gives them (empty for others).
    ///
    /// ```
    /// use lmr::caveat::Caveat;
    ///
    /// assert_eq!(
    ///     Caveat::VitaminDGeneral.parts(),
    ///     &[Caveat::VitaminDAssayVariation, Caveat::VitaminDThresholdsDisputed, Caveat::VitaminDNotPermeability]
    /// );
    /// assert!(Caveat::NoMatchingRange.parts().is_empty());
    /// ```
    pub fn parts(self) -> &'static [Caveat] {
        match self {
            Caveat::SugarTestGeneral => &[
                Caveat::LmRatioNotDiagnostic,
                Caveat::ProtocolsNotStandardised,
                Caveat::HighBetweenPersonVariation,
                Caveat::RatioOfFractionalExcretions,
                Caveat::SugarTestInterferences,
            ],
            Caveat::VitaminDGeneral => &[
                Caveat::VitaminDAssayVariation,
                Caveat::VitaminDThresholdsDisputed,
                Caveat::VitaminDNotPermeability,
            ],
            Caveat::ZonulinGeneral => &[
                Caveat::ZonulinAssayNotPrehaptoglobin2,
                Caveat::ZonulinNotStandardised,
                Caveat::ZonulinNotValidated,
                Caveat::ZonulinNoAgreementWithSugarTests,
            ],
            _ => &[],
        }
    }

    /// The standing code that stands for this part in rows (`None`: the code is written itself).
    ///
    /// ```
    /// use lmr::caveat::Caveat;
    ///
    /// assert_eq!(Caveat::ZonulinNotValidated.merged_into(), Some(Caveat::ZonulinGeneral));
    /// assert_eq!(Caveat::SecondarySource.merged_into(), None);
    /// ```
    pub fn merged_into(self) -> Option<Caveat> {
        [
            Caveat::SugarTestGeneral,
            Caveat::VitaminDGeneral,
            Caveat::ZonulinGeneral,
        ]
        .into_iter()
        .find(|s| s.parts().contains(&self))
    }

    /// One line for run summaries (`lmr batch`'s stderr): the gist, not the whole text.
    ///
    /// ```
    /// use lmr::caveat::Caveat;
    ///
    /// // a row-specific code's summary is its text's first sentence
    /// assert_eq!(
    ///     Caveat::SecondarySource.summary(),
    ///     "The chosen range was seen only in a secondary source (a review, summary or lab page), not in the original publication"
    /// );
    /// assert!(Caveat::SugarTestGeneral.summary().len() < Caveat::SugarTestGeneral.text().len());
    /// ```
    pub fn summary(self) -> &'static str {
        match self {
            Caveat::SugarTestGeneral => "the sugar test is a research measurement, not a diagnosis; protocols are not standardised; recoveries vary widely between people; kidneys, gut bacteria, drugs and diet change results; lm_ratio is a ratio of fractional excretions",
            Caveat::VitaminDGeneral => "25(OH)D results vary between assays and labs; guidelines disagree on thresholds; vitamin D says nothing about permeability",
            Caveat::ZonulinGeneral => "commercial 'zonulin' kits do not detect pre-haptoglobin-2, are not standardised or validated as a diagnostic test, and have not agreed with sugar tests",
            other => first_sentence(other.text()),
        }
    }

    /// The stable code.
    ///
    /// ```
    /// assert_eq!(lmr::caveat::Caveat::NoMatchingRange.code(), "no_matching_range");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Caveat::SugarTestGeneral => "sugar_test_general",
            Caveat::VitaminDGeneral => "vitamin_d_general",
            Caveat::ZonulinGeneral => "zonulin_general",
            Caveat::LmRatioNotDiagnostic => "lm_ratio_not_diagnostic",
            Caveat::RatioOfFractionalExcretions => "ratio_of_fractional_excretions",
            Caveat::NoMatchingRange => "no_matching_range",
            Caveat::ProtocolsNotStandardised => "protocols_not_standardised",
            Caveat::HighBetweenPersonVariation => "high_between_person_variation",
            Caveat::ProtocolNotFullyStated => "protocol_not_fully_stated",
            Caveat::SecondarySource => "secondary_source",
            Caveat::LocalReferenceInterval => "local_reference_interval",
            Caveat::VitaminDTotalConvertedAsD3 => "vitamin_d_total_converted_as_d3",
            Caveat::VitaminDAssayVariation => "vitamin_d_assay_variation",
            Caveat::VitaminDThresholdsDisputed => "vitamin_d_thresholds_disputed",
            Caveat::VitaminDNotPermeability => "vitamin_d_not_permeability",
            Caveat::ZonulinAssayNotPrehaptoglobin2 => "zonulin_assay_not_prehaptoglobin2",
            Caveat::ZonulinNoAgreementWithSugarTests => "zonulin_no_agreement_with_sugar_tests",
            Caveat::ZonulinNotStandardised => "zonulin_not_standardised",
            Caveat::ZonulinNotValidated => "zonulin_not_validated",
            Caveat::ZonulinNoRangeChosen => "zonulin_no_range_chosen",
            Caveat::SugarTestInterferences => "sugar_test_interferences",
            Caveat::SeveralRangesMatched => "several_ranges_matched",
            Caveat::RatioWithoutRecoveries => "ratio_without_recoveries",
        }
    }

    /// The caveat's text (a standing code's: its parts' texts, in order).
    ///
    /// ```
    /// use lmr::caveat::Caveat;
    ///
    /// let standing = Caveat::ZonulinGeneral.text();
    /// let first = Caveat::ZonulinAssayNotPrehaptoglobin2.text();
    /// assert!(standing.starts_with(first));
    /// assert!(standing.ends_with(Caveat::ZonulinNoAgreementWithSugarTests.text()));
    /// ```
    pub fn text(self) -> &'static str {
        match self {
            Caveat::SugarTestGeneral | Caveat::VitaminDGeneral | Caveat::ZonulinGeneral => {
                &gathered(self).0
            }
            Caveat::LmRatioNotDiagnostic => "The lactulose:mannitol ratio measures intestinal permeability under one test protocol; it is not a diagnosis. \"Leaky gut syndrome\" is not an accepted medical diagnosis and no validated test exists to make it.",
            Caveat::RatioOfFractionalExcretions => "lm_ratio is the ratio of fractional excretions (lactulose recovery % ÷ mannitol recovery %), not of urine concentrations; a concentration ratio differs by the dose ratio (× 5 under 5 g/1 g).",
            Caveat::NoMatchingRange => "No shipped or loaded reference range was established under this sample's protocol (doses, collection window, age), so the ratio is not classified. Published L:M cut-offs are protocol- and population-specific; no verified range exists for the common adult 5 g/1 g, 5–6 h protocol. Name a range with --lm-range to compare anyway, or establish your own.",
            Caveat::ProtocolsNotStandardised => "Sugar-absorption tests are not standardised: dose, osmolarity, collection window and assay change the results, so values from different protocols or labs are not comparable.",
            Caveat::HighBetweenPersonVariation => "Recoveries vary widely between healthy people (median interindividual CV 76.5 %); read the recoveries beside the ratio, never the ratio alone.",
            Caveat::ProtocolNotFullyStated => "The chosen range's source does not state its whole protocol; the parts it leaves out could not be checked against this sample.",
            Caveat::SecondarySource => "The chosen range was seen only in a secondary source (a review, summary or lab page), not in the original publication.",
            Caveat::LocalReferenceInterval => "The chosen range was derived from a local reference group (lmr reference-interval); it applies only to that lab's protocol, assay and population, with the uncertainty its own n and confidence intervals state.",
            Caveat::VitaminDTotalConvertedAsD3 => "Total 25(OH)D was converted between ng/mL and nmol/L with the molar mass of 25(OH)D3 (400.64 g/mol, × 2.496); for 25(OH)D2 the factor is 2.423.",
            Caveat::VitaminDAssayVariation => "25(OH)D results vary between assays and laboratories (high inter-assay and inter-laboratory variation); standardising measurement, e.g. through the Vitamin D Standardization Program (VDSP), is advised, so compare results from different assays or labs with care.",
            Caveat::VitaminDThresholdsDisputed => "Guidelines disagree on 25(OH)D thresholds. The Endocrine Society (2024) no longer endorses its earlier sufficiency/insufficiency definitions, finds that trial evidence does not establish thresholds that predict benefit, and suggests against routine testing without established indications.",
            Caveat::VitaminDNotPermeability => "Laboratory and animal studies link vitamin D signalling to tight-junction proteins, but human trial evidence that vitamin D status changes intestinal permeability is limited and inconsistent: a vitamin D result says nothing about this person's permeability.",
            Caveat::ZonulinAssayNotPrehaptoglobin2 => "Commercial 'zonulin' ELISAs were shown not to detect pre-haptoglobin-2 (zonulin): the assays by CUSABIO (Wuhan, China; top matches haptoglobin and complement C3) and Immundiagnostik AG (Bensheim, Germany; top match complement C3), and a widely used commercial kit that recognised properdin. The value is zonulin-family-peptide immunoreactivity, not zonulin.",
            Caveat::ZonulinNoAgreementWithSugarTests => "In 34 healthy adults, serum 'zonulin' measured by ELISA did not correlate with the urinary lactulose:rhamnose ratio (r = −0.016); one small pilot study, so agreement with sugar-absorption tests is unproven, not disproven.",
            Caveat::ZonulinNotStandardised => "Zonulin kits use different antibodies, with no reference material or traceability; values from different kits or labs are not comparable, and serum and stool values are never interchangeable.",
            Caveat::ZonulinNotValidated => "No guideline validates zonulin as a diagnostic test; it is never combined with the L:M ratio into a score.",
            Caveat::ZonulinNoRangeChosen => "lmr ships no 'normal' zonulin range; name a lab's range with --zonulin-range to compare the value with that lab's cut-off.",
            Caveat::SugarTestInterferences => "Sugar-test results change with: reduced renal function (the sugars reach the urine through the kidney); bacterial fermentation of the sugars (small-intestinal bacterial overgrowth; colonic bacteria ferment lactulose and mannitol); NSAIDs or aspirin before the test (lactulose excretion rises, mannitol and rhamnose fall); alcohol, laxatives, oral corticosteroids, and dietary sugar alcohols or artificial sweeteners before the test (studies exclude NSAIDs/aspirin for 1 week, oral corticosteroids for 6 weeks, sweeteners, lactulose and mannitol for 2 days); diabetes with glycosuria (one lab declines fasting urine glucose above 105 mg/dL); and recent diarrhoea (raised ratios). Record them (pretest_* columns, glycosuria, recent_diarrhoea, egfr) so lmr can flag them.",
            Caveat::RatioWithoutRecoveries => "The ratio was computed from the urine concentrations and the dose ratio alone: the urine volume (and, for a single drink, the volume drunk) cancels out of a ratio of fractional excretions, (C_L·V/D_L) ÷ (C_M·V/D_M) = (C_L/C_M) × (D_M/D_L). The recoveries (percent of each dose excreted) are unknown, so the recovery-based checks (mannitol recovery band, recovery over 100 %, lactulose recovery above mannitol's) were not made.",
            Caveat::SeveralRangesMatched => "More than one reference range matched this sample's protocol; the class is from the range named in the result (a user's range takes precedence over a built-in one for the same protocol, then the first by id). The others were not used.",
        }
    }

    /// Where it comes from (a standing code's: its parts' sources, `|`-separated, in order).
    ///
    /// ```
    /// use lmr::caveat::Caveat;
    ///
    /// assert!(Caveat::HighBetweenPersonVariation.source().contains("doi:10.1053/j.gastro.2021.04.020"));
    /// // three parts, three sources
    /// assert_eq!(Caveat::VitaminDGeneral.source().split(" | ").count(), 3);
    /// ```
    pub fn source(self) -> &'static str {
        match self {
            Caveat::SugarTestGeneral | Caveat::VitaminDGeneral | Caveat::ZonulinGeneral => {
                &gathered(self).1
            }
            Caveat::LmRatioNotDiagnostic => "Lacy BE, Wise JL, Cangemi DJ. Leaky Gut Syndrome: Myths and Management. Gastroenterol Hepatol (N Y) 2024;20(5) (PMC11345991) [V]; Cleveland Clinic, Leaky Gut Syndrome [V]",
            Caveat::RatioOfFractionalExcretions => "Catassi C et al., Gut 1997;40:215 (\"urinary L%/M% ratio\") [V]; EFO:0011032 \"fractional excretion of lactulose to mannitol ratio\" [V]",
            Caveat::NoMatchingRange => "J Transl Med 2023, doi:10.1186/s12967-023-04091-w (\"Normal range in healthy individuals still require to be established\") [V]; Sequeira IR et al., PLoS One 2014;9(6):e99256 (\"Variations between currently used test protocols preclude meaningful comparisons between studies\") [V]",
            Caveat::ProtocolsNotStandardised => "Sequeira IR, Lentle RG, Kruger MC, Hurst RD. Standardising the lactulose mannitol test of gut permeability to minimise error and promote comparability. PLoS One 2014;9(6):e99256 [V]; Lee GO et al. 2014 (HPLC-PAD vs LC-MS/MS) [V]; Uil JJ et al., Dig Liver Dis 2000;32:195–200 [V]",
            Caveat::HighBetweenPersonVariation => "Khoshbin K et al., Gastroenterology 2021;161:463-475.e13, doi:10.1053/j.gastro.2021.04.020 (\"Median COVinter was 76.5%\") [V]",
            Caveat::ProtocolNotFullyStated => "the range file's applies_to.unstated list, taken from what its source does (not) state",
            Caveat::SecondarySource => "the range file's source.status = \"secondary\" (seen only in a review, summary or lab page)",
            Caveat::LocalReferenceInterval => "CLSI EP28-A3c (labs establish or verify their own reference intervals); the range file written by lmr reference-interval",
            Caveat::VitaminDTotalConvertedAsD3 => "molar masses from standard atomic weights: 25(OH)D3 C27H44O2 400.64 g/mol, 25(OH)D2 C28H44O2 412.66 g/mol",
            Caveat::VitaminDAssayVariation => "SACN, Vitamin D and Health (2016) para 6.375 (\"high inter-assay and inter-laboratory variation\") [V]; Lips P et al. (ECTS), Eur J Endocrinol 2019;180(4):P23-P54, doi:10.1530/EJE-18-0736 (standardise measurement, e.g. VDSP) [V]",
            Caveat::VitaminDThresholdsDisputed => "Demay MB et al., J Clin Endocrinol Metab 2024;109(8):1907-1947, doi:10.1210/clinem/dgae290 [V]; McCartney CR et al., J Clin Endocrinol Metab 2024;109(8):1948-1954 [V]",
            Caveat::VitaminDNotPermeability => "Sun J, Zhang YG, Cells 2022;11(7):1129, doi:10.3390/cells11071129 [V]; Cancer Prev Res 2021;14(3):393 [V]; Endocrine Society 2024 (Demay MB et al., doi:10.1210/clinem/dgae290) [V]",
            Caveat::ZonulinAssayNotPrehaptoglobin2 => "Ajamian M, Steer D, Rosella G, Gibson PR. Serum zonulin as a marker of intestinal mucosal barrier function: May not be what it seems. PLoS One 2019;14(1):e0210728, doi:10.1371/journal.pone.0210728 (CUSABIO and Immundiagnostik AG assays) [V]; Scheffler L et al., Front Endocrinol 2018;9:22, doi:10.3389/fendo.2018.00022 (a widely used commercial ELISA; kit not named in the abstract) [V]",
            Caveat::ZonulinNoAgreementWithSugarTests => "Tatucu-Babet OA, Forsyth A, Owen E, et al. Serum zonulin measured by enzyme-linked immunosorbent assay may not be a reliable marker of small intestinal permeability in healthy adults. Nutr Res 2020 (June):82–92 (\"No correlation was observed between the lactulose-rhamnose ratio and zonulin (r = -.016, P =.929)\") [V]. Power N et al., Front Physiol 2021;12:645303, doi:10.3389/fphys.2021.645303 is titled on zonulin but its abstract reports ZO-1 and I-FABP against the L:M ratio, so it is not cited for zonulin",
            Caveat::ZonulinNotStandardised => "GANZIMMUN (renamed its serum test 'Zonulin-Familien-Peptide im Serum' because the ELISAs also detect other proteins) [V]; Enterosan (\"nur als grobe Orientierung\") [V]; no reference material or external quality scheme for zonulin was found in any source seen",
            Caveat::ZonulinNotValidated => "Lacy BE et al., Gastroenterol Hepatol (N Y) 2024;20(5) (PMC11345991): \"no validated test currently exists to make this diagnosis\" [V]",
            Caveat::ZonulinNoRangeChosen => "the zonulin range files under reference-ranges/zonulin/ are single labs' or studies' limits, each tied to its matrix, unit and kit; none is a validated cut-off",
            Caveat::SugarTestInterferences => "renal function: BioHealth Laboratory (\"accuracy of the results is dependent on … normal renal function\") [V-sec]; bacteria: \"If SIBO is present, the bacteria may ferment the lactulose, causing a false negative\" (alisonvickery.com.au test page) [V-sec], \"75% of lactulose and mannitol are fermented by colonic bacteria\" (Rush protocol, pubcompare.ai) [V-sec], stool cultures degraded mannitol (Eur J Clin Invest 1982;12(6):485–491) [V]; NSAIDs/aspirin: Sequeira IR et al., Clin Exp Pharmacol Physiol 2013 (PMID 24033480) and PLoS One 2014;9(6):e99256 [V]; exclusion windows: Mayo Clinic permeability studies (NCT02098057; mayo.edu cls-20144022): NSAIDs or aspirin within the past week, oral corticosteroids within 6 weeks, sucralose, aspartame, lactulose or mannitol 2 days before, alcohol beyond <21 units per week [V]; laxatives and alcohol the day before (gamma.al) [V-sec]; sorbitol/xylitol and sorbitol- or mannitol-containing drugs (Genova kit, walkinlab.com) [V-sec]; glycosuria: Genova kit \"We CANNOT perform this test on diabetics with >105mg/dl fasting urine glucose concentration\" [V-sec]; diarrhoea: J Pediatr Gastroenterol Nutr 1985;4(4):568–574 [V], Hossain MI et al., PLoS One 2016;11(12):e0164447 [V]",
            Caveat::RatioWithoutRecoveries => "algebra of the recovery formula (recovery % = C × V ÷ D × 100; WASH Benefits Bangladesh EED analysis code, washb-eed-substudies/ee-secondary, EE-BD-urine-ipcw.R) [V-sec]: V is common to both sugars of one collection, and D_L/D_M = S_L/S_M for one drink of solution strengths S",
            Caveat::SeveralRangesMatched => "lmr's selection rule (docs/range-format.md): a range file in --ranges-dir replaces or joins the built-in ones; cut-offs are specific to protocol and population (Sequeira 2014) [V]",
        }
    }

    /// Looks a code up (exact; a part's code is found too, for `lmr caveats CODE`).
    ///
    /// ```
    /// use lmr::caveat::Caveat;
    ///
    /// assert_eq!(Caveat::from_code("secondary_source"), Some(Caveat::SecondarySource));
    /// assert_eq!(Caveat::from_code("leaky_gut"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Caveat> {
        Caveat::ALL.iter().copied().find(|c| c.code() == code)
    }
}

/// A standing code's text and sources, gathered once from its parts.
fn gathered(standing: Caveat) -> &'static (String, String) {
    static GATHERED: OnceLock<Vec<(Caveat, (String, String))>> = OnceLock::new();
    static EMPTY: (String, String) = (String::new(), String::new());
    let all = GATHERED.get_or_init(|| {
        Caveat::CODES
            .iter()
            .filter(|c| !c.parts().is_empty())
            .map(|&c| {
                let parts = c.parts();
                let text = parts.iter().map(|p| p.text()).collect::<Vec<_>>().join(" ");
                let source = parts
                    .iter()
                    .map(|p| p.source())
                    .collect::<Vec<_>>()
                    .join(" | ");
                (c, (text, source))
            })
            .collect()
    });
    all.iter()
        .find(|(c, _)| *c == standing)
        .map_or(&EMPTY, |(_, t)| t)
}

/// The first sentence of a text (up to the first `. ` or `: `), for one-line summaries.
fn first_sentence(text: &str) -> &str {
    let end = [". ", ": "]
        .iter()
        .filter_map(|sep| text.find(sep))
        .min()
        .unwrap_or(text.len());
    text[..end].trim_end_matches('.')
}

impl fmt::Display for Caveat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
