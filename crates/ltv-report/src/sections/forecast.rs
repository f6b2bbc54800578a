//! Section 6, Forecast: distribution of per-customer CLV and P(alive); the customers most at
//! risk (high past value, low probability of still being active).

use std::collections::HashMap;

use ltv_core::Decimal;
use ltv_forecast::ClvReport;
use ltv_segments::CustomerSummary;

use super::{float, lossy, Context, Facts};
use crate::charts;
use crate::data::{AtRisk, ForecastFacts};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::{t, Lang};

/// Rows of the at-risk table.
pub const AT_RISK_ROWS: usize = 10;
/// P(alive) below this is "at risk".
pub const AT_RISK_P_ALIVE: f64 = 0.5;
/// P(alive) below this is "most likely gone" (not in the at-risk table).
pub const LIKELY_GONE_P_ALIVE: f64 = 0.1;

/// The forecast's figures: totals, fits and the customers most at risk (the highest
/// past spenders among those with P(alive) from 10 % to 50 %).
///
/// # Errors
/// Overflow of the total.
pub fn facts(clv: &ClvReport, summaries: &[CustomerSummary]) -> Result<ForecastFacts, ReportError> {
    let total = clv.customers.iter().try_fold(Decimal::ZERO, |acc, c| {
        ltv_core::checked::add(acc, c.clv, "total CLV")
    })?;
    let n = clv.customers.len();
    let mean = ltv_core::checked::div(total, Decimal::from(n.max(1)), "mean CLV")?;
    let monetary: HashMap<&str, Decimal> = summaries
        .iter()
        .map(|c| (c.customer_id.as_str(), c.monetary_total))
        .collect();
    let mut risk: Vec<_> = clv
        .customers
        .iter()
        .filter(|c| (LIKELY_GONE_P_ALIVE..AT_RISK_P_ALIVE).contains(&c.p_alive))
        .map(|c| {
            (
                c,
                monetary
                    .get(c.customer_id.as_str())
                    .copied()
                    .unwrap_or_default(),
            )
        })
        .collect();
    risk.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.customer_id.cmp(&b.0.customer_id)));
    Ok(ForecastFacts {
        horizon_months: clv.horizon_months,
        discount_rate: clv.discount_rate,
        margin: clv.margin,
        discounting: clv.discounting.to_string(),
        customers: n,
        total_clv: total.normalize(),
        mean_clv: mean.normalize(),
        customers_below_half_p_alive: clv
            .customers
            .iter()
            .filter(|c| c.p_alive < AT_RISK_P_ALIVE)
            .count(),
        purchases: clv.purchases.clone(),
        spend: clv.spend.clone(),
        refund_days: clv.refund_days,
        at_risk: risk
            .iter()
            .take(AT_RISK_ROWS)
            .map(|(c, m)| AtRisk {
                customer_id: c.customer_id.clone(),
                spend_to_date: *m,
                p_alive: c.p_alive,
                expected_purchases: c.expected_purchases,
                clv: c.clv,
            })
            .collect(),
    })
}

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the forecast cannot be fitted; chart errors.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let unavailable = || {
        ReportError::Unavailable(
            facts
                .data
                .unavailable
                .get("forecast")
                .cloned()
                .unwrap_or_default(),
        )
    };
    let f = facts.data.forecast.as_ref().ok_or_else(unavailable)?;
    let clv = facts.clv.as_ref().map_err(|_| unavailable())?;
    let mut s = Section {
        lead: match lang {
            Lang::En => format!("Probabilistic models instead of a constant churn rate: BG/NBD (Fader, Hardie & Lee 2005) for the number of future purchases and P(alive), Gamma-Gamma (Fader & Hardie 2013) for spend per purchase; CLV = expected purchases × expected spend × margin over the next {} months, discounted monthly at {} (cash at each month's end). A short-term forecast of today's customers, not the lifetime value of a new one.", f.horizon_months, ctx.pct(f.discount_rate)),
            Lang::Ja => format!("一定の解約率の代わりに確率モデルを使います: 将来の購入回数と生存確率 P(alive) に BG/NBD（Fader, Hardie & Lee 2005）、1 回あたりの購入額に Gamma-Gamma（Fader & Hardie 2013）。CLV = 期待購入回数 × 期待購入額 × 粗利率（今後 {} か月、月次割引率 {}、各月末に計上）。既存顧客の短期予測であり、新規顧客の生涯価値ではありません。", f.horizon_months, ctx.pct(f.discount_rate)),
        },
        ..Section::default()
    };
    let values: Vec<f64> = clv.customers.iter().map(|c| lossy(c.clv)).collect();
    let p_alive: Vec<f64> = clv.customers.iter().map(|c| c.p_alive).collect();
    s.charts.push(Chart {
        title: "CLV distribution".into(),
        svg: charts::histogram(
            &match lang {
                Lang::En => format!(
                    "Forecast CLV per customer, next {} months",
                    f.horizon_months
                ),
                Lang::Ja => format!("顧客別の予測 CLV（今後 {} か月）", f.horizon_months),
            },
            &ctx.money_axis("CLV"),
            t(lang, "customers", "顧客数"),
            &values,
            30,
        )?,
    });
    s.charts.push(Chart {
        title: "P(alive) distribution".into(),
        svg: charts::histogram(
            t(
                lang,
                "Probability that a customer is still active, P(alive)",
                "顧客がまだアクティブである確率 P(alive)",
            ),
            t(
                lang,
                "P(alive) (0 = gone, 1 = surely active)",
                "P(alive)（0 = 離脱、1 = 確実にアクティブ）",
            ),
            t(lang, "customers", "顧客数"),
            &p_alive,
            20,
        )?,
    });
    s.figures.push(
        Figure::new(
            t(lang, "total forecast CLV", "予測 CLV の合計"),
            ctx.money0(f.total_clv),
        )
        .note(match lang {
            Lang::En => format!(
                "{} customers, mean {}",
                ctx.num(Decimal::from(f.customers), 0),
                ctx.money(f.mean_clv)
            ),
            Lang::Ja => format!(
                "顧客 {} 人、平均 {}",
                ctx.num(Decimal::from(f.customers), 0),
                ctx.money(f.mean_clv)
            ),
        }),
    );
    s.figures.push(Figure::new(
        t(
            lang,
            "customers with P(alive) < 50 %",
            "P(alive) が 50% 未満の顧客",
        ),
        ctx.num(Decimal::from(f.customers_below_half_p_alive), 0),
    ));
    s.figures.push(
        Figure::new(
            t(lang, "model parameters", "モデルのパラメータ"),
            format!(
                "r={} α={} a={} b={}",
                float(f.purchases.params.r, 3),
                float(f.purchases.params.alpha, 2),
                float(f.purchases.params.a, 3),
                float(f.purchases.params.b, 3)
            ),
        )
        .note(format!(
            "Gamma-Gamma p={} q={} γ={}",
            float(f.spend.params.p, 2),
            float(f.spend.params.q, 2),
            float(f.spend.params.gamma, 2)
        )),
    );
    s.tables.push(Table {
        caption: t(
            lang,
            "Customers most at risk: highest past spend with P(alive) from 10 % to 50 % (below 10 %: most likely gone)",
            "離反リスクの高い顧客: P(alive) が 10〜50% で過去の購入額が大きい順（10% 未満はほぼ離脱済み）",
        )
        .into(),
        header: [
            t(lang, "customer", "顧客"),
            t(lang, "spend to date", "累計購入額"),
            "P(alive)",
            t(lang, "expected purchases", "期待購入回数"),
            "CLV",
        ]
        .map(String::from)
        .to_vec(),
        rows: f
            .at_risk
            .iter()
            .map(|c| {
                vec![
                    c.customer_id.clone(),
                    ctx.money(c.spend_to_date),
                    format!("{}%", float(c.p_alive * 100.0, 1)),
                    float(c.expected_purchases, 2),
                    ctx.money(c.clv),
                ]
            })
            .collect(),
    });
    if f.refund_days > 0 {
        s.notes.push(match lang {
            Lang::En => format!("{} customer-days with a negative net amount (refunds) were not counted as purchases.", f.refund_days),
            Lang::Ja => format!("正味金額がマイナスの顧客・日（返金）{} 件は購入として数えていません。", f.refund_days),
        });
    }
    for w in &f.spend.warnings {
        s.notes.push(w.clone());
    }
    s.notes.push(f.discounting.clone());
    Ok(s)
}
