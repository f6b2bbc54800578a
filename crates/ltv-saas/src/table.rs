//! The monthly MRR table: customer × month → MRR, the input of every metric.
//!
//! A missing month and an MRR of 0 both mean "not subscribed that month". Rows are
//! added through [`MrrTableBuilder`], which rejects negative MRR and, unless told to
//! sum them, a second row for the same customer and month (naming both lines).

use std::collections::HashMap;

use ltv_core::{CoreError, Decimal};
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
        builder.finish()
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

/// One cell as read: customer index, month, MRR, source line.
#[derive(Debug, Clone, Copy)]
struct Cell {
    customer: u32,
    month: Month,
    mrr: Decimal,
    line: u64,
}

/// Collects rows into an [`MrrTable`]: each row is checked as it arrives, duplicates
/// when the table is finished (cells are sorted once instead of hashed per row).
#[derive(Debug, Default)]
pub struct MrrTableBuilder {
    sum_duplicates: bool,
    index: HashMap<String, u32>,
    ids: Vec<String>,
    plans: Vec<Option<(Month, String)>>,
    channels: Vec<Option<(Month, String)>>,
    cells: Vec<Cell>,
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
    /// [`SaasError::NegativeMrr`] for MRR < 0.
    pub fn add(&mut self, row: MrrRow, line: u64) -> Result<()> {
        self.add_parts(
            &row.customer_id,
            row.month,
            row.mrr,
            row.plan.as_deref(),
            row.channel.as_deref(),
            line,
        )
    }

    /// Like [`MrrTableBuilder::add`] from borrowed fields: allocates only for a new
    /// customer or a changed plan or channel.
    ///
    /// # Errors
    /// [`SaasError::NegativeMrr`] for MRR < 0.
    pub fn add_parts(
        &mut self,
        customer: &str,
        month: Month,
        mrr: Decimal,
        plan: Option<&str>,
        channel: Option<&str>,
        line: u64,
    ) -> Result<()> {
        if mrr.is_sign_negative() && !mrr.is_zero() {
            return Err(SaasError::NegativeMrr {
                customer: customer.to_owned(),
                month,
                value: mrr,
                line,
            });
        }
        let slot = match self.index.get(customer) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(self.ids.len()).map_err(|_| CoreError::Overflow {
                    what: "number of customers",
                })?;
                self.index.insert(customer.to_owned(), i);
                self.ids.push(customer.to_owned());
                self.plans.push(None);
                self.channels.push(None);
                i
            }
        };
        self.cells.push(Cell {
            customer: slot,
            month,
            mrr,
            line,
        });
        let at = slot as usize;
        if let (Some(plan), Some(current)) =
            (plan.filter(|p| !p.is_empty()), self.plans.get_mut(at))
        {
            // the plan of the latest month (allocating only when it changes)
            match current {
                Some((m, p)) if month >= *m => {
                    *m = month;
                    if p != plan {
                        plan.clone_into(p);
                    }
                }
                Some(_) => {}
                None => *current = Some((month, plan.to_owned())),
            }
        }
        if let (Some(channel), Some(current)) =
            (channel.filter(|c| !c.is_empty()), self.channels.get_mut(at))
        {
            // the channel of the earliest month
            if current.as_ref().is_none_or(|(m, _)| month < *m) {
                *current = Some((month, channel.to_owned()));
            }
        }
        self.first = Some(self.first.map_or(month, |f| f.min(month)));
        self.last = Some(self.last.map_or(month, |l| l.max(month)));
        Ok(())
    }

    /// Appends the rows of `other` (built from the rows after this builder's), with
    /// `other`'s lines shifted by `line_offset`: how parallel readers combine the
    /// builders of consecutive chunks of a file.
    ///
    /// # Errors
    /// An overflow of the customer count.
    pub fn append(&mut self, other: MrrTableBuilder, line_offset: u64) -> Result<()> {
        let mut map = Vec::with_capacity(other.ids.len());
        for ((id, plan), channel) in other.ids.into_iter().zip(other.plans).zip(other.channels) {
            let slot = match self.index.get(&id) {
                Some(&i) => i,
                None => {
                    let i = u32::try_from(self.ids.len()).map_err(|_| CoreError::Overflow {
                        what: "number of customers",
                    })?;
                    self.index.insert(id.clone(), i);
                    self.ids.push(id);
                    self.plans.push(None);
                    self.channels.push(None);
                    i
                }
            };
            let at = slot as usize;
            if let (Some((m, p)), Some(current)) = (plan, self.plans.get_mut(at)) {
                if current.as_ref().is_none_or(|(cm, _)| m >= *cm) {
                    *current = Some((m, p));
                }
            }
            if let (Some((m, c)), Some(current)) = (channel, self.channels.get_mut(at)) {
                if current.as_ref().is_none_or(|(cm, _)| m < *cm) {
                    *current = Some((m, c));
                }
            }
            map.push(slot);
        }
        self.cells.reserve(other.cells.len());
        for cell in other.cells {
            self.cells.push(Cell {
                customer: map
                    .get(cell.customer as usize)
                    .copied()
                    .unwrap_or(cell.customer),
                line: cell.line + line_offset,
                ..cell
            });
        }
        for m in other.first.into_iter().chain(other.last) {
            self.first = Some(self.first.map_or(m, |f| f.min(m)));
            self.last = Some(self.last.map_or(m, |l| l.max(m)));
        }
        Ok(())
    }

    /// Number of rows added so far.
    pub fn rows(&self) -> usize {
        self.cells.len()
    }

    /// The finished table.
    ///
    /// # Errors
    /// [`SaasError::DuplicateRow`] for two rows of the same customer and month (unless
    /// summing; of several, the pair whose second row comes first); an overflow when
    /// summing.
    pub fn finish(mut self) -> Result<MrrTable> {
        self.cells
            .sort_unstable_by_key(|c| (c.customer, c.month, c.line));
        if !self.sum_duplicates {
            let duplicate = self
                .cells
                .windows(2)
                .filter_map(|w| match w {
                    [a, b] if a.customer == b.customer && a.month == b.month => Some((a, b)),
                    _ => None,
                })
                .min_by_key(|(_, b)| b.line);
            if let Some((a, b)) = duplicate {
                return Err(SaasError::DuplicateRow {
                    file: String::new(),
                    customer: self
                        .ids
                        .get(a.customer as usize)
                        .cloned()
                        .unwrap_or_default(),
                    month: a.month,
                    first_line: a.line,
                    second_line: b.line,
                });
            }
        }
        let mut series: Vec<Vec<(Month, Decimal)>> = vec![Vec::new(); self.ids.len()];
        for cell in &self.cells {
            let Some(list) = series.get_mut(cell.customer as usize) else {
                continue;
            };
            match list.last_mut() {
                Some((m, v)) if *m == cell.month => add_to(v, cell.mrr, "summed duplicate MRR")?,
                _ => list.push((cell.month, cell.mrr)),
            }
        }
        let mut customers: Vec<Customer> = self
            .ids
            .into_iter()
            .zip(series)
            .zip(self.plans.into_iter().zip(self.channels))
            .map(|((id, mut series), (plan, channel))| {
                series.retain(|(_, v)| !v.is_zero());
                Customer {
                    id,
                    plan: plan.map(|(_, s)| s),
                    channel: channel.map(|(_, s)| s),
                    series,
                }
            })
            .collect();
        customers.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        Ok(MrrTable {
            customers,
            first: self.first,
            last: self.last,
        })
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
