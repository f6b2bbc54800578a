//! Checked decimal sums and ratios: overflow is an error, a zero denominator is `None`.

use ltv_core::{CoreError, Decimal};

use crate::error::Result;

/// `*acc += value`, checked.
pub(crate) fn add_to(acc: &mut Decimal, value: Decimal, what: &'static str) -> Result<()> {
    *acc = acc.checked_add(value).ok_or(CoreError::Overflow { what })?;
    Ok(())
}

/// `a − b`, checked.
pub(crate) fn sub(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    Ok(a.checked_sub(b).ok_or(CoreError::Overflow { what })?)
}

/// `a + b`, checked.
pub(crate) fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    Ok(a.checked_add(b).ok_or(CoreError::Overflow { what })?)
}

/// `num ÷ den`, or `None` when `den` is zero (the ratio is undefined, never a division
/// by zero).
pub(crate) fn ratio(num: Decimal, den: Decimal, what: &'static str) -> Result<Option<Decimal>> {
    if den.is_zero() {
        return Ok(None);
    }
    let q = num.checked_div(den).ok_or(CoreError::Overflow { what })?;
    Ok(Some(q.normalize()))
}
