//! Day numbers: days since 1970-01-01 (proleptic Gregorian), shown as ISO dates.

use serde::Serializer;

/// `YYYY-MM-DD` of a day number (Howard Hinnant's `civil_from_days`).
pub fn iso_date(day: i64) -> String {
    let z = day + 719_468;
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

/// Serialises a day number as its ISO date.
pub(crate) fn serialize_day<S: Serializer>(day: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso_date(*day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(10134), "1997-09-30");
        assert_eq!(iso_date(10407), "1998-06-30");
        assert_eq!(iso_date(-1), "1969-12-31");
        assert_eq!(iso_date(11016), "2000-02-29");
    }
}
