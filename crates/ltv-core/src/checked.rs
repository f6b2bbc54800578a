//! Checked decimal arithmetic that turns overflow into [`CoreError::Overflow`] naming
//! what was being computed. Other crates use these too, so overflow reads the same
//! everywhere.

use rust_decimal::Decimal;

use crate::error::{CoreError, Result};

/// `a × b`.
///
/// # Errors
/// [`CoreError::Overflow`] naming `what`.
pub fn mul(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_mul(b).ok_or(CoreError::Overflow { what })
}

/// `a ÷ b`; division by zero is reported as overflow.
///
/// # Errors
/// [`CoreError::Overflow`] naming `what`.
pub fn div(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_div(b).ok_or(CoreError::Overflow { what })
}

/// `a + b`.
///
/// # Errors
/// [`CoreError::Overflow`] naming `what`.
pub fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_add(b).ok_or(CoreError::Overflow { what })
}

/// `a − b`.
///
/// # Errors
/// [`CoreError::Overflow`] naming `what`.
pub fn sub(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_sub(b).ok_or(CoreError::Overflow { what })
}

/// Product of several factors, checked at every step.
///
/// # Errors
/// [`CoreError::Overflow`] naming `what`.
pub fn product(factors: &[Decimal], what: &'static str) -> Result<Decimal> {
    factors
        .iter()
        .try_fold(Decimal::ONE, |acc, &f| mul(acc, f, what))
}
