//! Flags of `ltv levers`, `ltv plan` and `ltv roi`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ltv_core::Decimal;

use super::{dec, BasisArgs, FormatArg, MeasureArgs, ReadArgs};

/// Business model of a baseline given by flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BaselineModel {
    /// ARPU, churn per month, margin.
    Subscription,
    /// AOV, orders per year, lifespan in years (margin optional).
    Ecommerce,
    /// Price, margin, purchases per year, lifespan in years.
    General,
}

/// Scoring mode of `ltv plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// ICE = Impact × Confidence × Ease.
    Ice,
    /// ICE mean = (Impact + Confidence + Ease) ÷ 3.
    IceMean,
    /// RICE = Reach × Impact × Confidence ÷ Effort.
    Rice,
}

/// Language of generated summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Japanese.
    Ja,
}

/// Output format of `ltv plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A readable table.
    Text,
    /// JSON with decimals as exact strings.
    Json,
    /// A Markdown table to paste into a document.
    Md,
}

/// `ltv levers`.
#[derive(Debug, Args)]
pub struct LeversArgs {
    /// Business model of the flags.
    #[arg(long, value_enum, default_value_t = BaselineModel::Subscription)]
    pub model: BaselineModel,
    /// Read the baseline from an initiatives file (TOML or JSON) instead of flags.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["arpu", "churn", "aov", "price", "frequency", "lifespan", "margin", "cac"])]
    pub baseline: Option<PathBuf>,
    /// Subscription: revenue per customer and month (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub arpu: Option<Decimal>,
    /// Subscription: churn per month, in (0, 1]; `5%` works too.
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub churn: Option<Decimal>,
    /// E-commerce: average order value (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub aov: Option<Decimal>,
    /// General: average purchase value (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub price: Option<Decimal>,
    /// E-commerce/general: purchases per year (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub frequency: Option<Decimal>,
    /// E-commerce/general: lifespan in years (>= 1/12).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub lifespan: Option<Decimal>,
    /// Gross margin in [0, 1] (subscription default 1; e-commerce optional).
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub margin: Option<Decimal>,
    /// Customer acquisition cost (> 0): ranks levers by LTV/CAC.
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub cac: Option<Decimal>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `ltv plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Initiatives file: .toml, .json or .csv.
    pub file: PathBuf,
    /// Scoring mode.
    #[arg(long, value_enum, default_value_t = ModeArg::Ice)]
    pub mode: ModeArg,
    /// Language of the executive summary.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Months of the ROI cases (1–600).
    #[arg(long, default_value_t = 36)]
    pub horizon_months: u32,
    /// Annual discount rate for the NPV (>= 0); `10%` works too.
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0.10")]
    pub discount_rate: Decimal,
    /// For a CSV of initiatives: the TOML/JSON file with the baseline(s) (its initiatives
    /// are not used).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Orders CSV to measure the baseline from (as `ltv drivers` does); it replaces the
    /// file's `[baseline]`, which is then only compared with it.
    #[arg(long, value_name = "ORDERS")]
    pub data: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub measure: MeasureArgs,
}

/// `ltv roi`.
#[derive(Debug, Args)]
pub struct RoiArgs {
    /// Initiatives file (TOML/JSON) with the baseline and the initiative.
    #[arg(long, value_name = "FILE", requires = "initiative", conflicts_with_all = ["arpu", "churn", "new_churn"])]
    pub baseline: Option<PathBuf>,
    /// Name of the initiative in the file.
    #[arg(long, requires = "baseline")]
    pub initiative: Option<String>,
    /// Months to simulate (1–600).
    #[arg(long, default_value_t = 36)]
    pub horizon_months: u32,
    /// Annual discount rate for the NPV (>= 0); `10%` works too.
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0.10")]
    pub discount_rate: Decimal,
    /// Revenue per customer and month (> 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, required_unless_present = "baseline")]
    pub arpu: Option<Decimal>,
    /// Gross margin in [0, 1] [default: 1].
    #[arg(long, allow_negative_numbers = true, value_parser = dec)]
    pub margin: Option<Decimal>,
    /// Churn per month today, in (0, 1].
    #[arg(long, allow_negative_numbers = true, value_parser = dec, required_unless_present = "baseline")]
    pub churn: Option<Decimal>,
    /// Churn per month with the initiative at full effect, in (0, 1].
    #[arg(long, allow_negative_numbers = true, value_parser = dec, required_unless_present = "baseline")]
    pub new_churn: Option<Decimal>,
    /// Active customers today (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, required_unless_present = "baseline")]
    pub customers: Option<Decimal>,
    /// New customers per month (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub new_customers_per_month: Decimal,
    /// Customer acquisition cost (> 0), for LTV/CAC and acquisition spend; with --data,
    /// a CAC file (`channel,spend[,new_customers]` or `spend[,new_customers]`).
    #[arg(long, value_name = "CAC|PATH", allow_negative_numbers = true, value_parser = cac_arg)]
    pub cac: Option<CacArg>,
    /// One-off investment at month 0 (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub investment_one_off: Decimal,
    /// Running investment per year, paid monthly (>= 0).
    #[arg(long, allow_negative_numbers = true, value_parser = dec, default_value = "0")]
    pub investment_per_year: Decimal,
    /// Months until the full effect (linear ramp-up).
    #[arg(long, default_value_t = 0)]
    pub ramp_months: u32,
    /// Currency symbol for the summary, e.g. ¥ or $ (with --data, also an ISO code).
    #[arg(long, default_value = "")]
    pub currency: String,
    /// Language of the executive summary.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Orders CSV to measure the baseline from (with --baseline FILE --initiative NAME);
    /// it replaces the file's `[baseline]`.
    #[arg(long, value_name = "ORDERS", requires = "baseline")]
    pub data: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub basis: BasisArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

/// `--cac` of `ltv roi`: a CAC value, or with `--data` a CAC file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacArg {
    /// A CAC per customer.
    Value(Decimal),
    /// A CAC file.
    File(PathBuf),
}

fn cac_arg(raw: &str) -> Result<CacArg, String> {
    match dec(raw) {
        Ok(v) => Ok(CacArg::Value(v)),
        Err(e) => {
            if raw.ends_with(".csv") || raw.ends_with(".tsv") || std::path::Path::new(raw).is_file()
            {
                Ok(CacArg::File(PathBuf::from(raw)))
            } else {
                Err(e)
            }
        }
    }
}
