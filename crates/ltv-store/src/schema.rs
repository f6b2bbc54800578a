//! Versioned migrations, embedded in the binary, one SQL file per back end and version.
//!
//! `ltv_schema` lists the applied versions. [`migrate`] applies the missing ones in one
//! transaction under the writer lock (so concurrent `init`s apply each once) and
//! refuses a database whose version is newer than this build knows.

use sqlx::{AnyConnection, Row};

use crate::database_url::Backend;
use crate::error::{db, Result, StoreError};

/// One migration.
pub(crate) struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Every migration, oldest first.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "initiatives, ratings, snapshots, baselines and the audit log",
        sqlite: include_str!("../migrations/sqlite/0001_backlog.sql"),
        postgres: include_str!("../migrations/postgres/0001_backlog.sql"),
    },
    Migration {
        version: 2,
        description: "API tokens of the team service (hashed) with their roles",
        sqlite: include_str!("../migrations/sqlite/0002_tokens.sql"),
        postgres: include_str!("../migrations/postgres/0002_tokens.sql"),
    },
];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i64 = 2;

const CREATE_SCHEMA_TABLE: &str = "CREATE TABLE IF NOT EXISTS ltv_schema (\
    version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";

/// The applied version, `None` when the database has no `ltv_schema` table.
pub(crate) async fn version(conn: &mut AnyConnection, backend: Backend) -> Result<Option<i64>> {
    let exists_sql = match backend {
        Backend::Sqlite => {
            "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'ltv_schema'"
        }
        Backend::Postgres => {
            "SELECT count(*) AS n FROM information_schema.tables \
             WHERE table_name = 'ltv_schema' AND table_schema = current_schema()"
        }
    };
    let n: i64 = sqlx::query(exists_sql)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?
        .try_get("n")
        .map_err(db)?;
    if n == 0 {
        return Ok(None);
    }
    current(conn).await.map(Some)
}

async fn current(conn: &mut AnyConnection) -> Result<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM ltv_schema")
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    row.try_get::<i64, _>("v").map_err(db)
}

/// What `init` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Migrated {
    /// The version before (0: an empty database).
    pub from: i64,
    /// The version now.
    pub to: i64,
}

/// Applies the missing migrations inside `tx` (which holds the writer lock).
pub(crate) async fn migrate(
    tx: &mut AnyConnection,
    backend: Backend,
    shown_url: &str,
    now: &str,
    actor: &str,
) -> Result<Migrated> {
    sqlx::query(CREATE_SCHEMA_TABLE)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let from = current(tx).await?;
    if from > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            url: shown_url.to_owned(),
            found: from,
            expected: SCHEMA_VERSION,
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > from) {
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(db)?;
        sqlx::query(
            "INSERT INTO ltv_schema (version, description, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.description)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let after = serde_json::json!({ "version": m.version, "description": m.description });
        sqlx::query(
            "INSERT INTO audit_log (changed_at, actor, entity, entity_id, initiative_id, subject, \
             operation, before_json, after_json) VALUES ($1, $2, 'schema', $3, NULL, $4, 'migrate', NULL, $5)",
        )
        .bind(now)
        .bind(actor)
        .bind(m.version)
        .bind(format!("schema version {}", m.version))
        .bind(after.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    Ok(Migrated {
        from,
        to: SCHEMA_VERSION.max(from),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_and_current() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(!m.sqlite.is_empty() && !m.postgres.is_empty());
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
