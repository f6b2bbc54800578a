//! Database URLs: `sqlite://FILE` (or a bare file path) and `postgres://…`.

use std::path::PathBuf;

use crate::error::{Result, StoreError};

/// The default database: `ltv.db` in the working directory.
pub const DEFAULT_URL: &str = "sqlite://ltv.db";

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// An SQLite file (embedded; WAL mode).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The back end.
    pub backend: Backend,
    /// For SQLite, the file.
    pub path: Option<PathBuf>,
    /// The URL to connect with (SQLite: without its `mode`).
    url: String,
    /// The URL with any password replaced by `***`, for messages.
    pub shown: String,
}

impl DatabaseUrl {
    /// Parses `sqlite://FILE`, `sqlite:FILE`, a path without a scheme (SQLite), or
    /// `postgres://` / `postgresql://` URLs.
    ///
    /// # Errors
    /// [`StoreError::UnsupportedUrl`] for another scheme or an empty SQLite path.
    pub fn parse(raw: &str) -> Result<DatabaseUrl> {
        let raw = raw.trim();
        let shown = redact(raw);
        let unsupported = || StoreError::UnsupportedUrl { url: shown.clone() };
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                backend: Backend::Postgres,
                path: None,
                url: raw.to_owned(),
                shown,
            });
        }
        let file = if let Some(rest) = raw.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = raw.strip_prefix("sqlite:") {
            rest
        } else if raw.contains("://") {
            return Err(unsupported());
        } else {
            raw
        };
        // options after `?` are ours to set (mode); keep the file part only
        let file = file.split('?').next().unwrap_or_default();
        if file.is_empty() || file == ":memory:" {
            return Err(unsupported());
        }
        // an absolute path, percent-encoded: sqlx reads the URL with a URL parser
        let absolute = std::path::absolute(file).map_err(|_| unsupported())?;
        let mut encoded = String::new();
        for c in absolute.to_string_lossy().chars() {
            match c {
                '%' => encoded.push_str("%25"),
                ' ' => encoded.push_str("%20"),
                '#' => encoded.push_str("%23"),
                '?' => encoded.push_str("%3F"),
                c => encoded.push(c),
            }
        }
        Ok(DatabaseUrl {
            backend: Backend::Sqlite,
            path: Some(PathBuf::from(file)),
            url: format!("sqlite://{encoded}"),
            shown: file.to_owned(),
        })
    }

    /// The URL to connect with; for SQLite with `mode=rwc` (create) or `mode=rw`.
    pub(crate) fn connect_url(&self, create: bool) -> String {
        match self.backend {
            Backend::Postgres => {
                // name the connections, so that an administrator (and our tests) can
                // tell ltv's sessions apart in pg_stat_activity
                if self.url.contains("application_name=") {
                    self.url.clone()
                } else {
                    let sep = if self.url.contains('?') { '&' } else { '?' };
                    format!("{}{sep}application_name=ltv", self.url)
                }
            }
            Backend::Sqlite => {
                let mode = if create { "rwc" } else { "rw" };
                format!("{}?mode={mode}", self.url)
            }
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &rest[at..]
        ),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = DatabaseUrl::parse("sqlite://ltv.db").unwrap();
        assert_eq!(u.backend, Backend::Sqlite);
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            u.connect_url(false),
            format!("sqlite://{}/ltv.db?mode=rw", cwd.display())
        );
        let u = DatabaseUrl::parse("sqlite:///tmp/my file#1.db").unwrap();
        assert_eq!(
            u.connect_url(true),
            "sqlite:///tmp/my%20file%231.db?mode=rwc"
        );
        let u = DatabaseUrl::parse("data/team.db").unwrap();
        assert_eq!(u.path.unwrap(), PathBuf::from("data/team.db"));
        let u = DatabaseUrl::parse("postgres://ltv:pw@db.example/ltv").unwrap();
        assert_eq!(u.backend, Backend::Postgres);
        assert_eq!(u.shown, "postgres://ltv:***@db.example/ltv");
        assert_eq!(
            u.connect_url(false),
            "postgres://ltv:pw@db.example/ltv?application_name=ltv"
        );
        assert_eq!(
            DatabaseUrl::parse("mysql://x/y").unwrap_err().to_string(),
            "database URL 'mysql://x/y' is not supported: use sqlite://FILE (or a file path) or postgres://USER@HOST/DB"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }
}
