//! Channel economics: per acquisition channel the customers, revenue, average LTV at a
//! horizon and, with a CAC file, CAC, LTV/CAC and its band.

use ltv_core::{Band, UnitEconomics};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::cell::parse_amount;
use crate::cohort::{cohorts, CohortKey, CohortMetric};
use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::table::{CsvFile, CsvOptions, FieldError};
use crate::transactions::Transactions;

/// Acquisition spend of one channel, from a CAC file (`channel,spend[,new_customers]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelSpend {
    /// Channel name (as in the transactions' channel column).
    pub channel: String,
    /// Acquisition spend (money, ≥ 0).
    pub spend: Decimal,
    /// New customers the spend bought; `None`: the customers the data acquired via
    /// the channel.
    pub new_customers: Option<u64>,
}

/// Reads a CAC file: header with `channel` and `spend`, optional `new_customers`.
///
/// # Errors
/// I/O and header errors, a [`crate::DataError`] for a bad cell (negative spend, a
/// non-integer count, a repeated channel).
pub fn read_spend(file: &CsvFile) -> Result<Vec<ChannelSpend>> {
    let channel = file.column("channel", "--cac")?;
    let spend = file.column("spend", "--cac")?;
    let new = file.optional_column("new_customers");
    let (rows, _) = file.rows(&CsvOptions::default(), |rec| {
        let name = rec.text(channel)?.trim().to_string();
        if name.is_empty() {
            return Err(FieldError::new(channel, "missing value"));
        }
        let amount = parse_amount(rec.raw(spend)).map_err(|r| FieldError::new(spend, r))?;
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(FieldError::new(spend, "must be >= 0"));
        }
        let count = match new {
            Some(col) if !rec.raw(col).trim_ascii().is_empty() => Some(
                std::str::from_utf8(rec.raw(col).trim_ascii())
                    .ok()
                    .and_then(|t| t.parse::<u64>().ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| FieldError::new(col, "not a whole number >= 1"))?,
            ),
            _ => None,
        };
        Ok(ChannelSpend {
            channel: name,
            spend: amount,
            new_customers: count,
        })
    })?;
    for (i, r) in rows.iter().enumerate() {
        if rows[..i].iter().any(|o| o.channel == r.channel) {
            return Err(SegmentsError::Header {
                file: file.name().to_string(),
                reason: format!("channel '{}' appears more than once", r.channel),
            });
        }
    }
    Ok(rows)
}

/// One channel's economics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelRow {
    /// Channel name (`unknown` for customers without one).
    pub channel: String,
    /// Customers acquired via the channel (in the data).
    pub customers: u64,
    /// Sum of their amounts (money).
    pub revenue: Decimal,
    /// Revenue per customer to date (money).
    pub revenue_per_customer: Decimal,
    /// Customers old enough to be observed over the whole horizon.
    pub customers_at_horizon: u64,
    /// Mean cumulative revenue over the first `horizon_months` months of those customers
    /// (money); `null` if none is old enough.
    pub ltv_at_horizon: Option<Decimal>,
    /// Acquisition spend from the CAC file.
    pub spend: Option<Decimal>,
    /// spend ÷ new customers (from the file, else `customers`).
    pub cac: Option<Decimal>,
    /// ltv_at_horizon ÷ cac.
    pub ltv_cac_ratio: Option<Decimal>,
    /// Band of the ratio (healthy ≥ 3, needs_improvement 1–3, unprofitable < 1).
    pub band: Option<Band>,
}

/// The result of `ltv channels`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelReport {
    /// The as-of day.
    pub as_of: Day,
    /// The LTV horizon in months (periods 0..horizon−1 since the first order month).
    pub horizon_months: u32,
    /// One row per channel, by name (`unknown` last).
    pub channels: Vec<ChannelRow>,
}

