//! `POST /v1/levers`, `POST /v1/plan`, `POST /v1/roi`: driver sensitivity, the ranked
//! initiative backlog and one initiative's ROI case, from ltv-planner.
//!
//! The request and report types are ltv-planner's; until that crate derives
//! `utoipa::ToSchema` (an `openapi` feature like ltv-core's), the OpenAPI document
//! describes these bodies as objects and points to docs/api.md.

use axum::extract::State;
use axum::Json;
use ltv_core::Decimal;
use ltv_planner::{
    Baseline, Lang, LeversReport, PlanError, PlanFile, PlanOptions, PlanReport, RoiOptions,
    RoiReport, Scenario,
};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Document, DocumentFormat};
use crate::openapi::JsonErrors;
use crate::state::AppState;

/// Each driver of the baseline moved by its standard step (+10 % ARPU, −1 point churn,
/// …), ranked by its effect on LTV/CAC (or LTV without a CAC). The body is a baseline:
/// `{"model": "subscription", "arpu": …, "churn": …, …}`.
#[utoipa::path(post, path = "/v1/levers", tag = "plan",
    request_body(content = Object, description = "A baseline, tagged by `model` (see docs/api.md)"),
    responses((status = 200, description = "Levers ranked by impact", body = Object), JsonErrors))]
pub async fn levers(ApiJson(baseline): ApiJson<Baseline>) -> Result<Json<LeversReport>, ApiError> {
    Ok(Json(ltv_planner::levers(&baseline)?))
}

/// The initiatives file's backlog ranked by ICE or RICE score, each with its ROI case.
/// Body: the initiatives file, JSON (`application/json`) or TOML (`application/toml`).
#[utoipa::path(post, path = "/v1/plan", tag = "plan",
    params(
        ("mode" = Option<String>, Query, description = "`ice` (default) or `rice`"),
        ("horizon_months" = Option<u32>, Query, description = "months of the ROI cases, 1–600; default 36"),
        ("discount_rate" = Option<String>, Query, description = "annual discount rate, >= 0; default 0.10"),
        ("lang" = Option<String>, Query, description = "summary language, `en` (default) or `ja`"),
    ),
    request_body(content = Object, description = "The initiatives file (JSON, or TOML with Content-Type: application/toml)"),
    responses((status = 200, description = "The ranked plan", body = Object), JsonErrors))]
pub async fn plan(
    State(state): State<AppState>,
    ApiQuery(options): ApiQuery<PlanOptions>,
    file: Document,
) -> Result<Json<PlanReport>, ApiError> {
    let report = state
        .pool()
        .run(move || ltv_planner::plan(&plan_file(&file)?, &options))
        .await?;
    Ok(Json(report))
}

/// Query of `POST /v1/roi`: the initiative and the options of its ROI case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoiQuery {
    initiative: String,
    horizon_months: Option<u32>,
    discount_rate: Option<Decimal>,
    scenario: Option<Scenario>,
    lang: Option<Lang>,
}

/// One initiative's ROI case: the month-by-month simulation, NPV, payback and verdict.
/// Body: the initiatives file, JSON or TOML.
#[utoipa::path(post, path = "/v1/roi", tag = "plan",
    params(
        ("initiative" = String, Query, description = "the initiative's name"),
        ("horizon_months" = Option<u32>, Query, description = "months to simulate, 1–600; default 36"),
        ("discount_rate" = Option<String>, Query, description = "annual discount rate, >= 0; default 0.10"),
        ("scenario" = Option<String>, Query, description = "`low`, `likely` (default) or `high`"),
        ("lang" = Option<String>, Query, description = "summary language, `en` (default) or `ja`"),
    ),
    request_body(content = Object, description = "The initiatives file (JSON, or TOML with Content-Type: application/toml)"),
    responses((status = 200, description = "The ROI case", body = Object), JsonErrors))]
pub async fn roi(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RoiQuery>,
    file: Document,
) -> Result<Json<RoiReport>, ApiError> {
    let defaults = RoiOptions::default();
    let options = RoiOptions {
        horizon_months: q.horizon_months.unwrap_or(defaults.horizon_months),
        discount_rate: q.discount_rate.unwrap_or(defaults.discount_rate),
        scenario: q.scenario.unwrap_or(defaults.scenario),
        lang: q.lang.unwrap_or(defaults.lang),
    };
    let report = state
        .pool()
        .run(move || ltv_planner::roi_of(&plan_file(&file)?, &q.initiative, &options))
        .await?;
    Ok(Json(report))
}

fn plan_file(doc: &Document) -> Result<PlanFile, PlanError> {
    match doc.format {
        DocumentFormat::Json => PlanFile::from_json_str(&doc.text),
        DocumentFormat::Toml => PlanFile::from_toml_str(&doc.text),
    }
}
