//! The flags that say how the baseline is measured from orders: `ltv report`, `drivers`,
//! `channels`, `plan --data` and `roi --data` share them, so the same flag means the
//! same thing everywhere.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ltv_core::Decimal;
use ltv_planner::{Business, MeasureOptions};
use ltv_segments::{DEFAULT_INACTIVE_DAYS, DEFAULT_REPEAT_DAYS};

use super::dec;

/// `--business`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BusinessArg {
    /// E-commerce / D2C / B2B commerce: repeat-purchase rate and AOV first.
    Ec,
    /// SaaS / subscriptions: net revenue retention, churn, expansion first.
    Saas,
    /// Consulting / services: client retention and referrals first.
    Consulting,
}

impl From<BusinessArg> for Business {
    fn from(b: BusinessArg) -> Self {
        match b {
            BusinessArg::Ec => Business::Ec,
            BusinessArg::Saas => Business::Saas,
            BusinessArg::Consulting => Business::Consulting,
        }
    }
}

/// The churn and repeat windows, the target ratio and the business model.
#[derive(Debug, Clone, Args)]
pub struct BasisArgs {
    /// Days without an order after which a customer counts as churned (raise it for
    /// customers who order quarterly or yearly).
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_INACTIVE_DAYS)]
    pub inactive_days: u32,
    /// A second order on a later day within this many days of the first counts as a
    /// repeat purchase.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_REPEAT_DAYS)]
    pub repeat_days: u32,
    /// The LTV/CAC you aim for: the most you can pay for a customer is LTV ÷ it.
    #[arg(long, value_name = "RATIO", value_parser = dec, default_value = "3")]
    pub target_ratio: Decimal,
    /// Business model, which picks the headline figures and the suggested initiatives
    /// [default: ec for transactions].
    #[arg(long, value_enum)]
    pub business: Option<BusinessArg>,
}

/// The measurement flags with margin, CAC file and currency.
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// Gross margin in [0, 1] applied to revenue; `40%` works too [default: 1, so every
    /// LTV is revenue].
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub margin: Option<Decimal>,
    /// Acquisition spend: `channel,spend[,new_customers]` per channel (names matched
    /// exactly), or `spend[,new_customers]` for all customers.
    #[arg(long, value_name = "PATH")]
    pub cac: Option<PathBuf>,
    /// Currency: an ISO code (`JPY`, `USD`, `EUR`) or a symbol (`¥`, `$`, `€`, `円`);
    /// amounts are shown with its minor units (yen: none).
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    #[command(flatten)]
    pub basis: BasisArgs,
}

impl BasisArgs {
    /// The library's options with this margin and currency.
    pub fn options(&self, margin: Option<Decimal>, currency: Option<&str>) -> MeasureOptions {
        MeasureOptions {
            margin: margin.unwrap_or(Decimal::ONE),
            inactive_days: self.inactive_days,
            repeat_days: self.repeat_days,
            target_ratio: self.target_ratio,
            horizon_months: MeasureOptions::default().horizon_months,
            business: self.business.map(Business::from),
            currency: currency.unwrap_or_default().to_owned(),
        }
    }
}

impl MeasureArgs {
    /// The library's options.
    pub fn options(&self) -> MeasureOptions {
        self.basis.options(self.margin, self.currency.as_deref())
    }
}
