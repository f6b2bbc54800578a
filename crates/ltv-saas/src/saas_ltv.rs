//! SaaS LTV = ARPA × margin ÷ trailing average logo churn, through ltv-core's
//! [`Subscription`] formula.

use ltv_core::{Decimal, Subscription};
use serde::{Deserialize, Serialize};

use crate::checked::ratio;
use crate::error::{Result, SaasError};
use crate::movements::Timeline;
use crate::options::{Range, SaasOptions};

/// How the lifetime behind the LTV was bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LtvBasis {
    /// ARPA × margin ÷ churn: expected lifetime 1 ÷ churn months, no cap.
    Churn,
    /// Churn, but no more than `lifetime_cap_months` months are counted:
    /// ARPA × margin × Σ_{t=0}^{cap−1} (1 − churn)ᵗ (ARPA × margin × cap at zero churn).
    LifetimeCap,
}

/// SaaS LTV and everything it was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaasLtv {
    /// Average revenue per account at the last month (MRR ÷ customers).
    pub arpa: Decimal,
    /// Gross margin applied.
    pub margin: Decimal,
    /// The churn window asked for, in months.
    pub churn_window: u32,
    /// Months of the window that had customers at their start (at most `churn_window`).
    pub churn_months_used: u32,
    /// Customers lost over those months.
    pub churned_customers: u64,
    /// Customers at the start of those months, summed (customer-months at risk).
    pub customers_at_risk: u64,
    /// churned_customers ÷ customers_at_risk: the customer-weighted mean of the
    /// monthly logo churn rates of the window.
    pub average_logo_churn: Decimal,
    /// Whether the lifetime was capped.
    pub basis: LtvBasis,
    /// The cap in months, when `basis` is `lifetime_cap`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_cap_months: Option<u32>,
    /// 1 ÷ average logo churn, in months; `None` when churn is 0.
    pub expected_lifetime_months: Option<Decimal>,
    /// The lifetime value per customer (money).
    pub ltv: Decimal,
}

/// SaaS LTV at `range.to`.
pub(crate) fn saas_ltv(line: &Timeline, range: Range, options: &SaasOptions) -> Result<SaasLtv> {
    let window = options.churn_window;
    let mut churned = 0u64;
    let mut at_risk = 0u64;
    let mut used = 0u32;
    let mut month = range.to;
    for _ in 0..window {
        if month < range.history_start {
            break;
        }
        if let Some(s) = line.get(month) {
            if s.start_customers > 0 {
                used += 1;
                churned += s.churned_customers;
                at_risk += s.start_customers;
            }
        }
        month = month.offset(-1);
    }
    if used == 0 {
        return Err(SaasError::NoChurnHistory {
            window,
            to: range.to,
        });
    }
    let last = line.get(range.to).cloned().unwrap_or_default();
    let arpa = ratio(last.mrr, Decimal::from(last.customers), "ARPA")?
        .ok_or(SaasError::NoCustomers { month: range.to })?;
    let churn = ratio(
        Decimal::from(churned),
        Decimal::from(at_risk),
        "average logo churn",
    )?
    .unwrap_or(Decimal::ZERO);
    if churn.is_zero() && options.lifetime_cap.is_none() {
        return Err(SaasError::ZeroChurn {
            window,
            to: range.to,
        });
    }
    let formula = Subscription {
        arpu: arpa,
        churn,
        margin: options.margin,
        discount_rate: Decimal::ZERO,
        horizon: options.lifetime_cap,
        cac: None,
    };
    let ltv = formula.ltv()?.normalize();
    Ok(SaasLtv {
        arpa,
        margin: options.margin.normalize(),
        churn_window: window,
        churn_months_used: used,
        churned_customers: churned,
        customers_at_risk: at_risk,
        average_logo_churn: churn,
        basis: if options.lifetime_cap.is_some() {
            LtvBasis::LifetimeCap
        } else {
            LtvBasis::Churn
        },
        lifetime_cap_months: options.lifetime_cap,
        expected_lifetime_months: formula.expected_lifetime()?.map(|d| d.normalize()),
        ltv,
    })
}
