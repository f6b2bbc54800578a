//! [`ApiJson`]: the JSON body extractor whose every rejection is an [`ApiError`].

use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::extract::body::read_to_bytes;
use crate::extract::exact_numbers::{first_inexact_number, first_inexact_string};
use crate::state::AppState;
use ltv_segments::DecimalProblem;

/// A small JSON request body (at most [`crate::BodyLimits::small_json_bytes`], 64 KiB
/// by default: the inputs of a formula) deserialised into `T`.
///
/// Rejections, all in the error shape of the service: a content type other than
/// `application/json` (415), a body over the limit (413), an empty or malformed body
/// (400 `malformed_json`), a number that would lose digits (400 `inexact_number`), a
/// decimal string with more than 28 decimals or too large for a decimal (400
/// `too_precise`, `too_large`), a body other than an object (an array of the fields
/// in order, which serde would take: 422 `invalid_json`), a wrong type, a missing or
/// an unknown field (422 `invalid_json` naming the field).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        require_content_type(&req, "application/json", is_json)?;
        let limit = state
            .body_limits()
            .small_json_bytes
            .min(state.limits().max_body_bytes);
        let (bytes, _permit) = read_to_bytes(req, limit, state.budget()).await?;
        parse(&bytes).map(ApiJson)
    }
}

/// Deserialises a JSON body, with the service's error for every failure.
///
/// # Errors
/// See [`ApiJson`].
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let Some(&first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Err(ApiError::MalformedJson {
            message: "request body is empty: send a JSON object".to_owned(),
        });
    };
    // serde reads a struct from an array of its fields in order; a body is an object
    if first != b'{' && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
        let got = match first {
            b'[' => "an array",
            b'"' => "a string",
            b't' | b'f' => "a boolean",
            b'n' => "null",
            _ => "a number",
        };
        return Err(ApiError::InvalidJson {
            message: format!("the body must be a JSON object with named fields, got {got}"),
            field: None,
        });
    }
    // a decimal string that a Decimal would round (or cannot hold) is refused first
    if let Ok(tree) = serde_json::from_slice::<serde_json::Value>(bytes) {
        if let Some((path, text, problem)) = first_inexact_string(&tree) {
            return Err(unrepresentable(&path, &text, problem));
        }
    }
    // Fast path without path tracking; on failure, parse again to name the field.
    let value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(_) => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let value: T = serde_path_to_error::deserialize(&mut de).map_err(rejection)?;
            de.end().map_err(|e| ApiError::MalformedJson {
                message: format!("malformed JSON: {e}"),
            })?;
            value
        }
    };
    if let Some(number) = first_inexact_number(bytes) {
        return Err(inexact(number));
    }
    Ok(value)
}

/// The error for a decimal string that a `Decimal` would round or cannot hold.
pub(crate) fn unrepresentable(path: &str, text: &str, problem: DecimalProblem) -> ApiError {
    ApiError::BadValue {
        code: match problem {
            DecimalProblem::TooLarge => "too_large",
            _ => "too_precise",
        },
        message: format!(
            "{}: \"{}\" is {}",
            crate::error::clip(path),
            crate::error::clip(text),
            problem.reason()
        ),
        field: (!path.is_empty()).then(|| path.to_owned()),
    }
}

/// The error for a JSON number that would lose digits.
pub(crate) fn inexact(number: &str) -> ApiError {
    ApiError::BadValue {
        code: "inexact_number",
        field: None,
        message: format!(
            "number {number} has more digits than a JSON number carries exactly: send it as a string, \"{number}\""
        ),
    }
}

fn rejection(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = err.path().to_string();
    let inner = err.into_inner();
    match inner.classify() {
        serde_json::error::Category::Data => {
            let message = inner.to_string();
            let field = if path != "." {
                Some(path)
            } else {
                named_field(&message)
            };
            ApiError::InvalidJson { message, field }
        }
        _ => ApiError::MalformedJson {
            message: format!("malformed JSON: {inner}"),
        },
    }
}

