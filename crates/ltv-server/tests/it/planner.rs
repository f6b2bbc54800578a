//! `POST /v1/levers`, `/v1/plan`, `/v1/roi`: the answer equals the library's report
//! and the CLI's `--format json`, JSON and TOML files agree, and bad files or options
//! are the right 4xx.

use axum::body::Body;
use axum::http::Request;
use insta::assert_snapshot;
use ltv_planner::{PlanFile, PlanOptions, RoiOptions};
use ltv_server::{router, AppState};
use serde_json::Value;

use crate::{cli_json, post_json, send_to, temp_file, Reply};

const BASELINE: &str = r#"{"model": "subscription", "arpu": "10000", "margin": "0.70", "churn": "0.05", "cac": "56000", "customers": "1000"}"#;

const FILE_TOML: &str = r#"
[baseline]
model = "subscription"
arpu = "10000"
margin = "0.70"
churn = "0.05"
cac = "56000"
customers = "1000"

[[initiatives]]
name = "Onboarding"
team = "cs"
driver = "churn"
change = "-1pt"
one_off_cost = "3000000"
impact = 8
confidence = 7
ease = 6

[[initiatives]]
name = "Price rise"
team = "sales"
driver = "arpu"
change = "5%"
one_off_cost = "500000"
impact = 6
confidence = 5
ease = 8
"#;

fn file_json() -> String {
    let file = PlanFile::from_toml_str(FILE_TOML).unwrap();
    serde_json::to_string(&file).unwrap()
}

async fn post_file(uri: &str, content_type: &str, body: &str) -> Reply {
    let req = Request::post(uri)
        .header("content-type", content_type)
        .body(Body::from(body.to_owned()))
        .unwrap();
    send_to(router(AppState::default()), req).await
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[tokio::test]
async fn levers_equal_the_library() {
    let reply = post_json("/v1/levers", BASELINE).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let expected = ltv_planner::levers(&serde_json::from_str(BASELINE).unwrap()).unwrap();
    assert_eq!(reply.json, serde_json::to_value(expected).unwrap());
    assert_snapshot!("levers_json", pretty(&reply.json));
    let file = temp_file("levers.toml", FILE_TOML);
    let cli = cli_json(&["levers", "--baseline", file.to_str().unwrap()]);
    assert_eq!(reply.json, cli, "differs from `ltv levers --format json`");
}

#[tokio::test]
async fn plan_from_toml_and_json_equals_the_library() {
    let toml = post_file("/v1/plan", "application/toml", FILE_TOML).await;
    assert_eq!(toml.status, 200, "{}", toml.json);
    let json = post_file("/v1/plan", "application/json", &file_json()).await;
    assert_eq!(json.json, toml.json);
    let file = PlanFile::from_toml_str(FILE_TOML).unwrap();
    let expected = ltv_planner::plan(&file, &PlanOptions::default()).unwrap();
    assert_eq!(toml.json, serde_json::to_value(expected).unwrap());
    assert_snapshot!("plan_json", pretty(&toml.json));
    let path = temp_file("plan.toml", FILE_TOML);
    let cli = cli_json(&["plan", path.to_str().unwrap()]);
    assert_eq!(toml.json, cli, "differs from `ltv plan --format json`");

    let rice = post_file(
        "/v1/plan?mode=ice&horizon_months=24&discount_rate=0.08",
        "application/toml",
        FILE_TOML,
    )
    .await;
    assert_eq!(rice.status, 200, "{}", rice.json);
    let options = PlanOptions {
        horizon_months: 24,
        discount_rate: "0.08".parse().unwrap(),
        ..PlanOptions::default()
    };
    let expected = ltv_planner::plan(&file, &options).unwrap();
    assert_eq!(rice.json, serde_json::to_value(expected).unwrap());
}

#[tokio::test]
async fn roi_equals_the_library() {
    let reply = post_file(
        "/v1/roi?initiative=Onboarding",
        "application/toml",
        FILE_TOML,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let file = PlanFile::from_toml_str(FILE_TOML).unwrap();
    let initiative = file.initiative("Onboarding").unwrap();
    let baseline = file.baseline_for(initiative).unwrap();
    let expected = ltv_planner::roi(baseline, initiative, &RoiOptions::default()).unwrap();
    assert_eq!(reply.json, serde_json::to_value(expected).unwrap());
    assert_eq!(reply.json["ltv_after"], "175000");
    assert_snapshot!("roi_json", pretty(&reply.json));
    let path = temp_file("roi.toml", FILE_TOML);
    let cli = cli_json(&[
        "roi",
        "--baseline",
        path.to_str().unwrap(),
        "--initiative",
        "Onboarding",
    ]);
    assert_eq!(reply.json, cli, "differs from `ltv roi --format json`");
}

#[tokio::test]
async fn bad_files_and_options_are_4xx() {
    // a value out of range at a known place in the TOML file: 422 with line and column
    let bad = FILE_TOML.replace("impact = 8", "impact = 11");
    let reply = post_file("/v1/plan", "application/toml", &bad).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.code(), "invalid_data");
    assert!(reply.json["error"]["line"].is_u64(), "{}", reply.json);
    assert_snapshot!("plan_bad_value_body", pretty(&reply.json));
    // broken TOML
    let reply = post_file("/v1/plan", "application/toml", "[baseline\nmodel =").await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    // broken JSON, empty bodies
    for (ct, body) in [
        ("application/json", "{"),
        ("application/json", ""),
        ("application/toml", ""),
    ] {
        let reply = post_file("/v1/plan", ct, body).await;
        assert!(
            reply.status.is_client_error(),
            "{ct} {body:?}: {}",
            reply.json
        );
        assert!(reply.json["error"]["code"].is_string());
    }
    // unknown initiative, missing initiative, bad and unknown options
    let reply = post_file("/v1/roi?initiative=Nope", "application/toml", FILE_TOML).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "unknown_initiative");
    assert_eq!(reply.json["error"]["field"], "initiative");
    for uri in [
        "/v1/roi",
        "/v1/roi?initiative=Onboarding&horizon_months=x",
        "/v1/plan?mode=magic",
        "/v1/plan?colour=red",
    ] {
        let reply = post_file(uri, "application/toml", FILE_TOML).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_query", "{uri}");
    }
    let reply = post_file("/v1/plan?horizon_months=0", "application/toml", FILE_TOML).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "horizon_months");
    // wrong content type
    let reply = post_file("/v1/plan", "text/plain", FILE_TOML).await;
    assert_eq!(reply.status, 415);
    // levers: out of range, wrong type, unknown model
    let reply = post_json("/v1/levers", &BASELINE.replace("\"0.05\"", "\"1.5\"")).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "churn");
    let reply = post_json("/v1/levers", r#"{"model": "magic"}"#).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
}
