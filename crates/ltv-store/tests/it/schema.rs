//! Migrations, schema versions and connection errors.

use ltv_store::{Store, StoreError};

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
            assert_eq!((m.from, m.to), (0, 1));
            let (_, again) = Store::init(&url, "ken").await.unwrap();
            assert_eq!((again.from, again.to), (1, 1), "{backend}");
            assert_eq!(store.audit_log().await.unwrap().len(), 1);
            Store::open(&url).await.unwrap();

            // a newer ltv migrated this database: refuse to read or migrate it
            raw(&url, "INSERT INTO ltv_schema (version, description, applied_at) VALUES (99, 'future', 'x')").await;
            let open = Store::open(&url).await.unwrap_err();
            assert!(
                open.to_string()
                    .ends_with("has schema version 99, newer than this ltv knows (1): upgrade ltv"),
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
