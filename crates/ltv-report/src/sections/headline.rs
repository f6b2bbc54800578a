//! Section 1, Headline: one LTV on the declared basis, LTV/CAC against its bands, CAC
//! payback, the most a customer may cost, the business model's key figures, and the
//! other ways a customer can be valued, each with its role.

use ltv_core::{Decimal, Lang};
use ltv_planner::{Business, Headline};

use super::{lossy, Context, Facts};
use crate::charts;
use crate::data::{Alternative, ForecastFacts};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;

/// The decision LTV and the other figures, with their roles.
pub fn alternatives(
    h: &Headline,
    forecast: Option<&ForecastFacts>,
    lang: Lang,
) -> Vec<Alternative> {
    let mut out = vec![
        Alternative {
            figure: "ltv",
            label: lang
                .pick(
                    "LTV: gross margin over the expected lifespan",
                    "LTV: 期待継続期間の粗利",
                )
                .into(),
            value: h.ltv,
            role: lang
                .pick(
                    "the decision figure: banded against CAC, used by the bottleneck and the plan",
                    "判断に使う数値: CAC と比較して判定し、ボトルネックと計画にも使う",
                )
                .into(),
            banded: true,
        },
        Alternative {
            figure: "revenue_over_lifespan",
            label: lang
                .pick("Revenue over the expected lifespan", "期待継続期間の売上")
                .into(),
            value: h.revenue_over_lifespan,
            role: lang
                .pick(
                    "revenue before margin: for revenue planning, not for LTV/CAC",
                    "粗利を引く前の売上: 売上計画用で、LTV/CAC には使わない",
                )
                .into(),
            banded: false,
        },
        Alternative {
            figure: "observed_revenue",
            label: lang
                .pick(
                    "Observed revenue per customer to date",
                    "これまでの顧客一人あたり売上（実績）",
                )
                .into(),
            value: h.revenue_per_customer,
            role: lang
                .pick(
                    "history: what customers have spent so far, including those still active",
                    "実績: 継続中の顧客も含め、これまでに支払われた売上",
                )
                .into(),
            banded: false,
        },
    ];
    if let Some(f) = forecast {
        out.push(Alternative {
            figure: "forecast_clv",
            label: match lang {
                Lang::En => format!(
                    "Forecast CLV per customer, next {} months (BG/NBD × Gamma-Gamma, gross margin)",
                    f.horizon_months
                ),
                Lang::Ja => format!(
                    "予測 CLV・今後 {} か月（BG/NBD × Gamma-Gamma、粗利）",
                    f.horizon_months
                ),
            },
            value: f.mean_clv,
            role: lang
                .pick(
                    "the next months of today's customers: for budgets and at-risk lists, not a lifetime value",
                    "既存顧客の今後数か月: 予算と離反リスク用で、生涯価値ではない",
                )
                .into(),
            banded: false,
        });
    }
    out
}

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the baseline cannot be measured.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let data = &facts.data;
    let h = data.headline.as_ref().ok_or_else(|| {
        ReportError::Unavailable(
            data.unavailable
                .get("headline")
                .cloned()
                .unwrap_or_default(),
        )
    })?;
    let mut s = Section {
        lead: ctx
            .t(
                "LTV from your own data, on one basis: the decision figure is gross margin over the expected lifespan; every LTV/CAC in this report is banded on it (3 or more healthy, 1 to 3 room to improve, below 1 losing money).",
                "自社データから一つの基準で算出した LTV です。判断に使うのは期待継続期間の粗利で、本レポートの LTV/CAC はすべてこれで判定します（3 以上: 健全、1〜3: 改善の余地あり、1 未満: 赤字）。",
            )
            .to_string(),
        ..Section::default()
    };
    s.figures.push(
        Figure::new(
            ctx.t("LTV per customer", "顧客一人あたり LTV"),
            ctx.money(h.ltv),
        )
        .note(match lang {
            Lang::En => format!(
                "gross margin {} over the expected lifespan",
                ctx.pct(h.margin)
            ),
            Lang::Ja => format!("粗利率 {}、期待継続期間ベース", ctx.pct(h.margin)),
        }),
    );
    match (h.cac, h.ltv_cac_ratio, h.band) {
        (Some(cac), Some(ratio), Some(band)) => {
            s.charts.push(Chart {
                title: "LTV/CAC".into(),
                svg: charts::ratio_gauge(
                    ctx.t("LTV/CAC against its bands", "LTV/CAC と判定帯"),
                    lossy(ratio),
                )?,
            });
            s.figures.push(
                Figure::new("LTV/CAC", ctx.num(ratio, 2))
                    .note(band.describe(lang))
                    .class(band.as_str()),
            );
            s.figures.push(Figure::new("CAC", ctx.money(cac)).note(cac_note(ctx, facts)));
            s.figures.push(
                Figure::new(
                    ctx.t("CAC payback", "CAC 回収期間"),
                    match h.payback_months {
                        Some(p) => match lang {
                            Lang::En => format!("{} months", ctx.num(p, 1)),
                            Lang::Ja => format!("{} か月", ctx.num(p, 1)),
                        },
                        None => ctx.t("never", "回収不能").into(),
                    },
                )
                .note(ctx.t(
                    "CAC ÷ monthly gross profit per active customer",
                    "CAC ÷ アクティブ顧客一人あたり月次粗利",
                )),
            );
        }
        _ => s.notes.push(
            ctx.t(
                "No CAC file given (--cac spend.csv), so LTV/CAC and payback are not shown.",
                "CAC ファイル（--cac spend.csv）が指定されていないため、LTV/CAC と回収期間は表示していません。",
            )
            .to_string(),
        ),
    }
    s.figures.push(
        Figure::new(
            ctx.t("most you can pay per new customer", "顧客獲得に払える上限"),
            ctx.money(h.max_cac),
        )
        .note(match lang {
            Lang::En => format!("LTV ÷ target LTV/CAC {}", ctx.num(h.target_ratio, 1)),
            Lang::Ja => format!("LTV ÷ 目標 LTV/CAC {}", ctx.num(h.target_ratio, 1)),
        }),
    );
    for f in business_figures(ctx, h, data.business) {
        s.figures.push(f);
    }
    s.tables.push(Table {
        caption: ctx
            .t(
                "LTV and the other figures, with their roles",
                "LTV とその他の数値（用途）",
            )
            .into(),
        header: [
            ctx.t("figure", "数値"),
            ctx.t("per customer", "顧客あたり"),
            ctx.t("role", "用途"),
        ]
        .map(String::from)
        .to_vec(),
        rows: data
            .alternatives
            .iter()
            .map(|a| vec![a.label.clone(), ctx.money(a.value), a.role.clone()])
            .collect(),
    });
    Ok(s)
}

