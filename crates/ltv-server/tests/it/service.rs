//! Health, the OpenAPI document, panics and timeouts.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::routing::{get, post};
use axum::Router;
use insta::assert_snapshot;
use ltv_server::{router, with_layers, AppState, Limits};

use crate::{send_to, CASES};

async fn get_json(path: &str) -> crate::Reply {
    let req = Request::get(path).body(Body::empty()).unwrap();
    send_to(router(AppState::default()), req).await
}

#[tokio::test]
async fn healthz() {
    let reply = get_json("/healthz").await;
    assert_eq!(reply.status, 200);
    assert_snapshot!(
        "healthz_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}

#[tokio::test]
async fn openapi_lists_every_route_it_serves() {
    let reply = get_json("/openapi.json").await;
    assert_eq!(reply.status, 200);
    let doc = reply.json;
    assert_eq!(doc["openapi"], "3.1.0");
    for case in CASES {
        let op = &doc["paths"][case.path]["post"];
        assert!(op.is_object(), "{} missing from /openapi.json", case.path);
        for status in ["200", "400", "413", "415", "422"] {
            assert!(
                op["responses"][status].is_object(),
                "{} {status}",
                case.path
            );
        }
    }
    assert!(doc["paths"]["/healthz"]["get"].is_object());
    assert_eq!(
        doc["paths"].as_object().unwrap().len(),
        // + healthz, levers, plan, roi, forecast/{retention,purchases,clv}, saas,
        //   health, customers, rfm, cohorts, channels, report
        // + the team service: backlog, backlog/{id}, ratings, status, history,
        //   measurement, board, snapshots, tokens, tokens/{name}, whoami
        CASES.len() + 14 + 11,
        "an undocumented or unserved route"
    );
    // The same document as --print-openapi, and a snapshot so changes are reviewed.
    let printed = ltv_server::openapi_json(&ltv_server::openapi::openapi());
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&printed).unwrap(),
        doc
    );
    assert_snapshot!("openapi_json", printed);
}

#[tokio::test]
async fn a_panic_is_a_generic_500() {
    let app = with_layers(
        Router::new().route(
            "/boom",
            post(|| async {
                if true {
                    panic!("secret detail");
                }
                "unreachable"
            }),
        ),
        AppState::default(),
    );
    let req = Request::post("/boom").body(Body::empty()).unwrap();
    let reply = send_to(app, req).await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.code(), "internal");
    assert!(!reply.json.to_string().contains("secret"));
    assert_snapshot!(
        "internal_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}

#[tokio::test]
async fn a_slow_request_times_out_with_503() {
    let state = AppState::new(Limits {
        request_timeout: Duration::from_millis(50),
        ..Limits::default()
    });
    let app = with_layers(
        Router::new().route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        ),
        state,
    );
    let req = Request::get("/slow").body(Body::empty()).unwrap();
    let reply = send_to(app, req).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.code(), "timeout");
}
