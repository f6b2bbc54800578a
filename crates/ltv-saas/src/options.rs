//! What to compute: the month range and the LTV assumptions.

use ltv_core::{CoreError, Decimal, Margin};
use serde::{Deserialize, Serialize};

use crate::error::{Result, SaasError};
use crate::month::Month;
use crate::table::MrrTable;

/// Default trailing window for the average logo churn behind SaaS LTV, in months.
pub const DEFAULT_CHURN_WINDOW: u32 = 6;

/// Options of [`crate::analyze`] and [`crate::cohorts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaasOptions {
    /// First month reported; default the data's first month. Earlier data still counts
    /// as history (previous-month MRR, reactivations, trailing 12 months). The range is
    /// intersected with the months the data covers.
    #[serde(default)]
    pub from: Option<Month>,
    /// Last month reported; default the data's last month. Later rows are ignored.
    #[serde(default)]
    pub to: Option<Month>,
    /// Gross margin in [0, 1] applied to ARPA in the LTV; default 1.
    #[serde(default = "one")]
    pub margin: Decimal,
    /// Months of trailing logo churn averaged for LTV, >= 1; default 6.
    #[serde(default = "default_window")]
    pub churn_window: u32,
    /// Count at most this many months of a customer's life in LTV (>= 1); required
    /// when no customer churned in the window.
    #[serde(default)]
    pub lifetime_cap: Option<u32>,
}

fn one() -> Decimal {
    Decimal::ONE
}

fn default_window() -> u32 {
    DEFAULT_CHURN_WINDOW
}

impl Default for SaasOptions {
    fn default() -> Self {
        SaasOptions {
            from: None,
            to: None,
            margin: Decimal::ONE,
            churn_window: DEFAULT_CHURN_WINDOW,
            lifetime_cap: None,
        }
    }
}

/// The validated range and the first month of history.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Range {
    pub history_start: Month,
    pub from: Month,
    pub to: Month,
}

impl SaasOptions {
    /// Checks the options against the table and resolves the default range.
    pub(crate) fn range(&self, table: &MrrTable) -> Result<Range> {
        Margin::new(self.margin)?;
        if self.churn_window == 0 {
            return Err(CoreError::OutOfRange {
                field: "churn_window",
                value: Decimal::ZERO,
                allowed: ">= 1 month",
            }
            .into());
        }
        if self.lifetime_cap == Some(0) {
            return Err(CoreError::OutOfRange {
                field: "lifetime_cap",
                value: Decimal::ZERO,
                allowed: ">= 1 month",
            }
            .into());
        }
        let (Some(first), Some(last)) = (table.first_month(), table.last_month()) else {
            return Err(SaasError::Empty);
        };
        let from = self.from.unwrap_or(first);
        let to = self.to.unwrap_or(last);
        if from > to {
            return Err(SaasError::EmptyRange {
                reason: format!("--from {from} is after --to {to}"),
            });
        }
        if to < first || from > last {
            return Err(SaasError::EmptyRange {
                reason: format!(
                    "the data covers {first} to {last}, the range asked for is {from} to {to}"
                ),
            });
        }
        // Months outside the data are not reported: before the first month nothing is
        // known, and after the last every customer would look churned.
        Ok(Range {
            history_start: first,
            from: from.max(first),
            to: to.min(last),
        })
    }
}
