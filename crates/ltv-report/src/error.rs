//! The error type of `ltv-report`.

/// What can go wrong while building or rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A chart could not be drawn.
    #[error("could not draw a chart: {0}")]
    Chart(String),
    /// The HTML template failed to render.
    #[error("could not render the report template: {0}")]
    Template(String),
}
