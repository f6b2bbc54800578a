//! `POST /v1/rfm`: equal to `ltv rfm FILE --format json`, bad files and options 4xx.

use axum::body::Body;
use axum::http::Request;
use insta::assert_snapshot;
use ltv_server::{router, AppState};

use crate::{cli_json, send_to, temp_file, Reply};

/// Forty customers of different recency, frequency and spend (deterministic).
fn tx() -> String {
    let mut text = String::from("customer_id,order_date,amount\n");
    for i in 0..40u32 {
        for k in 0..(1 + i % 5) {
            let month = 1 + (i + k * 2) % 12;
            let day = 1 + (i * 7 + k) % 28;
            let amount = 20 + (i * 37 + k * 11) % 400;
            text.push_str(&format!("c{i},2023-{month:02}-{day:02},{amount}\n"));
        }
    }
    text
}

async fn post_tx(uri: &str, body: &str) -> Reply {
    let req = Request::post(uri)
        .header("content-type", "text/csv")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send_to(router(AppState::default()), req).await
}

#[tokio::test]
async fn rfm_equals_the_cli() {
    let tx = tx();
    let path = temp_file("tx.csv", &tx);
    let file = path.to_str().unwrap();
    let reply = post_tx("/v1/rfm", &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(
        reply.json,
        cli_json(&["rfm", file]),
        "differs from `ltv rfm`"
    );
    assert_snapshot!(
        "rfm_json",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );

    let uri = "/v1/rfm?r_breaks=7,30,60,90&segments=rf-grid&as_of=2023-12-31";
    let reply = post_tx(uri, &tx).await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    let cli = cli_json(&[
        "rfm",
        file,
        "--r-breaks",
        "7,30,60,90",
        "--segments",
        "rf-grid",
        "--as-of",
        "2023-12-31",
    ]);
    assert_eq!(reply.json, cli);
}

#[tokio::test]
async fn bad_files_and_options_are_4xx() {
    let tx = tx();
    let bad = tx.replacen("c1,2023-02-08,57", "c1,2023-02-08,lots", 1);
    assert_ne!(bad, tx);
    let reply = post_tx("/v1/rfm", &bad).await;
    assert_eq!(reply.status, 422, "{}", reply.json);
    assert_eq!(reply.code(), "invalid_data");
    assert_eq!(reply.json["error"]["line"], 3, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "amount");
    assert_snapshot!(
        "rfm_bad_row_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
    for body in ["", "customer_id,order_date,amount\n", "who,when\nx,y\n"] {
        let reply = post_tx("/v1/rfm", body).await;
        assert_eq!(reply.status, 422, "{body:?}: {}", reply.json);
    }
    let reply = post_tx("/v1/rfm?bins=3", &tx).await; // the default map needs 5 bins
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "segments");
    let reply = post_tx("/v1/rfm?bins=12", &tx).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    assert_eq!(reply.json["error"]["field"], "bins");
    let reply = post_tx("/v1/rfm?segments=/etc/passwd", &tx).await;
    assert_eq!(reply.status, 400, "{}", reply.json);
    for uri in [
        "/v1/rfm?bins=x",
        "/v1/rfm?r_breaks=1,x",
        "/v1/rfm?as_of=yesterday",
        "/v1/rfm?delimiter=ab",
        "/v1/rfm?bin=3",
    ] {
        let reply = post_tx(uri, &tx).await;
        assert_eq!(reply.status, 400, "{uri}: {}", reply.json);
        assert_eq!(reply.code(), "invalid_query", "{uri}");
    }
}
