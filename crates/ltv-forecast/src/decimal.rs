//! The crate boundary for money: float results to `Decimal`.

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use crate::error::ForecastError;

/// Converts a finite float result into a `Decimal` (about 15 significant digits, the
/// precision of the `f64` it came from); non-finite values are an error, never 0.
pub(crate) fn to_decimal(field: &'static str, x: f64) -> Result<Decimal, ForecastError> {
    Decimal::from_f64(x)
        .filter(|_| x.is_finite())
        .ok_or_else(|| ForecastError::NotRepresentable {
            field,
            value: x.to_string(),
        })
}
