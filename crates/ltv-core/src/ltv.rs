//! The LTV formulas, one struct per business model.
//!
//! Each model is a plain struct of its inputs; [`Subscription::ltv`] and its siblings
//! validate the inputs and return the lifetime value at full decimal precision.
//! The structs derive `Serialize`/`Deserialize` so the CLI and the server accept and
//! echo the same field names.

use rust_decimal::prelude::MathematicalOps;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::checked::{add, div, mul, product, sub};
use crate::error::{CoreError, Result};
use crate::rate::{non_negative, positive, Churn, DiscountRate, Margin};

fn one() -> Decimal {
    Decimal::ONE
}

fn is_zero(d: &Decimal) -> bool {
    d.is_zero()
}

/// Subscription LTV: ARPU × margin ÷ churn, optionally discounted and over a finite horizon.
///
/// Convention: the first payment is at t = 0 and a customer survives each period with
/// probability 1 − churn, so with q = (1 − churn) ÷ (1 + d)
///
/// LTV = ARPU · m · Σ_{t=0}^{H−1} qᵗ = ARPU · m · (1 − q^H) ÷ (1 − q),
///
/// and with H = ∞, LTV = ARPU · m · (1 + d) ÷ (churn + d); with d = 0, ARPU · m ÷ churn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// Average revenue per user and period (money), > 0.
    pub arpu: Decimal,
    /// Churn per period, in (0, 1]; 0 is allowed only with a finite `horizon`.
    pub churn: Decimal,
    /// Gross margin in [0, 1]; default 1.
    #[serde(default = "one")]
    pub margin: Decimal,
    /// Discount rate per period, >= 0; default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub discount_rate: Decimal,
    /// Number of periods to count; `None` is an infinite horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<u32>,
    /// Customer acquisition cost, for the LTV/CAC ratio and payback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cac: Option<Decimal>,
}

impl Subscription {
    /// The lifetime value.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] for `arpu <= 0`, churn outside [0, 1], margin outside
    /// [0, 1], a negative discount rate or a zero horizon;
    /// [`CoreError::ZeroChurnWithoutHorizon`] for churn 0 with no horizon;
    /// [`CoreError::Overflow`] when the result does not fit.
    pub fn ltv(&self) -> Result<Decimal> {
        let arpu = positive("arpu", self.arpu)?;
        let margin = Margin::new(self.margin)?;
        let d = DiscountRate::new(self.discount_rate)?.get();
        let churn = if self.churn.is_zero() && self.horizon.is_some() {
            Decimal::ZERO
        } else if self.churn.is_zero() {
            return Err(CoreError::ZeroChurnWithoutHorizon);
        } else {
            Churn::new(self.churn)?.get()
        };
        let value = mul(arpu, margin.get(), "arpu × margin")?;
        let periods = match self.horizon {
            None => div(
                add(Decimal::ONE, d, "1 + discount rate")?,
                add(churn, d, "churn + discount rate")?,
                "discounted lifetime",
            )?,
            Some(0) => {
                return Err(CoreError::OutOfRange {
                    field: "horizon",
                    value: Decimal::ZERO,
                    allowed: ">= 1",
                })
            }
            Some(h) => discounted_periods(churn, d, h)?,
        };
        mul(value, periods, "subscription LTV")
    }

    /// Expected lifetime in periods, 1 ÷ churn; `None` when churn is 0.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] for churn outside [0, 1].
    pub fn expected_lifetime(&self) -> Result<Option<Decimal>> {
        if self.churn.is_zero() {
            return Ok(None);
        }
        expected_lifespan(Churn::new(self.churn)?).map(Some)
    }

    /// Gross profit per customer and period, ARPU × margin.
    ///
    /// # Errors
    /// As for [`Subscription::ltv`].
    pub fn gross_profit_per_period(&self) -> Result<Decimal> {
        let arpu = positive("arpu", self.arpu)?;
        mul(arpu, Margin::new(self.margin)?.get(), "arpu × margin")
    }
}

/// Σ_{t=0}^{H−1} qᵗ with q = (1 − churn) ÷ (1 + d).
fn discounted_periods(churn: Decimal, d: Decimal, horizon: u32) -> Result<Decimal> {
    let q = div(
        sub(Decimal::ONE, churn, "1 − churn")?,
        add(Decimal::ONE, d, "1 + discount rate")?,
        "survival discount factor",
    )?;
    if q == Decimal::ONE {
        return Ok(Decimal::from(horizon));
    }
    let q_h = q
        .checked_powu(u64::from(horizon))
        .ok_or(CoreError::Overflow {
            what: "survival over the horizon",
        })?;
    div(
        sub(Decimal::ONE, q_h, "1 − q^H")?,
        sub(Decimal::ONE, q, "1 − q")?,
        "discounted lifetime",
    )
}

