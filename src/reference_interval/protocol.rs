//! The protocol of the reference rows: whether they share one, and how a range file names it.

// ---------------------------------------------------------------------------------------------
// The protocol of the reference rows
// ---------------------------------------------------------------------------------------------

/// The reference rows do not share one protocol (doses, collection window), so no single
/// protocol can be written into the range file.
///
/// ```
/// use lmr::protocol::{Dose, Protocol};
/// use lmr::reference_interval::SharedProtocol;
/// use lmr::sugar::Sugar;
/// let mut p = Protocol::default();
/// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
/// p.doses.set(Sugar::Mannitol, Some(Dose::parse("1 g")?));
/// let mut shared = SharedProtocol::default();
/// shared.add(&p, 2);
/// p.doses.set(Sugar::Mannitol, Some(Dose::parse("2 g")?));
/// shared.add(&p, 3);
/// let e = shared.protocol().unwrap_err();
/// assert_eq!(e.first, "lactulose 5 g, mannitol 1 g; window not given");
/// assert_eq!(e.other, "lactulose 5 g, mannitol 2 g; window not given");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "the reference rows do not share one protocol: line {first_line} has {first}, line {line} has {other}; \
     give --protocol ID to keep only the rows of that protocol, or partition the rows with --by"
)]
pub struct ProtocolDisagreement {
    /// The line of the first row read.
    pub first_line: u64,
    /// The first row's protocol, described.
    pub first: String,
    /// The line of the first row that differs from it.
    pub line: u64,
    /// That row's protocol, described.
    pub other: String,
}

/// The doses and collection window a protocol gives, in words: `lactulose 5 g, mannitol 1 g; 5 h`.
///
/// ```
/// use lmr::protocol::{Dose, Protocol};
/// use lmr::reference_interval::describe_protocol;
/// use lmr::sugar::Sugar;
/// let mut p = Protocol::default();
/// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
/// p.doses.set(Sugar::Rhamnose, Some(Dose::parse("1 g monohydrate")?));
/// assert_eq!(describe_protocol(&p), "lactulose 5 g, L-rhamnose 1 g monohydrate; window not given");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn describe_protocol(p: &crate::protocol::Protocol) -> String {
    let doses: Vec<String> = p
        .doses
        .iter()
        .map(|(s, d)| format!("{} {}", s.name(), dose_text(d)))
        .collect();
    let doses = if doses.is_empty() {
        "no doses given".to_string()
    } else {
        doses.join(", ")
    };
    let window = p
        .collection
        .map_or("window not given".to_string(), |c| c.to_string());
    format!("{doses}; {window}")
}

/// A dose as a range file writes it: the mass, and ` monohydrate` when weighed so.
fn dose_text(d: &crate::protocol::Dose) -> String {
    match d.form {
        crate::sugar::DoseForm::Monohydrate => format!("{} monohydrate", d.mass),
        crate::sugar::DoseForm::Anhydrous => d.mass.to_string(),
    }
}

/// Whether two protocols give the same doses (sugar content) and the same window.
fn same_protocol(a: &crate::protocol::Protocol, b: &crate::protocol::Protocol) -> bool {
    let windows = match (a.collection, b.collection) {
        (Some(x), Some(y)) => crate::protocol::same_amount(x.in_hours(), y.in_hours()),
        (None, None) => true,
        _ => false,
    };
    windows
        && crate::sugar::Sugar::ALL
            .iter()
            .all(|&s| match (a.doses.get(s), b.doses.get(s)) {
                (Some(x), Some(y)) => crate::protocol::same_amount(
                    x.sugar_mass(s).in_milligrams(),
                    y.sugar_mass(s).in_milligrams(),
                ),
                (None, None) => true,
                _ => false,
            })
}

/// Whether a row's protocol is `named`'s: the same doses (sugar content, no dose the named
/// protocol lacks) and, where the named protocol states one, the same window.
///
/// ```
/// use lmr::protocol::{Dose, Protocol};
/// use lmr::reference::Registry;
/// use lmr::reference_interval::on_protocol;
/// use lmr::sugar::Sugar;
/// let registry = Registry::builtin()?;
/// let dutch = registry.protocol("dutch-sat-low-osmolar").unwrap();
/// let mut row = Protocol::default();
/// row.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
/// row.doses.set(Sugar::Mannitol, Some(Dose::parse("2 g")?));
/// row.collection = Some("5 h".parse()?);
/// assert!(on_protocol(dutch, &row));
/// row.collection = Some("6 h".parse()?);
/// assert!(!on_protocol(dutch, &row));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn on_protocol(
    named: &crate::protocol::NamedProtocol,
    row: &crate::protocol::Protocol,
) -> bool {
    let mut on = true;
    named.gaps(row, |g| {
        // A window the named protocol does not state cannot be checked, so it does not exclude.
        on &= matches!(
            g,
            crate::protocol::ProtocolGap::Collection { protocol: None, .. }
        );
    });
    on
}

