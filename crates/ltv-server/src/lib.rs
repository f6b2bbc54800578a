//! `ltv-server`: the `ltv` engine as an HTTP service.
//!
//! A thin front end over the same library functions the `ltv` CLI calls: each handler
//! extracts a library request type from JSON (or streams a CSV body into a library
//! reader), calls one function, and returns its report, so the server's JSON is the
//! CLI's `--format json`. Around the handlers: one error shape ([`ApiError`]), body
//! limits, a request timeout, panic catching, a bounded pool for heavy work
//! ([`HeavyPool`]) and an OpenAPI 3.1 document at `GET /openapi.json`.
//!
//! ```
//! use axum::body::Body;
//! use axum::http::Request;
//! use ltv_server::{router, AppState};
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let request = Request::post("/v1/calc/subscription")
//!     .header("content-type", "application/json")
//!     .body(Body::from(r#"{"arpu": "10000", "churn": "0.05", "margin": "0.7"}"#))
//!     .unwrap();
//! let response = router(AppState::default()).oneshot(request).await.unwrap();
//! assert_eq!(response.status(), 200);
//! let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
//! let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
//! assert_eq!(json["ltv"], "140000");
//! # });
//! ```
#![warn(missing_docs)]

pub mod auth;
mod budget;
mod error;
pub mod extract;
mod layers;
pub mod openapi;
mod pool;
mod routes;
mod serve;
mod state;

use std::sync::Arc;

use axum::http::header;
use axum::routing::get;
use axum::Router;

pub use auth::AuthOptions;
pub use budget::{BodyBudget, BodyPermit};
pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use layers::with_layers;
pub use pool::{current_job, HeavyPool, RETRY_AFTER_S};
pub use serve::{default_max_connections, serve, ServeOptions, MAX_HEADER_BYTES};
pub use state::{AppState, BodyLimits, Limits};

/// The service: every endpoint, `/openapi.json`, the fallbacks and the middleware.
pub fn router(state: AppState) -> Router {
    with_layers(routes(), state)
}

/// Every endpoint and `/openapi.json`, without fallbacks, middleware or state: for
/// tests that serve extra routes beside the real ones through [`with_layers`].
pub fn routes() -> Router<AppState> {
    let (routes, doc) = routes::api().split_for_parts();
    let doc: Arc<str> = openapi_json(&doc).into();
    routes
        .route("/", get(routes::report::index))
        .route("/sample", get(routes::report::sample))
        .route("/backlog", get(routes::board::page))
        .route("/backlog/board", get(routes::board::cards))
        .route("/assets/board.js", get(routes::board::script))
        .route("/assets/board.css", get(routes::board::style))
        .route(
            "/openapi.json",
            get(move || {
                let doc = Arc::clone(&doc);
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        doc.to_string(),
                    )
                }
            }),
        )
}

/// The OpenAPI document as pretty JSON (what `ltv-server --print-openapi` prints).
pub fn openapi_json(doc: &utoipa::openapi::OpenApi) -> String {
    doc.to_pretty_json()
        .unwrap_or_else(|err| format!("{{\"error\": \"openapi: {err}\"}}"))
}
