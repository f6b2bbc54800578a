//! One module per endpoint group. A handler is a few lines: extract the request type,
//! call one library function, return its report as JSON.
//!
//! To add an endpoint: write the handler with its `#[utoipa::path]` in the group's
//! module and add one `.routes(routes!(module::handler))` line to [`api`]; the route
//! and its OpenAPI entry are registered together and cannot drift apart.

mod backlog;
pub(crate) mod board;
mod calc;
mod forecast;
mod health;
mod measure_query;
mod planner;
mod read_query;
pub(crate) mod report;
mod saas;
mod segments;
mod service;
mod snapshots;
mod tokens;
mod unit;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::openapi::ApiDoc;
use crate::state::AppState;

/// Every endpoint with its OpenAPI entry (`/openapi.json` itself is added by
/// [`crate::router`]).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(service::healthz))
        .routes(routes!(calc::subscription))
        .routes(routes!(calc::general))
        .routes(routes!(calc::revenue))
        .routes(routes!(calc::profit))
        .routes(routes!(calc::ecommerce))
        .routes(routes!(unit::cac))
        .routes(routes!(unit::unit_economics))
        .routes(routes!(planner::levers))
        .routes(routes!(planner::plan))
        .routes(routes!(planner::roi))
        .routes(routes!(forecast::retention))
        .routes(routes!(forecast::purchases))
        .routes(routes!(forecast::clv))
        .routes(routes!(saas::saas))
        .routes(routes!(segments::customers))
        .routes(routes!(segments::rfm_scores))
        .routes(routes!(segments::cohort_matrix))
        .routes({
            // a multipart upload enforces --max-body-mb itself, while it streams
            let (schemas, paths, method) = routes!(segments::channels);
            (
                schemas,
                paths,
                method.layer(axum::extract::DefaultBodyLimit::disable()),
            )
        })
        .routes({
            // a multipart upload enforces --max-body-mb itself, while it streams
            let (schemas, paths, method) = routes!(health::health);
            (
                schemas,
                paths,
                method.layer(axum::extract::DefaultBodyLimit::disable()),
            )
        })
        .routes({
            // the upload enforces --max-body-mb itself, while it streams
            let (schemas, paths, method) = routes!(report::report);
            (
                schemas,
                paths,
                method.layer(axum::extract::DefaultBodyLimit::disable()),
            )
        })
        // the team service (`--db`): the backlog, snapshots and tokens
        .routes(routes!(backlog::list, backlog::create))
        .routes(routes!(backlog::get_one, backlog::update, backlog::delete))
        .routes(routes!(backlog::rate))
        .routes(routes!(backlog::move_to))
        .routes(routes!(backlog::history))
        .routes(routes!(backlog::measurement))
        .routes(routes!(backlog::board))
        .routes({
            // an orders upload enforces --max-body-mb itself, while it streams
            let (schemas, paths, method) = routes!(snapshots::create, snapshots::list);
            (
                schemas,
                paths,
                method.layer(axum::extract::DefaultBodyLimit::disable()),
            )
        })
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(tokens::whoami))
}
