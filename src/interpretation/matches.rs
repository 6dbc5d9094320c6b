//! Which automatic L:M ranges and quality bands fit a sample's protocol, remembered per
//! protocol. A cohort repeats a few protocols (doses, collection window) and its people fall
//! into a few groups (sex, and which ranges' age limits they are within), so the ranges are
//! compared with each distinct protocol and group once, not once per row.
//!
//! A remembered answer is used only for a protocol that every range sees alike: the same dose
//! of each sugar (in mg of the sugar), the same window (in hours), the same sex, and an age on
//! the same side of every age limit of the ranges compared. Those are all the parts of a
//! protocol [`ReferenceRange::for_each_difference`] reads, so the answer is the one comparing
//! again would give.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{FlagDetail, Interpretation, Interpreter};
use crate::flag::Flag;
use crate::protocol::{Protocol, Sex};
use crate::reference::{Difference, ReferenceRange};
use crate::sugar::Sugar;

/// A new identity for an [`Interpreter`]: what [`Matches`] remembers holds for the ranges of
/// one interpreter only.
pub(super) fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What the ranges say about one protocol and group of people, each part computed when first
/// needed.
#[derive(Clone, Debug, Default)]
struct Fit {
    /// The automatic L:M ranges that fit, by index in [`Interpreter`]'s list, in its order.
    lm: Option<Vec<usize>>,
    /// The mannitol recovery quality band.
    mannitol: Option<BandCheck>,
    /// The urine volume quality band.
    volume: Option<BandCheck>,
}

/// Whether a quality band applies to a protocol, and the `quality_band_not_checked` detail
/// when it could not be checked (see [`band_check`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct BandCheck {
    applies: bool,
    not_checked: Option<FlagDetail>,
}

/// A quality band of the [`Interpreter`].
#[derive(Clone, Copy, Debug)]
pub(super) enum QualityBand {
    Mannitol,
    UrineVolume,
}

/// The parts of a protocol the ranges compare, other than age and sex: each sugar's dose in mg
/// of the sugar and the window in hours, as bits (absent: 0, with its bit in `given` clear).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ProtocolKey {
    given: u32,
    values: [u64; Sugar::ALL.len() + 1],
}

impl ProtocolKey {
    fn of(protocol: &Protocol) -> ProtocolKey {
        let mut key = ProtocolKey {
            given: 0,
            values: [0; Sugar::ALL.len() + 1],
        };
        for (sugar, dose) in protocol.doses.iter() {
            key.given |= 1 << (sugar as usize);
            key.values[sugar as usize] = dose.sugar_mass(sugar).in_milligrams().to_bits();
        }
        if let Some(c) = protocol.collection {
            key.given |= 1 << Sugar::ALL.len();
            key.values[Sugar::ALL.len()] = c.in_hours().to_bits();
        }
        key
    }
}

// The `given` mask has a bit per sugar and one for the window.
const _: () = assert!(Sugar::ALL.len() < 32);

/// Protocols remembered at most; more, and the memory starts again (it stays small whatever
/// the input).
const PROTOCOLS: usize = 32;
/// Groups of people remembered per protocol at most.
const GROUPS: usize = 64;
/// Age limits told apart at most (a bit each in the group key, beside the sex and whether an
/// age is given).
const AGE_LIMITS: usize = 60;

/// The ranges' fit per protocol, kept in an [`Interpretation`] across samples.
#[derive(Clone, Debug, Default)]
pub(crate) struct Matches {
    /// The [`Interpreter`] whose ranges these are (0: none yet).
    interpreter: u64,
    /// The age limits (min, max) of the ranges compared, each a bit of the group key.
    ages: Vec<(f64, f64)>,
    protocols: Vec<(ProtocolKey, Vec<(u64, Fit)>)>,
    /// The current sample's place (protocol, group), once looked up.
    current: Option<(usize, usize)>,
}

impl Matches {
    /// A new sample: its protocol is looked up again when needed.
    pub(super) fn next_sample(&mut self) {
        self.current = None;
    }

    /// The remembered fit for `protocol` under `interpreter`'s ranges; `None` when the ranges
    /// have too many age limits to tell groups apart (then nothing is remembered).
    fn fit(&mut self, interpreter: &Interpreter<'_>, protocol: &Protocol) -> Option<&mut Fit> {
        if self.interpreter != interpreter.id {
            *self = Matches {
                interpreter: interpreter.id,
                ages: age_limits(interpreter),
                ..Matches::default()
            };
        }
        if self.ages.len() > AGE_LIMITS {
            return None;
        }
        let (p, g) = match self.current {
            Some(at) => at,
            None => {
                let at = self.locate(protocol);
                self.current = Some(at);
                at
            }
        };
        Some(&mut self.protocols[p].1[g].1)
    }

