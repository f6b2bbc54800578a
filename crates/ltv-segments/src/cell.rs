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
        day.ok_or_else(|| {
            let mut reason = format!("not a date in the format {}", self.describe());
            let fits = guess_date_formats(raw);
            if !fits.is_empty() {
                reason.push_str(&format!(
                    " (the date format {} reads it)",
                    fits.join(" or ")
                ));
            }
            reason
        })
    }

    /// The format as shown in errors.
    pub fn describe(&self) -> &str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::Strftime(p) => p,
        }
    }
}

/// Date formats people and spreadsheets write, tried on a date that does not parse
/// to suggest the right one.
const COMMON_DATE_FORMATS: [&str; 14] = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
];

/// The common date formats (strftime) that read `raw`, at most two: an example of
/// the `--date-format` a file needs, built from its own offending value.
///
/// ```
/// assert_eq!(ltv_segments::guess_date_formats(b"2024/01/05"), ["%Y/%m/%d"]);
/// assert_eq!(ltv_segments::guess_date_formats(b"03/04/2024"), ["%d/%m/%Y", "%m/%d/%Y"]);
/// assert!(ltv_segments::guess_date_formats(b"tomorrow").is_empty());
/// ```
pub fn guess_date_formats(raw: &[u8]) -> Vec<&'static str> {
    let Ok(text) = std::str::from_utf8(raw.trim_ascii()) else {
        return Vec::new();
    };
    COMMON_DATE_FORMATS
        .iter()
        .filter(|p| {
            chrono::NaiveDate::parse_from_str(text, p).is_ok()
                || chrono::NaiveDateTime::parse_from_str(text, p).is_ok()
        })
        .take(2)
        .copied()
        .collect()
}

pub use ltv_core::{exact_decimal, DecimalProblem};

/// How amounts are written in an amount column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AmountFormat {
    /// Digits with an optional sign and `.` (`-1234.50`): what a program exports.
    #[default]
    Plain,
    /// Also with thousands separators and a currency sign, as people and Excel write
    /// them: `9,800`, `¥9,800`, `￥9,800`, `9,800円`, `$1,234.50`, `-€1,234.50`
    /// (and `\9,800`: the yen sign of a Shift_JIS file reads as a backslash).
    /// Commas must group by three (`1,23` is refused, not read as 123).
    Grouped,
}

impl std::str::FromStr for AmountFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "plain" => Ok(AmountFormat::Plain),
            "grouped" => Ok(AmountFormat::Grouped),
            other => Err(format!(
                "amount format must be plain or grouped, got '{}'",
                other.chars().take(40).collect::<String>()
            )),
        }
    }
}

/// The amount `raw` written in `format`.
///
/// # Errors
/// As for [`parse_amount`]; a grouped amount that is not one says what is accepted.
pub fn parse_amount_as(raw: &[u8], format: AmountFormat) -> Result<Decimal, &'static str> {
    match (parse_amount(raw), format) {
        (Ok(d), _) => Ok(d),
        (Err(e), AmountFormat::Plain) => Err(e),
        (Err(e), AmountFormat::Grouped) => match ungroup(raw) {
            Some(plain) => parse_amount(&plain),
            None if raw.trim_ascii().is_empty() => Err(e),
            None => Err("not an amount (expected digits with an optional sign, '.', thousands separators ',' in groups of three and a currency sign such as ¥ or $)"),
        },
    }
}

/// A grouped amount (`-¥9,800`, `$1,234.50`, `9,800円`) as plain digits (`-9800`),
/// or `None` if it is not one.
pub(crate) fn ungroup(raw: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text).trim_start()),
    };
    // `\` is the yen sign of a Shift_JIS file (byte 0x5C, shown as ¥ in Japan)
    let symbols = ['¥', '￥', '\\', '$', '€', '£', '＄'];
    let (negative, text) = match text.strip_prefix(symbols) {
        Some(rest) => {
            let rest = rest.trim_start();
            match rest.strip_prefix('-') {
                Some(r) if !negative => (true, r),
                Some(_) => return None,
                None => (negative, rest),
            }
        }
        None => (
            negative,
            text.strip_suffix('円').map_or(text, str::trim_end),
        ),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let groups: Vec<&str> = whole.split(',').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let grouped = groups.len() == 1
        || (groups.first().is_some_and(|g| g.len() <= 3)
            && groups.iter().skip(1).all(|g| g.len() == 3));
    if !grouped || !groups.iter().all(|g| digits(g)) {
        return None;
    }
    if !fraction.is_empty() && !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() + 1);
    if negative {
        out.push(b'-');
    }
    for g in groups {
        out.extend_from_slice(g.as_bytes());
    }
    if text.contains('.') {
        out.push(b'.');
        out.extend_from_slice(fraction.as_bytes());
    }
    Some(out)
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
        Err(Amount::Long) => slow(raw),
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

