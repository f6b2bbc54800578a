//! Parsing one cell: exact decimal amounts and dates, fast and without allocating.

use rust_decimal::Decimal;

use crate::day::Day;

/// How dates are written in a date column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DateFormat {
    /// ISO `YYYY-MM-DD`; a time part after `T` or a space is accepted and ignored.
    #[default]
    Iso,
    /// A strftime pattern such as `%Y%m%d` or `%d/%m/%Y %H:%M` (chrono syntax); with
    /// a time part the date is the calendar day of the time given.
    Strftime(String),
}

impl DateFormat {
    /// [`DateFormat::Iso`] for `None` or `%Y-%m-%d`, else [`DateFormat::Strftime`].
    pub fn from_option(pattern: Option<&str>) -> DateFormat {
        match pattern {
            None | Some("%Y-%m-%d") => DateFormat::Iso,
            Some(p) => DateFormat::Strftime(p.to_string()),
        }
    }

    /// Parses a cell (blanks around it are ignored).
    ///
    /// # Errors
    /// A lower-case reason naming the expected format.
    pub fn parse(&self, raw: &[u8]) -> Result<Day, String> {
        let raw = raw.trim_ascii();
        if raw.is_empty() {
            return Err("missing value".into());
        }
        let day = match self {
            DateFormat::Iso => Day::parse_iso(raw),
            DateFormat::Strftime(pattern) => std::str::from_utf8(raw).ok().and_then(|text| {
                chrono::NaiveDate::parse_from_str(text, pattern)
                    .ok()
                    .or_else(|| {
                        chrono::NaiveDateTime::parse_from_str(text, pattern)
                            .ok()
                            .map(|dt| dt.date())
                    })
                    .and_then(Day::from_naive)
            }),
        };
        day.ok_or_else(|| format!("not a date in the format {}", self.describe()))
    }

    /// The format as shown in errors.
    pub fn describe(&self) -> &str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::Strftime(p) => p,
        }
    }
}

/// Parses an exact decimal amount: optional sign, digits, optional `.` and digits
/// (`-12.50`, `+3`, `.5`). No exponent, no thousands separators, no currency symbol.
///
/// # Errors
/// A lower-case reason.
pub fn parse_amount(raw: &[u8]) -> Result<Decimal, &'static str> {
    const REASON: &str = "not a decimal amount (expected digits with an optional sign and '.')";
    let raw = raw.trim_ascii();
    if raw.is_empty() {
        return Err("missing value");
    }
    match short_amount(raw) {
        Ok((mantissa, scale)) => Ok(Decimal::from_i128_with_scale(i128::from(mantissa), scale)),
        Err(Amount::Long) => slow(raw).ok_or(REASON),
        Err(Amount::Bad) => Err(REASON),
    }
}

/// Why [`short_amount`] did not give a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Amount {
    /// More than 18 digits (the syntax is checked by the slow path).
    Long,
    /// Not an amount.
    Bad,
}

/// An amount of at most 18 digits, as (signed mantissa, decimals): the common case of
/// [`parse_amount`], without a `Decimal` (the streaming pass sums integers). `raw` is
/// trimmed.
pub(crate) fn short_amount(raw: &[u8]) -> Result<(i64, u32), Amount> {
    let (negative, digits) = match raw.first() {
        Some(b'-') => (true, raw.get(1..).unwrap_or(&[])),
        Some(b'+') => (false, raw.get(1..).unwrap_or(&[])),
        _ => (false, raw),
    };
    let mut mantissa: i64 = 0;
    let mut count = 0u32;
    let mut scale: Option<u32> = None;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                count += 1;
                if count > 18 {
                    return Err(Amount::Long);
                }
                mantissa = mantissa * 10 + i64::from(b - b'0');
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => return Err(Amount::Bad),
        }
    }
    if count == 0 {
        return Err(Amount::Bad);
    }
    Ok((
        if negative { -mantissa } else { mantissa },
        scale.unwrap_or(0),
    ))
}

fn slow(raw: &[u8]) -> Option<Decimal> {
    let text = std::str::from_utf8(raw).ok()?;
    if text.bytes().any(|b| matches!(b, b'e' | b'E' | b'_')) {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts() {
        let d = |s: &str| parse_amount(s.as_bytes());
        assert_eq!(d("29.33"), Ok("29.33".parse().unwrap()));
        assert_eq!(d("-0.50"), Ok("-0.50".parse().unwrap()));
        assert_eq!(d("+3"), Ok(Decimal::from(3)));
        assert_eq!(d(".5"), Ok("0.5".parse().unwrap()));
        assert_eq!(d(" 7 "), Ok(Decimal::from(7)));
        assert_eq!(d("-0"), Ok(Decimal::ZERO));
        assert_eq!(
            d("1234567890123456789012.5"),
            Ok("1234567890123456789012.5".parse().unwrap())
        );
        assert_eq!(d(""), Err("missing value"));
        for bad in [
            "1,5",
            "1e3",
            "$5",
            "-",
            ".",
            "1.2.3",
            "abc",
            "12345678901234567890e1",
        ] {
            assert!(d(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates() {
        let iso = DateFormat::Iso;
        assert_eq!(
            iso.parse(b"1997-01-01"),
            Ok(Day::from_ymd(1997, 1, 1).unwrap())
        );
        assert_eq!(
            iso.parse(b"1997/01/01"),
            Err("not a date in the format YYYY-MM-DD".into())
        );
        let compact = DateFormat::from_option(Some("%Y%m%d"));
        assert_eq!(
            compact.parse(b"19970101"),
            Ok(Day::from_ymd(1997, 1, 1).unwrap())
        );
        let with_time = DateFormat::from_option(Some("%d/%m/%Y %H:%M"));
        assert_eq!(
            with_time.parse(b"31/12/2024 23:59"),
            Ok(Day::from_ymd(2024, 12, 31).unwrap())
        );
        assert_eq!(
            compact.parse(b"1997-01-01"),
            Err("not a date in the format %Y%m%d".into())
        );
    }

    proptest! {
        #[test]
        fn amount_parse_matches_rust_decimal(m in -10_000_000_000i64..10_000_000_000, s in 0u32..8) {
            let exact = Decimal::new(m, s);
            let text = exact.to_string();
            prop_assert_eq!(parse_amount(text.as_bytes()), Ok(exact));
        }
    }
}
