//! The one error type of `ltv-segments`.

use std::path::PathBuf;

use ltv_core::CoreError;

/// A bad value in one cell of a data file: which file, line and column, what text, why.
///
/// Line numbers are 1-based and count the header as line 1, so they match what an editor
/// shows. `column` is the column's header name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{file}:{line}: column '{column}': {reason}: '{text}'")]
pub struct DataError {
    /// The file as the user named it (`-` for stdin).
    pub file: String,
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// Header name of the offending column.
    pub column: String,
    /// The offending text, as found (truncated to 80 characters).
    pub text: String,
    /// Why it was rejected, lower-case, e.g. `not a date in the format %Y-%m-%d`.
    pub reason: String,
}

/// Everything that can go wrong in `ltv-segments`.
#[derive(Debug, thiserror::Error)]
pub enum SegmentsError {
    /// The file could not be opened or read.
    #[error("cannot read {file}: {error}")]
    Io {
        /// The file as the user named it.
        file: String,
        /// The I/O error (part of the message, so not also reported as a source).
        error: std::io::Error,
    },
    /// The file is empty or its header line is missing or malformed.
    #[error("{file}: {reason}")]
    Header {
        /// The file as the user named it.
        file: String,
        /// What is wrong with the header.
        reason: String,
    },
    /// A column named on the command line is not in the header.
    #[error("{file}: no column '{column}' (set by {flag}); the header has: {available}")]
    UnknownColumn {
        /// The file as the user named it.
        file: String,
        /// The column name looked for.
        column: String,
        /// The option that named it, e.g. `--date-col`.
        flag: String,
        /// The header's columns, comma-separated.
        available: String,
    },
    /// A bad row (missing field, unparsable date or amount, ...).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The file has no usable rows (none at all, or none on or before the as-of date).
    #[error("{file}: {reason}")]
    NoData {
        /// The file as the user named it.
        file: String,
        /// Why there is nothing to analyse.
        reason: String,
    },
    /// An option value is outside its allowed range.
    #[error("{field} must be {allowed}, got {value}")]
    InvalidOption {
        /// The option's snake_case name, e.g. `bins`.
        field: &'static str,
        /// The rejected value as text.
        value: String,
        /// The allowed range in words.
        allowed: String,
    },
    /// A segment map (preset or TOML file) is unusable.
    #[error("segment map {source_name}: {reason}")]
    SegmentMap {
        /// The preset name or the file path.
        source_name: String,
        /// What is wrong.
        reason: String,
    },
    /// An ltv-core formula rejected the derived inputs.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The job was cancelled while the file was read.
    #[error(transparent)]
    Cancelled(#[from] ltv_core::Cancelled),
}

impl SegmentsError {
    /// An [`SegmentsError::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        SegmentsError::Io {
            file: path.into().display().to_string(),
            error,
        }
    }

    /// The snake_case option name an [`SegmentsError::InvalidOption`] is about.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            SegmentsError::InvalidOption { field, .. } => Some(field),
            SegmentsError::Core(core) => core.field(),
            _ => None,
        }
    }
}

/// Result alias for `ltv-segments`.
pub type Result<T, E = SegmentsError> = std::result::Result<T, E>;
