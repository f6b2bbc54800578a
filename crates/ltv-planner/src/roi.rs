//! ROI cases: one initiative against the baseline, month by month.

use ltv_core::Band;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arith::change_pct;
use crate::baseline::Baseline;
use crate::change::{Change, Scenario};
use crate::driver::Driver;
use crate::error::{PlanError, Result};
use crate::initiative::Initiative;
use crate::simulate::{outcome, simulate, Case, MonthRow, Outcome};
use crate::summary::{roi_summary, Lang};
use crate::team::Team;

/// The NPV convention, stated in every report.
pub const NPV_CONVENTION: &str = "month 0 = today: the one-off cost is paid at month 0 \
(undiscounted); the cash flow of month t (1..horizon) is discounted by \
(1 + annual rate)^(-t/12)";

/// The horizons whose verdicts every ROI case shows (plus the chosen horizon).
pub const VERDICT_HORIZONS: [u32; 3] = [12, 24, 36];

fn default_horizon() -> u32 {
    36
}

fn default_rate() -> Decimal {
    Decimal::new(10, 2)
}

/// Options of an ROI case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoiOptions {
    /// Months to simulate, 1–600; default 36.
    #[serde(default = "default_horizon")]
    pub horizon_months: u32,
    /// Annual discount rate for the NPV, >= 0; default 0.10.
    #[serde(default = "default_rate")]
    pub discount_rate: Decimal,
    /// Which end of low/likely/high effect ranges to use; default likely.
    #[serde(default = "likely")]
    pub scenario: Scenario,
    /// Language of the summary; default English.
    #[serde(default)]
    pub lang: Lang,
}

fn likely() -> Scenario {
    Scenario::Likely
}

impl Default for RoiOptions {
    fn default() -> Self {
        RoiOptions {
            horizon_months: default_horizon(),
            discount_rate: default_rate(),
            scenario: Scenario::Likely,
            lang: Lang::En,
        }
    }
}

impl RoiOptions {
    /// Checks the horizon (1–600 months) and the rate (>= 0).
    ///
    /// # Errors
    /// [`PlanError::Invalid`] naming `horizon_months` or `discount_rate`.
    pub fn validate(&self) -> Result<()> {
        if !(1..=600).contains(&self.horizon_months) {
            return Err(PlanError::invalid(
                None,
                "horizon_months",
                self.horizon_months,
                "in [1, 600]",
            ));
        }
        if self.discount_rate.is_sign_negative() && !self.discount_rate.is_zero() {
            return Err(PlanError::invalid(
                None,
                "discount_rate",
                self.discount_rate,
                ">= 0 (a yearly rate, e.g. 0.10)",
            ));
        }
        Ok(())
    }
}

/// The verdict of the case judged over another horizon or at another rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The outcome over this horizon at this rate.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// NPV > 0.
    pub invest: bool,
}

/// An ROI case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoiReport {
    /// The initiative.
    pub initiative: String,
    /// Its owning team.
    pub team: Team,
    /// The driver it moves.
    pub driver: Driver,
    /// The move, as used (scenario end of a range).
    pub change: Change,
    /// Which end of effect ranges was used.
    pub scenario: Scenario,
    /// The driver's value today.
    pub driver_before: Decimal,
    /// The driver's value at full effect.
    pub driver_after: Decimal,
    /// Months simulated.
    pub horizon_months: u32,
    /// Annual discount rate.
    pub discount_rate: Decimal,
    /// How the NPV discounts.
    pub npv_convention: String,
    /// First month at whose end the cumulative cash flow is ≥ 0; `null` if never.
    pub payback_month: Option<u32>,
    /// Net gain ÷ cost over the horizon (a fraction: 1.4 = 140 %); `null` without cost.
    pub roi: Option<Decimal>,
    /// Net present value at the annual rate.
    pub npv: Decimal,
    /// Σ Δ gross profit − Σ Δ acquisition spend over the horizon.
    pub incremental_contribution: Decimal,
    /// Σ Δ gross profit over the horizon.
    pub incremental_gross_profit: Decimal,
    /// Σ initiative cost over the horizon.
    pub total_cost: Decimal,
    /// Cumulative cash flow at the end of the horizon.
    pub cumulative_cash_flow: Decimal,
    /// LTV today (ltv-core).
    pub ltv_before: Decimal,
    /// LTV at full effect.
    pub ltv_after: Decimal,
    /// % change of LTV.
    pub ltv_change_pct: Option<Decimal>,
    /// LTV/CAC today (with a CAC).
    pub ratio_before: Option<Decimal>,
    /// LTV/CAC at full effect.
    pub ratio_after: Option<Decimal>,
    /// Band today.
    pub band_before: Option<Band>,
    /// Band at full effect.
    pub band_after: Option<Band>,
    /// The verdict at 12, 24, 36 months (and the horizon), at 0 % and at the rate.
    pub verdicts: Vec<Verdict>,
    /// Whether horizon or discounting changes the verdict.
    pub verdict_flips: bool,
    /// The monthly series, month 0 to the horizon.
    pub months: Vec<MonthRow>,
    /// Language of `summary`.
    pub lang: Lang,
    /// Executive summary.
    pub summary: String,
    /// Currency symbol used in the summary.
    pub currency: String,
}

