//! The bounded pool for CPU-heavy work.
//!
//! Heavy jobs (an RFM over a million rows, a forecast fit) run on tokio's blocking
//! threads, off the async workers, so `/healthz` and the light endpoints stay
//! responsive. At most `size` run at once; one more is refused at once with 503 and
//! `Retry-After` rather than queued, so a burst cannot pile up unbounded work.
//! A job keeps its slot until it finishes, even when its request timed out.

use std::any::Any;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

/// Seconds a client is asked to wait when the pool is full.
pub const RETRY_AFTER_S: u64 = 1;

/// A semaphore-bounded front to `tokio::task::spawn_blocking`.
#[derive(Debug, Clone)]
pub struct HeavyPool {
    permits: Arc<Semaphore>,
    size: usize,
}

impl HeavyPool {
    /// A pool running at most `size` (at least 1) jobs at once.
    pub fn new(size: usize) -> Self {
        let size = size.max(1);
        HeavyPool {
            permits: Arc::new(Semaphore::new(size)),
            size,
        }
    }

    /// How many jobs may run at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// A slot, or [`ApiError::Busy`] when all are taken.
    ///
    /// # Errors
    /// [`ApiError::Busy`].
    pub fn try_slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        Arc::clone(&self.permits)
            .try_acquire_owned()
            .map_err(|_| ApiError::Busy {
                retry_after_s: RETRY_AFTER_S,
            })
    }

    /// Runs `job` on a blocking thread, holding a slot until it returns.
    ///
    /// # Errors
    /// [`ApiError::Busy`] when the pool is full; the job's own error; a panicking job
    /// is logged and becomes [`ApiError::Internal`].
    pub async fn run<T, E, F>(&self, job: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        let slot = self.try_slot()?;
        run_in_slot(slot, job).await
    }
}

/// Runs `job` on a blocking thread while holding `slot`.
pub(crate) async fn run_in_slot<T, E, F>(slot: OwnedSemaphorePermit, job: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let handle = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        job()
    });
    match handle.await {
        Ok(result) => result.map_err(Into::into),
        Err(err) if err.is_panic() => {
            tracing::error!(panic = %panic_message(&err.into_panic()), "heavy job panicked");
            Err(ApiError::Internal)
        }
        Err(err) => {
            tracing::error!(error = %err, "heavy job was cancelled");
            Err(ApiError::Internal)
        }
    }
}

/// The text of a panic payload, for the log.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn full_pool_is_busy() {
        let pool = HeavyPool::new(1);
        let held = pool.try_slot().unwrap();
        let err = pool.run(|| Ok::<_, ApiError>(1)).await.unwrap_err();
        assert_eq!(err, ApiError::Busy { retry_after_s: 1 });
        drop(held);
        assert_eq!(pool.run(|| Ok::<_, ApiError>(2)).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn panicking_job_is_internal() {
        let pool = HeavyPool::new(1);
        let err = pool
            .run(|| -> Result<(), ApiError> { panic!("boom") })
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::Internal);
        // the slot came back
        assert!(pool.try_slot().is_ok());
    }
}
