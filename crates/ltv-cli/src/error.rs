//! Turning library errors into the one line the user sees.

use ltv_core::CoreError;
use ltv_segments::SegmentsError;

/// The flag a library field name corresponds to: `new_customers` → `--new-customers`.
pub fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// "invalid value for --flag: must be ALLOWED, got VALUE": how every library's
/// out-of-range error reads on the command line.
pub fn out_of_range(field: &str, allowed: &str, value: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!(
        "invalid value for {}: must be {allowed}, got {value}",
        flag(field)
    )
}

/// A [`CoreError`] phrased in terms of the command-line flags.
pub fn core(err: CoreError) -> anyhow::Error {
    match err {
        CoreError::OutOfRange {
            field,
            value,
            allowed,
        } => out_of_range(field, allowed, value),
        other => anyhow::Error::new(other),
    }
}

/// A [`SegmentsError`] phrased in terms of the command-line flags.
pub fn segments(err: SegmentsError) -> anyhow::Error {
    match err {
        SegmentsError::InvalidOption {
            field,
            value,
            allowed,
        } => out_of_range(field, &allowed, value),
        SegmentsError::Core(core) => self::core(core),
        other => anyhow::Error::new(other),
    }
}

/// A report error phrased in terms of the flags.
pub fn report(err: ltv_report::ReportError) -> anyhow::Error {
    match err {
        ltv_report::ReportError::InvalidOption {
            field,
            value,
            allowed,
        } => out_of_range(field, allowed, value),
        ltv_report::ReportError::Segments(e) => segments(e),
        ltv_report::ReportError::Core(e) => core(e),
        other => anyhow::Error::new(other),
    }
}

/// A measurement error phrased in terms of the flags.
pub fn measure(err: ltv_planner::MeasureError) -> anyhow::Error {
    match err {
        ltv_planner::MeasureError::InvalidOption {
            field,
            value,
            allowed,
        } => out_of_range(field, allowed, value),
        ltv_planner::MeasureError::Data(e) => segments(e),
        ltv_planner::MeasureError::Plan(ltv_planner::PlanError::Core { source, .. }) => {
            core(source)
        }
        ltv_planner::MeasureError::NotMeasurable { file, reason } => anyhow::anyhow!(
            "{file}: {}",
            reason.replace("(inactive_days)", "(--inactive-days)")
        ),
        other => anyhow::Error::new(other),
    }
}

/// The error and its causes on one line.
pub fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}")
}

/// Whether the error is a closed stdout (e.g. `ltv rfm big.csv | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
