//! The business today: the drivers of one business model, its LTV through ltv-core and
//! its monthly economics for the simulation.

use ltv_core::{non_negative, positive, Ecommerce, General, Subscription};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arith::{div, mul};
use crate::driver::Driver;
use crate::error::{PlanError, Result};

fn one() -> Decimal {
    Decimal::ONE
}

/// A subscription business: ARPU and churn per month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionBaseline {
    /// Average revenue per user and month (money), > 0.
    pub arpu: Decimal,
    /// Gross margin in [0, 1]; default 1.
    #[serde(default = "one")]
    pub margin: Decimal,
    /// Monthly churn in (0, 1].
    pub churn: Decimal,
    /// Customer acquisition cost (money), > 0, for LTV/CAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cac: Option<Decimal>,
    /// Active customers today, for ROI cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<Decimal>,
    /// New customers acquired per month; default 0.
    #[serde(default)]
    pub new_customers_per_month: Decimal,
    /// Currency symbol for human output, e.g. `¥` or `$`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// An e-commerce business: average order value, orders per year, lifespan in years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EcommerceBaseline {
    /// Average order value (money), > 0.
    pub aov: Decimal,
    /// Orders per customer and year, > 0.
    pub frequency: Decimal,
    /// Customer lifespan in years, >= 1/12.
    pub lifespan: Decimal,
    /// Gross margin in [0, 1]; without it LTV is revenue-based (ltv-core `Ecommerce`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<Decimal>,
    /// Customer acquisition cost (money), > 0, for LTV/CAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cac: Option<Decimal>,
    /// Active customers today, for ROI cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<Decimal>,
    /// New customers acquired per month; default 0.
    #[serde(default)]
    pub new_customers_per_month: Decimal,
    /// Currency symbol for human output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// A general business (consulting, services): purchase value, purchases per year,
/// lifespan in years, margin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GeneralBaseline {
    /// Average purchase (engagement) value (money), > 0.
    pub price: Decimal,
    /// Gross margin in [0, 1].
    pub margin: Decimal,
    /// Purchases per customer and year, > 0.
    pub frequency: Decimal,
    /// Customer lifespan in years, >= 1/12.
    pub lifespan: Decimal,
    /// Customer acquisition cost (money), > 0, for LTV/CAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cac: Option<Decimal>,
    /// Active customers today, for ROI cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<Decimal>,
    /// New customers acquired per month; default 0.
    #[serde(default)]
    pub new_customers_per_month: Decimal,
    /// Currency symbol for human output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Monthly churn of a lifespan in years: 1 ÷ (12 × lifespan).
fn monthly_churn(lifespan_years: Decimal) -> Option<Decimal> {
    lifespan_years
        .checked_mul(Decimal::from(12))
        .and_then(|m| Decimal::ONE.checked_div(m))
        .map(|c| c.normalize())
}

/// Revenue per customer and month of an order value and orders per year.
fn monthly_revenue(value: Decimal, per_year: Decimal) -> Option<Decimal> {
    value
        .checked_mul(per_year)
        .and_then(|y| y.checked_div(Decimal::from(12)))
        .map(|m| m.normalize())
}

/// The order value that gives `arpu` per month at `per_year` orders a year.
fn order_value(arpu: Decimal, per_year: Decimal) -> Result<Decimal> {
    arpu.checked_mul(Decimal::from(12))
        .and_then(|y| y.checked_div(per_year))
        .map(|v| v.normalize())
        .ok_or(PlanError::Overflow {
            what: "the order value of an ARPU",
        })
}

/// The lifespan in years of a monthly churn: 1 ÷ (12 × churn).
fn lifespan_years(churn: Decimal) -> Result<Decimal> {
    churn
        .checked_mul(Decimal::from(12))
        .filter(|m| *m > Decimal::ZERO)
        .and_then(|m| Decimal::ONE.checked_div(m))
        .map(|l| l.normalize())
        .ok_or_else(|| PlanError::invalid(None, "churn", churn, ltv_core::Churn::RANGE))
}

