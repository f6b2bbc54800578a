//! Who is calling: bearer tokens from the backlog database, their roles, and the limit
//! on failed authentications per client address.
//!
//! A request carries its token in `Authorization: Bearer TOKEN`, never in a cookie or
//! a URL, so a browser never attaches it on its own: another site cannot make a
//! signed-in user's browser send a change (CSRF needs ambient credentials, and there
//! are none), and tokens stay out of logs, histories and `Referer` headers.
//!
//! - Reads of the backlog are open, unless `--require-auth`; a token that is sent is
//!   checked all the same (a revoked one is refused, not ignored).
//! - Changes need a token of the right [`Role`]: none or an unknown one → 401, a role
//!   too low → 403.
//! - With `--require-auth`, every endpoint needs a token (the `require` middleware) except the
//!   liveness probe, the OpenAPI document and the board's page and assets (they hold
//!   no data; the page signs in and then fetches with the token).
//! - A client address that fails to authenticate too often is answered 429 for the
//!   rest of the window, whatever it sends (`FailedAuthentications`).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ltv_store::{Role, Store, Token};

use crate::error::ApiError;
use crate::state::AppState;

/// Authentication settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthOptions {
    /// Every endpoint needs a token (`--require-auth`), but the public ones.
    pub require_auth: bool,
    /// Failed authentications a client address may make per window; then 429.
    pub max_failures: u32,
    /// The window of `max_failures`.
    pub failure_window: Duration,
}

impl Default for AuthOptions {
    /// Open reads; 10 failed authentications per address and minute.
    fn default() -> Self {
        AuthOptions {
            require_auth: false,
            max_failures: 10,
            failure_window: Duration::from_secs(60),
        }
    }
}

/// Most client addresses whose failures are remembered at once.
const MAX_TRACKED: usize = 100_000;

/// Failures of one address in the current window.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    failures: u32,
}

/// Failed authentications per client address (an IPv4 address, an IPv6 /64), in fixed
/// windows. Memory is bounded: expired windows are dropped when the table is full,
/// and an address that finds it still full is not tracked (tokens are 256 random
/// bits: the limit keeps noise and load down, it is not what makes guessing futile).
#[derive(Debug, Clone)]
pub(crate) struct FailedAuthentications {
    options: AuthOptions,
    table: Arc<Mutex<HashMap<IpAddr, Window>>>,
}

impl FailedAuthentications {
    pub(crate) fn new(options: AuthOptions) -> Self {
        FailedAuthentications {
            options,
            table: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// [`ApiError::TooManyAttempts`] while `ip` has used up its failures.
    fn check(&self, ip: IpAddr, now: Instant) -> Result<(), ApiError> {
        let table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(w) = table.get(&key(ip)) else {
            return Ok(());
        };
        let elapsed = now.saturating_duration_since(w.start);
        if w.failures >= self.options.max_failures && elapsed < self.options.failure_window {
            let left = self.options.failure_window - elapsed;
            return Err(ApiError::TooManyAttempts {
                retry_after_s: left.as_secs() + u64::from(left.subsec_nanos() > 0),
            });
        }
        Ok(())
    }

    /// Counts one failure of `ip`.
    fn record(&self, ip: IpAddr, now: Instant) {
        let window = self.options.failure_window;
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        let k = key(ip);
        if !table.contains_key(&k) && table.len() >= MAX_TRACKED {
            table.retain(|_, w| now.saturating_duration_since(w.start) < window);
            if table.len() >= MAX_TRACKED {
                tracing::warn!("too many addresses failing to authenticate to track them all");
                return;
            }
        }
        let w = table.entry(k).or_insert(Window {
            start: now,
            failures: 0,
        });
        if now.saturating_duration_since(w.start) >= window {
            *w = Window {
                start: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }
}

/// The address a limit applies to: IPv4 as is, IPv6 by its /64 (one host's share).
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
    }
}

/// The client's address ([`crate::serve`] records it; in-process tests have none).
fn client(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The token a request was authenticated with, kept in its extensions so that it is
/// checked once.
#[derive(Debug, Clone)]
struct Authenticated(Token);

fn missing_token() -> ApiError {
    ApiError::Unauthorized {
        code: "missing_token",
        message: "this needs a token: send the header `Authorization: Bearer TOKEN` \
                  (an admin creates one with `ltv-server token create`)"
            .to_owned(),
    }
}

fn invalid_token(message: &str) -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_token",
        message: message.to_owned(),
    }
}

/// The backlog database, or 404 `backlog_disabled`.
pub(crate) fn store(state: &AppState) -> Result<&Store, ApiError> {
    state.store().ok_or_else(|| ApiError::Unknown {
        code: "backlog_disabled",
        message: "the backlog is not enabled on this server: start it with --db URL".to_owned(),
    })
}

/// The caller's token: `None` without an `Authorization` header (or without a
/// database to check it against); an error for a malformed, unknown or revoked one,
/// which also counts as a failure of the client's address.
async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Option<Token>, ApiError> {
    if let Some(Authenticated(t)) = parts.extensions.get::<Authenticated>() {
        return Ok(Some(t.clone()));
    }
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let Some(store) = state.store() else {
        return Ok(None);
    };
    let ip = client(parts);
    let failures = state.failures();
    failures.check(ip, Instant::now())?;
    let secret = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(secret) = secret else {
        failures.record(ip, Instant::now());
        return Err(invalid_token(
            "the Authorization header must be `Bearer TOKEN`",
        ));
    };
    match store.authenticate(secret).await? {
        Some(token) => {
            parts.extensions.insert(Authenticated(token.clone()));
            Ok(Some(token))
        }
        None => {
            failures.record(ip, Instant::now());
            tracing::info!(client = %ip, "failed authentication");
            Err(invalid_token("the token is unknown or revoked"))
        }
    }
}

/// The caller's token when `needed` is `Some` (401 without one, 403 when its role is
/// too low); with `None`, an optional token (required under `--require-auth`).
async fn access(
    parts: &mut Parts,
    state: &AppState,
    needed: Option<Role>,
) -> Result<Option<Token>, ApiError> {
    store(state)?;
    let token = authenticate(parts, state).await?;
    match (needed, token) {
        (None, None) if state.auth().require_auth => Err(missing_token()),
        (None, token) => Ok(token),
        (Some(_), None) => Err(missing_token()),
        (Some(role), Some(t)) if !t.role.allows(role) => Err(ApiError::Forbidden {
            message: format!(
                "token \"{}\" is {} {}: this needs {}",
                crate::error::clip(&t.name),
                article(t.role),
                t.role,
                match role {
                    Role::Admin => "an admin token",
                    Role::Editor => "an editor or admin token",
                    Role::Viewer => "a token",
                }
            ),
        }),
        (Some(_), Some(t)) => Ok(Some(t)),
    }
}

fn article(role: Role) -> &'static str {
    match role {
        Role::Admin | Role::Editor => "an",
        Role::Viewer => "a",
    }
}

