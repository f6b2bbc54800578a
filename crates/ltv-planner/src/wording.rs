//! How numbers are worded in generated sentences (headlines, executive summaries).
//!
//! All rounding goes through [`ltv_core::present`], once, here.

use ltv_core::present::{group, money, PERCENT_DP};
use rust_decimal::Decimal;

/// A percentage (already ×100) with its sign: `+25.0%`, `-3.2%`.
pub(crate) fn signed_pct(pct: Decimal) -> String {
    let text = format!("{}%", group(pct, PERCENT_DP));
    if pct.is_sign_negative() || text.starts_with('-') || is_zero_shown(&text) {
        text
    } else {
        format!("+{text}")
    }
}

fn is_zero_shown(text: &str) -> bool {
    text.trim_end_matches('%')
        .chars()
        .all(|c| c == '0' || c == '.')
}

/// A percentage (already ×100) without sign decoration: `25.0%`.
pub(crate) fn pct(pct: Decimal) -> String {
    format!("{}%", group(pct, PERCENT_DP))
}

/// A fraction as a percentage: `1.4` → `140.0%` (`too large` past Decimal's range).
pub(crate) fn fraction_pct(fraction: Decimal) -> String {
    match fraction.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => pct(p),
        None => "too large".to_owned(),
    }
}

/// An amount for sentences in the currency's own style (`currency` is a symbol or ISO
/// code, e.g. `¥`, `$`, `JPY`): whole units from 1,000 up (`¥175,000`, `-$3,000`), the
/// currency's minor units below (`$37.38`; yen never have decimals).
pub(crate) fn amount(currency: &str, value: Decimal) -> String {
    let c = ltv_core::Currency::parse(currency).unwrap_or_else(|_| ltv_core::Currency {
        symbol: currency.to_owned(),
        ..ltv_core::Currency::none()
    });
    if value.abs() >= Decimal::from(1000) {
        c.format_whole(value)
    } else {
        c.format(value)
    }
}

/// A ratio: `3.13`.
pub(crate) fn ratio(value: Decimal) -> String {
    money(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn words() {
        assert_eq!(signed_pct(d("25")), "+25.0%");
        assert_eq!(signed_pct(d("-3.25")), "-3.3%");
        assert_eq!(signed_pct(d("0")), "0.0%");
        assert_eq!(amount("¥", d("-3000.4")), "-¥3,000");
        assert_eq!(amount("", d("175000")), "175,000");
        assert_eq!(amount("$", d("37.375")), "$37.38");
        assert_eq!(amount("¥", d("37.5")), "¥38");
        assert_eq!(amount("円", d("9800")), "9,800円");
        assert_eq!(fraction_pct(d("1.4")), "140.0%");
        assert_eq!(ratio(d("3.125")), "3.13");
        assert_eq!(pct(d("25")), "25.0%");
    }
}
