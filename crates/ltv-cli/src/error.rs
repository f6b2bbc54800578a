//! Turning library errors into the one line the user sees.

use ltv_core::CoreError;
use ltv_segments::SegmentsError;

/// The flag a library field name corresponds to: `new_customers` → `--new-customers`.
pub fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// A [`CoreError`] phrased in terms of the command-line flags.
pub fn core(err: CoreError) -> anyhow::Error {
    match err {
        CoreError::OutOfRange {
            field,
            value,
            allowed,
        } => anyhow::anyhow!(
            "invalid value for {}: must be {allowed}, got {value}",
            flag(field)
        ),
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
        } => anyhow::anyhow!(
            "invalid value for {}: must be {allowed}, got {value}",
            flag(field)
        ),
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
        } => anyhow::anyhow!(
            "invalid value for {}: must be {allowed}, got {value}",
            flag(field)
        ),
        ltv_report::ReportError::Segments(e) => segments(e),
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
