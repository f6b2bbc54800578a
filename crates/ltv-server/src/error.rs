//! The one error type of the service and its JSON shape:
//! `{"error": {"code": "...", "message": "...", "field": "..."}}`.
//!
//! Every failure a client can see goes through [`ApiError`]: library errors (via
//! `From`), rejected JSON, wrong content types, bodies over the limit, unknown routes,
//! a full heavy-job pool, timeouts and panics. A 5xx body is generic; its detail goes
//! to the log only.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ltv_core::CoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Most bytes of a client's input an error message repeats.
pub const ECHO_BYTES: usize = 200;

/// `text` as an error message may repeat it: at most [`ECHO_BYTES`] bytes (cut at a
/// character boundary, `…` added) with control characters escaped.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    let plain = text.len() <= ECHO_BYTES && !text.chars().any(char::is_control);
    if plain {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut end = text.len().min(ECHO_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text.get(..end).unwrap_or_default();
    let mut out = String::with_capacity(end + 8);
    for c in head.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if end < text.len() {
        out.push('…');
    }
    std::borrow::Cow::Owned(out)
}

/// Most bytes of any error message (a library's message may quote the input).
const MESSAGE_BYTES: usize = 2 * ECHO_BYTES;

/// Everything that can go wrong in a request, each with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 400: a value is out of range or otherwise unusable (the library said no).
    #[error("{message}")]
    BadValue {
        /// Stable machine-readable code, e.g. `out_of_range`.
        code: &'static str,
        /// What is wrong, naming the field and the allowed range.
        message: String,
        /// The offending input's name, where there is one.
        field: Option<String>,
    },
    /// 400: the body is not JSON (syntax error, truncated or empty).
    #[error("{message}")]
    MalformedJson {
        /// serde_json's description, with line and column.
        message: String,
    },
    /// 422: well-formed JSON of the wrong shape: a wrong type, a missing or unknown field.
    #[error("{message}")]
    InvalidJson {
        /// What is wrong.
        message: String,
        /// The path of the offending field (`arpu`, `items[2].cost`), where known.
        field: Option<String>,
    },
    /// 400: a query parameter is missing or malformed.
    #[error("{message}")]
    InvalidQuery {
        /// What is wrong.
        message: String,
    },
    /// 422: an uploaded data file (CSV) has a bad row or cell.
    #[error("{message}")]
    InvalidData {
        /// What is wrong with the data.
        message: String,
        /// The column name, where known.
        field: Option<String>,
        /// 1-based line of the file, where known.
        line: Option<u64>,
        /// 1-based column (field index) of the line, where known.
        column: Option<u64>,
    },
    /// 404: no such route.
    #[error("no endpoint {path}: see GET /openapi.json for the list")]
    NotFound {
        /// The requested path.
        path: String,
    },
    /// 405: the route exists but not with this method.
    #[error("method {method} is not allowed here")]
    MethodNotAllowed {
        /// The method used.
        method: String,
    },
    /// 413: the body exceeds the configured limit.
    #[error("request body is larger than the limit of {limit_bytes} bytes (--max-body-mb)")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit_bytes: usize,
    },
    /// 415: the body's content type is not the one the endpoint reads.
    #[error("content type must be {expected}, got {got}")]
    UnsupportedMediaType {
        /// The content type the endpoint reads.
        expected: &'static str,
        /// The content type sent (`none` when the header is missing).
        got: String,
    },
    /// 503: every heavy-job slot is taken; retry after a moment.
    #[error("the server is busy with other heavy jobs: retry in {retry_after_s} s")]
    Busy {
        /// Seconds to wait before retrying, sent as `Retry-After`.
        retry_after_s: u64,
    },
    /// 503: the request bodies in flight hold the whole in-flight body budget
    /// (`--max-inflight-body-mb`); retry after a moment.
    #[error("the server holds too many request bodies at once: retry in {retry_after_s} s")]
    Overloaded {
        /// Seconds to wait before retrying, sent as `Retry-After`.
        retry_after_s: u64,
    },
    /// 503: the request took longer than the configured timeout.
    #[error("the request took longer than {limit_s} s (--request-timeout-s)")]
    Timeout {
        /// The timeout in seconds.
        limit_s: u64,
    },
    /// 401: no token, or one that is unknown, revoked or malformed.
    #[error("{message}")]
    Unauthorized {
        /// `missing_token` or `invalid_token`.
        code: &'static str,
        /// What is wrong and what to send.
        message: String,
    },
    /// 403: the token's role may not do this.
    #[error("{message}")]
    Forbidden {
        /// Who may do it.
        message: String,
    },
    /// 404: an initiative or token that does not exist, or the backlog is not enabled.
    #[error("{message}")]
    Unknown {
        /// `unknown_initiative`, `unknown_token` or `backlog_disabled`.
        code: &'static str,
        /// What was not found.
        message: String,
    },
    /// 409: the change conflicts with the current state (a duplicate name, a move the
    /// lifecycle does not allow, a measurement the data cannot give yet).
    #[error("{message}")]
    Conflict {
        /// `duplicate`, `illegal_move` or `unavailable`.
        code: &'static str,
        /// What conflicts.
        message: String,
    },
    /// 412: `If-Match` names a version that is no longer current.
    #[error("{message}")]
    PreconditionFailed {
        /// The current version and the one the change was made against.
        message: String,
    },
    /// 428: a change without `If-Match`.
    #[error("{message}")]
    PreconditionRequired {
        /// What to send.
        message: String,
    },
    /// 429: too many failed authentications from this address.
    #[error("too many failed authentications from this address: retry in {retry_after_s} s")]
    TooManyAttempts {
        /// Seconds until the address may try again, sent as `Retry-After`.
        retry_after_s: u64,
    },
    /// 503: the database is unreachable or every connection is busy.
    #[error("the backlog database is unavailable: retry in {retry_after_s} s")]
    DatabaseUnavailable {
        /// Seconds to wait before retrying, sent as `Retry-After`.
        retry_after_s: u64,
    },
    /// 500: a bug. The client sees a generic message; the detail is logged where it
    /// happens.
    #[error("internal server error")]
    Internal,
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadValue { .. }
            | ApiError::MalformedJson { .. }
            | ApiError::InvalidQuery { .. } => StatusCode::BAD_REQUEST,
            ApiError::InvalidJson { .. } | ApiError::InvalidData { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Busy { .. }
            | ApiError::Overloaded { .. }
            | ApiError::Timeout { .. }
            | ApiError::DatabaseUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::Unknown { .. } => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired { .. } => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadValue { code, .. } => code,
            ApiError::MalformedJson { .. } => "malformed_json",
            ApiError::InvalidJson { .. } => "invalid_json",
            ApiError::InvalidQuery { .. } => "invalid_query",
            ApiError::InvalidData { .. } => "invalid_data",
            ApiError::NotFound { .. } => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::Busy { .. } => "busy",
            ApiError::Overloaded { .. } => "overloaded",
            ApiError::Timeout { .. } => "timeout",
            ApiError::Unauthorized { code, .. }
            | ApiError::Unknown { code, .. }
            | ApiError::Conflict { code, .. } => code,
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::PreconditionFailed { .. } => "version_mismatch",
            ApiError::PreconditionRequired { .. } => "if_match_required",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::DatabaseUnavailable { .. } => "database_unavailable",
            ApiError::Internal => "internal",
        }
    }

    /// The body of this error.
    pub fn body(&self) -> ErrorBody {
        let (field, line, column) = match self {
            ApiError::BadValue { field, .. } | ApiError::InvalidJson { field, .. } => {
                (field.clone(), None, None)
            }
            ApiError::InvalidData {
                field,
                line,
                column,
                ..
            } => (field.clone(), *line, *column),
            _ => (None, None, None),
        };
        let mut message = self.to_string();
        if message.len() > MESSAGE_BYTES {
            let mut end = MESSAGE_BYTES;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push('…');
        }
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message,
                field: field.map(|f| clip(&f).into_owned()),
                line,
                column,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        if let ApiError::Busy { retry_after_s }
        | ApiError::Overloaded { retry_after_s }
        | ApiError::TooManyAttempts { retry_after_s }
        | ApiError::DatabaseUnavailable { retry_after_s } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
        }
        if let ApiError::Unauthorized { code, .. } = self {
            // RFC 6750: the scheme, and why a token that was sent failed
            let challenge = if code == "invalid_token" {
                r#"Bearer realm="ltv", error="invalid_token""#
            } else {
                r#"Bearer realm="ltv""#
            };
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

impl From<CoreError> for ApiError {
    fn from(err: CoreError) -> Self {
        let code = match err {
            CoreError::OutOfRange { .. } => "out_of_range",
            CoreError::ZeroChurnWithoutHorizon | CoreError::Unrecognized { .. } => "invalid_value",
            CoreError::Overflow { .. } => "overflow",
        };
        ApiError::BadValue {
            code,
            field: err.field().map(str::to_owned),
            message: err.to_string(),
        }
    }
}

impl From<ltv_segments::SegmentsError> for ApiError {
    fn from(err: ltv_segments::SegmentsError) -> Self {
        use ltv_segments::SegmentsError as S;
        let message = err.to_string();
        match err {
            // a job is cancelled only when its request was dropped: nobody sees this
            S::Cancelled(_) => ApiError::Internal,
            S::Data(data) => ApiError::InvalidData {
                message,
                field: Some(data.column),
                line: Some(data.line),
                column: None,
            },
            S::UnknownColumn { column, .. } => ApiError::InvalidData {
                message,
                field: Some(column),
                line: Some(1),
                column: None,
            },
            S::InvalidOption { field, .. } => ApiError::BadValue {
                code: "out_of_range",
                field: Some(field.to_owned()),
                message,
            },
            S::SegmentMap { .. } => ApiError::BadValue {
                code: "invalid_value",
                field: Some("segments".to_owned()),
                message,
            },
            S::Core(core) => core.into(),
            S::Io { .. } | S::Header { .. } | S::NoData { .. } => ApiError::InvalidData {
                message,
                field: None,
                line: None,
                column: None,
            },
        }
    }
}

impl From<ltv_saas::SaasError> for ApiError {
    fn from(err: ltv_saas::SaasError) -> Self {
        use ltv_saas::SaasError as S;
        let message = err.to_string();
        let line = match &err {
            S::NegativeMrr { line, .. } | S::Event { line, .. } => Some(*line),
            S::DuplicateRow { second_line, .. } => Some(*second_line),
            _ => None,
        };
        match err {
            S::Core(core) => core.into(),
            S::Data(data) => data.into(),
            _ => ApiError::InvalidData {
                message,
                field: None,
                line,
                column: None,
            },
        }
    }
}

impl From<ltv_health::HealthError> for ApiError {
    fn from(err: ltv_health::HealthError) -> Self {
        use ltv_health::HealthError as H;
        let message = err.to_string();
        match err {
            H::Segments(e) => e.into(),
            H::Saas(e) => e.into(),
            H::InvalidOption { field, .. } => ApiError::BadValue {
                code: "out_of_range",
                field: Some(field.to_owned()),
                message,
            },
            H::UnknownMetric { field, .. } => ApiError::BadValue {
                code: "unknown_metric",
                field: Some(field.to_owned()),
                message,
            },
            H::TooManyMetrics { .. }
            | H::NoData { .. }
            | H::Outcomes { .. }
            | H::NotEnoughHistory { .. } => ApiError::InvalidData {
                message,
                field: None,
                line: None,
                column: None,
            },
        }
    }
}

impl From<ltv_forecast::ForecastError> for ApiError {
    fn from(err: ltv_forecast::ForecastError) -> Self {
        use ltv_forecast::ForecastError as F;
        let message = err.to_string();
        let data = |line: Option<usize>, column: Option<usize>| ApiError::InvalidData {
            message: message.clone(),
            field: None,
            line: line.map(|l| l as u64),
            column: column.map(|c| c as u64),
        };
        match err {
            F::OutOfRange { field, .. } => ApiError::BadValue {
                code: "out_of_range",
                field: Some(field.to_owned()),
                message,
            },
            F::NotRepresentable { field, .. } => ApiError::BadValue {
                code: "overflow",
                field: Some(field.to_owned()),
                message,
            },
            F::Matrix { line, column, .. } => data(Some(line), Some(column)),
            F::NotEnoughData { .. }
            | F::Survivors { .. }
            | F::NonPositiveSpend { .. }
            | F::History { .. } => data(None, None),
        }
    }
}

impl From<ltv_report::ReportError> for ApiError {
    fn from(err: ltv_report::ReportError) -> Self {
        use ltv_report::ReportError as R;
        match err {
            // a job is cancelled only when its request was dropped: nobody sees this
            R::Cancelled(_) => ApiError::Internal,
            R::Segments(e) => e.into(),
            R::Forecast(e) => e.into(),
            R::Plan(e) => e.into(),
            R::Core(e) => e.into(),
            R::InvalidOption { field, .. } => ApiError::BadValue {
                code: "out_of_range",
                message: err.to_string(),
                field: Some(field.to_owned()),
            },
            R::Unavailable(message) => ApiError::InvalidData {
                message,
                field: None,
                line: None,
                column: None,
            },
            R::Chart(detail) | R::Template(detail) => {
                tracing::error!(%detail, "rendering the report");
                ApiError::Internal
            }
        }
    }
}

impl From<ltv_planner::PlanError> for ApiError {
    fn from(err: ltv_planner::PlanError) -> Self {
        use ltv_planner::PlanError;
        let message = err.to_string();
        let field = err.field();
        match err {
            // A file that does not parse, or a bad value at a known place in it.
            PlanError::Parse {
                location: Some(at), ..
            }
            | PlanError::Invalid {
                location: Some(at), ..
            } => ApiError::InvalidData {
                message,
                field,
                line: Some(at.line as u64),
                column: Some(at.column as u64),
            },
            PlanError::Parse { location: None, .. } => ApiError::InvalidData {
                message,
                field,
                line: None,
                column: None,
            },
            PlanError::Invalid { .. } => ApiError::BadValue {
                code: "out_of_range",
                message,
                field,
            },
            PlanError::UnknownInitiative { .. } => ApiError::BadValue {
                code: "unknown_initiative",
                message,
                field,
            },
            PlanError::Core { source, .. } => ApiError::BadValue {
                code: ApiError::from(source).code(),
                message,
                field,
            },
            PlanError::Overflow { .. } => ApiError::BadValue {
                code: "overflow",
                message,
                field,
            },
            PlanError::NoBaseline => ApiError::BadValue {
                code: "invalid_value",
                message,
                field,
            },
        }
    }
}

impl From<ltv_planner::MeasureError> for ApiError {
    fn from(err: ltv_planner::MeasureError) -> Self {
        use ltv_planner::MeasureError as M;
        match err {
            M::Data(e) => e.into(),
            M::Plan(e) => e.into(),
            M::InvalidOption { field, .. } => ApiError::BadValue {
                code: "out_of_range",
                message: err.to_string(),
                field: Some(field.to_owned()),
            },
            M::NotMeasurable { .. } => ApiError::InvalidData {
                message: err.to_string(),
                field: None,
                line: None,
                column: None,
            },
        }
    }
}

impl From<ltv_store::StoreError> for ApiError {
    fn from(err: ltv_store::StoreError) -> Self {
        use ltv_store::StoreError as S;
        let message = err.to_string();
        match err {
            S::UnknownInitiative { .. } => ApiError::Unknown {
                code: "unknown_initiative",
                message,
            },
            S::UnknownToken { .. } => ApiError::Unknown {
                code: "unknown_token",
                message,
            },
            S::Duplicate { .. } | S::DuplicateToken { .. } => ApiError::Conflict {
                code: "duplicate",
                message,
            },
            S::IllegalMove { .. } => ApiError::Conflict {
                code: "illegal_move",
                message,
            },
            S::Unavailable(_) => ApiError::Conflict {
                code: "unavailable",
                message,
            },
            S::VersionMismatch { .. } => ApiError::PreconditionFailed { message },
            S::Invalid { field, .. } => ApiError::BadValue {
                code: "invalid_value",
                message,
                field: Some(field),
            },
            S::Plan(e) => e.into(),
            S::Busy | S::Connect { .. } | S::Lost(_) => {
                tracing::warn!(error = %message, "the backlog database is unavailable");
                ApiError::DatabaseUnavailable {
                    retry_after_s: crate::pool::RETRY_AFTER_S,
                }
            }
            S::UnsupportedUrl { .. }
            | S::Missing { .. }
            | S::NotADatabase { .. }
            | S::NotInitialised { .. }
            | S::SchemaTooOld { .. }
            | S::SchemaTooNew { .. }
            | S::Random(_)
            | S::Corrupt { .. }
            | S::Database(_) => {
                tracing::error!(error = %message, "backlog database");
                ApiError::Internal
            }
        }
    }
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// One error: a stable code, a human message, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `out_of_range`, `invalid_value`, `overflow`,
    /// `unknown_initiative`, `unknown_metric`, `unknown_field`, `repeated_field`,
    /// `missing_field`, `malformed_json`, `malformed_body`, `inexact_number`,
    /// `invalid_json`, `invalid_query`, `invalid_data`, `not_found`, `method_not_allowed`, `payload_too_large`,
    /// `unsupported_media_type`, `busy`, `overloaded`, `timeout`, `internal`; for
    /// the backlog `missing_token`, `invalid_token`, `forbidden`, `too_many_attempts`,
    /// `unknown_initiative`, `unknown_token`, `backlog_disabled`, `duplicate`,
    /// `illegal_move`, `unavailable`, `version_mismatch`, `if_match_required`,
    /// `database_unavailable`; and for requests that are not valid HTTP
    /// `bad_request`, `uri_too_long`, `headers_too_large`.
    pub code: String,
    /// What is wrong, in one lower-case line.
    pub message: String,
    /// The offending input field, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 1-based line in an uploaded data file, for `invalid_data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column in an uploaded data file, for `invalid_data`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_out_of_range_is_400_with_field() {
        let err = ApiError::from(CoreError::OutOfRange {
            field: "churn",
            value: "1.5".parse().unwrap(),
            allowed: "in (0, 1]",
        });
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        let body = err.body().error;
        assert_eq!(body.code, "out_of_range");
        assert_eq!(body.field.as_deref(), Some("churn"));
        assert_eq!(body.message, "churn must be in (0, 1], got 1.5");
    }

    #[test]
    fn busy_carries_retry_after() {
        let response = ApiError::Busy { retry_after_s: 2 }.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }

    #[test]
    fn messages_repeat_little_of_the_input() {
        let long = "é".repeat(5_000);
        let body = ApiError::InvalidJson {
            message: format!("unknown field `{long}`"),
            field: Some(long.clone()),
        }
        .body()
        .error;
        assert!(
            body.message.len() <= MESSAGE_BYTES + 3,
            "{}",
            body.message.len()
        );
        assert!(body.field.unwrap().len() <= ECHO_BYTES + 3);
        assert_eq!(clip("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clip("plain"), "plain");
    }

    #[test]
    fn internal_is_generic() {
        let body = ApiError::Internal.body().error;
        assert_eq!(body.message, "internal server error");
        assert_eq!(body.code, "internal");
    }
}
