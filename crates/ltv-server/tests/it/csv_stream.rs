//! The CSV plumbing, exercised by a dummy handler shaped like the segments endpoints
//! will be: query options, a `text/csv` body streamed into a blocking reader on the
//! heavy-job pool, data errors with line and column.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::Request;
use axum::routing::post;
use axum::{Json, Router};
use http_body::Frame;
use ltv_server::extract::{ApiQuery, CsvBody};
use ltv_server::{with_layers, ApiError, AppState, Limits};
use serde::{Deserialize, Serialize};

use crate::{send_to, Reply};

#[derive(Deserialize)]
struct SumQuery {
    /// Rows whose amount is below this are skipped.
    min_amount: Option<i64>,
}

#[derive(Serialize)]
struct Sum {
    rows: u64,
    total: i64,
}

/// `customer,amount` lines (after a header) → row count and total.
fn sum_csv(reader: impl Read, min_amount: i64) -> Result<Sum, ApiError> {
    let mut sum = Sum { rows: 0, total: 0 };
    for (i, line) in BufReader::new(reader).lines().enumerate().skip(1) {
        let line_no = i as u64 + 1;
        let line = line.map_err(|e| ApiError::InvalidData {
            message: format!("cannot read the body: {e}"),
            field: None,
            line: Some(line_no),
            column: None,
        })?;
        let amount = line.split(',').nth(1).unwrap_or("");
        let amount: i64 = amount.trim().parse().map_err(|_| ApiError::InvalidData {
            message: format!("amount '{amount}' is not an integer"),
            field: Some("amount".to_owned()),
            line: Some(line_no),
            column: Some(2),
        })?;
        if amount >= min_amount {
            sum.rows += 1;
            sum.total += amount;
        }
    }
    Ok(sum)
}

/// What a CSV endpoint looks like: three lines.
async fn sum(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SumQuery>,
    csv: CsvBody,
) -> Result<Json<Sum>, ApiError> {
    let min = q.min_amount.unwrap_or(i64::MIN);
    Ok(Json(
        csv.process(state.pool(), move |r| sum_csv(r, min)).await?,
    ))
}

fn app(state: AppState) -> Router {
    with_layers(Router::new().route("/test/sum", post(sum)), state)
}

fn limits(max_body_bytes: usize) -> AppState {
    AppState::new(Limits {
        max_body_bytes,
        request_timeout: Duration::from_secs(10),
        heavy_jobs: 1,
    })
}

/// A body that arrives in these chunks, without a Content-Length.
pub(crate) fn chunked(chunks: Vec<Vec<u8>>) -> Body {
    Body::new(Chunks(chunks.into_iter().map(Bytes::from).collect()))
}

struct Chunks(VecDeque<Bytes>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
    }
}

async fn post_csv(state: AppState, uri: &str, body: Body) -> Reply {
    let req = Request::post(uri)
        .header("content-type", "text/csv")
        .body(body)
        .unwrap();
    send_to(app(state), req).await
}

/// `rows` data lines split into chunks of about `chunk` bytes, cutting lines apart.
fn csv_chunks(rows: usize, chunk: usize) -> Vec<Vec<u8>> {
    let mut text = String::from("customer,amount\n");
    for i in 0..rows {
        text.push_str(&format!("c{i},{}\n", i % 100));
    }
    text.into_bytes()
        .chunks(chunk)
        .map(<[u8]>::to_vec)
        .collect()
}

#[tokio::test]
async fn streams_a_chunked_body_into_the_reader() {
    let reply = post_csv(
        limits(1 << 20),
        "/test/sum",
        chunked(csv_chunks(10_000, 777)),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["rows"], 10_000);
    assert_eq!(reply.json["total"], 100 * (0..100).sum::<i64>());
    let reply = post_csv(
        limits(1 << 20),
        "/test/sum?min_amount=50",
        Body::from("customer,amount\na,10\nb,60\n"),
    )
    .await;
    assert_eq!(reply.json["rows"], 1);
}

#[tokio::test]
async fn bad_row_is_422_with_line_and_column() {
    let body = "customer,amount\na,10\nb,ten\nc,3\n";
    let reply = post_csv(limits(1 << 20), "/test/sum", Body::from(body)).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.code(), "invalid_data");
    assert_eq!(reply.json["error"]["line"], 3);
    assert_eq!(reply.json["error"]["column"], 2);
    assert_eq!(reply.json["error"]["field"], "amount");
    insta::assert_snapshot!(
        "invalid_data_body",
        serde_json::to_string_pretty(&reply.json).unwrap()
    );
    // an early error in a large chunked body: the job stops, the pump stops, no hang
    let mut chunks = vec![b"customer,amount\nx,oops\n".to_vec()];
    chunks.extend(csv_chunks(10_000, 100));
    let reply = post_csv(limits(1 << 20), "/test/sum", chunked(chunks)).await;
    assert_eq!(reply.status, 422);
}

#[tokio::test]
async fn body_over_the_limit_is_413_even_when_chunked() {
    let reply = post_csv(limits(4096), "/test/sum", chunked(csv_chunks(10_000, 1000))).await;
    assert_eq!(reply.status, 413, "{}", reply.json);
    assert_eq!(reply.code(), "payload_too_large");
    let big = csv_chunks(10_000, usize::MAX).concat();
    let reply = post_csv(limits(4096), "/test/sum", Body::from(big)).await;
    assert_eq!(reply.status, 413);
}

#[tokio::test]
async fn wrong_content_type_and_bad_query() {
    let req = Request::post("/test/sum")
        .header("content-type", "application/json")
        .body(Body::from("customer,amount\n"))
        .unwrap();
    let reply = send_to(app(limits(1024)), req).await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.code(), "unsupported_media_type");
    let reply = post_csv(
        limits(1024),
        "/test/sum?min_amount=lots",
        Body::from("a,b\n"),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "invalid_query");
}

#[tokio::test]
async fn full_pool_is_503_with_retry_after() {
    let state = limits(1024);
    let slot = state.pool().try_slot().unwrap();
    let reply = post_csv(state.clone(), "/test/sum", Body::from("a,b\nx,1\n")).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.code(), "busy");
    assert_eq!(reply.headers["retry-after"], "1");
    drop(slot);
    let reply = post_csv(state, "/test/sum", Body::from("a,b\nx,1\n")).await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn health_answers_while_the_pool_is_full() {
    let state = limits(1024);
    let _slot = state.pool().try_slot().unwrap();
    let req = Request::get("/healthz").body(Body::empty()).unwrap();
    let reply = send_to(ltv_server::router(state), req).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["status"], "ok");
}
