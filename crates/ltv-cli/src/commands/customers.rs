//! `ltv customers`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::money;
use ltv_segments::{CustomerTable, CustomersReport};

use super::{csv_out, load};
use crate::args::{CustomersArgs, TableFormat};
use crate::output::{self, Table};

pub fn run(args: &CustomersArgs, out: &mut dyn Write) -> Result<()> {
    let table = load::customer_table(&args.input)?;
    match args.format.format {
        TableFormat::Csv => csv(&table, out),
        TableFormat::Json => output::write(out, &output::json(&CustomersReport::of_table(&table))?),
        TableFormat::Text => {
            let report = CustomersReport::of_table(&table);
            let customers = &report.customers;
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

/// The CSV straight from the table, rows formatted in parallel (no list of summaries
/// in memory).
fn csv(table: &CustomerTable, out: &mut dyn Write) -> Result<()> {
    out.write_all(b"customer_id,first_order,last_order,orders,frequency,monetary_total,monetary_mean,recency_days,tenure_days,channel\n")?;
    csv_out::write_rows(out, table.len(), |i, buf| {
        let c = table.summary(i);
        csv_out::push_field(buf, &c.customer_id);
        // writing to a Vec cannot fail
        let _ = write!(buf, ",{},{},", c.first_order, c.last_order);
        csv_out::push_int(buf, c.orders);
        buf.push(b',');
        csv_out::push_int(buf, c.frequency);
        buf.push(b',');
        csv_out::push_decimal(buf, c.monetary_total);
        buf.push(b',');
        csv_out::push_decimal(buf, c.monetary_mean);
        buf.push(b',');
        csv_out::push_int(buf, c.recency_days);
        buf.push(b',');
        csv_out::push_int(buf, c.tenure_days);
        buf.push(b',');
        csv_out::push_field(buf, c.channel.as_deref().unwrap_or(""));
        buf.push(b'\n');
    })?;
    out.flush()?;
    Ok(())
}
