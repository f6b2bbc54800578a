//! Presentation: the one rounding strategy and number formatting for human output.
//!
//! Computations keep full precision; values are rounded once, here, when shown.
//! Strategy: round half away from zero ([`RoundingStrategy::MidpointAwayFromZero`]) to
//! [`MONEY_DP`] places for money and ratios, [`PERCENT_DP`] for percentages.
//! JSON output carries the unrounded value as a decimal string.

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places shown for money amounts and ratios.
pub const MONEY_DP: u32 = 2;
/// Decimal places shown for percentages.
pub const PERCENT_DP: u32 = 1;

/// Rounds `value` to `dp` places, half away from zero.
pub fn round(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats `value` rounded to `dp` places with `,` thousands separators: `117,833.33`.
///
/// ```
/// use ltv_core::present::group;
/// assert_eq!(group("1234567.891".parse().unwrap(), 2), "1,234,567.89");
/// assert_eq!(group("-0.5".parse().unwrap(), 0), "-1");
/// ```
pub fn group(value: Decimal, dp: u32) -> String {
    let mut rounded = round(value, dp);
    rounded.rescale(dp);
    let text = rounded.abs().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Money for humans: two places, grouped.
pub fn money(value: Decimal) -> String {
    group(value, MONEY_DP)
}

/// A fraction shown as a percentage: `0.25` → `25.0%` (`overflow` when too large to show).
pub fn percent(fraction: Decimal) -> String {
    match fraction.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", group(p, PERCENT_DP)),
        None => "overflow".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(money(d("0.005")), "0.01");
        assert_eq!(money(d("-0.005")), "-0.01");
        assert_eq!(money(d("117833.3333")), "117,833.33");
        assert_eq!(money(d("100")), "100.00");
        assert_eq!(money(d("-0.001")), "0.00");
    }

    #[test]
    fn percents() {
        assert_eq!(percent(d("0.25")), "25.0%");
        assert_eq!(percent(d("-0.0125")), "-1.3%");
        assert_eq!(percent(Decimal::MAX), "overflow");
    }
}
