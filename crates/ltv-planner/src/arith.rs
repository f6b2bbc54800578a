//! Checked decimal arithmetic on ltv-core's helpers: overflow becomes
//! [`PlanError::Overflow`], never a panic.

use ltv_core::checked;
use rust_decimal::Decimal;

use crate::error::{PlanError, Result};

pub(crate) fn mul(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    checked::mul(a, b, what).map_err(|_| PlanError::Overflow { what })
}

pub(crate) fn div(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    checked::div(a, b, what).map_err(|_| PlanError::Overflow { what })
}

pub(crate) fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    checked::add(a, b, what).map_err(|_| PlanError::Overflow { what })
}

pub(crate) fn sub(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    checked::sub(a, b, what).map_err(|_| PlanError::Overflow { what })
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
