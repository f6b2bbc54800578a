//! The one error type of `ltv-health`.

use ltv_saas::SaasError;
use ltv_segments::SegmentsError;

/// Everything that can go wrong reading usage and outcomes or scoring customers.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    /// Reading a CSV file failed: I/O, header, unknown column or a bad row (file, line,
    /// column and text).
    #[error(transparent)]
    Segments(#[from] SegmentsError),
    /// Reading the MRR file failed.
    #[error(transparent)]
    Saas(#[from] SaasError),
    /// An option is outside its allowed range.
    #[error("{field} must be {allowed}, got {value}")]
    InvalidOption {
        /// The option's snake_case name, e.g. `horizon_months`.
        field: &'static str,
        /// The rejected value as text.
        value: String,
        /// The allowed range in words.
        allowed: String,
    },
    /// A metric named in the options does not occur in the usage file.
    #[error("{file}: no metric '{metric}' (set by {field}); the file has: {available}")]
    UnknownMetric {
        /// The usage file as the user named it.
        file: String,
        /// The metric looked for.
        metric: String,
        /// The option that named it, e.g. `nps_metric`.
        field: &'static str,
        /// The metrics the file has, comma-separated.
        available: String,
    },
    /// The usage file has too many distinct metric names to be a metric column.
    #[error("{file}: more than {limit} distinct metric names (e.g. {examples}): is the metric column the right one?")]
    TooManyMetrics {
        /// The usage file.
        file: String,
        /// The largest number of metrics allowed.
        limit: usize,
        /// A few of the names found.
        examples: String,
    },
    /// There is nothing to score or learn from.
    #[error("{file}: {reason}")]
    NoData {
        /// The file the data was expected in.
        file: String,
        /// Why there is nothing to analyse.
        reason: String,
    },
    /// The outcome file does not fit the usage file (different ids, too short, a
    /// customer twice).
    #[error("{file}: {reason}")]
    Outcomes {
        /// The outcome file.
        file: String,
        /// What does not fit.
        reason: String,
    },
    /// The backtest was asked for but the data is too short for it.
    #[error("not enough history for a backtest: {reason}")]
    NotEnoughHistory {
        /// What is missing.
        reason: String,
    },
}

impl HealthError {
    /// The snake_case option name the error is about, where there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            HealthError::InvalidOption { field, .. } | HealthError::UnknownMetric { field, .. } => {
                Some(field)
            }
            HealthError::Segments(e) => e.field(),
            _ => None,
        }
    }
}

/// Result alias for `ltv-health`.
pub type Result<T, E = HealthError> = std::result::Result<T, E>;
