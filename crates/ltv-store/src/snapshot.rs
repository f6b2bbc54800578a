//! Snapshots: the measured baseline of a data file at an as-of date, kept as a time
//! series. The key KPIs are columns (for trends and ad-hoc SQL); the whole document is
//! stored as JSON text beside them.

use chrono::{DateTime, NaiveDate, Utc};
use ltv_core::Band;
use ltv_planner::{Baseline, EcommerceBaseline};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};

/// The headline of a measured baseline (field names as in the report's JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Headline {
    /// Lifetime value per customer on the `ltv_basis` (money).
    pub ltv: Decimal,
    /// Which LTV this is, e.g. `gross margin × AOV × orders per year × lifespan`.
    pub ltv_basis: String,
    /// Gross margin applied, in [0, 1].
    pub margin: Decimal,
    /// Blended customer acquisition cost (money), when spend was given.
    pub cac: Option<Decimal>,
    /// LTV ÷ CAC.
    pub ltv_cac_ratio: Option<Decimal>,
    /// Band of the ratio.
    pub band: Option<Band>,
    /// Months of gross profit that pay back the CAC.
    pub payback_months: Option<Decimal>,
    /// Churned customers ÷ active customer-months.
    pub monthly_churn: Decimal,
    /// Days without an order that count as churned.
    pub inactive_days: u32,
    /// Average order value (money).
    pub aov: Decimal,
    /// Orders per active customer and year.
    pub orders_per_year: Decimal,
    /// Share of customers with two or more orders, when measured.
    pub repeat_rate: Option<Decimal>,
    /// The most a new customer may cost at LTV/CAC = 3 (money).
    pub max_cac: Decimal,
    /// Customers in the data.
    pub customers: u64,
    /// Customers not counted as churned at the as-of date.
    pub active_customers: u64,
    /// New customers per month over the last twelve months (or the data's span).
    pub new_customers_per_month: Decimal,
    /// Net revenue retention, for subscription data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nrr: Option<Decimal>,
}

/// One acquisition channel of a measured baseline (same basis as the headline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelKpis {
    /// Channel name (`unknown` for customers without one).
    pub channel: String,
    /// Customers acquired via the channel.
    pub customers: u64,
    /// LTV on the headline's basis; `null` when churn cannot be measured yet.
    pub ltv: Option<Decimal>,
    /// The channel's CAC.
    pub cac: Option<Decimal>,
    /// LTV ÷ CAC.
    pub ltv_cac_ratio: Option<Decimal>,
    /// Band of the ratio.
    pub band: Option<Band>,
    /// LTV ÷ 3.
    pub max_cac: Option<Decimal>,
    /// Monthly churn of the channel's customers.
    pub monthly_churn: Option<Decimal>,
    /// Average order value.
    pub aov: Option<Decimal>,
    /// Orders per active customer and year.
    pub orders_per_year: Option<Decimal>,
}

/// A measured baseline: what a snapshot stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotKpis {
    /// The as-of date of the measurement.
    pub as_of: NaiveDate,
    /// The data file's name (no directories).
    pub source: String,
    /// Currency symbol for human output, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The headline drivers, LTV and unit economics.
    pub headline: Headline,
    /// Per acquisition channel.
    pub channels: Vec<ChannelKpis>,
    /// Notes from the measurement (mismatched CAC channels, ...).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The planner baseline measured with it (same LTV as the headline), when the
    /// measurement gives one; otherwise [`SnapshotKpis::baseline`] derives an
    /// e-commerce baseline from the headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
}

/// A stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    /// Stable id.
    pub id: i64,
    /// When it was taken (UTC).
    pub taken_at: DateTime<Utc>,
    /// Who took it.
    pub taken_by: String,
    /// The measured baseline.
    #[serde(flatten)]
    pub kpis: SnapshotKpis,
}

/// A KPI a measurement or trend reads from a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// Monthly churn.
    MonthlyChurn,
    /// Lifespan in years, 1 ÷ (12 × monthly churn).
    Lifespan,
    /// Average order value.
    Aov,
    /// Orders per customer and year.
    OrdersPerYear,
    /// Gross margin.
    Margin,
    /// CAC.
    Cac,
    /// New customers per month.
    NewCustomersPerMonth,
    /// LTV.
    Ltv,
    /// LTV/CAC.
    LtvCacRatio,
}

