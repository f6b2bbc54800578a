//! Today's date (UTC) as `YYYY-MM-DD`, from the system clock, without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Today's date in UTC.
pub(crate) fn today() -> Result<String, String> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970".to_string())?
        .as_secs();
    Ok(from_unix_days(
        i64::try_from(secs / 86_400).unwrap_or(i64::MAX),
    ))
}

/// The civil date of a day count since 1970-01-01 (proleptic Gregorian calendar;
/// H. Hinnant's `civil_from_days`).
pub(crate) fn from_unix_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(from_unix_days(0), "1970-01-01");
        assert_eq!(from_unix_days(31 + 28), "1970-03-01");
        assert_eq!(from_unix_days(10_957), "2000-01-01");
        assert_eq!(from_unix_days(11_016), "2000-02-29"); // a leap century
        assert_eq!(from_unix_days(19_782), "2024-02-29");
        assert_eq!(from_unix_days(20_538), "2026-03-26");
        assert_eq!(from_unix_days(-1), "1969-12-31");
    }
}
