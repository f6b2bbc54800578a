//! Flags of `ltv report`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ltv_core::Decimal;

use super::{dec, LangArg, ReadArgs};

/// `ltv report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Transactions CSV with a header, one row per order (`-` reads stdin); omit with
    /// --sample.
    #[arg(
        value_name = "FILE",
        required_unless_present = "sample",
        conflicts_with = "sample"
    )]
    pub file: Option<String>,
    /// Use the bundled sample: synthetic transactions of a small B2B shop, its CAC file
    /// and initiatives (margin 0.4, dollars).
    #[arg(long)]
    pub sample: bool,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Initiatives file (TOML or JSON, as for `ltv plan`): adds the ranked plan and the
    /// ROI case of the top initiative.
    #[arg(long, value_name = "PATH")]
    pub plan: Option<PathBuf>,
    /// Acquisition spend per channel (`channel,spend[,new_customers]`): adds CAC,
    /// LTV/CAC and payback.
    #[arg(long, value_name = "PATH")]
    pub cac: Option<PathBuf>,
    /// Gross margin in [0, 1] [default: 1, or the sample's 0.4 with --sample].
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub margin: Option<Decimal>,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Horizon in months of the channel LTV and the CLV forecast.
    #[arg(long, default_value_t = 12)]
    pub horizon_months: u32,
    /// Monthly discount rate of the CLV forecast (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub discount_rate: Decimal,
    /// Currency symbol shown before amounts, e.g. `¥` [default: none, `$` with --sample].
    #[arg(long, value_name = "SYMBOL")]
    pub currency: Option<String>,
    /// Write the report here instead of stdout.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// `html`: the self-contained page; `outline`: its structure and numbers as text.
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
}

/// Output format of `ltv report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file (no network needed to view it).
    Html,
    /// Headings, key figures and tables as plain text.
    Outline,
}
