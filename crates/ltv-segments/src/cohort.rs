//! Cohort matrices: retention, revenue and cumulative LTV by period since acquisition.
//!
//! A customer's cohort is the month (week, quarter) of their first order, or their
//! acquisition channel. Period k counts calendar months (weeks, quarters) from the
//! customer's first period; for channel cohorts periods are months. Cell (c, k) is
//! computed over the customers of c who could have reached period k by the as-of day
//! (first period + k ≤ as-of period); when there are none the cell is empty (`None`),
//! never zero. For time cohorts that is the whole cohort or nobody.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::transactions::{Customer, Transactions};

/// Largest cohort matrix (cohorts × periods) [`cohorts`] builds: 2,000,000 cells, e.g.
/// 40 years of weekly cohorts. Beyond it the dates are almost surely wrong (a year 1
/// typo) and the matrix would not fit in memory; the error says so.
pub const MAX_CELLS: usize = 2_000_000;

/// What defines a cohort (`month`, `week`, `quarter`, `channel` in JSON and queries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortKey {
    /// Calendar month of the first order (label `YYYY-MM`).
    Month,
    /// Week (Monday–Sunday) of the first order (label: the Monday, `YYYY-MM-DD`).
    Week,
    /// Calendar quarter of the first order (label `YYYY-Qn`).
    Quarter,
    /// Acquisition channel (label: the channel, `unknown` when empty); periods in months.
    Channel,
}

/// The value in each cell (`retention`, `revenue`, `ltv`, `survival` in JSON and
/// queries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CohortMetric {
    /// Share of the cohort with ≥ 1 order in period k, a fraction in [0, 1].
    Retention,
    /// Sum of the cohort's amounts in period k (money).
    Revenue,
    /// Cumulative revenue through period k ÷ cohort size (money per customer).
    Ltv,
    /// Share of the cohort still active in period k, counting a customer as active from
    /// the first order through the period of the last one: never increases with k, so
    /// it can feed a survival model (sBG). Recent periods understate it, since customers
    /// who will order again have not yet.
    Survival,
}

/// One cohort's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CohortRow {
    /// Cohort label.
    pub cohort: String,
    /// Customers in the cohort.
    pub size: u64,
    /// Cells for periods 0..N; `None` where no customer of the cohort could have reached
    /// the period by the as-of day.
    pub cells: Vec<Option<Decimal>>,
}

/// A cohort matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CohortMatrix {
    /// Cohort key.
    pub by: CohortKey,
    /// Cell metric.
    pub metric: CohortMetric,
    /// The as-of day.
    pub as_of: Day,
    /// Number of period columns (0..periods−1).
    pub periods: usize,
    /// Rows, oldest cohort first (channels by name).
    pub rows: Vec<CohortRow>,
    /// Rows of the file skipped as invalid (left out of the JSON when none were).
    #[serde(skip_serializing_if = "crate::SkipReport::is_empty")]
    pub skipped: crate::SkipReport,
}

/// Per-cohort accumulators.
#[derive(Clone)]
struct Acc {
    size: u64,
    /// reach[r]: customers who can reach periods 0..=r.
    reach: Vec<u64>,
    active: Vec<u64>,
    /// last[k]: customers whose last order is in period k.
    last: Vec<u64>,
    revenue: Vec<Decimal>,
    /// Difference array of revenue over eligible customers (for cumulative LTV).
    ltv_diff: Vec<Decimal>,
}

impl Acc {
    fn new(periods: usize) -> Self {
        Acc {
            size: 0,
            reach: vec![0; periods],
            active: vec![0; periods],
            last: vec![0; periods],
            revenue: vec![Decimal::ZERO; periods],
            ltv_diff: vec![Decimal::ZERO; periods + 1],
        }
    }

    fn merge(mut self, other: Acc) -> Acc {
        self.size += other.size;
        for (a, b) in self.reach.iter_mut().zip(other.reach) {
            *a += b;
        }
        for (a, b) in self.active.iter_mut().zip(other.active) {
            *a += b;
        }
        for (a, b) in self.last.iter_mut().zip(other.last) {
            *a += b;
        }
        for (a, b) in self.revenue.iter_mut().zip(other.revenue) {
            *a += b;
        }
        for (a, b) in self.ltv_diff.iter_mut().zip(other.ltv_diff) {
            *a += b;
        }
        self
    }
}

