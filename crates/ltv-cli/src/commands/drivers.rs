//! `ltv drivers`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::{group, money, percent};
use ltv_segments::drivers;

use super::load;
use crate::args::{DriversArgs, Format};
use crate::error;
use crate::output::{self, KvTable};

pub fn run(args: &DriversArgs, out: &mut dyn Write) -> Result<()> {
    let tx = load::transactions(&args.input)?;
    let d = drivers(&tx, args.margin, args.inactive_days).map_err(error::segments)?;
    let text = match args.format.format {
        Format::Json => output::json(&d)?,
        Format::Text => KvTable::new(format!(
            "LTV drivers from the data as of {}: LTV = AOV × margin × frequency × lifespan",
            d.as_of
        ))
        .row("customers", d.customers.to_string())
        .row("orders", d.orders.to_string())
        .row("revenue", money(d.revenue))
        .note(
            "revenue per customer",
            money(d.revenue_per_customer),
            "observed to date",
        )
        .row("average order value", money(d.average_order_value))
        .note(
            "purchase frequency",
            format!("{} / year", money(d.purchase_frequency_per_year)),
            "orders per active customer-year",
        )
        .note(
            "monthly churn",
            percent(d.monthly_churn),
            format!(
                "{} churned (no order for > {} days) ÷ {} active customer-months",
                d.churned_customers, d.inactive_days, d.active_customer_months
            ),
        )
        .note(
            "lifespan",
            format!("{} months", group(d.lifespan_months, 1)),
            format!("= 1 ÷ churn = {} years", money(d.lifespan_years)),
        )
        .row("gross margin", d.margin.normalize().to_string())
        .row("LTV", money(d.ltv))
        .render(),
    };
    output::write(out, &text)
}
