//! The forecast endpoints, from ltv-forecast: `POST /v1/forecast/retention` (the sBG
//! retention model fitted to a cohort retention matrix), `POST /v1/forecast/purchases`
//! (BG/NBD) and `POST /v1/forecast/clv` (BG/NBD × Gamma-Gamma × margin) over a
//! transactions CSV, as `ltv forecast … --format json`.

use std::io::Read;

use axum::extract::State;
use axum::Json;
use ltv_core::Decimal;
use ltv_forecast::{
    forecast_clv, forecast_purchases, forecast_retention, histories, survivors_from_retention_csv,
    ClvReport, ClvRequest, PurchasesReport, RetentionForecast, RetentionRequest, TimeUnit,
};
use serde::Deserialize;

use super::read_query::{day, ReadQuery};
use crate::error::ApiError;
use crate::extract::{ApiQuery, CsvBody};
use crate::openapi::CsvErrors;
use crate::state::AppState;

/// Query of `POST /v1/forecast/retention`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionQuery {
    #[serde(default = "twelve")]
    periods: u32,
    #[serde(default)]
    discount_rate: Decimal,
    value_per_period: Option<Decimal>,
}

/// The CLI's default `--periods`.
fn twelve() -> u32 {
    12
}

/// Fits the shifted-beta-geometric model to the retention matrix (the CSV that
/// `ltv cohort --metric retention --format csv` writes: `cohort,size,0,1,…`) and
/// projects churn, survival, retention, expected lifetime, DEL and DERL.
#[utoipa::path(post, path = "/v1/forecast/retention", tag = "forecast",
    params(
        ("periods" = Option<u32>, Query, description = "periods to project, 1–10000; default 12"),
        ("discount_rate" = Option<String>, Query, description = "discount rate per period, >= 0; default 0"),
        ("value_per_period" = Option<String>, Query, description = "value per customer and period, turns DEL/DERL into LTVs"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The cohort retention matrix"),
    responses((status = 200, description = "Fit and projections", body = Object), CsvErrors))]
pub async fn retention(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RetentionQuery>,
    csv: CsvBody,
) -> Result<Json<RetentionForecast>, ApiError> {
    let request = RetentionRequest {
        periods: q.periods,
        discount_rate: q.discount_rate,
        value_per_period: q.value_per_period,
    };
    let report = csv
        .process(state.pool(), move |mut body| {
            let mut text = String::new();
            body.read_to_string(&mut text)
                .map_err(|e| ApiError::InvalidData {
                    message: format!("cannot read the matrix: {e}"),
                    field: None,
                    line: None,
                    column: None,
                })?;
            let cohorts = survivors_from_retention_csv(&text)?;
            Ok::<_, ApiError>(forecast_retention(&cohorts, &request)?)
        })
        .await?;
    Ok(Json(report))
}

fn week() -> TimeUnit {
    TimeUnit::Week
}

/// Query of `POST /v1/forecast/purchases`: the flags of `ltv forecast purchases`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchasesQuery {
    #[serde(flatten)]
    read: ReadQuery,
    calibration_end: String,
    holdout_end: Option<String>,
    #[serde(default = "week")]
    time_unit: TimeUnit,
}

/// Repeat purchases (BG/NBD, Fader, Hardie & Lee 2005) fitted on the orders up to
/// `calibration_end`: parameters, per-customer P(alive) and expected purchases, and
/// with `holdout_end` predicted against actual purchases after the calibration end.
#[utoipa::path(post, path = "/v1/forecast/purchases", tag = "forecast",
    params(
        ReadQuery,
        ("calibration_end" = String, Query, description = "last day of the calibration period, YYYY-MM-DD (required)"),
        ("holdout_end" = Option<String>, Query, description = "last day of the holdout period, YYYY-MM-DD"),
        ("time_unit" = Option<String>, Query, description = "`day`, `week` (default) or `month`"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The transactions file"),
    responses((status = 200, description = "Fit, customers and holdout check", body = Object), CsvErrors))]
pub async fn purchases(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PurchasesQuery>,
    csv: CsvBody,
) -> Result<Json<PurchasesReport>, ApiError> {
    let reader = q.read.reader()?;
    let calibration_end = i64::from(day("calibration_end", &q.calibration_end)?.days());
    let holdout_end = q
        .holdout_end
        .as_deref()
        .map(|t| day("holdout_end", t).map(|d| i64::from(d.days())))
        .transpose()?;
    let report = csv
        .process(state.pool(), move |body| {
            let tx = reader.read("request body", body)?;
            Ok::<_, ApiError>(forecast_purchases(
                &histories(&tx),
                calibration_end,
                holdout_end,
                q.time_unit,
            )?)
        })
        .await?;
    Ok(Json(report))
}

/// Query of `POST /v1/forecast/clv`: the flags of `ltv forecast clv`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClvQuery {
    #[serde(flatten)]
    read: ReadQuery,
    calibration_end: String,
    horizon_months: u32,
    #[serde(default)]
    discount_rate: Decimal,
    #[serde(default = "one")]
    margin: Decimal,
    #[serde(default = "week")]
    time_unit: TimeUnit,
}

fn one() -> Decimal {
    Decimal::ONE
}

/// Per-customer CLV = expected purchases (BG/NBD) × expected spend (Gamma-Gamma) ×
/// margin over `horizon_months`, each month discounted at `discount_rate` per month,
/// valued at `calibration_end`.
#[utoipa::path(post, path = "/v1/forecast/clv", tag = "forecast",
    params(
        ReadQuery,
        ("calibration_end" = String, Query, description = "the valuation date, YYYY-MM-DD (required)"),
        ("horizon_months" = u32, Query, description = "horizon in months, 1–1200 (required)"),
        ("discount_rate" = Option<String>, Query, description = "discount rate per month, >= 0; default 0"),
        ("margin" = Option<String>, Query, description = "gross margin in [0, 1]; default 1"),
        ("time_unit" = Option<String>, Query, description = "`day`, `week` (default) or `month`"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The transactions file"),
    responses((status = 200, description = "Models and per-customer CLV", body = Object), CsvErrors))]
pub async fn clv(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ClvQuery>,
    csv: CsvBody,
) -> Result<Json<ClvReport>, ApiError> {
    let reader = q.read.reader()?;
    let calibration_end = i64::from(day("calibration_end", &q.calibration_end)?.days());
    let request = ClvRequest {
        horizon_months: q.horizon_months,
        discount_rate: q.discount_rate,
        margin: q.margin,
    };
    let report = csv
        .process(state.pool(), move |body| {
            let tx = reader.read("request body", body)?;
            Ok::<_, ApiError>(forecast_clv(
                &histories(&tx),
                calibration_end,
                q.time_unit,
                &request,
            )?)
        })
        .await?;
    Ok(Json(report))
}
