//! Per-customer summaries: first and last order, orders, frequency, monetary, recency,
//! tenure, channel.

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::customer_table::{CustomerTable, Totals, NO_CHANNEL};
use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::table::SkipReport;
use crate::transactions::{Customer, Transactions};

/// One customer's summary at the as-of day.
///
/// Definitions (docs/formulas.md, "Customer summary"): `orders` counts rows;
/// `frequency` = distinct order days − 1 (repeat purchases, as in the BTYD literature);
/// `monetary_total` is the exact sum of amounts (refunds included);
/// `monetary_mean` = total ÷ orders; `recency_days` = as-of − last order;
/// `tenure_days` = as-of − first order; `channel` is the first order's channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerSummary {
    /// Customer id.
    pub customer_id: String,
    /// Day of the first order.
    pub first_order: Day,
    /// Day of the last order on or before the as-of day.
    pub last_order: Day,
    /// Number of orders (rows).
    pub orders: u64,
    /// Distinct order days − 1.
    pub frequency: u64,
    /// Sum of amounts (money).
    pub monetary_total: Decimal,
    /// Mean amount per order (money).
    pub monetary_mean: Decimal,
    /// Days from the last order to the as-of day.
    pub recency_days: i64,
    /// Days from the first order to the as-of day.
    pub tenure_days: i64,
    /// Acquisition channel (channel of the first order).
    pub channel: Option<String>,
}

impl CustomerSummary {
    /// The summary of `customer` at `as_of`.
    ///
    /// # Errors
    /// [`ltv_core::CoreError::Overflow`] if the amounts' sum does not fit; a customer
    /// without orders is [`SegmentsError::NoData`].
    pub fn of(customer: &Customer<'_>, as_of: Day) -> Result<CustomerSummary> {
        if customer.orders.is_empty() {
            return Err(SegmentsError::NoData {
                file: customer.id.to_string(),
                reason: "customer has no orders".into(),
            });
        }
        let totals = Totals::of(customer, NO_CHANNEL).ok_or_else(overflow)?;
        Ok(totals.summary(customer.id, customer.channel, as_of))
    }
}

fn overflow() -> SegmentsError {
    SegmentsError::Core(ltv_core::CoreError::Overflow {
        what: "customer monetary total",
    })
}

/// Every customer's summary with the as-of day they are taken at: what
/// `ltv customers --format json` prints and `POST /v1/customers` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomersReport {
    /// The day recency and tenure are measured to.
    pub as_of: Day,
    /// One summary per customer, in the order of [`summarize`].
    pub customers: Vec<CustomerSummary>,
    /// Rows skipped as invalid (left out of the JSON when none were).
    #[serde(skip_serializing_if = "SkipReport::is_empty")]
    pub skipped: SkipReport,
}

impl CustomersReport {
    /// The summaries of a [`CustomerTable`] (the same as [`CustomersReport::of`] on the
    /// same data).
    pub fn of_table(table: &CustomerTable) -> CustomersReport {
        CustomersReport {
            as_of: table.as_of(),
            customers: table.summaries(),
            skipped: table.skip_report().clone(),
        }
    }

    /// The summaries of [`summarize`] at `transactions.as_of()`.
    ///
    /// # Errors
    /// As for [`CustomerSummary::of`].
    pub fn of(transactions: &Transactions) -> Result<CustomersReport> {
        Ok(CustomersReport {
            as_of: transactions.as_of(),
            customers: summarize(transactions)?,
            skipped: transactions.skip_report().clone(),
        })
    }
}

/// Summaries of every customer, in the order of [`Transactions::customers`], computed
/// in parallel.
///
/// # Errors
/// As for [`CustomerSummary::of`].
///
/// ```
/// use ltv_segments::{summarize, LoadOptions, Transactions};
/// let csv = "customer_id,order_date,amount\nx,2024-01-01,10\nx,2024-01-01,5\nx,2024-01-11,-3\n";
/// let tx = Transactions::from_csv("o.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
/// let s = &summarize(&tx)?[0];
/// assert_eq!((s.orders, s.frequency, s.tenure_days, s.recency_days), (3, 1, 10, 0));
/// assert_eq!(s.monetary_total.to_string(), "12");
/// assert_eq!(s.monetary_mean.to_string(), "4");
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
pub fn summarize(transactions: &Transactions) -> Result<Vec<CustomerSummary>> {
    let as_of = transactions.as_of();
    transactions
        .par_customers()
        .map(|c| CustomerSummary::of(&c, as_of))
        .collect()
}
