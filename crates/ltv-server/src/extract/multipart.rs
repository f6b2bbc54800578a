//! Reading a `multipart/form-data` upload whole, part by part, under the body limit.

use axum::extract::{FromRequest, Multipart, Request};

use crate::budget::BodyPermit;
use crate::error::ApiError;
use crate::extract::body::check_declared_length;
use crate::extract::json::require_content_type;
use crate::state::AppState;

/// One part of a form: its field name, the file name a browser gave it, its bytes.
#[derive(Debug)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) file_name: Option<String>,
    pub(crate) bytes: Vec<u8>,
}

/// Every part of the `multipart/form-data` body of `req`, in order, and the parts'
/// hold on the body budget (keep it until done with the parts).
///
/// # Errors
/// [`ApiError::UnsupportedMediaType`] for another content type;
/// [`ApiError::PayloadTooLarge`] when the declared length or the parts read so far
/// cross `--max-body-mb`; [`ApiError::Overloaded`] when the body budget cannot hold
/// them; a 400 `invalid_form` for a malformed form, and a 400 `repeated_field` for a
/// field sent twice.
pub(crate) async fn read_parts(
    req: Request,
    state: &AppState,
) -> Result<(Vec<Part>, BodyPermit), ApiError> {
    let limit = state.limits().max_body_bytes;
    require_content_type(&req, "multipart/form-data", |m| m == "multipart/form-data")?;
    let declared = check_declared_length(&req, limit)?;
    let mut permit = state.budget().reserve(declared.unwrap_or(0))?;
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|e| bad_form(e.body_text()))?;
    let mut parts = Vec::new();
    let mut total = 0usize;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad_form(e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if parts.iter().any(|p: &Part| p.name == name) {
            return Err(ApiError::BadValue {
                code: "repeated_field",
                message: format!(
                    "form field {} is sent more than once: send each field once",
                    crate::error::clip(&name)
                ),
                field: Some(crate::error::clip(&name).into_owned()),
            });
        }
        let file_name = field.file_name().map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| bad_form(e.body_text()))? {
            total += chunk.len();
            if total > limit {
                return Err(ApiError::PayloadTooLarge { limit_bytes: limit });
            }
            permit.grow(total.saturating_sub(permit.bytes()))?;
            bytes.extend_from_slice(&chunk);
        }
        parts.push(Part {
            name,
            file_name,
            bytes,
        });
    }
    Ok((parts, permit))
}

fn bad_form(message: String) -> ApiError {
    ApiError::BadValue {
        code: "invalid_form",
        message: format!("the upload is not a valid multipart form: {message}"),
        field: None,
    }
}
