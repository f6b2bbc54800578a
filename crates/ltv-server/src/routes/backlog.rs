//! The backlog API (`--db URL`): the shared initiative backlog of `ltv backlog`, with
//! the same JSON documents as `ltv backlog … --format json`.
//!
//! Reads are open (or need a token under `--require-auth`); changes need an editor
//! token, deletions an admin token; the audit log names the token. A change of an
//! initiative needs `If-Match` with its `ETag`, so a stale write is 412 instead of a
//! silent overwrite. Every rule (lifecycle, ranges, ranking, measurement) is
//! ltv-store's; a handler maps the request to one store call.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ltv_core::Decimal;
use ltv_planner::{Lang, PlanOptions, ScoreMode, Team};
use ltv_store::{
    Backlog, Board, Filter, History, Initiative, InitiativeKey, InitiativePatch, MeasureOptions,
    Measurement, MoveRequest, NewInitiative, RateRequest, Status,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{store, Admin, Editor, Reader};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, IfMatch};
use crate::openapi::{ChangeErrors, ReadErrors};
use crate::state::AppState;

/// An initiative's id from the path; anything but a positive whole number is an
/// unknown initiative (404).
#[derive(Debug, Clone, Copy)]
pub struct InitiativeId(pub i64);

impl FromRequestParts<AppState> for InitiativeId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::InvalidQuery {
                message: crate::error::clip(&e.body_text()).into_owned(),
            })?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(InitiativeId)
            .ok_or_else(|| ApiError::Unknown {
                code: "unknown_initiative",
                message: format!(
                    "unknown initiative #{}: ids are positive whole numbers",
                    crate::error::clip(&raw)
                ),
            })
    }
}

/// An initiative with its `ETag`.
fn tagged(status: StatusCode, i: Initiative) -> Response {
    let mut response = (status, Json(&i)).into_response();
    if let Ok(tag) = HeaderValue::from_str(&i.etag()) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// Query of `GET /v1/backlog`: the filters and ranking options of `ltv backlog list`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// statuses, comma-separated: idea, approved, running, done, dropped, `open`
    /// (idea, approved, running) or `all` (default)
    status: Option<String>,
    /// only this team (marketing, sales, cs, product, executive or any name)
    team: Option<String>,
    /// `ice` (default), `ice-mean` or `rice`
    #[param(value_type = Option<String>)]
    mode: Option<ScoreMode>,
    /// months of the ROI cases, 1–600; default 36
    horizon_months: Option<u32>,
    /// annual discount rate, >= 0; default 0.10
    #[param(value_type = Option<String>)]
    discount_rate: Option<Decimal>,
    /// language of the summary: `en` (default) or `ja`
    #[param(value_type = Option<String>)]
    lang: Option<Lang>,
}

impl ListQuery {
    fn options(&self) -> PlanOptions {
        let d = PlanOptions::default();
        PlanOptions {
            mode: self.mode.unwrap_or(d.mode),
            horizon_months: self.horizon_months.unwrap_or(d.horizon_months),
            discount_rate: self.discount_rate.unwrap_or(d.discount_rate),
            lang: self.lang.unwrap_or(d.lang),
        }
    }
}

/// The backlog ranked exactly as `ltv plan` ranks, with each initiative's model impact,
/// payback and ROI on the latest snapshot (`ltv backlog list --format json`).
#[utoipa::path(get, path = "/v1/backlog", tag = "backlog", params(ListQuery),
    security((), ("bearer" = [])),
    responses((status = 200, description = "The ranked backlog", body = Backlog), ReadErrors))]
pub async fn list(
    State(state): State<AppState>,
    _: Reader,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Backlog>, ApiError> {
    let filter = Filter {
        statuses: Status::parse_filter(q.status.as_deref().unwrap_or(""))?,
        team: q.team.as_deref().map(Team::parse),
    };
    Ok(Json(store(&state)?.backlog(&filter, &q.options()).await?))
}

/// Adds an initiative (status `idea`, version 1). Answers 201 with `Location` and
/// `ETag`. Needs an editor token.
#[utoipa::path(post, path = "/v1/backlog", tag = "backlog",
    security(("bearer" = [])),
    request_body = NewInitiative,
    responses(
        (status = 201, description = "Created", body = Initiative, headers(
            ("Location" = String, description = "/v1/backlog/{id}"),
            ("ETag" = String, description = "\"ID-VERSION\", for If-Match"))),
        ChangeErrors))]