/// The business before any initiative. Serialises with a `"model"` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Baseline {
    /// ARPU × margin ÷ churn, monthly.
    Subscription(SubscriptionBaseline),
    /// AOV × orders per year × lifespan (× margin when given).
    Ecommerce(EcommerceBaseline),
    /// price × margin × frequency × lifespan, yearly.
    General(GeneralBaseline),
}

/// What one customer brings per month, and the monthly churn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Monthly {
    /// Revenue per customer and month.
    pub revenue: Decimal,
    /// Gross profit per customer and month.
    pub gross_profit: Decimal,
    /// Share of customers lost per month.
    pub churn: Decimal,
}

impl Baseline {
    /// The model's name: `subscription`, `ecommerce` or `general`.
    pub fn model(&self) -> &'static str {
        match self {
            Baseline::Subscription(_) => "subscription",
            Baseline::Ecommerce(_) => "ecommerce",
            Baseline::General(_) => "general",
        }
    }

    /// The drivers this model has, in the levers tie order.
    pub fn drivers(&self) -> &'static [Driver] {
        match self {
            Baseline::Subscription(_) => &[
                Driver::Arpu,
                Driver::Churn,
                Driver::Margin,
                Driver::Cac,
                Driver::NewCustomers,
            ],
            Baseline::Ecommerce(_) => &[
                Driver::Aov,
                Driver::Frequency,
                Driver::Lifespan,
                Driver::Margin,
                Driver::Cac,
                Driver::NewCustomers,
            ],
            Baseline::General(_) => &[
                Driver::Price,
                Driver::Frequency,
                Driver::Lifespan,
                Driver::Margin,
                Driver::Cac,
                Driver::NewCustomers,
            ],
        }
    }

    /// The drivers this model accepts, for messages: `aov (or price, arpu), frequency,
    /// lifespan (or churn), margin, cac or new_customers`. On the yearly models `churn`
    /// is 1 ÷ (12 × lifespan), `arpu` the revenue per customer and month (moving it moves
    /// the order value), and `price` and `aov` name the same driver.
    pub fn driver_names(&self) -> String {
        let names: Vec<String> = self
            .drivers()
            .iter()
            .map(|d| match (self, d) {
                (Baseline::Ecommerce(_), Driver::Aov) => "aov (or price, arpu)".to_owned(),
                (Baseline::General(_), Driver::Price) => "price (or aov, arpu)".to_owned(),
                (Baseline::Ecommerce(_) | Baseline::General(_), Driver::Lifespan) => {
                    "lifespan (or churn)".to_owned()
                }
                _ => d.as_str().to_owned(),
            })
            .collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }

    /// The driver's value, `None` when this model does not have it (or it is not given:
    /// CAC, an e-commerce margin).
    pub fn get(&self, driver: Driver) -> Option<Decimal> {
        match (self, driver) {
            (Baseline::Subscription(s), Driver::Arpu) => Some(s.arpu),
            (Baseline::Subscription(s), Driver::Churn) => Some(s.churn),
            (Baseline::Subscription(s), Driver::Margin) => Some(s.margin),
            (Baseline::Ecommerce(e), Driver::Aov) => Some(e.aov),
            (Baseline::Ecommerce(e), Driver::Frequency) => Some(e.frequency),
            (Baseline::Ecommerce(e), Driver::Lifespan) => Some(e.lifespan),
            (Baseline::Ecommerce(e), Driver::Margin) => Some(e.margin.unwrap_or(Decimal::ONE)),
            (Baseline::General(g), Driver::Price) => Some(g.price),
            (Baseline::General(g), Driver::Frequency) => Some(g.frequency),
            (Baseline::General(g), Driver::Lifespan) => Some(g.lifespan),
            (Baseline::General(g), Driver::Margin) => Some(g.margin),
            // aliases: the yearly models' churn is 1 ÷ (12 × lifespan in years); price and
            // AOV name the same driver
            (Baseline::Ecommerce(e), Driver::Churn) => monthly_churn(e.lifespan),
            (Baseline::General(g), Driver::Churn) => monthly_churn(g.lifespan),
            (Baseline::Ecommerce(e), Driver::Price) => Some(e.aov),
            (Baseline::General(g), Driver::Aov) => Some(g.price),
            // ARPU of the yearly models: revenue per customer and month
            (Baseline::Ecommerce(e), Driver::Arpu) => monthly_revenue(e.aov, e.frequency),
            (Baseline::General(g), Driver::Arpu) => monthly_revenue(g.price, g.frequency),
            (_, Driver::Cac) => self.cac(),
            (_, Driver::NewCustomers) => Some(self.new_customers_per_month()),
            _ => None,
        }
    }

    /// A copy with `driver` set to `value` (not validated: [`Baseline::validate`] is).
    ///
    /// # Errors
    /// [`PlanError::Invalid`] when the model has no such driver.
    pub fn with(&self, driver: Driver, value: Decimal) -> Result<Baseline> {
        let mut b = self.clone();
        match (&mut b, driver) {
            (Baseline::Subscription(s), Driver::Arpu) => s.arpu = value,
            (Baseline::Subscription(s), Driver::Churn) => s.churn = value,
            (Baseline::Subscription(s), Driver::Margin) => s.margin = value,
            (Baseline::Ecommerce(e), Driver::Aov) => e.aov = value,
            (Baseline::Ecommerce(e), Driver::Frequency) => e.frequency = value,
            (Baseline::Ecommerce(e), Driver::Lifespan) => e.lifespan = value,
            (Baseline::Ecommerce(e), Driver::Margin) => e.margin = Some(value),
            (Baseline::General(g), Driver::Price) => g.price = value,
            (Baseline::General(g), Driver::Frequency) => g.frequency = value,
            (Baseline::General(g), Driver::Lifespan) => g.lifespan = value,
            (Baseline::General(g), Driver::Margin) => g.margin = value,
            (Baseline::Ecommerce(e), Driver::Churn) => e.lifespan = lifespan_years(value)?,
            (Baseline::General(g), Driver::Churn) => g.lifespan = lifespan_years(value)?,
            (Baseline::Ecommerce(e), Driver::Price) => e.aov = value,
            (Baseline::General(g), Driver::Aov) => g.price = value,
            (Baseline::Ecommerce(e), Driver::Arpu) => e.aov = order_value(value, e.frequency)?,
            (Baseline::General(g), Driver::Arpu) => g.price = order_value(value, g.frequency)?,
            (Baseline::Subscription(s), Driver::Cac) => s.cac = Some(value),
            (Baseline::Ecommerce(e), Driver::Cac) => e.cac = Some(value),
            (Baseline::General(g), Driver::Cac) => g.cac = Some(value),
            (Baseline::Subscription(s), Driver::NewCustomers) => s.new_customers_per_month = value,
            (Baseline::Ecommerce(e), Driver::NewCustomers) => e.new_customers_per_month = value,
            (Baseline::General(g), Driver::NewCustomers) => g.new_customers_per_month = value,
            _ => {
                return Err(PlanError::invalid(
                    None,
                    "driver",
                    driver,
                    format!(
                        "a driver of the {} model: {}",
                        self.model(),
                        self.driver_names()
                    ),
                ))
            }
        }
        Ok(b)
    }

    /// Customer acquisition cost, when given.
    pub fn cac(&self) -> Option<Decimal> {
        match self {
            Baseline::Subscription(s) => s.cac,
            Baseline::Ecommerce(e) => e.cac,
            Baseline::General(g) => g.cac,
        }
    }

    /// LTV ÷ this baseline's CAC (ltv-core `ltv_cac_ratio`); `None` without a CAC.
    ///
    /// # Errors
    /// `cac <= 0` ([`PlanError::Core`]); [`PlanError::Overflow`].
    pub fn ltv_cac_ratio(&self, ltv: Decimal) -> Result<Option<Decimal>> {
        self.cac()
            .map(|c| ltv_core::ltv_cac_ratio(ltv, c).map(|r| r.normalize()))
            .transpose()
            .map_err(|e| PlanError::core(None, "baseline", e))
    }

    /// Active customers today, when given.
    pub fn customers(&self) -> Option<Decimal> {
        match self {
            Baseline::Subscription(s) => s.customers,
            Baseline::Ecommerce(e) => e.customers,
            Baseline::General(g) => g.customers,
        }
    }

    /// New customers per month.
    pub fn new_customers_per_month(&self) -> Decimal {
        match self {
            Baseline::Subscription(s) => s.new_customers_per_month,
            Baseline::Ecommerce(e) => e.new_customers_per_month,
            Baseline::General(g) => g.new_customers_per_month,
        }
    }

    /// The currency symbol for human output (empty when none is given).
    pub fn currency(&self) -> &str {
        match self {
            Baseline::Subscription(s) => s.currency.as_deref(),
            Baseline::Ecommerce(e) => e.currency.as_deref(),
            Baseline::General(g) => g.currency.as_deref(),
        }
        .unwrap_or("")
    }

    /// The lifetime value by ltv-core's formula for this model: subscription
    /// `Subscription::ltv` (monthly); e-commerce `Ecommerce::ltv`, or `General::ltv` with
    /// the AOV as price when a margin is given; general `General::ltv`.
    ///
    /// # Errors
    /// ltv-core's range errors (as [`PlanError::Core`] with context `baseline`).
    pub fn ltv(&self) -> Result<Decimal> {
        self.ltv_core()
            .map_err(|e| PlanError::core(None, "baseline", e))
    }

    pub(crate) fn ltv_core(&self) -> ltv_core::Result<Decimal> {
        match self {
            Baseline::Subscription(s) => Subscription {
                arpu: s.arpu,
                churn: s.churn,
                margin: s.margin,
                discount_rate: Decimal::ZERO,
                horizon: None,
                cac: None,
            }
            .ltv(),
            Baseline::Ecommerce(e) => match e.margin {
                None => Ecommerce {
                    aov: e.aov,
                    frequency: e.frequency,
                    lifespan: e.lifespan,
                    cac: None,
                }
                .ltv(),
                Some(margin) => General {
                    price: e.aov,
                    margin,
                    frequency: e.frequency,
                    lifespan: e.lifespan,
                    cac: None,
                }
                .ltv(),
            },
            Baseline::General(g) => General {
                price: g.price,
                margin: g.margin,
                frequency: g.frequency,
                lifespan: g.lifespan,
                cac: None,
            }
            .ltv(),
        }
        .map(|v| v.normalize())
    }

    /// Checks every driver: the LTV formula's ranges, CAC > 0, customers and new
    /// customers >= 0, lifespan at least one month.
    ///
    /// # Errors
    /// [`PlanError::Core`] naming the field.
    pub fn validate(&self) -> Result<()> {
        self.validate_core()
            .map_err(|e| PlanError::core(None, "baseline", e))
    }

    pub(crate) fn validate_core(&self) -> ltv_core::Result<()> {
        self.ltv_core()?;
        if let Some(cac) = self.cac() {
            positive("cac", cac)?;
        }
        if let Some(c) = self.customers() {
            non_negative("customers", c)?;
        }
        non_negative("new_customers_per_month", self.new_customers_per_month())?;
        if let Some(lifespan) = self.get(Driver::Lifespan) {
            if lifespan * Decimal::from(12) < Decimal::ONE {
                return Err(ltv_core::CoreError::OutOfRange {
                    field: "lifespan",
                    value: lifespan,
                    allowed: ">= 1/12 (one month), so that monthly churn is at most 1",
                });
            }
        }
        Ok(())
    }

    /// Revenue and gross profit per customer and month, and the monthly churn, by the
    /// ltv-core per-period functions: subscription `gross_profit_per_period`; yearly
    /// models ÷ 12, with monthly churn = 1 ÷ (12 × lifespan in years), so that the
    /// expected lifetime is the lifespan.
    ///
    /// # Errors
    /// As for [`Baseline::validate`]; [`PlanError::Overflow`].
    pub fn monthly(&self) -> Result<Monthly> {
        self.validate()?;
        let twelve = Decimal::from(12);
        let core = |e| PlanError::core(None, "baseline", e);
        match self {
            Baseline::Subscription(s) => {
                let sub = Subscription {
                    arpu: s.arpu,
                    churn: s.churn,
                    margin: s.margin,
                    discount_rate: Decimal::ZERO,
                    horizon: None,
                    cac: None,
                };
                Ok(Monthly {
                    revenue: s.arpu,
                    gross_profit: sub.gross_profit_per_period().map_err(core)?,
                    churn: s.churn,
                })
            }
            Baseline::Ecommerce(e) => {
                let revenue_year = Ecommerce {
                    aov: e.aov,
                    frequency: e.frequency,
                    lifespan: e.lifespan,
                    cac: None,
                }
                .revenue_per_year()
                .map_err(core)?;
                let gp_year = match e.margin {
                    None => revenue_year,
                    Some(margin) => General {
                        price: e.aov,
                        margin,
                        frequency: e.frequency,
                        lifespan: e.lifespan,
                        cac: None,
                    }
                    .gross_profit_per_period()
                    .map_err(core)?,
                };
                Ok(Monthly {
                    revenue: div(revenue_year, twelve, "monthly revenue")?,
                    gross_profit: div(gp_year, twelve, "monthly gross profit")?,
                    churn: div(
                        Decimal::ONE,
                        mul(e.lifespan, twelve, "lifespan in months")?,
                        "monthly churn",
                    )?,
                })
            }
            Baseline::General(g) => {
                let general = General {
                    price: g.price,
                    margin: g.margin,
                    frequency: g.frequency,
                    lifespan: g.lifespan,
                    cac: None,
                };
                let revenue_year = mul(g.price, g.frequency, "yearly revenue")?;
                Ok(Monthly {
                    revenue: div(revenue_year, twelve, "monthly revenue")?,
                    gross_profit: div(
                        general.gross_profit_per_period().map_err(core)?,
                        twelve,
                        "monthly gross profit",
                    )?,
                    churn: div(
                        Decimal::ONE,
                        mul(g.lifespan, twelve, "lifespan in months")?,
                        "monthly churn",
                    )?,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    pub(crate) fn saas() -> Baseline {
        Baseline::Subscription(SubscriptionBaseline {
            arpu: d("10000"),
            margin: d("0.70"),
            churn: d("0.05"),
            cac: Some(d("56000")),
            customers: None,
            new_customers_per_month: Decimal::ZERO,
            currency: None,
        })
    }

    #[test]
    fn subscription_ltv_is_core() {
        assert_eq!(saas().ltv().unwrap(), d("140000"));
        let moved = saas().with(Driver::Churn, d("0.04")).unwrap();
        assert_eq!(moved.ltv().unwrap(), d("175000"));
    }

    #[test]
    fn wrong_driver_for_model() {
        let err = saas().with(Driver::Aov, d("1")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "driver must be a driver of the subscription model: arpu, churn, margin, cac or new_customers, got aov"
        );
    }

    #[test]
    fn ecommerce_monthly() {
        let e = Baseline::Ecommerce(EcommerceBaseline {
            aov: d("8000"),
            frequency: d("6"),
            lifespan: d("5"),
            margin: Some(d("0.3")),
            cac: None,
            customers: None,
            new_customers_per_month: Decimal::ZERO,
            currency: None,
        });
        let m = e.monthly().unwrap();
        assert_eq!(m.revenue, d("4000"));
        assert_eq!(m.gross_profit, d("1200"));
        assert_eq!((m.churn * d("60")).round_dp(20), d("1"));
        assert_eq!(e.ltv().unwrap(), d("72000"));
    }
}
