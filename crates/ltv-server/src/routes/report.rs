//! The report in the server: `GET /` (the upload page), `GET /sample` (the bundled
//! sample's report) and `POST /v1/report` (a `multipart/form-data` upload → the HTML
//! report, as `ltv report`).
//!
//! A browser (`Accept: text/html`) that sends a bad upload gets the upload page back
//! with the error shown on it; an API client gets the usual JSON error.

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use ltv_core::Decimal;
use ltv_report::{
    data_from_uploads, from_uploads, upload_page, Lang, ReportOptions, Upload, Uploads,
};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::read_parts;
use crate::openapi::CsvErrors;
use crate::routes::measure_query::MeasureQuery;
use crate::routes::read_query::ReadQuery;
use crate::state::AppState;

/// `?lang=en|ja` of the pages.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

fn lang_of(raw: Option<&str>) -> Result<Lang, ApiError> {
    match raw.unwrap_or("en") {
        "en" | "" => Ok(Lang::En),
        "ja" => Ok(Lang::Ja),
        other => Err(ApiError::BadValue {
            code: "out_of_range",
            message: format!("lang must be en or ja, got {other}"),
            field: Some("lang".into()),
        }),
    }
}

/// `GET /`: the upload page.
pub async fn index(Query(q): Query<LangQuery>) -> Result<Html<String>, ApiError> {
    let lang = lang_of(q.lang.as_deref())?;
    Ok(Html(upload_page(lang, None, &[])?))
}

/// `GET /sample`: the report of the bundled sample.
pub async fn sample(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
) -> Result<Html<String>, ApiError> {
    let lang = lang_of(q.lang.as_deref())?;
    let html = state
        .pool()
        .run(move || ltv_report::sample::report(lang).and_then(|doc| doc.to_html()))
        .await?;
    Ok(Html(html))
}

/// `?format=html|json` of `POST /v1/report`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    #[serde(default)]
    format: Option<String>,
}

/// The LTV report (as `ltv report`): one self-contained HTML page, or with
/// `?format=json` the numbers of every section (`ltv report --format json`).
///
/// A `multipart/form-data` upload: file `transactions` (required; CSV), files `cac`
/// (`channel,spend[,new_customers]`, or `spend[,new_customers]` for all customers) and
/// `plan` (initiatives, TOML or `.json`; its baseline is measured from the
/// transactions), and the text fields `lang` (en, ja), `margin`, `currency` (ISO code or
/// symbol), `inactive_days`, `repeat_days`, `target_ratio`, `business` (ec, saas,
/// consulting), `horizon_months`, `discount_rate`, `as_of`, `customer_col`, `date_col`,
/// `amount_col`, `channel_col`, `date_format`, `delimiter`, `skip_invalid`, `encoding`,
/// `amount_format` (the flags of `ltv report`).
#[utoipa::path(post, path = "/v1/report", tag = "report",
    params(("format" = Option<String>, Query, description = "html (default) or json")),
    request_body(content = String, content_type = "multipart/form-data",
        description = "transactions (file, required), cac (file), plan (file), and the options as text fields"),
    responses(
        (status = 200, description = "The report", content(
            (String = "text/html"),
            (Object = "application/json"),
        )),
        CsvErrors))]
pub async fn report(State(state): State<AppState>, headers: HeaderMap, req: Request) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let json = match Query::<ReportQuery>::try_from_uri(req.uri()) {
        Ok(Query(q)) => match q.format.as_deref() {
            None | Some("html") | Some("") => false,
            Some("json") => true,
            Some(other) => {
                return ApiError::BadValue {
                    code: "out_of_range",
                    message: format!("format must be html or json, got {other}"),
                    field: Some("format".into()),
                }
                .into_response()
            }
        },
        Err(e) => {
            return ApiError::BadValue {
                code: "invalid_query",
                message: e.body_text(),
                field: None,
            }
            .into_response()
        }
    };
    if json {
        return match make_data(&state, req).await {
            Ok(data) => Json(data).into_response(),
            Err(failure) => failure.error.into_response(),
        };
    }
    match make(&state, req).await {
        Ok(html) => Html(html).into_response(),
        Err(failure) if wants_html => error_page(&failure),
        Err(failure) => failure.error.into_response(),
    }
}

/// The upload page with the error above the form and the user's options kept, under
/// the error's status.
fn error_page(failure: &Failure) -> Response {
    let message = failure.error.to_string();
    let values: Vec<(&str, &str)> = failure
        .texts
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    match upload_page(failure.lang, Some(&message), &values) {
        Ok(page) => (failure.error.status(), Html(page)).into_response(),
        Err(_) => failure.error.clone().into_response(),
    }
}

/// Why an upload failed, in the page's language, with the text fields the user sent.
struct Failure {
    lang: Lang,
    error: ApiError,
    texts: Vec<(String, String)>,
}

/// Reads the form: the uploads and the report options in the form's language, and the
/// permit on the in-flight body budget, held until the report is built.
async fn request(
    state: &AppState,
    req: Request,
) -> Result<
    (
        Uploads,
        ReportOptions,
        impl Send + 'static,
        Vec<(String, String)>,
    ),
    Failure,
> {
    let fail = |error: ApiError| Failure {
        lang: Lang::En,
        error,
        texts: Vec::new(),
    };
    let mut form = Form::default();
    let (parts, held_until_done) = read_parts(req, state).await.map_err(fail)?;
    for part in parts {
        form.add(part.name, part.file_name, part.bytes)
            .map_err(fail)?;
    }
    let lang = lang_of(form.text("lang")).map_err(fail)?;
    let texts = form.texts.clone();
    let (uploads, options) = form.into_request(lang).map_err(|error| Failure {
        lang,
        error,
        texts: texts.clone(),
    })?;
    Ok((uploads, options, held_until_done, texts))
}

