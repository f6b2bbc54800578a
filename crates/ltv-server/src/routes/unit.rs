//! `POST /v1/cac` and `POST /v1/unit-economics`: the answers of `ltv cac` and
//! `ltv unit-economics --format json`.

use axum::Json;
use ltv_core::{CacReport, CacRequest, UnitEconomics, UnitEconomicsRequest};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::JsonErrors;

/// CAC = (marketing + sales cost) ÷ new customers.
#[utoipa::path(post, path = "/v1/cac", tag = "unit economics", request_body = CacRequest,
    responses((status = 200, description = "The CAC with its inputs", body = CacReport), JsonErrors))]
pub async fn cac(ApiJson(req): ApiJson<CacRequest>) -> Result<Json<CacReport>, ApiError> {
    Ok(Json(req.evaluate()?))
}

/// LTV/CAC, its band (≥ 3 healthy, 1–3 needs improvement, < 1 unprofitable) and, with
/// `arpu` (and `margin`), CAC payback in periods.
#[utoipa::path(post, path = "/v1/unit-economics", tag = "unit economics",
    request_body = UnitEconomicsRequest,
    responses((status = 200, description = "Ratio, band and payback", body = UnitEconomics), JsonErrors))]
pub async fn unit_economics(
    ApiJson(req): ApiJson<UnitEconomicsRequest>,
) -> Result<Json<UnitEconomics>, ApiError> {
    Ok(Json(req.evaluate()?))
}
