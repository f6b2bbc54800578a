//! The monthly simulation of the customer base, baseline against scenario.
//!
//! Conventions (documented in docs/formulas.md):
//! - Month 0 is today: the one-off cost is paid; nothing else happens.
//! - In month t ≥ 1 the new customers join, every active customer (start + new) pays
//!   that month's revenue, then the month's churn share leaves:
//!   `active = customers + new`, `revenue = active × revenue per customer`,
//!   `customers' = active × (1 − churn)`. This matches ltv-core's subscription LTV
//!   (first payment at t = 0, survival 1 − churn per period): one customer's simulated
//!   gross profit sums to its LTV.
//! - Ramp-up: in month t the scenario's drivers are `base + min(t ÷ ramp, 1) × (full − base)`.
//! - Acquisition spend = new customers × CAC (0 without a CAC).
//! - Cash flow of month t = Δ gross profit − Δ acquisition spend − yearly cost ÷ 12.
//! - Discounting: the cash flow of month t is multiplied by (1 + annual rate)^(−t/12).

use rust_decimal::prelude::MathematicalOps;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arith::{add, div, mul, sub};
use crate::baseline::Monthly;
use crate::error::{PlanError, Result};

/// One month of the simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRow {
    /// Month number; 0 = today.
    pub month: u32,
    /// Share of the full effect reached this month (ramp-up), 0–1.
    pub effect: Decimal,
    /// Active customers at the end of the month, baseline.
    pub customers_baseline: Decimal,
    /// Active customers at the end of the month, with the initiative.
    pub customers_scenario: Decimal,
    /// Revenue of the month, baseline.
    pub revenue_baseline: Decimal,
    /// Revenue of the month, with the initiative.
    pub revenue_scenario: Decimal,
    /// Gross profit of the month, baseline.
    pub gross_profit_baseline: Decimal,
    /// Gross profit of the month, with the initiative.
    pub gross_profit_scenario: Decimal,
    /// Acquisition spend (new customers × CAC), baseline.
    pub acquisition_cost_baseline: Decimal,
    /// Acquisition spend, with the initiative.
    pub acquisition_cost_scenario: Decimal,
    /// The initiative's cost this month (one-off at month 0, yearly ÷ 12 after).
    pub initiative_cost: Decimal,
    /// Gross profit with − without the initiative.
    pub incremental_gross_profit: Decimal,
    /// Δ gross profit − Δ acquisition spend − initiative cost.
    pub cash_flow: Decimal,
    /// Sum of cash flows from month 0.
    pub cumulative_cash_flow: Decimal,
    /// (1 + annual rate)^(−month/12).
    pub discount_factor: Decimal,
    /// Sum of discounted cash flows from month 0 (the NPV if the horizon ended here).
    pub cumulative_npv: Decimal,
}

/// The inputs of one simulation.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub base: Monthly,
    pub full: Monthly,
    pub new_base: Decimal,
    pub new_full: Decimal,
    pub cac_base: Decimal,
    pub cac_full: Decimal,
    pub customers: Decimal,
    pub ramp_months: u32,
    pub one_off_cost: Decimal,
    pub yearly_cost: Decimal,
    pub months: u32,
    pub annual_rate: Decimal,
}

/// The monthly factor (1 + annual rate)^(1/12).
pub(crate) fn monthly_factor(annual_rate: Decimal) -> Result<Decimal> {
    if annual_rate.is_zero() {
        return Ok(Decimal::ONE);
    }
    add(Decimal::ONE, annual_rate, "1 + discount rate")?
        .checked_powd(div(Decimal::ONE, Decimal::from(12), "1/12")?)
        .ok_or(PlanError::Overflow {
            what: "the monthly discount factor",
        })
}

fn mix(base: Decimal, full: Decimal, effect: Decimal) -> Result<Decimal> {
    add(
        base,
        mul(effect, sub(full, base, "driver change")?, "ramped change")?,
        "ramped driver",
    )
}

