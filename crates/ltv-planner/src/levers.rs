//! Driver sensitivity: which lever moves LTV and LTV/CAC most.
//!
//! Each driver of the baseline gets a standard move — +10 % ARPU/AOV/price, +10 %
//! frequency, −1 point churn, +10 % lifespan, +5 points margin, −10 % CAC — and the LTV
//! is recomputed by ltv-core. The elasticity is the % change of LTV (or LTV/CAC) per
//! % change of the driver. Drivers are ranked by the LTV/CAC change when a CAC is given
//! (so a CAC cut competes with LTV levers), otherwise by the LTV change; ties keep the
//! model's driver order (value, frequency, churn/lifespan, margin, CAC).

use ltv_core::Band;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arith::{change_pct, div};
use crate::baseline::Baseline;
use crate::change::Change;
use crate::driver::Driver;
use crate::error::Result;

/// The standard move of a driver in the levers report; `None` for drivers that do not
/// act on LTV or LTV/CAC (new customers).
pub fn standard_move(driver: Driver) -> Option<Change> {
    let pct = |p: i64| Change::Relative(Decimal::new(p, 2));
    match driver {
        Driver::Arpu | Driver::Aov | Driver::Price | Driver::Frequency | Driver::Lifespan => {
            Some(pct(10))
        }
        Driver::Churn => Some(Change::Points(Decimal::from(-1))),
        Driver::Margin => Some(Change::Points(Decimal::from(5))),
        Driver::Cac => Some(pct(-10)),
        Driver::NewCustomers => None,
    }
}

/// What ranks the levers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankedBy {
    /// The % change of LTV/CAC (a CAC is given).
    LtvCacRatio,
    /// The % change of LTV (no CAC).
    Ltv,
}

/// One driver's standard move and its effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lever {
    /// 1 = biggest impact.
    pub rank: u32,
    /// The driver.
    pub driver: Driver,
    /// The standard move applied.
    #[serde(rename = "move")]
    pub change: Change,
    /// The driver's value today.
    pub value_before: Decimal,
    /// The driver's value after the move.
    pub value_after: Decimal,
    /// LTV today.
    pub ltv_before: Decimal,
    /// LTV after the move.
    pub ltv_after: Decimal,
    /// (LTV after − LTV before) ÷ LTV before, in percent.
    pub ltv_change_pct: Decimal,
    /// % change of LTV per % change of the driver.
    pub ltv_elasticity: Option<Decimal>,
    /// LTV/CAC today (with a CAC).
    pub ratio_before: Option<Decimal>,
    /// LTV/CAC after the move (with a CAC).
    pub ratio_after: Option<Decimal>,
    /// % change of LTV/CAC.
    pub ratio_change_pct: Option<Decimal>,
    /// % change of LTV/CAC per % change of the driver.
    pub ratio_elasticity: Option<Decimal>,
    /// Band of the ratio after the move.
    pub band_after: Option<Band>,
}

/// A driver whose standard move is impossible here (e.g. churn below 1 point).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedLever {
    /// The driver.
    pub driver: Driver,
    /// Why.
    pub reason: String,
}

/// `ltv levers`: the drivers ranked by impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeversReport {
    /// The baseline's model.
    pub model: String,
    /// LTV today.
    pub ltv: Decimal,
    /// CAC, when given.
    pub cac: Option<Decimal>,
    /// LTV/CAC today, when a CAC is given.
    pub ratio: Option<Decimal>,
    /// Band of today's ratio.
    pub band: Option<Band>,
    /// What the ranking uses.
    pub ranked_by: RankedBy,
    /// The drivers, biggest impact first.
    pub drivers: Vec<Lever>,
    /// Drivers without a possible standard move.
    pub skipped: Vec<SkippedLever>,
    /// "The lever with the biggest impact is …".
    pub headline: String,
}

fn elasticity(effect_pct: Option<Decimal>, driver_pct: Option<Decimal>) -> Result<Option<Decimal>> {
    match (effect_pct, driver_pct) {
        (Some(e), Some(dp)) if !dp.is_zero() => {
            div(e, dp, "elasticity").map(|v| Some(v.normalize()))
        }
        _ => Ok(None),
    }
}

