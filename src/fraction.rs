//! Timed urine fractions: the window of hours after the drink each one covers, and the rules a
//! sample's windows must follow before their urine is summed.
//!
//! A window is written `<start>-<end>h` or `<start>_<end>h` in hours after the drink (`0-2h`,
//! `2_8h`, `8–24 h`, `0.5-2h`; leading zeros allowed, so `00_02h` is `0_2h`). It must end after it
//! starts. Within one sample no two windows may be the same or overlap, and none may end after
//! the collection: urine of the same hours would otherwise be summed twice, or counted outside
//! the stated collection. Batch input reports each problem where it was written (the header's
//! columns for fractions in column names, the rows for one row per fraction).
//!
//! ```
//! use lmr::fraction::{Clash, Window, WindowError};
//!
//! let a: Window = "0-2h".parse()?;
//! let b: Window = "00_02h".parse()?;
//! assert_eq!(a, b);
//! assert_eq!(a.clash(b), Some(Clash::Same));
//! assert_eq!(Window::parse("0_4h")?.clash(Window::parse("2_6h")?), Some(Clash::Overlap));
//! assert_eq!(Window::parse("0_2h")?.clash(Window::parse("2_8h")?), None); // they only touch
//! assert_eq!(Window::parse("8_2h"), Err(WindowError::Reversed { start: 8.0, end: 2.0 }));
//! assert_eq!(Window::parse("2_2h"), Err(WindowError::Empty { at: 2.0 }));
//! assert_eq!(a.to_string(), "0–2 h");
//! # Ok::<(), WindowError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::number;
use crate::units::Duration;

/// The hours after the drink a timed fraction covers: `start` < `end`, both finite and ≥ 0.
///
/// ```
/// let w: lmr::fraction::Window = "2_8h".parse()?;
/// assert_eq!(w.to_string(), "2–8 h");
/// assert_eq!(w.end().in_hours() - w.start().in_hours(), 6.0); // 8 − 2
/// # Ok::<(), lmr::fraction::WindowError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    start: f64,
    end: f64,
}

/// A fraction label that is not a usable window.
///
/// ```
/// use lmr::fraction::{Window, WindowError};
///
/// let e = Window::parse("8_2h").unwrap_err();
/// assert_eq!(e, WindowError::Reversed { start: 8.0, end: 2.0 });
/// assert_eq!(e.to_string(), "a reversed window: it ends at 2 h, before it starts at 8 h");
/// assert_eq!(Window::parse("first"), Err(WindowError::NotAWindow));
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowError {
    /// The label is not `<start>-<end>h`.
    #[error("not a collection window: expected `<start>-<end>h` in hours after the drink (`0-2h`, `2_8h`)")]
    NotAWindow,
    /// The window ends before it starts (`8_2h`).
    #[error("a reversed window: it ends at {} h, before it starts at {} h", num(*.end), num(*.start))]
    Reversed {
        /// Start, hours.
        start: f64,
        /// End, hours.
        end: f64,
    },
    /// The window starts and ends at the same hour (`2_2h`): it holds no urine.
    #[error("an empty window: it starts and ends at {} h", num(*.at))]
    Empty {
        /// The hour.
        at: f64,
    },
}

/// How two windows of one sample clash.
///
/// ```
/// use lmr::fraction::{Clash, Window};
///
/// let w = |s: &str| Window::parse(s).unwrap();
/// assert_eq!(w("0-2h").clash(w("00_02h")), Some(Clash::Same));
/// assert_eq!(w("0_24h").clash(w("2_8h")), Some(Clash::Overlap)); // one inside the other
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clash {
    /// The same hours (`0_2h` and `00_02h`, or the same row twice).
    Same,
    /// Some hours in both (`0_4h` and `2_6h`).
    Overlap,
}

/// A problem of one fraction among its sample's: facts only; the caller names where the other
/// fraction was written (a column, a row).
///
/// ```
/// use lmr::fraction::{Window, WindowProblem};
///
/// let (a, b) = (Window::parse("0_2h")?, Window::parse("00_02h")?);
/// let p = a.problem_beside(b).unwrap();
/// assert_eq!(p, WindowProblem::Same { window: a });
/// assert_eq!(p.to_string(), "the window 0–2 h is given twice: a fraction is never summed twice");
/// assert_eq!(WindowProblem::NoLabel.to_string(), "no collection window: a fraction needs one (`0-2h`)");
/// # Ok::<(), lmr::fraction::WindowError>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowProblem {
    /// The label is not a usable window.
    #[error(transparent)]
    Label(WindowError),
    /// The fraction has no label.
    #[error("no collection window: a fraction needs one (`0-2h`)")]
    NoLabel,
    /// Another fraction of the sample has the same window.
    #[error("the window {window} is given twice: a fraction is never summed twice")]
    Same {
        /// The window.
        window: Window,
    },
    /// Another fraction of the sample covers some of the same hours.
    #[error("the window {window} overlaps {other}: the hours in both would be summed twice")]
    Overlap {
        /// This fraction's window.
        window: Window,
        /// The other fraction's.
        other: Window,
    },
    /// The window ends after the sample's stated collection.
    #[error("the window {window} ends after the collection ({} h)", num(.collection.in_hours()))]
    PastCollection {
        /// The window.
        window: Window,
        /// The collection's duration.
        collection: Duration,
    },
}

