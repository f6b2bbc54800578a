//! Tokens over the API (admin only): `GET /v1/tokens`, `POST /v1/tokens`, `DELETE
//! /v1/tokens/{name}`; and `GET /v1/whoami`, the token's own record.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ltv_store::{IssuedToken, Token, TokenRequest};

use crate::auth::{store, Admin, Signed};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::{ChangeErrors, ReadErrors};
use crate::state::AppState;

/// Every token, active and revoked (never the tokens themselves: they are not stored).
#[utoipa::path(get, path = "/v1/tokens", tag = "tokens",
    security(("bearer" = [])),
    responses((status = 200, description = "The tokens", body = Vec<Token>), ReadErrors))]
pub async fn list(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<Token>>, ApiError> {
    Ok(Json(store(&state)?.tokens().await?))
}

/// Creates a token; the answer holds it (`secret`) this once. Needs an admin token.
#[utoipa::path(post, path = "/v1/tokens", tag = "tokens",
    security(("bearer" = [])),
    request_body = TokenRequest,
    responses((status = 201, description = "The token, shown once", body = IssuedToken), ChangeErrors))]
pub async fn create(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Response, ApiError> {
    let issued = store(&state)?
        .create_token(&request.name, request.role, &admin.name)
        .await?;
    let mut response = (StatusCode::CREATED, Json(issued)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Revokes the active token named `name`: it authenticates no more. Needs an admin
/// token.
#[utoipa::path(delete, path = "/v1/tokens/{name}", tag = "tokens",
    params(("name" = String, Path, description = "the token's name")),
    security(("bearer" = [])),
    responses((status = 200, description = "The revoked token", body = Token), ChangeErrors))]
pub async fn revoke(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(name): Path<String>,
) -> Result<Json<Token>, ApiError> {
    Ok(Json(store(&state)?.revoke_token(&name, &admin.name).await?))
}

/// The record of the token the request carries: its name (the audit log's actor) and
/// role. The board signs in with it.
#[utoipa::path(get, path = "/v1/whoami", tag = "tokens",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's token", body = Token), ReadErrors))]
pub async fn whoami(Signed(token): Signed) -> Json<Token> {
    Json(token)
}
