//! The store against real databases: every test runs on a SQLite file and on a
//! PostgreSQL database (CI's server, or a throw-away cluster; skipped with a message
//! only outside CI when PostgreSQL is not installed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backlog;
mod loop_measure;
mod schema;
mod tokens;

use std::path::PathBuf;

/// A fresh database of each back end: `(name, url)`.
pub fn databases(test: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![("sqlite", sqlite_url(test))];
    match ltv_store::testing::postgres() {
        Some(pg) => out.push(("postgres", pg.new_database())),
        None => eprintln!("{test}: PostgreSQL part skipped"),
    }
    out
}

/// A new SQLite file in a fresh directory.
pub fn sqlite_url(test: &str) -> String {
    let dir = temp_dir(test);
    format!("sqlite://{}", dir.join("ltv.db").display())
}

/// A fresh directory under the target dir's tmp.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("store-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `body` on a current-thread runtime.
pub fn block_on<F: std::future::Future>(body: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(body)
}
