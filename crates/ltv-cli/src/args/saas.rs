//! Flags of `ltv saas`.

use clap::{Args, ValueEnum};
use ltv_core::Decimal;
use ltv_saas::Month;

use super::{dec, delimiter, TableFormatArg};

/// `ltv saas`.
#[derive(Debug, Args)]
pub struct SaasArgs {
    /// CSV of MRR per customer and month (`customer_id,month,mrr[,plan,channel]`), or
    /// of subscription events with `--input events`; `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// What FILE holds: MRR per customer and month, or start/change/cancel events
    /// (converted to the MRR in force at each month's end).
    #[arg(long, value_enum, default_value_t = SaasInput::Mrr)]
    pub input: SaasInput,
    /// First month shown (YYYY-MM) [default: the data's first month]; earlier data
    /// still counts as history.
    #[arg(long, value_name = "YYYY-MM", value_parser = month)]
    pub from: Option<Month>,
    /// Last month shown and summarised (YYYY-MM) [default: the data's last month];
    /// later rows are ignored.
    #[arg(long, value_name = "YYYY-MM", value_parser = month)]
    pub to: Option<Month>,
    /// Gross margin in [0, 1] applied in LTV = ARPA × margin ÷ churn.
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "1")]
    pub margin: Decimal,
    /// Months of trailing logo churn averaged for LTV (>= 1).
    #[arg(long, value_name = "N", default_value_t = ltv_saas::DEFAULT_CHURN_WINDOW)]
    pub churn_window: u32,
    /// Count at most this many months of a customer's life in LTV; needed when no
    /// customer churned in the window.
    #[arg(long, value_name = "MONTHS")]
    pub lifetime_cap: Option<u32>,
    /// Show the cohort revenue retention (NRR) matrix by start month instead.
    #[arg(long)]
    pub cohorts: bool,
    /// Add up rows of the same customer and month instead of rejecting them.
    #[arg(long)]
    pub sum_duplicates: bool,
    /// Column with the customer id.
    #[arg(long, value_name = "NAME", default_value = "customer_id")]
    pub customer_col: String,
    /// Column with the month, YYYY-MM (MRR input).
    #[arg(long, value_name = "NAME", default_value = "month")]
    pub month_col: String,
    /// Column with the MRR (decimal >= 0; MRR after the event for events input).
    #[arg(long, value_name = "NAME", default_value = "mrr")]
    pub mrr_col: String,
    /// Column with the plan [default: `plan` if present].
    #[arg(long, value_name = "NAME")]
    pub plan_col: Option<String>,
    /// Column with the acquisition channel [default: `channel` if present].
    #[arg(long, value_name = "NAME")]
    pub channel_col: Option<String>,
    /// Column with the event date (events input).
    #[arg(long, value_name = "NAME", default_value = "date")]
    pub date_col: String,
    /// Column with the event kind: start, change or cancel (events input).
    #[arg(long, value_name = "NAME", default_value = "event")]
    pub event_col: String,
    /// strftime pattern of event dates, e.g. `%Y%m%d` [default: YYYY-MM-DD, a time
    /// part is ignored].
    #[arg(long, value_name = "PATTERN")]
    pub date_format: Option<String>,
    /// Field delimiter: one character, or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = delimiter)]
    pub delimiter: u8,
    /// Character encoding of the file: utf-8, shift_jis (= cp932) or auto (a
    /// byte-order mark, else UTF-8, else Shift_JIS).
    #[arg(long, value_name = "ENCODING", default_value = "auto", value_parser = |s: &str| s.parse::<ltv_segments::Encoding>())]
    pub encoding: ltv_segments::Encoding,
    /// Skip rows with a bad value (reported on stderr) instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    #[command(flatten)]
    pub format: TableFormatArg,
}

/// `--input`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SaasInput {
    /// `customer_id,month,mrr[,plan,channel]`.
    Mrr,
    /// `customer_id,date,event,mrr[,plan,channel]` with event start|change|cancel.
    Events,
}

fn month(raw: &str) -> Result<Month, String> {
    raw.parse::<Month>().map_err(|e| e.to_string())
}

// the same rule as the transaction commands' --delimiter (args/transactions.rs)