    /// Finds (or adds) the protocol's entry and its group's.
    fn locate(&mut self, protocol: &Protocol) -> (usize, usize) {
        let key = ProtocolKey::of(protocol);
        let p = match self.protocols.iter().position(|(k, _)| *k == key) {
            Some(p) => p,
            None => {
                if self.protocols.len() >= PROTOCOLS {
                    self.protocols.clear();
                }
                self.protocols.push((key, Vec::new()));
                self.protocols.len() - 1
            }
        };
        let group = self.group(protocol);
        let groups = &mut self.protocols[p].1;
        let g = match groups.iter().position(|(k, _)| *k == group) {
            Some(g) => g,
            None => {
                if groups.len() >= GROUPS {
                    groups.clear();
                }
                groups.push((group, Fit::default()));
                groups.len() - 1
            }
        };
        (p, g)
    }

    /// The group key: whether an age is given, whether it lies within each age limit, the sex.
    fn group(&self, protocol: &Protocol) -> u64 {
        let age = protocol.age.map(crate::units::Age::in_years);
        let mut key = u64::from(age.is_some());
        for (i, &(min, max)) in self.ages.iter().enumerate() {
            let within = age.is_some_and(|y| y >= min && y <= max);
            key |= u64::from(within) << (i + 1);
        }
        let sex = match protocol.sex {
            None => 0,
            Some(Sex::Female) => 1,
            Some(Sex::Male) => 2,
        };
        key | sex << 62
    }
}

/// The distinct age limits of the ranges an interpreter compares with protocols.
fn age_limits(interpreter: &Interpreter<'_>) -> Vec<(f64, f64)> {
    let mut ages: Vec<(f64, f64)> = Vec::new();
    let ranges = interpreter.lm_automatic.iter().copied();
    let bands = [interpreter.mannitol_band, interpreter.urine_volume_band];
    for r in ranges.chain(bands.into_iter().flatten()) {
        if let Some(span) = r.applies_to.age {
            let limit = (span.min.in_years(), span.max.in_years());
            if !ages
                .iter()
                .any(|a| a.0.to_bits() == limit.0.to_bits() && a.1.to_bits() == limit.1.to_bits())
            {
                ages.push(limit);
            }
        }
    }
    ages
}

/// Whether `protocol` differs in nothing from what `range` applies to.
fn fits(range: &ReferenceRange, protocol: &Protocol) -> bool {
    let mut fits = true;
    range.for_each_difference(protocol, |_| fits = false);
    fits
}

/// Whether a quality band applies to a protocol. A band applies only to the population and
/// window its source covers: the sample's age and collection window must be given, and nothing
/// may differ but the parts the source leaves unstated. With an unknown age or window the band
/// is not applied and the row is to be flagged `quality_band_not_checked`; a known age or window
/// outside the band (a child, a 2 h window) is simply out of scope.
fn band_check(range: &ReferenceRange, band: &'static str, protocol: &Protocol) -> BandCheck {
    let mut applies = true;
    let mut known_mismatch = false;
    range.for_each_difference(protocol, |d| {
        applies &= matches!(d, Difference::Unstated(_));
        known_mismatch |= match d {
            Difference::Age { sample, .. } => sample.is_some(),
            Difference::Collection { sample, .. }
            | Difference::CollectionOutside { sample, .. } => sample.is_some(),
            Difference::Unstated(_) => false,
            _ => true,
        };
    });
    let (no_age, no_window) = (protocol.age.is_none(), protocol.collection.is_none());
    if !known_mismatch && (no_age || no_window) {
        let detail = FlagDetail::NotChecked {
            band,
            no_age,
            no_window,
        };
        return BandCheck {
            applies: false,
            not_checked: Some(detail),
        };
    }
    BandCheck {
        applies: applies && !no_window,
        not_checked: None,
    }
}