/// General LTV = average purchase value × gross margin × purchase frequency × lifespan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct General {
    /// Average purchase value (money), > 0.
    pub price: Decimal,
    /// Gross margin in [0, 1].
    pub margin: Decimal,
    /// Purchases per period, > 0.
    pub frequency: Decimal,
    /// Lifespan in periods, > 0.
    pub lifespan: Decimal,
    /// Customer acquisition cost, for the LTV/CAC ratio and payback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cac: Option<Decimal>,
}

impl General {
    /// The lifetime value.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] for non-positive price, frequency or lifespan or a margin
    /// outside [0, 1]; [`CoreError::Overflow`].
    pub fn ltv(&self) -> Result<Decimal> {
        mul(
            self.gross_profit_per_period()?,
            positive("lifespan", self.lifespan)?,
            "general LTV",
        )
    }

    /// Gross profit per customer and period: price × margin × frequency.
    ///
    /// # Errors
    /// As for [`General::ltv`].
    pub fn gross_profit_per_period(&self) -> Result<Decimal> {
        product(
            &[
                positive("price", self.price)?,
                Margin::new(self.margin)?.get(),
                positive("frequency", self.frequency)?,
            ],
            "price × margin × frequency",
        )
    }
}

/// Revenue-based LTV = average purchase value × purchase frequency × lifespan.
///
/// The SaaS variant is ARPU × average lifetime in months: price = ARPU, frequency = 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Revenue {
    /// Average purchase value (money), > 0.
    pub price: Decimal,
    /// Purchases per period, > 0.
    pub frequency: Decimal,
    /// Lifespan in periods, > 0.
    pub lifespan: Decimal,
    /// Customer acquisition cost, for the LTV/CAC ratio and payback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cac: Option<Decimal>,
}

impl Revenue {
    /// The lifetime value.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] for non-positive inputs; [`CoreError::Overflow`].
    pub fn ltv(&self) -> Result<Decimal> {
        mul(
            self.revenue_per_period()?,
            positive("lifespan", self.lifespan)?,
            "revenue LTV",
        )
    }

    /// Revenue per customer and period: price × frequency.
    ///
    /// # Errors
    /// As for [`Revenue::ltv`].
    pub fn revenue_per_period(&self) -> Result<Decimal> {
        mul(
            positive("price", self.price)?,
            positive("frequency", self.frequency)?,
            "price × frequency",
        )
    }
}

/// Profit-based LTV = (price × frequency × lifespan × gross margin) − (CAC + retention cost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Profit {
    /// Average purchase value (money), > 0.
    pub price: Decimal,
    /// Purchases per period, > 0.
    pub frequency: Decimal,
    /// Lifespan in periods, > 0.
    pub lifespan: Decimal,
    /// Gross margin in [0, 1].
    pub margin: Decimal,
    /// Customer acquisition cost (money), >= 0.
    pub cac: Decimal,
    /// Retention cost over the customer's lifetime (money), >= 0; default 0.
    #[serde(default)]
    pub retention_cost: Decimal,
}

impl Profit {
    /// The lifetime value; negative when costs exceed gross profit.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] for non-positive price, frequency or lifespan, a margin
    /// outside [0, 1] or negative costs; [`CoreError::Overflow`].
    pub fn ltv(&self) -> Result<Decimal> {
        let gross = mul(
            self.gross_profit_per_period()?,
            positive("lifespan", self.lifespan)?,
            "lifetime gross profit",
        )?;
        let costs = add(
            non_negative("cac", self.cac)?,
            non_negative("retention_cost", self.retention_cost)?,
            "cac + retention cost",
        )?;
        sub(gross, costs, "profit LTV")
    }

    /// Gross profit per customer and period: price × frequency × margin.
    ///
    /// # Errors
    /// As for [`Profit::ltv`].
    pub fn gross_profit_per_period(&self) -> Result<Decimal> {
        product(
            &[
                positive("price", self.price)?,
                positive("frequency", self.frequency)?,
                Margin::new(self.margin)?.get(),
            ],
            "price × frequency × margin",
        )
    }
}

/// E-commerce LTV = average order value × purchases per year × lifespan in years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Ecommerce {
    /// Average order value (money), > 0.
    pub aov: Decimal,
    /// Orders per year, > 0.
    pub frequency: Decimal,
    /// Lifespan in years, > 0.
    pub lifespan: Decimal,
    /// Customer acquisition cost, for the LTV/CAC ratio and payback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cac: Option<Decimal>,
}

impl Ecommerce {
    /// The lifetime value.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] for non-positive inputs; [`CoreError::Overflow`].
    pub fn ltv(&self) -> Result<Decimal> {
        mul(
            self.revenue_per_year()?,
            positive("lifespan", self.lifespan)?,
            "e-commerce LTV",
        )
    }