impl Kpi {
    /// The KPI a driver is measured by: churn → monthly churn; lifespan → lifespan;
    /// ARPU, AOV, price → AOV; frequency → orders per year; margin, CAC, new customers
    /// → themselves.
    pub fn of_driver(driver: ltv_planner::Driver) -> Kpi {
        use ltv_planner::Driver;
        match driver {
            Driver::Churn => Kpi::MonthlyChurn,
            Driver::Lifespan => Kpi::Lifespan,
            Driver::Arpu | Driver::Aov | Driver::Price => Kpi::Aov,
            Driver::Frequency => Kpi::OrdersPerYear,
            Driver::Margin => Kpi::Margin,
            Driver::Cac => Kpi::Cac,
            Driver::NewCustomers => Kpi::NewCustomersPerMonth,
        }
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kpi::MonthlyChurn => "monthly_churn",
            Kpi::Lifespan => "lifespan",
            Kpi::Aov => "aov",
            Kpi::OrdersPerYear => "orders_per_year",
            Kpi::Margin => "margin",
            Kpi::Cac => "cac",
            Kpi::NewCustomersPerMonth => "new_customers_per_month",
            Kpi::Ltv => "ltv",
            Kpi::LtvCacRatio => "ltv_cac_ratio",
        }
    }

    /// Whether a smaller value is better.
    pub fn lower_is_better(self) -> bool {
        matches!(self, Kpi::MonthlyChurn | Kpi::Cac)
    }
}

impl Headline {
    /// The KPI's value, when measured.
    pub fn get(&self, kpi: Kpi) -> Option<Decimal> {
        match kpi {
            Kpi::MonthlyChurn => Some(self.monthly_churn),
            Kpi::Lifespan => lifespan_years(self.monthly_churn),
            Kpi::Aov => Some(self.aov),
            Kpi::OrdersPerYear => Some(self.orders_per_year),
            Kpi::Margin => Some(self.margin),
            Kpi::Cac => self.cac,
            Kpi::NewCustomersPerMonth => Some(self.new_customers_per_month),
            Kpi::Ltv => Some(self.ltv),
            Kpi::LtvCacRatio => self.ltv_cac_ratio,
        }
    }
}

impl ChannelKpis {
    /// The KPI's value for this channel, when measured.
    pub fn get(&self, kpi: Kpi) -> Option<Decimal> {
        match kpi {
            Kpi::MonthlyChurn => self.monthly_churn,
            Kpi::Lifespan => self.monthly_churn.and_then(lifespan_years),
            Kpi::Aov => self.aov,
            Kpi::OrdersPerYear => self.orders_per_year,
            Kpi::Cac => self.cac,
            Kpi::Ltv => self.ltv,
            Kpi::LtvCacRatio => self.ltv_cac_ratio,
            Kpi::Margin | Kpi::NewCustomersPerMonth => None,
        }
    }
}

impl SnapshotKpis {
    /// The planner baseline of this measurement: the one measured with it, else an
    /// e-commerce baseline from the headline: AOV, frequency = orders per year,
    /// lifespan = 1 ÷ (12 × monthly churn) years, margin, CAC, active customers and new
    /// customers per month.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when churn is zero (no lifespan); the planner's
    /// range errors.
    pub fn baseline(&self) -> Result<Baseline> {
        if let Some(b) = &self.baseline {
            b.validate()?;
            return Ok(b.clone());
        }
        let h = &self.headline;
        let lifespan = lifespan_years(h.monthly_churn).ok_or_else(|| {
            StoreError::Unavailable(format!(
                "the snapshot of {} as of {} has no churn, so no lifespan",
                self.source, self.as_of
            ))
        })?;
        let b = Baseline::Ecommerce(EcommerceBaseline {
            aov: h.aov,
            frequency: h.orders_per_year,
            lifespan,
            margin: Some(h.margin),
            cac: h.cac,
            customers: Some(Decimal::from(h.active_customers)),
            new_customers_per_month: h.new_customers_per_month,
            currency: self.currency.clone(),
        });
        b.validate()?;
        Ok(b)
    }
}

