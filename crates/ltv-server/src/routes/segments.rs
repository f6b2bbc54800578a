//! `POST /v1/rfm`: RFM scores and segments from a transactions CSV, as
//! `ltv rfm FILE --format json`.

use std::io::Read;
use std::str::FromStr;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ltv_core::Decimal;
use ltv_segments::{
    rfm, CsvFile, CsvOptions, DateFormat, Day, LoadOptions, RfmOptions, SegmentMap,
    TransactionColumns, Transactions,
};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::{ApiQuery, CsvBody};
use crate::openapi::CsvErrors;
use crate::state::AppState;

/// Query of `POST /v1/rfm`: the flags of `ltv rfm`, snake_case. (Listed in full rather
/// than flattened: serde's `flatten` cannot read numbers and booleans from a query
/// string.)
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RfmQuery {
    #[serde(default = "customer_col")]
    customer_col: String,
    #[serde(default = "date_col")]
    date_col: String,
    #[serde(default = "amount_col")]
    amount_col: String,
    channel_col: Option<String>,
    date_format: Option<String>,
    #[serde(default = "comma")]
    delimiter: String,
    #[serde(default)]
    skip_invalid: bool,
    as_of: Option<String>,
    #[serde(default = "five")]
    bins: u32,
    r_breaks: Option<String>,
    f_breaks: Option<String>,
    m_breaks: Option<String>,
    #[serde(default = "default_map")]
    segments: String,
}

fn customer_col() -> String {
    "customer_id".to_owned()
}
fn date_col() -> String {
    "order_date".to_owned()
}
fn amount_col() -> String {
    "amount".to_owned()
}
fn comma() -> String {
    ",".to_owned()
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
    fn delimiter(&self) -> Result<u8, ApiError> {
        match self.delimiter.as_bytes() {
            b"tab" => Ok(b'\t'),
            [c] if c.is_ascii() => Ok(*c),
            _ => Err(bad_query(format!(
                "delimiter must be one ASCII character or `tab`, got '{}'",
                self.delimiter
            ))),
        }
    }

    fn load_options(&self) -> Result<LoadOptions, ApiError> {
        let as_of = match &self.as_of {
            None => None,
            Some(text) => Some(Day::from_str(text).map_err(|e| bad_query(format!("as_of: {e}")))?),
        };
        Ok(LoadOptions {
            columns: TransactionColumns {
                customer: self.customer_col.clone(),
                date: self.date_col.clone(),
                amount: self.amount_col.clone(),
                channel: self.channel_col.clone(),
            },
            date_format: DateFormat::from_option(self.date_format.as_deref()),
            csv: CsvOptions {
                skip_invalid: self.skip_invalid,
                progress: None,
            },
            as_of,
        })
    }

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
        ("customer_col" = Option<String>, Query, description = "default customer_id"),
        ("date_col" = Option<String>, Query, description = "default order_date"),
        ("amount_col" = Option<String>, Query, description = "default amount"),
        ("channel_col" = Option<String>, Query, description = "acquisition channel column"),
        ("date_format" = Option<String>, Query, description = "strftime pattern; default YYYY-MM-DD"),
        ("delimiter" = Option<String>, Query, description = "one character or `tab`; default `,`"),
        ("skip_invalid" = Option<bool>, Query, description = "skip bad rows instead of refusing the file"),
        ("as_of" = Option<String>, Query, description = "YYYY-MM-DD; default the latest order day"),
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
    let delimiter = q.delimiter()?;
    let load = q.load_options()?;
    let options = q.options()?;
    let map = SegmentMap::preset(&q.segments)?;
    let json = csv
        .process(state.pool(), move |mut body| {
            let mut bytes = Vec::new();
            body.read_to_end(&mut bytes)
                .map_err(|e| ApiError::InvalidData {
                    message: format!("cannot read the transactions file: {e}"),
                    field: None,
                    line: None,
                    column: None,
                })?;
            let tx = Transactions::load(
                &CsvFile::from_bytes("request body", bytes, delimiter)?,
                &load,
            )?;
            let report = rfm(&tx, &options, &map)?;
            // The report borrows the transactions: serialise here, on the pool.
            serde_json::to_vec(&report).map_err(|e| {
                tracing::error!(error = %e, "serialising the rfm report");
                ApiError::Internal
            })
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}
