//! Flags of `ltv forecast …`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use ltv_core::Decimal;
use ltv_forecast::TimeUnit;
use ltv_segments::Day;

use super::{dec, FormatArg, TableFormatArg, TransactionArgs};

/// `ltv forecast <model>`.
#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// Subscription retention (shifted-beta-geometric): fit, projected survival, DERL.
    #[command(after_help = "Examples:\n  \
        ltv forecast retention --survivors 1000,631,468,382,326,289,262,241 --periods 12 --discount-rate 0.1\n  \
        ltv cohort orders.csv --metric retention --format csv > cohorts.csv\n  \
        ltv forecast retention --cohorts cohorts.csv --format json")]
    Retention(RetentionArgs),
    /// Repeat purchases (BG/NBD): fit on a calibration period, P(alive), holdout check.
    #[command(after_help = "Examples:\n  \
        ltv forecast purchases orders.csv --calibration-end 1997-09-30\n  \
        ltv forecast purchases cdnow.csv --date-col date --calibration-end 1997-09-30 --holdout-end 1998-06-30 --time-unit week")]
    Purchases(PurchasesArgs),
    /// Spend per transaction (Gamma-Gamma) of repeat buyers.
    #[command(
        after_help = "Example:\n  ltv forecast spend orders.csv --calibration-end 1997-09-30"
    )]
    Spend(SpendArgs),
    /// Per-customer CLV = expected purchases × expected spend × margin, discounted monthly.
    #[command(after_help = "Example:\n  \
        ltv forecast clv orders.csv --calibration-end 1997-09-30 --horizon-months 12 --discount-rate 1% --margin 0.3 --format csv\n\n\
        The discount rate is per MONTH; each month's expected margin is discounted as a cash\n\
        flow at the end of that month. Months are 30.4375 days.")]
    Clv(ClvArgs),
}

/// `--time-unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimeUnitArg {
    /// 1 day.
    Day,
    /// 7 days.
    Week,
    /// 30.4375 days (365.25 / 12).
    Month,
}

impl From<TimeUnitArg> for TimeUnit {
    fn from(u: TimeUnitArg) -> Self {
        match u {
            TimeUnitArg::Day => TimeUnit::Day,
            TimeUnitArg::Week => TimeUnit::Week,
            TimeUnitArg::Month => TimeUnit::Month,
        }
    }
}

/// `ltv forecast purchases`.
#[derive(Debug, Args)]
pub struct PurchasesArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    /// Last day of the calibration period (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub calibration_end: Day,
    /// Last day of the holdout period (YYYY-MM-DD, inclusive): compare predicted and
    /// actual purchases after the calibration end.
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub holdout_end: Option<Day>,
    /// Time unit of recency, age and the model's α.
    #[arg(long, value_enum, default_value_t = TimeUnitArg::Week)]
    pub time_unit: TimeUnitArg,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv forecast spend`.
#[derive(Debug, Args)]
pub struct SpendArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    /// Last day of the calibration period (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub calibration_end: Day,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv forecast clv`.
#[derive(Debug, Args)]
pub struct ClvArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    /// Last day of the calibration period (YYYY-MM-DD, inclusive): the valuation date.
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub calibration_end: Day,
    /// Horizon in months (1–1200).
    #[arg(long, value_name = "N")]
    pub horizon_months: u32,
    /// Discount rate per MONTH (>= 0; `0.01` or `1%`).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub discount_rate: Decimal,
    /// Gross margin in [0, 1] applied to spend.
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "1")]
    pub margin: Decimal,
    /// Time unit of the purchase model (the result does not depend on it beyond rounding).
    #[arg(long, value_enum, default_value_t = TimeUnitArg::Week)]
    pub time_unit: TimeUnitArg,
    #[command(flatten)]
    pub format: TableFormatArg,
}

fn day(raw: &str) -> Result<Day, String> {
    // YYYY-MM-DD, or as the command line's --date-format says
    super::transactions::day(raw)
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
