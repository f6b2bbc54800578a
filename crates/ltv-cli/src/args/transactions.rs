//! Flags shared by every command that reads a transactions file (`ltv customers`,
//! `rfm`, `cohort`, `channels`, `drivers`, and the forecast commands), and the flags of
//! the segment commands.

use clap::{Args, ValueEnum};
use ltv_segments::{
    CohortKey, CohortMetric, CsvOptions, DateFormat, Day, LoadOptions, TransactionColumns,
};

/// The transactions input: `FILE` plus the reading flags ([`ReadArgs`]). Flatten it
/// into a command with `#[command(flatten)]`.
#[derive(Debug, Clone, Args)]
pub struct TransactionArgs {
    /// Transactions CSV with a header, one row per order (`-` reads stdin).
    #[arg(value_name = "FILE")]
    pub file: String,
    #[command(flatten)]
    pub read: ReadArgs,
}

impl TransactionArgs {
    /// The library's load options for these flags (`progress` when stderr is a terminal).
    pub fn load_options(&self, progress: Option<fn(u64, u64)>) -> LoadOptions {
        self.read.load_options(progress)
    }
}

/// How to read a transactions file: column mapping, date format, delimiter,
/// `--skip-invalid` and `--as-of` (for commands whose FILE is optional, like `report`).
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// Column with the customer id.
    #[arg(long, value_name = "NAME", default_value = "customer_id")]
    pub customer_col: String,
    /// Column with the order date.
    #[arg(long, value_name = "NAME", default_value = "order_date")]
    pub date_col: String,
    /// Column with the order amount (decimal; negative = refund).
    #[arg(long, value_name = "NAME", default_value = "amount")]
    pub amount_col: String,
    /// Column with the acquisition channel [default: `channel` if present].
    #[arg(long, value_name = "NAME")]
    pub channel_col: Option<String>,
    /// strftime pattern of the dates, e.g. `%Y%m%d` or `%d/%m/%Y` [default: YYYY-MM-DD,
    /// a time part is ignored].
    #[arg(long, value_name = "PATTERN")]
    pub date_format: Option<String>,
    /// Field delimiter: one character, or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = delimiter)]
    pub delimiter: u8,
    /// Skip rows with a bad value (reported on stderr) instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Analyse as of this date (YYYY-MM-DD); later orders are ignored [default: the
    /// latest order date in the file].
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub as_of: Option<Day>,
}

impl ReadArgs {
    /// The library's load options for these flags (`progress` when stderr is a terminal).
    pub fn load_options(&self, progress: Option<fn(u64, u64)>) -> LoadOptions {
        LoadOptions {
            columns: TransactionColumns {
                customer: self.customer_col.clone(),
                date: self.date_col.clone(),
                amount: self.amount_col.clone(),
                channel: self.channel_col.clone(),
            },
            date_format: DateFormat::from_option(self.date_format.as_deref()),
            csv: CsvOptions {
                skip_invalid: self.skip_invalid,
                progress,
            },
            as_of: self.as_of,
        }
    }
}

/// Output format of table commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// An aligned table, rounded for reading.
    Text,
    /// JSON with decimals as exact strings.
    Json,
    /// CSV with a header and exact decimals.
    Csv,
}

/// `--format text|json|csv`.
#[derive(Debug, Clone, Args)]
pub struct TableFormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
}

/// `ltv customers`.
#[derive(Debug, Args)]
pub struct CustomersArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    #[command(flatten)]
    pub format: TableFormatArg,
}

