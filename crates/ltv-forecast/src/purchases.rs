//! The BG/NBD forecast from purchase histories: summaries at the calibration end, the
//! fit and, optionally, the holdout comparison — the shape of `ltv forecast purchases`.

use serde::Serialize;

use crate::bgnbd::{fit_bgnbd, BgNbdFit, Observation};
use crate::calendar::serialize_day;
use crate::error::ForecastError;
use crate::fit_check::{check_holdout_end, holdout, Holdout};
use crate::history::{summarise, CustomerHistory, TimeUnit};

/// A BG/NBD forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PurchasesReport {
    /// Time unit of t_x, T, α and of the horizons.
    pub time_unit: TimeUnit,
    /// Calibration end (inclusive; serialised as `YYYY-MM-DD`).
    #[serde(serialize_with = "serialize_day")]
    pub calibration_end: i64,
    /// The fit (r, alpha, a, b, log_likelihood, converged, customers, …).
    #[serde(flatten)]
    pub fit: BgNbdFit,
    /// Customers left out: first purchase after the calibration end.
    pub first_purchase_after_calibration: usize,
    /// Purchases merged into another on the same day (calibration period).
    pub merged_same_day: usize,
    /// Days with a negative net amount (refunds), not counted as purchases.
    pub refund_days: usize,
    /// Expected repeat purchases of a new customer in its first 1, 4, 13, 26 and 52
    /// weeks (converted to the time unit).
    pub new_customer: Vec<NewCustomerPoint>,
    /// Predicted vs actual after the calibration, with `--holdout-end`.
    pub holdout: Option<Holdout>,
}

/// Expected repeat purchases of a newly acquired customer within `t` time units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCustomerPoint {
    /// Time since acquisition, in the time unit.
    pub t: f64,
    /// E[X(t)].
    pub expected_purchases: f64,
}

/// Summarises `histories` at `calibration_end` (day number, inclusive) in `unit`, fits
/// BG/NBD and, with `holdout_end`, compares predictions with the holdout purchases.
///
/// # Errors
/// Those of [`summarise`], [`fit_bgnbd`] and [`holdout`]; a `holdout_end` not after
/// `calibration_end` is [`ForecastError::OutOfRange`] (`holdout_end`).
pub fn forecast_purchases(
    histories: &[CustomerHistory],
    calibration_end: i64,
    holdout_end: Option<i64>,
    unit: TimeUnit,
) -> Result<PurchasesReport, ForecastError> {
    if let Some(end) = holdout_end {
        check_holdout_end(calibration_end, end)?;
    }
    let summaries = summarise(histories, calibration_end, unit)?;
    let obs: Vec<Observation> = summaries
        .customers
        .iter()
        .map(|c| c.observation())
        .collect();
    let fit = fit_bgnbd(&obs)?;
    let new_customer = [1.0, 4.0, 13.0, 26.0, 52.0]
        .iter()
        .map(|weeks| {
            let t = weeks * 7.0 / unit.days();
            fit.params
                .expected_purchases_new(t)
                .map(|e| NewCustomerPoint {
                    t,
                    expected_purchases: e,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let holdout = match holdout_end {
        Some(end) => Some(holdout(histories, &summaries, &fit.params, end)?),
        None => None,
    };
    Ok(PurchasesReport {
        time_unit: unit,
        calibration_end,
        first_purchase_after_calibration: summaries.first_purchase_after_calibration,
        merged_same_day: summaries.merged_same_day,
        refund_days: summaries.refund_days,
        fit,
        new_customer,
        holdout,
    })
}
