//! Cohort revenue retention: the MRR of each start-month cohort over its life, as a
//! share of its starting MRR.

use ltv_core::Decimal;
use serde::{Deserialize, Serialize};

use crate::checked::{add_to, ratio};
use crate::error::{Result, SaasError};
use crate::month::Month;
use crate::options::SaasOptions;
use crate::table::MrrTable;

/// One start-month cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortRow {
    /// The month of the cohort's customers' first MRR.
    pub cohort: Month,
    /// Customers in the cohort.
    pub customers: u64,
    /// The cohort's MRR in its first month.
    pub start_mrr: Decimal,
    /// The cohort's MRR k months after its start, k = 0, 1, … up to the report's last
    /// month; months the cohort has not reached are absent, not zero.
    pub mrr: Vec<Decimal>,
    /// `mrr[k]` ÷ start_mrr: the cohort's net revenue retention after k months (1 at k = 0).
    pub nrr: Vec<Decimal>,
    /// Customers with MRR > 0 k months after the start.
    pub active_customers: Vec<u64>,
}

/// The cohort revenue retention matrix of `ltv saas --cohorts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortMatrix {
    /// First cohort month shown.
    pub from: Month,
    /// Last month observed.
    pub to: Month,
    /// Number of period columns (the longest row).
    pub periods: usize,
    /// One row per cohort that started in `from..=to`, oldest first.
    pub cohorts: Vec<CohortRow>,
    /// Rows of the file skipped as invalid, set by the reader's caller (left out of
    /// the JSON when none were).
    #[serde(default, skip_serializing_if = "ltv_segments::SkipReport::is_empty")]
    pub skipped: ltv_segments::SkipReport,
}

/// Largest cohort matrix [`cohorts`] builds (cells of the triangle): 2,000,000, about
/// 166 years of monthly cohorts. Beyond it the months are almost surely wrong and the
/// matrix would not fit in memory; the error says so.
pub const MAX_CELLS: usize = 2_000_000;

/// The cohort NRR matrix: cohorts by the month of each customer's first MRR > 0 (in the
/// whole data, not just the range), for cohorts starting in the range.
///
/// # Errors
/// As for [`crate::analyze`], except the LTV errors.
pub fn cohorts(table: &MrrTable, options: &SaasOptions) -> Result<CohortMatrix> {
    let range = options.range(table)?;
    let n = usize::try_from(range.from.months_until(range.to) + 1).unwrap_or(0);
    let cells = n.saturating_mul(n.saturating_add(1)) / 2;
    if cells > MAX_CELLS {
        return Err(SaasError::TooManyMonths {
            from: range.from.to_string(),
            to: range.to.to_string(),
            cells,
            max: MAX_CELLS,
        });
    }
    let mut rows: Vec<CohortRow> = (0..n)
        .map(|i| {
            let cohort = range.from.offset(i32::try_from(i).unwrap_or(i32::MAX));
            let len = n - i;
            CohortRow {
                cohort,
                customers: 0,
                start_mrr: Decimal::ZERO,
                mrr: vec![Decimal::ZERO; len],
                nrr: Vec::new(),
                active_customers: vec![0; len],
            }
        })
        .collect();
    for customer in table.customers() {
        let Some(&(first, _)) = customer.series().first() else {
            continue;
        };
        let Some(row) = usize::try_from(range.from.months_until(first))
            .ok()
            .and_then(|i| rows.get_mut(i))
        else {
            continue;
        };
        row.customers += 1;
        for &(month, mrr) in customer.series() {
            let Some(k) = usize::try_from(first.months_until(month)).ok() else {
                continue;
            };
            if let (Some(cell), Some(active)) =
                (row.mrr.get_mut(k), row.active_customers.get_mut(k))
            {
                add_to(cell, mrr, "cohort MRR")?;
                *active += 1;
            }
        }
    }
    rows.retain(|r| r.customers > 0);
    for row in &mut rows {
        for cell in &mut row.mrr {
            *cell = cell.normalize();
        }
        row.start_mrr = row.mrr.first().copied().unwrap_or_default();
        row.nrr = row
            .mrr
            .iter()
            .map(|&m| ratio(m, row.start_mrr, "cohort NRR").map(Option::unwrap_or_default))
            .collect::<Result<_>>()?;
    }
    let periods = rows.iter().map(|r| r.mrr.len()).max().unwrap_or(0);
    Ok(CohortMatrix {
        skipped: ltv_segments::SkipReport::default(),
        from: range.from,
        to: range.to,
        periods,
        cohorts: rows,
    })
}
