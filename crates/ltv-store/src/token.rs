//! API tokens of the team service: who may read, change and administer the backlog.
//!
//! A token is 256 random bits from the operating system, written `ltv_` + 64 hex
//! digits, and shown once when it is created. The database keeps only its SHA-256 (a
//! hash of 256 random bits needs no salt or slow hash: there is nothing to guess from
//! it), with a name (the audit log's actor for every change made with it) and a
//! [`Role`]. Revoked tokens stay in the table for the record; one active token per
//! name.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{db, is_unique_violation, Result, StoreError};
use crate::store::{check_actor, now, record, time_text, Change, Cols, Store};

/// What a token may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads the backlog, snapshots, history and measurements.
    Viewer,
    /// Also creates, changes, rates and moves initiatives and takes snapshots.
    Editor,
    /// Also deletes initiatives and manages tokens.
    Admin,
}

impl Role {
    /// Every role, least first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;

    /// Parses `viewer`, `editor` or `admin` (case ignored).
    fn from_str(s: &str) -> Result<Self> {
        let norm = s.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == norm)
            .ok_or_else(|| StoreError::invalid(None, "role", s, "one of viewer, editor, admin"))
    }
}

/// A token as the database knows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Token {
    /// Stable id.
    pub id: i64,
    /// Whose token it is; the actor of the audit log for every change made with it.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// Created at (UTC).
    pub created_at: DateTime<Utc>,
    /// Who created it.
    pub created_by: String,
    /// Revoked at (UTC); `null` while active.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who revoked it.
    pub revoked_by: Option<String>,
}

impl Token {
    /// Whether it has not been revoked.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A token to create, as an API sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Whose token it is (1–100 characters; one active token per name).
    pub name: String,
    /// What it may do.
    pub role: Role,
}

/// A token just created: its record and the token itself, shown this once.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedToken {
    /// The record.
    #[serde(flatten)]
    pub token: Token,
    /// The token to send as `Authorization: Bearer …`; not stored, not shown again.
    pub secret: String,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &self.token)
            .field("secret", &"***")
            .finish()
    }
}

/// The prefix of every token (so a leaked one is recognisable in logs and scanners).
pub const TOKEN_PREFIX: &str = "ltv_";

/// Random bytes in a token.
const TOKEN_BYTES: usize = 32;

/// The longest token name accepted, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;

/// A new random token.
pub(crate) fn generate() -> Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::getrandom(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(format!("{TOKEN_PREFIX}{}", hex(&bytes)))
}

