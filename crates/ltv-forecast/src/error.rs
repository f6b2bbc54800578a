//! The one error type of `ltv-forecast`.

use rust_decimal::Decimal;

/// Everything that can go wrong in a forecast; each variant names what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// A parameter or request value outside its allowed range.
    #[error("invalid value for {field}: must be {allowed}, got {value}")]
    OutOfRange {
        /// The field (snake_case; front ends map it to their flag name).
        field: &'static str,
        /// The offending value as text.
        value: String,
        /// The allowed range in words, e.g. `>= 0`.
        allowed: &'static str,
    },
    /// The data cannot identify the model (e.g. nobody churned, no repeat buyers).
    #[error("not enough data: {reason}")]
    NotEnoughData {
        /// Why the model cannot be fitted.
        reason: String,
    },
    /// Survivor counts that are not a survival curve.
    #[error("cohort {cohort}, period {period}: {message}")]
    Survivors {
        /// Index (0-based) or label of the cohort.
        cohort: String,
        /// The period whose count is wrong.
        period: usize,
        /// What is wrong.
        message: String,
    },
    /// A malformed cell in a cohort retention matrix.
    #[error("line {line}, column {column}: {message}")]
    Matrix {
        /// 1-based line in the CSV text.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A repeat buyer whose mean spend is zero or negative (Gamma-Gamma needs > 0).
    #[error("customer {customer}: mean repeat spend must be > 0, got {value}")]
    NonPositiveSpend {
        /// The customer id.
        customer: String,
        /// Their mean repeat spend.
        value: Decimal,
    },
    /// A purchase history that is not usable (e.g. a purchase with a negative amount).
    #[error("customer {customer}: {message}")]
    History {
        /// The customer id.
        customer: String,
        /// What is wrong.
        message: String,
    },
    /// A money result that does not fit a `Decimal` (or is not finite).
    #[error("{field} is not representable as a decimal: {value}")]
    NotRepresentable {
        /// Which output.
        field: &'static str,
        /// The float value.
        value: String,
    },
}

impl ForecastError {
    /// The field a range error refers to, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ForecastError::OutOfRange { field, .. } => Some(field),
            _ => None,
        }
    }
}
