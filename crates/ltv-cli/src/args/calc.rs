//! Flags of `ltv calc <model>`.

use clap::{Args, Subcommand};
use ltv_core::Decimal;

use super::{dec, FormatArg};

/// The LTV models of `ltv calc`.
#[derive(Debug, Subcommand)]
pub enum CalcModel {
    /// Subscription: ARPU × margin ÷ churn (optionally discounted, finite horizon).
    #[command(
        after_help = "Examples:\n  ltv calc subscription --arpu 10000 --churn 0.05 --margin 0.7\n  ltv calc subscription --arpu 10000 --churn 0.05 --margin 0.7 \\\n      --discount-rate 0.01 --cac 56000"
    )]
    Subscription(SubscriptionArgs),
    /// General: price × margin × frequency × lifespan.
    #[command(
        after_help = "Example:\n  ltv calc general --price 50000 --margin 0.4 --frequency 2 --lifespan 3"
    )]
    General(GeneralArgs),
    /// Revenue-based: price × frequency × lifespan (SaaS: ARPU × months, frequency 1).
    #[command(
        after_help = "Example:\n  ltv calc revenue --price 10000 --frequency 1 --lifespan 24"
    )]
    Revenue(RevenueArgs),
    /// Profit-based: price × frequency × lifespan × margin − (CAC + retention cost).
    #[command(
        after_help = "Example:\n  ltv calc profit --price 50000 --frequency 2 --lifespan 3 --margin 0.4 \\\n      --cac 30000 --retention-cost 5000"
    )]
    Profit(ProfitArgs),
    /// E-commerce: AOV × purchases per year × lifespan in years.
    #[command(after_help = "Example:\n  ltv calc ecommerce --aov 8000 --frequency 4 --lifespan 5")]
    Ecommerce(EcommerceArgs),
}

/// `ltv calc subscription`.
#[derive(Debug, Args)]
pub struct SubscriptionArgs {
    /// Average revenue per user and period (money, > 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub arpu: Decimal,
    /// Churn per period, in (0, 1]; 0 only with --horizon. `5%` works too.
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub churn: Decimal,
    /// Gross margin in [0, 1].
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "1")]
    pub margin: Decimal,
    /// Discount rate per period, >= 0 (first payment at t = 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub discount_rate: Decimal,
    /// Count only this many periods (>= 1); default: no limit.
    #[arg(long)]
    pub horizon: Option<u32>,
    /// Customer acquisition cost, for LTV/CAC and payback.
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub cac: Option<Decimal>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv calc general`.
#[derive(Debug, Args)]
pub struct GeneralArgs {
    /// Average purchase value (money, > 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub price: Decimal,
    /// Gross margin in [0, 1].
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub margin: Decimal,
    /// Purchases per period (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub frequency: Decimal,
    /// Lifespan in periods (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub lifespan: Decimal,
    /// Customer acquisition cost, for LTV/CAC and payback.
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub cac: Option<Decimal>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv calc revenue`.
#[derive(Debug, Args)]
pub struct RevenueArgs {
    /// Average purchase value or ARPU (money, > 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub price: Decimal,
    /// Purchases per period (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub frequency: Decimal,
    /// Lifespan in periods (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub lifespan: Decimal,
    /// Customer acquisition cost, for LTV/CAC and payback.
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub cac: Option<Decimal>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv calc profit`.
#[derive(Debug, Args)]
pub struct ProfitArgs {
    /// Average purchase value (money, > 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub price: Decimal,
    /// Purchases per period (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub frequency: Decimal,
    /// Lifespan in periods (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub lifespan: Decimal,
    /// Gross margin in [0, 1].
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub margin: Decimal,
    /// Customer acquisition cost (money, >= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub cac: Decimal,
    /// Retention cost over the lifetime (money, >= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub retention_cost: Decimal,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv calc ecommerce`.
#[derive(Debug, Args)]
pub struct EcommerceArgs {
    /// Average order value (money, > 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub aov: Decimal,
    /// Orders per year (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub frequency: Decimal,
    /// Lifespan in years (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub lifespan: Decimal,
    /// Customer acquisition cost, for LTV/CAC and payback.
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub cac: Option<Decimal>,
    #[command(flatten)]
    pub format: FormatArg,
}
