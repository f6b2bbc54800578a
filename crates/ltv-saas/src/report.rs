//! The SaaS report: monthly movements and ratios, then the summary at the last month.

use ltv_core::Decimal;
use serde::{Deserialize, Serialize};

use crate::checked::{add, ratio, sub};
use crate::error::Result;
use crate::month::Month;
use crate::movements::{timeline, MonthSums};
use crate::options::SaasOptions;
use crate::saas_ltv::{saas_ltv, SaasLtv};
use crate::table::MrrTable;

/// One month's MRR, its movements and the ratios derived from them.
///
/// Ratios are fractions (0.05 = 5 %) and `None` (JSON `null`) when their denominator is
/// 0: the ratio is undefined, not zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthMetrics {
    /// The month.
    pub month: Month,
    /// Total MRR at the month (sum over customers).
    pub mrr: Decimal,
    /// Customers with MRR > 0.
    pub customers: u64,
    /// MRR of customers subscribed for the first time.
    pub new: Decimal,
    /// MRR increase of customers who pay more than last month.
    pub expansion: Decimal,
    /// MRR decrease of customers who pay less (but more than 0) than last month.
    pub contraction: Decimal,
    /// Last month's MRR of customers who pay nothing this month.
    pub churned: Decimal,
    /// MRR of customers who return after at least one month without MRR.
    pub reactivation: Decimal,
    /// new + expansion + reactivation − contraction − churned = MRR − last month's MRR.
    pub net_new: Decimal,
    /// Last month's MRR.
    pub start_mrr: Decimal,
    /// Last month's customers.
    pub start_customers: u64,
    /// Customers subscribed for the first time.
    pub new_customers: u64,
    /// Customers lost (MRR > 0 last month, 0 now).
    pub churned_customers: u64,
    /// Customers back after a gap.
    pub reactivated_customers: u64,
    /// churned customers ÷ last month's customers.
    pub logo_churn: Option<Decimal>,
    /// (contraction + churned) ÷ last month's MRR.
    pub gross_revenue_churn: Option<Decimal>,
    /// (contraction + churned − expansion) ÷ last month's MRR; negative = net expansion.
    pub net_revenue_churn: Option<Decimal>,
    /// Gross revenue retention: (start MRR − contraction − churned) ÷ start MRR.
    pub grr: Option<Decimal>,
    /// Net revenue retention: (start MRR + expansion − contraction − churned) ÷ start MRR.
    pub nrr: Option<Decimal>,
    /// (new + expansion + reactivation) ÷ (contraction + churned); `None` when nothing
    /// was lost.
    pub quick_ratio: Option<Decimal>,
    /// Average revenue per account: MRR ÷ customers.
    pub arpa: Option<Decimal>,
    /// Trailing 12-month NRR: the MRR now of the customers active 12 months earlier ÷
    /// their MRR then; `None` without 12 months of history or with no such customers.
    pub nrr_12m: Option<Decimal>,
    /// Trailing 12-month GRR: as `nrr_12m` with each customer's MRR now capped at their
    /// MRR 12 months earlier.
    pub grr_12m: Option<Decimal>,
}

/// The trailing 12-month retention base at the report's last month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailing12 {
    /// The month 12 months before the report's last month.
    pub base_month: Month,
    /// Customers active in `base_month`.
    pub base_customers: u64,
    /// Their MRR in `base_month`.
    pub base_mrr: Decimal,
    /// Their MRR now.
    pub current_mrr: Decimal,
    /// Their MRR now, each capped at their `base_month` MRR.
    pub capped_mrr: Decimal,
    /// current ÷ base.
    pub nrr: Option<Decimal>,
    /// capped ÷ base.
    pub grr: Option<Decimal>,
}

/// The headline numbers at the report's last month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The month summarised (the report's last month).
    pub month: Month,
    /// MRR at that month.
    pub mrr: Decimal,
    /// Active customers at that month.
    pub customers: u64,
    /// MRR ÷ customers.
    pub arpa: Option<Decimal>,
    /// Trailing 12-month retention; `None` when the data starts less than 12 months
    /// before `month`.
    pub trailing_12m: Option<Trailing12>,
    /// SaaS LTV at `month`.
    pub ltv: SaasLtv,
}

/// Everything `ltv saas` shows: a row per month and the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaasReport {
    /// First month reported.
    pub from: Month,
    /// Last month reported.
    pub to: Month,
    /// The first month of the data: movements in it count every customer as new.
    pub data_start: Month,
    /// One row per month from `from` to `to`.
    pub months: Vec<MonthMetrics>,
    /// The headline numbers at `to`.
    pub summary: Summary,
    /// Rows of the file skipped as invalid, set by the reader's caller (left out of
    /// the JSON when none were).
    #[serde(default, skip_serializing_if = "ltv_segments::SkipReport::is_empty")]
    pub skipped: ltv_segments::SkipReport,
}

