//! The one error type of `ltv-core`.

use rust_decimal::Decimal;

/// Everything that can go wrong in an `ltv-core` computation.
///
/// Field names are the snake_case names of the inputs (`churn`, `new_customers`, ...),
/// which the CLI turns into flag names (`--churn`, `--new-customers`) and the server
/// reports in the `field` of its error body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// A value lies outside the range its field allows.
    #[error("{field} must be {allowed}, got {value}")]
    OutOfRange {
        /// The input's snake_case name.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
        /// The allowed range in words or interval notation, e.g. `in (0, 1]`.
        allowed: &'static str,
    },
    /// A text value that is not one of the accepted forms (a currency, a language).
    #[error("{field} must be {allowed}, got '{value}'")]
    Unrecognized {
        /// The input's snake_case name.
        field: &'static str,
        /// The rejected text (at most 40 characters of it).
        value: String,
        /// What is accepted, in words.
        allowed: &'static str,
    },
    /// Subscription LTV with zero churn and no finite horizon would be infinite.
    #[error("churn is 0, so the customer never leaves and LTV is infinite: give a finite horizon (--horizon) or a churn above 0")]
    ZeroChurnWithoutHorizon,
    /// A result does not fit in a 96-bit decimal.
    #[error("arithmetic overflow while computing {what}: the inputs are too large")]
    Overflow {
        /// What was being computed.
        what: &'static str,
    },
}

impl CoreError {
    /// The snake_case name of the offending input, where there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CoreError::OutOfRange { field, .. } | CoreError::Unrecognized { field, .. } => {
                Some(field)
            }
            CoreError::ZeroChurnWithoutHorizon => Some("churn"),
            CoreError::Overflow { .. } => None,
        }
    }
}

/// Result alias for `ltv-core`.
pub type Result<T, E = CoreError> = std::result::Result<T, E>;