pub async fn create(
    State(state): State<AppState>,
    Editor(token): Editor,
    ApiJson(new): ApiJson<NewInitiative>,
) -> Result<Response, ApiError> {
    let added = store(&state)?.add(new, &token.name).await?;
    let location = format!("/v1/backlog/{}", added.id);
    let mut response = tagged(StatusCode::CREATED, added);
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// One initiative with the latest rating of each rater, and its `ETag`.
#[utoipa::path(get, path = "/v1/backlog/{id}", tag = "backlog",
    params(("id" = i64, Path, description = "the initiative's id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The initiative", body = Initiative, headers(
            ("ETag" = String, description = "\"ID-VERSION\", for If-Match"))),
        ReadErrors))]
pub async fn get_one(
    State(state): State<AppState>,
    _: Reader,
    InitiativeId(id): InitiativeId,
) -> Result<Response, ApiError> {
    let i = store(&state)?.get(&InitiativeKey::Id(id)).await?;
    Ok(tagged(StatusCode::OK, i))
}

/// Changes fields of an initiative (only those sent; `"target": null` removes the
/// target). Needs an editor token and `If-Match`.
#[utoipa::path(patch, path = "/v1/backlog/{id}", tag = "backlog",
    params(
        ("id" = i64, Path, description = "the initiative's id"),
        ("If-Match" = String, Header, description = "the initiative's ETag, or `*`"),
    ),
    security(("bearer" = [])),
    request_body = InitiativePatch,
    responses(
        (status = 200, description = "The changed initiative", body = Initiative, headers(
            ("ETag" = String, description = "the new ETag"))),
        ChangeErrors))]
pub async fn update(
    State(state): State<AppState>,
    Editor(token): Editor,
    InitiativeId(id): InitiativeId,
    if_match: IfMatch,
    ApiJson(patch): ApiJson<InitiativePatch>,
) -> Result<Response, ApiError> {
    let expected = if_match.version_of(id)?;
    let i = store(&state)?
        .update(&InitiativeKey::Id(id), &patch, expected, &token.name)
        .await?;
    Ok(tagged(StatusCode::OK, i))
}

/// Deletes an initiative and its ratings; the audit log keeps its history. Needs an
/// admin token and `If-Match`.
#[utoipa::path(delete, path = "/v1/backlog/{id}", tag = "backlog",
    params(
        ("id" = i64, Path, description = "the initiative's id"),
        ("If-Match" = String, Header, description = "the initiative's ETag, or `*`"),
    ),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), ChangeErrors))]
pub async fn delete(
    State(state): State<AppState>,
    Admin(token): Admin,
    InitiativeId(id): InitiativeId,
    if_match: IfMatch,
) -> Result<StatusCode, ApiError> {
    let expected = if_match.version_of(id)?;
    store(&state)?
        .delete(&InitiativeKey::Id(id), expected, &token.name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a rating: ICE (`impact`, `confidence`, `ease`, 1–10 or low/likely/high)
/// or RICE (`method: "rice"`, `reach`, `impact`, `confidence`, `effort`), by `rater`
/// (default: the token's name). The latest rating of each rater counts. Needs an
/// editor token and `If-Match`.
#[utoipa::path(post, path = "/v1/backlog/{id}/ratings", tag = "backlog",
    params(
        ("id" = i64, Path, description = "the initiative's id"),
        ("If-Match" = String, Header, description = "the initiative's ETag, or `*`"),
    ),
    security(("bearer" = [])),
    request_body = RateRequest,
    responses(
        (status = 200, description = "The rated initiative", body = Initiative, headers(
            ("ETag" = String, description = "the new ETag"))),
        ChangeErrors))]