/// Computes the monthly movements, ratios and the summary (including SaaS LTV).
///
/// ```
/// use ltv_saas::{analyze, MrrRow, MrrTable, SaasOptions};
/// let rows = [("a", "2024-01", 100), ("b", "2024-01", 100), ("a", "2024-02", 150)]
///     .map(|(c, m, v)| MrrRow { customer_id: c.into(), month: m.parse().unwrap(),
///                               mrr: v.into(), plan: None, channel: None });
/// let table = MrrTable::from_rows(rows, false)?;
/// let report = analyze(&table, &SaasOptions::default())?;
/// let feb = &report.months[1];
/// assert_eq!((feb.expansion, feb.churned), (50.into(), 100.into()));
/// assert_eq!(feb.nrr, Some("0.75".parse()?));
/// assert_eq!(report.summary.ltv.ltv, "300".parse()?); // ARPA 150 ÷ churn 0.5
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`crate::SaasError::Empty`] for an empty table, [`crate::SaasError::EmptyRange`],
/// out-of-range options ([`crate::SaasError::Core`] naming `margin`, `churn_window` or
/// `lifetime_cap`), and the LTV errors of [`crate::SaasLtv`]: no churn history, zero
/// churn without a lifetime cap, no customers in the last month; overflow.
pub fn analyze(table: &MrrTable, options: &SaasOptions) -> Result<SaasReport> {
    let range = options.range(table)?;
    let line = timeline(table, range.history_start, range.to)?;
    let mut months = Vec::new();
    let mut month = range.from;
    while month <= range.to {
        if let Some(sums) = line.get(month) {
            months.push(metrics(month, sums)?);
        }
        month = month.next();
    }
    let last = line.get(range.to).cloned().unwrap_or_default();
    let base_month = range.to.offset(-12);
    let trailing_12m = if base_month >= range.history_start {
        Some(Trailing12 {
            base_month,
            base_customers: last.base_12m_customers,
            base_mrr: last.base_12m_mrr.normalize(),
            current_mrr: last.now_12m_mrr.normalize(),
            capped_mrr: last.capped_12m_mrr.normalize(),
            nrr: ratio(last.now_12m_mrr, last.base_12m_mrr, "trailing NRR")?,
            grr: ratio(last.capped_12m_mrr, last.base_12m_mrr, "trailing GRR")?,
        })
    } else {
        None
    };
    let ltv = saas_ltv(&line, range, options)?;
    Ok(SaasReport {
        skipped: ltv_segments::SkipReport::default(),
        from: range.from,
        to: range.to,
        data_start: range.history_start,
        months,
        summary: Summary {
            month: range.to,
            mrr: last.mrr.normalize(),
            customers: last.customers,
            arpa: ratio(last.mrr, Decimal::from(last.customers), "ARPA")?,
            trailing_12m,
            ltv,
        },
    })
}

fn metrics(month: Month, s: &MonthSums) -> Result<MonthMetrics> {
    let lost = add(s.contraction, s.churned, "lost MRR")?;
    let gained = add(
        add(s.new, s.expansion, "gained MRR")?,
        s.reactivation,
        "gained MRR",
    )?;
    let net_new = sub(gained, lost, "net new MRR")?;
    let retained = sub(s.start_mrr, lost, "retained MRR")?;
    let net_retained = add(retained, s.expansion, "net retained MRR")?;
    Ok(MonthMetrics {
        month,
        mrr: s.mrr.normalize(),
        customers: s.customers,
        new: s.new.normalize(),
        expansion: s.expansion.normalize(),
        contraction: s.contraction.normalize(),
        churned: s.churned.normalize(),
        reactivation: s.reactivation.normalize(),
        net_new: net_new.normalize(),
        start_mrr: s.start_mrr.normalize(),
        start_customers: s.start_customers,
        new_customers: s.new_customers,
        churned_customers: s.churned_customers,
        reactivated_customers: s.reactivated_customers,
        logo_churn: ratio(
            Decimal::from(s.churned_customers),
            Decimal::from(s.start_customers),
            "logo churn",
        )?,
        gross_revenue_churn: ratio(lost, s.start_mrr, "gross revenue churn")?,
        net_revenue_churn: ratio(
            sub(lost, s.expansion, "net lost MRR")?,
            s.start_mrr,
            "net revenue churn",
        )?,
        grr: ratio(retained, s.start_mrr, "GRR")?,
        nrr: ratio(net_retained, s.start_mrr, "NRR")?,
        quick_ratio: ratio(gained, lost, "quick ratio")?,
        arpa: ratio(s.mrr, Decimal::from(s.customers), "ARPA")?,
        nrr_12m: ratio(s.now_12m_mrr, s.base_12m_mrr, "trailing NRR")?,
        grr_12m: ratio(s.capped_12m_mrr, s.base_12m_mrr, "trailing GRR")?,
    })
}
