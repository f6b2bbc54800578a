//! Bad input for every JSON endpoint: the right 4xx in the one error shape, never a 5xx.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use insta::assert_snapshot;
use ltv_server::{router, AppState, Limits};

use crate::{json_request, post_json, send_to, Reply, CASES};

/// Checks status and code, and that the body has the error shape.
fn expect(reply: &Reply, status: u16, code: &str, context: &str) {
    assert_eq!(reply.status, status, "{context}: {}", reply.json);
    assert_eq!(reply.code(), code, "{context}: {}", reply.json);
    let message = reply.json["error"]["message"].as_str().unwrap();
    assert!(!message.is_empty(), "{context}");
    assert!(
        !message.starts_with(char::is_uppercase),
        "{context}: lower-case message"
    );
    assert!(!message.ends_with('.'), "{context}: no trailing period");
}

#[tokio::test]
async fn out_of_range_is_400_naming_the_field() {
    for case in CASES {
        let reply = post_json(case.path, case.out_of_range).await;
        expect(&reply, 400, "out_of_range", case.name);
        assert_eq!(
            reply.json["error"]["field"], case.bad_field,
            "{}",
            case.name
        );
    }
    let reply = post_json("/v1/calc/subscription", r#"{"arpu": 10000, "churn": 1.5}"#).await;
    assert_snapshot!(
        "out_of_range_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}

#[tokio::test]
async fn malformed_and_empty_json_are_400() {
    for case in CASES {
        let trailing = format!("{} trailing", case.body);
        for body in ["{", "", "   ", "nul", "[1, 2", "\u{0}", &trailing] {
            let reply = post_json(case.path, body).await;
            expect(
                &reply,
                400,
                "malformed_json",
                &format!("{} {body:?}", case.name),
            );
        }
    }
    let reply = post_json("/v1/cac", "{").await;
    assert_snapshot!(
        "malformed_json_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}

#[tokio::test]
async fn wrong_types_missing_and_unknown_fields_are_422() {
    for case in CASES {
        for body in [
            "[]",
            "42",
            "\"text\"",
            "{}",
            &format!(r#"{{"{}": true}}"#, case.bad_field),
            &case.body.replacen('{', r#"{"unknown_field": 1, "#, 1),
        ] {
            let reply = post_json(case.path, body).await;
            expect(
                &reply,
                422,
                "invalid_json",
                &format!("{} {body}", case.name),
            );
        }
    }
    let reply = post_json("/v1/calc/subscription", r#"{"arpu": true, "churn": 0.05}"#).await;
    assert_eq!(reply.json["error"]["field"], "arpu");
    assert_snapshot!(
        "wrong_type_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
    let reply = post_json("/v1/calc/subscription", r#"{"churn": 0.05}"#).await;
    assert_eq!(reply.json["error"]["field"], "arpu");
    assert_snapshot!(
        "missing_field_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}

#[tokio::test]
async fn numbers_that_would_lose_digits_are_400() {
    let reply = post_json(
        "/v1/calc/subscription",
        r#"{"arpu": 10000.000000000000001, "churn": 0.05}"#,
    )
    .await;
    expect(&reply, 400, "inexact_number", "long number");
    assert_snapshot!(
        "inexact_number_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}

#[tokio::test]
async fn wrong_or_missing_content_type_is_415() {
    for case in CASES {
        for content_type in [
            Some("text/plain"),
            Some("text/csv"),
            Some("application/jsonx"),
            None,
        ] {
            let mut req = Request::post(case.path);
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            let req = req.body(Body::from(case.body)).unwrap();
            let reply = send_to(router(AppState::default()), req).await;
            expect(
                &reply,
                415,
                "unsupported_media_type",
                &format!("{} {content_type:?}", case.name),
            );
        }
        // parameters and +json suffixes are fine
        for content_type in [
            "application/json; charset=utf-8",
            "application/problem+json",
        ] {
            let req = Request::post(case.path)
                .header("content-type", content_type)
                .body(Body::from(case.body))
                .unwrap();
            let reply = send_to(router(AppState::default()), req).await;
            assert_eq!(reply.status, 200, "{} {content_type}", case.name);
        }
    }
}

fn small_limits() -> AppState {
    AppState::new(Limits {
        max_body_bytes: 1024,
        request_timeout: Duration::from_secs(10),
        heavy_jobs: 1,
    })
}

#[tokio::test]
async fn huge_body_is_413() {
    for case in CASES {
        // with Content-Length: refused before reading
        let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(4096));
        let reply = send_to(router(small_limits()), json_request(case.path, &huge)).await;
        expect(&reply, 413, "payload_too_large", case.name);
        // without Content-Length (chunked): refused when it crosses the limit
        let req = Request::post(case.path)
            .header("content-type", "application/json")
            .body(crate::csv_stream::chunked(vec![
                huge.clone().into_bytes();
                3
            ]))
            .unwrap();
        let reply = send_to(router(small_limits()), req).await;
        expect(&reply, 413, "payload_too_large", case.name);
    }
}

#[tokio::test]
async fn wrong_method_is_405_and_unknown_path_404() {
    for case in CASES {
        let req = Request::get(case.path).body(Body::empty()).unwrap();
        let reply = send_to(router(AppState::default()), req).await;
        expect(&reply, 405, "method_not_allowed", case.name);
    }
    let req = Request::get("/v1/nope").body(Body::empty()).unwrap();
    let reply = send_to(router(AppState::default()), req).await;
    expect(&reply, 404, "not_found", "unknown path");
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_snapshot!(
        "not_found_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}
