//! The monthly MRR table: customer × month → MRR, the input of every metric.
//!
//! A missing month and an MRR of 0 both mean "not subscribed that month". Rows are
//! added through [`MrrTableBuilder`], which rejects negative MRR and, unless told to
//! sum them, a second row for the same customer and month (naming both lines).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use ltv_core::Decimal;
use serde::{Deserialize, Serialize};

use crate::checked::add_to;
use crate::error::{Result, SaasError};
use crate::month::Month;

/// One input row: a customer's MRR in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrrRow {
    /// Customer identifier.
    pub customer_id: String,
    /// The calendar month.
    pub month: Month,
    /// Monthly recurring revenue in that month (money, >= 0; 0 = not subscribed).
    pub mrr: Decimal,
    /// Plan name, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Acquisition channel, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

/// One customer's MRR history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Customer identifier.
    pub id: String,
    /// Plan in the customer's latest month with a plan, if any row names one.
    pub plan: Option<String>,
    /// Acquisition channel: the channel of the customer's earliest row that names one.
    pub channel: Option<String>,
    /// Months with MRR > 0, ascending, each once.
    series: Vec<(Month, Decimal)>,
}

impl Customer {
    /// The months with MRR > 0 and their MRR, ascending.
    pub fn series(&self) -> &[(Month, Decimal)] {
        &self.series
    }

    /// MRR in `month` (0 when not subscribed).
    pub fn mrr(&self, month: Month) -> Decimal {
        self.series
            .binary_search_by_key(&month, |&(m, _)| m)
            .ok()
            .and_then(|i| self.series.get(i))
            .map_or(Decimal::ZERO, |&(_, v)| v)
    }
}

/// The monthly MRR table. Customers are sorted by id; build one with
/// [`MrrTableBuilder`] or [`MrrTable::from_rows`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MrrTable {
    customers: Vec<Customer>,
    first: Option<Month>,
    last: Option<Month>,
}

impl MrrTable {
    /// Builds a table from rows; a row's "line" in errors is its 1-based position.
    ///
    /// # Errors
    /// As for [`MrrTableBuilder::add`].
    pub fn from_rows(rows: impl IntoIterator<Item = MrrRow>, sum_duplicates: bool) -> Result<Self> {
        let mut builder = MrrTableBuilder::new(sum_duplicates);
        for (i, row) in rows.into_iter().enumerate() {
            builder.add(row, i as u64 + 1)?;
        }
        Ok(builder.finish())
    }

    /// The customers, sorted by id (including customers whose MRR is always 0).
    pub fn customers(&self) -> &[Customer] {
        &self.customers
    }

    /// The earliest month of any row (including rows with MRR 0), `None` when empty.
    pub fn first_month(&self) -> Option<Month> {
        self.first
    }

    /// The latest month of any row (including rows with MRR 0), `None` when empty.
    pub fn last_month(&self) -> Option<Month> {
        self.last
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }
}

#[derive(Debug)]
struct Pending {
    id: String,
    plan: Option<(Month, String)>,
    channel: Option<(Month, String)>,
    cells: HashMap<Month, (Decimal, u64)>,
}

/// Collects rows into an [`MrrTable`], checking each as it arrives.
#[derive(Debug, Default)]
pub struct MrrTableBuilder {
    sum_duplicates: bool,
    index: HashMap<String, usize>,
    pending: Vec<Pending>,
    first: Option<Month>,
    last: Option<Month>,
}

impl MrrTableBuilder {
    /// A builder; with `sum_duplicates`, rows for the same customer and month are added
    /// together instead of being an error.
    pub fn new(sum_duplicates: bool) -> Self {
        MrrTableBuilder {
            sum_duplicates,
            ..Self::default()
        }
    }

