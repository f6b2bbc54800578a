//! Reading a decimal written by a person, exactly (never through a float, never
//! rounded): [`exact_decimal`] is the one rule for decimal flags, JSON strings and CSV
//! amounts, [`parse_decimal`] adds `5%` and `1_000` for flags and form fields.

use rust_decimal::Decimal;

/// Why a decimal text has no exact [`Decimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalProblem {
    /// Not a decimal number at all.
    NotDecimal,
    /// More than 28 decimal places (not counting trailing zeros): a `Decimal` would
    /// round it.
    TooPrecise,
    /// Beyond ±79,228,162,514,264,337,593,543,950,335, the largest `Decimal`.
    TooLarge,
}

impl DecimalProblem {
    /// The reason, lower-case, for messages.
    pub fn reason(self) -> &'static str {
        match self {
            DecimalProblem::NotDecimal => "not a decimal number",
            DecimalProblem::TooPrecise => {
                "too precise: a decimal has at most 28 decimal places, and this would be rounded"
            }
            DecimalProblem::TooLarge => {
                "too large: a decimal holds at most 79,228,162,514,264,337,593,543,950,335 in absolute value"
            }
        }
    }
}

/// Parses `text` (an optional sign, digits with an optional `.`, and with `exponent`
/// an optional `e`/`E` exponent) into exactly the decimal it denotes, never rounding:
/// the one rule for decimal flags, JSON strings and amounts.
///
/// # Errors
/// The [`DecimalProblem`].
///
/// ```
/// use ltv_core::{exact_decimal, DecimalProblem};
/// assert_eq!(exact_decimal("-12.50", false).unwrap().to_string(), "-12.50");
/// assert_eq!(exact_decimal("1e-2", true).unwrap().to_string(), "0.01");
/// assert_eq!(exact_decimal("0.11111111111111111111111111111", false), Err(DecimalProblem::TooPrecise));
/// assert_eq!(exact_decimal("1e30", true), Err(DecimalProblem::TooLarge));
/// assert_eq!(exact_decimal("1,5", false), Err(DecimalProblem::NotDecimal));
/// ```
pub fn exact_decimal(text: &str, exponent: bool) -> Result<Decimal, DecimalProblem> {
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(at) if exponent => {
            let (m, e) = text.split_at(at);
            let e = e.get(1..).unwrap_or("");
            let (negative, digits) = match e.as_bytes().first() {
                Some(b'+') => (false, e.get(1..).unwrap_or("")),
                Some(b'-') => (true, e.get(1..).unwrap_or("")),
                _ => (false, e),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DecimalProblem::NotDecimal);
            }
            let magnitude = digits.parse::<i64>().unwrap_or(i64::MAX);
            (m, if negative { -magnitude } else { magnitude })
        }
        Some(_) => return Err(DecimalProblem::NotDecimal),
        None => (text, 0),
    };
    let (negative, unsigned) = match mantissa.as_bytes().first() {
        Some(b'-') => (true, mantissa.get(1..).unwrap_or("")),
        Some(b'+') => (false, mantissa.get(1..).unwrap_or("")),
        _ => (false, mantissa),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits_ok(int) || !digits_ok(frac) {
        return Err(DecimalProblem::NotDecimal);
    }
    // all digits, the point `point` digits from the left (after the exponent)
    let all: String = format!("{int}{frac}");
    let all = all.trim_start_matches('0');
    let point =
        (int.len() as i64 - (int.len() + frac.len() - all.len()) as i64).saturating_add(exp);
    if all.trim_end_matches('0').is_empty() {
        return Ok(Decimal::ZERO);
    }
    // trailing zeros are kept (`0.70` stays `0.70`) unless past 28 places
    let excess = (all.len() as i64)
        .saturating_sub(point)
        .saturating_sub(28)
        .max(0) as usize;
    let zeros = all.len() - all.trim_end_matches('0').len();
    let all = all.get(..all.len() - excess.min(zeros)).unwrap_or(all);
    // digits before the point, and decimal places
    let whole = point.max(0);
    let places = (all.len() as i64).saturating_sub(point).max(0);
    if whole > 29 {
        return Err(DecimalProblem::TooLarge);
    }
    if places > 28 {
        return Err(DecimalProblem::TooPrecise);
    }
    let mut plain = String::with_capacity(all.len() + 32);
    if negative {
        plain.push('-');
    }
    if point <= 0 {
        plain.push_str("0.");
        plain.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        plain.push_str(all);
    } else {
        let p = point as usize;
        match all.get(..p) {
            Some(head) if p < all.len() => {
                plain.push_str(head);
                plain.push('.');
                plain.push_str(all.get(p..).unwrap_or(""));
            }
            _ => {
                plain.push_str(all);
                plain.extend(std::iter::repeat_n('0', p - all.len()));
            }
        }
    }
    match Decimal::from_str_exact(&plain) {
        Ok(d) => Ok(d),
        // 29 whole digits beyond the largest, or 29 digits in all with 28 places
        Err(_) if whole == 29 => Err(DecimalProblem::TooLarge),
        Err(_) => Err(DecimalProblem::TooPrecise),
    }
}

/// Parses `10000`, `0.05`, `1_000_000`, `1e-2` or a percentage `5%` (= 0.05), exactly:
/// a value with more than 28 decimal places or beyond the largest decimal is refused as
/// too precise or too large, never rounded.
///
/// # Errors
/// A message with the accepted forms, or why the value has no exact decimal; the text
/// is quoted (at most 40 characters of it).
///
/// ```
/// use ltv_core::parse_decimal;
/// assert_eq!(parse_decimal("5%").unwrap(), parse_decimal("0.05").unwrap());
/// assert_eq!(parse_decimal("1_000").unwrap(), 1000.into());
/// assert!(parse_decimal("1.11111111111111111111111111111111").unwrap_err().contains("too precise"));
/// ```
pub fn parse_decimal(raw: &str) -> Result<Decimal, String> {
    let text = raw.trim().replace('_', "");
    let (number, percent) = match text.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (text.as_str(), false),
    };
    let shown: String = raw
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    let shown = if raw.chars().count() > 40 {
        format!("{shown}…")
    } else {
        shown
    };
    let exact = exact_decimal(number, true).and_then(|d| {
        if !percent {
            return Ok(d);
        }
        // d / 100 is exact when two more places fit
        if d.scale() + 2 > 28 {
            return Err(DecimalProblem::TooPrecise);
        }
        d.checked_div(Decimal::ONE_HUNDRED)
            .ok_or(DecimalProblem::TooLarge)
    });
    match exact {
        Ok(d) => Ok(d),
        Err(DecimalProblem::NotDecimal) => Err(format!(
            "'{shown}' is not a decimal number (examples: 10000, 0.05, 5%)"
        )),
        Err(problem) => Err(format!("'{shown}' is {}", problem.reason())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_decimal("0.05").unwrap().to_string(), "0.05");
        assert_eq!(parse_decimal("5%").unwrap(), parse_decimal("0.05").unwrap());
        assert_eq!(parse_decimal("1_000").unwrap(), Decimal::from(1000));
        assert_eq!(
            parse_decimal("1e-2").unwrap(),
            parse_decimal("0.01").unwrap()
        );
        assert!(parse_decimal("abc").is_err());
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal("NaN").is_err());
        assert_eq!(parse_decimal("5.5%").unwrap().to_string(), "0.055");
        let err = parse_decimal("0.000000000000000000000000001%").unwrap_err();
        assert!(err.contains("too precise"), "{err}");
    }
}