/// A reader of the backlog: anyone, or (`--require-auth`) any valid token.
#[derive(Debug, Clone)]
pub struct Reader(pub Option<Token>);

/// A caller with an editor (or admin) token.
#[derive(Debug, Clone)]
pub struct Editor(pub Token);

/// A caller with an admin token.
#[derive(Debug, Clone)]
pub struct Admin(pub Token);

/// A caller with any valid token.
#[derive(Debug, Clone)]
pub struct Signed(pub Token);

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        access(parts, state, None).await.map(Reader)
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match access(parts, state, Some(Role::Viewer)).await? {
            Some(t) => Ok(Signed(t)),
            None => Err(missing_token()),
        }
    }
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match access(parts, state, Some(Role::Editor)).await? {
            Some(t) => Ok(Editor(t)),
            None => Err(missing_token()),
        }
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match access(parts, state, Some(Role::Admin)).await? {
            Some(t) => Ok(Admin(t)),
            None => Err(missing_token()),
        }
    }
}

/// What `--require-auth` leaves open: the liveness probe, the OpenAPI document, and
/// the board's page and assets (no data in them).
pub fn is_public(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && matches!(
            path,
            "/healthz" | "/openapi.json" | "/backlog" | "/assets/board.js" | "/assets/board.css"
        )
}

/// The middleware of `--require-auth`: every request but the public ones needs a
/// valid token, checked before its body is read.
pub(crate) async fn require(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.auth().require_auth || is_public(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    match authenticate(&mut parts, &state).await {
        Ok(Some(_)) => next.run(Request::from_parts(parts, body)).await,
        Ok(None) => missing_token().into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_block_an_address_for_the_window() {
        let f = FailedAuthentications::new(AuthOptions {
            require_auth: false,
            max_failures: 3,
            failure_window: Duration::from_secs(60),
        });
        let t0 = Instant::now();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(f.check(a, t0).is_ok());
            f.record(a, t0);
        }
        let err = f.check(a, t0 + Duration::from_secs(20)).unwrap_err();
        assert_eq!(err, ApiError::TooManyAttempts { retry_after_s: 40 });
        assert!(f.check(b, t0).is_ok(), "another address is not affected");
        assert!(
            f.check(a, t0 + Duration::from_secs(60)).is_ok(),
            "window over"
        );
        f.record(a, t0 + Duration::from_secs(61));
        assert!(
            f.check(a, t0 + Duration::from_secs(61)).is_ok(),
            "counting anew"
        );
    }

    #[test]
    fn ipv6_hosts_share_their_64() {
        let one: IpAddr = "2001:db8::1".parse().unwrap();
        let other: IpAddr = "2001:db8::ffff:1".parse().unwrap();
        let elsewhere: IpAddr = "2001:db8:0:1::1".parse().unwrap();
        assert_eq!(key(one), key(other));
        assert_ne!(key(one), key(elsewhere));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(key(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());
    }
}
