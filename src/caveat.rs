//! Caveats: coded statements about what a result can and cannot tell, each with its text and
//! source. Every result carries the caveats that apply; no text names a syndrome or a disease as
//! the person's.

use std::fmt;

/// A caveat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Caveat {
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
}

impl Caveat {
    /// Every caveat.
    pub const ALL: &'static [Caveat] = &[
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
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
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
        }
    }

    /// The caveat's text.
    pub fn text(self) -> &'static str {
        match self {
            Caveat::LmRatioNotDiagnostic => "The lactulose:mannitol ratio measures intestinal permeability under one test protocol; it is not a diagnosis. \"Leaky gut syndrome\" is not an accepted medical diagnosis and no validated test exists to make it.",
            Caveat::RatioOfFractionalExcretions => "lm_ratio is the ratio of fractional excretions (lactulose recovery % ÷ mannitol recovery %), not of urine concentrations; a concentration ratio differs by the dose ratio (× 5 under 5 g/1 g).",
            Caveat::NoMatchingRange => "No shipped or loaded reference range was established under this sample's protocol (doses, collection window, age), so the ratio is not classified. Published L:M cut-offs are protocol- and population-specific; no verified range exists for the common adult 5 g/1 g, 5–6 h protocol. Name a range with --lm-range to compare anyway, or establish your own.",
            Caveat::ProtocolsNotStandardised => "Sugar-absorption tests are not standardised: dose, osmolarity, collection window and assay change the results, so values from different protocols or labs are not comparable.",
            Caveat::HighBetweenPersonVariation => "Recoveries vary widely between healthy people (median interindividual CV 76.5 %); read the recoveries beside the ratio, never the ratio alone.",
            Caveat::ProtocolNotFullyStated => "The chosen range's source does not state its whole protocol; the parts it leaves out could not be checked against this sample.",
            Caveat::SecondarySource => "The chosen range was seen only in a secondary source (a review, summary or lab page), not in the original publication.",
            Caveat::LocalReferenceInterval => "The chosen range was derived from a local reference group (lmr reference-interval); it applies only to that lab's protocol, assay and population, with the uncertainty its own n and confidence intervals state.",
            Caveat::VitaminDTotalConvertedAsD3 => "Total 25(OH)D was converted between ng/mL and nmol/L with the molar mass of 25(OH)D3 (400.64 g/mol, × 2.496); for 25(OH)D2 the factor is 2.423.",
            Caveat::VitaminDAssayVariation => "25(OH)D results vary between assays and laboratories; results are comparable only from assays standardised through the Vitamin D Standardization Program (VDSP).",
            Caveat::VitaminDThresholdsDisputed => "Guidelines disagree on 25(OH)D thresholds. The Endocrine Society (2024) no longer endorses its earlier sufficiency/insufficiency definitions, finds that trial evidence does not establish thresholds that predict benefit, and suggests against routine testing without established indications.",
            Caveat::VitaminDNotPermeability => "Laboratory and animal studies link vitamin D signalling to tight-junction proteins, but human trial evidence that vitamin D status changes intestinal permeability is limited and inconsistent: a vitamin D result says nothing about this person's permeability.",
            Caveat::ZonulinAssayNotPrehaptoglobin2 => "Commercial 'zonulin' ELISAs were shown not to detect pre-haptoglobin-2 (zonulin); they capture other proteins such as complement C3 or properdin. The value is zonulin-family-peptide immunoreactivity, not zonulin.",
            Caveat::ZonulinNoAgreementWithSugarTests => "Serum 'zonulin' measured by commercial kits has not agreed with sugar-absorption measures of intestinal permeability.",
            Caveat::ZonulinNotStandardised => "Zonulin kits use different antibodies, with no reference material or traceability; values from different kits or labs are not comparable, and serum and stool values are never interchangeable.",
            Caveat::ZonulinNotValidated => "No guideline validates zonulin as a diagnostic test; it is never combined with the L:M ratio into a score.",
            Caveat::ZonulinNoRangeChosen => "lmr ships no 'normal' zonulin range; name a lab's range with --zonulin-range to compare the value with that lab's cut-off.",
        }
    }

    /// Where it comes from.
    pub fn source(self) -> &'static str {
        match self {
            Caveat::LmRatioNotDiagnostic => "Lacy BE, Wise JL, Cangemi DJ. Leaky Gut Syndrome: Myths and Management. Gastroenterol Hepatol (N Y) 2024;20(5) (PMC11345991) [V]; Cleveland Clinic, Leaky Gut Syndrome [V]",
            Caveat::RatioOfFractionalExcretions => "Catassi et al., Gut 1997;40:215 (\"urinary L%/M% ratio\") [V]; EFO:0011032 [V]; science.md §2.2",
            Caveat::NoMatchingRange => "science.md §0.2, §4.1; J Transl Med 2023 doi:10.1186/s12967-023-04091-w (\"Normal range in healthy individuals still require to be established\") [V]",
            Caveat::ProtocolsNotStandardised => "Sequeira et al. 2014 (researchspace.auckland.ac.nz 2292/33821) [V]; Lee et al. 2014 [V]; Uil et al. 2000 [V]",
            Caveat::HighBetweenPersonVariation => "Khoshbin et al., Gastroenterology 2021;161:463-475.e13, doi:10.1053/j.gastro.2021.04.020 [V]",
            Caveat::ProtocolNotFullyStated => "science.md §0.2",
            Caveat::SecondarySource => "science.md labels: [V-sec]",
            Caveat::LocalReferenceInterval => "CLSI EP28-A3c (labs establish or verify their own reference intervals); science.md §0.2",
            Caveat::VitaminDTotalConvertedAsD3 => "science.md B1: 25(OH)D3 400.64 g/mol, 25(OH)D2 412.66 g/mol [computed]",
            Caveat::VitaminDAssayVariation => "SACN, Vitamin D and Health (2016) para 6.375 [V]; Lips et al. (ECTS), Eur J Endocrinol 2019;180(4):P23-P54, doi:10.1530/EJE-18-0736 [V]",
            Caveat::VitaminDThresholdsDisputed => "Demay MB et al., J Clin Endocrinol Metab 2024;109(8):1907-1947, doi:10.1210/clinem/dgae290 [V]; McCartney CR et al., J Clin Endocrinol Metab 2024;109(8):1948-1954 [V]",
            Caveat::VitaminDNotPermeability => "Sun J, Zhang YG, Cells 2022;11(7):1129, doi:10.3390/cells11071129 [V]; Cancer Prev Res 2021;14(3):393 [V]; science.md B3",
            Caveat::ZonulinAssayNotPrehaptoglobin2 => "Scheffler L et al., Front Endocrinol 2018;9:22, doi:10.3389/fendo.2018.00022 [V]; Ajamian M et al., PLoS One 2019;14(1):e0210728, doi:10.1371/journal.pone.0210728 [V]",
            Caveat::ZonulinNoAgreementWithSugarTests => "Power N et al., Front Physiol 2021;12:645303, doi:10.3389/fphys.2021.645303 [V title]; Tatucu-Babet OA et al. (pilot, lactulose–rhamnose, n = 34) [V title]",
            Caveat::ZonulinNotStandardised => "science.md A3.6 [U: no reference material or external quality scheme found]; GANZIMMUN (zonulin-family peptides) [V]",
            Caveat::ZonulinNotValidated => "Lacy BE et al., Gastroenterol Hepatol (N Y) 2024;20(5) (PMC11345991) [V]; science.md §0.8",
            Caveat::ZonulinNoRangeChosen => "science.md §0.8 and A2",
        }
    }

    /// Looks a code up.
    pub fn from_code(code: &str) -> Option<Caveat> {
        Caveat::ALL.iter().copied().find(|c| c.code() == code)
    }
}

impl fmt::Display for Caveat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
