//! `ltv customers`.

use std::io::{BufWriter, Write};

use anyhow::Result;
use ltv_core::present::money;
use ltv_segments::CustomersReport;

use super::{csv_out, load};
use crate::args::{CustomersArgs, TableFormat};
use crate::output::{self, Table};

pub fn run(args: &CustomersArgs, out: &mut dyn Write) -> Result<()> {
    let table = load::customer_table(&args.input)?;
    let report = CustomersReport::of_table(&table);
    let customers = &report.customers;
    match args.format.format {
        TableFormat::Json => output::write(out, &output::json(&report)?),
        TableFormat::Csv => {
            let mut w = BufWriter::with_capacity(1 << 16, out);
            writeln!(w, "customer_id,first_order,last_order,orders,frequency,monetary_total,monetary_mean,recency_days,tenure_days,channel")?;
            for c in customers {
                writeln!(
                    w,
                    "{},{},{},{},{},{},{},{},{},{}",
                    csv_out::field(&c.customer_id),
                    c.first_order,
                    c.last_order,
                    c.orders,
                    c.frequency,
                    c.monetary_total,
                    c.monetary_mean,
                    c.recency_days,
                    c.tenure_days,
                    csv_out::field(c.channel.as_deref().unwrap_or(""))
                )?;
            }
            w.flush()?;
            Ok(())
        }
        TableFormat::Text => {
            let mut t = Table::new([
                "customer", "first", "last", "orders", "freq", "total", "mean", "recency",
                "tenure", "channel",
            ]);
            for c in customers {
                t.push([
                    c.customer_id.clone(),
                    c.first_order.to_string(),
                    c.last_order.to_string(),
                    c.orders.to_string(),
                    c.frequency.to_string(),
                    money(c.monetary_total),
                    money(c.monetary_mean),
                    c.recency_days.to_string(),
                    c.tenure_days.to_string(),
                    c.channel.clone().unwrap_or_default(),
                ]);
            }
            let text = format!(
                "Customers as of {} ({} customers; recency and tenure in days)\n{}",
                report.as_of,
                customers.len(),
                t.render()
            );
            output::write(out, &text)
        }
    }
}
