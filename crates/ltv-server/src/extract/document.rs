//! [`Document`]: a whole text file sent as the body, in JSON or TOML by content type.

use axum::extract::{FromRequest, Request};
use axum::http::header;

use crate::error::ApiError;
use crate::extract::body::read_to_bytes;
use crate::extract::exact_numbers::{first_inexact_number, first_inexact_string};
use crate::extract::json::require_content_type;
use crate::state::AppState;

/// The format of a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    /// `application/json`.
    Json,
    /// `application/toml`.
    Toml,
}

/// A text document body (an initiatives file, say) that a library parses itself, so
/// its errors keep the library's line and column. JSON or TOML by `Content-Type`.
///
/// Rejections: another content type (415), a body over the document limit (413,
/// [`crate::BodyLimits::document_bytes`], 8 MiB by default), a body that is
/// not UTF-8 (400), a JSON number that would lose digits (400 `inexact_number`), a
/// JSON decimal string with more than 28 places or too large (400 `too_precise`,
/// `too_large`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// How to parse `text`.
    pub format: DocumentFormat,
    /// The body.
    pub text: String,
}

fn is_document(mime: &str) -> bool {
    matches!(mime, "application/json" | "application/toml")
}

impl FromRequest<AppState> for Document {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        require_content_type(&req, "application/json or application/toml", is_document)?;
        let format = match req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        {
            Some(ct) if ct.to_ascii_lowercase().starts_with("application/toml") => {
                DocumentFormat::Toml
            }
            _ => DocumentFormat::Json,
        };
        let limit = state
            .body_limits()
            .document_bytes
            .min(state.limits().max_body_bytes);
        let (bytes, _permit) = read_to_bytes(req, limit, state.budget()).await?;
        let text = String::from_utf8(bytes).map_err(|e| ApiError::BadValue {
            code: "malformed_body",
            field: None,
            message: format!("request body is not UTF-8 text: {e}"),
        })?;
        // Syntax errors are the library's to report (with its line and column); only
        // well-formed JSON is checked for numbers that would lose digits.
        if format == DocumentFormat::Json
            && serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok()
        {
            // serde would read the file's struct from an array of its fields
            if !text.trim_start().starts_with('{') {
                return Err(ApiError::InvalidJson {
                    message: "the body must be a JSON object (an initiatives file), not an array or a value".into(),
                    field: None,
                });
            }
            if let Some(number) = first_inexact_number(text.as_bytes()) {
                return Err(crate::extract::json::inexact(number));
            }
            if let Ok(tree) = serde_json::from_str::<serde_json::Value>(&text) {
                if let Some((path, value, problem)) = first_inexact_string(&tree) {
                    return Err(crate::extract::json::unrepresentable(
                        &path, &value, problem,
                    ));
                }
            }
        }
        Ok(Document { format, text })
    }
}
