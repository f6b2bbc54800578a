//! Section 1, Headline: LTV by the formula that fits the data and its alternatives, LTV/CAC
//! as a gauge, CAC payback.

use ltv_core::{Ecommerce, UnitEconomics};

use super::{lossy, Context, Facts};
use crate::charts;
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::t;

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the drivers cannot be measured.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let d = facts
        .drivers
        .as_ref()
        .map_err(|e| ReportError::Unavailable(e.clone()))?;
    let mut s = Section {
        lead: t(
            lang,
            "LTV from your own data: average order value × gross margin × orders per year × expected lifespan, with churn estimated from customers inactive for longer than the churn threshold. Alternatives below show the same customer valued other ways.",
            "自社データから算出した LTV: 平均注文額 × 粗利率 × 年間購入回数 × 期待継続期間。解約率は一定期間注文のない顧客から推定しています。下の表は同じ顧客を別の方法で評価した値です。",
        )
        .to_string(),
        ..Section::default()
    };
    s.figures.push(
        Figure::new(
            t(lang, "LTV per customer", "顧客一人あたり LTV"),
            ctx.money(d.ltv),
        )
        .note(match lang {
            crate::i18n::Lang::En => format!("general formula, gross margin {}", ctx.pct(d.margin)),
            crate::i18n::Lang::Ja => format!("一般式、粗利率 {}", ctx.pct(d.margin)),
        }),
    );
    // Monthly revenue per active customer: what a customer returns per month.
    let monthly_revenue = ltv_core::checked::div(
        d.revenue,
        ltv_core::Decimal::from(d.active_customer_months.max(1)),
        "revenue per active customer-month",
    )?;
    let mut rows = vec![
        vec![
            t(
                lang,
                "General: AOV × margin × frequency × lifespan",
                "一般式: 平均注文額 × 粗利率 × 頻度 × 継続期間",
            )
            .to_string(),
            ctx.money(d.ltv),
        ],
        vec![
            t(
                lang,
                "E-commerce (revenue): AOV × orders/year × years",
                "EC 式（売上）: 平均注文額 × 年間回数 × 年数",
            )
            .to_string(),
            ctx.money(
                Ecommerce {
                    aov: d.average_order_value,
                    frequency: d.purchase_frequency_per_year,
                    lifespan: d.lifespan_years,
                    cac: None,
                }
                .ltv()?,
            ),
        ],
        vec![
            t(
                lang,
                "Observed revenue per customer to date",
                "これまでの顧客一人あたり売上（実績）",
            )
            .to_string(),
            ctx.money(d.revenue_per_customer),
        ],
    ];
    if let Ok(clv) = &facts.clv {
        let n = clv.customers.len().max(1);
        let total = clv
            .customers
            .iter()
            .try_fold(ltv_core::Decimal::ZERO, |acc, c| {
                ltv_core::checked::add(acc, c.clv, "total CLV")
            })?;
        let mean = ltv_core::checked::div(total, ltv_core::Decimal::from(n), "mean CLV")?;
        rows.push(vec![
            match lang {
                crate::i18n::Lang::En => format!(
                    "Forecast CLV, next {} months (BG/NBD × Gamma-Gamma, mean)",
                    clv.horizon_months
                ),
                crate::i18n::Lang::Ja => format!(
                    "予測 CLV・今後 {} か月（BG/NBD × Gamma-Gamma、平均）",
                    clv.horizon_months
                ),
            },
            ctx.money(mean),
        ]);
    }
    s.tables.push(Table {
        caption: t(lang, "LTV by formula", "計算式別の LTV").to_string(),
        header: vec![t(lang, "formula", "計算式").into(), "LTV".into()],
        rows,
    });
    s.figures.push(
        Figure::new(
            t(lang, "monthly churn", "月次解約率"),
            ctx.pct(d.monthly_churn),
        )
        .note(match lang {
            crate::i18n::Lang::En => format!(
                "expected lifespan {} months; churned = no order for {} days",
                ctx.num(d.lifespan_months, 1),
                d.inactive_days
            ),
            crate::i18n::Lang::Ja => format!(
                "期待継続期間 {} か月。{} 日間注文がない顧客を解約とみなす",
                ctx.num(d.lifespan_months, 1),
                d.inactive_days
            ),
        }),
    );
    s.figures.push(Figure::new(
        t(lang, "average order value", "平均注文額"),
        ctx.money(d.average_order_value),
    ));
    s.figures.push(Figure::new(
        t(
            lang,
            "orders per customer and year",
            "顧客一人あたり年間注文回数",
        ),
        ctx.num(d.purchase_frequency_per_year, 2),
    ));
    match &facts.cac {
        Some(Ok(cac)) => {
            let ue = UnitEconomics::new(d.ltv, *cac, Some(monthly_revenue), Some(d.margin))?;
            s.charts.push(Chart {
                title: "LTV/CAC".into(),
                svg: charts::ratio_gauge(
                    t(lang, "LTV/CAC against its bands", "LTV/CAC と判定帯"),
                    lossy(ue.ratio),
                )?,
            });
            s.figures.push(Figure::new("CAC", ctx.money(ue.cac)).note(t(
                lang,
                "blended: total acquisition spend ÷ new customers",
                "全チャネル合計: 獲得費用 ÷ 新規顧客数",
            )));
            s.figures.push(
                Figure::new("LTV/CAC", ctx.num(ue.ratio, 2))
                    .note(band_text(lang, ue.band))
                    .class(ue.band.as_str()),
            );
            let payback = match ue.payback_periods {
                Some(Some(p)) => match lang {
                    crate::i18n::Lang::En => format!("{} months", ctx.num(p, 1)),
                    crate::i18n::Lang::Ja => format!("{} か月", ctx.num(p, 1)),
                },
                _ => t(lang, "never", "回収不能").to_string(),
            };
            s.figures.push(
                Figure::new(t(lang, "CAC payback", "CAC 回収期間"), payback).note(t(
                    lang,
                    "CAC ÷ monthly gross profit per active customer",
                    "CAC ÷ アクティブ顧客一人あたり月次粗利",
                )),
            );
        }
        Some(Err(e)) => s.notes.push(format!(
            "{} {e}",
            t(lang, "CAC could not be computed:", "CAC を計算できませんでした:")
        )),
        None => s.notes.push(
            t(
                lang,
                "No CAC file given (--cac channels.csv), so LTV/CAC and payback are not shown.",
                "CAC ファイル（--cac channels.csv）が指定されていないため、LTV/CAC と回収期間は表示していません。",
            )
            .to_string(),
        ),
    }
    Ok(s)
}

/// The band's name: `needs improvement`.
pub fn short_band(lang: crate::i18n::Lang, band: ltv_core::Band) -> String {
    match lang {
        crate::i18n::Lang::En => band.as_str().replace('_', " "),
        crate::i18n::Lang::Ja => band_text(lang, band),
    }
}

/// The band in words.
pub fn band_text(lang: crate::i18n::Lang, band: ltv_core::Band) -> String {
    match (lang, band) {
        (crate::i18n::Lang::En, b) => format!("{b}: {}", b.meaning()),
        (crate::i18n::Lang::Ja, ltv_core::Band::Healthy) => "健全（3 以上）".into(),
        (crate::i18n::Lang::Ja, ltv_core::Band::NeedsImprovement) => {
            "改善の余地あり（1〜3）".into()
        }
        (crate::i18n::Lang::Ja, ltv_core::Band::Unprofitable) => "赤字（1 未満）".into(),
    }
}
