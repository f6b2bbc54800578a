//! Serving the router on a TCP listener, guarded against slow and idle clients.
//!
//! `axum::serve` gives hyper no timer, so hyper's header-read timeout never fires: a
//! client sending its headers a byte a second, or an idle keep-alive socket, holds a
//! connection (and a file descriptor) for ever. This loop serves each connection with
//! hyper's HTTP/1 builder directly:
//!
//! - **Header-read timeout** ([`ServeOptions::header_timeout`]): a request's headers
//!   must arrive within it, counted from the first poll for them, which is also the
//!   idle time allowed between two requests of a keep-alive connection.
//! - **Connection cap** ([`ServeOptions::max_connections`]): one more connection is
//!   answered at once with 503 and `Retry-After` and closed, so descriptors stay
//!   below the process's open-files limit and `/healthz` keeps working under a flood.
//! - **Protocol errors in the service's shape**: hyper answers a request it cannot
//!   parse (headers too large: 431, URI too long: 414, a bad `Content-Length` or
//!   header: 400) with an empty body; [`ProtocolErrors`] swaps that answer for the
//!   service's JSON error body.
//! - **Graceful shutdown**: on the signal, listening stops, idle connections close,
//!   and requests in flight finish.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::Router;
use hyper::body::Incoming;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

use crate::error::{ApiError, ErrorBody, ErrorDetail};

/// The largest request head (request line and headers) accepted; more is a 431.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Connection-level limits of [`serve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// Longest a client may take to send a request's headers, and longest a
    /// keep-alive connection may stay idle between requests (`--header-timeout-s`).
    pub header_timeout: Duration,
    /// Connections open at once; one more is answered 503 and closed
    /// (`--max-connections`).
    pub max_connections: usize,
}

impl Default for ServeOptions {
    /// 10 s for headers and idle keep-alive; 512 connections, or fewer when the
    /// process may open fewer files (see [`default_max_connections`]).
    fn default() -> Self {
        ServeOptions {
            header_timeout: Duration::from_secs(10),
            max_connections: default_max_connections(),
        }
    }
}

/// 512 connections, but at most the open-files limit less 64 descriptors for the
/// listener, logs and the files a job reads (Linux: from `/proc/self/limits`), and at
/// least 16.
pub fn default_max_connections() -> usize {
    const DEFAULT: usize = 512;
    let soft_limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|n| n.parse::<usize>().ok())
        });
    match soft_limit {
        Some(files) => DEFAULT.min(files.saturating_sub(64)).max(16),
        None => DEFAULT,
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits for the open
/// connections to finish their requests.
///
/// # Errors
/// Never for a client's fault; accepting errors (out of descriptors) are logged and
/// retried after a pause.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // EMFILE and the like: others must finish before we can accept
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let app = app.clone();
        let mut stop = stop_rx.clone();
        let header_timeout = options.header_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let mut req = req.map(Body::new);
                // the client's address, for the limit on failed authentications
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(req)
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_header_size(MAX_HEADER_BYTES)
                .keep_alive(true);
            let conn = builder.serve_connection(ProtocolErrors::new(stream), service);
            tokio::pin!(conn);
            let stopping = async move {
                let _ = stop.wait_for(|stop| *stop).await;
            };
            tokio::select! {
                result = conn.as_mut() => log_end(result),
                () = stopping => {
                    conn.as_mut().graceful_shutdown();
                    log_end(conn.await);
                }
            }
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // every connection holds a slot until it ends
    let all = u32::try_from(options.max_connections.max(1)).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
    Ok(())
}

fn log_end(result: Result<(), hyper::Error>) {
    if let Err(err) = result {
        tracing::debug!(error = %err, "connection ended with an error");
    }
}