/// Ranks the baseline's drivers by the effect of their standard move.
///
/// # Errors
/// The baseline's validation errors ([`PlanError::Core`]); [`PlanError::Overflow`].
///
/// ```
/// use ltv_planner::{levers, Baseline, Driver};
/// let baseline: Baseline = serde_json::from_str(
///     r#"{"model":"subscription","arpu":"10000","margin":"0.70","churn":"0.05","cac":"56000"}"#,
/// )?;
/// let report = levers(&baseline)?;
/// assert_eq!(report.drivers[0].driver, Driver::Churn);
/// assert_eq!(report.drivers[0].ltv_after, "175000".parse()?);
/// assert_eq!(report.drivers[0].ratio_after, Some("3.125".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn levers(baseline: &Baseline) -> Result<LeversReport> {
    baseline.validate()?;
    let ltv = baseline.ltv()?;
    let cac = baseline.cac();
    let ratio_before = baseline.ltv_cac_ratio(ltv)?;
    let mut drivers = Vec::new();
    let mut skipped = Vec::new();
    for &driver in baseline.drivers() {
        let Some(change) = standard_move(driver) else {
            continue;
        };
        let Some(before) = baseline.get(driver) else {
            skipped.push(SkippedLever {
                driver,
                reason: format!("no {} given", driver.as_str()),
            });
            continue;
        };
        let after = change.apply(before)?;
        let moved = baseline.with(driver, after)?;
        if let Err(e) = moved.validate_core() {
            skipped.push(SkippedLever {
                driver,
                reason: format!("the move {change} is not possible from {before}: {e}"),
            });
            continue;
        }
        let ltv_after = moved.ltv()?;
        let ratio_after = moved.ltv_cac_ratio(ltv_after)?;
        let ltv_change_pct = change_pct(ltv, ltv_after)?.unwrap_or_default();
        let ratio_change_pct = match (ratio_before, ratio_after) {
            (Some(b), Some(a)) => change_pct(b, a)?,
            _ => None,
        };
        let driver_pct = change_pct(before, after)?;
        drivers.push(Lever {
            rank: 0,
            driver,
            change,
            value_before: before.normalize(),
            value_after: after,
            ltv_before: ltv,
            ltv_after,
            ltv_change_pct,
            ltv_elasticity: elasticity(Some(ltv_change_pct), driver_pct)?,
            ratio_before,
            ratio_after,
            ratio_change_pct,
            ratio_elasticity: elasticity(ratio_change_pct, driver_pct)?,
            band_after: ratio_after.map(Band::of_ratio),
        });
    }
    let ranked_by = if cac.is_some() {
        RankedBy::LtvCacRatio
    } else {
        RankedBy::Ltv
    };
    let key = |l: &Lever| match ranked_by {
        RankedBy::LtvCacRatio => l.ratio_change_pct.unwrap_or_default(),
        RankedBy::Ltv => l.ltv_change_pct,
    };
    // stable sort: ties keep the model's driver order
    drivers.sort_by_key(|l| std::cmp::Reverse(key(l)));
    for (i, l) in drivers.iter_mut().enumerate() {
        l.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    let headline = headline(drivers.first());
    Ok(LeversReport {
        model: baseline.model().to_owned(),
        ltv,
        cac: cac.map(|c| c.normalize()),
        ratio: ratio_before,
        band: ratio_before.map(Band::of_ratio),
        ranked_by,
        drivers,
        skipped,
        headline,
    })
}

fn headline(top: Option<&Lever>) -> String {
    use crate::wording::{amount, ratio, signed_pct};
    let Some(top) = top else {
        return "no driver can be moved".to_owned();
    };
    let mut text = format!(
        "the lever with the biggest impact is {} ({}): LTV {} → {} ({})",
        top.driver.label(),
        top.change,
        amount("", top.ltv_before),
        amount("", top.ltv_after),
        signed_pct(top.ltv_change_pct)
    );
    if let (Some(b), Some(a)) = (top.ratio_before, top.ratio_after) {
        text.push_str(&format!(", LTV/CAC {} → {}", ratio(b), ratio(a)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::SubscriptionBaseline;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn impossible_moves_are_skipped_with_a_reason() {
        let b = Baseline::Subscription(SubscriptionBaseline {
            arpu: d("100"),
            margin: d("0.98"),
            churn: d("0.005"),
            cac: None,
            customers: None,
            new_customers_per_month: Decimal::ZERO,
            currency: None,
        });
        let r = levers(&b).unwrap();
        assert_eq!(r.ranked_by, RankedBy::Ltv);
        let skipped: Vec<Driver> = r.skipped.iter().map(|s| s.driver).collect();
        assert_eq!(skipped, [Driver::Churn, Driver::Margin, Driver::Cac]);
        assert_eq!(
            r.skipped[0].reason,
            "the move -1pt is not possible from 0.005: churn must be in (0, 1], got -0.005"
        );
        assert_eq!(r.skipped[2].reason, "no cac given");
        assert_eq!(r.drivers.len(), 1);
        assert_eq!(r.drivers[0].driver, Driver::Arpu);
    }
}
