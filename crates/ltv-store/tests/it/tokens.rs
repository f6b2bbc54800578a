//! API tokens: created with a role, shown once, stored hashed, authenticated while
//! active, revoked for good; every creation and revocation in the audit log.

use ltv_store::{Role, Store, StoreError, TOKEN_PREFIX};

use crate::{block_on, databases};

#[test]
fn create_authenticate_list_and_revoke() {
    for (backend, url) in databases("tokens") {
        block_on(async {
            let (store, _) = Store::init(&url, "admin").await.unwrap();
            let issued = store
                .create_token(" aiko (marketing) ", Role::Editor, "admin")
                .await
                .unwrap();
            assert!(issued.secret.starts_with(TOKEN_PREFIX), "{backend}");
            assert_eq!(issued.token.name, "aiko (marketing)");
            assert!(
                !format!("{issued:?}").contains(&issued.secret),
                "Debug hides the secret"
            );

            let found = store.authenticate(&issued.secret).await.unwrap().unwrap();
            assert_eq!(
                (found.name.as_str(), found.role),
                ("aiko (marketing)", Role::Editor)
            );
            // a near miss, a malformed one, nothing
            let mut wrong = issued.secret.clone();
            wrong.pop();
            wrong.push(if issued.secret.ends_with('0') {
                '1'
            } else {
                '0'
            });
            assert!(store.authenticate(&wrong).await.unwrap().is_none());
            assert!(store.authenticate("Bearer x").await.unwrap().is_none());
            assert!(store.authenticate("").await.unwrap().is_none());

            // one active token per name
            let dup = store
                .create_token("aiko (marketing)", Role::Viewer, "admin")
                .await
                .unwrap_err();
            assert!(
                matches!(dup, StoreError::DuplicateToken { .. }),
                "{backend}: {dup}"
            );

            let viewer = store
                .create_token("ken", Role::Viewer, "admin")
                .await
                .unwrap();
            let revoked = store
                .revoke_token("aiko (marketing)", "admin")
                .await
                .unwrap();
            assert!(!revoked.is_active());
            assert_eq!(revoked.revoked_by.as_deref(), Some("admin"));
            assert!(store.authenticate(&issued.secret).await.unwrap().is_none());
            assert!(store.authenticate(&viewer.secret).await.unwrap().is_some());
            let again = store
                .revoke_token("aiko (marketing)", "admin")
                .await
                .unwrap_err();
            assert_eq!(
                again.to_string(),
                "no active token named \"aiko (marketing)\""
            );

            // the name is free again after the revocation
            let renewed = store
                .create_token("aiko (marketing)", Role::Admin, "admin")
                .await
                .unwrap();
            assert_ne!(renewed.secret, issued.secret);
            let all = store.tokens().await.unwrap();
            let summary: Vec<(&str, Role, bool)> = all
                .iter()
                .map(|t| (t.name.as_str(), t.role, t.is_active()))
                .collect();
            assert_eq!(
                summary,
                [
                    ("aiko (marketing)", Role::Editor, false),
                    ("ken", Role::Viewer, true),
                    ("aiko (marketing)", Role::Admin, true),
                ]
            );

            // the audit log has every creation and revocation, and no secret or hash
            let log = store.audit_log().await.unwrap();
            let ops: Vec<(&str, &str)> = log
                .iter()
                .filter(|e| e.entity == "token")
                .map(|e| (e.operation.as_str(), e.subject.as_str()))
                .collect();
            assert_eq!(
                ops,
                [
                    ("create", "aiko (marketing)"),
                    ("create", "ken"),
                    ("revoke", "aiko (marketing)"),
                    ("create", "aiko (marketing)"),
                ]
            );
            let text = serde_json::to_string(&log).unwrap();
            assert!(!text.contains(&issued.secret[TOKEN_PREFIX.len()..]));
            let sha256 = |s: &str| {
                use sha2::Digest;
                let d = sha2::Sha256::digest(s.as_bytes());
                d.iter().map(|b| format!("{b:02x}")).collect::<String>()
            };
            assert!(!text.contains(&sha256(&issued.secret)), "{text}");

            // the table holds the SHA-256, never the token
            use sqlx::{Connection, Row};
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
            let rows = sqlx::query("SELECT hash FROM tokens ORDER BY id")
                .fetch_all(&mut conn)
                .await
                .unwrap();
            let hashes: Vec<String> = rows.iter().map(|r| r.get::<String, _>("hash")).collect();
            assert_eq!(hashes[0], sha256(&issued.secret), "{backend}");
            assert!(hashes.iter().all(|h| !h.contains(TOKEN_PREFIX)));
        });
    }
}

#[test]
fn names_and_roles_are_checked() {
    let url = crate::sqlite_url("token-names");
    block_on(async {
        let (store, _) = Store::init(&url, "admin").await.unwrap();
        let err = store
            .create_token("  ", Role::Viewer, "admin")
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("name must be a name of 1 to 100 characters"),
            "{err}"
        );
        let long = "x".repeat(101);
        assert!(store
            .create_token(&long, Role::Viewer, "admin")
            .await
            .is_err());
        assert!("superuser".parse::<Role>().is_err());
        assert!(store.tokens().await.unwrap().is_empty(), "nothing written");
    });
}