/// Answers a connection over the cap with 503 and closes it.
async fn refuse(mut stream: TcpStream) {
    let busy = ApiError::Busy {
        retry_after_s: crate::pool::RETRY_AFTER_S,
    };
    let body = json_body(busy.body());
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: {}\r\nconnection: close\r\n\r\n",
        body.len(),
        crate::pool::RETRY_AFTER_S
    );
    let write = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&body).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
}

fn json_body(body: ErrorBody) -> Vec<u8> {
    serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec())
}

/// The service's answer to a request hyper could not parse, for the status hyper
/// chose.
fn protocol_error(status: u16) -> Option<Vec<u8>> {
    let (reason, code, message) = match status {
        400 => (
            "Bad Request",
            "bad_request",
            "the request is not valid HTTP/1.1 (a malformed request line, header or Content-Length)".to_owned(),
        ),
        414 => (
            "URI Too Long",
            "uri_too_long",
            "the request's URI is too long".to_owned(),
        ),
        431 => (
            "Request Header Fields Too Large",
            "headers_too_large",
            format!(
                "the request's headers are larger than {MAX_HEADER_BYTES} bytes or too many"
            ),
        ),
        _ => return None,
    };
    let body = json_body(ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
            field: None,
            line: None,
            column: None,
        },
    });
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    Some(out)
}

/// The status of `head` if it is hyper's own answer to a request it could not parse:
/// a 400, 414 or 431 with an empty body. The service never sends those (every error
/// it sends has a JSON body).
fn hyper_error_status(head: &[u8]) -> Option<u16> {
    let status = head.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    let status: u16 = std::str::from_utf8(status).ok()?.parse().ok()?;
    let end = memchr::memmem::find(head, b"\r\n\r\n")?;
    let only_head = end + 4 == head.len();
    let head = head.get(..end + 2)?.to_ascii_lowercase();
    let empty = memchr::memmem::find(&head, b"\r\ncontent-length: 0\r\n").is_some();
    (matches!(status, 400 | 414 | 431) && empty && only_head).then_some(status)
}

/// A connection's socket that replaces hyper's empty-bodied protocol-error answers
/// (see [`hyper_error_status`]) with the service's JSON error.
pub(crate) struct ProtocolErrors {
    io: TokioIo<TcpStream>,
    /// Bytes of a replacement answer still to write.
    pending: Bytes,
}

impl ProtocolErrors {
    fn new(stream: TcpStream) -> Self {
        ProtocolErrors {
            io: TokioIo::new(stream),
            pending: Bytes::new(),
        }
    }

    /// Writes what is pending; ready when nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            let _ = self.pending.split_to(n.min(self.pending.len()));
        }
        Poll::Ready(Ok(()))
    }

    /// `Some(len)` when `buf` was hyper's error answer, now replaced.
    fn replace(&mut self, buf: &[u8]) -> Option<usize> {
        let status = hyper_error_status(buf)?;
        self.pending = Bytes::from(protocol_error(status)?);
        Some(buf.len())
    }
}

impl Read for ProtocolErrors {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for ProtocolErrors {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(n) = self.replace(buf) {
            // written as far as hyper is concerned; the rest goes out on flush
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let [only] = bufs {
            if let Some(n) = self.replace(only) {
                let _ = self.poll_pending(cx)?;
                return Poll::Ready(Ok(n));
            }
        }
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_error_answers_are_replaced() {
        let hyper_431 =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(hyper_error_status(hyper_431), Some(431));
        let ours =
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n";
        assert_eq!(hyper_error_status(ours), None);
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(hyper_error_status(ok), None);
        // a body after the head: not hyper's
        let with_body = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nx";
        assert_eq!(hyper_error_status(with_body), None);
        let replaced = String::from_utf8(protocol_error(431).unwrap()).unwrap();
        assert!(replaced.starts_with("HTTP/1.1 431 "), "{replaced}");
        assert!(replaced.ends_with("}"), "{replaced}");
        assert!(
            replaced.contains("\"code\":\"headers_too_large\""),
            "{replaced}"
        );
    }
}