/// The baseline with the initiative's move at full effect, checked.
pub(crate) fn moved(
    baseline: &Baseline,
    initiative: &Initiative,
    scenario: Scenario,
) -> Result<(Driver, Change, Decimal, Decimal, Baseline)> {
    let name = Some(initiative.name.as_str());
    let driver = initiative.driver()?;
    let change = initiative.change.at(scenario);
    let Some(before) = baseline.get(driver) else {
        let allowed = if baseline.drivers().contains(&driver) {
            format!(
                "a driver the baseline gives a value for ({} is not given)",
                driver
            )
        } else {
            format!(
                "a driver of the {} model: {}",
                baseline.model(),
                baseline.driver_names()
            )
        };
        return Err(PlanError::invalid(name, "driver", driver, allowed));
    };
    let after = change.apply(before)?;
    let moved = baseline
        .with(driver, after)
        .map_err(|_| PlanError::invalid(name, "driver", driver, "a driver of the model"))?;
    if let Err(e) = moved.validate_core() {
        let why = match e {
            ltv_core::CoreError::OutOfRange { field, allowed, .. } => {
                format!("{field} must be {allowed}")
            }
            ltv_core::CoreError::ZeroChurnWithoutHorizon => {
                format!("churn must be {}", ltv_core::Churn::RANGE)
            }
            other => other.to_string(),
        };
        return Err(PlanError::invalid(
            name,
            "change",
            change,
            format!(
                "a move that keeps {driver} valid ({} would become {after}, but {why})",
                before.normalize()
            ),
        ));
    }
    Ok((driver, change, before.normalize(), after, moved))
}

