//! `POST /v1/snapshots` (an orders file → a stored snapshot, as `ltv backlog snapshot`)
//! and `GET /v1/snapshots`.

use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::Json;
use ltv_planner::MeasuredBaseline;
use ltv_segments::{read_spend, CsvFile};
use ltv_store::{Snapshot, SnapshotKpis};
use serde::Deserialize;

use super::measure_query::MeasureQuery;
use super::read_query::ReadQuery;
use crate::auth::{store, Editor, Reader};
use crate::error::ApiError;
use crate::extract::{read_parts, require_content_type, ApiQuery, CsvBody};
use crate::openapi::{CsvOrFormErrors, ReadErrors};
use crate::state::AppState;

/// Query of `POST /v1/snapshots`: the reading and measuring flags of `ltv backlog
/// snapshot`, snake_case, and the data's name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotQuery {
    #[serde(flatten)]
    read: ReadQuery,
    #[serde(flatten)]
    measure: MeasureQuery,
    /// The data's name (a snapshot replaces the one of the same name and as-of date).
    source: Option<String>,
}

/// The form of `POST /v1/snapshots` (for the OpenAPI document; the handler reads the
/// parts as they stream).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SnapshotForm {
    /// The orders CSV: `customer_id`, `order_date`, `amount`, optionally `channel`.
    #[schema(value_type = String, format = Binary)]
    transactions: Vec<u8>,
    /// Acquisition spend per channel (`channel,spend[,new_customers]`), for LTV/CAC.
    #[schema(value_type = Option<String>, format = Binary)]
    cac: Option<Vec<u8>>,
}

/// The data's name as a snapshot records it: the last part of a path (a file name has
/// no directories), at most 200 characters; `upload` when there is none.
fn source_name(raw: Option<&str>) -> String {
    let name = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    if name.is_empty() {
        return "upload".to_owned();
    }
    name.chars().take(200).collect()
}

fn is_snapshot_body(mime: &str) -> bool {
    matches!(mime, "text/csv" | "multipart/form-data")
}

/// Measures an orders file and stores the result as a snapshot (`ltv backlog snapshot
/// --format json`): the headline drivers, LTV and unit economics, per channel, with the
/// planner baseline the backlog ranks on. A snapshot of the same data name and as-of
/// date replaces the earlier one (the audit log keeps its numbers). The body is the
/// orders CSV (`text/csv`), or a `multipart/form-data` upload with the file
/// `transactions` and, optionally, the file `cac` (`channel,spend[,new_customers]`).
/// Needs an editor token.
#[utoipa::path(post, path = "/v1/snapshots", tag = "backlog",
    params(
        ReadQuery,
        MeasureQuery,
        ("source" = Option<String>, Query, description = "the data's name; default the uploaded file's name, else `upload`"),
    ),
    security(("bearer" = [])),
    request_body(description = "The orders file, or a form with the files `transactions` and `cac`",
        content(
            (String = "text/csv"),
            (SnapshotForm = "multipart/form-data"),
        )),
    responses(
        (status = 201, description = "The stored snapshot", body = Snapshot),
        (status = 401, description = "No token, or an unknown or revoked one", body = crate::ErrorBody),
        (status = 403, description = "The token is a viewer's", body = crate::ErrorBody),
        CsvOrFormErrors))]
pub async fn create(
    State(state): State<AppState>,
    Editor(token): Editor,
    ApiQuery(q): ApiQuery<SnapshotQuery>,
    req: Request,
) -> Result<(StatusCode, Json<Snapshot>), ApiError> {
    let store = store(&state)?;
    let reader = q.read.reader()?;
    let options = q.measure.options()?;
    require_content_type(&req, "text/csv or multipart/form-data", is_snapshot_body)?;
    let measured: MeasuredBaseline = if require_content_type(&req, "text/csv", |m| m == "text/csv")
        .is_ok()
    {
        let source = source_name(q.source.as_deref());
        let csv = CsvBody::from_request(req, &state).await?;
        csv.process(state.pool(), move |body| {
            let tx = reader.read(&source, body)?;
            Ok::<_, ApiError>(ltv_planner::measure(&tx, None, &options)?)
        })
        .await?
    } else {
        let mut transactions = None;
        let mut cac = None;
        let (parts, _held_until_done) = read_parts(req, &state).await?;
        for part in parts {
            match part.name.as_str() {
                    "transactions" => transactions = Some((part.file_name, part.bytes)),
                    // a browser sends an empty part for a file input left empty
                    "cac" => cac = (!part.bytes.is_empty()).then_some(part.bytes),
                    other => {
                        return Err(ApiError::BadValue {
                            code: "unknown_field",
                            message: format!(
                                "unknown form field {}; the fields are transactions and cac (options go in the query)",
                                crate::error::clip(other)
                            ),
                            field: Some(crate::error::clip(other).into_owned()),
                        })
                    }
                }
        }
        let (file_name, bytes) = transactions.ok_or_else(|| ApiError::BadValue {
            code: "missing_field",
            message: "the form has no transactions file (field `transactions`)".into(),
            field: Some("transactions".into()),
        })?;
        let source = source_name(q.source.as_deref().or(file_name.as_deref()));
        state
            .pool()
            .run(move || {
                let spend = match cac {
                    Some(bytes) => Some(read_spend(&CsvFile::from_bytes("cac", bytes, b',')?)?),
                    None => None,
                };
                let tx = reader.load(&source, bytes)?;
                Ok::<_, ApiError>(ltv_planner::measure(&tx, spend.as_ref(), &options)?)
            })
            .await?
    };
    let snapshot = store
        .add_snapshot(&SnapshotKpis::from(&measured), &token.name)
        .await?;
    Ok((StatusCode::CREATED, Json(snapshot)))
}

/// Every snapshot, by as-of date: the KPI time series of the loop.
#[utoipa::path(get, path = "/v1/snapshots", tag = "backlog",
    security((), ("bearer" = [])),
    responses((status = 200, description = "The snapshots", body = Vec<Snapshot>), ReadErrors))]
pub async fn list(
    State(state): State<AppState>,
    _: Reader,
) -> Result<Json<Vec<Snapshot>>, ApiError> {
    Ok(Json(store(&state)?.snapshots().await?))
}
