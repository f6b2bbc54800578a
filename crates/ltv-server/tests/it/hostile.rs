//! Hostile clients on a real socket: slow and idle connections are cut, a flood of
//! connections is refused with 503 instead of exhausting descriptors, protocol errors
//! and an early 413 are answers a client can read, and concurrent bodies cannot hold
//! more memory than the in-flight budget.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use ltv_server::{router, serve, AppState, BodyLimits, Limits, ServeOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// Serves the real router with `state` and `options` on a fresh port.
async fn start(state: AppState, options: ServeOptions) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(
        listener,
        router(state),
        options,
        std::future::pending(),
    ));
    addr
}

fn quick(max_connections: usize) -> ServeOptions {
    ServeOptions {
        header_timeout: Duration::from_millis(800),
        max_connections,
    }
}

/// Reads until the server closes the connection (or `limit` passes); the text read.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut chunk = [0u8; 4096];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&buf).into_owned())
}

#[tokio::test]
async fn slowloris_and_idle_connections_are_cut() {
    let addr = start(AppState::default(), quick(64)).await;
    let started = Instant::now();
    // headers a byte at a time, never finished
    let mut slow = TcpStream::connect(addr).await.unwrap();
    let drip = tokio::spawn(async move {
        for byte in b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-slow: "
            .iter()
            .cycle()
        {
            if slow.write_all(&[*byte]).await.is_err() {
                return started.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        unreachable!()
    });
    // connected, silent
    let mut idle = TcpStream::connect(addr).await.unwrap();
    // one request, then idle on keep-alive
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 12];
    kept.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");

    assert!(read_until_closed(&mut idle, Duration::from_secs(5))
        .await
        .is_some());
    assert!(read_until_closed(&mut kept, Duration::from_secs(5))
        .await
        .is_some());
    let cut_after = tokio::time::timeout(Duration::from_secs(10), drip)
        .await
        .expect("the slow client is cut")
        .unwrap();
    assert!(cut_after < Duration::from_secs(5), "{cut_after:?}");
    // the server still answers
    let mut fresh = TcpStream::connect(addr).await.unwrap();
    fresh
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut fresh, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn connections_over_the_cap_get_503() {
    // idle connections stay open long enough for the third to meet the cap
    let options = ServeOptions {
        header_timeout: Duration::from_secs(30),
        max_connections: 2,
    };
    let addr = start(AppState::default(), options).await;
    let _a = TcpStream::connect(addr).await.unwrap();
    let _b = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut c = TcpStream::connect(addr).await.unwrap();
    let answer = read_until_closed(&mut c, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
    assert!(answer.contains(r#""code":"busy""#), "{answer}");
}

#[tokio::test]
async fn protocol_errors_have_json_bodies() {
    let addr = start(AppState::default(), quick(64)).await;
    let cases = [
        (
            format!(
                "GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
                "a".repeat(ltv_server::MAX_HEADER_BYTES)
            ),
            "431",
            "headers_too_large",
        ),
        (
            "POST /v1/cac HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n".to_owned(),
            "400",
            "bad_request",
        ),
    ];
    for (request, status, code) in cases {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let _ = stream.write_all(request.as_bytes()).await;
        let answer = read_until_closed(&mut stream, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{answer}"
        );
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], code, "{answer}");
    }
}

/// A client that sends its whole body before reading (Python's `requests`) reads the
/// 413, rather than a broken pipe.
#[tokio::test]
async fn an_early_413_is_readable_by_a_client_still_sending() {
    let addr = start(AppState::default(), quick(64)).await;
    let body = vec![b' '; 4 << 20];
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/calc/subscription HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .unwrap_or_default();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
}

/// Bodies held at once are bounded by the in-flight budget: while one request holds
/// most of it, another that does not fit is refused at once with 503.
#[tokio::test]
async fn bodies_in_flight_share_one_budget() {
    let limits = Limits {
        max_body_bytes: 100_000,
        request_timeout: Duration::from_secs(10),
        heavy_jobs: 4,
    };
    let state = AppState::with_body_limits(
        limits,
        BodyLimits {
            in_flight_bytes: 100_000,
            ..BodyLimits::default()
        },
    );
    let addr = start(state.clone(), quick(64)).await;
    let mut holder = TcpStream::connect(addr).await.unwrap();
    holder
        .write_all(b"POST /v1/plan HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 90000\r\n\r\n{")
        .await
        .unwrap();
    // the declared length is held before the body is read
    let held = tokio::time::timeout(Duration::from_secs(10), async {
        while state.budget().available() > 10_000 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(held.is_ok(), "{}", state.budget().available());
    let mut other = TcpStream::connect(addr).await.unwrap();
    let body = format!("{{\"x\": \"{}\"}}", "y".repeat(20_000));
    other
        .write_all(
            format!(
                "POST /v1/plan HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let answer = read_until_closed(&mut other, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains(r#""code":"overloaded""#), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
}

#[tokio::test]
async fn small_endpoints_take_small_bodies() {
    let padded = format!(
        "{{\"arpu\": \"10000\", \"churn\": \"0.05\"{}}}",
        " ".repeat(100_000)
    );
    let req = Request::post("/v1/calc/subscription")
        .header("content-type", "application/json")
        .body(Body::from(padded))
        .unwrap();
    let response = router(AppState::default()).oneshot(req).await.unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn html_pages_carry_security_headers() {
    for path in ["/", "/?lang=ja"] {
        let req = Request::get(path).body(Body::empty()).unwrap();
        let response = router(AppState::default()).oneshot(req).await.unwrap();
        assert_eq!(response.status(), 200);
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }
    let req = Request::get("/healthz").body(Body::empty()).unwrap();
    let response = router(AppState::default()).oneshot(req).await.unwrap();
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.headers().get("content-security-policy").is_none());
}

#[tokio::test]
async fn errors_echo_at_most_a_little_of_the_input() {
    let long = "x".repeat(10_000);
    let req = Request::get(format!("/{long}"))
        .body(Body::empty())
        .unwrap();
    let response = router(AppState::default()).oneshot(req).await.unwrap();
    assert_eq!(response.status(), 404);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(bytes.len() < 600, "{}", bytes.len());
    let req = Request::post("/v1/calc/subscription")
        .header("content-type", format!("text/{long}"))
        .body(Body::from("{}"))
        .unwrap();
    let response = router(AppState::default()).oneshot(req).await.unwrap();
    assert_eq!(response.status(), 415);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(bytes.len() < 600, "{}", bytes.len());
}

#[tokio::test]
async fn json_arrays_are_not_objects() {
    for (path, body) in [
        ("/v1/calc/subscription", r#"["10000","0.05"]"#),
        ("/v1/cac", "[1,2,3]"),
        (
            "/v1/plan",
            r#"[{"model": "subscription", "arpu": "1", "churn": "0.5"}, {}, []]"#,
        ),
    ] {
        let req = Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        let response = router(AppState::default()).oneshot(req).await.unwrap();
        assert_eq!(response.status(), 422, "{path}");
    }
}

#[tokio::test]
async fn repeated_form_fields_are_refused() {
    let boundary = "XyZ";
    let part = |name: &str, file: &str, text: &str| {
        format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\ncontent-type: text/csv\r\n\r\n{text}\r\n")
    };
    let csv = "customer_id,order_date,amount\na,2024-01-01,1\n";
    let body = format!(
        "{}{}--{boundary}--\r\n",
        part("transactions", "a.csv", csv),
        part("transactions", "b.csv", csv)
    );
    for path in ["/v1/channels", "/v1/report"] {
        let req = Request::post(path)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body.clone()))
            .unwrap();
        let response = router(AppState::default()).oneshot(req).await.unwrap();
        assert_eq!(response.status(), 400, "{path}");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["error"]["code"], "repeated_field");
        assert_eq!(json["error"]["field"], "transactions");
    }
}

#[tokio::test]
async fn a_failed_upload_page_keeps_the_users_options() {
    let boundary = "XyZ";
    let text = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"transactions\"; filename=\"t.csv\"\r\ncontent-type: text/csv\r\n\r\nid,day,amt\r\nx,2024-01-01,1\r\n\r\n{}{}{}{}--{boundary}--\r\n",
        text("customer_col", "顧客ID"),
        text("date_format", "%Y/%m/%d"),
        text("encoding", "shift_jis"),
        text("lang", "ja"),
    );
    let req = Request::post("/v1/report")
        .header("accept", "text/html")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let response = router(AppState::default()).oneshot(req).await.unwrap();
    assert_eq!(response.status(), 422);
    assert!(response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let page = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let page = String::from_utf8(page.to_vec()).unwrap();
    assert!(page.contains(r#"value="顧客ID""#), "{page}");
    assert!(
        page.contains(r#"<option value="shift_jis" selected>"#),
        "{page}"
    );
    assert!(page.contains("顧客ID"), "{page}");
}

#[tokio::test]
async fn shift_jis_and_grouped_amounts_over_http() {
    let csv = "customer_id,order_date,amount\n山田商事,2024-01-05,\"¥9,800\"\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(csv);
    for query in [
        "amount_format=grouped",
        "amount_format=grouped&encoding=cp932",
    ] {
        let req = Request::post(format!("/v1/customers?{query}"))
            .header("content-type", "text/csv")
            .body(Body::from(sjis.to_vec()))
            .unwrap();
        let response = router(AppState::default()).oneshot(req).await.unwrap();
        assert_eq!(response.status(), 200, "{query}");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["customers"][0]["customer_id"], "山田商事", "{json}");
        assert_eq!(json["customers"][0]["monetary_total"], "9800", "{json}");
    }
}

/// Skipped rows are in the answer, not only in a log; a quoted field over several
/// lines is skipped whole (no phantom customer from its last line).
#[tokio::test]
async fn skipped_rows_are_in_every_answer() {
    let csv = "customer_id,order_date,amount\na,2024-01-01,1\nb,2024-13-01,2\n\"c\n\nx\",2024-01-02,3\nd,2024-01-03,x\n";
    for path in ["/v1/customers", "/v1/rfm", "/v1/cohorts"] {
        let req = Request::post(format!("{path}?skip_invalid=true"))
            .header("content-type", "text/csv")
            .body(Body::from(csv))
            .unwrap();
        let response = router(AppState::default()).oneshot(req).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["skipped"]["rows"], 3, "{path}: {json}");
        assert_eq!(json["skipped"]["first"][0]["line"], 3, "{path}: {json}");
        assert_eq!(json["skipped"]["first"][1]["line"], 4, "{path}: {json}");
        let text = json.to_string();
        assert!(!text.contains(r#""customer_id":"x\"""#), "{path}: {json}");
    }
}

#[tokio::test]
async fn decimals_that_would_be_rounded_are_refused() {
    for (path, body, code) in [
        (
            "/v1/calc/subscription",
            r#"{"arpu": "1.11111111111111111111111111111111111", "churn": "0.05"}"#,
            "too_precise",
        ),
        (
            "/v1/levers",
            r#"{"model": "subscription", "arpu": "1e40", "churn": "0.05"}"#,
            "too_large",
        ),
        (
            "/v1/plan",
            r#"{"baseline": {"model": "subscription", "arpu": "10000.000000000000000000000000000001", "churn": "0.05"}, "initiatives": []}"#,
            "too_precise",
        ),
    ] {
        let req = Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap();
        let response = router(AppState::default()).oneshot(req).await.unwrap();
        assert_eq!(response.status(), 400, "{path}");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["error"]["code"], code, "{path}: {json}");
        assert!(
            json["error"]["field"].as_str().unwrap().ends_with("arpu"),
            "{json}"
        );
    }
}
