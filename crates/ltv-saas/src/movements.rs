//! MRR movements: each customer's MRR compared with the previous month.
//!
//! For a customer with MRR `p` last month and `c` this month:
//!
//! | p | c | movement |
//! | --- | --- | --- |
//! | 0 | > 0, never subscribed before | new = c |
//! | 0 | > 0, subscribed in some earlier month | reactivation = c |
//! | > 0 | 0 < c < p | contraction = p − c |
//! | > 0 | c > p | expansion = c − p |
//! | > 0 | 0 | churned = p (a downgrade to 0 is a churn) |
//!
//! so MRR(t) = MRR(t−1) + new + expansion + reactivation − contraction − churned holds
//! exactly, customer by customer and therefore in total.

use ltv_core::Decimal;

use crate::checked::{add_to, sub};
use crate::error::Result;
use crate::month::Month;
use crate::table::MrrTable;

/// Raw per-month sums over all customers, before any ratio is taken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MonthSums {
    pub mrr: Decimal,
    pub customers: u64,
    pub start_mrr: Decimal,
    pub start_customers: u64,
    pub new: Decimal,
    pub expansion: Decimal,
    pub contraction: Decimal,
    pub churned: Decimal,
    pub reactivation: Decimal,
    pub new_customers: u64,
    pub churned_customers: u64,
    pub reactivated_customers: u64,
    /// Customers active 12 months earlier: their MRR then.
    pub base_12m_mrr: Decimal,
    /// Customers active 12 months earlier: how many.
    pub base_12m_customers: u64,
    /// Their MRR now.
    pub now_12m_mrr: Decimal,
    /// Their MRR now, each capped at their MRR 12 months earlier.
    pub capped_12m_mrr: Decimal,
}

/// Per-month sums from `start` through `end` (inclusive), one entry per month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Timeline {
    pub start: Month,
    pub months: Vec<MonthSums>,
}

impl Timeline {
    /// The sums of `month`, if it lies in the timeline.
    pub fn get(&self, month: Month) -> Option<&MonthSums> {
        usize::try_from(self.start.months_until(month))
            .ok()
            .and_then(|i| self.months.get(i))
    }
}

/// Walks every customer from their first subscribed month to `end`, ignoring months
/// after `end`. The timeline starts at the table's first month.
pub(crate) fn timeline(table: &MrrTable, start: Month, end: Month) -> Result<Timeline> {
    let len = usize::try_from(start.months_until(end) + 1).unwrap_or(0);
    let mut months = vec![MonthSums::default(); len];
    let mut values: Vec<Decimal> = Vec::new();
    for customer in table.customers() {
        let Some(&(first, _)) = customer.series().first() else {
            continue;
        };
        if first > end {
            continue;
        }
        let offset = usize::try_from(start.months_until(first)).unwrap_or(0);
        // 12 months after a customer's last MRR they no longer move any sum (the churn
        // is in the month after, the trailing-12 base ends 12 months after), so the
        // walk stops there: a stray far-future month cannot make every customer walk it
        let last = customer.series().last().map_or(first, |&(m, _)| m);
        let stop = end.min(last.offset(12));
        let span = usize::try_from(first.months_until(stop) + 1).unwrap_or(0);
        values.clear();
        values.resize(span, Decimal::ZERO);
        for &(m, v) in customer.series() {
            if let Some(slot) = usize::try_from(first.months_until(m))
                .ok()
                .and_then(|i| values.get_mut(i))
            {
                *slot = v;
            }
        }
        let mut ever = false;
        let mut prev = Decimal::ZERO;
        for (i, (&cur, sums)) in values
            .iter()
            .zip(months.iter_mut().skip(offset))
            .enumerate()
        {
            let p = prev;
            prev = cur;
            if !cur.is_zero() {
                add_to(&mut sums.mrr, cur, "MRR")?;
                sums.customers += 1;
            }
            if !p.is_zero() {
                add_to(&mut sums.start_mrr, p, "starting MRR")?;
                sums.start_customers += 1;
            }
            if p.is_zero() && !cur.is_zero() {
                if ever {
                    add_to(&mut sums.reactivation, cur, "reactivation MRR")?;
                    sums.reactivated_customers += 1;
                } else {
                    add_to(&mut sums.new, cur, "new MRR")?;
                    sums.new_customers += 1;
                }
                ever = true;
            } else if !p.is_zero() && cur.is_zero() {
                add_to(&mut sums.churned, p, "churned MRR")?;
                sums.churned_customers += 1;
            } else if cur > p {
                add_to(
                    &mut sums.expansion,
                    sub(cur, p, "expansion")?,
                    "expansion MRR",
                )?;
            } else if cur < p {
                add_to(
                    &mut sums.contraction,
                    sub(p, cur, "contraction")?,
                    "contraction MRR",
                )?;
            }
            let then = i.checked_sub(12).and_then(|j| values.get(j)).copied();
            if let Some(then) = then.filter(|v| !v.is_zero()) {
                add_to(&mut sums.base_12m_mrr, then, "MRR 12 months earlier")?;
                sums.base_12m_customers += 1;
                add_to(&mut sums.now_12m_mrr, cur, "retained MRR")?;
                add_to(&mut sums.capped_12m_mrr, cur.min(then), "retained MRR")?;
            }
        }
    }
    Ok(Timeline { start, months })
}