/// Simulates months 0..=`case.months`.
pub(crate) fn simulate(case: &Case) -> Result<Vec<MonthRow>> {
    let factor = monthly_factor(case.annual_rate)?;
    let monthly_cost = div(case.yearly_cost, Decimal::from(12), "monthly cost")?;
    let mut rows = Vec::with_capacity(case.months as usize + 1);
    let start_cf = -case.one_off_cost;
    rows.push(MonthRow {
        month: 0,
        effect: Decimal::ZERO,
        customers_baseline: case.customers,
        customers_scenario: case.customers,
        revenue_baseline: Decimal::ZERO,
        revenue_scenario: Decimal::ZERO,
        gross_profit_baseline: Decimal::ZERO,
        gross_profit_scenario: Decimal::ZERO,
        acquisition_cost_baseline: Decimal::ZERO,
        acquisition_cost_scenario: Decimal::ZERO,
        initiative_cost: case.one_off_cost,
        incremental_gross_profit: Decimal::ZERO,
        cash_flow: start_cf,
        cumulative_cash_flow: start_cf,
        discount_factor: Decimal::ONE,
        cumulative_npv: start_cf,
    });
    let (mut n_base, mut n_scen) = (case.customers, case.customers);
    let (mut cum, mut npv, mut df) = (start_cf, start_cf, Decimal::ONE);
    for t in 1..=case.months {
        let effect = if case.ramp_months == 0 || t >= case.ramp_months {
            Decimal::ONE
        } else {
            div(Decimal::from(t), Decimal::from(case.ramp_months), "ramp")?
        };
        let s = Monthly {
            revenue: mix(case.base.revenue, case.full.revenue, effect)?,
            gross_profit: mix(case.base.gross_profit, case.full.gross_profit, effect)?,
            churn: mix(case.base.churn, case.full.churn, effect)?,
        };
        let new_s = mix(case.new_base, case.new_full, effect)?;
        let cac_s = mix(case.cac_base, case.cac_full, effect)?;
        let step = |n: Decimal, m: &Monthly, new: Decimal, cac: Decimal| -> Result<[Decimal; 4]> {
            let active = add(n, new, "active customers")?;
            Ok([
                mul(active, m.revenue, "revenue")?,
                mul(active, m.gross_profit, "gross profit")?,
                mul(new, cac, "acquisition spend")?,
                mul(active, sub(Decimal::ONE, m.churn, "survival")?, "customers")?,
            ])
        };
        let [rev_b, gp_b, acq_b, next_b] = step(n_base, &case.base, case.new_base, case.cac_base)?;
        let [rev_s, gp_s, acq_s, next_s] = step(n_scen, &s, new_s, cac_s)?;
        n_base = next_b;
        n_scen = next_s;
        let inc_gp = sub(gp_s, gp_b, "incremental gross profit")?;
        let cf = sub(
            sub(
                inc_gp,
                sub(acq_s, acq_b, "incremental acquisition")?,
                "cash flow",
            )?,
            monthly_cost,
            "cash flow",
        )?;
        cum = add(cum, cf, "cumulative cash flow")?;
        df = div(df, factor, "discount factor")?;
        npv = add(npv, mul(cf, df, "discounted cash flow")?, "NPV")?;
        rows.push(MonthRow {
            month: t,
            effect: effect.normalize(),
            customers_baseline: n_base,
            customers_scenario: n_scen,
            revenue_baseline: rev_b,
            revenue_scenario: rev_s,
            gross_profit_baseline: gp_b,
            gross_profit_scenario: gp_s,
            acquisition_cost_baseline: acq_b,
            acquisition_cost_scenario: acq_s,
            initiative_cost: monthly_cost,
            incremental_gross_profit: inc_gp,
            cash_flow: cf,
            cumulative_cash_flow: cum,
            discount_factor: df,
            cumulative_npv: npv,
        });
    }
    Ok(rows)
}

