//! The service on a real socket (127.0.0.1, port chosen by the OS): HTTP/1.1 over TCP,
//! and graceful shutdown that lets an in-flight request finish.

use std::time::Duration;

use axum::routing::get;
use ltv_server::{routes, serve, with_layers, AppState, ServeOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Sends one request (`Connection: close`) and returns the whole response text.
async fn http(addr: std::net::SocketAddr, request: String) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn serves_over_tcp_and_drains_on_shutdown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let slow = get(|| async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        "done"
    });
    let app = with_layers(routes().route("/slow", slow), AppState::default());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        serve(listener, app, ServeOptions::default(), async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });

    let body = r#"{"arpu": "10000", "churn": "0.05", "margin": "0.7"}"#;
    let response = http(
        addr,
        format!(
            "POST /v1/calc/subscription HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""ltv":"140000""#), "{response}");

    // A request in flight when shutdown starts still gets its answer.
    let in_flight = tokio::spawn(http(
        addr,
        "GET /slow HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n".to_owned(),
    ));
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let response = in_flight.await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("done"), "{response}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server stops after draining")
        .unwrap();
}
