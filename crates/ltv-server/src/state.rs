//! The state every handler can reach: limits and the heavy-job pool.

use std::time::Duration;

use crate::pool::HeavyPool;

/// Limits of the service, from the command line (see `ltv-server --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted, in bytes (`--max-body-mb`).
    pub max_body_bytes: usize,
    /// Longest a request may take, body upload included (`--request-timeout-s`).
    pub request_timeout: Duration,
    /// Heavy jobs (CSV analyses, forecasts) running at once (`--heavy-jobs`).
    pub heavy_jobs: usize,
}

impl Default for Limits {
    /// 256 MiB bodies, 60 s requests, one heavy job per core.
    fn default() -> Self {
        Limits {
            max_body_bytes: 256 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            heavy_jobs: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

/// Shared, cheaply cloned state of the router.
#[derive(Debug, Clone)]
pub struct AppState {
    limits: Limits,
    pool: HeavyPool,
}

impl AppState {
    /// State with these limits and a heavy-job pool of `limits.heavy_jobs` slots.
    pub fn new(limits: Limits) -> Self {
        AppState {
            pool: HeavyPool::new(limits.heavy_jobs),
            limits,
        }
    }

    /// The configured limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The pool for CPU-heavy work.
    pub fn pool(&self) -> &HeavyPool {
        &self.pool
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new(Limits::default())
    }
}
