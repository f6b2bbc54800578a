//! A real PostgreSQL for tests (feature `test-support`).
//!
//! [`postgres`] finds one, in this order:
//! 1. `LTV_TEST_POSTGRES_URL`: a server someone started (CI: `.ci/run` starts Debian's
//!    `postgresql` and sets it), as a superuser URL;
//! 2. `LTV_CI` set without that URL: a failure — CI never skips;
//! 3. otherwise a throw-away cluster: `initdb` into a temporary directory and a server
//!    on a free port of 127.0.0.1 (as the `postgres` user when the tests run as root),
//!    stopped and deleted by a watchdog shortly after the test process exits;
//! 4. without PostgreSQL's programs: `None`, after printing why the test skips.
//!
//! [`PgServer::new_database`] creates an empty database per test, so tests run in
//! parallel without seeing each other's data.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A PostgreSQL server for tests.
#[derive(Debug)]
pub struct PgServer {
    /// A superuser URL (its database is the maintenance database).
    admin_url: String,
    /// Where it came from, for messages.
    pub origin: String,
}

static SERVER: OnceLock<Option<PgServer>> = OnceLock::new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The test PostgreSQL, or `None` (after printing the reason) when this machine has
/// none and `LTV_CI` is not set.
///
/// # Panics
/// When `LTV_CI` is set and no server can be had, or a throw-away cluster fails to start.
pub fn postgres() -> Option<&'static PgServer> {
    let server = SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("LTV_TEST_POSTGRES_URL") {
            return Some(PgServer {
                admin_url: url,
                origin: "LTV_TEST_POSTGRES_URL".into(),
            });
        }
        if std::env::var_os("LTV_CI").is_some() {
            panic!(
                "LTV_CI is set but LTV_TEST_POSTGRES_URL is not: .ci/run starts PostgreSQL and sets it (CI never skips)"
            );
        }
        binaries().map(|bin| throw_away_cluster(&bin))
    });
    if server.is_none() {
        eprintln!(
            "skipped: PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql); \
             install Debian's `postgresql` package, or set LTV_TEST_POSTGRES_URL"
        );
    }
    server.as_ref()
}

impl PgServer {
    /// Creates an empty database and returns its URL.
    ///
    /// # Panics
    /// When the server refuses.
    pub fn new_database(&self) -> String {
        let name = format!(
            "ltv_t{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let admin = self.admin_url.clone();
        let sql = format!("CREATE DATABASE {name}");
        // on a thread of its own: callers may be inside an async runtime or not
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                sqlx::any::install_default_drivers();
                let mut conn = sqlx::AnyConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL: {e}"));
                sqlx::query(&sql)
                    .execute(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
                conn.close().await.ok();
            });
        })
        .join()
        .expect("creating a test database");
        with_database(&self.admin_url, &name)
    }
}

/// Whether a writer holds the database's writer lock right now (a transaction of an
/// import, add, rate, move is under way): SQLite `BEGIN IMMEDIATE` without waiting,
/// PostgreSQL `pg_try_advisory_lock` on the store's key.
///
/// # Panics
/// When the database cannot be reached.
pub fn writer_lock_held(url: &str) -> bool {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            use sqlx::{Connection, Row};
            sqlx::any::install_default_drivers();
            let parsed = crate::DatabaseUrl::parse(&url).unwrap();
            let mut conn = sqlx::AnyConnection::connect(&parsed.connect_url(false))
                .await
                .unwrap();
            let held = match parsed.backend {
                crate::Backend::Sqlite => {
                    sqlx::query("PRAGMA busy_timeout = 0")
                        .execute(&mut conn)
                        .await
                        .unwrap();
                    match sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await {
                        Ok(_) => {
                            sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
                            false
                        }
                        Err(_) => true,
                    }
                }
                crate::Backend::Postgres => {
                    let got: bool = sqlx::query("SELECT pg_try_advisory_lock($1) AS got")
                        .bind(crate::store::PG_WRITER_LOCK)
                        .fetch_one(&mut conn)
                        .await
                        .unwrap()
                        .try_get("got")
                        .unwrap();
                    if got {
                        sqlx::query("SELECT pg_advisory_unlock($1)::text AS t")
                            .bind(crate::store::PG_WRITER_LOCK)
                            .fetch_one(&mut conn)
                            .await
                            .unwrap();
                    }
                    !got
                }
            };
            conn.close().await.ok();
            held
        })
    })
    .join()
    .expect("probing the writer lock")
}

/// `postgres://u:p@h:1/old?x` → `postgres://u:p@h:1/NAME?x`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The directory with `initdb`, `pg_ctl` and `postgres`.
fn binaries() -> Option<PathBuf> {
    let has = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            if has(&dir) {
                // a symlink farm (Debian wrappers) may point elsewhere; prefer the real bin
                let real = std::fs::canonicalize(dir.join("initdb"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf));
                return Some(real.filter(|d| has(d)).unwrap_or(dir));
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| has(d))
        .collect();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// Starts a throw-away cluster with a watchdog that removes it after this process.
fn throw_away_cluster(bin: &Path) -> PgServer {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("ltv-pg-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory for PostgreSQL");
    let root = is_root();
    let as_pg = if root { "runuser -u postgres -- " } else { "" };
    if root {
        let ok = Command::new("chown")
            .args(["postgres:", &dir.to_string_lossy()])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "cannot hand {} to the postgres user", dir.display());
    }
    let port = free_port();
    let data = dir.join("data");
    let log = dir.join("server.log");
    let ready = dir.join("ready");
    let script = format!(
        r#"set -u
{as_pg}{bin}/initdb -D '{data}' -A trust -U ltv --no-sync -E UTF8 >'{dir}/initdb.log' 2>&1 || {{ echo initdb > '{dir}/failed'; exit 1; }}
{as_pg}{bin}/pg_ctl -D '{data}' -l '{log}' -w -t 60 -o "-p {port} -k '{dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null 2>&1 || {{ echo start > '{dir}/failed'; exit 1; }}
touch '{ready}'
while kill -0 {pid} 2>/dev/null; do sleep 1; done
{as_pg}{bin}/pg_ctl -D '{data}' -m immediate stop >/dev/null 2>&1
rm -rf '{dir}'
"#,
        bin = bin.display(),
        data = data.display(),
        dir = dir.display(),
        log = log.display(),
        ready = ready.display(),
        pid = std::process::id(),
    );
    // the watchdog outlives this process on purpose: it stops the server afterwards
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sh to start the PostgreSQL watchdog");
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ready.exists() {
        if dir.join("failed").exists() || Instant::now() > deadline {
            let detail = std::fs::read_to_string(&log)
                .or_else(|_| std::fs::read_to_string(dir.join("initdb.log")))
                .unwrap_or_default();
            panic!(
                "the throw-away PostgreSQL in {} did not start:\n{detail}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    PgServer {
        admin_url: format!("postgres://ltv@127.0.0.1:{port}/postgres"),
        origin: format!("a throw-away cluster in {} (port {port})", dir.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_in_url() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "t1"),
            "postgres://u:p@h:5432/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "t2"), "postgres://h/t2");
    }
}
