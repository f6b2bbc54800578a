//! [`CsvBody`]: a `text/csv` request body, streamed into a blocking CSV reader.

use axum::body::Body;
use axum::extract::{FromRequest, Request};

use crate::budget::BodyBudget;
use crate::error::ApiError;
use crate::extract::body::{check_declared_length, stream, BodyReader};
use crate::extract::json::require_content_type;
use crate::pool::{run_in_slot, HeavyPool};
use crate::state::AppState;

/// A `text/csv` body, not yet read. [`CsvBody::process`] streams it, chunk by chunk,
/// into a `FnOnce(impl Read)` running on the heavy-job pool, so a large upload is
/// parsed while it arrives and never buffered whole.
///
/// Rejections: a content type other than `text/csv` (415), a `Content-Length` over
/// the limit (413).
///
/// ```text
/// async fn rfm(State(s): State<AppState>, ApiQuery(q): ApiQuery<RfmQuery>, csv: CsvBody)
///     -> Result<Json<RfmReport>, ApiError> {
///     Ok(Json(csv.process(s.pool(), move |r| ltv_segments::rfm(r, &q.options())).await?))
/// }
/// ```
#[derive(Debug)]
pub struct CsvBody {
    body: Body,
    limit: usize,
    declared: Option<usize>,
    budget: BodyBudget,
}

impl FromRequest<AppState> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        require_content_type(&req, "text/csv", |m| m == "text/csv")?;
        let limit = state.limits().max_body_bytes;
        let declared = check_declared_length(&req, limit)?;
        Ok(CsvBody {
            body: req.into_body(),
            limit,
            declared,
            budget: state.budget().clone(),
        })
    }
}

impl CsvBody {
    /// Runs `job` on `pool` with a blocking reader of the body while the body streams
    /// in. The pool slot and a declared length's bytes of the body budget are taken
    /// before any byte is read, so a busy server answers 503 at once; the body's bytes
    /// stay held until the job is done.
    ///
    /// # Errors
    /// [`ApiError::Busy`]; [`ApiError::Overloaded`] when the body budget cannot hold
    /// the body; [`ApiError::PayloadTooLarge`] when the body crosses the
    /// limit (whatever the job made of its truncated input); the job's own error
    /// (typically [`ApiError::InvalidData`] with line and column); a panicking job is
    /// [`ApiError::Internal`].
    pub async fn process<T, E, F>(self, pool: &HeavyPool, job: F) -> Result<T, ApiError>
    where
        F: FnOnce(BodyReader) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        let slot = pool.try_slot()?;
        let permit = self.budget.reserve(self.declared.unwrap_or(0))?;
        let (reader, pump) = stream(self.body, self.limit, permit);
        let (pumped, result) = tokio::join!(pump, run_in_slot(slot, move || job(reader)));
        let _held_until_now = pumped?;
        result
    }
}