/// Simulates the initiative against the baseline and builds its ROI case.
///
/// # Errors
/// [`PlanError::Invalid`] for a baseline without `customers`, a driver the baseline's
/// model lacks, a move to an invalid value, bad options; the baseline's validation
/// errors; [`PlanError::Overflow`].
///
/// ```
/// use ltv_planner::{roi, Baseline, Initiative, RoiOptions};
/// let baseline: Baseline = serde_json::from_str(r#"{"model":"subscription","arpu":"10000",
///     "margin":"0.70","churn":"0.05","cac":"56000","customers":"1000"}"#)?;
/// let onboarding: Initiative = serde_json::from_str(r#"{"name":"Onboarding","team":"cs",
///     "driver":"churn","change":"-1pt","one_off_cost":"3000000","impact":8,"confidence":7,"ease":6}"#)?;
/// let case = roi(&baseline, &onboarding, &RoiOptions::default())?;
/// assert_eq!(case.ltv_after, "175000".parse()?);
/// assert_eq!(case.ratio_after, Some("3.125".parse()?));
/// assert!(case.payback_month.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn roi(
    baseline: &Baseline,
    initiative: &Initiative,
    options: &RoiOptions,
) -> Result<RoiReport> {
    options.validate()?;
    baseline.validate()?;
    let Some(customers) = baseline.customers() else {
        return Err(PlanError::invalid(
            None,
            "baseline.customers",
            "nothing",
            "the number of active customers today (the ROI simulation starts from it)",
        ));
    };
    let (driver, change, before, after, scen) = moved(baseline, initiative, options.scenario)?;
    let name = Some(initiative.name.as_str());
    for (field, v) in [
        ("one_off_cost", initiative.one_off_cost),
        ("yearly_cost", initiative.yearly_cost),
    ] {
        if v < Decimal::ZERO {
            return Err(PlanError::invalid(name, field, v, ">= 0"));
        }
    }
    let ltv_before = baseline.ltv()?;
    let ltv_after = scen.ltv()?;
    let ratio_before = baseline.ltv_cac_ratio(ltv_before)?;
    let ratio_after = scen.ltv_cac_ratio(ltv_after)?;
    let simulated = options.horizon_months.max(36);
    let case = Case {
        base: baseline.monthly()?,
        full: scen.monthly()?,
        new_base: baseline.new_customers_per_month(),
        new_full: scen.new_customers_per_month(),
        cac_base: baseline.cac().unwrap_or_default(),
        cac_full: scen.cac().unwrap_or_default(),
        customers,
        ramp_months: initiative.ramp_months,
        one_off_cost: initiative.one_off_cost,
        yearly_cost: initiative.yearly_cost,
        months: simulated,
        annual_rate: options.discount_rate,
    };
    let mut rows = simulate(&case)?;
    let main = outcome(&rows, options.horizon_months, options.discount_rate)?;
    let mut horizons: Vec<u32> = VERDICT_HORIZONS.to_vec();
    if !horizons.contains(&options.horizon_months) {
        horizons.push(options.horizon_months);
        horizons.sort_unstable();
    }
    let mut rates = vec![Decimal::ZERO];
    if !options.discount_rate.is_zero() {
        rates.push(options.discount_rate);
    }
    let mut verdicts = Vec::new();
    for &h in &horizons {
        for &r in &rates {
            let o = outcome(&rows, h, r)?;
            verdicts.push(Verdict {
                invest: o.invest(),
                outcome: o,
            });
        }
    }
    let verdict_flips = verdicts.iter().any(|v| v.invest != main.invest());
    rows.truncate(options.horizon_months as usize + 1);
    let incremental_gross_profit = rows
        .iter()
        .try_fold(Decimal::ZERO, |acc, r| {
            crate::arith::add(acc, r.incremental_gross_profit, "incremental gross profit")
        })?
        .normalize();
    for r in &mut rows {
        normalize_row(r);
    }
    let mut report = RoiReport {
        initiative: initiative.name.clone(),
        team: initiative.team.clone(),
        driver,
        change,
        scenario: options.scenario,
        driver_before: before,
        driver_after: after,
        horizon_months: options.horizon_months,
        discount_rate: options.discount_rate.normalize(),
        npv_convention: NPV_CONVENTION.to_owned(),
        payback_month: main.payback_month,
        roi: main.roi,
        npv: main.npv,
        incremental_contribution: main.incremental_contribution,
        incremental_gross_profit,
        total_cost: main.total_cost,
        cumulative_cash_flow: main.cumulative_cash_flow,
        ltv_before,
        ltv_after,
        ltv_change_pct: change_pct(ltv_before, ltv_after)?,
        ratio_before,
        ratio_after,
        band_before: ratio_before.map(Band::of_ratio),
        band_after: ratio_after.map(Band::of_ratio),
        verdicts,
        verdict_flips,
        months: rows,
        lang: options.lang,
        summary: String::new(),
        currency: baseline.currency().to_owned(),
    };
    report.summary = roi_summary(&report, initiative, options.lang);
    Ok(report)
}

/// The ROI case of the initiative named `name` in `file`, on its own baseline: what
/// `ltv roi --baseline FILE --initiative NAME` runs.
///
/// # Errors
/// [`PlanError::UnknownInitiative`]; as for [`roi`].
pub fn roi_of(file: &crate::file::PlanFile, name: &str, options: &RoiOptions) -> Result<RoiReport> {
    let initiative = file.initiative(name)?;
    roi(file.baseline_for(initiative)?, initiative, options)
}

fn normalize_row(r: &mut MonthRow) {
    for v in [
        &mut r.customers_baseline,
        &mut r.customers_scenario,
        &mut r.revenue_baseline,
        &mut r.revenue_scenario,
        &mut r.gross_profit_baseline,
        &mut r.gross_profit_scenario,
        &mut r.acquisition_cost_baseline,
        &mut r.acquisition_cost_scenario,
        &mut r.initiative_cost,
        &mut r.incremental_gross_profit,
        &mut r.cash_flow,
        &mut r.cumulative_cash_flow,
        &mut r.discount_factor,
        &mut r.cumulative_npv,
    ] {
        *v = v.normalize();
    }
}
