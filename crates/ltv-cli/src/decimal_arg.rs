//! Parsing decimal flags exactly (never through a float).

use ltv_core::Decimal;
use ltv_segments::{exact_decimal, DecimalProblem};

/// Parses `10000`, `0.05`, `1_000_000`, `1e-2` or a percentage `5%` (= 0.05),
/// exactly: a value with more than 28 decimal places or beyond the largest decimal is
/// refused as too precise or too large, never rounded.
pub fn parse(raw: &str) -> Result<Decimal, String> {
    let text = raw.trim().replace('_', "");
    let (number, percent) = match text.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (text.as_str(), false),
    };
    let shown = crate::error::clip(raw);
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
        assert_eq!(parse("0.05").unwrap().to_string(), "0.05");
        assert_eq!(parse("5%").unwrap(), parse("0.05").unwrap());
        assert_eq!(parse("1_000").unwrap(), Decimal::from(1000));
        assert_eq!(parse("1e-2").unwrap(), parse("0.01").unwrap());
        assert!(parse("abc").is_err());
        assert!(parse("").is_err());
        assert!(parse("NaN").is_err());
        assert_eq!(parse("5.5%").unwrap().to_string(), "0.055");
    }

    #[test]
    fn too_precise_or_too_large_is_refused_not_rounded() {
        let err = parse("1.11111111111111111111111111111111111").unwrap_err();
        assert!(err.contains("too precise"), "{err}");
        let err = parse("1e30").unwrap_err();
        assert!(err.contains("too large"), "{err}");
        let err = parse("123456789012345678901234567890").unwrap_err();
        assert!(err.contains("too large"), "{err}");
        let err = parse("0.000000000000000000000000001%").unwrap_err();
        assert!(err.contains("too precise"), "{err}");
    }
}
