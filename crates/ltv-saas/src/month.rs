//! A calendar month, `YYYY-MM`: the time unit of every SaaS metric.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::SaasError;

/// A calendar month. Ordered; `next`/`offset` step by whole months.
///
/// ```
/// use ltv_saas::Month;
/// let m: Month = "2024-12".parse()?;
/// assert_eq!(m.offset(1).to_string(), "2025-01");
/// assert_eq!(m.months_until("2025-03".parse()?), 3);
/// # Ok::<(), ltv_saas::SaasError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// The earliest representable month, 0001-01.
    pub const MIN: Month = Month(12);

    /// The month with index `year × 12 + month − 1`, if it lies in years 1..=9999.
    pub const fn from_index(index: i32) -> Option<Month> {
        if index >= 12 && index < 10000 * 12 {
            Some(Month(index))
        } else {
            None
        }
    }

    /// The month `year`-`month` (month 1..=12, year 1..=9999).
    ///
    /// # Errors
    /// [`SaasError::InvalidMonth`] outside those ranges.
    pub fn new(year: i32, month: u32) -> Result<Self, SaasError> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(SaasError::InvalidMonth {
                text: format!("{year:04}-{month:02}"),
            });
        }
        // month is at most 12, so the cast is exact
        Ok(Month(year * 12 + month as i32 - 1))
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month of the year, 1..=12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12).unsigned_abs() + 1
    }

    /// The month `n` months later (earlier for negative `n`).
    pub fn offset(self, n: i32) -> Month {
        Month(self.0.saturating_add(n))
    }

    /// The following month.
    pub fn next(self) -> Month {
        self.offset(1)
    }

    /// Whole months from `self` to `later` (negative if `later` is earlier).
    pub fn months_until(self, later: Month) -> i32 {
        later.0 - self.0
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = SaasError;

    /// Parses `YYYY-MM` exactly (four-digit year, two-digit month).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || SaasError::InvalidMonth {
            text: text.to_owned(),
        };
        let bytes = text.as_bytes();
        if bytes.len() != 7 || bytes.get(4) != Some(&b'-') {
            return Err(bad());
        }
        let (y, m) = (&text[..4], &text[5..]);
        if !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        Month::new(year, month).map_err(|_| bad())
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        let m: Month = "2024-01".parse().unwrap();
        assert_eq!((m.year(), m.month()), (2024, 1));
        assert_eq!(m.to_string(), "2024-01");
        assert_eq!(m.offset(-1).to_string(), "2023-12");
        assert_eq!(m.offset(23).to_string(), "2025-12");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "2024-1",
            "2024-13",
            "2024-00",
            "24-01",
            "2024/01",
            "2024-01-05",
            "",
            "abcd-ef",
            "0000-01",
            "+202-01",
        ] {
            let err = bad.parse::<Month>().unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid month '{bad}': expected YYYY-MM, e.g. 2024-01")
            );
        }
    }
}
