//! `POST /v1/health`: customer health scores with reasons, the model, the backtest and
//! NPS from usage events and optional outcomes, as `ltv health --format json`.
//!
//! The query is `ltv_health::HealthOptions` itself (the flags of `ltv health`,
//! snake_case), so the server and the CLI cannot differ in defaults or ranges. The body
//! is the usage CSV (`text/csv`, default weights), or a `multipart/form-data` upload
//! with the file `usage` and at most one of `mrr` (MRR per customer and month) and
//! `churned` (`customer_id,churn_date`).

use axum::extract::{FromRequest, Request, State};
use axum::Json;
use ltv_health::{health as assess, HealthOptions, HealthReport, OutcomeFile};
use ltv_segments::CsvFile;

use crate::error::ApiError;
use crate::extract::{read_parts, require_content_type, ApiQuery, CsvBody};
use crate::openapi::CsvOrFormErrors;
use crate::state::AppState;

fn is_health_body(mime: &str) -> bool {
    matches!(mime, "text/csv" | "multipart/form-data")
}

fn bad_form(code: &'static str, message: String, field: &str) -> ApiError {
    ApiError::BadValue {
        code,
        message,
        field: Some(field.to_owned()),
    }
}

/// Customer health: a 0–100 score, a band (healthy, watch, at risk) and the top three
/// reasons in words for every current customer, from usage events
/// (`customer_id,date,metric,value`, summed per month). With outcomes the weights are
/// learned (L2-regularised logistic regression of churn within `horizon_months`, on
/// months whose outcomes are known); without them the default weights are used and the
/// answer says so. `backtest=true` adds AUC, lift and calibration beside the default
/// weights and the naive "usage fell last month". NPS overall, by month and segment.
///
/// The body is the usage CSV (`text/csv`), or a `multipart/form-data` upload with the
/// file `usage` and optionally `mrr` (the MRR file of `/v1/saas`) or `churned`
/// (`customer_id,churn_date`).
#[utoipa::path(post, path = "/v1/health", tag = "health",
    params(HealthOptions),
    request_body(description = "The usage CSV, or a form with the files `usage` and `mrr` or `churned`",
        content(
            (String = "text/csv"),
            (String = "multipart/form-data"),
        )),
    responses((status = 200, description = "Scores, reasons, model, backtest and NPS", body = HealthReport), CsvOrFormErrors))]
pub async fn health(
    State(state): State<AppState>,
    ApiQuery(options): ApiQuery<HealthOptions>,
    req: Request,
) -> Result<Json<HealthReport>, ApiError> {
    options.validate()?;
    require_content_type(&req, "text/csv or multipart/form-data", is_health_body)?;
    let delimiter = options.delimiter;
    if require_content_type(&req, "text/csv", |m| m == "text/csv").is_ok() {
        let csv = CsvBody::from_request(req, &state).await?;
        let report = csv
            .process(state.pool(), move |mut body| {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut body, &mut bytes).map_err(|e| {
                    ApiError::InvalidData {
                        message: format!("cannot read the usage file: {e}"),
                        field: None,
                        line: None,
                        column: None,
                    }
                })?;
                let usage = CsvFile::from_bytes("usage", bytes, delimiter)?;
                Ok::<_, ApiError>(assess(&usage, None, &options)?)
            })
            .await?;
        return Ok(Json(report));
    }
    let (mut usage, mut mrr, mut churned) = (None, None, None);
    // the permit holds the uploaded bytes against the in-flight body budget until done
    let (parts, _held_until_done) = read_parts(req, &state).await?;
    for part in parts {
        let slot = match part.name.as_str() {
            "usage" => &mut usage,
            "mrr" => &mut mrr,
            "churned" => &mut churned,
            other => {
                return Err(bad_form(
                    "unknown_field",
                    format!(
                        "unknown form field {other}; the fields are usage, mrr and churned (options go in the query)"
                    ),
                    other,
                ))
            }
        };
        if slot.is_some() {
            return Err(bad_form(
                "repeated_field",
                format!("the form has the file {} twice", part.name),
                &part.name,
            ));
        }
        // a browser sends an empty part for a file input left empty
        *slot = (!part.bytes.is_empty()).then_some(part.bytes);
    }
    let usage = usage.ok_or_else(|| {
        bad_form(
            "missing_field",
            "the form has no usage file (field `usage`)".into(),
            "usage",
        )
    })?;
    if mrr.is_some() && churned.is_some() {
        return Err(bad_form(
            "invalid_value",
            "send either an mrr file or a churned file, not both".into(),
            "churned",
        ));
    }
    let report = state
        .pool()
        .run(move || {
            let usage = CsvFile::from_bytes("usage", usage, delimiter)?;
            let outcomes = match (mrr, churned) {
                (Some(bytes), _) => Some(OutcomeFile::Mrr(CsvFile::from_bytes(
                    "mrr", bytes, delimiter,
                )?)),
                (None, Some(bytes)) => Some(OutcomeFile::Churned(CsvFile::from_bytes(
                    "churned", bytes, delimiter,
                )?)),
                (None, None) => None,
            };
            Ok::<_, ApiError>(assess(&usage, outcomes.as_ref(), &options)?)
        })
        .await?;
    Ok(Json(report))
}