fn period_of(by: CohortKey, day: Day) -> i32 {
    match by {
        CohortKey::Week => day.week_index(),
        CohortKey::Quarter => day.quarter_index(),
        CohortKey::Month | CohortKey::Channel => day.month_index(),
    }
}

fn label(by: CohortKey, period: i32) -> String {
    match by {
        CohortKey::Month | CohortKey::Channel => {
            format!(
                "{:04}-{:02}",
                period.div_euclid(12),
                period.rem_euclid(12) + 1
            )
        }
        CohortKey::Quarter => format!("{:04}-Q{}", period.div_euclid(4), period.rem_euclid(4) + 1),
        CohortKey::Week => Day::week_start(period).to_string(),
    }
}

/// The cohort matrix of `metric` by `by`.
///
/// # Errors
/// [`ltv_core::CoreError::Overflow`] if a revenue sum does not fit.
///
/// ```
/// use ltv_segments::{cohorts, CohortKey, CohortMetric, LoadOptions, Transactions};
/// let csv = "customer_id,order_date,amount\n\
///            a,2024-01-05,10\nb,2024-01-20,10\na,2024-02-03,5\nc,2024-02-10,8\n";
/// let tx = Transactions::from_csv("o.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
/// let m = cohorts(&tx, CohortKey::Month, CohortMetric::Retention)?;
/// assert_eq!(m.rows[0].cohort, "2024-01");
/// assert_eq!(m.rows[0].cells, [Some(1.into()), Some("0.5".parse().unwrap())]);
/// assert_eq!(m.rows[1].cells, [Some(1.into()), None]); // February cannot see month 1 yet
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
pub fn cohorts(tx: &Transactions, by: CohortKey, metric: CohortMetric) -> Result<CohortMatrix> {
    let as_of_period = period_of(by, tx.as_of());
    let first_period = period_of(by, tx.first_day());
    let periods = (as_of_period - first_period + 1).max(1) as usize;

    // Cohort index of each customer.
    let channel_count = tx.channel_names().len();
    let cohort_count = match by {
        CohortKey::Channel => channel_count + 1,
        _ => periods,
    };
    let cells = periods.saturating_mul(cohort_count);
    if cells > MAX_CELLS {
        return Err(SegmentsError::NoData {
            file: tx.file().to_string(),
            reason: format!(
                "the orders span {periods} periods ({} to {}), a cohort matrix of {cells} cells, \
                 more than the {MAX_CELLS} allowed: check the dates, set --as-of, or use a \
                 coarser --by",
                tx.first_day(),
                tx.as_of()
            ),
        });
    }
    let cohort_of = |c: &Customer<'_>, p0: i32| -> usize {
        match by {
            CohortKey::Channel => c
                .channel
                .and_then(|name| tx.channel_names().iter().position(|n| n == name))
                .unwrap_or(channel_count),
            _ => (p0 - first_period).max(0) as usize,
        }
    };
    let channel_index: BTreeMap<&str, usize> = tx
        .channel_names()
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();

    let accs = tx
        .par_customers()
        .fold(
            || vec![Acc::new(periods); cohort_count],
            |mut accs, c| {
                let Some(first) = c.first_day() else {
                    return accs;
                };
                let p0 = period_of(by, first);
                let idx = match by {
                    CohortKey::Channel => c
                        .channel
                        .and_then(|n| channel_index.get(n).copied())
                        .unwrap_or(channel_count),
                    _ => cohort_of(&c, p0),
                };
                let Some(acc) = accs.get_mut(idx) else {
                    return accs;
                };
                let reach = ((as_of_period - p0).max(0) as usize).min(periods - 1);
                acc.size += 1;
                if let Some(r) = acc.reach.get_mut(reach) {
                    *r += 1;
                }
                let mut last_k = usize::MAX;
                for order in c.orders {
                    let k = ((period_of(by, order.day) - p0).max(0) as usize).min(periods - 1);
                    if k != last_k {
                        if let Some(a) = acc.active.get_mut(k) {
                            *a += 1;
                        }
                        last_k = k;
                    }
                    if let Some(r) = acc.revenue.get_mut(k) {
                        *r += order.amount;
                    }
                    if let Some(d) = acc.ltv_diff.get_mut(k) {
                        *d += order.amount;
                    }
                    if let Some(d) = acc.ltv_diff.get_mut(reach + 1) {
                        *d -= order.amount;
                    }
                }
                if let Some(l) = acc.last.get_mut(last_k) {
                    *l += 1;
                }
                accs
            },
        )
        .reduce(
            || vec![Acc::new(periods); cohort_count],
            |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
        );

    let mut rows = Vec::new();
    for (i, acc) in accs.into_iter().enumerate() {
        if acc.size == 0 {
            continue;
        }
        let cohort = match by {
            CohortKey::Channel => tx
                .channel_names()
                .get(i)
                .cloned()
                .unwrap_or_else(|| "unknown".into()),
            _ => label(by, first_period + i as i32),
        };
        // eligible[k] = customers with reach >= k; surviving[k] = last order in k or later
        let mut eligible = vec![0u64; periods];
        let mut surviving = vec![0u64; periods];
        let (mut running, mut alive) = (0u64, 0u64);
        for k in (0..periods).rev() {
            running += acc.reach.get(k).copied().unwrap_or(0);
            alive += acc.last.get(k).copied().unwrap_or(0);
            if let Some(e) = eligible.get_mut(k) {
                *e = running;
            }
            if let Some(v) = surviving.get_mut(k) {
                *v = alive;
            }
        }
        let mut cum = Decimal::ZERO;
        let mut cells = Vec::with_capacity(periods);
        for (k, &n) in eligible.iter().enumerate() {
            cum = cum
                .checked_add(acc.ltv_diff.get(k).copied().unwrap_or_default())
                .ok_or(SegmentsError::Core(ltv_core::CoreError::Overflow {
                    what: "cohort revenue",
                }))?;
            if n == 0 {
                cells.push(None);
                continue;
            }
            let n = Decimal::from(n);
            let value = match metric {
                CohortMetric::Retention => {
                    Decimal::from(acc.active.get(k).copied().unwrap_or(0)) / n
                }
                CohortMetric::Revenue => acc.revenue.get(k).copied().unwrap_or_default(),
                CohortMetric::Ltv => cum / n,
                CohortMetric::Survival => Decimal::from(surviving.get(k).copied().unwrap_or(0)) / n,
            };
            cells.push(Some(value.normalize()));
        }
        rows.push(CohortRow {
            cohort,
            size: acc.size,
            cells,
        });
    }
    if by == CohortKey::Channel {
        rows.sort_by(|a, b| a.cohort.cmp(&b.cohort));
    }
    // Width: up to the last period any cohort can reach.
    let width = rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .rposition(Option::is_some)
                .map_or(0, |p| p + 1)
        })
        .max()
        .unwrap_or(0);
    for row in &mut rows {
        row.cells.truncate(width);
    }
    Ok(CohortMatrix {
        skipped: tx.skip_report().clone(),
        by,
        metric,
        as_of: tx.as_of(),
        periods: width,
        rows,
    })
}

