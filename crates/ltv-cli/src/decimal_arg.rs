//! Parsing decimal flags exactly (never through a float).

use ltv_core::Decimal;

/// Parses `10000`, `0.05`, `1_000_000`, `1e-2` or a percentage `5%` (= 0.05).
pub fn parse(raw: &str) -> Result<Decimal, String> {
    let text = raw.trim().replace('_', "");
    let (number, percent) = match text.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (text.as_str(), false),
    };
    let parsed = if number.contains(['e', 'E']) {
        Decimal::from_scientific(number).ok()
    } else {
        number.parse::<Decimal>().ok()
    };
    match parsed {
        Some(d) if percent => Ok(d / Decimal::ONE_HUNDRED),
        Some(d) => Ok(d),
        None => Err(format!(
            "'{raw}' is not a decimal number (examples: 10000, 0.05, 5%)"
        )),
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
    }
}
