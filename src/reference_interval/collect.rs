//! The values of one analyte gathered from a cohort's rows for one partition, each row that
//! gives none counted with its reason.

use super::protocol::{on_protocol, SharedProtocol};
use crate::analyte::Analyte;
use crate::batch::Value;
use crate::protocol::{NamedProtocol, Protocol};

/// One partition's values of one analyte: the exact values an interval is estimated from, and
/// the rows left out, by reason.
///
/// A urine-sugar value belongs to one protocol: with a named protocol (`--protocol`) a row on
/// another is left out and counted; without one, the rows' protocols are collected so that the
/// written range can state the protocol they share (or refuse when they differ).
///
/// ```
/// use lmr::analyte::Analyte;
/// use lmr::batch::Value;
/// use lmr::censored::Censored;
/// use lmr::protocol::Protocol;
/// use lmr::reference_interval::Collected;
///
/// let mut c = Collected::default();
/// let none = Protocol::default();
/// for (line, v) in [
///     (2, Value::Exact(62.0)),
///     (3, Value::Censored(Censored::LessThan(25.0))),
///     (4, Value::NotGiven),
///     (5, Value::Rejected),
///     (6, Value::Exact(48.5)),
/// ] {
///     c.add(Analyte::VitaminD25oh, v, &none, line, None);
/// }
/// assert_eq!(c.values, [62.0, 48.5]);
/// assert_eq!((c.censored, c.missing, c.rejected, c.off_protocol), (1, 1, 1, 0));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Collected {
    /// The exact values.
    pub values: Vec<f64>,
    /// Rows whose value is known only as a bound (left out of the estimate).
    pub censored: u64,
    /// Rows that do not give the value.
    pub missing: u64,
    /// Rows left out because a cell the value needed was rejected (in the row's `error`).
    pub rejected: u64,
    /// Rows left out because their protocol is not the named one.
    pub off_protocol: u64,
    /// The protocol of the urine-sugar rows used.
    pub shared: SharedProtocol,
}

impl Collected {
    /// Adds one row's `value` of `analyte`; `protocol` is the row's, `line` where it is, and
    /// `named` the protocol the interval is for, if one was named.
    ///
    /// ```
    /// use lmr::{batch::Value, reference_interval::Collected, Analyte, Protocol};
    /// let registry = lmr::Registry::builtin()?;
    /// let dutch = registry.protocol("dutch-sat-hyperosmolar").unwrap();
    /// let mut on = Protocol::default();
    /// on.fill_from(dutch);
    /// let mut c = Collected::default();
    /// c.add(Analyte::LmRatio, Value::Exact(0.03), &on, 2, Some(dutch));
    /// c.add(Analyte::LmRatio, Value::Exact(0.05), &Protocol::default(), 3, Some(dutch)); // no doses
    /// assert_eq!((c.values.as_slice(), c.off_protocol), (&[0.03][..], 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add(
        &mut self,
        analyte: Analyte,
        value: Value,
        protocol: &Protocol,
        line: u64,
        named: Option<&NamedProtocol>,
    ) {
        let sugar = !matches!(analyte, Analyte::VitaminD25oh | Analyte::Zonulin);
        if sugar && matches!(value, Value::Exact(_) | Value::Censored(_)) {
            if named.is_some_and(|n| !on_protocol(n, protocol)) {
                self.off_protocol += 1;
                return;
            }
            self.shared.add(protocol, line);
        }
        match value {
            Value::Exact(x) => self.values.push(x),
            Value::Censored(_) => self.censored += 1,
            Value::Rejected => self.rejected += 1,
            Value::NotGiven => self.missing += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::Registry;
    use crate::sugar::Sugar;

    #[test]
    fn a_sugar_row_on_another_protocol_is_counted_not_used() {
        let registry = Registry::builtin().unwrap();
        let dutch = registry.protocol("dutch-sat-low-osmolar").unwrap();
        let mut on = Protocol::default();
        on.doses.set(
            Sugar::Lactulose,
            Some(crate::protocol::Dose::parse("5 g").unwrap()),
        );
        on.doses.set(
            Sugar::Mannitol,
            Some(crate::protocol::Dose::parse("2 g").unwrap()),
        );
        on.collection = Some("5 h".parse().unwrap());
        let mut off = on.clone();
        off.collection = Some("6 h".parse().unwrap());
        let mut c = Collected::default();
        c.add(Analyte::LmRatio, Value::Exact(0.02), &on, 2, Some(dutch));
        c.add(Analyte::LmRatio, Value::Exact(0.03), &off, 3, Some(dutch));
        // A row without a value is not judged by its protocol: it is missing, not off protocol.
        c.add(Analyte::LmRatio, Value::NotGiven, &off, 4, Some(dutch));
        assert_eq!(c.values, [0.02]);
        assert_eq!((c.off_protocol, c.missing), (1, 1));
        // Vitamin D is not a urine-sugar value: no protocol applies.
        c.add(
            Analyte::VitaminD25oh,
            Value::Exact(50.0),
            &off,
            5,
            Some(dutch),
        );
        assert_eq!(c.values, [0.02, 50.0]);
    }
}
