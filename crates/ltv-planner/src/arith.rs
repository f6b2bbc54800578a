//! Checked decimal arithmetic: overflow becomes [`PlanError::Overflow`], never a panic.

use rust_decimal::Decimal;

use crate::error::{PlanError, Result};

pub(crate) fn mul(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_mul(b).ok_or(PlanError::Overflow { what })
}

pub(crate) fn div(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_div(b).ok_or(PlanError::Overflow { what })
}

pub(crate) fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_add(b).ok_or(PlanError::Overflow { what })
}

pub(crate) fn sub(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_sub(b).ok_or(PlanError::Overflow { what })
}

/// `(after − before) ÷ before × 100`; `None` when `before` is 0.
pub(crate) fn change_pct(before: Decimal, after: Decimal) -> Result<Option<Decimal>> {
    if before.is_zero() {
        return Ok(None);
    }
    let diff = sub(after, before, "change")?;
    let frac = div(diff, before, "relative change")?;
    mul(frac, Decimal::ONE_HUNDRED, "percent change").map(|p| Some(p.normalize()))
}