pub async fn rate(
    State(state): State<AppState>,
    Editor(token): Editor,
    InitiativeId(id): InitiativeId,
    if_match: IfMatch,
    ApiJson(request): ApiJson<RateRequest>,
) -> Result<Response, ApiError> {
    let expected = if_match.version_of(id)?;
    let store = store(&state)?;
    let key = InitiativeKey::Id(id);
    // the name, for the messages of a bad score; the version check is the rating's own
    let name = store.get(&key).await?.fields.name;
    let scores = request.scores(&name)?;
    let rater = request.rater.as_deref().unwrap_or(&token.name);
    let i = store
        .rate(&key, rater, &scores, expected, &token.name)
        .await?;
    Ok(tagged(StatusCode::OK, i))
}

/// Moves an initiative along `idea → approved → running → done | dropped`; `date`
/// (default today) is the start date of `running`, the end date of `done` and
/// `dropped`. Needs an editor token and `If-Match`.
#[utoipa::path(post, path = "/v1/backlog/{id}/status", tag = "backlog",
    params(
        ("id" = i64, Path, description = "the initiative's id"),
        ("If-Match" = String, Header, description = "the initiative's ETag, or `*`"),
    ),
    security(("bearer" = [])),
    request_body = MoveRequest,
    responses(
        (status = 200, description = "The moved initiative", body = Initiative, headers(
            ("ETag" = String, description = "the new ETag"))),
        ChangeErrors))]
pub async fn move_to(
    State(state): State<AppState>,
    Editor(token): Editor,
    InitiativeId(id): InitiativeId,
    if_match: IfMatch,
    ApiJson(request): ApiJson<MoveRequest>,
) -> Result<Response, ApiError> {
    let expected = if_match.version_of(id)?;
    let i = store(&state)?
        .move_to(
            &InitiativeKey::Id(id),
            request.to,
            request.date_or_today(),
            expected,
            &token.name,
        )
        .await?;
    Ok(tagged(StatusCode::OK, i))
}

/// Every rating and every change of an initiative: who, when, what, before → after
/// (`ltv backlog history --format json`).
#[utoipa::path(get, path = "/v1/backlog/{id}/history", tag = "backlog",
    params(("id" = i64, Path, description = "the initiative's id")),
    security((), ("bearer" = [])),
    responses((status = 200, description = "Ratings and changes", body = History), ReadErrors))]
pub async fn history(
    State(state): State<AppState>,
    _: Reader,
    InitiativeId(id): InitiativeId,
) -> Result<Json<History>, ApiError> {
    Ok(Json(store(&state)?.history(&InitiativeKey::Id(id)).await?))
}

/// Query of the measurement.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MeasurementQuery {
    /// annual discount rate of the ROI so far, >= 0; default 0.10
    #[param(value_type = Option<String>)]
    discount_rate: Option<Decimal>,
}

/// The measurement of a running or done initiative: planned vs actual change of its
/// driver between snapshots, difference in differences for a target channel, LTV and
/// ROI so far, and plain statements (English and Japanese) when the data cannot tell
/// yet (`ltv backlog measure --format json`). 409 `unavailable` for an initiative that
/// is not running or done.
#[utoipa::path(get, path = "/v1/backlog/{id}/measurement", tag = "backlog",
    params(("id" = i64, Path, description = "the initiative's id"), MeasurementQuery),
    security((), ("bearer" = [])),
    responses((status = 200, description = "The measurement", body = Measurement), ReadErrors))]
pub async fn measurement(
    State(state): State<AppState>,
    _: Reader,
    InitiativeId(id): InitiativeId,
    ApiQuery(q): ApiQuery<MeasurementQuery>,
) -> Result<Json<Measurement>, ApiError> {
    let mut options = MeasureOptions::default();
    if let Some(rate) = q.discount_rate {
        options.discount_rate = rate;
    }
    Ok(Json(
        store(&state)?
            .measure(&InitiativeKey::Id(id), &options)
            .await?,
    ))
}

/// The board: columns by status and team, the KPI trend from the snapshots, the
/// measured initiatives and each rater's calibration (`ltv backlog board --format
/// json`).
#[utoipa::path(get, path = "/v1/board", tag = "backlog",
    security((), ("bearer" = [])),
    responses((status = 200, description = "The board", body = Board), ReadErrors))]
pub async fn board(State(state): State<AppState>, _: Reader) -> Result<Json<Board>, ApiError> {
    Ok(Json(store(&state)?.board(&PlanOptions::default()).await?))
}
