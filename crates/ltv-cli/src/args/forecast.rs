//! Flags of `ltv forecast …`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use ltv_core::Decimal;

use super::{dec, FormatArg};

/// `ltv forecast <model>`.
#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// Subscription retention (shifted-beta-geometric): fit, projected survival, DERL.
    #[command(after_help = "Examples:\n  \
        ltv forecast retention --survivors 1000,631,468,382,326,289,262,241 --periods 12 --discount-rate 0.1\n  \
        ltv cohort orders.csv --metric retention --format csv > cohorts.csv\n  \
        ltv forecast retention --cohorts cohorts.csv --format json")]
    Retention(RetentionArgs),
}

/// `ltv forecast retention`.
#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// Customers still active after 0, 1, 2, … periods of one cohort, starting with the
    /// cohort size (comma-separated, non-increasing).
    #[arg(
        long,
        value_delimiter = ',',
        required_unless_present = "cohorts",
        conflicts_with = "cohorts"
    )]
    pub survivors: Vec<u64>,
    /// Cohort retention matrix CSV as written by `ltv cohort --metric retention --format
    /// csv` (header `cohort,size,0,1,…`; empty cells where a cohort is too young).
    #[arg(long, value_name = "FILE")]
    pub cohorts: Option<PathBuf>,
    /// Periods to project from the cohort start (1–10000).
    #[arg(long, default_value_t = 12)]
    pub periods: u32,
    /// Discount rate per period for DEL/DERL (>= 0; `0.1` or `10%`).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub discount_rate: Decimal,
    /// Value per customer and period (e.g. ARPU × margin); adds LTV = value × DERL.
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub value_per_period: Option<Decimal>,
    #[command(flatten)]
    pub format: FormatArg,
}
