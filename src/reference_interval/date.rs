//! The calendar date a range file is written on.

use std::time::SystemTime;

/// The UTC calendar date of `time` as `YYYY-MM-DD` (for [`RangeFileSpec::date`](super::RangeFileSpec::date)); times before
/// 1970 give 1970-01-01.
///
/// ```text
/// days = ⌊seconds since 1970-01-01 / 86400⌋, converted with the proleptic Gregorian calendar
/// (H. Hinnant's civil_from_days)
/// ```
///
/// ```
/// use lmr::reference_interval::iso_date;
/// use std::time::{Duration, UNIX_EPOCH};
/// assert_eq!(iso_date(UNIX_EPOCH), "1970-01-01");
/// // 30 years × 365 + 7 leap days = 10957 days to 2000-01-01; + 31 + 28 = day 11016 → 2000-02-29
/// assert_eq!(iso_date(UNIX_EPOCH + Duration::from_secs(11016 * 86400)), "2000-02-29");
/// assert_eq!(iso_date(UNIX_EPOCH - Duration::from_secs(86400)), "1970-01-01"); // before 1970
/// ```
pub fn iso_date(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        use std::time::Duration;
        assert_eq!(iso_date(SystemTime::UNIX_EPOCH), "1970-01-01");
        // 2000-03-01 is day 10957 + 31 + 29 = 11017 (2000 is a leap year)
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(11_017 * 86_400 + 3600);
        assert_eq!(iso_date(t), "2000-03-01");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(11_016 * 86_400);
        assert_eq!(iso_date(t), "2000-02-29");
    }
}
