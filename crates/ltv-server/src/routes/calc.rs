//! `POST /v1/calc/{model}`: the body is the model's inputs, as `ltv calc <model>`'s
//! flags name them; the answer is `ltv calc <model> --format json`.

use axum::Json;
use ltv_core::{CalcReport, Ecommerce, General, LtvModel, Profit, Revenue, Subscription};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::JsonErrors;

/// Subscription LTV = ARPU × margin ÷ churn, optionally discounted and over a finite
/// horizon; with `cac`, LTV/CAC, band and payback.
#[utoipa::path(post, path = "/v1/calc/subscription", tag = "calc", request_body = Subscription,
    responses((status = 200, description = "LTV and unit economics", body = CalcReport), JsonErrors))]
pub async fn subscription(ApiJson(m): ApiJson<Subscription>) -> Result<Json<CalcReport>, ApiError> {
    Ok(Json(LtvModel::Subscription(m).evaluate()?))
}

/// General LTV = price × margin × frequency × lifespan.
#[utoipa::path(post, path = "/v1/calc/general", tag = "calc", request_body = General,
    responses((status = 200, description = "LTV and unit economics", body = CalcReport), JsonErrors))]
pub async fn general(ApiJson(m): ApiJson<General>) -> Result<Json<CalcReport>, ApiError> {
    Ok(Json(LtvModel::General(m).evaluate()?))
}

/// Revenue-based LTV = price × frequency × lifespan.
#[utoipa::path(post, path = "/v1/calc/revenue", tag = "calc", request_body = Revenue,
    responses((status = 200, description = "LTV and unit economics", body = CalcReport), JsonErrors))]
pub async fn revenue(ApiJson(m): ApiJson<Revenue>) -> Result<Json<CalcReport>, ApiError> {
    Ok(Json(LtvModel::Revenue(m).evaluate()?))
}

/// Profit-based LTV = price × frequency × lifespan × margin − (CAC + retention cost).
#[utoipa::path(post, path = "/v1/calc/profit", tag = "calc", request_body = Profit,
    responses((status = 200, description = "LTV and unit economics", body = CalcReport), JsonErrors))]
pub async fn profit(ApiJson(m): ApiJson<Profit>) -> Result<Json<CalcReport>, ApiError> {
    Ok(Json(LtvModel::Profit(m).evaluate()?))
}

/// E-commerce LTV = AOV × orders per year × lifespan in years.
#[utoipa::path(post, path = "/v1/calc/ecommerce", tag = "calc", request_body = Ecommerce,
    responses((status = 200, description = "LTV and unit economics", body = CalcReport), JsonErrors))]
pub async fn ecommerce(ApiJson(m): ApiJson<Ecommerce>) -> Result<Json<CalcReport>, ApiError> {
    Ok(Json(LtvModel::Ecommerce(m).evaluate()?))
}
