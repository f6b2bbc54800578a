//! Flags shared by every command that reads a transactions file (`ltv customers`,
//! `rfm`, `cohort`, `channels`, `drivers`, and the forecast commands), and the flags of
//! the segment commands.

use std::cell::RefCell;

use clap::{Args, ValueEnum};
use ltv_core::Job;
use ltv_segments::{
    AmountFormat, CohortKey, CohortMetric, CsvOptions, DateFormat, Day, Encoding, LoadOptions,
    TransactionColumns,
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
    /// The library's load options for these flags, reading as part of `job`.
    pub fn load_options(&self, job: Job) -> LoadOptions {
        self.read.load_options(job)
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
    /// Analyse as of this date (YYYY-MM-DD, or as --date-format says); later orders are
    /// ignored [default: the latest order date in the file].
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub as_of: Option<Day>,
    /// Character encoding of the file: utf-8, shift_jis (= cp932, what Japanese Excel
    /// saves) or auto (a byte-order mark, else UTF-8, else Shift_JIS).
    #[arg(long, value_name = "ENCODING", default_value = "auto", value_parser = encoding)]
    pub encoding: Encoding,
    /// How amounts are written: plain (`-1234.50`) or grouped, which also reads
    /// thousands separators and a currency sign (`9,800`, `¥9,800`, `9,800円`,
    /// `$1,234.50`).
    #[arg(long, value_name = "FORMAT", default_value = "plain", value_parser = amount_format)]
    pub amount_format: AmountFormat,
}

impl ReadArgs {
    /// The library's load options for these flags, reading as part of `job`.
    pub fn load_options(&self, job: Job) -> LoadOptions {
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
                job,
            },
            as_of: self.as_of,
            amount_format: self.amount_format,
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

fn encoding(raw: &str) -> Result<Encoding, String> {
    raw.parse()
}

fn amount_format(raw: &str) -> Result<AmountFormat, String> {
    raw.parse()
}

thread_local! {
    /// The `--date-format` of the command line being parsed (see [`day`]).
    static DATE_FORMAT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Remembers the `--date-format` of `args` while they are parsed, so that date flags
/// (`--as-of`, `--calibration-end`) read dates as the file's dates are read.
pub(crate) fn with_date_format<T>(args: &[std::ffi::OsString], parse: impl FnOnce() -> T) -> T {
    let mut pattern = None;
    let mut it = args.iter().filter_map(|a| a.to_str());
    while let Some(arg) = it.next() {
        if arg == "--date-format" {
            pattern = it.next().map(str::to_owned);
        } else if let Some(p) = arg.strip_prefix("--date-format=") {
            pattern = Some(p.to_owned());
        }
    }
    DATE_FORMAT.with(|f| *f.borrow_mut() = pattern);
    let parsed = parse();
    DATE_FORMAT.with(|f| *f.borrow_mut() = None);
    parsed
}

/// A date flag: YYYY-MM-DD, or a date in the command line's `--date-format`.
pub(crate) fn day(raw: &str) -> Result<Day, String> {
    match raw.parse::<Day>() {
        Ok(day) => Ok(day),
        Err(iso) => {
            let pattern = DATE_FORMAT.with(|f| f.borrow().clone());
            match pattern {
                Some(p) => DateFormat::from_option(Some(&p))
                    .parse(raw.as_bytes())
                    .map_err(|e| format!("'{}': {e}", crate::error::clip(raw))),
                None => {
                    let fits = ltv_segments::guess_date_formats(raw.as_bytes());
                    match fits.first() {
                        Some(p) => Err(format!("{iso} (with --date-format '{p}' it reads)")),
                        None => Err(iso),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_flags_read_the_command_lines_date_format() {
        let args: Vec<std::ffi::OsString> = ["ltv", "rfm", "x.csv", "--date-format", "%d/%m/%Y"]
            .map(Into::into)
            .to_vec();
        let day_of = |raw: &str| with_date_format(&args, || day(raw));
        assert_eq!(
            day_of("31/12/2024"),
            Ok(Day::from_ymd(2024, 12, 31).unwrap())
        );
        assert_eq!(
            day_of("2024-12-31"),
            Ok(Day::from_ymd(2024, 12, 31).unwrap())
        );
        assert!(day_of("12/31/2024").is_err());
        // without --date-format, the error names the format that reads the value
        let err = with_date_format(&[], || day("2024/12/31")).unwrap_err();
        assert!(err.contains("--date-format '%Y/%m/%d'"), "{err}");
    }
}