/// `ltv rfm`.
#[derive(Debug, Args)]
pub struct RfmArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    /// Number of score bins per dimension (2..=9); only 5 has the named presets.
    #[arg(long, default_value_t = 5)]
    pub bins: u32,
    /// Explicit recency breaks in days since the last order, ascending, e.g.
    /// `30,90,180,365` (B−1 values; a recency below the first break scores B).
    #[arg(long, value_name = "DAYS,...", value_delimiter = ',')]
    pub r_breaks: Option<Vec<String>>,
    /// Explicit frequency breaks, ascending, e.g. `1,2,4,8` (score = 1 + breaks <= value).
    #[arg(long, value_name = "N,...", value_delimiter = ',')]
    pub f_breaks: Option<Vec<String>>,
    /// Explicit monetary breaks, ascending, e.g. `50,100,250,500`.
    #[arg(
        long,
        value_name = "MONEY,...",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub m_breaks: Option<Vec<String>>,
    /// Segment names: `default` (11 segments), `rf-grid` (5×5 recency × frequency) or
    /// a TOML file of rules.
    #[arg(long, value_name = "default|rf-grid|PATH", default_value = "default")]
    pub segments: String,
    /// Per segment: customers, share, revenue, revenue share, mean R/F/M.
    #[arg(long)]
    pub summary: bool,
    #[command(flatten)]
    pub format: TableFormatArg,
}

/// `ltv cohort`.
#[derive(Debug, Args)]
pub struct CohortArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    /// Cohort key: month, week or quarter of the first order, or acquisition channel.
    #[arg(long, value_enum, default_value_t = CohortKeyArg::Month)]
    pub by: CohortKeyArg,
    /// Cell value: share retained, revenue in the period, or cumulative revenue per
    /// customer.
    #[arg(long, value_enum, default_value_t = CohortMetricArg::Retention)]
    pub metric: CohortMetricArg,
    #[command(flatten)]
    pub format: TableFormatArg,
}

/// `--by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CohortKeyArg {
    /// Calendar month of the first order; periods are months.
    Month,
    /// Week (Monday to Sunday) of the first order; periods are weeks.
    Week,
    /// Calendar quarter of the first order; periods are quarters.
    Quarter,
    /// Acquisition channel; periods are months since each customer's first order month.
    Channel,
}

impl From<CohortKeyArg> for CohortKey {
    fn from(k: CohortKeyArg) -> Self {
        match k {
            CohortKeyArg::Month => CohortKey::Month,
            CohortKeyArg::Week => CohortKey::Week,
            CohortKeyArg::Quarter => CohortKey::Quarter,
            CohortKeyArg::Channel => CohortKey::Channel,
        }
    }
}

/// `--metric`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CohortMetricArg {
    /// Share of the cohort with an order in the period.
    Retention,
    /// Sum of the cohort's amounts in the period.
    Revenue,
    /// Cumulative revenue through the period ÷ cohort size.
    Ltv,
    /// Share still active (first order through last order period); never rises, so
    /// `ltv forecast retention --cohorts` can fit it.
    Survival,
}

impl From<CohortMetricArg> for CohortMetric {
    fn from(m: CohortMetricArg) -> Self {
        match m {
            CohortMetricArg::Retention => CohortMetric::Retention,
            CohortMetricArg::Revenue => CohortMetric::Revenue,
            CohortMetricArg::Ltv => CohortMetric::Ltv,
            CohortMetricArg::Survival => CohortMetric::Survival,
        }
    }
}

/// `ltv channels`.
#[derive(Debug, Args)]
pub struct ChannelsArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    #[command(flatten)]
    pub measure: super::MeasureArgs,
    /// Months of the revenue view: mean revenue in each customer's first N months
    /// (revenue, shown for reference; never banded).
    #[arg(long, value_name = "N", default_value_t = 12)]
    pub horizon_months: u32,
    #[command(flatten)]
    pub format: TableFormatArg,
}

/// `ltv drivers`.
#[derive(Debug, Args)]
pub struct DriversArgs {
    #[command(flatten)]
    pub input: TransactionArgs,
    #[command(flatten)]
    pub measure: super::MeasureArgs,
    /// Language of the evidence and suggestions.
    #[arg(long, value_enum, default_value_t = super::LangArg::En)]
    pub lang: super::LangArg,
    #[command(flatten)]
    pub format: super::FormatArg,
}

/// `--delimiter`: [`ltv_segments::parse_delimiter`].
pub(crate) fn delimiter(raw: &str) -> Result<u8, String> {
    ltv_segments::parse_delimiter(raw)
}

fn day(raw: &str) -> Result<Day, String> {
    raw.parse::<Day>()
}