/// Payback, ROI and NPV of the first `months` months at `annual_rate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Months simulated.
    pub horizon_months: u32,
    /// Annual discount rate of the NPV.
    pub discount_rate: Decimal,
    /// First month ≥ 1 at whose end the cumulative cash flow is ≥ 0; `null` if none.
    pub payback_month: Option<u32>,
    /// (Σ Δ contribution − Σ initiative cost) ÷ Σ initiative cost, undiscounted;
    /// `null` for an initiative without cost.
    pub roi: Option<Decimal>,
    /// Net present value of the cash flows at the annual rate.
    pub npv: Decimal,
    /// Σ Δ gross profit − Σ Δ acquisition spend, before the initiative's costs.
    pub incremental_contribution: Decimal,
    /// Σ initiative cost (one-off + yearly ÷ 12 × months).
    pub total_cost: Decimal,
    /// Cumulative cash flow at the end.
    pub cumulative_cash_flow: Decimal,
}

impl Outcome {
    /// Whether the case is worth doing: NPV > 0.
    pub fn invest(&self) -> bool {
        self.npv > Decimal::ZERO
    }
}

/// The outcome of the first `months` months of `rows`, discounted at `annual_rate`.
pub(crate) fn outcome(rows: &[MonthRow], months: u32, annual_rate: Decimal) -> Result<Outcome> {
    let factor = monthly_factor(annual_rate)?;
    let mut df = Decimal::ONE;
    let (mut npv, mut cost, mut gain) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut payback = None;
    let mut cum = Decimal::ZERO;
    for row in rows.iter().take(months as usize + 1) {
        if row.month > 0 {
            df = div(df, factor, "discount factor")?;
        }
        npv = add(npv, mul(row.cash_flow, df, "discounted cash flow")?, "NPV")?;
        cost = add(cost, row.initiative_cost, "total cost")?;
        gain = add(
            gain,
            add(row.cash_flow, row.initiative_cost, "contribution")?,
            "contribution",
        )?;
        cum = row.cumulative_cash_flow;
        if payback.is_none() && row.month > 0 && cum >= Decimal::ZERO {
            payback = Some(row.month);
        }
    }
    let roi = if cost.is_zero() {
        None
    } else {
        Some(div(sub(gain, cost, "net gain")?, cost, "ROI")?.normalize())
    };
    Ok(Outcome {
        horizon_months: months,
        discount_rate: annual_rate.normalize(),
        payback_month: payback,
        roi,
        npv: npv.normalize(),
        incremental_contribution: gain.normalize(),
        total_cost: cost.normalize(),
        cumulative_cash_flow: cum.normalize(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn m(gp: &str, churn: &str) -> Monthly {
        Monthly {
            revenue: d(gp),
            gross_profit: d(gp),
            churn: d(churn),
        }
    }

    #[test]
    fn one_customer_sums_to_ltv() {
        // a cohort of one: Σ 7000 × 0.95^t over a long horizon → 140,000
        let case = Case {
            base: m("0", "0.05"),
            full: m("7000", "0.05"),
            new_base: Decimal::ZERO,
            new_full: Decimal::ZERO,
            cac_base: Decimal::ZERO,
            cac_full: Decimal::ZERO,
            customers: Decimal::ONE,
            ramp_months: 0,
            one_off_cost: Decimal::ZERO,
            yearly_cost: Decimal::ZERO,
            months: 1200,
            annual_rate: Decimal::ZERO,
        };
        let rows = simulate(&case).unwrap();
        let total = rows.last().unwrap().cumulative_cash_flow;
        assert_eq!(total.round_dp(6), d("140000"));
    }

    #[test]
    fn discount_factor_compounds_to_the_annual_rate() {
        let f = monthly_factor(d("0.10")).unwrap();
        assert_eq!(f.powu(12).round_dp(12), d("1.1"));
    }
}
