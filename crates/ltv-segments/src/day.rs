//! [`Day`]: a calendar date as a day number, cheap to store, compare and subtract.

use std::fmt;

use serde::{Serialize, Serializer};

/// A calendar day (proleptic Gregorian), stored as the number of days since 1970-01-01.
///
/// Four bytes, `Copy`, ordered; `b - a` is a day count. Shown and serialised as
/// `YYYY-MM-DD`. Convert with [`Day::from_ymd`], [`Day::ymd`] or, for chrono users,
/// [`Day::from_naive`] / [`Day::to_naive`].
///
/// ```
/// use ltv_segments::Day;
/// let a = Day::from_ymd(1997, 1, 1).unwrap();
/// let b = Day::from_ymd(1998, 6, 30).unwrap();
/// assert_eq!(b - a, 545);
/// assert_eq!(b.to_string(), "1998-06-30");
/// assert_eq!("1998-06-30".parse::<Day>().unwrap(), b);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

impl Day {
    /// The day `days` after 1970-01-01 (negative: before).
    pub const fn from_days(days: i32) -> Day {
        Day(days)
    }

    /// Days since 1970-01-01.
    pub const fn days(self) -> i32 {
        self.0
    }

    /// The day of a valid year/month/day (years 0..=9999), else `None`.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !(0..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i32;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// (year, month 1..=12, day 1..=31).
    pub fn ymd(self) -> (i32, u32, u32) {
        // Howard Hinnant's civil_from_days.
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// Months since year 0 (`year × 12 + month − 1`): consecutive months differ by 1.
    pub fn month_index(self) -> i32 {
        let (y, m, _) = self.ymd();
        y * 12 + m as i32 - 1
    }

    /// Quarters since year 0 (`year × 4 + (month − 1) ÷ 3`).
    pub fn quarter_index(self) -> i32 {
        let (y, m, _) = self.ymd();
        y * 4 + (m as i32 - 1) / 3
    }

    /// Weeks (Monday to Sunday) since the week of 1970-01-01.
    pub fn week_index(self) -> i32 {
        // 1970-01-01 was a Thursday; the Monday of its week is day -3.
        (self.0 + 3).div_euclid(7)
    }

    /// The Monday of week `index` (see [`Day::week_index`]).
    pub fn week_start(index: i32) -> Day {
        Day(index * 7 - 3)
    }

    /// The first day of month `index` (see [`Day::month_index`]).
    pub fn month_start(index: i32) -> Option<Day> {
        Day::from_ymd(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
    }

    /// As a chrono date.
    pub fn to_naive(self) -> Option<chrono::NaiveDate> {
        let (y, m, d) = self.ymd();
        chrono::NaiveDate::from_ymd_opt(y, m, d)
    }

    /// From a chrono date (years 0..=9999).
    pub fn from_naive(date: chrono::NaiveDate) -> Option<Day> {
        use chrono::Datelike;
        Day::from_ymd(date.year(), date.month(), date.day())
    }

    /// Parses ISO `YYYY-MM-DD`, accepting and ignoring a time part after `T` or a space
    /// (`2024-03-01T10:00:00Z`, `2024-03-01 10:00`).
    pub fn parse_iso(text: &[u8]) -> Option<Day> {
        if text.len() < 10 || (text.len() > 10 && !matches!(text[10], b'T' | b' ')) {
            return None;
        }
        if text[4] != b'-' || text[7] != b'-' {
            return None;
        }
        let num = |s: &[u8]| -> Option<u32> {
            s.iter().try_fold(0u32, |acc, &b| {
                b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
            })
        };
        let y = num(&text[0..4])?;
        let m = num(&text[5..7])?;
        let d = num(&text[8..10])?;
        Day::from_ymd(y as i32, m, d)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl std::ops::Sub for Day {
    type Output = i32;
    fn sub(self, rhs: Day) -> i32 {
        self.0 - rhs.0
    }
}

/// `day + n`: n days later (saturating at the ends of the range).
impl std::ops::Add<i32> for Day {
    type Output = Day;
    fn add(self, days: i32) -> Day {
        Day(self.0.saturating_add(days))
    }
}

/// `day - n`: n days earlier (saturating at the ends of the range).
impl std::ops::Sub<i32> for Day {
    type Output = Day;
    fn sub(self, days: i32) -> Day {
        Day(self.0.saturating_sub(days))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl std::str::FromStr for Day {
    type Err = String;
    fn from_str(s: &str) -> Result<Day, String> {
        Day::parse_iso(s.trim().as_bytes())
            .ok_or_else(|| format!("'{s}' is not a date in the format YYYY-MM-DD"))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn epoch_and_known_days() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(Day::from_ymd(2000, 3, 1).map(|d| d.0), Some(11_017));
        assert_eq!(Day::from_ymd(2023, 2, 29), None);
        assert_eq!(
            Day::from_ymd(2024, 2, 29).map(|d| d.ymd()),
            Some((2024, 2, 29))
        );
        assert_eq!(Day::from_ymd(2024, 13, 1), None);
    }

    #[test]
    fn iso_with_time_part() {
        let d = Day::from_ymd(2024, 3, 1);
        assert_eq!(Day::parse_iso(b"2024-03-01"), d);
        assert_eq!(Day::parse_iso(b"2024-03-01T23:59:59Z"), d);
        assert_eq!(Day::parse_iso(b"2024-03-01 10:00"), d);
        assert_eq!(Day::parse_iso(b"2024-03-01x"), None);
        assert_eq!(Day::parse_iso(b"2024/03/01"), None);
        assert_eq!(Day::parse_iso(b"2024-3-1"), None);
    }

    #[test]
    fn weeks_start_on_monday() {
        let mon = Day::from_ymd(2024, 1, 1).unwrap(); // a Monday
        let sun = Day::from_ymd(2024, 1, 7).unwrap();
        assert_eq!(mon.week_index(), sun.week_index());
        assert_eq!(Day::week_start(mon.week_index()), mon);
        assert_eq!(
            sun.week_index() + 1,
            Day::from_ymd(2024, 1, 8).unwrap().week_index()
        );
    }

    proptest! {
        #[test]
        fn round_trips_with_chrono(days in -700_000i32..2_900_000) {
            let day = Day(days);
            let naive = day.to_naive().unwrap();
            prop_assert_eq!(Day::from_naive(naive), Some(day));
            prop_assert_eq!(naive.to_string(), day.to_string());
            let (y, m, d) = day.ymd();
            prop_assert_eq!(Day::from_ymd(y, m, d), Some(day));
        }
    }
}
