//! Reading a decimal written by a person, exactly (never through a float): the one
//! parser behind the CLI's decimal flags and the server's text fields.

use rust_decimal::Decimal;

/// Parses `10000`, `0.05`, `1_000_000`, `1e-2` or a percentage `5%` (= 0.05).
///
/// # Errors
/// A message with the accepted forms.
///
/// ```
/// use ltv_core::parse_decimal;
/// assert_eq!(parse_decimal("5%").unwrap(), parse_decimal("0.05").unwrap());
/// assert_eq!(parse_decimal("1_000").unwrap(), 1000.into());
/// ```
pub fn parse_decimal(raw: &str) -> Result<Decimal, String> {
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
    }
}
