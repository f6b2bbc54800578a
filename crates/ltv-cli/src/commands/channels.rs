//! `ltv channels`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::{group, money, MONEY_DP};
use ltv_segments::{channel_economics, read_spend, CsvFile};

use super::{csv_out, load};
use crate::args::{ChannelsArgs, TableFormat};
use crate::error;
use crate::output::{self, Table};

pub fn run(args: &ChannelsArgs, out: &mut dyn Write) -> Result<()> {
    let spend = match &args.cac {
        Some(path) => {
            let file = CsvFile::open(&path.display().to_string(), b',')?;
            read_spend(&file)?
        }
        None => Vec::new(),
    };
    let tx = load::transactions(&args.input)?;
    if !tx.has_channels() {
        eprintln!(
            "note: the file has no channel column (set --channel-col): all customers are 'unknown'"
        );
    }
    let report = channel_economics(&tx, args.horizon_months, &spend).map_err(error::segments)?;
    let opt = |v: Option<ltv_core::Decimal>| v.map(|d| d.to_string()).unwrap_or_default();
    let text = match args.format.format {
        TableFormat::Json => output::json(&report)?,
        TableFormat::Csv => {
            let mut text = String::from("channel,customers,revenue,revenue_per_customer,customers_at_horizon,ltv_at_horizon,spend,cac,ltv_cac_ratio,band\n");
            for c in &report.channels {
                text.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{}\n",
                    csv_out::field(&c.channel),
                    c.customers,
                    c.revenue,
                    c.revenue_per_customer,
                    c.customers_at_horizon,
                    opt(c.ltv_at_horizon),
                    opt(c.spend),
                    opt(c.cac),
                    opt(c.ltv_cac_ratio),
                    c.band.map(|b| b.as_str()).unwrap_or("")
                ));
            }
            text
        }
        TableFormat::Text => {
            let h = format!("LTV {}m", report.horizon_months);
            let mut t = Table::new([
                "channel",
                "customers",
                "revenue",
                "per customer",
                "observed",
                h.as_str(),
                "spend",
                "CAC",
                "LTV/CAC",
                "band",
            ]);
            let m = |v: Option<ltv_core::Decimal>| v.map(money).unwrap_or_else(|| "-".into());
            for c in &report.channels {
                t.push([
                    c.channel.clone(),
                    c.customers.to_string(),
                    money(c.revenue),
                    money(c.revenue_per_customer),
                    c.customers_at_horizon.to_string(),
                    m(c.ltv_at_horizon),
                    m(c.spend),
                    m(c.cac),
                    c.ltv_cac_ratio
                        .map(|r| group(r, MONEY_DP))
                        .unwrap_or_else(|| "-".into()),
                    c.band.map(|b| b.to_string()).unwrap_or_default(),
                ]);
            }
            format!(
                "Channels as of {}: LTV {}m = mean revenue in the first {} months of customers observed that long\n{}",
                report.as_of,
                report.horizon_months,
                report.horizon_months,
                t.render()
            )
        }
    };
    output::write(out, &text)
}