/// Whether `secret` has a token's shape (`ltv_` + 64 lower-case hex digits).
pub(crate) fn well_formed(secret: &str) -> bool {
    secret.strip_prefix(TOKEN_PREFIX).is_some_and(|h| {
        h.len() == 2 * TOKEN_BYTES && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// The stored form of a token: its SHA-256, lower-case hex.
pub(crate) fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Checks and trims a token's name.
pub(crate) fn check_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > MAX_TOKEN_NAME_CHARS || n.chars().any(char::is_control) {
        return Err(StoreError::invalid(
            None,
            "name",
            format!("\"{}\"", n.escape_debug()),
            format!("a name of 1 to {MAX_TOKEN_NAME_CHARS} characters without control characters"),
        ));
    }
    Ok(n.to_owned())
}

const TOKEN_COLUMNS: &str = "id, name, role, created_at, created_by, revoked_at, revoked_by";

fn token_row(row: &sqlx::any::AnyRow) -> Result<Token> {
    let c = Cols(row);
    let revoked_at = c
        .opt_text("revoked_at")?
        .map(|t| {
            DateTime::parse_from_rfc3339(&t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| StoreError::corrupt("revoked_at", e))
        })
        .transpose()?;
    Ok(Token {
        id: c.int("id")?,
        name: c.text("name")?,
        role: c
            .text("role")?
            .parse()
            .map_err(|e: StoreError| StoreError::corrupt("role", e))?,
        created_at: c.time("created_at")?,
        created_by: c.text("created_by")?,
        revoked_at,
        revoked_by: c.opt_text("revoked_by")?,
    })
}

/// What the audit log records of a token (never its hash).
fn audit_state(t: &Token) -> serde_json::Value {
    serde_json::json!({
        "name": t.name,
        "role": t.role,
        "revoked_at": t.revoked_at,
    })
}

impl Store {
    /// Creates a token named `name` with `role`; the token itself is in the answer
    /// only. The audit log records the creation (name and role).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for an empty or over-long name,
    /// [`StoreError::DuplicateToken`] when an active token has this name, database
    /// errors.
    pub async fn create_token(&self, name: &str, role: Role, actor: &str) -> Result<IssuedToken> {
        let actor = check_actor(actor)?;
        let name = check_name(name)?;
        let secret = generate()?;
        let mut tx = self.write().await?;
        let at = now();
        let row = sqlx::query(
            "INSERT INTO tokens (name, role, hash, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&name)
        .bind(role.as_str())
        .bind(hash(&secret))
        .bind(time_text(&at))
        .bind(actor)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::DuplicateToken { name: name.clone() }
            } else {
                db(e)
            }
        })?;
        let token = Token {
            id: Cols(&row).int("id")?,
            name,
            role,
            created_at: at,
            created_by: actor.to_owned(),
            revoked_at: None,
            revoked_by: None,
        };
        record(
            &mut tx,
            &at,
            Change {
                actor,
                entity: "token",
                entity_id: Some(token.id),
                initiative_id: None,
                subject: &token.name,
                operation: "create",
                before: None,
                after: Some(audit_state(&token)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(IssuedToken { token, secret })
    }

    /// Every token, active and revoked, by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn tokens(&self) -> Result<Vec<Token>> {
        sqlx::query(&format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY id"))
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(token_row)
            .collect()
    }

    /// Revokes the active token named `name`: it authenticates no more. The audit
    /// log records the revocation.
    ///
    /// # Errors
    /// [`StoreError::UnknownToken`], database errors.
    pub async fn revoke_token(&self, name: &str, actor: &str) -> Result<Token> {
        let actor = check_actor(actor)?;
        let name = name.trim();
        let mut tx = self.write().await?;
        let before = sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE name = $1 AND revoked_at IS NULL"
        ))
        .bind(name)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .map(|row| token_row(&row))
        .transpose()?
        .ok_or_else(|| StoreError::UnknownToken {
            name: name.to_owned(),
        })?;
        let at = now();
        sqlx::query("UPDATE tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3")
            .bind(time_text(&at))
            .bind(actor)
            .bind(before.id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let after = Token {
            revoked_at: Some(at),
            revoked_by: Some(actor.to_owned()),
            ..before.clone()
        };
        record(
            &mut tx,
            &at,
            Change {
                actor,
                entity: "token",
                entity_id: Some(before.id),
                initiative_id: None,
                subject: &before.name,
                operation: "revoke",
                before: Some(audit_state(&before)),
                after: Some(audit_state(&after)),
            },
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(after)
    }

    /// The active token whose secret is `secret`; `None` for an unknown, revoked or
    /// malformed one (a malformed one without asking the database).
    ///
    /// # Errors
    /// Database errors.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<Token>> {
        if !well_formed(secret) {
            return Ok(None);
        }
        sqlx::query(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = $1 AND revoked_at IS NULL"
        ))
        .bind(hash(secret))
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .map(|row| token_row(&row))
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_well_formed() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert!(well_formed(&a));
        assert!(!well_formed("ltv_abc"));
        assert!(!well_formed(&a.to_uppercase()));
        assert!(!well_formed(&format!("{a}0")));
        // SHA-256("abc"), FIPS 180-2
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn roles_and_names() {
        assert!(Role::Admin.allows(Role::Editor));
        assert!(!Role::Viewer.allows(Role::Editor));
        assert_eq!("Editor".parse::<Role>().unwrap(), Role::Editor);
        assert_eq!(
            "owner".parse::<Role>().unwrap_err().to_string(),
            "role must be one of viewer, editor, admin, got owner"
        );
        assert_eq!(check_name("  aiko ").unwrap(), "aiko");
        assert!(check_name("").is_err());
        assert!(check_name("a\nb").is_err());
    }
}