fn num(x: f64) -> String {
    number::format(x, number::DIGITS)
}

impl Window {
    /// A window from its start and end in hours.
    ///
    /// # Errors
    /// [`WindowError::NotAWindow`] for a negative or non-finite hour, [`WindowError::Reversed`]
    /// when `end` < `start`, [`WindowError::Empty`] when they are equal.
    ///
    /// ```
    /// use lmr::fraction::{Window, WindowError};
    ///
    /// assert_eq!(Window::new(0.0, 2.0)?, Window::parse("0-2h")?);
    /// assert_eq!(Window::new(-1.0, 2.0), Err(WindowError::NotAWindow));
    /// assert_eq!(Window::new(f64::NAN, 2.0), Err(WindowError::NotAWindow));
    /// assert_eq!(Window::new(2.0, 2.0), Err(WindowError::Empty { at: 2.0 }));
    /// # Ok::<(), WindowError>(())
    /// ```
    pub fn new(start: f64, end: f64) -> Result<Window, WindowError> {
        if !(start.is_finite() && end.is_finite() && start >= 0.0 && end >= 0.0) {
            return Err(WindowError::NotAWindow);
        }
        if end < start {
            return Err(WindowError::Reversed { start, end });
        }
        if end == start {
            return Err(WindowError::Empty { at: start });
        }
        Ok(Window { start, end })
    }

    /// Parses `<start>-<end>h`: `-`, `–` or `_` between two non-negative decimal numbers of
    /// hours, then `h` (spaces allowed around each part, case ignored).
    ///
    /// # Errors
    /// [`WindowError`] as for [`Window::new`], and [`WindowError::NotAWindow`] for any other text.
    ///
    /// ```
    /// use lmr::fraction::{Window, WindowError};
    ///
    /// assert_eq!(Window::parse(" 8 – 24 H")?, Window::new(8.0, 24.0)?);
    /// assert_eq!(Window::parse("0.5-2h")?.start().in_hours(), 0.5);
    /// assert_eq!(Window::parse("0-2"), Err(WindowError::NotAWindow)); // no `h`
    /// assert_eq!(Window::parse("0-2min"), Err(WindowError::NotAWindow));
    /// # Ok::<(), WindowError>(())
    /// ```
    pub fn parse(label: &str) -> Result<Window, WindowError> {
        let t = label.trim();
        let t = t
            .strip_suffix(['h', 'H'])
            .ok_or(WindowError::NotAWindow)?
            .trim_end();
        let (a, b) = t
            .split_once(['-', '–', '_'])
            .ok_or(WindowError::NotAWindow)?;
        let hours = |s: &str| {
            let s = s.trim();
            let digits = !s.is_empty()
                && s.bytes().all(|c| c.is_ascii_digit() || c == b'.')
                && s.bytes().any(|c| c.is_ascii_digit());
            digits
                .then(|| s.parse::<f64>().ok())
                .flatten()
                .ok_or(WindowError::NotAWindow)
        };
        Window::new(hours(a)?, hours(b)?)
    }

    /// The start: the time after the drink, in hours.
    ///
    /// ```
    /// let w = lmr::fraction::Window::parse("2_5.5h")?;
    /// assert_eq!((w.start().to_string(), w.end().to_string()), ("2 h".into(), "5.5 h".into()));
    /// assert_eq!(w.end().in_hours() - w.start().in_hours(), 3.5); // 5.5 − 2
    /// # Ok::<(), lmr::fraction::WindowError>(())
    /// ```
    pub fn start(self) -> Duration {
        // checked by `Window::new`: finite and not negative
        Duration::from_checked_hours(self.start)
    }

    /// The end: the time after the drink, in hours.
    ///
    /// ```
    /// let w = lmr::fraction::Window::parse("8_24h")?;
    /// assert_eq!(w.end().in_hours(), 24.0);
    /// assert_eq!(w.end().to_string(), "24 h");
    /// # Ok::<(), lmr::fraction::WindowError>(())
    /// ```
    pub fn end(self) -> Duration {
        Duration::from_checked_hours(self.end)
    }