/// `missing field `arpu`` and `unknown field `foo`, expected ...` name the field.
fn named_field(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))?;
    rest.split_once('`').map(|(name, _)| name.to_owned())
}

fn is_json(mime: &str) -> bool {
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Checks the request's `Content-Type` (its media type, ignoring parameters such as
/// `charset`) with `accepts`.
///
/// # Errors
/// [`ApiError::UnsupportedMediaType`] naming `expected`.
pub fn require_content_type(
    req: &Request,
    expected: &'static str,
    accepts: fn(&str) -> bool,
) -> Result<(), ApiError> {
    let raw = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let mime = raw
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    match mime {
        Some(m) if accepts(&m) => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType {
            expected,
            got: crate::error::clip(raw.unwrap_or("none")).into_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ltv_core::{Decimal, Subscription};

    #[test]
    fn decimals_from_numbers_and_strings_are_exact() {
        let s: Subscription = parse(br#"{"arpu": 0.1, "churn": "0.1", "margin": 1e-1}"#).unwrap();
        let tenth: Decimal = "0.1".parse().unwrap();
        assert_eq!(s.arpu, tenth);
        assert_eq!(s.arpu.to_string(), "0.1");
        assert_eq!(s.churn, tenth);
        assert_eq!(s.margin, tenth);
        let s: Subscription =
            parse(br#"{"arpu": "1234567890.123456789012345678", "churn": 0.05}"#).unwrap();
        assert_eq!(s.arpu.to_string(), "1234567890.123456789012345678");
    }

    #[test]
    fn long_numbers_are_refused_not_rounded() {
        let err =
            parse::<Subscription>(br#"{"arpu": 1234567890.123456789, "churn": 0.05}"#).unwrap_err();
        assert_eq!(err.code(), "inexact_number");
    }

    #[test]
    fn too_precise_and_too_large_strings_are_refused() {
        let err = parse::<Subscription>(
            br#"{"arpu": "1.11111111111111111111111111111111111", "churn": "0.05"}"#,
        )
        .unwrap_err();
        assert_eq!(err.code(), "too_precise");
        assert_eq!(err.body().error.field.as_deref(), Some("arpu"));
        let err = parse::<Subscription>(br#"{"arpu": "1e40", "churn": "0.05"}"#).unwrap_err();
        assert_eq!(err.code(), "too_large");
        let err = parse::<Subscription>(
            br#"{"arpu": "123456789012345678901234567890", "churn": "0.05"}"#,
        )
        .unwrap_err();
        assert_eq!(err.code(), "too_large", "{err:?}");
    }

    #[test]
    fn only_objects_are_bodies() {
        for body in [
            &br#"["10000", "0.05"]"#[..],
            b"[1,2,3]",
            b"\"x\"",
            b"7",
            b"null",
        ] {
            let err = parse::<Subscription>(body).unwrap_err();
            assert_eq!(
                err.code(),
                "invalid_json",
                "{}",
                String::from_utf8_lossy(body)
            );
            assert!(err.to_string().contains("JSON object"), "{err}");
        }
    }

    #[test]
    fn rejections_name_the_field() {
        let err = parse::<Subscription>(br#"{"arpu": "x", "churn": 0.05}"#).unwrap_err();
        assert_eq!(err.body().error.field.as_deref(), Some("arpu"));
        let err = parse::<Subscription>(br#"{"churn": 0.05}"#).unwrap_err();
        assert_eq!(err.body().error.field.as_deref(), Some("arpu"));
        let err = parse::<Subscription>(br#"{"arpu": 1, "churn": 0.05, "x": 1}"#).unwrap_err();
        assert_eq!(err.body().error.field.as_deref(), Some("x"));
        assert_eq!(err.code(), "invalid_json");
        let err = parse::<Subscription>(br#"{"arpu": 1,"#).unwrap_err();
        assert_eq!(err.code(), "malformed_json");
        let err = parse::<Subscription>(br#"{"arpu": 1, "churn": 1} x"#).unwrap_err();
        assert_eq!(err.code(), "malformed_json");
    }
}
