//! `POST /v1/forecast/retention`: the sBG retention model fitted to a cohort retention
//! matrix, from ltv-forecast.

use std::io::Read;

use axum::extract::State;
use axum::Json;
use ltv_core::Decimal;
use ltv_forecast::{
    forecast_retention, survivors_from_retention_csv, RetentionForecast, RetentionRequest,
};
use serde::Deserialize;

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
