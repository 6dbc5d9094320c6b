//! Cells that a spreadsheet would not run as a formula.

use std::borrow::Cow;

/// A text cell as a spreadsheet will not take it for a formula (OWASP "CSV injection"): a cell
/// that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, unless
/// it is a plain number (`-1.5` stays as it is). For cells lmr composes in CSV meant for
/// spreadsheets (summary group values and labels); `lmr batch` passthrough fields are never
/// changed.
///
/// ```
/// use lmr::files::formula_safe;
/// assert_eq!(formula_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(formula_safe("@SUM(1)"), "'@SUM(1)");
/// assert_eq!(formula_safe("+1+2"), "'+1+2");
/// assert_eq!(formula_safe("-0.25"), "-0.25");
/// assert_eq!(formula_safe("site A"), "site A");
/// ```
pub fn formula_safe(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}
