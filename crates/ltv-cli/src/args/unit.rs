//! Flags of `ltv cac` and `ltv unit-economics`.

use clap::Args;
use ltv_core::Decimal;

use super::{dec, FormatArg};

/// `ltv cac`.
#[derive(Debug, Args)]
pub struct CacArgs {
    /// Marketing cost for the period (money, >= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub marketing: Decimal,
    /// Sales cost for the period (money, >= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub sales: Decimal,
    /// New customers acquired in the period (>= 1).
    #[arg(long)]
    pub new_customers: u64,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv unit-economics`.
#[derive(Debug, Args)]
pub struct UnitEconomicsArgs {
    /// Lifetime value per customer (money).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, allow_hyphen_values = true)]
    pub ltv: Decimal,
    /// Customer acquisition cost (money, > 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub cac: Decimal,
    /// Average revenue per user and period, for CAC payback (money, > 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub arpu: Option<Decimal>,
    /// Gross margin in [0, 1] for CAC payback; needs --arpu; default 1.
    #[arg(long, allow_negative_numbers = true, value_parser = dec, requires = "arpu")]
    pub margin: Option<Decimal>,
    #[command(flatten)]
    pub format: FormatArg,
}
