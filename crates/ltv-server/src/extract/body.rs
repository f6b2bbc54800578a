//! Reading request bodies under the configured size limit, whole (JSON) or streamed
//! into a blocking reader (CSV).
//!
//! The limit is enforced twice over: a `Content-Length` above it is refused before a
//! byte is read, and the body is wrapped in [`Limited`] so a chunked upload that grows
//! past it fails with 413 as soon as it crosses it. The bytes held come from the
//! service's [`BodyBudget`]: all of a declared length before the first byte is read,
//! else chunk by chunk; a body that does not fit is a 503 at once.

use std::io::{self, Read};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tokio::sync::mpsc;

use crate::budget::{BodyBudget, BodyPermit};
use crate::error::ApiError;

/// The body of `req`, all of it, at most `limit` bytes, and its hold on the budget.
///
/// # Errors
/// [`ApiError::PayloadTooLarge`] past the limit; [`ApiError::Overloaded`] when the
/// budget cannot hold it; a body that cannot be read (the client went away) is a 400
/// `body_read_error`.
pub(crate) async fn read_to_bytes(
    req: Request,
    limit: usize,
    budget: &BodyBudget,
) -> Result<(Vec<u8>, BodyPermit), ApiError> {
    let declared = check_declared_length(&req, limit)?;
    let mut permit = budget.reserve(declared.unwrap_or(0))?;
    let mut bytes = Vec::with_capacity(permit.bytes());
    let mut body = Limited::new(req.into_body(), limit);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|err| classify(err.as_ref(), limit))?;
        if let Ok(data) = frame.into_data() {
            permit.grow((bytes.len() + data.len()).saturating_sub(permit.bytes()))?;
            bytes.extend_from_slice(&data);
        }
    }
    Ok((bytes, permit))
}

/// Refuses a request whose `Content-Length` is above `limit`; the declared length.
pub(crate) fn check_declared_length(
    req: &Request,
    limit: usize,
) -> Result<Option<usize>, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => Err(ApiError::PayloadTooLarge { limit_bytes: limit }),
        Some(n) => Ok(usize::try_from(n).ok()),
        None => Ok(None),
    }
}

fn classify(err: &(dyn std::error::Error + 'static), limit: usize) -> ApiError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if e.is::<LengthLimitError>() {
            return ApiError::PayloadTooLarge { limit_bytes: limit };
        }
        cause = e.source();
    }
    ApiError::BadValue {
        code: "body_read_error",
        field: None,
        message: format!("could not read the request body: {err}"),
    }
}

/// One message from the body pump to the blocking reader.
enum Piece {
    Chunk(Bytes),
    Failed(io::Error),
    End,
}

/// A blocking [`Read`] over a request body that an async task feeds chunk by chunk
/// through a bounded channel: the body is never held in memory whole, and never
/// copied except into the reader's caller's buffer.
///
/// Reading fails (rather than ending early) when the body fails, crosses the size
/// limit, or the request is cancelled.
#[derive(Debug)]
pub struct BodyReader {
    rx: mpsc::Receiver<Piece>,
    current: Bytes,
    finished: bool,
}

impl std::fmt::Debug for Piece {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Piece::Chunk(b) => write!(f, "Chunk({} bytes)", b.len()),
            Piece::Failed(e) => write!(f, "Failed({e})"),
            Piece::End => f.write_str("End"),
        }
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.current.is_empty() {
                let n = buf.len().min(self.current.len());
                let chunk = self.current.split_to(n);
                if let Some(dst) = buf.get_mut(..n) {
                    dst.copy_from_slice(&chunk);
                }
                return Ok(n);
            }
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Piece::Chunk(bytes)) => self.current = bytes,
                Some(Piece::End) => self.finished = true,
                Some(Piece::Failed(err)) => return Err(err),
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the request was cancelled before its body was read",
                    ))
                }
            }
        }
    }
}

/// Chunks in flight between the body pump and the reader (backpressure bound).
const CHANNEL_CHUNKS: usize = 16;

/// A reader for the blocking side and the pump future that feeds it from `body`.
///
/// The pump holds each chunk's bytes in `permit` (beyond what it holds already) and
/// returns it, to be dropped once the reader's side is done with the body. It returns
/// `Err(PayloadTooLarge)` when the body crossed `limit` and `Err(Overloaded)` when the
/// budget cannot hold the next chunk; it stops early, without error, when the reader
/// is dropped.
pub(crate) fn stream(
    body: Body,
    limit: usize,
    mut permit: BodyPermit,
) -> (
    BodyReader,
    impl std::future::Future<Output = Result<BodyPermit, ApiError>> + Send,
) {
    let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
    let reader = BodyReader {
        rx,
        current: Bytes::new(),
        finished: false,
    };
    let pump = async move {
        let mut body = Limited::new(body, limit);
        let mut received = 0usize;
        loop {
            let frame = tokio::select! {
                frame = body.frame() => frame,
                () = tx.closed() => return Ok(permit), // the reader is done early
            };
            let piece = match frame {
                None => Piece::End,
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => {
                        received += data.len();
                        if let Err(err) = permit.grow(received.saturating_sub(permit.bytes())) {
                            let _ = tx
                                .send(Piece::Failed(io::Error::other(err.to_string())))
                                .await;
                            return Err(err);
                        }
                        Piece::Chunk(data)
                    }
                    Err(_trailers) => continue,
                },
                Some(Err(err)) => {
                    let api = classify(err.as_ref(), limit);
                    let _ = tx
                        .send(Piece::Failed(io::Error::other(api.to_string())))
                        .await;
                    return match api {
                        ApiError::PayloadTooLarge { .. } => Err(api),
                        _ => Ok(permit), // the reader reports the broken body itself
                    };
                }
            };
            let end = matches!(piece, Piece::End);
            if tx.send(piece).await.is_err() || end {
                return Ok(permit);
            }
        }
    };
    (reader, pump)
}
