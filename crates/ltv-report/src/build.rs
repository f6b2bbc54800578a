//! From loaded transactions (and optionally a CAC file and an initiatives file) to a
//! [`ReportData`] and a [`Document`]: every number comes from the library crates; this
//! module only decides what to show and how to label it.

use ltv_core::{Decimal, Lang, Margin};
use ltv_planner::{Business, MeasureOptions, PlanFile};
use ltv_segments::{Spend, Transactions, DEFAULT_INACTIVE_DAYS, DEFAULT_REPEAT_DAYS};

use crate::data::ReportData;
use crate::document::{Document, Section};
use crate::error::ReportError;
use crate::i18n::t;
use crate::sections::{self, Context};

/// How to build the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Gross margin in [0, 1] applied to revenue (default 1: every LTV is revenue).
    pub margin: Decimal,
    /// Language of every text.
    pub lang: Lang,
    /// Horizon in months of the channel revenue view and the per-customer CLV forecast.
    pub horizon_months: u32,
    /// Monthly discount rate of the CLV forecast, >= 0.
    pub discount_rate: Decimal,
    /// Days without an order after which a customer counts as churned.
    pub inactive_days: u32,
    /// Days after the first order within which a second order counts as a repeat.
    pub repeat_days: u32,
    /// The LTV/CAC the business aims for; the maximum affordable CAC is LTV ÷ it.
    pub target_ratio: Decimal,
    /// The business model of the playbook; `None`: from the data (`ec` for
    /// transactions).
    pub business: Option<Business>,
    /// Currency as an ISO 4217 code or a symbol (`JPY`, `¥`, `USD`, `$`); empty: none.
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
            repeat_days: DEFAULT_REPEAT_DAYS,
            target_ratio: ltv_core::DEFAULT_TARGET_RATIO,
            business: None,
            currency: String::new(),
            title: None,
        }
    }
}

impl ReportOptions {
    /// The options of the measured baseline.
    pub fn measure_options(&self) -> MeasureOptions {
        MeasureOptions {
            margin: self.margin,
            inactive_days: self.inactive_days,
            repeat_days: self.repeat_days,
            target_ratio: self.target_ratio,
            horizon_months: self.horizon_months,
            business: self.business,
            currency: self.currency.clone(),
        }
    }
}

/// What the report is built from.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The transactions (already bounded by their as-of date).
    pub transactions: &'a Transactions,
    /// Acquisition spend, per channel or for all customers, for CAC and LTV/CAC.
    pub spend: Option<&'a Spend>,
    /// Initiatives to rank and the ROI case of the top one; their baseline is the one
    /// measured from the data.
    pub plan: Option<&'a PlanFile>,
    /// The team's backlog from its database (`ltv_store::Store::board`).
    pub board: Option<&'a ltv_store::Board>,
}

/// The numbers of every section (what `ltv report --format json` prints).
///
/// A section whose numbers cannot be computed from this data is `null`, with the reason
/// in `unavailable`.
///
/// # Errors
/// [`ReportError::InvalidOption`] for a margin outside [0, 1], a zero horizon or
/// window, a negative discount rate, a target ratio <= 0 or an unrecognised currency;
/// errors summarising the transactions.
pub fn report_data(
    input: &ReportInput<'_>,
    options: &ReportOptions,
) -> Result<ReportData, ReportError> {
    validate(options)?;
    Ok(sections::Facts::gather(input, options)?.data)
}