impl CohortMatrix {
    /// The matrix as CSV: header `cohort,size,0,1,…,N`, one row per cohort, each cell
    /// the exact decimal (a fraction for retention), and an empty cell where the cohort
    /// cannot have reached the period. This is the format `ltv forecast retention
    /// --cohorts FILE` reads. A cohort label (a channel name) that a spreadsheet would
    /// run as a formula gets a `'` in front (see [`crate::csv_field`]).
    pub fn to_csv(&self) -> String {
        self.to_csv_with(false)
    }

    /// [`CohortMatrix::to_csv`], with cohort labels written as they are when `raw`
    /// (else a label a spreadsheet would run as a formula gets a `'` in front, see
    /// [`crate::csv_field`]).
    pub fn to_csv_with(&self, raw: bool) -> String {
        let mut out = String::from("cohort,size");
        for k in 0..self.periods {
            out.push_str(&format!(",{k}"));
        }
        out.push('\n');
        for row in &self.rows {
            out.push_str(&crate::table::csv_field(&row.cohort, raw));
            out.push_str(&format!(",{}", row.size));
            for cell in &row.cells {
                out.push(',');
                if let Some(v) = cell {
                    out.push_str(&v.to_string());
                }
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn tx(rows: &[(&'static str, &'static str, &'static str, &'static str)]) -> Transactions {
        Transactions::from_rows(
            rows.iter()
                .map(|(id, ch, day, amt)| (*id, Some(*ch), day.parse().unwrap(), d(amt))),
            None,
        )
        .unwrap()
    }

    #[test]
    fn worked_example_month() {
        let t = tx(&[
            ("a", "ads", "2024-01-05", "10"),
            ("b", "ads", "2024-01-20", "20"),
            ("a", "ads", "2024-02-03", "5"),
            ("a", "ads", "2024-03-01", "5"),
            ("c", "seo", "2024-02-10", "8"),
        ]);
        let ret = cohorts(&t, CohortKey::Month, CohortMetric::Retention).unwrap();
        assert_eq!(
            ret.to_csv(),
            "cohort,size,0,1,2\n2024-01,2,1,0.5,0.5\n2024-02,1,1,0,\n"
        );
        let ltv = cohorts(&t, CohortKey::Month, CohortMetric::Ltv).unwrap();
        assert_eq!(
            ltv.rows[0].cells,
            [Some(d("15")), Some(d("17.5")), Some(d("20"))]
        );
        let ch = cohorts(&t, CohortKey::Channel, CohortMetric::Ltv).unwrap();
        // ads: a, b both from January: reach 2; seo: c from February: reach 1
        assert_eq!(ch.rows[0].cohort, "ads");
        assert_eq!(
            ch.rows[0].cells,
            [Some(d("15")), Some(d("17.5")), Some(d("20"))]
        );
        assert_eq!(ch.rows[1].cells, [Some(d("8")), Some(d("8")), None]);
    }

    #[test]
    fn survival_never_rises_where_retention_does() {
        // a orders in months 0 and 2 (not 1): retention dips and recovers, survival not
        let t = tx(&[
            ("a", "ads", "2024-01-05", "10"),
            ("b", "ads", "2024-01-20", "20"),
            ("a", "ads", "2024-03-01", "5"),
            ("c", "seo", "2024-02-10", "8"),
        ]);
        let ret = cohorts(&t, CohortKey::Month, CohortMetric::Retention).unwrap();
        assert_eq!(
            ret.rows[0].cells,
            [Some(d("1")), Some(d("0")), Some(d("0.5"))]
        );
        let surv = cohorts(&t, CohortKey::Month, CohortMetric::Survival).unwrap();
        assert_eq!(
            surv.to_csv(),
            "cohort,size,0,1,2\n2024-01,2,1,0.5,0.5\n2024-02,1,1,0,\n"
        );
    }

    #[test]
    fn labels() {
        let day = Day::from_ymd(2024, 5, 15).unwrap();
        assert_eq!(
            label(CohortKey::Month, period_of(CohortKey::Month, day)),
            "2024-05"
        );
        assert_eq!(
            label(CohortKey::Quarter, period_of(CohortKey::Quarter, day)),
            "2024-Q2"
        );
        assert_eq!(
            label(CohortKey::Week, period_of(CohortKey::Week, day)),
            "2024-05-13"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn retention_in_unit_interval_and_revenue_reconciles(
            rows in proptest::collection::vec((0u8..20, 0i32..400, -50i64..500), 1..80)
        ) {
            let ids: Vec<String> = rows.iter().map(|r| format!("c{}", r.0)).collect();
            let base = Day::from_ymd(2023, 1, 1).unwrap().days();
            let t = Transactions::from_rows(
                rows.iter().zip(&ids).map(|(r, id)| (id.as_str(), None, Day::from_days(base + r.1), Decimal::new(r.2, 2))),
                None,
            ).unwrap();
            for by in [CohortKey::Month, CohortKey::Week, CohortKey::Quarter, CohortKey::Channel] {
                let ret = cohorts(&t, by, CohortMetric::Retention).unwrap();
                for row in &ret.rows {
                    for v in row.cells.iter().flatten() {
                        prop_assert!(*v >= Decimal::ZERO && *v <= Decimal::ONE);
                    }
                    prop_assert_eq!(row.cells.first().copied().flatten(), Some(Decimal::ONE));
                }
                let rev = cohorts(&t, by, CohortMetric::Revenue).unwrap();
                let sum: Decimal = rev.rows.iter().flat_map(|r| r.cells.iter().flatten()).sum();
                prop_assert_eq!(sum, t.total_amount().unwrap());
                let size: u64 = rev.rows.iter().map(|r| r.size).sum();
                prop_assert_eq!(size as usize, t.len());
            }
        }
    }
}
