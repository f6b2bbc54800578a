//! Guarding decimals sent as JSON numbers against silent rounding.
//!
//! serde_json reads a JSON number with a fraction or an exponent (and an integer beyond
//! 64 bits) as an `f64`; `rust_decimal` then takes the shortest decimal that prints
//! that `f64`. For every number of up to 15 significant digits that is exactly the
//! number sent (`0.1` stays `0.1`), but `0.12345678901234567891` would become
//! `0.12345678901234568`. Rather than compute with a value the client did not send,
//! the server finds such numbers and rejects the request, asking for a string
//! (strings are always exact). We chose this over serde_json's `arbitrary_precision`
//! feature, which is unified across the whole workspace and breaks integers inside
//! internally tagged and flattened types of every other crate.

use std::str::FromStr;

use ltv_core::Decimal;
use ltv_segments::{exact_decimal, DecimalProblem};
use serde_json::Value;

/// The first string in `value` that reads as a decimal number but has no exact
/// [`Decimal`] (more than 28 places, or too large), with its path (`arpu`,
/// `items[2].cost`): rust_decimal would round the first silently.
pub(crate) fn first_inexact_string(value: &Value) -> Option<(String, String, DecimalProblem)> {
    fn walk(value: &Value, path: &mut String) -> Option<(String, String, DecimalProblem)> {
        match value {
            Value::String(text) => match exact_decimal(text.trim(), true) {
                Err(problem @ (DecimalProblem::TooPrecise | DecimalProblem::TooLarge)) => {
                    Some((path.clone(), text.clone(), problem))
                }
                _ => None,
            },
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(item, path);
                path.truncate(len);
                found
            }),
            Value::Object(fields) => fields.iter().find_map(|(key, item)| {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let found = walk(item, path);
                path.truncate(len);
                found
            }),
            _ => None,
        }
    }
    walk(value, &mut String::new())
}

/// The first number in `json` (already known to be valid JSON) whose value would not
/// survive the trip through an `f64`, if any.
pub(crate) fn first_inexact_number(json: &[u8]) -> Option<&str> {
    let mut i = 0;
    while let Some(&byte) = json.get(i) {
        match byte {
            b'"' => i = skip_string(json, i + 1),
            b'-' | b'0'..=b'9' => {
                let start = i;
                while json
                    .get(i)
                    .is_some_and(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    i += 1;
                }
                let token = std::str::from_utf8(json.get(start..i)?).ok()?;
                if !survives_f64(token) {
                    return Some(token);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The index just past the closing quote of the string whose content starts at `i`.
fn skip_string(json: &[u8], mut i: usize) -> usize {
    while let Some(&byte) = json.get(i) {
        match byte {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Whether serde_json + rust_decimal read `token` as exactly the value it denotes.
fn survives_f64(token: &str) -> bool {
    let integer = !token.contains(['.', 'e', 'E']);
    if integer && (token.parse::<i64>().is_ok() || token.parse::<u64>().is_ok()) {
        return true; // read as an integer, exactly
    }
    let exact = Decimal::from_str(token).or_else(|_| Decimal::from_scientific(token));
    let Ok(exact) = exact else {
        return true; // not a decimal at all: a Decimal field rejects it with its own error
    };
    let Ok(float) = token.parse::<f64>() else {
        return true;
    };
    // What rust_decimal's `visit_f64` makes of it.
    match Decimal::from_str(&float.to_string()) {
        Ok(read) => read == exact,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_are_exact() {
        let body = br#"{"arpu": 10000, "churn": 0.05, "margin": 0.1, "x": -1.5e3, "y": 1E-7}"#;
        assert_eq!(first_inexact_number(body), None);
    }

    #[test]
    fn long_numbers_are_caught() {
        let body = br#"{"arpu": "0.12345678901234567891", "churn": 0.12345678901234567891}"#;
        assert_eq!(first_inexact_number(body), Some("0.12345678901234567891"));
        assert_eq!(
            first_inexact_number(b"[123456789012345678901234]"),
            Some("123456789012345678901234")
        );
    }

    #[test]
    fn numbers_inside_strings_are_ignored() {
        let body = br#"{"a\"0.12345678901234567891": "x\\", "b": 2}"#;
        assert_eq!(first_inexact_number(body), None);
    }

    #[test]
    fn big_integers_within_64_bits_are_exact() {
        assert_eq!(
            first_inexact_number(b"[18446744073709551615, -9223372036854775808]"),
            None
        );
    }
}
