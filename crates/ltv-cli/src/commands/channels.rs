//! `ltv channels`: every acquisition channel on the headline's basis.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::{group, percent, MONEY_DP};
use ltv_core::Decimal;

use super::{baseline, csv_out, load};
use crate::args::{ChannelsArgs, TableFormat};
use crate::output::{self, Table};

pub fn run(args: &ChannelsArgs, out: &mut dyn Write) -> Result<()> {
    let tx = load::transactions(&args.input)?;
    if !tx.has_channels() {
        crate::progress::note!(
            "note: the file has no channel column (set --channel-col): all customers are 'unknown'"
        );
    }
    let mut options = args.measure.options();
    options.horizon_months = args.horizon_months;
    let spend = args
        .measure
        .cac
        .as_deref()
        .map(baseline::read_cac)
        .transpose()?;
    let report =
        ltv_planner::channels(&tx, spend.as_ref(), &options).map_err(crate::error::measure)?;
    for w in &report.warnings {
        crate::progress::note!("warning: {w}");
    }
    let currency = ltv_core::Currency::parse(&options.currency).map_err(crate::error::core)?;
    let c = &currency;
    let opt = |v: Option<Decimal>| v.map(|d| d.to_string()).unwrap_or_default();
    let text = match args.format.format {
        TableFormat::Json => output::json(&report)?,
        TableFormat::Csv => {
            let mut text = String::from("channel,customers,ltv,spend,new_customers,cac,ltv_cac_ratio,band,max_cac,payback_months,monthly_churn,aov,orders_per_year,repeat_rate,revenue,revenue_per_customer,revenue_at_horizon\n");
            for r in &report.channels {
                text.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    csv_out::field(&r.channel),
                    r.customers,
                    opt(r.ltv),
                    opt(r.spend),
                    r.new_customers.map(|n| n.to_string()).unwrap_or_default(),
                    opt(r.cac),
                    opt(r.ltv_cac_ratio),
                    r.band.map(|b| b.as_str()).unwrap_or(""),
                    opt(r.max_cac),
                    opt(r.payback_months),
                    opt(r.monthly_churn),
                    r.aov,
                    r.orders_per_year,
                    opt(r.repeat_rate),
                    r.revenue,
                    r.revenue_per_customer,
                    opt(r.revenue_at_horizon),
                ));
            }
            text
        }
        TableFormat::Text => {
            let h = format!("revenue {}m", report.horizon_months);
            let mut t = Table::new([
                "channel",
                "customers",
                "LTV",
                "CAC",
                "LTV/CAC",
                "band",
                "max CAC",
                "payback",
                "churn/month",
                "revenue/customer",
                h.as_str(),
            ]);
            let m = |v: Option<Decimal>| v.map(|x| c.format(x)).unwrap_or_else(|| "-".into());
            for r in &report.channels {
                t.push([
                    r.channel.clone(),
                    group(Decimal::from(r.customers), 0),
                    m(r.ltv),
                    m(r.cac),
                    r.ltv_cac_ratio
                        .map(|x| group(x, MONEY_DP))
                        .unwrap_or_else(|| "-".into()),
                    r.band
                        .map(|b| b.label(ltv_core::Lang::En).to_owned())
                        .unwrap_or_else(|| "-".into()),
                    m(r.max_cac),
                    r.payback_months
                        .map(|p| format!("{} mo", group(p, 1)))
                        .unwrap_or_else(|| "-".into()),
                    r.monthly_churn.map(percent).unwrap_or_else(|| "-".into()),
                    c.format(r.revenue_per_customer),
                    m(r.revenue_at_horizon),
                ]);
            }
            format!(
                "Channels as of {}: LTV = gross margin {} over each channel's expected lifespan (the headline's basis); max CAC = LTV ÷ {}; the last two columns are revenue, never banded\n{}",
                report.as_of,
                percent(report.basis.margin),
                group(report.target_ratio, 1),
                t.render()
            )
        }
    };
    output::write(out, &text)
}
