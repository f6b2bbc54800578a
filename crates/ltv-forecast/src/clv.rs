//! Per-customer CLV: BG/NBD expected purchases × Gamma-Gamma expected spend × margin,
//! discounted month by month over a horizon.
//!
//! Convention (stated in every report, because libraries differ here): the horizon is
//! cut into months of 30.4375 days (365.25 / 12); month m ∈ 1..=H contributes the
//! purchases expected in it, `E[Y(m·u)] − E[Y((m−1)·u)]` with u the number of model
//! time units in a month, valued at the expected spend per transaction times the
//! margin and discounted as a cash flow at the END of month m by `(1 + d)^m`, where d
//! is a MONTHLY discount rate. So
//!
//! `CLV = margin · E[M] · Σ_{m=1}^{H} (E[Y(m·u)] − E[Y((m−1)·u)]) / (1 + d)^m`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::bgnbd::{fit_bgnbd, BgNbdFit, BgNbdParams, Observation};
use crate::decimal::to_decimal;
use crate::error::ForecastError;
use crate::gamma_gamma::{fit_gamma_gamma, GammaGammaFit, GammaGammaParams};
use crate::history::{summarise, CustomerHistory, CustomerSummary, Summaries, TimeUnit};

/// The discounting convention, as printed in reports.
pub const DISCOUNTING: &str = "monthly discount rate; each month's expected margin is discounted as a cash flow at the end of that month, by (1 + d)^m";

/// What to value.
#[derive(Debug, Clone, PartialEq)]
pub struct ClvRequest {
    /// Horizon in months (1 to 1,200).
    pub horizon_months: u32,
    /// Discount rate per month (≥ 0).
    pub discount_rate: Decimal,
    /// Gross margin in [0, 1] applied to spend.
    pub margin: Decimal,
}

impl ClvRequest {
    fn validate(&self) -> Result<(), ForecastError> {
        if !(1..=1200).contains(&self.horizon_months) {
            return Err(ForecastError::OutOfRange {
                field: "horizon_months",
                value: self.horizon_months.to_string(),
                allowed: "in 1..=1200",
            });
        }
        if self.discount_rate.is_sign_negative() && !self.discount_rate.is_zero() {
            return Err(ForecastError::OutOfRange {
                field: "discount_rate",
                value: self.discount_rate.to_string(),
                allowed: ">= 0",
            });
        }
        if self.margin < Decimal::ZERO || self.margin > Decimal::ONE {
            return Err(ForecastError::OutOfRange {
                field: "margin",
                value: self.margin.to_string(),
                allowed: "in [0, 1]",
            });
        }
        Ok(())
    }
}

/// One customer's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerClv {
    /// The customer's id.
    pub customer_id: String,
    /// P(alive) at the calibration end.
    pub p_alive: f64,
    /// Expected purchases over the horizon (undiscounted).
    pub expected_purchases: f64,
    /// Expected spend per transaction (Gamma-Gamma), money.
    pub expected_spend: Decimal,
    /// Discounted expected margin over the horizon, money.
    pub clv: Decimal,
}

/// Per-customer CLV with the fitted models: the shape of `ltv forecast clv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClvReport {
    /// Time unit of the BG/NBD model (x, t_x, T, α).
    pub time_unit: TimeUnit,
    /// Calibration end (inclusive; serialised as `YYYY-MM-DD`): the valuation date.
    #[serde(serialize_with = "crate::calendar::serialize_day")]
    pub calibration_end: i64,
    /// Horizon in months of 30.4375 days.
    pub horizon_months: u32,
    /// Monthly discount rate.
    pub discount_rate: Decimal,
    /// Margin applied to spend.
    pub margin: Decimal,
    /// How cash flows are discounted.
    pub discounting: &'static str,
    /// The purchase model.
    pub purchases: BgNbdFit,
    /// The spend model.
    pub spend: GammaGammaFit,
    /// Days with a negative net amount (refunds), not counted as purchases.
    pub refund_days: usize,
    /// One row per customer, in input order.
    pub customers: Vec<CustomerClv>,
}