    /// How this window clashes with `other`, if it does; windows that only touch (`0_2h`,
    /// `2_8h`) do not.
    ///
    /// ```
    /// use lmr::fraction::{Clash, Window};
    ///
    /// let w = |s: &str| Window::parse(s).unwrap();
    /// assert_eq!(w("0_2h").clash(w("2_8h")), None); // they only touch at 2 h
    /// assert_eq!(w("0_4h").clash(w("2_6h")), Some(Clash::Overlap)); // 2–4 h in both
    /// assert_eq!(w("2_6h").clash(w("0_4h")), Some(Clash::Overlap)); // either way round
    /// ```
    pub fn clash(self, other: Window) -> Option<Clash> {
        if self == other {
            Some(Clash::Same)
        } else if self.start < other.end && other.start < self.end {
            Some(Clash::Overlap)
        } else {
            None
        }
    }

    /// The problem of this window beside `other` of the same sample, if any.
    ///
    /// ```
    /// use lmr::fraction::{Window, WindowProblem};
    ///
    /// let w = |s: &str| Window::parse(s).unwrap();
    /// assert_eq!(w("0_2h").problem_beside(w("2_8h")), None);
    /// let p = w("2_6h").problem_beside(w("0_4h")).unwrap();
    /// assert_eq!(p, WindowProblem::Overlap { window: w("2_6h"), other: w("0_4h") });
    /// assert_eq!(
    ///     p.to_string(),
    ///     "the window 2–6 h overlaps 0–4 h: the hours in both would be summed twice"
    /// );
    /// ```
    pub fn problem_beside(self, other: Window) -> Option<WindowProblem> {
        match self.clash(other)? {
            Clash::Same => Some(WindowProblem::Same { window: self }),
            Clash::Overlap => Some(WindowProblem::Overlap {
                window: self,
                other,
            }),
        }
    }

    /// [`WindowProblem::PastCollection`] when this window ends after `collection`.
    ///
    /// ```
    /// use lmr::fraction::{Window, WindowProblem};
    ///
    /// let w = Window::parse("8_24h")?;
    /// assert_eq!(w.past("24 h".parse()?), None); // ends with the collection
    /// let p = w.past("720 min".parse()?).unwrap(); // 720 min = 12 h < 24 h
    /// assert!(matches!(p, WindowProblem::PastCollection { .. }));
    /// assert_eq!(p.to_string(), "the window 8–24 h ends after the collection (12 h)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn past(self, collection: Duration) -> Option<WindowProblem> {
        (self.end > collection.in_hours()).then_some(WindowProblem::PastCollection {
            window: self,
            collection,
        })
    }
}

impl FromStr for Window {
    type Err = WindowError;
    fn from_str(s: &str) -> Result<Window, WindowError> {
        Window::parse(s)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{} h", num(self.start), num(self.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_window() {
        let w = Window::new(0.0, 2.0).unwrap();
        for s in ["0-2h", "0_2h", "00_02h", "0–2 h", " 0 - 2 H ", "0.0-2.0h"] {
            assert_eq!(Window::parse(s), Ok(w), "{s}");
        }
        assert_eq!(
            Window::parse("0.5-1.5h").map(|w| (w.start().in_hours(), w.end().in_hours())),
            Ok((0.5, 1.5))
        );
        for s in [
            "first", "0-2", "0-2min", "-1-2h", "a-2h", "0-h", "2h", "", "1e1-2e1h",
        ] {
            assert_eq!(Window::parse(s), Err(WindowError::NotAWindow), "{s}");
        }
    }

    #[test]
    fn clashes_and_collection() {
        let w = |s: &str| Window::parse(s).unwrap();
        assert_eq!(w("2_8h").clash(w("0_2h")), None);
        assert_eq!(w("2_6h").clash(w("0_4h")), Some(Clash::Overlap));
        // one inside the other overlaps too
        assert_eq!(w("0_24h").clash(w("2_8h")), Some(Clash::Overlap));
        assert_eq!(
            w("2_6h").problem_beside(w("0_4h")).unwrap().to_string(),
            "the window 2–6 h overlaps 0–4 h: the hours in both would be summed twice"
        );
        assert_eq!(w("0_5h").past("5 h".parse().unwrap()), None);
        assert_eq!(
            w("8_24h").past("5 h".parse().unwrap()).unwrap().to_string(),
            "the window 8–24 h ends after the collection (5 h)"
        );
        assert_eq!(
            WindowError::Reversed {
                start: 8.0,
                end: 2.0
            }
            .to_string(),
            "a reversed window: it ends at 2 h, before it starts at 8 h"
        );
    }
}