impl<'r> Interpreter<'r> {
    /// The first automatic L:M range `protocol` fits; the others it fits go to
    /// [`Interpretation::lm_also_matched`].
    pub(super) fn automatic_lm(
        &self,
        protocol: &Protocol,
        out: &mut Interpretation<'r>,
    ) -> Option<&'r ReferenceRange> {
        let mut chosen = None;
        let mut fitting = |r: &'r ReferenceRange, also: &mut Vec<&'r ReferenceRange>| match chosen {
            None => chosen = Some(r),
            Some(_) => also.push(r),
        };
        match out.matches.fit(self, protocol) {
            Some(fit) => {
                let lm = fit.lm.get_or_insert_with(|| {
                    let ranges = self.lm_automatic.iter().enumerate();
                    ranges
                        .filter(|(_, r)| fits(r, protocol))
                        .map(|(i, _)| i)
                        .collect()
                });
                for &i in lm.iter() {
                    fitting(self.lm_automatic[i], &mut out.lm_also_matched);
                }
            }
            None => {
                for &r in &self.lm_automatic {
                    if fits(r, protocol) {
                        fitting(r, &mut out.lm_also_matched);
                    }
                }
            }
        }
        chosen
    }

    /// Whether quality band `which` (`range`, id `band`) applies to `protocol`; flags
    /// `quality_band_not_checked` when the age or window needed to tell is missing.
    pub(super) fn quality_band_applies(
        &self,
        which: QualityBand,
        range: &ReferenceRange,
        band: &'static str,
        protocol: &Protocol,
        out: &mut Interpretation<'r>,
    ) -> bool {
        let check = match out.matches.fit(self, protocol) {
            Some(fit) => {
                let slot = match which {
                    QualityBand::Mannitol => &mut fit.mannitol,
                    QualityBand::UrineVolume => &mut fit.volume,
                };
                *slot.get_or_insert_with(|| band_check(range, band, protocol))
            }
            None => band_check(range, band, protocol),
        };
        if let Some(detail) = check.not_checked {
            out.flag(Flag::QualityBandNotChecked, detail);
        }
        check.applies
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpretation::{Options, Sample};
    use crate::reference::Registry;

    /// The codes and ranges of one sample, read with the given (reused) result.
    fn read<'r>(
        interpreter: &Interpreter<'r>,
        out: &mut Interpretation<'r>,
        doses: (&str, &str),
        window: &str,
        age: Option<f64>,
    ) -> (Option<String>, Vec<&'static str>, Vec<&'static str>) {
        let mut sample = Sample::default();
        sample.set_dose(Sugar::Lactulose, doses.0.parse().unwrap());
        sample.set_dose(Sugar::Mannitol, doses.1.parse().unwrap());
        sample.set_dose(Sugar::Sucrose, "40 g".parse().unwrap());
        sample.protocol.collection = Some(window.parse().unwrap());
        sample.protocol.age =
            age.map(|y| crate::units::Age::new(y, crate::units::AgeUnit::Years).unwrap());
        sample.set_urine(Sugar::Lactulose, "30 mg/L".parse().unwrap());
        sample.set_urine(Sugar::Mannitol, "200 mg/L".parse().unwrap());
        sample.urine_volume = Some("1 L".parse().unwrap());
        interpreter.interpret(&sample, out).unwrap();
        let range = out.lm.as_ref().map(|l| l.range.id.clone());
        (
            range,
            out.flag_codes().collect(),
            out.caveat_codes().collect(),
        )
    }

    #[test]
    fn a_remembered_fit_answers_as_comparing_again_does() {
        let registry = Registry::builtin().unwrap();
        let interpreter = Interpreter::new(&registry, &Options::default()).unwrap();
        let mut reused = Interpretation::default();
        // Dutch SAT (5 g / 2 g / 40 g, 5 h) fits dutch-sat-hyperosmolar-5h; 1 g mannitol or a
        // 6 h window fits no range; no age: the adult quality bands cannot be checked.
        let cases = [
            (("5 g", "2 g"), "5 h", Some(40.0)),
            (("5 g", "1 g"), "5 h", Some(40.0)),
            (("5 g", "2 g"), "6 h", Some(40.0)),
            (("5 g", "2 g"), "5 h", None),
            (("5 g", "2 g"), "300 min", Some(12.0)),
            (("5 g", "2 g"), "5 h", Some(40.0)),
            (("5000 mg", "2 g"), "5 h", Some(41.0)),
        ];
        for (doses, window, age) in cases {
            let fresh = read(
                &interpreter,
                &mut Interpretation::default(),
                doses,
                window,
                age,
            );
            let again = read(&interpreter, &mut reused, doses, window, age);
            assert_eq!(fresh, again, "{doses:?} {window} {age:?}");
        }
        let first = read(&interpreter, &mut reused, ("5 g", "2 g"), "5 h", Some(40.0));
        assert_eq!(first.0.as_deref(), Some("dutch-sat-hyperosmolar-5h"));
        let no_age = read(&interpreter, &mut reused, ("5 g", "2 g"), "5 h", None);
        assert!(no_age.1.contains(&"quality_band_not_checked"), "{no_age:?}");
        // 1 g mannitol: no range has this protocol
        let other = read(&interpreter, &mut reused, ("5 g", "1 g"), "5 h", Some(40.0));
        assert_eq!(other.0, None);
        assert!(other.2.contains(&"no_matching_range"), "{other:?}");
    }

    #[test]
    fn another_interpreter_starts_afresh() {
        let registry = Registry::builtin().unwrap();
        let a = Interpreter::new(&registry, &Options::default()).unwrap();
        let b = Interpreter::new(&registry, &Options::default()).unwrap();
        let mut out = Interpretation::default();
        read(&a, &mut out, ("5 g", "2 g"), "5 h", Some(40.0));
        assert_eq!(out.matches.interpreter, a.id);
        read(&b, &mut out, ("5 g", "2 g"), "5 h", Some(40.0));
        assert_eq!(out.matches.interpreter, b.id);
        assert_ne!(a.id, b.id);
    }
}