/// THE adapter from a measured data file to a stored snapshot: the measured baseline of
/// `ltv_planner::measure` (the one definition behind `ltv drivers`, `channels`,
/// `report`, `plan --data`, `ltv backlog snapshot` and the server's `POST
/// /v1/snapshots`) copied field by field, with the planner baseline it ranks on.
///
/// The as-of day is a calendar date of years 0–9999 for every loaded file; a day
/// beyond chrono's range (which no data file can hold) would saturate to its first or
/// last date.
impl From<&ltv_planner::MeasuredBaseline> for SnapshotKpis {
    fn from(m: &ltv_planner::MeasuredBaseline) -> SnapshotKpis {
        let h = &m.headline;
        let symbol = m.currency.symbol.trim();
        let as_of = m.as_of.to_naive().unwrap_or(if m.as_of.days() < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        });
        SnapshotKpis {
            as_of,
            source: m.file.clone(),
            currency: (!symbol.is_empty()).then(|| symbol.to_owned()),
            headline: Headline {
                ltv: h.ltv,
                ltv_basis: h.ltv_basis.to_string(),
                margin: h.margin,
                cac: h.cac,
                ltv_cac_ratio: h.ltv_cac_ratio,
                band: h.band,
                payback_months: h.payback_months,
                monthly_churn: h.monthly_churn,
                inactive_days: h.inactive_days,
                aov: h.aov,
                orders_per_year: h.orders_per_year,
                repeat_rate: h.repeat_rate,
                max_cac: h.max_cac,
                customers: h.customers,
                active_customers: h.active_customers,
                new_customers_per_month: h.new_customers_per_month,
                nrr: h.nrr,
            },
            channels: m
                .channels
                .iter()
                .map(|c| ChannelKpis {
                    channel: c.channel.clone(),
                    customers: c.customers,
                    ltv: c.ltv,
                    cac: c.cac,
                    ltv_cac_ratio: c.ltv_cac_ratio,
                    band: c.band,
                    max_cac: c.max_cac,
                    monthly_churn: c.monthly_churn,
                    aov: Some(c.aov),
                    orders_per_year: Some(c.orders_per_year),
                })
                .collect(),
            warnings: m.warnings.iter().map(ToString::to_string).collect(),
            baseline: Some(m.baseline.clone()),
        }
    }
}

/// 1 ÷ (12 × monthly churn) years; `None` for churn <= 0.
pub fn lifespan_years(monthly_churn: Decimal) -> Option<Decimal> {
    if monthly_churn <= Decimal::ZERO {
        return None;
    }
    Decimal::ONE
        .checked_div(monthly_churn.checked_mul(Decimal::from(12))?)
        .map(|v| v.normalize())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// A snapshot with churn `churn`, two channels.
    pub(crate) fn kpis(as_of: &str, churn: &str, search_churn: &str) -> SnapshotKpis {
        let channel = |name: &str, customers: u64, churn: &str| ChannelKpis {
            channel: name.into(),
            customers,
            ltv: Some(d("100")),
            cac: None,
            ltv_cac_ratio: None,
            band: None,
            max_cac: None,
            monthly_churn: Some(d(churn)),
            aov: Some(d("50")),
            orders_per_year: Some(d("4")),
        };
        SnapshotKpis {
            as_of: as_of.parse().unwrap(),
            source: "orders.csv".into(),
            currency: None,
            headline: Headline {
                ltv: d("120"),
                ltv_basis: "gross margin".into(),
                margin: d("0.4"),
                cac: Some(d("40")),
                ltv_cac_ratio: Some(d("3")),
                band: Some(Band::Healthy),
                payback_months: None,
                monthly_churn: d(churn),
                inactive_days: 90,
                aov: d("50"),
                orders_per_year: d("4"),
                repeat_rate: None,
                max_cac: d("40"),
                customers: 1000,
                active_customers: 600,
                new_customers_per_month: d("30"),
                nrr: None,
            },
            channels: vec![
                channel("search", 400, search_churn),
                channel("social", 600, churn),
            ],
            warnings: vec![],
            baseline: None,
        }
    }

    #[test]
    fn baseline_from_snapshot() {
        let k = kpis("2024-01-31", "0.05", "0.05");
        let Baseline::Ecommerce(e) = k.baseline().unwrap() else {
            panic!("not e-commerce")
        };
        assert_eq!(e.lifespan, d("1.6666666666666666666666666667"));
        assert_eq!(e.customers, Some(d("600")));
        assert_eq!(lifespan_years(Decimal::ZERO), None);
    }
}