    /// Revenue per customer and year: AOV × frequency.
    ///
    /// # Errors
    /// As for [`Ecommerce::ltv`].
    pub fn revenue_per_year(&self) -> Result<Decimal> {
        mul(
            positive("aov", self.aov)?,
            positive("frequency", self.frequency)?,
            "aov × frequency",
        )
    }
}

/// Expected lifespan in periods from a constant churn rate: 1 ÷ churn.
///
/// # Errors
/// [`CoreError::Overflow`] cannot happen for a valid [`Churn`] but is reported, not panicked.
pub fn expected_lifespan(churn: Churn) -> Result<Decimal> {
    div(Decimal::ONE, churn.get(), "expected lifespan")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn sub(arpu: &str, churn: &str, margin: &str) -> Subscription {
        Subscription {
            arpu: d(arpu),
            churn: d(churn),
            margin: d(margin),
            discount_rate: Decimal::ZERO,
            horizon: None,
            cac: None,
        }
    }

    #[test]
    fn saas_revenue_variant() {
        // ARPU 10,000 × 24 months = 240,000
        let r = Revenue {
            price: d("10000"),
            frequency: d("1"),
            lifespan: d("24"),
            cac: None,
        };
        assert_eq!(r.ltv().unwrap(), d("240000"));
    }

    #[test]
    fn general_worked_example() {
        // 50,000 × 0.40 × 2 per year × 3 years = 120,000
        let g = General {
            price: d("50000"),
            margin: d("0.40"),
            frequency: d("2"),
            lifespan: d("3"),
            cac: None,
        };
        assert_eq!(g.ltv().unwrap(), d("120000"));
    }

    #[test]
    fn subscription_worked_examples() {
        assert_eq!(sub("10000", "0.05", "1").ltv().unwrap(), d("200000"));
        assert_eq!(sub("10000", "0.05", "0.70").ltv().unwrap(), d("140000"));
        assert_eq!(
            sub("10000", "0.05", "1").expected_lifetime().unwrap(),
            Some(d("20"))
        );
    }

    #[test]
    fn subscription_discounted_worked_example() {
        // 7,000 × 1.01 / 0.06 = 117,833.33…
        let mut s = sub("10000", "0.05", "0.70");
        s.discount_rate = d("0.01");
        let ltv = s.ltv().unwrap();
        assert_eq!(ltv.round_dp(2), d("117833.33"));
        assert_eq!(ltv, d("7070") / d("0.06"));
    }

    #[test]
    fn subscription_finite_horizon() {
        // undiscounted, churn 0.5, H = 2: 1 + 0.5 = 1.5 periods
        let mut s = sub("100", "0.5", "1");
        s.horizon = Some(2);
        assert_eq!(s.ltv().unwrap(), d("150"));
        // zero churn with a horizon counts every period
        let mut s = sub("100", "0", "1");
        s.horizon = Some(12);
        assert_eq!(s.ltv().unwrap(), d("1200"));
    }

    #[test]
    fn subscription_zero_churn_needs_horizon() {
        let err = sub("100", "0", "1").ltv().unwrap_err();
        assert_eq!(err, CoreError::ZeroChurnWithoutHorizon);
        assert!(err.to_string().contains("--horizon"));
    }

    #[test]
    fn subscription_zero_horizon_rejected() {
        let mut s = sub("100", "0.1", "1");
        s.horizon = Some(0);
        assert_eq!(s.ltv().unwrap_err().field(), Some("horizon"));
    }

    #[test]
    fn ecommerce_worked_example() {
        // AOV 8,000 × 4 per year × 5 years = 160,000
        let e = Ecommerce {
            aov: d("8000"),
            frequency: d("4"),
            lifespan: d("5"),
            cac: None,
        };
        assert_eq!(e.ltv().unwrap(), d("160000"));
    }

    #[test]
    fn profit_subtracts_costs() {
        let p = Profit {
            price: d("50000"),
            frequency: d("2"),
            lifespan: d("3"),
            margin: d("0.40"),
            cac: d("100000"),
            retention_cost: d("5000"),
        };
        assert_eq!(p.ltv().unwrap(), d("15000"));
        let err = Profit {
            retention_cost: d("-1"),
            ..p
        }
        .ltv()
        .unwrap_err();
        assert_eq!(err.field(), Some("retention_cost"));
    }

    #[test]
    fn non_positive_inputs_are_named() {
        let err = sub("0", "0.05", "1").ltv().unwrap_err();
        assert_eq!(err.to_string(), "arpu must be > 0, got 0");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let e = Ecommerce {
            aov: Decimal::MAX,
            frequency: d("4"),
            lifespan: d("5"),
            cac: None,
        };
        assert!(matches!(e.ltv(), Err(CoreError::Overflow { .. })));
    }
}
