//! Parsing decimal flags exactly (never through a float): ltv-core's one parser.

use ltv_core::Decimal;

/// Parses `10000`, `0.05`, `1_000_000`, `1e-2` or a percentage `5%` (= 0.05).
pub fn parse(raw: &str) -> Result<Decimal, String> {
    ltv_core::parse_decimal(raw)
}
