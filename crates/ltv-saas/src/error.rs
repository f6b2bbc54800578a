//! The one error type of `ltv-saas`.

use ltv_core::CoreError;
use ltv_segments::SegmentsError;

use crate::month::Month;

/// Everything that can go wrong reading MRR data or computing SaaS metrics.
#[derive(Debug, thiserror::Error)]
pub enum SaasError {
    /// A month that is not `YYYY-MM`.
    #[error("invalid month '{text}': expected YYYY-MM, e.g. 2024-01")]
    InvalidMonth {
        /// The rejected text.
        text: String,
    },
    /// A date that is not `YYYY-MM-DD`.
    #[error("invalid date '{text}': expected YYYY-MM-DD, e.g. 2024-01-31")]
    InvalidDate {
        /// The rejected text.
        text: String,
    },
    /// A negative MRR amount.
    #[error("mrr must be >= 0, got {value} (customer {customer}, {month}, line {line})")]
    NegativeMrr {
        /// The customer.
        customer: String,
        /// The month.
        month: Month,
        /// The rejected amount.
        value: ltv_core::Decimal,
        /// The source line (or row number).
        line: u64,
    },
    /// Two rows for the same customer and month.
    #[error("{}duplicate rows for customer {customer} in {month}: lines {first_line} and {second_line} (use --sum-duplicates to add them)", prefix(.file))]
    DuplicateRow {
        /// The file as the user named it; empty for rows built in memory.
        file: String,
        /// The customer.
        customer: String,
        /// The month.
        month: Month,
        /// The line of the first row.
        first_line: u64,
        /// The line of the repeated row.
        second_line: u64,
    },
    /// The input holds no rows.
    #[error("no MRR rows: the input is empty")]
    Empty,
    /// The month range's cohort matrix is too large to build.
    #[error("the months {from} to {to} make a cohort matrix of {cells} cells, more than the {max} allowed: check the months or narrow them with --from/--to")]
    TooManyMonths {
        /// First month of the range.
        from: String,
        /// Last month of the range.
        to: String,
        /// Cells the matrix would have.
        cells: usize,
        /// The limit.
        max: usize,
    },
    /// `from` is after `to`, or the range holds no data.
    #[error("empty month range: {reason}")]
    EmptyRange {
        /// What is empty, in words.
        reason: String,
    },
    /// A subscription event that contradicts the customer's state.
    #[error("{}: customer {customer}: {reason}", location(.file, *.line))]
    Event {
        /// The file as the user named it; empty for events built in memory.
        file: String,
        /// The source line (or row number).
        line: u64,
        /// The customer.
        customer: String,
        /// What is wrong, in words.
        reason: String,
    },
    /// No customer was at risk in the churn window, so churn cannot be measured.
    #[error("no churn history: the {window}-month window ending {to} has no month with customers at its start; LTV needs at least two months of data")]
    NoChurnHistory {
        /// The requested window in months.
        window: u32,
        /// The last month of the window.
        to: Month,
    },
    /// No customer churned in the window: LTV would be infinite.
    #[error("no customer churned in the {window}-month window ending {to}, so LTV = ARPA × margin ÷ churn is infinite: give a lifetime cap (--lifetime-cap MONTHS) or a longer --churn-window")]
    ZeroChurn {
        /// The requested window in months.
        window: u32,
        /// The last month of the window.
        to: Month,
    },
    /// No active customer in the month LTV is computed for.
    #[error("no active customers in {month}, so ARPA and LTV are undefined: choose a --to month with customers")]
    NoCustomers {
        /// The month.
        month: Month,
    },
    /// A validation or arithmetic error of the shared formulas (names the field).
    #[error(transparent)]
    Core(#[from] CoreError),
    /// A file error of the shared CSV reader: unreadable file, unknown column, or a bad
    /// row with file, line, column and text.
    #[error(transparent)]
    Data(#[from] SegmentsError),
}

fn prefix(file: &str) -> String {
    if file.is_empty() {
        String::new()
    } else {
        format!("{file}: ")
    }
}

fn location(file: &str, line: u64) -> String {
    if file.is_empty() {
        format!("line {line}")
    } else {
        format!("{file}:{line}")
    }
}

/// Result alias for `ltv-saas`.
pub type Result<T, E = SaasError> = std::result::Result<T, E>;
