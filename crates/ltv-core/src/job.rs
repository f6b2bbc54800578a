//! A long computation's handle: where it reports progress and how it is stopped.
//!
//! Every analysis that can run for more than about a second (reading a large file,
//! fitting a model, building the report) takes a [`Job`]. It reports the bytes read and
//! the named [`Phase`] it is in to the job's [`Watcher`] (the CLI draws a progress bar
//! on a terminal, the server logs phase timings), and checks [`Job::check`] often
//! enough (every few megabytes, every optimiser iteration) that a cancelled job stops
//! within a second with [`Cancelled`].
//!
//! `Job::default()` watches nothing and is never cancelled: the cost of the checks is
//! one relaxed atomic load.
//!
//! ```
//! use ltv_core::{Cancelled, Job, Phase};
//! let job = Job::default();
//! job.phase(Phase::Read);
//! assert_eq!(job.check(), Ok(()));
//! let stoppable = Job::new(None);
//! stoppable.clone().cancel();
//! assert_eq!(stoppable.check(), Err(Cancelled));
//! ```

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The named steps of a long job, in the order they usually come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Reading and parsing the input (bytes are reported during this phase).
    Read,
    /// Per-customer totals, drivers, channels.
    Aggregate,
    /// RFM segments and cohorts.
    Segment,
    /// Fitting and scoring the forecast models.
    Fit,
    /// Ranking the initiatives and their ROI.
    Plan,
    /// Writing the output (the report's HTML or JSON).
    Render,
}

impl Phase {
    /// The phase's name, as shown on the progress line and in the server's log.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Read => "read",
            Phase::Aggregate => "aggregate",
            Phase::Segment => "segment",
            Phase::Fit => "fit",
            Phase::Plan => "plan",
            Phase::Render => "render",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Receives a job's progress, from any thread.
pub trait Watcher: Send + Sync {
    /// The job entered `phase`.
    fn phase(&self, phase: Phase);
    /// `done` of `total` input bytes have been read.
    fn bytes(&self, done: u64, total: u64);
}

/// The job was cancelled (its request timed out, its client left, or the user
/// interrupted it) before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the job was cancelled before it finished")]
pub struct Cancelled;

struct Inner {
    cancelled: AtomicBool,
    watcher: Option<Box<dyn Watcher>>,
}

/// A long computation's handle; clones share it (cancel one, all see it).
#[derive(Clone, Default)]
pub struct Job(Option<Arc<Inner>>);

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("cancelled", &self.is_cancelled())
            .field(
                "watched",
                &self.0.as_ref().is_some_and(|i| i.watcher.is_some()),
            )
            .finish()
    }
}

/// Two jobs are equal when they are the same job (clones of one another), or both
/// the silent default.
impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for Job {}

impl Job {
    /// The job that watches nothing and is never cancelled (`Job::default()`).
    pub const fn silent() -> Self {
        Job(None)
    }

    /// A job that can be cancelled, reporting to `watcher` if given.
    pub fn new(watcher: Option<Box<dyn Watcher>>) -> Self {
        Job(Some(Arc::new(Inner {
            cancelled: AtomicBool::new(false),
            watcher,
        })))
    }

    /// Asks the job to stop: its next [`Job::check`] fails.
    pub fn cancel(&self) {
        if let Some(inner) = &self.0 {
            inner.cancelled.store(true, Ordering::Relaxed);
        }
    }

    /// Whether [`Job::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|i| i.cancelled.load(Ordering::Relaxed))
    }

    /// `Err(Cancelled)` once the job is cancelled.
    ///
    /// # Errors
    /// [`Cancelled`].
    pub fn check(&self) -> Result<(), Cancelled> {
        match self.is_cancelled() {
            true => Err(Cancelled),
            false => Ok(()),
        }
    }

    /// Tells the watcher the job entered `phase`.
    pub fn phase(&self, phase: Phase) {
        if let Some(w) = self.0.as_ref().and_then(|i| i.watcher.as_ref()) {
            w.phase(phase);
        }
    }

    /// Tells the watcher `done` of `total` bytes are read.
    pub fn bytes(&self, done: u64, total: u64) {
        if let Some(w) = self.0.as_ref().and_then(|i| i.watcher.as_ref()) {
            w.bytes(done, total);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);

    impl Watcher for Arc<Log> {
        fn phase(&self, phase: Phase) {
            if let Ok(mut l) = self.0.lock() {
                l.push(phase.to_string());
            }
        }
        fn bytes(&self, done: u64, total: u64) {
            if let Ok(mut l) = self.0.lock() {
                l.push(format!("{done}/{total}"));
            }
        }
    }

    #[test]
    fn reports_to_its_watcher_and_cancels_every_clone() {
        let log = Arc::new(Log::default());
        let job = Job::new(Some(Box::new(Arc::clone(&log))));
        let clone = job.clone();
        job.phase(Phase::Read);
        job.bytes(5, 10);
        clone.phase(Phase::Fit);
        assert_eq!(
            *log.0.lock().unwrap(),
            ["read", "5/10", "fit"].map(String::from)
        );
        assert_eq!(clone.check(), Ok(()));
        job.cancel();
        assert_eq!(clone.check(), Err(Cancelled));
        assert!(clone.is_cancelled());
    }

    #[test]
    fn default_job_is_silent_and_never_cancelled() {
        let job = Job::default();
        job.cancel();
        job.phase(Phase::Render);
        assert_eq!(job.check(), Ok(()));
        assert_eq!(
            format!("{job:?}"),
            "Job { cancelled: false, watched: false }"
        );
    }
}
