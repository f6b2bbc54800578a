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

/// A heavy job whose request times out is cancelled: it sees the cancellation at its
/// next check, stops, and its slot is free again at once (the pool has one slot).
#[tokio::test]
async fn a_timed_out_heavy_job_is_cancelled_and_frees_its_slot() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    let state = AppState::new(Limits {
        request_timeout: Duration::from_millis(100),
        heavy_jobs: 1,
        ..Limits::default()
    });
    let stopped = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&stopped);
    let app = with_layers(
        Router::new().route(
            "/heavy",
            get(
                move |axum::extract::State(state): axum::extract::State<AppState>| {
                    let seen = Arc::clone(&seen);
                    async move {
                        state
                            .pool()
                            .run(move || {
                                let job = ltv_server::current_job();
                                // a job that would run for a minute, checking as the
                                // libraries do
                                let started = Instant::now();
                                while started.elapsed() < Duration::from_secs(60) {
                                    if job.check().is_err() {
                                        seen.store(true, Ordering::SeqCst);
                                        return Err(ltv_server::ApiError::Internal);
                                    }
                                    std::thread::sleep(Duration::from_millis(10));
                                }
                                Ok("done")
                            })
                            .await
                    }
                },
            )
            .with_state(state.clone()),
        ),
        state.clone(),
    );
    let req = Request::get("/heavy").body(Body::empty()).unwrap();
    let reply = send_to(app, req).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.code(), "timeout");
    // the job stops within a second and gives its slot back
    let waited = Instant::now();
    while state.pool().try_slot().is_err() {
        assert!(
            waited.elapsed() < Duration::from_secs(1),
            "the timed-out job still holds its slot"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        stopped.load(Ordering::SeqCst),
        "the job never saw the cancellation"
    );
}
