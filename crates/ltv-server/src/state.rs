//! The state every handler can reach: limits, the heavy-job pool, and for the team
//! service the backlog database and the authentication settings.

use std::time::Duration;

use ltv_store::Store;

use crate::auth::{AuthOptions, FailedAuthentications};
use crate::budget::BodyBudget;
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

/// How much request-body memory the service holds (see [`crate::BodyBudget`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// Bytes of request bodies held in memory at once, all requests together
    /// (`--max-inflight-body-mb`); at least the largest body.
    pub in_flight_bytes: usize,
    /// Largest body of the small JSON endpoints (calc, cac, unit economics, levers):
    /// their inputs are a few numbers.
    pub small_json_bytes: usize,
    /// Largest initiatives document (`/v1/plan`, `/v1/roi`), as the CLI's cap on an
    /// initiatives file.
    pub document_bytes: usize,
}

impl Default for BodyLimits {
    /// 512 MiB in flight, 64 KiB small JSON bodies, 8 MiB documents.
    fn default() -> Self {
        BodyLimits {
            in_flight_bytes: 512 * 1024 * 1024,
            small_json_bytes: 64 * 1024,
            document_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Shared, cheaply cloned state of the router.
#[derive(Debug, Clone)]
pub struct AppState {
    limits: Limits,
    body_limits: BodyLimits,
    pool: HeavyPool,
    budget: BodyBudget,
    store: Option<Store>,
    auth: AuthOptions,
    failures: FailedAuthentications,
}

impl AppState {
    /// State with these limits and a heavy-job pool of `limits.heavy_jobs` slots, and
    /// the default [`BodyLimits`].
    pub fn new(limits: Limits) -> Self {
        AppState::with_body_limits(limits, BodyLimits::default())
    }

    /// State with these limits; the in-flight budget is at least the largest body.
    pub fn with_body_limits(limits: Limits, body_limits: BodyLimits) -> Self {
        let body_limits = BodyLimits {
            in_flight_bytes: body_limits.in_flight_bytes.max(limits.max_body_bytes),
            ..body_limits
        };
        AppState {
            pool: HeavyPool::new(limits.heavy_jobs),
            budget: BodyBudget::new(body_limits.in_flight_bytes),
            limits,
            body_limits,
            store: None,
            auth: AuthOptions::default(),
            failures: FailedAuthentications::new(AuthOptions::default()),
        }
    }

    /// This state serving the backlog of `store` (`--db`): the backlog API, the web
    /// board and token authentication.
    #[must_use]
    pub fn with_store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// This state with these authentication settings (`--require-auth`, the limit on
    /// failed authentications).
    #[must_use]
    pub fn with_auth(mut self, auth: AuthOptions) -> Self {
        self.failures = FailedAuthentications::new(auth);
        self.auth = auth;
        self
    }

    /// The backlog database, when the service has one.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// The authentication settings.
    pub fn auth(&self) -> &AuthOptions {
        &self.auth
    }

    /// Failed authentications per client address.
    pub(crate) fn failures(&self) -> &FailedAuthentications {
        &self.failures
    }

    /// The body limits.
    pub fn body_limits(&self) -> &BodyLimits {
        &self.body_limits
    }

    /// The in-flight body budget.
    pub fn budget(&self) -> &BodyBudget {
        &self.budget
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
