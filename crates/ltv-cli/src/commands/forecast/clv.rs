//! `ltv forecast clv`.

use std::io::{BufWriter, Write};

use anyhow::Result;
use ltv_core::present::money;
use ltv_forecast::{forecast_clv, iso_date, ClvReport, ClvRequest};

use super::{error, histories, num, pct, warn, warn_refunds};
use crate::args::{ClvArgs, TableFormat};
use crate::commands::{csv_out, load};
use crate::output::{self, KvTable, Table};

pub fn run(args: &ClvArgs, out: &mut dyn Write) -> Result<()> {
    let tx = load::transactions(&args.input)?;
    let request = ClvRequest {
        horizon_months: args.horizon_months,
        discount_rate: args.discount_rate,
        margin: args.margin,
    };
    let report = forecast_clv(
        &histories(&tx),
        i64::from(args.calibration_end.days()),
        args.time_unit.into(),
        &request,
    )
    .map_err(error)?;
    warn(&report.spend.warnings);
    warn_refunds(report.refund_days);
    match args.format.format {
        TableFormat::Json => output::write(out, &output::json(&report)?),
        TableFormat::Csv => {
            let mut w = BufWriter::with_capacity(1 << 16, out);
            writeln!(
                w,
                "customer_id,p_alive,expected_purchases,expected_spend,clv"
            )?;
            for c in &report.customers {
                writeln!(
                    w,
                    "{},{},{},{},{}",
                    csv_out::field(&c.customer_id),
                    c.p_alive,
                    c.expected_purchases,
                    c.expected_spend,
                    c.clv
                )?;
            }
            w.flush()?;
            Ok(())
        }
        TableFormat::Text => output::write(out, &render(&report)),
    }
}

fn render(r: &ClvReport) -> String {
    let mut kv = KvTable::new("Customer lifetime value (BG/NBD × Gamma-Gamma × margin)");
    kv.row("valuation date", iso_date(r.calibration_end))
        .row("horizon", format!("{} months", r.horizon_months))
        .row(
            "discount rate",
            format!("{} a month", ltv_core::present::percent(r.discount_rate)),
        )
        .row("discounting", "each month's value at the end of the month")
        .row("margin", money(r.margin))
        .row("customers", r.customers.len().to_string())
        .row(
            "purchases model",
            format!(
                "r {}, alpha {} ({}s), a {}, b {}",
                num(r.purchases.params.r, 4),
                num(r.purchases.params.alpha, 4),
                format!("{:?}", r.time_unit).to_lowercase(),
                num(r.purchases.params.a, 4),
                num(r.purchases.params.b, 4)
            ),
        )
        .row(
            "spend model",
            format!(
                "p {}, q {}, gamma {}",
                num(r.spend.params.p, 4),
                num(r.spend.params.q, 4),
                num(r.spend.params.gamma, 4)
            ),
        );
    let mut text = kv.render();
    text.push('\n');
    let mut t = Table::new([
        "customer_id",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
    ]);
    for c in &r.customers {
        t.push([
            c.customer_id.clone(),
            pct(c.p_alive),
            num(c.expected_purchases, 2),
            money(c.expected_spend),
            money(c.clv),
        ]);
    }
    text.push_str(&t.render());
    text
}
