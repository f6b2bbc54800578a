//! The segment endpoints over a transactions CSV, each answering what the CLI command
//! prints with `--format json`: `POST /v1/customers` (`ltv customers`), `POST /v1/rfm`
//! (`ltv rfm`), `POST /v1/cohorts` (`ltv cohort`), `POST /v1/channels`
//! (`ltv channels`).

use std::str::FromStr;

use axum::extract::{FromRequest, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ltv_core::Decimal;
use ltv_planner::{measure, ChannelsReport};
use ltv_segments::{
    cohorts, read_spend, rfm_table, CohortKey, CohortMatrix, CohortMetric, CsvFile,
    CustomersReport, RfmOptions, SegmentMap,
};
use serde::Deserialize;

use super::measure_query::MeasureQuery;
use super::read_query::ReadQuery;
use crate::error::ApiError;
use crate::extract::{read_parts, require_content_type, ApiQuery, CsvBody};
use crate::openapi::{CsvErrors, CsvOrFormErrors};
use crate::state::AppState;

/// Query of `POST /v1/rfm`: the flags of `ltv rfm`, snake_case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmQuery {
    #[serde(flatten)]
    read: ReadQuery,
    #[serde(default = "five")]
    bins: u32,
    r_breaks: Option<String>,
    f_breaks: Option<String>,
    m_breaks: Option<String>,
    #[serde(default = "default_map")]
    segments: String,
}

fn five() -> u32 {
    RfmOptions::default().bins
}
fn default_map() -> String {
    "default".to_owned()
}

fn bad_query(message: String) -> ApiError {
    ApiError::InvalidQuery { message }
}

impl RfmQuery {
    fn options(&self) -> Result<RfmOptions, ApiError> {
        let breaks = |name: &str, raw: &Option<String>| -> Result<Option<Vec<Decimal>>, ApiError> {
            raw.as_deref()
                .map(|list| {
                    list.split(',')
                        .map(|v| {
                            let v = v.trim();
                            Decimal::from_str(v)
                                .or_else(|_| Decimal::from_scientific(v))
                                .map_err(|_| {
                                    bad_query(format!("{name}: '{v}' is not a decimal number"))
                                })
                        })
                        .collect()
                })
                .transpose()
        };
        Ok(RfmOptions {
            bins: self.bins,
            r_breaks: breaks("r_breaks", &self.r_breaks)?,
            f_breaks: breaks("f_breaks", &self.f_breaks)?,
            m_breaks: breaks("m_breaks", &self.m_breaks)?,
        })
    }
}

/// RFM: recency, frequency and monetary scores (1..=bins, by rank or by breaks) and a
/// named segment per customer, from a transactions CSV (`customer_id,order_date,amount`).
/// `segments` is a built-in map (`default`, `rf-grid`); a server reads no file paths.
#[utoipa::path(post, path = "/v1/rfm", tag = "segments",
    params(
        ReadQuery,
        ("bins" = Option<u32>, Query, description = "score bins, 2–9; default 5"),
        ("r_breaks" = Option<String>, Query, description = "recency breaks in days, comma-separated"),
        ("f_breaks" = Option<String>, Query, description = "frequency breaks, comma-separated"),
        ("m_breaks" = Option<String>, Query, description = "monetary breaks, comma-separated"),
        ("segments" = Option<String>, Query, description = "`default` or `rf-grid`"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The transactions file"),
    responses((status = 200, description = "RFM scores and segments", body = Object), CsvErrors))]
pub async fn rfm_scores(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<RfmQuery>,
    csv: CsvBody,
) -> Result<Response, ApiError> {
    let reader = q.read.reader()?;
    let options = q.options()?;
    let map = SegmentMap::preset(&q.segments)?;
    let json = csv
        .process(state.pool(), move |body| {
            let table = reader.table("request body", body)?;
            let report = rfm_table(&table, &options, &map)?;
            // The report borrows the table: serialise here, on the pool.
            serde_json::to_vec(&report).map_err(|e| {
                tracing::error!(error = %e, "serialising the rfm report");
                ApiError::Internal
            })
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// Query of `POST /v1/customers`: the reading flags of `ltv customers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomersQuery {
    #[serde(flatten)]
    read: ReadQuery,
}

/// Per customer: first and last order, orders, frequency (distinct order days − 1),
/// monetary total and mean, recency and tenure in days, channel; from a transactions
/// CSV (`customer_id,order_date,amount`).
#[utoipa::path(post, path = "/v1/customers", tag = "segments",
    params(ReadQuery),
    request_body(content = String, content_type = "text/csv", description = "The transactions file"),
    responses((status = 200, description = "The as-of day and one summary per customer", body = Object), CsvErrors))]
pub async fn customers(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CustomersQuery>,
    csv: CsvBody,
) -> Result<Json<CustomersReport>, ApiError> {
    let reader = q.read.reader()?;
    let report = csv
        .process(state.pool(), move |body| {
            let table = reader.table("request body", body)?;
            Ok::<_, ApiError>(CustomersReport::of_table(&table))
        })
        .await?;
    Ok(Json(report))
}

