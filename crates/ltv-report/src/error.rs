//! The error type of `ltv-report`.

/// What can go wrong while building or rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading or summarising the transactions failed.
    #[error(transparent)]
    Segments(#[from] ltv_segments::SegmentsError),
    /// A forecast model failed.
    #[error(transparent)]
    Forecast(#[from] ltv_forecast::ForecastError),
    /// The initiatives file or a plan computation failed.
    #[error(transparent)]
    Plan(#[from] ltv_planner::PlanError),
    /// A formula rejected its inputs.
    #[error(transparent)]
    Core(#[from] ltv_core::CoreError),
    /// An option is out of range.
    #[error("{field} must be {allowed}, got {value}")]
    InvalidOption {
        /// The option's snake_case name.
        field: &'static str,
        /// The rejected value.
        value: String,
        /// The allowed range.
        allowed: &'static str,
    },
    /// An input this section needs could not be computed (the reason is given).
    #[error("{0}")]
    Unavailable(String),
    /// A chart could not be drawn.
    #[error("could not draw a chart: {0}")]
    Chart(String),
    /// The HTML template failed to render.
    #[error("could not render the report template: {0}")]
    Template(String),
    /// The job was cancelled (its request timed out or its client left).
    #[error(transparent)]
    Cancelled(#[from] ltv_core::Cancelled),
}