/// Channel economics at `horizon_months`, with CAC where `spend` has the channel.
///
/// The LTV at horizon H is the channel-cohort cumulative LTV cell at period H − 1:
/// cumulative revenue through month H − 1 ÷ customers who could reach it.
///
/// # Errors
/// [`SegmentsError::InvalidOption`] for a zero horizon; overflow.
pub fn channel_economics(
    tx: &Transactions,
    horizon_months: u32,
    spend: &[ChannelSpend],
) -> Result<ChannelReport> {
    if horizon_months == 0 {
        return Err(SegmentsError::InvalidOption {
            field: "horizon_months",
            value: "0".into(),
            allowed: ">= 1".into(),
        });
    }
    let k = horizon_months as usize - 1;
    let ltv = cohorts(tx, CohortKey::Channel, CohortMetric::Ltv)?;
    let revenue = cohorts(tx, CohortKey::Channel, CohortMetric::Revenue)?;
    let retention_counts = eligible_counts(tx, k);
    let mut rows = Vec::new();
    for (l, r) in ltv.rows.iter().zip(&revenue.rows) {
        let total: Decimal = r.cells.iter().flatten().sum();
        let customers = l.size;
        let at_horizon = l.cells.get(k).copied().flatten();
        let s = spend.iter().find(|s| s.channel == l.cohort);
        let mut row = ChannelRow {
            channel: l.cohort.clone(),
            customers,
            revenue: total,
            revenue_per_customer: (total / Decimal::from(customers.max(1))).normalize(),
            customers_at_horizon: retention_counts
                .iter()
                .find(|(c, _)| c == &l.cohort)
                .map_or(0, |(_, n)| *n),
            ltv_at_horizon: at_horizon,
            spend: s.map(|s| s.spend),
            cac: None,
            ltv_cac_ratio: None,
            band: None,
        };
        if let Some(s) = s {
            fill_cac(&mut row, s)?;
        }
        rows.push(row);
    }
    for s in spend {
        if !rows.iter().any(|r| r.channel == s.channel) {
            let mut row = ChannelRow {
                channel: s.channel.clone(),
                customers: 0,
                revenue: Decimal::ZERO,
                revenue_per_customer: Decimal::ZERO,
                customers_at_horizon: 0,
                ltv_at_horizon: None,
                spend: Some(s.spend),
                cac: None,
                ltv_cac_ratio: None,
                band: None,
            };
            fill_cac(&mut row, s)?;
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| {
        (a.channel == "unknown", &a.channel).cmp(&(b.channel == "unknown", &b.channel))
    });
    Ok(ChannelReport {
        as_of: tx.as_of(),
        horizon_months,
        channels: rows,
    })
}

fn fill_cac(row: &mut ChannelRow, s: &ChannelSpend) -> Result<()> {
    let new = s.new_customers.unwrap_or(row.customers);
    if new == 0 {
        return Ok(());
    }
    let cac = ltv_core::cac(s.spend, Decimal::ZERO, new)?.normalize();
    row.cac = Some(cac);
    if let (Some(ltv), false) = (row.ltv_at_horizon, cac.is_zero()) {
        let ue = UnitEconomics::new(ltv, cac, None, None)?;
        row.ltv_cac_ratio = Some(ue.ratio);
        row.band = Some(ue.band);
    }
    Ok(())
}

/// Customers per channel whose first month + k ≤ the as-of month.
fn eligible_counts(tx: &Transactions, k: usize) -> Vec<(String, u64)> {
    let as_of = tx.as_of().month_index();
    let mut out: Vec<(String, u64)> = Vec::new();
    for c in tx.customers() {
        let name = c.channel.unwrap_or("unknown");
        let ok = c
            .first_day()
            .is_some_and(|d| i64::from(d.month_index()) + k as i64 <= i64::from(as_of));
        match out.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += u64::from(ok),
            None => out.push((name.to_string(), u64::from(ok))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn worked_example_with_cac() {
        let tx = Transactions::from_rows(
            [
                ("a", Some("ads"), "2024-01-05", "100"),
                ("a", Some("ads"), "2024-02-05", "50"),
                ("b", Some("ads"), "2024-01-10", "30"),
                ("c", Some("seo"), "2024-02-10", "40"),
            ]
            .iter()
            .map(|(i, c, day, a)| (*i, *c, day.parse().unwrap(), d(a))),
            None,
        )
        .unwrap();
        let spend = [ChannelSpend {
            channel: "ads".into(),
            spend: d("60"),
            new_customers: None,
        }];
        let report = channel_economics(&tx, 2, &spend).unwrap();
        let ads = &report.channels[0];
        assert_eq!((ads.customers, ads.revenue), (2, d("180")));
        assert_eq!(ads.ltv_at_horizon, Some(d("90")));
        assert_eq!(ads.cac, Some(d("30")));
        assert_eq!(ads.ltv_cac_ratio, Some(d("3")));
        assert_eq!(ads.band, Some(Band::Healthy));
        let seo = &report.channels[1];
        assert_eq!(seo.ltv_at_horizon, None);
        assert_eq!(seo.customers_at_horizon, 0);
        assert!(channel_economics(&tx, 0, &spend).is_err());
    }

    #[test]
    fn cac_file() {
        let f = CsvFile::from_bytes(
            "cac.csv",
            b"channel,spend,new_customers\nads,1000,10\nseo,0,\n".to_vec(),
            b',',
        )
        .unwrap();
        let s = read_spend(&f).unwrap();
        assert_eq!(s[0].new_customers, Some(10));
        assert_eq!(s[1].new_customers, None);
        let bad =
            CsvFile::from_bytes("cac.csv", b"channel,spend\nads,-5\n".to_vec(), b',').unwrap();
        assert_eq!(
            read_spend(&bad).unwrap_err().to_string(),
            "cac.csv:2: column 'spend': must be >= 0: '-5'"
        );
    }
}
