//! What wraps every route: tracing, panic catching, the request timeout, the 404 and
//! 405 fallbacks (all answering in the service's error shape), security headers, and
//! the lingering read of a body the handler did not read.
//!
//! **Lingering.** A handler that refuses a request (413, 415, 503, …) before reading
//! its body leaves the client sending into a socket that hyper then closes: the
//! client sees "broken pipe" or "connection reset", never the answer. As nginx's
//! lingering close does, the unread rest of the body is read and discarded first, up
//! to [`LINGER_BYTES`] and [`LINGER_TIME`], unless the client waits for
//! `100 Continue` and has sent nothing (it then reads the answer at once).

use std::any::Any;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::BodyExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::ApiError;
use crate::pool::panic_message;
use crate::state::AppState;

/// Adds the fallbacks and the middleware of the service to `routes` and gives it its
/// state. [`crate::router`] calls it; tests use it to serve routes of their own (a
/// panicking handler, a dummy CSV endpoint) exactly as the real ones are served.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::require,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), timeout))
        .layer(middleware::from_fn(linger))
        .layer(middleware::map_response(security_headers))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound {
        path: crate::error::clip(uri.path()).into_owned(),
    }
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed {
        method: crate::error::clip(method.as_str()).into_owned(),
    }
}

async fn timeout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.limits().request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout {
            limit_s: limit.as_secs(),
        }
        .into_response(),
    }
}

fn panic_response(payload: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!(panic = %panic_message(payload.as_ref()), "handler panicked");
    ApiError::Internal.into_response()
}

/// The policy of every HTML page: inline styles and images (the report's charts are
/// inline SVG), forms posting to this server, nothing else (no scripts, no frames).
pub const HTML_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// `X-Content-Type-Options: nosniff` on every response; on HTML pages also the
/// content security policy ([`HTML_POLICY`] unless the page set its own) and
/// `Referrer-Policy: no-referrer`.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/html"));
    if html {
        // a page with a policy of its own (the board, which runs its script) keeps it
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(HTML_POLICY));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    response
}

/// Most bytes of an unread body read (and discarded) before answering.
pub const LINGER_BYTES: u64 = 1 << 30;
/// Longest an unread body is read (and discarded) before answering.
pub const LINGER_TIME: Duration = Duration::from_secs(10);

/// Where a request body goes back when its handler drops it unread.
#[derive(Default)]
struct Home {
    body: Mutex<Option<Body>>,
    read_any: AtomicBool,
}

/// A request body that, dropped before its end, goes back to its [`Home`].
struct Returning {
    inner: Option<Body>,
    home: Arc<Home>,
}

impl http_body::Body for Returning {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(_))) = &polled {
            self.home.read_any.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner
            .as_ref()
            .is_none_or(http_body::Body::is_end_stream)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.as_ref().map_or_else(
            || http_body::SizeHint::with_exact(0),
            http_body::Body::size_hint,
        )
    }
}

impl Drop for Returning {
    fn drop(&mut self) {
        if let Some(body) = self.inner.take() {
            if !http_body::Body::is_end_stream(&body) {
                if let Ok(mut slot) = self.home.body.lock() {
                    *slot = Some(body);
                }
            }
        }
    }
}

async fn linger(req: Request, next: Next) -> Response {
    let waits_to_send = req
        .headers()
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let home = Arc::new(Home::default());
    let req = req.map(|body| {
        Body::new(Returning {
            inner: Some(body),
            home: Arc::clone(&home),
        })
    });
    let mut response = next.run(req).await;
    let unread = home.body.lock().ok().and_then(|mut slot| slot.take());
    if let Some(body) = unread {
        if waits_to_send && !home.read_any.load(Ordering::Relaxed) {
            return response; // the client sent nothing and reads the answer now
        }
        if !drain(body).await {
            // the rest is too much or too slow: hyper closes the connection
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
    }
    response
}

/// Reads `body` to its end, discarding it, within [`LINGER_BYTES`] and
/// [`LINGER_TIME`]; whether it ended.
async fn drain(mut body: Body) -> bool {
    let read = async {
        let mut total = 0u64;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { return false };
            if let Some(data) = frame.data_ref() {
                total += data.len() as u64;
                if total > LINGER_BYTES {
                    return false;
                }
            }
        }
        true
    };
    tokio::time::timeout(LINGER_TIME, read)
        .await
        .unwrap_or(false)
}
