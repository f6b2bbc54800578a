//! Currencies for human output: the symbol written with an amount and the number of
//! decimals its minor unit has (yen 0, dollars 2).
//!
//! Computations never round; [`Currency::format`] rounds once, for display, to the
//! currency's minor units with the one strategy of [`crate::present`]. JSON keeps the
//! exact decimal strings.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::present::group;

/// ISO 4217 codes this crate knows: code, symbol, minor units.
const KNOWN: &[(&str, &str, u32)] = &[
    ("JPY", "¥", 0),
    ("USD", "$", 2),
    ("EUR", "€", 2),
    ("GBP", "£", 2),
    ("CNY", "CN¥", 2),
    ("KRW", "₩", 0),
    ("TWD", "NT$", 2),
    ("HKD", "HK$", 2),
    ("SGD", "S$", 2),
    ("AUD", "A$", 2),
    ("CAD", "CA$", 2),
    ("NZD", "NZ$", 2),
    ("CHF", "CHF ", 2),
    ("INR", "₹", 2),
    ("THB", "฿", 2),
    ("VND", "₫", 0),
    ("IDR", "Rp ", 2),
    ("PHP", "₱", 2),
    ("MYR", "RM ", 2),
    ("SEK", "SEK ", 2),
    ("NOK", "NOK ", 2),
    ("DKK", "DKK ", 2),
    ("BRL", "R$", 2),
    ("MXN", "MX$", 2),
];

/// Symbols that name one currency, with the code they stand for. `¥` is the yen (use
/// `CNY` for the yuan); `$` is the US dollar (use the code for other dollars).
const SYMBOLS: &[(&str, &str)] = &[
    ("¥", "JPY"),
    ("￥", "JPY"),
    ("円", "JPY"),
    ("$", "USD"),
    ("US$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₩", "KRW"),
    ("₹", "INR"),
    ("₫", "VND"),
];

/// A currency as amounts are shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Currency {
    /// The ISO 4217 code (`JPY`), when known.
    pub code: Option<String>,
    /// What is written with an amount: `¥`, `$`, `CHF ` (empty: no symbol).
    pub symbol: String,
    /// Whether the symbol follows the amount (`9,800円`).
    pub suffix: bool,
    /// Decimal places of the minor unit: 0 for JPY and KRW, 2 for USD and EUR.
    pub minor_units: u32,
}

impl Default for Currency {
    fn default() -> Self {
        Currency::none()
    }
}

impl Currency {
    /// No currency: plain numbers with two decimals.
    pub fn none() -> Currency {
        Currency {
            code: None,
            symbol: String::new(),
            suffix: false,
            minor_units: 2,
        }
    }

    /// A currency by ISO 4217 code (`JPY`, `usd`) or symbol (`¥`, `$`, `€`, `円`). Known
    /// codes and symbols get their minor units (yen and won 0, most others 2); any other
    /// three-capital-letter code is shown before the amount with 2 decimals, any other short
    /// text as a symbol with 2 decimals. Empty text is [`Currency::none`].
    ///
    /// # Errors
    /// [`CoreError::Unrecognized`] for text longer than 8 characters or with control
    /// characters.
    ///
    /// ```
    /// use ltv_core::Currency;
    /// let yen = Currency::parse("JPY")?;
    /// assert_eq!(yen.format("220400.76".parse()?), "¥220,401");
    /// assert_eq!(Currency::parse("¥")?, yen);
    /// assert_eq!(Currency::parse("$")?.format("-740".parse()?), "-$740.00");
    /// assert_eq!(Currency::parse("円")?.format("9800".parse()?), "9,800円");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(text: &str) -> Result<Currency> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(Currency::none());
        }
        if t.chars().count() > 8 || t.chars().any(char::is_control) {
            return Err(CoreError::Unrecognized {
                field: "currency",
                value: t.chars().take(40).collect(),
                allowed: "an ISO 4217 code such as JPY or USD, or a symbol such as ¥ or $",
            });
        }
        let upper = t.to_ascii_uppercase();
        if let Some(c) = Currency::of_code(&upper) {
            return Ok(c);
        }
        if let Some((sym, code)) = SYMBOLS.iter().find(|(s, _)| *s == t) {
            let mut c = Currency::of_code(code).unwrap_or_else(Currency::none);
            if *sym == "円" {
                c.symbol = "円".into();
                c.suffix = true;
            }
            return Ok(c);
        }
        if t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()) {
            return Ok(Currency {
                code: Some(upper.clone()),
                symbol: format!("{upper} "),
                suffix: false,
                minor_units: 2,
            });
        }
        Ok(Currency {
            code: None,
            symbol: t.to_owned(),
            suffix: false,
            minor_units: 2,
        })
    }

    fn of_code(code: &str) -> Option<Currency> {
        KNOWN
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(c, s, m)| Currency {
                code: Some((*c).to_owned()),
                symbol: (*s).to_owned(),
                suffix: false,
                minor_units: *m,
            })
    }

    /// An amount rounded to the minor units, grouped, with the symbol: `¥220,401`,
    /// `-$740.00`, `9,800円`.
    pub fn format(&self, value: Decimal) -> String {
        self.with_symbol(group(value, self.minor_units))
    }

    /// An amount in whole units, for sentences and large totals: `$1,073`, `¥226,800`.
    pub fn format_whole(&self, value: Decimal) -> String {
        self.with_symbol(group(value, 0))
    }

    /// The symbol placed around an already formatted number (after a minus sign).
    pub fn with_symbol(&self, number: String) -> String {
        if self.suffix {
            return format!("{number}{}", self.symbol);
        }
        match number.strip_prefix('-') {
            Some(abs) => format!("-{}{abs}", self.symbol),
            None => format!("{}{number}", self.symbol),
        }
    }

    /// A label for axes and headings: the code, else the symbol (`JPY`, `円`).
    pub fn label(&self) -> String {
        match &self.code {
            Some(c) => c.clone(),
            None => self.symbol.trim().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn codes_and_symbols() {
        let yen = Currency::parse("jpy").unwrap();
        assert_eq!((yen.symbol.as_str(), yen.minor_units), ("¥", 0));
        assert_eq!(Currency::parse("￥").unwrap(), yen);
        assert_eq!(
            Currency::parse(" USD ").unwrap(),
            Currency::parse("$").unwrap()
        );
        assert_eq!(
            Currency::parse("CHF").unwrap().format(d("12.5")),
            "CHF 12.50"
        );
        assert_eq!(Currency::parse("XYZ").unwrap().format(d("1")), "XYZ 1.00");
        assert_eq!(Currency::parse("pts").unwrap().format(d("1")), "pts1.00");
        assert_eq!(Currency::parse("").unwrap(), Currency::none());
        assert_eq!(Currency::none().format(d("-1234.5")), "-1,234.50");
        assert_eq!(
            Currency::parse("KRW").unwrap().format(d("1500.5")),
            "₩1,501"
        );
        assert_eq!(Currency::parse("円").unwrap().format(d("-98.4")), "-98円");
        assert!(Currency::parse("a very long name").is_err());
        assert!(Currency::parse("\u{1b}[31m").is_err());
    }

    #[test]
    fn rounds_once_half_away_from_zero() {
        let yen = Currency::parse("JPY").unwrap();
        assert_eq!(yen.format(d("0.5")), "¥1");
        assert_eq!(yen.format(d("-0.5")), "-¥1");
        assert_eq!(yen.format(d("220400.76")), "¥220,401");
        assert_eq!(
            Currency::parse("$").unwrap().format_whole(d("1073.49")),
            "$1,073"
        );
    }
}