/// Fits BG/NBD and Gamma-Gamma to `summaries` and values every customer.
///
/// # Errors
/// Those of [`fit_bgnbd`] and [`fit_gamma_gamma`]; [`ForecastError::OutOfRange`] for
/// a bad request; [`ForecastError::NotEnoughData`] when q ≤ 1 (customers without
/// repeat purchases cannot be valued).
pub fn clv(summaries: &Summaries, request: &ClvRequest) -> Result<ClvReport, ForecastError> {
    request.validate()?;
    let obs: Vec<Observation> = summaries
        .customers
        .iter()
        .map(|c| c.observation())
        .collect();
    let purchases = fit_bgnbd(&obs)?;
    let spend = fit_gamma_gamma(&summaries.customers)?;
    let customers = summaries
        .customers
        .iter()
        .map(|c| {
            customer_clv(
                &purchases.params,
                &spend.params,
                c,
                summaries.time_unit,
                request,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ClvReport {
        time_unit: summaries.time_unit,
        calibration_end: summaries.calibration_end,
        horizon_months: request.horizon_months,
        discount_rate: request.discount_rate,
        margin: request.margin,
        discounting: DISCOUNTING,
        purchases,
        spend,
        refund_days: summaries.refund_days,
        customers,
    })
}

/// Summarises `histories` at `calibration_end` (day number, inclusive) in `unit` and
/// runs [`clv`]: the shape of `ltv forecast clv`.
///
/// # Errors
/// Those of [`summarise`] and [`clv`].
pub fn forecast_clv(
    histories: &[CustomerHistory],
    calibration_end: i64,
    unit: TimeUnit,
    request: &ClvRequest,
) -> Result<ClvReport, ForecastError> {
    request.validate()?;
    clv(&summarise(histories, calibration_end, unit)?, request)
}

/// The value of one customer under given models (see the module docs for the formula).
///
/// # Errors
/// [`ForecastError::OutOfRange`] for a bad request; [`ForecastError::NotEnoughData`]
/// when q ≤ 1 and the customer has no repeat purchases;
/// [`ForecastError::NotRepresentable`] if a result is not finite.
pub fn customer_clv(
    purchases: &BgNbdParams,
    spend: &GammaGammaParams,
    customer: &CustomerSummary,
    unit: TimeUnit,
    request: &ClvRequest,
) -> Result<CustomerClv, ForecastError> {
    request.validate()?;
    let o = customer.observation();
    let mean = customer
        .mean_repeat_spend
        .and_then(|m| m.to_f64())
        .unwrap_or(0.0);
    let m = spend
        .expected_spend(o.x, mean)
        .ok_or_else(|| ForecastError::NotEnoughData {
            reason: "q <= 1: the spend of customers without repeat purchases is unbounded".into(),
        })?;
    let d = request.discount_rate.to_f64().unwrap_or(f64::MAX);
    let u = unit.per_month();
    let (mut prev, mut discounted) = (0.0, 0.0);
    let mut factor = 1.0;
    for month in 1..=request.horizon_months {
        let e = purchases.expected_purchases(f64::from(month) * u, &o)?;
        factor /= 1.0 + d;
        discounted += (e - prev) * factor;
        prev = e;
    }
    let expected_spend = to_decimal("expected_spend", m)?;
    let value = to_decimal("clv", m * discounted)?;
    Ok(CustomerClv {
        customer_id: customer.customer_id.clone(),
        p_alive: purchases.p_alive(&o),
        expected_purchases: prev,
        expected_spend: expected_spend.normalize(),
        clv: (request.margin * value).normalize(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undiscounted_clv_is_purchases_times_spend_times_margin() {
        let bg = BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap();
        let gg = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            gamma: 15.44,
        };
        let c = CustomerSummary {
            customer_id: "1".into(),
            first_day: 0,
            frequency: 2,
            recency: 30.43,
            age: 38.86,
            mean_repeat_spend: Some("22.35".parse().unwrap()),
        };
        let req = |d: &str| ClvRequest {
            horizon_months: 12,
            discount_rate: d.parse().unwrap(),
            margin: "0.5".parse().unwrap(),
        };
        let r = customer_clv(&bg, &gg, &c, TimeUnit::Week, &req("0")).unwrap();
        let e = bg
            .expected_purchases(12.0 * TimeUnit::Week.per_month(), &c.observation())
            .unwrap();
        assert!((r.expected_purchases - e).abs() < 1e-12);
        let m = gg.expected_spend(2, 22.35).unwrap();
        let want = 0.5 * m * e;
        assert!((r.clv.to_f64().unwrap() - want).abs() < 1e-9);
        let disc = customer_clv(&bg, &gg, &c, TimeUnit::Week, &req("0.01")).unwrap();
        assert!(disc.clv < r.clv && disc.clv > r.clv * Decimal::new(88, 2));
        assert!(customer_clv(&bg, &gg, &c, TimeUnit::Week, &req("-0.1")).is_err());
    }
}