async fn make(state: &AppState, req: Request) -> Result<String, Failure> {
    let (uploads, options, _held_until_done, texts) = request(state, req).await?;
    let lang = options.lang;
    state
        .pool()
        .run(move || {
            let options = ReportOptions {
                job: crate::pool::current_job(),
                ..options
            };
            from_uploads(uploads, &options).and_then(|doc| doc.to_html())
        })
        .await
        .map_err(|error| Failure { lang, error, texts })
}

async fn make_data(state: &AppState, req: Request) -> Result<ltv_report::ReportData, Failure> {
    let (uploads, options, _held_until_done, texts) = request(state, req).await?;
    let lang = options.lang;
    state
        .pool()
        .run(move || {
            let options = ReportOptions {
                job: crate::pool::current_job(),
                ..options
            };
            data_from_uploads(uploads, &options)
        })
        .await
        .map_err(|error| Failure { lang, error, texts })
}

/// The fields of the upload.
#[derive(Debug, Default)]
struct Form {
    transactions: Option<Upload>,
    cac: Option<Upload>,
    plan: Option<Upload>,
    texts: Vec<(String, String)>,
}

impl Form {
    fn add(
        &mut self,
        name: String,
        file_name: Option<String>,
        bytes: Vec<u8>,
    ) -> Result<(), ApiError> {
        let file = |bytes: Vec<u8>| -> Option<Upload> {
            // a browser sends an empty part for a file input left empty
            (!bytes.is_empty() || file_name.as_deref().is_some_and(|n| !n.is_empty())).then(|| {
                Upload {
                    name: file_name
                        .clone()
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| name.clone()),
                    bytes,
                }
            })
        };
        match name.as_str() {
            "transactions" => self.transactions = file(bytes),
            "cac" => self.cac = file(bytes),
            "plan" => self.plan = file(bytes),
            _ => {
                let text = String::from_utf8(bytes).map_err(|_| ApiError::BadValue {
                    code: "invalid_form",
                    message: format!("form field {name} is not UTF-8 text"),
                    field: Some(name.clone()),
                })?;
                self.texts.push((name, text.trim().to_owned()));
            }
        }
        Ok(())
    }

    /// A non-empty text field.
    fn text(&self, name: &str) -> Option<&str> {
        self.texts
            .iter()
            .rev()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn decimal(&self, name: &'static str) -> Result<Option<Decimal>, ApiError> {
        self.text(name)
            .map(|v| {
                ltv_core::parse_decimal(v).map_err(|e| ApiError::BadValue {
                    code: "invalid_value",
                    message: format!("{name}: {e}"),
                    field: Some(name.into()),
                })
            })
            .transpose()
    }

    fn into_request(self, lang: Lang) -> Result<(Uploads, ReportOptions), ApiError> {
        const KNOWN: [&str; 13] = [
            "encoding",
            "amount_format",
            "lang",
            "horizon_months",
            "discount_rate",
            "as_of",
            "customer_col",
            "date_col",
            "amount_col",
            "channel_col",
            "date_format",
            "delimiter",
            "skip_invalid",
        ];
        if let Some((unknown, _)) = self.texts.iter().find(|(n, _)| {
            !KNOWN.contains(&n.as_str()) && !MeasureQuery::FIELDS.contains(&n.as_str())
        }) {
            return Err(ApiError::BadValue {
                code: "unknown_field",
                message: format!(
                    "unknown form field {unknown}; the fields are transactions, cac, plan, {}, {}",
                    KNOWN.join(", "),
                    MeasureQuery::FIELDS.join(", ")
                ),
                field: Some(unknown.clone()),
            });
        }
        let measure = MeasureQuery::from_fields(|name| self.text(name)).options()?;
        let mut options = ReportOptions {
            lang,
            margin: measure.margin,
            inactive_days: measure.inactive_days,
            repeat_days: measure.repeat_days,
            target_ratio: measure.target_ratio,
            business: measure.business,
            currency: measure.currency,
            ..ReportOptions::default()
        };
        if let Some(d) = self.decimal("discount_rate")? {
            options.discount_rate = d;
        }
        if let Some(h) = self.text("horizon_months") {
            options.horizon_months = h.parse().map_err(|_| ApiError::BadValue {
                code: "invalid_value",
                message: format!("horizon_months must be a whole number of months, got '{h}'"),
                field: Some("horizon_months".into()),
            })?;
        }
        let query = ReadQuery::from_fields(|name| self.text(name))?;
        let (read, delimiter) = (query.load_options()?, query.delimiter()?);
        let encoding = query.encoding()?;
        let mut transactions = self.transactions.ok_or_else(|| ApiError::BadValue {
            code: "missing_field",
            message: "the form has no transactions file (field `transactions`)".into(),
            field: Some("transactions".into()),
        })?;
        let mut cac = self.cac;
        // auto is the readers' own; a named encoding is applied here
        if encoding != ltv_segments::Encoding::Auto {
            transactions.bytes = encoding.to_utf8(std::mem::take(&mut transactions.bytes));
            if let Some(cac) = cac.as_mut() {
                cac.bytes = encoding.to_utf8(std::mem::take(&mut cac.bytes));
            }
        }
        Ok((
            Uploads {
                transactions,
                read,
                delimiter,
                cac,
                plan: self.plan,
            },
            options,
        ))
    }
}
