//! Tests of the HTTP service, driven through `tower::ServiceExt::oneshot` (and one real
//! socket in `e2e`): every endpoint's JSON is a snapshot and equals the CLI's
//! `--format json`; bad input of every kind is the right 4xx, never a 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use ltv_server::{router, AppState};
use serde_json::Value;
use tower::ServiceExt;

mod backlog_api;
mod binary;
mod board_browser;
mod browser;
mod csv_stream;
mod e2e;
mod endpoints;
mod errors;
mod forecast;
mod health;
mod hostile;
mod planner;
mod props;
mod report;
mod saas;
mod segments;
mod service;
mod team;
mod team_load;
mod team_security;

/// A response, its body parsed as JSON (or `Value::Null` for a non-JSON body).
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

impl Reply {
    /// The `error.code` of an error body.
    fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

async fn send_to(app: Router, req: Request<Body>) -> Reply {
    let response = app.oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        json,
    }
}

/// `POST path` with a JSON body to the real router with default limits.
async fn post_json(path: &str, body: &str) -> Reply {
    send_to(router(AppState::default()), json_request(path, body)).await
}

fn json_request(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// What `ltv <args> --format json` prints, parsed.
fn cli_json(args: &[&str]) -> Value {
    let mut all = vec!["ltv"];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    let mut out = Vec::new();
    ltv_cli::run(all, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// A file for the CLI to read, unique to this test process.
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("ltv-server-it-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// Every JSON endpoint with a valid body, the equivalent CLI arguments, and a body
/// whose value is out of range with the field it names.
struct Case {
    name: &'static str,
    path: &'static str,
    body: &'static str,
    cli: &'static [&'static str],
    out_of_range: &'static str,
    bad_field: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "subscription",
        path: "/v1/calc/subscription",
        body: r#"{"arpu": "10000", "churn": "0.05", "margin": "0.70", "discount_rate": "0.01", "cac": "56000"}"#,
        cli: &[
            "calc",
            "subscription",
            "--arpu",
            "10000",
            "--churn",
            "0.05",
            "--margin",
            "0.70",
            "--discount-rate",
            "0.01",
            "--cac",
            "56000",
        ],
        out_of_range: r#"{"arpu": 10000, "churn": 1.5}"#,
        bad_field: "churn",
    },
    Case {
        name: "general",
        path: "/v1/calc/general",
        body: r#"{"price": 50000, "margin": 0.4, "frequency": 2, "lifespan": 3, "cac": 30000}"#,
        cli: &[
            "calc",
            "general",
            "--price",
            "50000",
            "--margin",
            "0.4",
            "--frequency",
            "2",
            "--lifespan",
            "3",
            "--cac",
            "30000",
        ],
        out_of_range: r#"{"price": 50000, "margin": 1.4, "frequency": 2, "lifespan": 3}"#,
        bad_field: "margin",
    },
    Case {
        name: "revenue",
        path: "/v1/calc/revenue",
        body: r#"{"price": "10000", "frequency": "1", "lifespan": "24"}"#,
        cli: &[
            "calc",
            "revenue",
            "--price",
            "10000",
            "--frequency",
            "1",
            "--lifespan",
            "24",
        ],
        out_of_range: r#"{"price": "10000", "frequency": "0", "lifespan": "24"}"#,
        bad_field: "frequency",
    },
    Case {
        name: "profit",
        path: "/v1/calc/profit",
        body: r#"{"price": 50000, "frequency": 2, "lifespan": 3, "margin": 0.4, "cac": 30000, "retention_cost": 5000}"#,
        cli: &[
            "calc",
            "profit",
            "--price",
            "50000",
            "--frequency",
            "2",
            "--lifespan",
            "3",
            "--margin",
            "0.4",
            "--cac",
            "30000",
            "--retention-cost",
            "5000",
        ],
        out_of_range: r#"{"price": 50000, "frequency": 2, "lifespan": 3, "margin": 0.4, "cac": -1}"#,
        bad_field: "cac",
    },
    Case {
        name: "ecommerce",
        path: "/v1/calc/ecommerce",
        body: r#"{"aov": 8000, "frequency": 4, "lifespan": 5, "cac": 20000}"#,
        cli: &[
            "calc",
            "ecommerce",
            "--aov",
            "8000",
            "--frequency",
            "4",
            "--lifespan",
            "5",
            "--cac",
            "20000",
        ],
        out_of_range: r#"{"aov": -8000, "frequency": 4, "lifespan": 5}"#,
        bad_field: "aov",
    },
    Case {
        name: "cac",
        path: "/v1/cac",
        body: r#"{"marketing": 2000000, "sales": 3000000, "new_customers": 50}"#,
        cli: &[
            "cac",
            "--marketing",
            "2000000",
            "--sales",
            "3000000",
            "--new-customers",
            "50",
        ],
        out_of_range: r#"{"marketing": 2000000, "sales": 3000000, "new_customers": 0}"#,
        bad_field: "new_customers",
    },
    Case {
        name: "unit_economics",
        path: "/v1/unit-economics",
        body: r#"{"ltv": "140000", "cac": "56000", "arpu": "10000", "margin": "0.7"}"#,
        cli: &[
            "unit-economics",
            "--ltv",
            "140000",
            "--cac",
            "56000",
            "--arpu",
            "10000",
            "--margin",
            "0.7",
        ],
        out_of_range: r#"{"ltv": "140000", "cac": "0"}"#,
        bad_field: "cac",
    },
];
