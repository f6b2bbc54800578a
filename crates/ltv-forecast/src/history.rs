//! Per-customer purchase histories and their calibration summaries (x, t_x, T, mean
//! repeat spend) in a chosen time unit.
//!
//! The input is neutral: a customer id and purchases as (day number, amount), where the
//! day number counts days since 1970-01-01. Purchases
//! on the same day are merged into one transaction whose amount is their sum, as in
//! Fader, Hardie & Lee (2005).

use std::collections::BTreeMap;
use std::ops::Bound;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bgnbd::Observation;
use crate::error::ForecastError;

/// One purchase: the day it happened and what it was worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purchase {
    /// Day number: days since 1970-01-01 (reports show it as `YYYY-MM-DD`).
    pub day: i64,
    /// Amount (money, ≥ 0).
    pub amount: Decimal,
}

/// All purchases of one customer (any order; same-day purchases are merged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerHistory {
    /// The customer's id.
    pub customer_id: String,
    /// The purchases.
    pub purchases: Vec<Purchase>,
}

/// The time unit of x, t_x, T and of forecast horizons (`day`, `week`, `month`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// 1 day.
    Day,
    /// 7 days.
    Week,
    /// 365.25 / 12 = 30.4375 days.
    Month,
}

impl TimeUnit {
    /// Length in days.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => 30.4375,
        }
    }

    /// Number of this unit in one month of 30.4375 days (for monthly CLV periods).
    pub fn per_month(self) -> f64 {
        TimeUnit::Month.days() / self.days()
    }
}

/// One customer's calibration-period summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerSummary {
    /// The customer's id.
    pub customer_id: String,
    /// First purchase (day number; serialised as `YYYY-MM-DD`).
    #[serde(serialize_with = "crate::calendar::serialize_day")]
    pub first_day: i64,
    /// x: repeat transactions (distinct purchase days after the first) up to the
    /// calibration end.
    pub frequency: u32,
    /// t_x: time from the first to the last calibration transaction, in the time unit.
    pub recency: f64,
    /// T: time from the first purchase to the calibration end, in the time unit.
    pub age: f64,
    /// Mean amount of the x repeat transactions (`None` when x = 0).
    pub mean_repeat_spend: Option<Decimal>,
}

impl CustomerSummary {
    /// (x, t_x, T) for the BG/NBD model.
    pub fn observation(&self) -> Observation {
        Observation {
            x: self.frequency,
            t_x: self.recency,
            t: self.age,
        }
    }
}

/// Summaries of the customers whose first purchase is on or before the calibration end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summaries {
    /// Time unit of recency and age.
    pub time_unit: TimeUnit,
    /// Calibration end (day number, inclusive; serialised as `YYYY-MM-DD`).
    #[serde(serialize_with = "crate::calendar::serialize_day")]
    pub calibration_end: i64,
    /// One summary per customer, in input order.
    pub customers: Vec<CustomerSummary>,
    /// Customers left out because their first purchase is after the calibration end.
    pub first_purchase_after_calibration: usize,
    /// Customers left out because they have no purchases at all.
    pub without_purchases: usize,
    /// Purchases merged into another one on the same day (calibration period).
    pub merged_same_day: usize,
    /// Days whose net amount was negative (refunds), not counted as purchases.
    pub refund_days: usize,
}

/// Builds calibration summaries at `calibration_end` (a day number, inclusive).
///
/// `T = (calibration_end − first_day) / unit` and `t_x = (last_day − first_day) / unit`,
/// the convention of Fader, Hardie & Lee (2005): a customer whose first purchase is on
/// 1997-01-01 has T = 38.86 weeks at 1997-09-30.
///
/// # Errors
/// [`ForecastError::NotEnoughData`] when no customer bought on or before
/// `calibration_end`.
pub fn summarise(
    histories: &[CustomerHistory],
    calibration_end: i64,
    unit: TimeUnit,
) -> Result<Summaries, ForecastError> {
    let mut customers = Vec::with_capacity(histories.len());
    let (mut after, mut empty, mut merged, mut refund_days) = (0, 0, 0, 0);
    for h in histories {
        let (days, left_out) = merge_same_day(h)?;
        refund_days += left_out;
        let Some((&first, _)) = days.first_key_value() else {
            empty += 1;
            continue;
        };
        if first > calibration_end {
            after += 1;
            continue;
        }
        merged += h
            .purchases
            .iter()
            .filter(|p| p.day <= calibration_end)
            .count()
            - days.range(..=calibration_end).count();
        let repeat: Vec<Decimal> = days
            // (first, calibration_end]: empty, not a panic, when first == calibration_end
            .range((Bound::Excluded(first), Bound::Included(calibration_end)))
            .map(|(_, a)| *a)
            .collect();
        let last = days
            .range(..=calibration_end)
            .next_back()
            .map_or(first, |(d, _)| *d);
        let x = u32::try_from(repeat.len()).unwrap_or(u32::MAX);
        let mean = if repeat.is_empty() {
            None
        } else {
            let total = repeat
                .iter()
                .try_fold(Decimal::ZERO, |acc, a| acc.checked_add(*a))
                .ok_or_else(|| ForecastError::History {
                    customer: h.customer_id.clone(),
                    message: "the repeat purchases add up to more than a decimal holds".into(),
                })?;
            Some((total / Decimal::from(repeat.len())).normalize())
        };
        customers.push(CustomerSummary {
            customer_id: h.customer_id.clone(),
            first_day: first,
            frequency: x,
            recency: (last - first) as f64 / unit.days(),
            age: (calibration_end - first) as f64 / unit.days(),
            mean_repeat_spend: mean,
        });
    }
    if customers.is_empty() {
        return Err(ForecastError::NotEnoughData {
            reason: format!(
                "no customer made a purchase on or before the calibration end {}",
                crate::calendar::iso_date(calibration_end)
            ),
        });
    }
    Ok(Summaries {
        time_unit: unit,
        calibration_end,
        customers,
        first_purchase_after_calibration: after,
        without_purchases: empty,
        merged_same_day: merged,
        refund_days,
    })
}

