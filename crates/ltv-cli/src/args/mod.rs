//! The command-line interface, declared with clap derive.
//!
//! Raw flags are parsed here (decimals exactly, via [`crate::decimal_arg`]); range
//! validation is the library's, so the CLI and the server reject the same values with
//! the same words.

use clap::{Args, Parser, Subcommand, ValueEnum};
use ltv_core::Decimal;

use crate::decimal_arg;

mod backlog;
mod calc;
mod forecast;
mod health;
mod measure;
mod plan;
mod report;
mod saas;
pub(crate) mod transactions;
mod unit;

pub use backlog::*;
pub use calc::*;
pub use forecast::*;
pub use health::*;
pub use measure::*;
pub use plan::*;
pub use report::*;
pub use saas::*;
pub use transactions::*;
pub use unit::*;

/// Customer lifetime value, unit economics, segments, forecasts and plans.
#[derive(Debug, Parser)]
#[command(name = "ltv", version, about, propagate_version = true)]
pub struct Cli {
    /// What to compute.
    #[command(subcommand)]
    pub command: Command,
    /// CSV output: write ids and names as they are. By default a text cell that a
    /// spreadsheet would run as a formula (starting with =, +, -, @, a tab or CR, and
    /// not a number) gets a ' in front.
    #[arg(long, global = true)]
    pub raw_csv: bool,
    /// Output for Excel: a UTF-8 byte-order mark and CRLF line ends, so Excel (also
    /// Japanese Excel) opens `--format csv` output with the right characters.
    #[arg(long, global = true)]
    pub excel: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lifetime value by the formula that fits the business model.
    #[command(subcommand)]
    Calc(CalcModel),
    /// Customer acquisition cost = (marketing + sales cost) ÷ new customers.
    #[command(
        after_help = "Example:\n  ltv cac --marketing 2000000 --sales 3000000 --new-customers 50"
    )]
    Cac(CacArgs),
    /// LTV/CAC ratio, its health band and CAC payback.
    #[command(
        after_help = "Example:\n  ltv unit-economics --ltv 140000 --cac 56000 --arpu 10000 --margin 0.7"
    )]
    UnitEconomics(UnitEconomicsArgs),
    /// Which driver moves LTV and LTV/CAC most: standard moves, elasticities, ranked.
    #[command(
        after_help = "Examples:\n  ltv levers --arpu 10000 --churn 0.05 --margin 0.7 --cac 56000\n  ltv levers --model ecommerce --aov 8000 --frequency 4 --lifespan 5 --margin 0.3\n  ltv levers --baseline examples/initiatives.toml --format json"
    )]
    Levers(LeversArgs),
    /// Ranked initiative backlog: ICE/RICE scores, model impact, payback, ROI, NPV.
    #[command(
        after_help = "Examples:\n  ltv plan examples/initiatives.toml\n  ltv plan examples/initiatives.toml --mode ice-mean --lang ja --format md\n  ltv plan initiatives.csv --baseline examples/initiatives.toml\n  ltv plan initiatives.toml --data orders.csv --margin 0.4 --cac spend.csv"
    )]
    Plan(PlanArgs),
    /// ROI case of one initiative: monthly simulation, payback, ROI, NPV, summary.
    #[command(
        after_help = "Examples:\n  ltv roi --baseline examples/initiatives.toml --initiative \"Onboarding programme\"\n  ltv roi --baseline initiatives.toml --initiative \"Bundles\" --data orders.csv --margin 0.4 --cac spend.csv\n  ltv roi --arpu 10000 --margin 0.7 --churn 0.05 --new-churn 0.04 --customers 2000 \\\n      --new-customers-per-month 100 --cac 56000 --investment-one-off 3000000 \\\n      --investment-per-year 6000000 --ramp-months 3 --currency ¥ --lang ja"
    )]
    Roi(RoiArgs),
    /// SaaS metrics from MRR per customer and month: MRR movements, churn, GRR, NRR,
    /// quick ratio, ARPA, LTV; or the cohort revenue retention matrix.
    #[command(
        after_help = "Examples:\n  ltv saas mrr.csv --margin 0.8\n  ltv saas mrr.csv --from 2024-01 --to 2024-12 --churn-window 3 --format json\n  ltv saas mrr.csv --cohorts\n  ltv saas events.csv --input events --lifetime-cap 36\n\nInput: customer_id,month,mrr (YYYY-MM, decimal >= 0; a missing month or 0 = not\nsubscribed), optional plan,channel. Definitions: docs/formulas.md, \"SaaS metrics\"."
    )]
    Saas(SaasArgs),
    /// One row per customer: first/last order, orders, frequency, monetary, recency,
    /// tenure, channel.
    #[command(
        after_help = "Example:\n  ltv customers orders.csv --as-of 2024-06-30 --format csv\n  ltv customers cdnow.csv --date-col date"
    )]
    Customers(CustomersArgs),
    /// RFM scores (1..B, rank-based or explicit breaks) and named segments.
    #[command(
        after_help = "Example:\n  ltv rfm orders.csv --format csv > rfm.csv\n  ltv rfm orders.csv --summary\n  ltv rfm orders.csv --segments rf-grid\n  ltv rfm orders.csv --bins 3 --segments my-segments.toml\n  ltv rfm orders.csv --r-breaks 30,90,180,365 --f-breaks 1,2,4,8 --m-breaks 50,100,250,500"
    )]
    Rfm(RfmArgs),
    /// Cohort matrix: retention, revenue or cumulative LTV by period since acquisition.
    #[command(
        after_help = "Example:\n  ltv cohort orders.csv --by month --metric retention --format csv > cohorts.csv\n  ltv cohort orders.csv --by channel --metric ltv"
    )]
    Cohort(CohortArgs),
    /// Per acquisition channel: customers, revenue, LTV at a horizon, CAC, LTV/CAC.
    #[command(
        after_help = "Example:\n  ltv channels orders.csv --cac spend.csv --margin 0.4\n\nThe CAC file has a header and the columns channel,spend[,new_customers] (channel names\nmatched exactly), or spend[,new_customers] for all customers. LTV is gross margin over\nthe expected lifespan, the same basis as `ltv report` and `ltv drivers`."
    )]
    Channels(ChannelsArgs),
    /// Average order value, purchase frequency, churn and lifespan from the data, and
    /// the LTV they imply.
    #[command(
        after_help = "Examples:\n  ltv drivers orders.csv --margin 0.4 --cac spend.csv\n  ltv drivers orders.csv --margin 0.3 --inactive-days 180 --business consulting --format json"
    )]
    Drivers(DriversArgs),
    /// Probabilistic forecasts: subscription retention (sBG), repeat purchases
    /// (BG/NBD), spend (Gamma-Gamma) and per-customer CLV.
    #[command(
        subcommand,
        after_help = "Examples:\n  ltv forecast retention --survivors 1000,631,468,382,326,289,262,241\n  ltv forecast clv orders.csv --calibration-end 2024-06-30 --horizon-months 12 --margin 0.3"
    )]
    Forecast(ForecastCommand),
    /// Customer health scores (0–100, band, top three reasons) and churn early warning
    /// from usage events; learned from MRR or churn outcomes, with a backtest and NPS.
    #[command(
        after_help = "Examples:\n  ltv health --usage usage.csv --mrr mrr.csv --as-of 2024-06-30 --backtest\n  ltv health --usage usage.csv --as-of 2024-06-30 --format csv > health.csv\n  ltv health --usage usage.csv --churned churned.csv --as-of 2024-06-30 --lang ja\n\nInput: customer_id,date,metric,value (a decimal >= 0; rows of a customer, month and\nmetric are summed; `nps` answers are whole numbers 0-10). Definitions: docs/formulas.md,\n\"Customer health\"."
    )]
    Health(HealthArgs),
    /// The whole analysis as one self-contained HTML report (charts, key numbers, plan).
    #[command(
        after_help = "Examples:\n  ltv report --sample -o report.html\n  ltv report orders.csv --cac channels.csv --plan initiatives.toml --margin 0.35 --currency JPY --lang ja -o report.html\n  ltv report orders.csv --margin 0.3 --inactive-days 180 --business consulting --format json\n  ltv report orders.csv --format outline"
    )]
    Report(ReportArgs),
    /// The shared initiative backlog in a database: import, add, rate, move, rank,
    /// snapshot the data, measure after launch, history and export.
    #[command(
        after_help = "Examples:\n  ltv backlog init\n  ltv backlog import examples/initiatives.toml --as aiko\n  ltv backlog snapshot orders.csv --margin 0.4 --cac spend.csv\n  ltv backlog list\n  ltv backlog --db postgres://ltv@db.internal/ltv move \"Onboarding programme\" --to approved\n\nThe database is --db, else $LTV_DATABASE_URL, else sqlite://ltv.db. Guide: docs/backlog.md."
    )]
    Backlog(BacklogArgs),
}

/// Output format of commands that print one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table.
    Text,
    /// JSON with decimals as exact strings.
    Json,
}

/// `--format text|json`.
#[derive(Debug, Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub(crate) fn dec(raw: &str) -> Result<Decimal, String> {
    decimal_arg::parse(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
