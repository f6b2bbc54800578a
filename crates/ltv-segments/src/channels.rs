//! Channel revenue and acquisition spend: per acquisition channel the customers, revenue
//! and revenue over a horizon (a revenue view: never banded), the CAC file
//! (`channel,spend[,new_customers]`, or `spend[,new_customers]` for all customers) and
//! how its channels meet the data's.
//!
//! The LTV per channel, on the same basis as the headline, and its LTV/CAC band are
//! `ltv-planner`'s measured baseline, built on these.

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

/// A CAC file: spend per channel, or one total for all customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "applies_to")]
pub enum Spend {
    /// A file with a `channel` column: one row per channel, names matched exactly.
    ByChannel {
        /// The rows, in file order.
        channels: Vec<ChannelSpend>,
    },
    /// A file without a `channel` column: its rows summed, for all customers.
    AllCustomers {
        /// Total acquisition spend (money, ≥ 0).
        spend: Decimal,
        /// New customers it bought; `None`: every customer in the data.
        new_customers: Option<u64>,
    },
}

/// Reads a CAC file: a header with `spend`, optional `channel` and `new_customers`.
/// Without a `channel` column the rows (e.g. one per month) are summed and apply to all
/// customers; their `new_customers` must then be given on every row or on none.
///
/// # Errors
/// I/O and header errors, a [`crate::DataError`] for a bad cell (negative spend, a
/// non-integer count, a repeated channel).
pub fn read_spend(file: &CsvFile) -> Result<Spend> {
    let channel = file.optional_column("channel");
    let spend = file.column("spend", "--cac")?;
    let new = file.optional_column("new_customers");
    let (rows, _) = file.rows(&CsvOptions::default(), |rec| {
        let name = match channel {
            Some(col) => {
                let name = rec.text(col)?.trim().to_string();
                if name.is_empty() {
                    return Err(FieldError::new(col, "missing value"));
                }
                name
            }
            None => String::new(),
        };
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
    let header = |reason: String| SegmentsError::Header {
        file: file.name().to_string(),
        reason,
    };
    if channel.is_none() {
        let mut total = Decimal::ZERO;
        for r in &rows {
            total = total.checked_add(r.spend).ok_or(SegmentsError::Core(
                ltv_core::CoreError::Overflow {
                    what: "total spend",
                },
            ))?;
        }
        let counted = rows.iter().filter(|r| r.new_customers.is_some()).count();
        let new_customers = match counted {
            0 => None,
            n if n == rows.len() => Some(
                rows.iter()
                    .filter_map(|r| r.new_customers)
                    .fold(0u64, u64::saturating_add),
            ),
            _ => {
                return Err(header(
                    "new_customers is given on some rows and not on others: give it on every row, or leave the column empty to use the customers in the data".into(),
                ))
            }
        };
        if rows.is_empty() {
            return Err(header("no rows after the header".into()));
        }
        return Ok(Spend::AllCustomers {
            spend: total,
            new_customers,
        });
    }
    for (i, r) in rows.iter().enumerate() {
        if rows[..i].iter().any(|o| o.channel == r.channel) {
            return Err(header(format!(
                "channel '{}' appears more than once",
                r.channel
            )));
        }
    }
    Ok(Spend::ByChannel { channels: rows })
}

/// The spend that meets one group of customers in the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedSpend {
    /// The data channel (`all` for a file without a channel column).
    pub channel: String,
    /// Its acquisition spend (money).
    pub spend: Decimal,
    /// New customers: from the file, else the customers the data has in the channel.
    pub new_customers: u64,
    /// Whether `new_customers` was counted in the data (the file had none).
    pub new_customers_from_data: bool,
}

/// How a CAC file meets the data's channels. Names are matched exactly (`Organic` is
/// not `organic`); whatever does not match is listed, never dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpendMatch {
    /// Whether the file applies to all customers (it has no channel column).
    pub all_customers: bool,
    /// Spend per data channel (or one row, `all`).
    pub matched: Vec<MatchedSpend>,
    /// CAC rows whose channel has no customer in the data (left out of the CAC).
    pub unmatched_spend: Vec<ChannelSpend>,
    /// Data channels with customers but no CAC row (left out of the blended CAC).
    pub channels_without_spend: Vec<String>,
    /// Σ matched spend.
    pub spend: Decimal,
    /// Σ matched new customers.
    pub new_customers: u64,
}

impl SpendMatch {
    /// The spend of a data channel, when matched.
    pub fn of(&self, channel: &str) -> Option<&MatchedSpend> {
        if self.all_customers {
            return None;
        }
        self.matched.iter().find(|m| m.channel == channel)
    }

    /// Blended CAC: matched spend ÷ matched new customers; `None` without any match.
    ///
    /// # Errors
    /// Overflow.
    pub fn blended_cac(&self) -> Result<Option<Decimal>> {
        if self.new_customers == 0 {
            return Ok(None);
        }
        Ok(Some(
            ltv_core::cac(self.spend, Decimal::ZERO, self.new_customers)?.normalize(),
        ))
    }
}

