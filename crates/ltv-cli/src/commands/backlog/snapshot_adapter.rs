//! THE adapter from a data file to a stored snapshot: one function,
//! [`measure_snapshot`], that measures the baseline with today's `ltv_segments`
//! functions (`drivers`, `channel_economics`'s CAC file) and fills
//! [`ltv_store::SnapshotKpis`].
//!
//! When the single measured baseline of the issue "One LTV" lands (a
//! `ltv_planner::measure`-like function returning `headline` and `channels`), this
//! function becomes a field-by-field copy of its document; nothing else in the backlog
//! changes. Until then the definitions are `ltv drivers`' (docs/formulas.md,
//! "Data-driven drivers"), applied to all customers and to each channel's customers
//! with the same margin, so every LTV and LTV/CAC here is on one basis.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::NaiveDate;
use ltv_core::{Band, Decimal};
use ltv_segments::{drivers, ChannelSpend, Day, Transactions};
use ltv_store::{ChannelKpis, Headline, SnapshotKpis};

use crate::error;

/// The basis of every LTV in a snapshot.
pub const LTV_BASIS: &str =
    "gross margin × AOV × orders per year × lifespan (1 ÷ monthly churn), from the data";

/// LTV/CAC at which CAC is the most one may pay ("max CAC" = LTV ÷ 3).
const TARGET_RATIO: u32 = 3;

/// Measures `tx` as of its as-of day.
///
/// # Errors
/// The drivers' errors (no churned customer yet, margin out of range); overflow.
pub fn measure_snapshot(
    tx: &Transactions,
    source: &str,
    margin: Decimal,
    inactive_days: u32,
    spend: &[ChannelSpend],
    currency: Option<String>,
) -> Result<SnapshotKpis> {
    let d = drivers(tx, margin, inactive_days).map_err(error::segments)?;
    let as_of = date(tx.as_of())?;
    let mut warnings = Vec::new();

    // customers per channel (acquisition channel of the first order)
    let mut per_channel: BTreeMap<String, u64> = BTreeMap::new();
    for c in tx.customers() {
        *per_channel
            .entry(c.channel.unwrap_or("unknown").to_owned())
            .or_default() += 1;
    }
    // blended CAC over the CAC file's channels
    let (mut total_spend, mut total_new) = (Decimal::ZERO, 0u64);
    for s in spend {
        let data = per_channel.get(&s.channel).copied();
        if data.is_none() {
            warnings.push(format!(
                "CAC file channel '{}' matches no channel in the data",
                s.channel
            ));
        }
        total_spend += s.spend;
        total_new += s.new_customers.or(data).unwrap_or(0);
    }
    let cac = (total_new > 0 && !spend.is_empty())
        .then(|| ltv_core::cac(total_spend, Decimal::ZERO, total_new))
        .transpose()
        .map_err(error::core)?
        .map(|c| c.normalize())
        .filter(|c| !c.is_zero());
    let ratio = cac
        .and_then(|c| d.ltv.checked_div(c))
        .map(|r| r.normalize());
    let gross_profit_per_month =
        d.average_order_value * margin * d.purchase_frequency_per_year / Decimal::from(12);
    let payback_months = match cac {
        Some(c) => ltv_core::payback_periods(c, gross_profit_per_month)
            .map_err(error::core)?
            .map(|p| p.normalize()),
        None => None,
    };
    let repeaters = tx.customers().filter(|c| c.orders.len() >= 2).count() as u64;
    let customers = d.customers.max(1);
    let headline = Headline {
        ltv: d.ltv,
        ltv_basis: LTV_BASIS.to_owned(),
        margin: d.margin,
        cac,
        ltv_cac_ratio: ratio,
        band: ratio.map(Band::of_ratio),
        payback_months,
        monthly_churn: d.monthly_churn,
        inactive_days,
        aov: d.average_order_value,
        orders_per_year: d.purchase_frequency_per_year,
        repeat_rate: Some((Decimal::from(repeaters) / Decimal::from(customers)).normalize()),
        max_cac: (d.ltv / Decimal::from(TARGET_RATIO)).normalize(),
        customers: d.customers,
        active_customers: d.customers - d.churned_customers,
        new_customers_per_month: new_per_month(tx),
        nrr: None,
    };
    let channels = if tx.has_channels() {
        per_channel
            .iter()
            .map(|(name, n)| channel(tx, name, *n, margin, inactive_days, spend))
            .collect::<Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    Ok(SnapshotKpis {
        as_of,
        source: source.to_owned(),
        currency,
        headline,
        channels,
        warnings,
    })
}

fn date(day: Day) -> Result<NaiveDate> {
    Ok(day.to_string().parse::<NaiveDate>()?)
}

/// New customers per month over the twelve months up to the as-of day (or the data's
/// span when shorter).
fn new_per_month(tx: &Transactions) -> Decimal {
    let as_of = tx.as_of();
    let span = (as_of - tx.first_day() + 1).clamp(1, 365);
    let new = tx
        .customers()
        .filter(|c| c.first_day().is_some_and(|f| as_of - f < span))
        .count();
    let months = Decimal::from(span) * Decimal::from(12) / Decimal::from(365);
    (Decimal::from(new) / months).round_dp(4).normalize()
}

/// One channel's drivers and unit economics, on the headline's basis.
fn channel(
    tx: &Transactions,
    name: &str,
    customers: u64,
    margin: Decimal,
    inactive_days: u32,
    spend: &[ChannelSpend],
) -> Result<ChannelKpis> {
    let rows = tx
        .customers()
        .filter(|c| c.channel.unwrap_or("unknown") == name)
        .flat_map(|c| {
            c.orders
                .iter()
                .map(move |o| (c.id, c.channel, o.day, o.amount))
        });
    let sub = Transactions::from_rows(rows, Some(tx.as_of())).map_err(error::segments)?;
    // a channel where nobody has churned yet has no churn, hence no LTV: say nothing
    let d = drivers(&sub, margin, inactive_days).ok();
    let cac = spend
        .iter()
        .find(|s| s.channel == name)
        .and_then(|s| {
            let n = s.new_customers.unwrap_or(customers);
            (n > 0).then(|| ltv_core::cac(s.spend, Decimal::ZERO, n))
        })
        .transpose()
        .map_err(error::core)?
        .map(|c| c.normalize())
        .filter(|c| !c.is_zero());
    let ltv = d.as_ref().map(|d| d.ltv);
    let ratio = ltv
        .zip(cac)
        .and_then(|(l, c)| l.checked_div(c))
        .map(|r| r.normalize());
    Ok(ChannelKpis {
        channel: name.to_owned(),
        customers,
        ltv,
        cac,
        ltv_cac_ratio: ratio,
        band: ratio.map(Band::of_ratio),
        max_cac: ltv.map(|l| (l / Decimal::from(TARGET_RATIO)).normalize()),
        monthly_churn: d.as_ref().map(|d| d.monthly_churn),
        aov: d.as_ref().map(|d| d.average_order_value),
        orders_per_year: d.as_ref().map(|d| d.purchase_frequency_per_year),
    })
}
