//! From loaded transactions (and optionally a CAC file and an initiatives file) to a
//! [`Document`]: every number comes from the library crates; this module only decides
//! what to show and how to label it.

use ltv_core::{Decimal, Margin};
use ltv_planner::PlanFile;
use ltv_segments::{ChannelSpend, Transactions, DEFAULT_INACTIVE_DAYS};

use crate::document::{Document, Section};
use crate::error::ReportError;
use crate::i18n::{t, Lang};
use crate::sections::{self, Context};

/// How to build the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Gross margin in [0, 1] applied to revenue (default 1: revenue-based values).
    pub margin: Decimal,
    /// Language of every text.
    pub lang: Lang,
    /// Horizon in months of the channel LTV and the per-customer CLV forecast.
    pub horizon_months: u32,
    /// Monthly discount rate of the CLV forecast, >= 0.
    pub discount_rate: Decimal,
    /// Days without an order after which a customer counts as churned.
    pub inactive_days: u32,
    /// Currency symbol or code shown before money amounts (may be empty).
    pub currency: String,
    /// Title of the page; default "Customer lifetime value report".
    pub title: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            margin: Decimal::ONE,
            lang: Lang::En,
            horizon_months: 12,
            discount_rate: Decimal::ZERO,
            inactive_days: DEFAULT_INACTIVE_DAYS,
            currency: String::new(),
            title: None,
        }
    }
}

/// What the report is built from.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The transactions (already bounded by their as-of date).
    pub transactions: &'a Transactions,
    /// Acquisition spend per channel, for CAC and LTV/CAC.
    pub spend: Option<&'a [ChannelSpend]>,
    /// Initiatives to rank and the ROI case of the top one.
    pub plan: Option<&'a PlanFile>,
}

/// Builds the report.
///
/// A section whose numbers cannot be computed from this data (say, no customer has
/// churned yet, so churn cannot be estimated) is kept with a note that says why, so
/// nothing disappears silently.
///
/// # Errors
/// [`ReportError::InvalidOption`] for a margin outside [0, 1], a zero horizon or a
/// negative discount rate; errors summarising the transactions.
pub fn build(input: &ReportInput<'_>, options: &ReportOptions) -> Result<Document, ReportError> {
    validate(options)?;
    let tx = input.transactions;
    let lang = options.lang;
    let ctx = Context {
        lang,
        currency: options.currency.clone(),
    };
    let facts = sections::Facts::gather(input, options)?;

    let mut out = vec![
        or_note(
            &ctx,
            "headline",
            t(
                lang,
                "Headline: what a customer is worth",
                "概要: 顧客一人あたりの価値",
            ),
            sections::headline::section(&ctx, &facts),
        ),
        or_note(
            &ctx,
            "drivers",
            t(
                lang,
                "LTV drivers and the bottleneck",
                "LTV のドライバーとボトルネック",
            ),
            sections::drivers::section(&ctx, &facts),
        ),
        or_note(
            &ctx,
            "rfm",
            t(lang, "RFM segments", "RFM セグメント"),
            sections::rfm::section(&ctx, &facts),
        ),
        or_note(
            &ctx,
            "cohorts",
            t(
                lang,
                "Cohorts: retention and cumulative LTV",
                "コホート: 継続率と累積 LTV",
            ),
            sections::cohorts::section(&ctx, tx),
        ),
        or_note(
            &ctx,
            "channels",
            t(lang, "Acquisition channels", "獲得チャネル"),
            sections::channels::section(&ctx, &facts, options.horizon_months),
        ),
        or_note(
            &ctx,
            "forecast",
            t(
                lang,
                "Forecast: CLV and customers at risk",
                "予測: CLV と離反リスクの高い顧客",
            ),
            sections::forecast::section(&ctx, &facts),
        ),
    ];
    if let Some(plan) = input.plan {
        out.push(or_note(
            &ctx,
            "plan",
            t(
                lang,
                "Plan: ranked initiatives and the ROI case",
                "計画: 施策の優先順位と ROI",
            ),
            sections::plan::section(&ctx, plan),
        ));
    }
    let as_of = tx.as_of();
    let title = options.title.clone().unwrap_or_else(|| {
        t(
            lang,
            "Customer lifetime value report",
            "顧客生涯価値 (LTV) レポート",
        )
        .to_string()
    });
    let subtitle = match lang {
        Lang::En => format!(
            "{} · {} customers, {} orders, {} to {} (as of {as_of}) · gross margin {}",
            tx.file(),
            ltv_core::present::group(Decimal::from(tx.len()), 0),
            ltv_core::present::group(Decimal::from(tx.order_count()), 0),
            tx.first_day(),
            as_of,
            ltv_core::present::percent(options.margin),
        ),
        Lang::Ja => format!(
            "{} · 顧客 {} 人、注文 {} 件、{} 〜 {}（基準日 {as_of}）· 粗利率 {}",
            tx.file(),
            ltv_core::present::group(Decimal::from(tx.len()), 0),
            ltv_core::present::group(Decimal::from(tx.order_count()), 0),
            tx.first_day(),
            as_of,
            ltv_core::present::percent(options.margin),
        ),
    };
    Ok(Document {
        lang,
        title,
        subtitle,
        sections: out,
        footer: t(
            lang,
            "Made with ltv. Exact decimal arithmetic; values rounded once, for display. Formulas and sources: docs/formulas.md.",
            "ltv で作成。金額は10進数で厳密に計算し、表示時に一度だけ丸めています。計算式と出典: docs/formulas.md",
        )
        .to_string(),
    })
}

fn validate(options: &ReportOptions) -> Result<(), ReportError> {
    Margin::new(options.margin).map_err(|_| ReportError::InvalidOption {
        field: "margin",
        value: options.margin.to_string(),
        allowed: "in [0, 1]",
    })?;
    if options.horizon_months == 0 {
        return Err(ReportError::InvalidOption {
            field: "horizon_months",
            value: "0".into(),
            allowed: ">= 1",
        });
    }
    if options.discount_rate < Decimal::ZERO {
        return Err(ReportError::InvalidOption {
            field: "discount_rate",
            value: options.discount_rate.to_string(),
            allowed: ">= 0",
        });
    }
    Ok(())
}

/// The section, or the section's heading with a note saying why it is missing.
fn or_note(ctx: &Context, id: &str, title: &str, section: Result<Section, ReportError>) -> Section {
    let mut s = section.unwrap_or_else(|err| Section {
        notes: vec![format!(
            "{} {err}",
            t(
                ctx.lang,
                "This section could not be computed from this data:",
                "このデータからはこのセクションを計算できませんでした:"
            )
        )],
        ..Section::default()
    });
    s.id = id.to_string();
    s.title = title.to_string();
    s
}