/// Where the blended CAC comes from.
fn cac_note(ctx: &Context, facts: &Facts<'_>) -> String {
    let matched = facts.measured.as_ref().ok().and_then(|m| m.spend.as_ref());
    match matched {
        Some(m) if m.all_customers => ctx
            .t(
                "acquisition spend ÷ new customers, all customers",
                "獲得費用 ÷ 新規顧客数（全顧客）",
            )
            .into(),
        Some(m) => match ctx.lang {
            Lang::En => format!(
                "blended over {} channels: spend {} ÷ {} new customers",
                m.matched.len(),
                ctx.money0(m.spend),
                ctx.num(Decimal::from(m.new_customers), 0)
            ),
            Lang::Ja => format!(
                "{} チャネル合計: 獲得費用 {} ÷ 新規顧客 {} 人",
                m.matched.len(),
                ctx.money0(m.spend),
                ctx.num(Decimal::from(m.new_customers), 0)
            ),
        },
        None => String::new(),
    }
}

/// The figures the business model's playbook puts first.
fn business_figures(ctx: &Context, h: &Headline, business: Business) -> Vec<Figure> {
    let lang = ctx.lang;
    let churn = Figure::new(
        ctx.t("monthly churn", "月次解約率"),
        ctx.pct(h.monthly_churn),
    )
    .note(match lang {
        Lang::En => format!(
            "expected lifespan {} months; churned = no order for {} days",
            ctx.num(h.lifespan_months, 1),
            h.inactive_days
        ),
        Lang::Ja => format!(
            "期待継続期間 {} か月。{} 日間注文のない顧客を解約とみなす",
            ctx.num(h.lifespan_months, 1),
            h.inactive_days
        ),
    });
    let repeat = Figure::new(
        ctx.t("repeat-purchase rate", "リピート率"),
        h.repeat_rate.map_or_else(|| "–".into(), |r| ctx.pct(r)),
    )
    .note(match lang {
        Lang::En => format!(
            "customers who ordered again within {} days of their first order",
            h.repeat_days
        ),
        Lang::Ja => format!(
            "初回注文から {} 日以内に再注文した顧客の割合",
            h.repeat_days
        ),
    });
    let aov = Figure::new(ctx.t("average order value", "平均注文額"), ctx.money(h.aov));
    let frequency = Figure::new(
        ctx.t("orders per customer and year", "顧客一人あたり年間注文回数"),
        ctx.num(h.orders_per_year, 2),
    );
    let nrr = Figure::new(
        ctx.t(
            "net revenue retention (12 months)",
            "売上継続率 NRR（12 か月）",
        ),
        h.nrr.map_or_else(|| "–".into(), |v| ctx.pct(v)),
    )
    .note(match (h.nrr, h.grr, lang) {
        (Some(n), Some(g), Lang::En) => format!(
            "gross {}; expansion {} points",
            ctx.pct(g),
            ctx.pct(n.checked_sub(g).unwrap_or_default())
                .trim_end_matches('%')
        ),
        (Some(n), Some(g), Lang::Ja) => format!(
            "GRR {}、拡大 {} ポイント",
            ctx.pct(g),
            ctx.pct(n.checked_sub(g).unwrap_or_default())
                .trim_end_matches('%')
        ),
        _ => ctx
            .t(
                "needs two full years of orders",
                "2 年分の注文データが必要です",
            )
            .into(),
    });
    let arpa = Figure::new(
        ctx.t(
            "monthly revenue per active customer",
            "アクティブ顧客一人あたり月次売上",
        ),
        ctx.money(h.monthly_revenue_per_customer),
    );
    match business {
        Business::Ec => vec![repeat, aov, frequency, churn],
        Business::Saas => vec![nrr, churn, arpa],
        Business::Consulting => {
            let retention = Figure::new(
                ctx.t("client retention (12 months)", "顧客継続率（12 か月）"),
                h.logo_retention.map_or_else(|| "–".into(), |v| ctx.pct(v)),
            )
            .note(ctx.t(
                "share of last year's clients who bought again this year",
                "前年の顧客のうち今年も購入した割合",
            ));
            let referral = Figure::new(
                ctx.t("customers from referrals", "紹介経由の顧客"),
                h.referral_share.map_or_else(|| "–".into(), |v| ctx.pct(v)),
            )
            .note(ctx.t(
                "acquisition channel named referral, referrals, 紹介 or word of mouth",
                "獲得チャネル名が referral・referrals・紹介・word of mouth の顧客",
            ));
            let per_year = Figure::new(
                ctx.t("revenue per client and year", "顧客一人あたり年間売上"),
                h.aov
                    .checked_mul(h.orders_per_year)
                    .map_or_else(|| "–".into(), |v| ctx.money(v)),
            );
            vec![retention, referral, per_year, churn]
        }
    }
}