/// Builds the report.
///
/// A section whose numbers cannot be computed from this data (say, no customer has
/// churned yet, so churn cannot be estimated) is kept with a note that says why, so
/// nothing disappears silently.
///
/// # Errors
/// As for [`report_data`]; a chart that cannot be drawn.
pub fn build(input: &ReportInput<'_>, options: &ReportOptions) -> Result<Document, ReportError> {
    validate(options)?;
    let facts = sections::Facts::gather(input, options)?;
    let data = &facts.data;
    let lang = options.lang;
    let ctx = Context {
        lang,
        currency: data.currency.clone(),
    };
    let part =
        |id: &str, title: &str, s: Result<Section, ReportError>| or_note(&ctx, data, id, title, s);
    let mut out = vec![
        part(
            "headline",
            t(
                lang,
                "Headline: what a customer is worth",
                "概要: 顧客一人あたりの価値",
            ),
            sections::headline::section(&ctx, &facts),
        ),
        part(
            "drivers",
            t(
                lang,
                "The bottleneck: what the data show can improve",
                "ボトルネック: データが示す改善余地",
            ),
            sections::drivers::section(&ctx, &facts),
        ),
        part(
            "rfm",
            t(lang, "RFM segments", "RFM セグメント"),
            sections::rfm::section(&ctx, &facts),
        ),
        part(
            "cohorts",
            t(
                lang,
                "Cohorts: retention and cumulative revenue",
                "コホート: 継続率と累積売上",
            ),
            sections::cohorts::section(&ctx, &facts),
        ),
        part(
            "channels",
            t(lang, "Acquisition channels", "獲得チャネル"),
            sections::channels::section(&ctx, &facts),
        ),
        part(
            "forecast",
            t(
                lang,
                "Forecast: CLV and customers at risk",
                "予測: CLV と離反リスクの高い顧客",
            ),
            sections::forecast::section(&ctx, &facts),
        ),
    ];
    if input.plan.is_some() {
        out.push(part(
            "plan",
            t(
                lang,
                "Plan: ranked initiatives and the ROI case",
                "計画: 施策の優先順位と ROI",
            ),
            sections::plan::section(&ctx, &facts),
        ));
    }
    if input.board.is_some() {
        out.push(part(
            "backlog",
            t(
                lang,
                "The backlog: initiatives, KPI trend and measured effects",
                "バックログ: 施策・KPI 推移・効果測定",
            ),
            sections::backlog::section(&ctx, &facts),
        ));
    }
    let title = options.title.clone().unwrap_or_else(|| {
        t(
            lang,
            "Customer lifetime value report",
            "顧客生涯価値 (LTV) レポート",
        )
        .to_string()
    });
    let customers = ltv_core::present::group(Decimal::from(data.customers), 0);
    let orders = ltv_core::present::group(Decimal::from(data.orders), 0);
    let margin = ltv_core::present::percent(options.margin);
    let business = data.business.label(lang);
    let subtitle = match lang {
        Lang::En => format!(
            "{} · {customers} customers, {orders} orders, {} to {} (as of {}) · {business} · gross margin {margin}",
            data.file, data.first_order, data.as_of, data.as_of,
        ),
        Lang::Ja => format!(
            "{} · 顧客 {customers} 人、注文 {orders} 件、{} 〜 {}（基準日 {}）· {business} · 粗利率 {margin}",
            data.file, data.first_order, data.as_of, data.as_of,
        ),
    };
    Ok(Document {
        lang,
        title,
        subtitle,
        basis: data.basis.clone(),
        warnings: data.warnings.clone(),
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
    for (field, v) in [
        ("inactive_days", options.inactive_days),
        ("repeat_days", options.repeat_days),
    ] {
        if v == 0 {
            return Err(ReportError::InvalidOption {
                field,
                value: "0".into(),
                allowed: ">= 1 day",
            });
        }
    }
    if options.target_ratio <= Decimal::ZERO {
        return Err(ReportError::InvalidOption {
            field: "target_ratio",
            value: options.target_ratio.to_string(),
            allowed: "> 0 (e.g. 3)",
        });
    }
    ltv_core::Currency::parse(&options.currency).map_err(|_| ReportError::InvalidOption {
        field: "currency",
        value: options.currency.chars().take(40).collect(),
        allowed: "an ISO 4217 code such as JPY or USD, or a symbol such as ¥ or $",
    })?;
    if options.discount_rate < Decimal::ZERO {
        return Err(ReportError::InvalidOption {
            field: "discount_rate",
            value: options.discount_rate.to_string(),
            allowed: ">= 0",
        });
    }
    Ok(())
}

/// The section, or the section's heading with a note saying why it is missing (the
/// reason recorded in the data's `unavailable`, else the rendering error).
fn or_note(
    ctx: &Context,
    data: &ReportData,
    id: &str,
    title: &str,
    section: Result<Section, ReportError>,
) -> Section {
    let mut s = section.unwrap_or_else(|err| Section {
        notes: vec![format!(
            "{} {}",
            t(
                ctx.lang,
                "This section could not be computed from this data:",
                "このデータからはこのセクションを計算できませんでした:"
            ),
            data.unavailable
                .get(id)
                .cloned()
                .unwrap_or_else(|| err.to_string())
        )],
        ..Section::default()
    });
    s.id = id.to_string();
    s.title = title.to_string();
    s
}
