//! Validated rates: churn, gross margin, discount rate.
//!
//! Each constructor rejects values outside the range the formulas assume, with a
//! [`CoreError::OutOfRange`] that names the field and the allowed range, so an
//! impossible rate never reaches a formula.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{CoreError, Result};

/// Share of customers lost per period, in (0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Churn(Decimal);

impl Churn {
    /// Allowed range, as shown in error messages.
    pub const RANGE: &'static str = "in (0, 1]";

    /// A churn rate per period.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] unless `0 < value <= 1`.
    pub fn new(value: Decimal) -> Result<Self> {
        Self::named("churn", value)
    }

    /// Like [`Churn::new`] but reports `field` in the error (e.g. `new_churn`).
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] unless `0 < value <= 1`.
    pub fn named(field: &'static str, value: Decimal) -> Result<Self> {
        if value > Decimal::ZERO && value <= Decimal::ONE {
            Ok(Self(value))
        } else {
            Err(CoreError::OutOfRange {
                field,
                value,
                allowed: Self::RANGE,
            })
        }
    }

    /// The rate as a decimal fraction.
    pub fn get(self) -> Decimal {
        self.0
    }
}

/// Gross margin as a fraction of revenue, in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Margin(Decimal);

impl Margin {
    /// Allowed range, as shown in error messages.
    pub const RANGE: &'static str = "in [0, 1]";
    /// A margin of 1: revenue counts in full.
    pub const FULL: Margin = Margin(Decimal::ONE);

    /// A gross margin.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] unless `0 <= value <= 1`.
    pub fn new(value: Decimal) -> Result<Self> {
        Self::named("margin", value)
    }

    /// Like [`Margin::new`] but reports `field` in the error.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] unless `0 <= value <= 1`.
    pub fn named(field: &'static str, value: Decimal) -> Result<Self> {
        if (Decimal::ZERO..=Decimal::ONE).contains(&value) {
            Ok(Self(value))
        } else {
            Err(CoreError::OutOfRange {
                field,
                value,
                allowed: Self::RANGE,
            })
        }
    }

    /// The margin as a decimal fraction.
    pub fn get(self) -> Decimal {
        self.0
    }
}

/// Discount rate per period, at least 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DiscountRate(Decimal);

impl DiscountRate {
    /// Allowed range, as shown in error messages.
    pub const RANGE: &'static str = ">= 0";
    /// No discounting.
    pub const ZERO: DiscountRate = DiscountRate(Decimal::ZERO);

    /// A discount rate per period.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] if `value < 0`.
    pub fn new(value: Decimal) -> Result<Self> {
        Self::named("discount_rate", value)
    }

    /// Like [`DiscountRate::new`] but reports `field` in the error.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] if `value < 0`.
    pub fn named(field: &'static str, value: Decimal) -> Result<Self> {
        if value >= Decimal::ZERO {
            Ok(Self(value))
        } else {
            Err(CoreError::OutOfRange {
                field,
                value,
                allowed: Self::RANGE,
            })
        }
    }

    /// The rate as a decimal fraction.
    pub fn get(self) -> Decimal {
        self.0
    }
}

/// Checks that `value > 0`.
///
/// # Errors
/// [`CoreError::OutOfRange`] naming `field` otherwise.
pub fn positive(field: &'static str, value: Decimal) -> Result<Decimal> {
    if value > Decimal::ZERO {
        Ok(value)
    } else {
        Err(CoreError::OutOfRange {
            field,
            value,
            allowed: "> 0",
        })
    }
}

/// Checks that `value >= 0`.
///
/// # Errors
/// [`CoreError::OutOfRange`] naming `field` otherwise.
pub fn non_negative(field: &'static str, value: Decimal) -> Result<Decimal> {
    if value >= Decimal::ZERO {
        Ok(value)
    } else {
        Err(CoreError::OutOfRange {
            field,
            value,
            allowed: ">= 0",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn churn_bounds() {
        assert!(Churn::new(d("0")).is_err());
        assert!(Churn::new(d("0.0001")).is_ok());
        assert!(Churn::new(d("1")).is_ok());
        let err = Churn::new(d("1.5")).unwrap_err();
        assert_eq!(err.to_string(), "churn must be in (0, 1], got 1.5");
        assert_eq!(err.field(), Some("churn"));
    }

    #[test]
    fn margin_bounds() {
        assert!(Margin::new(d("0")).is_ok());
        assert!(Margin::new(d("1")).is_ok());
        assert_eq!(
            Margin::new(d("-0.1")).unwrap_err().to_string(),
            "margin must be in [0, 1], got -0.1"
        );
    }

    #[test]
    fn discount_rate_bounds() {
        assert!(DiscountRate::new(d("0")).is_ok());
        assert_eq!(
            DiscountRate::new(d("-0.01")).unwrap_err().to_string(),
            "discount_rate must be >= 0, got -0.01"
        );
    }
}
