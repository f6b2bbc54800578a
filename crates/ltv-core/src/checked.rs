//! Checked decimal arithmetic that turns overflow into [`CoreError::Overflow`].

use rust_decimal::Decimal;

use crate::error::{CoreError, Result};

pub(crate) fn mul(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_mul(b).ok_or(CoreError::Overflow { what })
}

pub(crate) fn div(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_div(b).ok_or(CoreError::Overflow { what })
}

pub(crate) fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_add(b).ok_or(CoreError::Overflow { what })
}

pub(crate) fn sub(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_sub(b).ok_or(CoreError::Overflow { what })
}

/// Product of several factors, checked at every step.
pub(crate) fn product(factors: &[Decimal], what: &'static str) -> Result<Decimal> {
    factors
        .iter()
        .try_fold(Decimal::ONE, |acc, &f| mul(acc, f, what))
}
