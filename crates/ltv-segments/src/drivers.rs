//! Data-driven LTV drivers: average order value, purchase frequency, monthly churn and
//! lifespan measured from the transactions, fed into `ltv_core::General`.

use ltv_core::{General, Margin};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::transactions::Transactions;

/// Default days without an order after which a customer counts as churned.
pub const DEFAULT_INACTIVE_DAYS: u32 = 90;

/// The drivers and the LTV they imply.
///
/// Definitions (docs/formulas.md, "Data-driven drivers"):
/// - a customer has churned when their last order is more than `inactive_days` before
///   the as-of day;
/// - active customer-months: for a churned customer, calendar months from the first to
///   the last order month inclusive; for a live one, from the first order month to the
///   as-of month inclusive;
/// - monthly churn = churned customers ÷ active customer-months (the constant-hazard
///   estimate); lifespan = 1 ÷ churn months;
/// - purchase frequency = orders ÷ active customer-months × 12 (per year);
/// - average order value = revenue ÷ orders;
/// - LTV = AOV × margin × frequency × lifespan (`ltv_core::General`, computed per
///   month: orders per active month × lifespan in months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drivers {
    /// The as-of day.
    pub as_of: Day,
    /// Customers.
    pub customers: u64,
    /// Orders (rows).
    pub orders: u64,
    /// Sum of amounts (money).
    pub revenue: Decimal,
    /// Observed revenue per customer to date (money).
    pub revenue_per_customer: Decimal,
    /// revenue ÷ orders (money).
    pub average_order_value: Decimal,
    /// Days without an order that count as churn.
    pub inactive_days: u32,
    /// Customers counted as churned.
    pub churned_customers: u64,
    /// Active customer-months of exposure.
    pub active_customer_months: u64,
    /// Orders per active customer and year.
    pub purchase_frequency_per_year: Decimal,
    /// churned ÷ active customer-months.
    pub monthly_churn: Decimal,
    /// 1 ÷ monthly churn, in months.
    pub lifespan_months: Decimal,
    /// lifespan in years (months ÷ 12).
    pub lifespan_years: Decimal,
    /// Gross margin applied.
    pub margin: Decimal,
    /// AOV × margin × frequency per year × lifespan years.
    pub ltv: Decimal,
}

/// Measures the drivers and computes the implied LTV.
///
/// # Errors
/// [`SegmentsError::InvalidOption`] for a margin outside [0, 1];
/// [`SegmentsError::NoData`] when no customer has churned yet (churn cannot be
/// estimated) or revenue is not positive; overflow.
///
/// ```
/// use ltv_segments::{drivers, LoadOptions, Transactions};
/// use rust_decimal::Decimal;
/// let csv = "customer_id,order_date,amount\n\
///            a,2024-01-01,50\na,2024-02-01,50\nb,2024-01-15,100\nc,2024-06-20,60\n";
/// let tx = Transactions::from_csv("o.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
/// let d = drivers(&tx, Decimal::ONE, 90)?;
/// // a and b churned; months: a Jan–Feb 2, b Jan 1, c Jun–Jun 1 → 4
/// assert_eq!((d.churned_customers, d.active_customer_months), (2, 4));
/// assert_eq!(d.monthly_churn.to_string(), "0.5");
/// assert_eq!(d.average_order_value.to_string(), "65");
/// assert_eq!(d.ltv.to_string(), "130"); // 65 × (4/4 × 12) × (2/12)
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
pub fn drivers(tx: &Transactions, margin: Decimal, inactive_days: u32) -> Result<Drivers> {
    let margin = Margin::new(margin)
        .map_err(|_| SegmentsError::InvalidOption {
            field: "margin",
            value: margin.to_string(),
            allowed: "in [0, 1]".into(),
        })?
        .get();
    let as_of = tx.as_of();
    let as_of_month = as_of.month_index();
    let mut churned = 0u64;
    let mut months = 0u64;
    for c in tx.customers() {
        let (Some(first), Some(last)) = (c.first_day(), c.last_day()) else {
            continue;
        };
        let end = if as_of - last > inactive_days as i32 {
            churned += 1;
            last.month_index()
        } else {
            as_of_month
        };
        months += (end - first.month_index() + 1).max(1) as u64;
    }
    let revenue = tx.total_amount()?;
    let orders = tx.order_count() as u64;
    let customers = tx.len() as u64;
    let no_data = |reason: &str| SegmentsError::NoData {
        file: tx.file().to_string(),
        reason: reason.to_string(),
    };
    if churned == 0 {
        return Err(no_data(&format!(
            "no customer has been inactive for more than {inactive_days} days, so churn cannot be estimated yet"
        )));
    }
    if revenue <= Decimal::ZERO {
        return Err(no_data(
            "total revenue is not positive, so no LTV can be derived",
        ));
    }
    let aov = revenue / Decimal::from(orders);
    let frequency = Decimal::from(orders) * Decimal::from(12) / Decimal::from(months);
    let churn = Decimal::from(churned) / Decimal::from(months);
    let lifespan_months = Decimal::from(months) / Decimal::from(churned);
    let lifespan_years = lifespan_months / Decimal::from(12);
    // Monthly periods keep the arithmetic exact where it can be: AOV × margin ×
    // orders per month × lifespan in months (the same value as per year × years).
    let ltv = General {
        price: aov,
        margin,
        frequency: Decimal::from(orders) / Decimal::from(months),
        lifespan: lifespan_months,
        cac: None,
    }
    .ltv()?;
    Ok(Drivers {
        as_of,
        customers,
        orders,
        revenue,
        revenue_per_customer: (revenue / Decimal::from(customers)).normalize(),
        average_order_value: aov.normalize(),
        inactive_days,
        churned_customers: churned,
        active_customer_months: months,
        purchase_frequency_per_year: frequency.normalize(),
        monthly_churn: churn.normalize(),
        lifespan_months: lifespan_months.normalize(),
        lifespan_years: lifespan_years.normalize(),
        margin,
        ltv: ltv.normalize(),
    })
}