/// Purchases by day with same-day amounts summed, and how many days were left out.
///
/// A refund (negative amount) offsets purchases of the same day. A day whose net amount
/// is negative (a refund booked on a later day than its order) is not a purchase: these
/// models count purchases and their values, not returns. Such days are left out and
/// counted, so callers can say so. A day of amount 0 (a free order) is a purchase, as in
/// the published CDNOW analyses.
///
/// # Errors
/// [`ForecastError::History`] when a day's amounts add up to more than a decimal holds.
pub(crate) fn merge_same_day(
    h: &CustomerHistory,
) -> Result<(BTreeMap<i64, Decimal>, usize), ForecastError> {
    let mut days: BTreeMap<i64, Decimal> = BTreeMap::new();
    for p in &h.purchases {
        let day = days.entry(p.day).or_insert(Decimal::ZERO);
        *day = day
            .checked_add(p.amount)
            .ok_or_else(|| ForecastError::History {
                customer: h.customer_id.clone(),
                message: format!(
                    "the amounts of {} add up to more than a decimal holds",
                    crate::calendar::iso_date(p.day)
                ),
            })?;
    }
    let before = days.len();
    days.retain(|_, amount| *amount >= Decimal::ZERO);
    let left_out = before - days.len();
    Ok((days, left_out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(day: i64, amount: i64) -> Purchase {
        Purchase {
            day,
            amount: Decimal::from(amount),
        }
    }

    #[test]
    fn summary_merges_same_day_and_excludes_late_customers() {
        let h = vec![
            CustomerHistory {
                customer_id: "a".into(),
                purchases: vec![p(0, 10), p(14, 5), p(14, 7), p(21, 30), p(100, 1)],
            },
            CustomerHistory {
                customer_id: "b".into(),
                purchases: vec![p(50, 10)],
            },
            CustomerHistory {
                customer_id: "c".into(),
                purchases: vec![],
            },
        ];
        let s = summarise(&h, 28, TimeUnit::Week).unwrap();
        assert_eq!(s.customers.len(), 1);
        let a = &s.customers[0];
        assert_eq!((a.frequency, a.recency, a.age), (2, 3.0, 4.0));
        assert_eq!(a.mean_repeat_spend, Some(Decimal::from(21)));
        assert_eq!(s.first_purchase_after_calibration, 1);
        assert_eq!(s.without_purchases, 1);
        assert_eq!(s.merged_same_day, 1);
    }

    #[test]
    fn first_purchase_on_the_calibration_end() {
        let h = vec![CustomerHistory {
            customer_id: "a".into(),
            purchases: vec![p(28, 10)],
        }];
        let s = summarise(&h, 28, TimeUnit::Week).unwrap();
        let a = &s.customers[0];
        assert_eq!((a.frequency, a.recency, a.age), (0, 0.0, 0.0));
    }

    #[test]
    fn refund_days_are_not_purchases_and_are_counted() {
        let h = vec![CustomerHistory {
            customer_id: "a".into(),
            // a purchase, a later refund, a partly refunded purchase, a purchase
            purchases: vec![p(0, 10), p(3, -4), p(7, 6), p(7, -9), p(14, 8)],
        }];
        let s = summarise(&h, 28, TimeUnit::Week).unwrap();
        assert_eq!(s.refund_days, 2);
        let a = &s.customers[0];
        assert_eq!((a.frequency, a.recency), (1, 2.0));
        assert_eq!(a.mean_repeat_spend, Some(Decimal::from(8)));
        // only refunds: no purchase at all
        let only = vec![CustomerHistory {
            customer_id: "b".into(),
            purchases: vec![p(0, -1)],
        }];
        assert!(matches!(
            summarise(&only, 1, TimeUnit::Day),
            Err(ForecastError::NotEnoughData { .. })
        ));
    }
}