fn slow(raw: &[u8]) -> Result<Decimal, &'static str> {
    const REASON: &str = "not a decimal amount (expected digits with an optional sign and '.')";
    let text = std::str::from_utf8(raw).map_err(|_| REASON)?;
    match exact_decimal(text, false) {
        Ok(d) => {
            // the amount keeps its written scale (`1.50`), as the short path does
            Decimal::from_str_exact(text).or(Ok(d))
        }
        Err(DecimalProblem::NotDecimal) => Err(REASON),
        Err(problem) => Err(problem.reason()),
    }
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
            Err("not a date in the format YYYY-MM-DD (the date format %Y/%m/%d reads it)".into())
        );
        assert_eq!(
            iso.parse(b"someday"),
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
            Err("not a date in the format %Y%m%d (the date format %Y-%m-%d reads it)".into())
        );
        assert_eq!(
            iso.parse(b"2024/1/5"),
            Err("not a date in the format YYYY-MM-DD (the date format %Y/%m/%d reads it)".into())
        );
    }

    #[test]
    fn grouped_amounts() {
        let g =
            |s: &str| parse_amount_as(s.as_bytes(), AmountFormat::Grouped).map(|d| d.to_string());
        assert_eq!(g("9,800"), Ok("9800".into()));
        assert_eq!(g("¥9,800"), Ok("9800".into()));
        assert_eq!(g("￥9,800"), Ok("9800".into()));
        assert_eq!(g("\\9,800"), Ok("9800".into()));
        assert_eq!(g("9,800円"), Ok("9800".into()));
        assert_eq!(g("$1,234.50"), Ok("1234.50".into()));
        assert_eq!(g("-¥1,000"), Ok("-1000".into()));
        assert_eq!(g("¥-1,000"), Ok("-1000".into()));
        assert_eq!(g("1234"), Ok("1234".into()));
        assert_eq!(g("1,234,567.5"), Ok("1234567.5".into()));
        for bad in [
            "1,23",
            "12,3456",
            ",123",
            "¥",
            "1.2.3",
            "¥-¥1",
            "--1",
            "abc",
            "1,234.5,6",
        ] {
            assert!(g(bad).is_err(), "{bad}");
        }
        // never silently: plain refuses them
        assert!(parse_amount_as(b"9,800", AmountFormat::Plain).is_err());
    }

    #[test]
    fn exact_decimals() {
        let ok = |s: &str, e: bool| exact_decimal(s, e).unwrap().to_string();
        assert_eq!(ok("0.05", false), "0.05");
        assert_eq!(ok("0.70", false), "0.70");
        assert_eq!(ok("+3", false), "3");
        assert_eq!(ok(".5", false), "0.5");
        assert_eq!(ok("5.", false), "5");
        assert_eq!(ok("-0", false), "0");
        assert_eq!(ok("1e-2", true), "0.01");
        assert_eq!(ok("1.5E+3", true), "1500");
        assert_eq!(
            ok("0.1000000000000000000000000000000000", false),
            "0.1000000000000000000000000000"
        );
        assert_eq!(
            ok("79228162514264337593543950335", false),
            "79228162514264337593543950335"
        );
        assert_eq!(
            ok("0.0000000000000000000000000001", false),
            "0.0000000000000000000000000001"
        );
        use DecimalProblem::*;
        let bad = |s: &str, e: bool| exact_decimal(s, e).unwrap_err();
        assert_eq!(
            bad("1.11111111111111111111111111111111111", false),
            TooPrecise
        );
        assert_eq!(bad("0.00000000000000000000000000001", false), TooPrecise);
        assert_eq!(bad("1e-29", true), TooPrecise);
        assert_eq!(bad("79228162514264337593543950336", false), TooLarge);
        assert_eq!(bad("123456789012345678901234567890", false), TooLarge);
        assert_eq!(bad("1e30", true), TooLarge);
        assert_eq!(bad("1e999999999999999999999", true), TooLarge);
        for s in ["", ".", "-", "1e5", "1,5", "abc", "1.2.3", "--1", "1e"] {
            assert_eq!(bad(s, false), NotDecimal, "{s}");
        }
        assert_eq!(bad("1e", true), NotDecimal);
        assert_eq!(bad("1e+-2", true), NotDecimal);
        assert_eq!(
            parse_amount(b"1.11111111111111111111111111111111111"),
            Err(TooPrecise.reason())
        );
        assert_eq!(
            parse_amount(b"123456789012345678901234567890"),
            Err(TooLarge.reason())
        );
    }

    proptest! {
        #[test]
        fn exact_decimal_matches_rust_decimal(m in any::<i64>(), s in 0u32..=28) {
            let d = Decimal::new(m, s);
            prop_assert_eq!(exact_decimal(&d.to_string(), false), Ok(d));
        }

        #[test]
        fn amount_parse_matches_rust_decimal(m in -10_000_000_000i64..10_000_000_000, s in 0u32..8) {
            let exact = Decimal::new(m, s);
            let text = exact.to_string();
            prop_assert_eq!(parse_amount(text.as_bytes()), Ok(exact));
        }
    }
}