    /// Adds one row read from source line `line`.
    ///
    /// # Errors
    /// [`SaasError::NegativeMrr`] for MRR < 0; [`SaasError::DuplicateRow`] for a second
    /// row of the same customer and month (unless summing); an overflow when summing.
    pub fn add(&mut self, row: MrrRow, line: u64) -> Result<()> {
        if row.mrr.is_sign_negative() && !row.mrr.is_zero() {
            return Err(SaasError::NegativeMrr {
                customer: row.customer_id,
                month: row.month,
                value: row.mrr,
                line,
            });
        }
        let slot = match self.index.get(&row.customer_id) {
            Some(&i) => i,
            None => {
                self.pending.push(Pending {
                    id: row.customer_id.clone(),
                    plan: None,
                    channel: None,
                    cells: HashMap::new(),
                });
                let i = self.pending.len() - 1;
                self.index.insert(row.customer_id.clone(), i);
                i
            }
        };
        let Some(p) = self.pending.get_mut(slot) else {
            return Ok(());
        };
        match p.cells.entry(row.month) {
            Entry::Vacant(e) => {
                e.insert((row.mrr, line));
            }
            Entry::Occupied(mut e) => {
                if !self.sum_duplicates {
                    return Err(SaasError::DuplicateRow {
                        file: String::new(),
                        customer: row.customer_id,
                        month: row.month,
                        first_line: e.get().1,
                        second_line: line,
                    });
                }
                add_to(&mut e.get_mut().0, row.mrr, "summed duplicate MRR")?;
            }
        }
        if let Some(plan) = row.plan.filter(|s| !s.is_empty()) {
            if p.plan.as_ref().is_none_or(|(m, _)| row.month >= *m) {
                p.plan = Some((row.month, plan));
            }
        }
        if let Some(channel) = row.channel.filter(|s| !s.is_empty()) {
            if p.channel.as_ref().is_none_or(|(m, _)| row.month < *m) {
                p.channel = Some((row.month, channel));
            }
        }
        self.first = Some(self.first.map_or(row.month, |f| f.min(row.month)));
        self.last = Some(self.last.map_or(row.month, |l| l.max(row.month)));
        Ok(())
    }

    /// The finished table.
    pub fn finish(self) -> MrrTable {
        let mut customers: Vec<Customer> = self
            .pending
            .into_iter()
            .map(|p| {
                let mut series: Vec<(Month, Decimal)> = p
                    .cells
                    .into_iter()
                    .filter(|(_, (v, _))| !v.is_zero())
                    .map(|(m, (v, _))| (m, v))
                    .collect();
                series.sort_unstable_by_key(|&(m, _)| m);
                Customer {
                    id: p.id,
                    plan: p.plan.map(|(_, s)| s),
                    channel: p.channel.map(|(_, s)| s),
                    series,
                }
            })
            .collect();
        customers.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        MrrTable {
            customers,
            first: self.first,
            last: self.last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(c: &str, m: &str, v: &str) -> MrrRow {
        MrrRow {
            customer_id: c.into(),
            month: m.parse().unwrap(),
            mrr: v.parse().unwrap(),
            plan: None,
            channel: None,
        }
    }

    #[test]
    fn duplicates_name_both_lines() {
        let err = MrrTable::from_rows(
            [
                row("a", "2024-01", "1"),
                row("b", "2024-01", "1"),
                row("a", "2024-01", "2"),
            ],
            false,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "duplicate rows for customer a in 2024-01: lines 1 and 3 (use --sum-duplicates to add them)"
        );
        let t = MrrTable::from_rows([row("a", "2024-01", "1"), row("a", "2024-01", "2")], true)
            .unwrap();
        assert_eq!(
            t.customers()[0].mrr("2024-01".parse().unwrap()),
            Decimal::from(3)
        );
    }

    #[test]
    fn zero_means_not_subscribed() {
        let t = MrrTable::from_rows([row("a", "2024-01", "0"), row("a", "2024-02", "5")], false)
            .unwrap();
        assert_eq!(t.customers()[0].series().len(), 1);
        assert_eq!(t.first_month().unwrap().to_string(), "2024-01");
    }

    #[test]
    fn negative_rejected() {
        let err = MrrTable::from_rows([row("a", "2024-01", "-1")], false).unwrap_err();
        assert!(matches!(err, SaasError::NegativeMrr { line: 1, .. }));
    }
}