/// Matches a CAC file to the data's channels, given as (name, customers).
///
/// # Errors
/// Overflow of the total spend.
///
/// ```
/// use ltv_segments::{match_spend, ChannelSpend, Spend};
/// let file = Spend::ByChannel { channels: vec![
///     ChannelSpend { channel: "Organic".into(), spend: 100.into(), new_customers: None },
///     ChannelSpend { channel: "ads".into(), spend: 300.into(), new_customers: Some(10) },
/// ]};
/// let m = match_spend(&file, &[("organic".into(), 40), ("ads".into(), 12)])?;
/// assert_eq!(m.unmatched_spend[0].channel, "Organic");
/// assert_eq!(m.channels_without_spend, ["organic"]);
/// assert_eq!(m.blended_cac()?, Some(30.into()));
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
pub fn match_spend(spend: &Spend, channels: &[(String, u64)]) -> Result<SpendMatch> {
    let overflow = || {
        SegmentsError::Core(ltv_core::CoreError::Overflow {
            what: "total spend",
        })
    };
    match spend {
        Spend::AllCustomers {
            spend,
            new_customers,
        } => {
            let customers = channels
                .iter()
                .map(|(_, n)| *n)
                .fold(0u64, u64::saturating_add);
            let new = new_customers.unwrap_or(customers);
            Ok(SpendMatch {
                all_customers: true,
                matched: vec![MatchedSpend {
                    channel: "all".into(),
                    spend: *spend,
                    new_customers: new,
                    new_customers_from_data: new_customers.is_none(),
                }],
                unmatched_spend: Vec::new(),
                channels_without_spend: Vec::new(),
                spend: *spend,
                new_customers: new,
            })
        }
        Spend::ByChannel { channels: rows } => {
            let mut m = SpendMatch {
                all_customers: false,
                matched: Vec::new(),
                unmatched_spend: Vec::new(),
                channels_without_spend: Vec::new(),
                spend: Decimal::ZERO,
                new_customers: 0,
            };
            for r in rows {
                match channels
                    .iter()
                    .find(|(name, n)| *name == r.channel && *n > 0)
                {
                    Some((name, customers)) => {
                        let new = r.new_customers.unwrap_or(*customers);
                        m.spend = m.spend.checked_add(r.spend).ok_or_else(overflow)?;
                        m.new_customers = m.new_customers.saturating_add(new);
                        m.matched.push(MatchedSpend {
                            channel: name.clone(),
                            spend: r.spend,
                            new_customers: new,
                            new_customers_from_data: r.new_customers.is_none(),
                        });
                    }
                    None => m.unmatched_spend.push(r.clone()),
                }
            }
            m.channels_without_spend = channels
                .iter()
                .filter(|(name, n)| *n > 0 && !rows.iter().any(|r| r.channel == *name))
                .map(|(name, _)| name.clone())
                .collect();
            Ok(m)
        }
    }
}

/// One channel's revenue.
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
    /// (money, before any margin: a revenue figure, not an LTV); `null` if none is old
    /// enough.
    pub revenue_at_horizon: Option<Decimal>,
}

/// Revenue per acquisition channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelReport {
    /// The as-of day.
    pub as_of: Day,
    /// The horizon in months (periods 0..horizon−1 since the first order month).
    pub horizon_months: u32,
    /// One row per channel, by name (`unknown` last).
    pub channels: Vec<ChannelRow>,
}

/// Revenue per channel, with the mean cumulative revenue per customer at
/// `horizon_months`.
///
/// The revenue at horizon H is the channel-cohort cumulative LTV cell at period H − 1:
/// cumulative revenue through month H − 1 ÷ customers who could reach it.
///
/// # Errors
/// [`SegmentsError::InvalidOption`] for a zero horizon; overflow.
pub fn channel_economics(tx: &Transactions, horizon_months: u32) -> Result<ChannelReport> {
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
        rows.push(ChannelRow {
            channel: l.cohort.clone(),
            customers,
            revenue: total,
            revenue_per_customer: (total / Decimal::from(customers.max(1))).normalize(),
            customers_at_horizon: retention_counts
                .iter()
                .find(|(c, _)| c == &l.cohort)
                .map_or(0, |(_, n)| *n),
            revenue_at_horizon: l.cells.get(k).copied().flatten(),
        });
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
    fn worked_example() {
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
        let report = channel_economics(&tx, 2).unwrap();
        let ads = &report.channels[0];
        assert_eq!((ads.customers, ads.revenue), (2, d("180")));
        assert_eq!(ads.revenue_at_horizon, Some(d("90")));
        let seo = &report.channels[1];
        assert_eq!(seo.revenue_at_horizon, None);
        assert_eq!(seo.customers_at_horizon, 0);
        assert!(channel_economics(&tx, 0).is_err());
    }

    #[test]
    fn cac_file() {
        let f = CsvFile::from_bytes(
            "cac.csv",
            b"channel,spend,new_customers\nads,1000,10\nseo,0,\n".to_vec(),
            b',',
        )
        .unwrap();
        let Spend::ByChannel { channels: s } = read_spend(&f).unwrap() else {
            panic!("a channel column")
        };
        assert_eq!(s[0].new_customers, Some(10));
        assert_eq!(s[1].new_customers, None);
        let all = CsvFile::from_bytes(
            "cac.csv",
            b"month,spend,new_customers\n2024-01,1000,10\n2024-02,500,5\n".to_vec(),
            b',',
        )
        .unwrap();
        assert_eq!(
            read_spend(&all).unwrap(),
            Spend::AllCustomers {
                spend: d("1500"),
                new_customers: Some(15)
            }
        );
        let mixed =
            CsvFile::from_bytes("cac.csv", b"spend,new_customers\n1,2\n3,\n".to_vec(), b',')
                .unwrap();
        assert!(read_spend(&mixed)
            .unwrap_err()
            .to_string()
            .contains("new_customers is given on some rows"));
        let bad =
            CsvFile::from_bytes("cac.csv", b"channel,spend\nads,-5\n".to_vec(), b',').unwrap();
        assert_eq!(
            read_spend(&bad).unwrap_err().to_string(),
            "cac.csv:2: column 'spend': must be >= 0: '-5'"
        );
    }
}
