//! Migrations, schema versions and connection errors.

use ltv_store::{Store, StoreError, SCHEMA_VERSION};

use crate::{block_on, databases, temp_dir};

#[test]
fn init_migrates_once_and_refuses_a_newer_schema() {
    for (backend, url) in databases("schema") {
        block_on(async {
            let err = Store::open(&url).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    StoreError::NotInitialised { .. } | StoreError::Missing { .. }
                ),
                "{backend}: {err}"
            );
            let (store, m) = Store::init(&url, "aiko").await.unwrap();
            assert_eq!((m.from, m.to), (0, SCHEMA_VERSION));
            let (_, again) = Store::init(&url, "ken").await.unwrap();
            assert_eq!(
                (again.from, again.to),
                (SCHEMA_VERSION, SCHEMA_VERSION),
                "{backend}"
            );
            // one entry per migration applied
            assert_eq!(store.audit_log().await.unwrap().len(), 2);
            Store::open(&url).await.unwrap();

            // a newer ltv migrated this database: refuse to read or migrate it
            raw(&url, "INSERT INTO ltv_schema (version, description, applied_at) VALUES (99, 'future', 'x')").await;
            let open = Store::open(&url).await.unwrap_err();
            assert!(
                open.to_string()
                    .ends_with("has schema version 99, newer than this ltv knows (2): upgrade ltv"),
                "{backend}: {open}"
            );
            let init = Store::init(&url, "aiko").await.unwrap_err();
            assert!(
                matches!(init, StoreError::SchemaTooNew { found: 99, .. }),
                "{backend}"
            );
        });
    }
}

/// A database of schema version 1 (issue 19's) with one initiative is migrated to the
/// current version by `init`, keeping its data; `open` refuses it before.
#[test]
fn init_migrates_a_version_1_database() {
    for (backend, url) in databases("schema-v1") {
        block_on(async {
            let v1 = match backend {
                "sqlite" => include_str!("../../migrations/sqlite/0001_backlog.sql"),
                _ => include_str!("../../migrations/postgres/0001_backlog.sql"),
            };
            if backend == "sqlite" {
                // the file must exist for a plain connection to open it
                let path = url.trim_start_matches("sqlite://");
                std::fs::write(path, b"").unwrap();
            }
            raw_script(&url, v1).await;
            raw_script(
                &url,
                "CREATE TABLE ltv_schema (version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL); \
                 INSERT INTO ltv_schema VALUES (1, 'v1', '2024-01-01T00:00:00Z'); \
                 INSERT INTO initiatives (name, team, hypothesis, driver, change, one_off_cost, yearly_cost, ramp_months, status, created_at, updated_at, version) \
                 VALUES ('Onboarding calls', 'cs', '', 'churn', '\"-1pt\"', '0', '0', 0, 'idea', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 1);",
            )
            .await;
            let err = Store::open(&url).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    StoreError::SchemaTooOld {
                        found: 1,
                        expected: 2,
                        ..
                    }
                ),
                "{backend}: {err}"
            );
            let (store, m) = Store::init(&url, "aiko").await.unwrap();
            assert_eq!((m.from, m.to), (1, 2), "{backend}");
            let all = store.initiatives(&Default::default()).await.unwrap();
            assert_eq!(all.len(), 1);
            assert!(store.tokens().await.unwrap().is_empty());
        });
    }
}

async fn raw_script(url: &str, sql: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
}

async fn raw(url: &str, sql: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query(sql).execute(&mut conn).await.unwrap();
}

#[test]
fn files_that_are_not_databases_and_unreachable_servers() {
    block_on(async {
        let dir = temp_dir("not-a-db");
        let text = dir.join("orders.csv");
        std::fs::write(&text, "customer_id,order_date,amount\na,2024-01-01,5\n").unwrap();
        let url = format!("sqlite://{}", text.display());
        for err in [
            Store::open(&url).await.unwrap_err(),
            Store::init(&url, "aiko").await.unwrap_err(),
        ] {
            assert_eq!(
                err.to_string(),
                format!("{} is not a database", text.display())
            );
        }
        // SQLite refused it before writing anything
        assert_eq!(
            std::fs::read_to_string(&text).unwrap(),
            "customer_id,order_date,amount\na,2024-01-01,5\n"
        );
        let short = dir.join("short.db");
        std::fs::write(&short, "abc").unwrap();
        let err = Store::init(&format!("sqlite://{}", short.display()), "aiko")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
        assert_eq!(std::fs::read(&short).unwrap(), b"abc");
        // a directory is not a database either
        let err = Store::open(&format!("sqlite://{}", dir.display()))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
        let missing = dir.join("nope.db");
        let err = Store::open(&missing.display().to_string())
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "no backlog database at {}: initialise it first",
                missing.display()
            )
        );
        assert!(!missing.exists(), "open never creates a file");

        // nothing listens on port 9 of the loopback
        let err = Store::open("postgres://ltv:secret@127.0.0.1:9/ltv")
            .await
            .unwrap_err();
        let line = err.to_string();
        assert!(
            line.starts_with("cannot connect to postgres://ltv:***@127.0.0.1:9/ltv: "),
            "{line}"
        );
        assert!(!line.contains("secret"));
        let err = Store::open("mysql://h/db").await.unwrap_err();
        assert!(matches!(err, StoreError::UnsupportedUrl { .. }));
    });
}
