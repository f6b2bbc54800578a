//! `POST /v1/forecast/retention`: the sBG fit of a retention matrix equals the
//! library's and the CLI's `--format json`, reproduces
//! Fader & Hardie (2007)'s "regular" customers; bad matrices are 422 with line and
//! column.

use axum::body::Body;
use axum::http::Request;
use insta::assert_snapshot;
use ltv_forecast::{forecast_retention, survivors_from_retention_csv, RetentionRequest};
use ltv_server::{router, AppState};

use crate::{cli_json, send_to, temp_file, Reply};

/// Fader & Hardie (2007), "regular" customers: 1000 → 631 → 468 → … → 241.
const MATRIX: &str = "cohort,size,0,1,2,3,4,5,6,7\n\
                      regular,1000,1,0.631,0.468,0.382,0.326,0.289,0.262,0.241\n";

async fn post_matrix(uri: &str, body: &str) -> Reply {
    let req = Request::post(uri)
        .header("content-type", "text/csv")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send_to(router(AppState::default()), req).await
}

#[tokio::test]
async fn retention_equals_the_library_and_the_paper() {
    let reply = post_matrix(
        "/v1/forecast/retention?periods=12&discount_rate=0.1&value_per_period=100",
        MATRIX,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let request = RetentionRequest {
        periods: 12,
        discount_rate: "0.1".parse().unwrap(),
        value_per_period: Some("100".parse().unwrap()),
    };
    let cohorts = survivors_from_retention_csv(MATRIX).unwrap();
    let expected = forecast_retention(&cohorts, &request).unwrap();
    // Through the same JSON text both ways: serde_json's float parsing is not
    // correctly rounded in the last digit, so text → Value must happen on both sides.
    let expected: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&expected).unwrap()).unwrap();
    assert_eq!(reply.json, expected);
    // Fader & Hardie (2007), regular segment: alpha = 0.704, beta = 1.182
    let alpha = reply.json["alpha"].as_f64().unwrap();
    let beta = reply.json["beta"].as_f64().unwrap();
    assert!((alpha - 0.704).abs() < 0.001, "{alpha}");
    assert!((beta - 1.182).abs() < 0.001, "{beta}");
    let path = temp_file("retention.csv", MATRIX);
    let cli = cli_json(&[
        "forecast",
        "retention",
        "--cohorts",
        path.to_str().unwrap(),
        "--periods",
        "12",
        "--discount-rate",
        "0.1",
        "--value-per-period",
        "100",
    ]);
    assert_eq!(
        reply.json, cli,
        "differs from `ltv forecast retention --format json`"
    );
    assert_snapshot!(
        "forecast_retention_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
}

#[tokio::test]
async fn bad_matrix_and_options_are_4xx() {
    let reply = post_matrix(
        "/v1/forecast/retention?periods=12",
        "cohort,size,0,1\na,10,1,1.5\n",
    )
    .await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.code(), "invalid_data");
    assert_eq!(reply.json["error"]["line"], 2);
    assert_eq!(reply.json["error"]["column"], 4);
    for body in ["", "nonsense", "cohort,size,0\n"] {
        let reply = post_matrix("/v1/forecast/retention?periods=12", body).await;
        assert_eq!(reply.status, 422, "{body:?}: {}", reply.json);
    }
    let reply = post_matrix("/v1/forecast/retention?periods=0", MATRIX).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "periods");
    for uri in [
        "/v1/forecast/retention?periods=",
        "/v1/forecast/retention?periods=x",
        "/v1/forecast/retention?periods=3&nope=1",
    ] {
        let reply = post_matrix(uri, MATRIX).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_query");
    }
    let req = Request::post("/v1/forecast/retention?periods=12")
        .header("content-type", "application/json")
        .body(Body::from(MATRIX))
        .unwrap();
    assert_eq!(send_to(router(AppState::default()), req).await.status, 415);
}
