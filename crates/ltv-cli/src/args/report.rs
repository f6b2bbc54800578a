//! Flags of `ltv report`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ltv_core::Decimal;

use super::{dec, LangArg, MeasureArgs, ReadArgs};

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
    /// ROI case of the top initiative, on the baseline measured from FILE (a
    /// `[baseline]` in the file is only compared with it).
    #[arg(long, value_name = "PATH")]
    pub plan: Option<PathBuf>,
    /// Margin, CAC file, currency, churn and repeat windows, target ratio, business
    /// model (with --sample, the sample's margin 0.4, CAC file and dollars unless given).
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Horizon in months of the channel LTV and the CLV forecast.
    #[arg(long, default_value_t = 12)]
    pub horizon_months: u32,
    /// Monthly discount rate of the CLV forecast (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub discount_rate: Decimal,
    /// The team's backlog database (`sqlite://ltv.db`, `postgres://…`, as for `ltv
    /// backlog`): adds the board, the KPI trend from its snapshots, the measured
    /// initiatives and the raters' calibration.
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Write the report here instead of stdout.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// `html`: the self-contained page; `outline`: its structure and numbers as text;
    /// `json`: the numbers of every section, decimals as exact strings.
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
    /// The numbers of every section as one JSON document.
    Json,
}
