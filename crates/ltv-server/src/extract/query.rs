//! [`ApiQuery`]: query parameters whose rejection is an [`ApiError`].

use std::sync::OnceLock;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::Method;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Query parameters deserialised into `T` (names as the CLI's flags, snake_case);
/// a missing, malformed or unknown one is a 400 `invalid_query`.
///
/// serde names the accepted parameters when it refuses an unknown one, except for a
/// query that flattens shared parameters (`ReadQuery`); then the message lists the
/// endpoint's parameters from the OpenAPI document.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => {
                let mut message =
                    crate::error::clip(&rejection.body_text().to_lowercase()).into_owned();
                if message.contains("unknown field") && !message.contains("expected") {
                    if let Some(names) = documented_parameters(parts.uri.path(), &parts.method) {
                        message.push_str(&format!("; the parameters are {}", names.join(", ")));
                    }
                }
                Err(ApiError::InvalidQuery { message })
            }
        }
    }
}

/// The query parameters `/openapi.json` lists for `method path`.
fn documented_parameters(path: &str, method: &Method) -> Option<Vec<String>> {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    let item = DOC
        .get_or_init(crate::openapi::openapi)
        .paths
        .paths
        .get(path)?;
    let operation = match *method {
        Method::GET => item.get.as_ref(),
        Method::POST => item.post.as_ref(),
        _ => None,
    }?;
    let names: Vec<String> = operation
        .parameters
        .as_ref()?
        .iter()
        .map(|p| p.name.clone())
        .collect();
    (!names.is_empty()).then_some(names)
}
