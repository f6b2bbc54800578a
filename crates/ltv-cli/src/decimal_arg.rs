//! Parsing decimal flags exactly (never through a float, never rounded): ltv-core's one
//! parser.

use ltv_core::Decimal;

/// Parses `10000`, `0.05`, `1_000_000`, `1e-2` or a percentage `5%` (= 0.05),
/// exactly: a value with more than 28 decimal places or beyond the largest decimal is
/// refused as too precise or too large, never rounded.
pub fn parse(raw: &str) -> Result<Decimal, String> {
    ltv_core::parse_decimal(raw)
}