/// Collects the protocol of each reference row and says whether they all share one.
///
/// ```
/// use lmr::protocol::{Dose, Protocol};
/// use lmr::reference_interval::SharedProtocol;
/// use lmr::sugar::Sugar;
/// let mut p = Protocol::default();
/// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
/// p.doses.set(Sugar::Mannitol, Some(Dose::parse("1 g")?));
/// p.collection = Some("5 h".parse()?);
/// let mut shared = SharedProtocol::default();
/// shared.add(&p, 2);
/// shared.add(&p, 3);
/// assert!(shared.protocol().unwrap().is_some());
/// p.doses.set(Sugar::Mannitol, Some(Dose::parse("2 g")?));
/// shared.add(&p, 4);
/// let e = shared.protocol().unwrap_err();
/// assert_eq!((e.first_line, e.line), (2, 4));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct SharedProtocol {
    first: Option<(crate::protocol::Protocol, u64)>,
    disagreement: Option<ProtocolDisagreement>,
}

impl SharedProtocol {
    /// Adds the protocol of the row at `line` (its doses and window; age and sex are ignored).
    ///
    /// ```
    /// use lmr::protocol::{Dose, Protocol};
    /// use lmr::reference_interval::SharedProtocol;
    /// use lmr::sugar::Sugar;
    /// let mut p = Protocol::default();
    /// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
    /// p.doses.set(Sugar::Mannitol, Some(Dose::parse("1 g")?));
    /// let mut shared = SharedProtocol::default();
    /// shared.add(&p, 2);
    /// p.doses.set(Sugar::Mannitol, Some(Dose::parse("2 g")?));
    /// shared.add(&p, 3);
    /// let e = shared.protocol().unwrap_err();
    /// assert_eq!(e.first, "lactulose 5 g, mannitol 1 g; window not given");
    /// assert_eq!(e.other, "lactulose 5 g, mannitol 2 g; window not given");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add(&mut self, protocol: &crate::protocol::Protocol, line: u64) {
        match &self.first {
            None => self.first = Some((protocol.clone(), line)),
            Some((first, first_line)) => {
                if self.disagreement.is_none() && !same_protocol(first, protocol) {
                    self.disagreement = Some(ProtocolDisagreement {
                        first_line: *first_line,
                        first: describe_protocol(first),
                        line,
                        other: describe_protocol(protocol),
                    });
                }
            }
        }
    }

    /// The protocol every row shared (`None` when no row was added).
    ///
    /// # Errors
    /// [`ProtocolDisagreement`] naming the first two rows that differ.
    ///
    /// ```
    /// use lmr::protocol::{Dose, Protocol};
    /// use lmr::reference_interval::SharedProtocol;
    /// use lmr::sugar::Sugar;
    /// let mut p = Protocol::default();
    /// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
    /// p.doses.set(Sugar::Mannitol, Some(Dose::parse("1 g")?));
    /// let mut shared = SharedProtocol::default();
    /// shared.add(&p, 2);
    /// p.doses.set(Sugar::Mannitol, Some(Dose::parse("2 g")?));
    /// shared.add(&p, 3);
    /// let e = shared.protocol().unwrap_err();
    /// assert_eq!(e.first, "lactulose 5 g, mannitol 1 g; window not given");
    /// assert_eq!(e.other, "lactulose 5 g, mannitol 2 g; window not given");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn protocol(&self) -> Result<Option<&crate::protocol::Protocol>, ProtocolDisagreement> {
        match &self.disagreement {
            Some(d) => Err(d.clone()),
            None => Ok(self.first.as_ref().map(|(p, _)| p)),
        }
    }
}

/// The doses of a protocol as a [`RangeFileSpec`](super::RangeFileSpec) writes them (`("rhamnose", "1 g monohydrate")`).
///
/// ```
/// use lmr::protocol::{Dose, Protocol};
/// use lmr::reference_interval::spec_doses;
/// use lmr::sugar::Sugar;
/// let mut p = Protocol::default();
/// p.doses.set(Sugar::Lactulose, Some(Dose::parse("5 g")?));
/// p.doses.set(Sugar::Rhamnose, Some(Dose::parse("1 g monohydrate")?));
/// let doses = spec_doses(&p);
/// assert_eq!(doses[0], ("lactulose".to_string(), "5 g".to_string()));
/// assert_eq!(doses[1], ("rhamnose".to_string(), "1 g monohydrate".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn spec_doses(p: &crate::protocol::Protocol) -> Vec<(String, String)> {
    p.doses
        .iter()
        .map(|(s, d)| (s.key().to_string(), dose_text(d)))
        .collect()
}
