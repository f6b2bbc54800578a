//! The one error type of the store. Messages name fields and initiatives, never flags.

use crate::status::Status;

/// What went wrong talking to the backlog database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is not one this store understands.
    #[error("database URL '{url}' is not supported: use sqlite://FILE (or a file path) or postgres://USER@HOST/DB")]
    UnsupportedUrl {
        /// The URL as given (password removed).
        url: String,
    },
    /// The SQLite file does not exist (and this operation does not create it).
    #[error("no backlog database at {path}: initialise it first")]
    Missing {
        /// The file.
        path: String,
    },
    /// The file exists but is not a SQLite database.
    #[error("{path} is not a database")]
    NotADatabase {
        /// The file.
        path: String,
    },
    /// The database cannot be reached (connection refused, unknown host, bad password).
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL (password removed).
        url: String,
        /// The driver's reason.
        reason: String,
    },
    /// The database has no backlog schema yet.
    #[error("database {url} has no backlog schema: initialise it first")]
    NotInitialised {
        /// The URL (password removed).
        url: String,
    },
    /// The database's schema is older than this version needs.
    #[error("database {url} has schema version {found}, this ltv needs {expected}: initialise it again to migrate")]
    SchemaTooOld {
        /// The URL (password removed).
        url: String,
        /// The database's version.
        found: i64,
        /// This build's version.
        expected: i64,
    },
    /// The database was migrated by a newer ltv; this one refuses to touch it.
    #[error("database {url} has schema version {found}, newer than this ltv knows ({expected}): upgrade ltv")]
    SchemaTooNew {
        /// The URL (password removed).
        url: String,
        /// The database's version.
        found: i64,
        /// This build's newest version.
        expected: i64,
    },
    /// No initiative with this name or id.
    #[error("unknown initiative {key}")]
    UnknownInitiative {
        /// The name (quoted) or `#id`.
        key: String,
    },
    /// An initiative with this name exists already.
    #[error("initiative \"{name}\" exists already")]
    Duplicate {
        /// The name.
        name: String,
    },
    /// A status move the lifecycle does not allow.
    #[error("initiative \"{name}\" cannot move from {from} to {to}: {allowed}")]
    IllegalMove {
        /// The initiative.
        name: String,
        /// Its status.
        from: Status,
        /// The requested status.
        to: Status,
        /// What is allowed from `from`.
        allowed: String,
    },
    /// A value outside its allowed range.
    #[error("{}{field} must be {allowed}, got {value}", initiative.as_ref().map(|n| format!("initiative \"{n}\": ")).unwrap_or_default())]
    Invalid {
        /// The initiative, when the value belongs to one.
        initiative: Option<String>,
        /// The field.
        field: String,
        /// The value given.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// The caller's version of an initiative is stale (someone changed it meanwhile).
    #[error("initiative \"{name}\" has changed: version {actual}, the change was made against version {expected}")]
    VersionMismatch {
        /// The initiative.
        name: String,
        /// The version the caller had.
        expected: i64,
        /// The current version.
        actual: i64,
    },
    /// No active token with this name.
    #[error("no active token named \"{name}\"")]
    UnknownToken {
        /// The name.
        name: String,
    },
    /// An active token with this name exists already.
    #[error("an active token named \"{name}\" exists already: revoke it first")]
    DuplicateToken {
        /// The name.
        name: String,
    },
    /// The operating system's random source failed.
    #[error("cannot make a random token: {0}")]
    Random(String),
    /// Every connection of the pool is busy for longer than the connect timeout, or
    /// SQLite's writer lock for longer than its busy timeout.
    #[error("the database is busy: no connection or lock became free in time")]
    Busy,
    /// The connection to the database broke (the server went away).
    #[error("lost the connection to the database: {0}")]
    Lost(String),
    /// A measurement or ranking needs something the database does not hold yet.
    #[error("{0}")]
    Unavailable(String),
    /// The planner refused the data (an initiative the model cannot apply).
    #[error(transparent)]
    Plan(#[from] ltv_planner::PlanError),
    /// A stored value could not be read back (the database was edited by hand?).
    #[error("stored {what} is corrupt: {reason}")]
    Corrupt {
        /// What was read.
        what: String,
        /// Why it failed.
        reason: String,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(String),
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub(crate) fn invalid(
        initiative: Option<&str>,
        field: impl Into<String>,
        value: impl std::fmt::Display,
        allowed: impl Into<String>,
    ) -> StoreError {
        StoreError::Invalid {
            initiative: initiative.map(str::to_owned),
            field: field.into(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>, reason: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt {
            what: what.into(),
            reason: reason.to_string(),
        }
    }
}

/// A database error, without the driver's internals.
pub(crate) fn db(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::PoolTimedOut => StoreError::Busy,
        // SQLITE_BUSY after the busy timeout
        sqlx::Error::Database(e) if e.message().contains("database is locked") => StoreError::Busy,
        sqlx::Error::Database(e) => StoreError::Database(e.message().to_owned()),
        sqlx::Error::Io(e) => StoreError::Lost(e.to_string()),
        sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => StoreError::Lost(err.to_string()),
        other => StoreError::Database(other.to_string()),
    }
}

/// Whether `err` is a unique-constraint violation.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
