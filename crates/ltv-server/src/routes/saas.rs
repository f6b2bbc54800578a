//! `POST /v1/saas`: SaaS metrics (MRR movements, churn, NRR/GRR, SaaS LTV) or the
//! revenue cohort matrix from a monthly MRR CSV, as `ltv saas FILE --format json`.

use axum::extract::State;
use axum::Json;
use ltv_core::Decimal;
use ltv_saas::{
    analyze, cohorts, read_mrr, CohortMatrix, Month, MrrColumns, MrrReadOptions, SaasOptions,
    SaasReport, DEFAULT_CHURN_WINDOW,
};
use ltv_segments::{CsvFile, CsvOptions};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{ApiQuery, CsvBody};
use crate::openapi::CsvErrors;
use crate::state::AppState;

/// Query of `POST /v1/saas`: the flags of `ltv saas` (MRR input), snake_case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaasQuery {
    from: Option<Month>,
    to: Option<Month>,
    #[serde(default = "one")]
    margin: Decimal,
    #[serde(default = "default_window")]
    churn_window: u32,
    lifetime_cap: Option<u32>,
    #[serde(default)]
    cohorts: bool,
    #[serde(default)]
    sum_duplicates: bool,
    #[serde(default = "customer_col")]
    customer_col: String,
    #[serde(default = "month_col")]
    month_col: String,
    #[serde(default = "mrr_col")]
    mrr_col: String,
    plan_col: Option<String>,
    channel_col: Option<String>,
    #[serde(default)]
    delimiter: Delimiter,
    #[serde(default)]
    skip_invalid: bool,
}

fn one() -> Decimal {
    Decimal::ONE
}
fn default_window() -> u32 {
    DEFAULT_CHURN_WINDOW
}
fn customer_col() -> String {
    "customer_id".to_owned()
}
fn month_col() -> String {
    "month".to_owned()
}
fn mrr_col() -> String {
    "mrr".to_owned()
}

/// `delimiter`: [`ltv_segments::parse_delimiter`]; default `,`.
#[derive(Debug, Clone, Copy)]
struct Delimiter(u8);

impl Default for Delimiter {
    fn default() -> Self {
        Delimiter(b',')
    }
}

impl<'de> Deserialize<'de> for Delimiter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ltv_segments::parse_delimiter(&text)
            .map(Delimiter)
            .map_err(serde::de::Error::custom)
    }
}

/// `ltv saas`'s report, or with `cohorts=true` its cohort matrix.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SaasAnswer {
    /// Monthly metrics and SaaS LTV.
    Report(Box<SaasReport>),
    /// Revenue retention by start-month cohort.
    Cohorts(CohortMatrix),
}

/// Monthly MRR movements (new, expansion, contraction, churn, reactivation), logo and
/// revenue churn, NRR/GRR, ARPA and SaaS LTV from a monthly MRR CSV
/// (`customer_id,month,mrr`); with `cohorts=true`, the revenue cohort matrix instead.
#[utoipa::path(post, path = "/v1/saas", tag = "saas",
    params(
        ("from" = Option<String>, Query, description = "first month reported, YYYY-MM"),
        ("to" = Option<String>, Query, description = "last month reported, YYYY-MM"),
        ("margin" = Option<String>, Query, description = "gross margin in [0, 1] for LTV; default 1"),
        ("churn_window" = Option<u32>, Query, description = "months of trailing logo churn for LTV; default 6"),
        ("lifetime_cap" = Option<u32>, Query, description = "cap on a customer's months in LTV"),
        ("cohorts" = Option<bool>, Query, description = "answer the cohort matrix instead"),
        ("sum_duplicates" = Option<bool>, Query, description = "add up rows of the same customer and month"),
        ("customer_col" = Option<String>, Query, description = "default customer_id"),
        ("month_col" = Option<String>, Query, description = "default month"),
        ("mrr_col" = Option<String>, Query, description = "default mrr"),
        ("plan_col" = Option<String>, Query, description = "default: `plan` if present"),
        ("channel_col" = Option<String>, Query, description = "default: `channel` if present"),
        ("delimiter" = Option<String>, Query, description = "one character or `tab`; default `,`"),
        ("skip_invalid" = Option<bool>, Query, description = "skip bad rows instead of refusing the file"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The monthly MRR file"),
    responses((status = 200, description = "SaaS report or cohort matrix", body = Object), CsvErrors))]
pub async fn saas(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SaasQuery>,
    csv: CsvBody,
) -> Result<Json<SaasAnswer>, ApiError> {
    let answer = csv
        .process(state.pool(), move |body| {
            let file = CsvFile::from_reader("request body", body, q.delimiter.0)?;
            let read = MrrReadOptions {
                columns: MrrColumns {
                    customer: q.customer_col,
                    month: q.month_col,
                    mrr: q.mrr_col,
                    plan: q.plan_col,
                    channel: q.channel_col,
                },
                csv: CsvOptions {
                    skip_invalid: q.skip_invalid,
                    job: Default::default(),
                },
                sum_duplicates: q.sum_duplicates,
            };
            let (table, skipped) = read_mrr(&file, &read)?;
            let options = SaasOptions {
                from: q.from,
                to: q.to,
                margin: q.margin,
                churn_window: q.churn_window,
                lifetime_cap: q.lifetime_cap,
            };
            Ok::<_, ApiError>(if q.cohorts {
                let mut matrix = cohorts(&table, &options)?;
                matrix.skipped = skipped;
                SaasAnswer::Cohorts(matrix)
            } else {
                let mut report = analyze(&table, &options)?;
                report.skipped = skipped;
                SaasAnswer::Report(Box::new(report))
            })
        })
        .await?;
    Ok(Json(answer))
}
