//! THE adapter from a data file to a stored snapshot: one function,
//! [`snapshot_of`], that copies the measured baseline of `ltv_planner::measure` (the
//! one definition behind `ltv drivers`, `channels`, `report` and `plan --data`) into the
//! stored [`ltv_store::SnapshotKpis`], field by field, with the planner baseline it
//! ranks on.

use anyhow::Result;
use chrono::NaiveDate;
use ltv_planner::MeasuredBaseline;
use ltv_store::{ChannelKpis, Headline, SnapshotKpis};

/// The stored form of a measured baseline.
///
/// # Errors
/// An as-of day that is not a calendar date (cannot happen for loaded data).
pub fn snapshot_of(m: &MeasuredBaseline) -> Result<SnapshotKpis> {
    let h = &m.headline;
    let symbol = m.currency.symbol.trim();
    Ok(SnapshotKpis {
        as_of: m.as_of.to_string().parse::<NaiveDate>()?,
        source: m.file.clone(),
        currency: (!symbol.is_empty()).then(|| symbol.to_owned()),
        headline: Headline {
            ltv: h.ltv,
            ltv_basis: h.ltv_basis.to_owned(),
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
    })
}
