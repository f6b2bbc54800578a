//! The bounded pool for CPU-heavy work.
//!
//! Heavy jobs (an RFM over a million rows, a forecast fit) run on tokio's blocking
//! threads, off the async workers, so `/healthz` and the light endpoints stay
//! responsive. At most `size` run at once; one more is refused at once with 503 and
//! `Retry-After` rather than queued, so a burst cannot pile up unbounded work.
//!
//! Each job runs as an [`ltv_core::Job`]: when its request is dropped before the job
//! finishes (the request timed out, or the client went away), the job is cancelled;
//! the libraries check for that every few megabytes and every optimiser iteration, so
//! the job stops within about a second and its slot is free again. Its phases are
//! logged at debug level with their durations.

use std::any::Any;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ltv_core::{Job, Phase, Watcher};

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
    let handle = Job::new(Some(Box::new(PhaseLog::default())));
    let mut guard = CancelOnDrop(Some(handle.clone()));
    let task = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let started = Instant::now();
        CURRENT.with(|c| *c.borrow_mut() = handle.clone());
        let result = job();
        CURRENT.with(|c| *c.borrow_mut() = Job::silent());
        handle.phase(Phase::Render);
        if handle.is_cancelled() {
            tracing::warn!(
                after_ms = started.elapsed().as_millis() as u64,
                "heavy job stopped: its request was cancelled; its slot is free"
            );
        }
        result
    });
    let joined = task.await;
    // finished: nothing left to cancel
    guard.0 = None;
    match joined {
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

thread_local! {
    static CURRENT: std::cell::RefCell<Job> = const { std::cell::RefCell::new(Job::silent()) };
}

/// The [`Job`] of the heavy job running on this thread (silent outside one): the
/// libraries get it through their options (`LoadOptions::csv.job`,
/// `ReportOptions::job`), so they report phases and stop when it is cancelled.
pub fn current_job() -> Job {
    CURRENT.with(|c| c.borrow().clone())
}

/// Cancels the job when the request's future is dropped before the job is done (a
/// timeout, or the client disconnected).
struct CancelOnDrop(Option<Job>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(job) = self.0.take() {
            tracing::info!("request dropped before its heavy job finished: cancelling the job");
            job.cancel();
        }
    }
}

/// Logs each phase of a job with the time the one before took, at debug level.
#[derive(Default)]
struct PhaseLog(Mutex<Option<(Phase, Instant)>>);

impl Watcher for PhaseLog {
    fn phase(&self, phase: Phase) {
        let Ok(mut current) = self.0.lock() else {
            return;
        };
        if let Some((done, since)) = current.take() {
            if done == phase {
                *current = Some((done, since));
                return;
            }
            tracing::debug!(
                phase = done.name(),
                ms = since.elapsed().as_millis() as u64,
                "heavy job phase done"
            );
        }
        *current = Some((phase, Instant::now()));
    }

    fn bytes(&self, _done: u64, _total: u64) {}
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
