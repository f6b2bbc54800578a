//! One entry point for "compute this model's LTV and, given a CAC, its unit economics":
//! the shape the CLI's `ltv calc --format json` and the server's `/v1/calc/*` share.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::ltv::{Ecommerce, General, Profit, Revenue, Subscription};
use crate::unit_economics::{ltv_cac_ratio, payback_periods, Band};

/// An LTV model with its inputs. Serialises with a `"model"` tag followed by the inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum LtvModel {
    /// ARPU × margin ÷ churn (optionally discounted, finite horizon).
    Subscription(Subscription),
    /// price × margin × frequency × lifespan.
    General(General),
    /// price × frequency × lifespan.
    Revenue(Revenue),
    /// (price × frequency × lifespan × margin) − (CAC + retention cost).
    Profit(Profit),
    /// AOV × yearly frequency × lifespan in years.
    Ecommerce(Ecommerce),
}

impl LtvModel {
    /// The model's lifetime value.
    ///
    /// # Errors
    /// The model's validation errors (see each model).
    pub fn ltv(&self) -> Result<Decimal> {
        match self {
            LtvModel::Subscription(m) => m.ltv(),
            LtvModel::General(m) => m.ltv(),
            LtvModel::Revenue(m) => m.ltv(),
            LtvModel::Profit(m) => m.ltv(),
            LtvModel::Ecommerce(m) => m.ltv(),
        }
    }

    /// The CAC given with the model, if any.
    pub fn cac(&self) -> Option<Decimal> {
        match self {
            LtvModel::Subscription(m) => m.cac,
            LtvModel::General(m) => m.cac,
            LtvModel::Revenue(m) => m.cac,
            LtvModel::Profit(m) => Some(m.cac),
            LtvModel::Ecommerce(m) => m.cac,
        }
    }

    /// What a customer returns per period towards its CAC: gross profit where a margin
    /// is known, revenue for the revenue-based and e-commerce models (per year there).
    ///
    /// # Errors
    /// The model's validation errors.
    pub fn payback_base_per_period(&self) -> Result<Decimal> {
        match self {
            LtvModel::Subscription(m) => m.gross_profit_per_period(),
            LtvModel::General(m) => m.gross_profit_per_period(),
            LtvModel::Revenue(m) => m.revenue_per_period(),
            LtvModel::Profit(m) => m.gross_profit_per_period(),
            LtvModel::Ecommerce(m) => m.revenue_per_year(),
        }
    }

    /// Computes the LTV and, when a CAC is known, LTV/CAC, band and CAC payback.
    ///
    /// # Errors
    /// The model's validation errors; `cac <= 0` when a CAC is given.
    ///
    /// ```
    /// use ltv_core::{Band, LtvModel, Subscription};
    /// use rust_decimal::Decimal;
    /// let model = LtvModel::Subscription(Subscription {
    ///     arpu: Decimal::from(10_000),
    ///     churn: "0.05".parse().unwrap(),
    ///     margin: "0.7".parse().unwrap(),
    ///     discount_rate: Decimal::ZERO,
    ///     horizon: None,
    ///     cac: Some(Decimal::from(56_000)),
    /// });
    /// let report = model.evaluate().unwrap();
    /// assert_eq!(report.ltv, Decimal::from(140_000));
    /// assert_eq!(report.ltv_cac_ratio, Some("2.5".parse().unwrap()));
    /// assert_eq!(report.band, Some(Band::NeedsImprovement));
    /// ```
    pub fn evaluate(&self) -> Result<CalcReport> {
        let ltv = self.ltv()?.normalize();
        let expected_lifetime = match self {
            LtvModel::Subscription(s) => s.expected_lifetime()?.map(|d| d.normalize()),
            _ => None,
        };
        let (ratio, band, payback) = match self.cac() {
            None => (None, None, None),
            Some(cac) => {
                let ratio = ltv_cac_ratio(ltv, cac)?.normalize();
                let payback =
                    payback_periods(cac, self.payback_base_per_period()?)?.map(|d| d.normalize());
                (Some(ratio), Some(Band::of_ratio(ratio)), payback)
            }
        };
        Ok(CalcReport {
            model: self.clone(),
            ltv,
            expected_lifetime,
            ltv_cac_ratio: ratio,
            band,
            payback_periods: payback,
        })
    }
}

/// The result of [`LtvModel::evaluate`]: the inputs echoed, the LTV and unit economics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalcReport {
    /// The model and its inputs (flattened into the JSON object).
    #[serde(flatten)]
    pub model: LtvModel,
    /// Lifetime value per customer, full precision.
    pub ltv: Decimal,
    /// Expected lifetime in periods, 1 ÷ churn (subscription model only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_lifetime: Option<Decimal>,
    /// LTV ÷ CAC, when a CAC was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ltv_cac_ratio: Option<Decimal>,
    /// Band of the ratio, when a CAC was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<Band>,
    /// Periods (of the frequency; years for e-commerce) until the CAC is recovered,
    /// when a CAC was given and the customer returns anything per period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payback_periods: Option<Decimal>,
}
