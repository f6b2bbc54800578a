//! Calibration/holdout fit check of the BG/NBD model (as in Fader, Hardie & Lee 2005,
//! figures 2–4): predicted vs actual repeat purchases in the holdout, in total and by
//! calibration frequency, and the cumulative tracking curve.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bgnbd::{fit_bgnbd, BgNbdFit, BgNbdParams, Observation};
use crate::calendar::{iso_date, serialize_day};
use crate::error::ForecastError;
use crate::history::{merge_same_day, summarise, CustomerHistory, Summaries, TimeUnit};

/// Frequencies 0..TOP_BUCKET get their own bucket; higher ones share `"7+"`.
const TOP_BUCKET: u32 = 7;

/// Predicted vs actual holdout purchases of a group of customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Calibration frequency (x) of the group: `"0"`, …, `"6"`, `"7+"`, or `"all"`.
    pub frequency: String,
    /// Customers in the group.
    pub customers: usize,
    /// Sum of the conditional expectations.
    pub predicted: f64,
    /// Repeat purchases (distinct purchase days) in the holdout.
    pub actual: u64,
    /// Predicted per customer.
    pub predicted_mean: f64,
    /// Actual per customer.
    pub actual_mean: f64,
}

/// One point of the cumulative tracking curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackingPoint {
    /// Period number (1 = the first time unit after the earliest first purchase).
    pub period: u32,
    /// Last day of the period (a day number; serialised as `YYYY-MM-DD`).
    #[serde(serialize_with = "serialize_day")]
    pub end_day: i64,
    /// Cumulative repeat purchases the model expects by the end of the period.
    pub predicted: f64,
    /// Cumulative repeat purchases observed.
    pub actual: u64,
}

/// Predicted vs actual purchases after the calibration: the holdout part of
/// `ltv forecast purchases --holdout-end`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holdout {
    /// Holdout end (day number, inclusive; serialised as `YYYY-MM-DD`).
    #[serde(serialize_with = "serialize_day")]
    pub holdout_end: i64,
    /// Holdout length in time units.
    pub holdout_length: f64,
    /// All calibration customers.
    pub total: Comparison,
    /// By calibration frequency.
    pub by_frequency: Vec<Comparison>,
    /// Cumulative repeat purchases by period, calibration and holdout.
    pub tracking: Vec<TrackingPoint>,
}

/// A fit on the calibration period together with its holdout comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitCheck {
    /// The model fitted on the calibration period.
    pub fit: BgNbdFit,
    /// The comparison.
    pub holdout: Holdout,
}

/// Fits BG/NBD on purchases up to `calibration_end` and compares its predictions with
/// what the same customers did up to `holdout_end` (day numbers, inclusive).
///
/// # Errors
/// [`ForecastError::OutOfRange`] when `holdout_end <= calibration_end`; those of
/// [`summarise`] and [`fit_bgnbd`].
pub fn fit_check(
    histories: &[CustomerHistory],
    calibration_end: i64,
    holdout_end: i64,
    unit: TimeUnit,
) -> Result<FitCheck, ForecastError> {
    check_holdout_end(calibration_end, holdout_end)?;
    let summaries = summarise(histories, calibration_end, unit)?;
    let obs: Vec<Observation> = summaries
        .customers
        .iter()
        .map(|c| c.observation())
        .collect();
    let fit = fit_bgnbd(&obs)?;
    let holdout = holdout(histories, &summaries, &fit.params, holdout_end)?;
    Ok(FitCheck { fit, holdout })
}

pub(crate) fn check_holdout_end(
    calibration_end: i64,
    holdout_end: i64,
) -> Result<(), ForecastError> {
    if holdout_end <= calibration_end {
        return Err(ForecastError::OutOfRange {
            field: "holdout_end",
            value: iso_date(holdout_end),
            allowed: "after the calibration end",
        });
    }
    Ok(())
}

/// Compares the predictions of `params` for the customers in `summaries` with their
/// purchases in `histories` after the calibration end, up to `holdout_end` (inclusive).
///
/// # Errors
/// [`ForecastError::OutOfRange`] when `holdout_end` is not after the calibration end.
pub fn holdout(
    histories: &[CustomerHistory],
    summaries: &Summaries,
    params: &BgNbdParams,
    holdout_end: i64,
) -> Result<Holdout, ForecastError> {
    let calibration_end = summaries.calibration_end;
    let unit = summaries.time_unit;
    check_holdout_end(calibration_end, holdout_end)?;
    let obs: Vec<Observation> = summaries
        .customers
        .iter()
        .map(|c| c.observation())
        .collect();
    let horizon = (holdout_end - calibration_end) as f64 / unit.days();

    // per customer in the calibration cohort: first day and distinct purchase days
    let mut buckets: BTreeMap<u32, (usize, f64, u64)> = BTreeMap::new();
    let mut repeat_days: BTreeMap<i64, u64> = BTreeMap::new();
    let mut births: BTreeMap<i64, u64> = BTreeMap::new();
    let by_id: BTreeMap<&str, &CustomerHistory> = histories
        .iter()
        .map(|h| (h.customer_id.as_str(), h))
        .collect();
    for (c, o) in summaries.customers.iter().zip(&obs) {
        let days = match by_id.get(c.customer_id.as_str()) {
            Some(h) => merge_same_day(h)?.0,
            None => BTreeMap::new(),
        };
        let actual = days.range(calibration_end + 1..=holdout_end).count() as u64;
        for d in days.range(c.first_day + 1..=holdout_end).map(|(d, _)| *d) {
            *repeat_days.entry(d).or_insert(0) += 1;
        }
        *births.entry(c.first_day).or_insert(0) += 1;
        let predicted = params.expected_purchases(horizon, o)?;
        let b = buckets.entry(o.x.min(TOP_BUCKET)).or_insert((0, 0.0, 0));
        b.0 += 1;
        b.1 += predicted;
        b.2 += actual;
    }
    let comparison = |frequency: String, (n, p, a): (usize, f64, u64)| Comparison {
        frequency,
        customers: n,
        predicted: p,
        actual: a,
        predicted_mean: if n == 0 { 0.0 } else { p / n as f64 },
        actual_mean: if n == 0 { 0.0 } else { a as f64 / n as f64 },
    };
    let all = buckets.values().fold((0, 0.0, 0), |acc, b| {
        (acc.0 + b.0, acc.1 + b.1, acc.2 + b.2)
    });
    let by_frequency = buckets
        .iter()
        .map(|(x, b)| {
            let label = if *x == TOP_BUCKET {
                format!("{TOP_BUCKET}+")
            } else {
                x.to_string()
            };
            comparison(label, *b)
        })
        .collect();

    let mut tracking = Vec::new();
    if let Some((&origin, _)) = births.first_key_value() {
        let mut period = 1u32;
        loop {
            let end =
                (origin + (f64::from(period) * unit.days()).floor() as i64 - 1).min(holdout_end);
            let mut predicted = 0.0;
            for (&born, &n) in births.range(..=end) {
                let age = (end - born) as f64 / unit.days();
                predicted += n as f64 * params.expected_purchases_new(age)?;
            }
            let actual = repeat_days.range(..=end).map(|(_, n)| n).sum();
            tracking.push(TrackingPoint {
                period,
                end_day: end,
                predicted,
                actual,
            });
            if end >= holdout_end {
                break;
            }
            period += 1;
        }
    }
    Ok(Holdout {
        holdout_end,
        holdout_length: horizon,
        total: comparison("all".into(), all),
        by_frequency,
        tracking,
    })
}
