//! `POST /v1/health`: equal to `ltv health --format json` (a form with usage and MRR,
//! and a bare usage CSV), and bad uploads, options and data are the right 4xx.

use axum::body::Body;
use axum::http::{header, Request};
use insta::assert_snapshot;
use ltv_server::{router, AppState};
use serde_json::Value;

use crate::report::{multipart, BOUNDARY};
use crate::{cli_json, send_to, Reply};

const USAGE: &str = "../ltv-health/data/sample_usage.csv";
const MRR: &str = "../ltv-health/data/sample_mrr.csv";

fn form(uri: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Request<Body> {
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(parts)))
        .unwrap()
}

fn csv(uri: &str, body: &[u8]) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body.to_vec()))
        .unwrap()
}

async fn send(req: Request<Body>) -> Reply {
    send_to(router(AppState::default()), req).await
}

/// The same report with the file names (which differ: paths for the CLI, part names
/// for the server) set alike, also in the warnings.
fn without_file_names(v: Value) -> Value {
    let text = v.to_string().replace(USAGE, "usage").replace(MRR, "mrr");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn health_equals_the_cli() {
    let usage = std::fs::read(USAGE).unwrap();
    let mrr = std::fs::read(MRR).unwrap();
    let uri = "/v1/health?as_of=2024-03-31&backtest=true&lang=ja";
    let reply = send(form(
        uri,
        &[
            ("usage", Some("usage.csv"), &usage),
            ("mrr", Some("mrr.csv"), &mrr),
        ],
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["data"]["usage"]["file"], "usage");
    assert_eq!(reply.json["data"]["outcomes"]["file"], "mrr");
    let cli = cli_json(&[
        "health",
        "--usage",
        USAGE,
        "--mrr",
        MRR,
        "--as-of",
        "2024-03-31",
        "--backtest",
        "--lang",
        "ja",
    ]);
    assert_eq!(
        without_file_names(reply.json.clone()),
        without_file_names(cli),
        "differs from `ltv health --format json`"
    );
    let mut shown = reply.json.clone();
    shown["customers"].as_array_mut().unwrap().truncate(3);
    shown["nps"]["by_month"].as_array_mut().unwrap().truncate(2);
    assert_snapshot!("health_json", serde_json::to_string_pretty(&shown).unwrap());

    // the usage alone, as text/csv: default weights
    let reply = send(csv(
        "/v1/health?as_of=2024-03-31&usage_metrics=logins,reports",
        &usage,
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["model"]["kind"], "default_weights");
    let cli = cli_json(&[
        "health",
        "--usage",
        USAGE,
        "--as-of",
        "2024-03-31",
        "--usage-metrics",
        "logins,reports",
    ]);
    assert_eq!(without_file_names(reply.json), without_file_names(cli));
}

#[tokio::test]
async fn bad_requests_are_4xx_naming_the_field() {
    let usage = std::fs::read(USAGE).unwrap();
    let mrr = std::fs::read(MRR).unwrap();
    let cases: &[(&str, u16, &str, &str)] = &[
        ("/v1/health", 400, "invalid_query", ""),
        ("/v1/health?as_of=2024-02-30", 400, "invalid_query", ""),
        (
            "/v1/health?as_of=2024-03-31&horizon=3",
            400,
            "invalid_query",
            "",
        ),
        (
            "/v1/health?as_of=2024-03-31&horizon_months=13",
            400,
            "out_of_range",
            "horizon_months",
        ),
        (
            "/v1/health?as_of=2024-03-31&nps_metric=score",
            400,
            "unknown_metric",
            "nps_metric",
        ),
        (
            "/v1/health?as_of=2024-03-31&backtest=true",
            422,
            "invalid_data",
            "",
        ),
        (
            "/v1/health?as_of=2024-03-31&date_col=day",
            422,
            "invalid_data",
            "day",
        ),
    ];
    for (uri, status, code, field) in cases {
        let reply = send(csv(uri, &usage)).await;
        assert_eq!(reply.status, *status, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), *code, "{uri}: {}", reply.json);
        if !field.is_empty() {
            assert_eq!(reply.json["error"]["field"], *field, "{uri}");
        }
    }
    let reply = send(csv("/v1/health?as_of=2024-03-31&nps_metric=score", &usage)).await;
    assert_snapshot!(
        "health_unknown_metric_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );

    // NPS out of range: 422 with the line
    let bad = b"customer_id,date,metric,value\na,2024-03-01,logins,3\na,2024-03-02,nps,12\n";
    let reply = send(csv("/v1/health?as_of=2024-03-31", bad)).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.json["error"]["line"], 3);
    assert_eq!(reply.json["error"]["field"], "value");

    let uri = "/v1/health?as_of=2024-03-31";
    for (parts, code) in [
        (vec![("mrr", Some("m.csv"), &mrr[..])], "missing_field"),
        (
            vec![
                ("usage", Some("u.csv"), &usage[..]),
                ("plan", Some("p.toml"), &b"x"[..]),
            ],
            "unknown_field",
        ),
        (
            vec![
                ("usage", Some("u.csv"), &usage[..]),
                ("usage", Some("u.csv"), &usage[..]),
            ],
            "repeated_field",
        ),
        (
            vec![
                ("usage", Some("u.csv"), &usage[..]),
                ("mrr", Some("m.csv"), &mrr[..]),
                ("churned", Some("c.csv"), &b"customer_id,churn_date\n"[..]),
            ],
            "invalid_value",
        ),
    ] {
        let reply = send(form(uri, &parts)).await;
        assert_eq!(reply.status, 400, "{code}: {}", reply.json);
        assert_eq!(reply.code(), code);
    }
    let other_ids = b"customer_id,month,mrr\nX-1,2024-03,10\n";
    let reply = send(form(
        uri,
        &[
            ("usage", Some("u.csv"), &usage[..]),
            ("mrr", Some("m.csv"), &other_ids[..]),
        ],
    ))
    .await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert!(reply.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("same customer ids"));
    let reply = send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 415);
}