/// Query of `POST /v1/cohorts`: the flags of `ltv cohort`, snake_case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortsQuery {
    #[serde(flatten)]
    read: ReadQuery,
    #[serde(default = "by_month")]
    by: CohortKey,
    #[serde(default = "retention")]
    metric: CohortMetric,
}

fn by_month() -> CohortKey {
    CohortKey::Month
}
fn retention() -> CohortMetric {
    CohortMetric::Retention
}

/// The cohort matrix: customers grouped by the month, week or quarter of their first
/// order (or by acquisition channel), one cell per period since: the share retained,
/// the revenue, the cumulative revenue per customer, or the share still active.
#[utoipa::path(post, path = "/v1/cohorts", tag = "segments",
    params(
        ReadQuery,
        ("by" = Option<String>, Query, description = "`month` (default), `week`, `quarter` or `channel`"),
        ("metric" = Option<String>, Query, description = "`retention` (default), `revenue`, `ltv` or `survival`"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The transactions file"),
    responses((status = 200, description = "The cohort matrix", body = Object), CsvErrors))]
pub async fn cohort_matrix(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CohortsQuery>,
    csv: CsvBody,
) -> Result<Json<CohortMatrix>, ApiError> {
    let reader = q.read.reader()?;
    let matrix = csv
        .process(state.pool(), move |body| {
            let tx = reader.read("request body", body)?;
            Ok::<_, ApiError>(cohorts(&tx, q.by, q.metric)?)
        })
        .await?;
    Ok(Json(matrix))
}

/// Query of `POST /v1/channels`: the flags of `ltv channels` but `--cac` (a file,
/// sent as a part of a multipart upload), snake_case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelsQuery {
    #[serde(flatten)]
    read: ReadQuery,
    #[serde(default = "twelve")]
    horizon_months: u32,
    #[serde(flatten)]
    measure: MeasureQuery,
}

fn twelve() -> u32 {
    12
}

fn is_channels_body(mime: &str) -> bool {
    matches!(mime, "text/csv" | "multipart/form-data")
}

/// Per acquisition channel on the headline's basis (as `ltv channels`): customers, the
/// gross-margin LTV over the expected lifespan with the channel's own drivers, and with
/// acquisition spend its CAC, LTV/CAC, band, maximum affordable CAC and payback; the
/// revenue view (revenue per customer, revenue over the first `horizon_months`) is never
/// banded. The body is the transactions CSV (`text/csv`), or a `multipart/form-data`
/// upload with the file `transactions` and, optionally, the file `cac`
/// (`channel,spend[,new_customers]`, or `spend[,new_customers]` for all customers).
#[utoipa::path(post, path = "/v1/channels", tag = "segments",
    params(
        ReadQuery,
        ("horizon_months" = Option<u32>, Query, description = "months of the revenue view; default 12"),
        MeasureQuery,
    ),
    request_body(description = "The transactions file, or a form with the files `transactions` and `cac`",
        content(
            (String = "text/csv"),
            (String = "multipart/form-data"),
        )),
    responses((status = 200, description = "Channel economics", body = Object), CsvOrFormErrors))]
pub async fn channels(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChannelsQuery>,
    req: Request,
) -> Result<Json<ChannelsReport>, ApiError> {
    let reader = q.read.reader()?;
    let mut options = q.measure.options()?;
    options.horizon_months = q.horizon_months;
    require_content_type(&req, "text/csv or multipart/form-data", is_channels_body)?;
    if require_content_type(&req, "text/csv", |m| m == "text/csv").is_ok() {
        let csv = CsvBody::from_request(req, &state).await?;
        let report = csv
            .process(state.pool(), move |body| {
                let tx = reader.read("request body", body)?;
                Ok::<_, ApiError>(measure(&tx, None, &options)?.channels_report())
            })
            .await?;
        return Ok(Json(report));
    }
    let mut transactions = None;
    let mut cac = None;
    for part in read_parts(req, &state).await? {
        match part.name.as_str() {
            "transactions" => transactions = Some(part.bytes),
            // a browser sends an empty part for a file input left empty
            "cac" => cac = (!part.bytes.is_empty()).then_some(part.bytes),
            other => {
                return Err(ApiError::BadValue {
                    code: "unknown_field",
                    message: format!(
                        "unknown form field {other}; the fields are transactions and cac (options go in the query)"
                    ),
                    field: Some(other.to_owned()),
                })
            }
        }
    }
    let transactions = transactions.ok_or_else(|| ApiError::BadValue {
        code: "missing_field",
        message: "the form has no transactions file (field `transactions`)".into(),
        field: Some("transactions".into()),
    })?;
    let report = state
        .pool()
        .run(move || {
            let spend = match cac {
                Some(bytes) => Some(read_spend(&CsvFile::from_bytes("cac", bytes, b',')?)?),
                None => None,
            };
            let tx = reader.load("transactions", transactions)?;
            Ok::<_, ApiError>(measure(&tx, spend.as_ref(), &options)?.channels_report())
        })
        .await?;
    Ok(Json(report))
}
