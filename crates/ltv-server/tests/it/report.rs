//! `GET /`, `GET /sample` and `POST /v1/report`: the same HTML as `ltv report`, errors
//! on the upload page for a browser and as JSON for an API client.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use ltv_server::{router, AppState, Limits};
use tower::ServiceExt;

const SAMPLE_DIR: &str = "../ltv-report/data";

pub struct Text {
    pub status: StatusCode,
    pub content_type: String,
    pub body: String,
}

pub async fn send(app: axum::Router, req: Request<Body>) -> Text {
    let response = app.oneshot(req).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Text {
        status,
        content_type,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

pub const BOUNDARY: &str = "ltv-test-boundary";

/// A multipart/form-data body: `(name, Some(file name), bytes)` for files, `None` for
/// text fields.
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub fn upload(body: Vec<u8>, html: bool) -> Request<Body> {
    let mut req = Request::post("/v1/report").header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if html {
        req = req.header(header::ACCEPT, "text/html,application/xhtml+xml");
    }
    req.body(Body::from(body)).unwrap()
}

fn sample_file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{SAMPLE_DIR}/{name}")).unwrap()
}

#[tokio::test]
async fn upload_page_and_sample() {
    let page = send(
        router(AppState::default()),
        Request::get("/?lang=ja").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page
        .body
        .contains(r#"<form method="post" action="/v1/report""#));
    assert!(page.body.contains("レポートを作成"));
    let sample = send(
        router(AppState::default()),
        Request::get("/sample").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(sample.status, StatusCode::OK);
    assert_eq!(sample.body.matches("<svg").count(), 10);
    let bad = send(
        router(AppState::default()),
        Request::get("/?lang=fr").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn upload_equals_the_cli() {
    let path = format!("{SAMPLE_DIR}/sample_transactions.csv");
    let body = multipart(&[
        (
            "transactions",
            Some(path.as_str()),
            &sample_file("sample_transactions.csv"),
        ),
        (
            "cac",
            Some("sample_cac.csv"),
            &sample_file("sample_cac.csv"),
        ),
        (
            "plan",
            Some("sample_initiatives.toml"),
            &sample_file("sample_initiatives.toml"),
        ),
        ("margin", None, b"0.4"),
        ("currency", None, b"$"),
        ("lang", None, b"ja"),
    ]);
    let reply = send(router(AppState::default()), upload(body, false)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.content_type.starts_with("text/html"));
    let mut cli = Vec::new();
    ltv_cli::run(
        [
            "ltv",
            "report",
            &path,
            "--cac",
            &format!("{SAMPLE_DIR}/sample_cac.csv"),
            "--plan",
            &format!("{SAMPLE_DIR}/sample_initiatives.toml"),
            "--margin",
            "0.4",
            "--currency",
            "$",
            "--lang",
            "ja",
        ],
        &mut cli,
    )
    .unwrap();
    assert_eq!(reply.body, String::from_utf8(cli).unwrap());
}

#[tokio::test]
async fn json_report_equals_the_cli() {
    let path = format!("{SAMPLE_DIR}/sample_transactions.csv");
    let body = multipart(&[
        (
            "transactions",
            Some("sample_transactions.csv"),
            &sample_file("sample_transactions.csv"),
        ),
        (
            "cac",
            Some("sample_cac.csv"),
            &sample_file("sample_cac.csv"),
        ),
        (
            "plan",
            Some("sample_initiatives.toml"),
            &sample_file("sample_initiatives.toml"),
        ),
        ("margin", None, b"40%"),
        ("currency", None, b"JPY"),
        ("inactive_days", None, b"120"),
        ("repeat_days", None, b"60"),
        ("target_ratio", None, b"4"),
        ("business", None, b"consulting"),
    ]);
    let mut req = upload(body, false);
    *req.uri_mut() = "/v1/report?format=json".parse().unwrap();
    let reply = send(router(AppState::default()), req).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.content_type.starts_with("application/json"));
    let server: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let cli = crate::cli_json(&[
        "report",
        &path,
        "--cac",
        &format!("{SAMPLE_DIR}/sample_cac.csv"),
        "--plan",
        &format!("{SAMPLE_DIR}/sample_initiatives.toml"),
        "--margin",
        "40%",
        "--currency",
        "JPY",
        "--inactive-days",
        "120",
        "--repeat-days",
        "60",
        "--target-ratio",
        "4",
        "--business",
        "consulting",
    ]);
    assert_eq!(server, cli);
    assert_eq!(server["headline"]["inactive_days"], 120);
    assert_eq!(server["business"], "consulting");
    assert_eq!(server["currency"]["minor_units"], 0);
    // an unknown format is a 400 naming the field
    let mut req = upload(multipart(&[]), false);
    *req.uri_mut() = "/v1/report?format=pdf".parse().unwrap();
    let reply = send(router(AppState::default()), req).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(
        reply.body.contains("\"field\":\"format\""),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn upload_errors() {
    let csv = b"customer_id,order_date,amount\na,2024-01-01,10\nb,2024-13-01,5\n";
    // an API client gets the JSON error with the line
    let reply = send(
        router(AppState::default()),
        upload(
            multipart(&[("transactions", Some("orders.csv"), csv)]),
            false,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["error"]["line"], 3);
    // a browser gets the upload page with the message on it
    let page = send(
        router(AppState::default()),
        upload(
            multipart(&[("transactions", Some("orders.csv"), csv)]),
            true,
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("role=\"alert\""), "{}", page.body);
    assert!(page.body.contains("orders.csv:3"), "{}", page.body);
    // no transactions file; an out-of-range margin; an unknown field
    for (parts, code) in [
        (vec![("margin", None, &b"0.4"[..])], "missing_field"),
        (
            vec![
                ("transactions", Some("o.csv"), &csv[..46]),
                ("margin", None, b"1.5"),
            ],
            "out_of_range",
        ),
        (
            vec![
                ("transactions", Some("o.csv"), &csv[..46]),
                ("colour", None, b"red"),
            ],
            "unknown_field",
        ),
    ] {
        let reply = send(
            router(AppState::default()),
            upload(multipart(&parts), false),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert!(reply.body.contains(code), "{code}: {}", reply.body);
    }
    // wrong content type; a body over the limit
    let wrong = Request::post("/v1/report")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(&csv[..]))
        .unwrap();
    assert_eq!(
        send(router(AppState::default()), wrong).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let small = AppState::new(Limits {
        max_body_bytes: 100,
        ..Limits::default()
    });
    let big = multipart(&[("transactions", Some("o.csv"), &[b'x'; 500][..])]);
    assert_eq!(
        send(router(small), upload(big, false)).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}
