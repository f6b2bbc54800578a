//! Flags of `ltv health`.

use clap::Args;
use ltv_segments::Day;

use super::{delimiter, LangArg, TableFormatArg};

/// `ltv health`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Usage events, `customer_id,date,metric,value[,segment]` (several rows per
    /// customer, day and metric are summed per month); `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub usage: String,
    /// MRR per customer and month (the file `ltv saas` reads): learn the weights from
    /// who churned (MRR going to 0).
    #[arg(long, value_name = "FILE", conflicts_with = "churned")]
    pub mrr: Option<String>,
    /// Churned customers, `customer_id,churn_date`: learn the weights from them.
    #[arg(long, value_name = "FILE")]
    pub churned: Option<String>,
    /// Score as of this date (YYYY-MM-DD): the last complete month on or before it is
    /// scored; later rows are not used.
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub as_of: Day,
    /// Months ahead in "churns within the next H months" (1–12).
    #[arg(long, value_name = "H", default_value_t = ltv_health::DEFAULT_HORIZON_MONTHS)]
    pub horizon_months: u32,
    /// Also check the learned score on the last months with known outcomes: AUC, lift
    /// and calibration beside the default weights and "usage fell last month".
    #[arg(long)]
    pub backtest: bool,
    /// Complete months of usage read, ending at the scored month (6–60).
    #[arg(long, value_name = "N", default_value_t = ltv_health::DEFAULT_HISTORY_MONTHS)]
    pub history_months: u32,
    /// The usage metrics to score, comma-separated [default: every metric but
    /// tickets, NPS and failed payments].
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub usage_metrics: Option<Vec<String>>,
    /// Metric counting support tickets [default: `tickets` if present].
    #[arg(long, value_name = "NAME")]
    pub tickets_metric: Option<String>,
    /// Metric holding NPS answers, whole numbers 0–10 [default: `nps` if present].
    #[arg(long, value_name = "NAME")]
    pub nps_metric: Option<String>,
    /// Metric counting failed payments [default: `failed_payments` if present].
    #[arg(long, value_name = "NAME")]
    pub failed_payments_metric: Option<String>,
    /// Column with the customer id (in every file).
    #[arg(long, value_name = "NAME", default_value = "customer_id")]
    pub customer_col: String,
    /// Column with the date of a usage row.
    #[arg(long, value_name = "NAME", default_value = "date")]
    pub date_col: String,
    /// Column with the metric name.
    #[arg(long, value_name = "NAME", default_value = "metric")]
    pub metric_col: String,
    /// Column with the value (a decimal >= 0).
    #[arg(long, value_name = "NAME", default_value = "value")]
    pub value_col: String,
    /// Column with a segment or channel, for NPS by segment [default: `segment` if
    /// present].
    #[arg(long, value_name = "NAME")]
    pub segment_col: Option<String>,
    /// Column with the churn date (with --churned).
    #[arg(long, value_name = "NAME", default_value = "churn_date")]
    pub churn_date_col: String,
    /// strftime pattern of the usage and churn dates, e.g. `%Y%m%d` [default:
    /// YYYY-MM-DD, a time part is ignored].
    #[arg(long, value_name = "PATTERN")]
    pub date_format: Option<String>,
    /// Field delimiter of every file: one character, or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = delimiter)]
    pub delimiter: u8,
    /// Skip rows with a bad value (counted and reported) instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Language of the reasons and the text output.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Customers listed in the text output (at risk and watch, biggest MRR first).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub format: TableFormatArg,
}

fn day(raw: &str) -> Result<Day, String> {
    raw.parse::<Day>()
}
