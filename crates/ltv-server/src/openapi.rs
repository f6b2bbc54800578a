//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! attributes and the request/response types (which derive `ToSchema` in their own
//! crates behind an `openapi` feature), so it lists exactly the routes the router
//! serves with exactly the types it reads and writes.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::OpenApi;

use crate::error::ErrorBody;

/// The document's fixed part; the paths are added with the routes (`routes::api()`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ltv",
        description = "Customer lifetime value, unit economics, segments, forecasts and plans. \
            Decimals are exact: responses carry them as strings; requests accept strings \
            (always exact) or JSON numbers of up to about 15 significant digits (longer ones \
            are refused with `inexact_number` rather than rounded). Every error has the shape \
            `{\"error\": {\"code\", \"message\", \"field\"}}`."
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "calc", description = "LTV by business model"),
        (name = "unit economics", description = "CAC, LTV/CAC and payback"),
        (name = "plan", description = "Levers, ranked initiatives and ROI cases"),
        (name = "forecast", description = "Probabilistic retention and purchase models"),
        (name = "saas", description = "SaaS metrics from monthly MRR"),
        (name = "health", description = "Customer health scores, churn early warning and NPS from usage"),
        (name = "segments", description = "Customers, RFM, cohorts and channels from transactions"),
        (name = "service", description = "Health and this document"),
        (name = "backlog", description = "The shared initiative backlog (`--db`): reads are open unless `--require-auth`; changes need `Authorization: Bearer TOKEN` and `If-Match`"),
        (name = "tokens", description = "API tokens and their roles (admin)")
    )
)]
pub struct ApiDoc;

/// The `bearer` security scheme: `Authorization: Bearer TOKEN` with a token of
/// `ltv-server token create`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some(
            "A token of `ltv-server token create` (`ltv_` + 64 hex digits). Roles: viewer \
             reads, editor also changes, admin also deletes and manages tokens."
                .to_owned(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The error responses of a backlog read, for `responses(...)` in `#[utoipa::path]`.
pub struct ReadErrors;

impl utoipa::IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            ("400", "A query parameter is malformed or out of range"),
            ("401", "A token that is unknown, revoked or malformed; none under --require-auth or where a token is needed"),
            ("403", "The token's role may not do this"),
            ("404", "No such initiative or token, or the server runs without --db"),
            ("409", "The data cannot give this yet (a measurement of an initiative that is not running or done)"),
            ("429", "Too many failed authentications from this address (with Retry-After)"),
            ("503", "The database is unavailable, busy or timed out (with Retry-After)"),
        ])
    }
}

/// The error responses of a backlog change, for `responses(...)` in `#[utoipa::path]`.
pub struct ChangeErrors;

impl utoipa::IntoResponses for ChangeErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            ("400", "A value is out of range, or the body is not JSON"),
            ("401", "No token, or an unknown, revoked or malformed one"),
            ("403", "The token's role may not do this"),
            (
                "404",
                "No such initiative or token, or the server runs without --db",
            ),
            (
                "409",
                "A duplicate name, or a status move the lifecycle does not allow",
            ),
            (
                "412",
                "If-Match names a version that is no longer current: read the initiative again",
            ),
            ("413", "The body is larger than 64 KiB"),
            ("415", "Content-Type is not application/json"),
            ("422", "Wrong type, missing or unknown field"),
            ("428", "No If-Match header"),
            (
                "429",
                "Too many failed authentications from this address (with Retry-After)",
            ),
            (
                "503",
                "The database is unavailable, busy or timed out (with Retry-After)",
            ),
        ])
    }
}

/// The whole document, as `GET /openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::routes::api().split_for_parts().1
}

/// The error responses of every JSON endpoint, for `responses(...)` in
/// `#[utoipa::path]`.
pub struct JsonErrors;

impl utoipa::IntoResponses for JsonErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            ("400", "A value is out of range, or the body is not JSON"),
            ("413", "The body is larger than --max-body-mb"),
            ("415", "Content-Type is not application/json"),
            ("422", "Wrong type, missing or unknown field"),
            ("503", "Busy (with Retry-After) or timed out"),
        ])
    }
}

/// The error responses of every CSV endpoint, for `responses(...)` in
/// `#[utoipa::path]`.
pub struct CsvErrors;

impl utoipa::IntoResponses for CsvErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        csv_errors(
            "A query parameter is missing, malformed or out of range",
            "Content-Type is not text/csv",
        )
    }
}

/// The error responses of an endpoint taking a CSV or a `multipart/form-data` upload
/// of CSV files (`/v1/channels`).
pub struct CsvOrFormErrors;

impl utoipa::IntoResponses for CsvOrFormErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        csv_errors(
            "A query parameter is missing, malformed or out of range; the form is malformed, \
             lacks its required file or has an unknown part",
            "Content-Type is neither text/csv nor multipart/form-data",
        )
    }
}

fn csv_errors(bad_request: &str, bad_type: &str) -> BTreeMap<String, RefOr<Response>> {
    errors(&[
        ("400", bad_request),
        ("413", "The body is larger than --max-body-mb"),
        ("415", bad_type),
        ("422", "A row of the CSV is invalid (line and column given)"),
        ("503", "Busy (with Retry-After) or timed out"),
    ])
}

fn errors(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| {
            let response = ResponseBuilder::new()
                .description(*description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build();
            ((*status).to_owned(), RefOr::T(response))
        })
        .collect()
}
