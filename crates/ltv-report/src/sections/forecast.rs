//! Section 6, Forecast: distribution of per-customer CLV and P(alive); the customers most at
//! risk (high past value, low probability of still being active).

use std::collections::HashMap;

use ltv_core::Decimal;

use super::{float, lossy, Context, Facts};
use crate::charts;
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::{t, Lang};

/// Customers listed as most at risk.
pub const AT_RISK_ROWS: usize = 10;
/// P(alive) below which a customer counts as at risk.
pub const AT_RISK_P_ALIVE: f64 = 0.5;
/// P(alive) below which a customer is most likely gone already (not listed as at risk).
pub const LIKELY_GONE_P_ALIVE: f64 = 0.1;

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the models cannot be fitted to this data.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let clv = facts
        .clv
        .as_ref()
        .map_err(|e| ReportError::Unavailable(e.clone()))?;
    let mut s = Section {
        lead: match lang {
            Lang::En => format!("Probabilistic models instead of a constant churn rate: BG/NBD (Fader, Hardie & Lee 2005) for the number of future purchases and P(alive), Gamma-Gamma (Fader & Hardie 2013) for spend per purchase; CLV = expected purchases × expected spend × margin over the next {} months, discounted monthly at {} (cash at each month's end).", clv.horizon_months, ctx.pct(clv.discount_rate)),
            Lang::Ja => format!("一定の解約率の代わりに確率モデルを使います: 将来の購入回数と生存確率 P(alive) に BG/NBD（Fader, Hardie & Lee 2005）、1 回あたりの購入額に Gamma-Gamma（Fader & Hardie 2013）。CLV = 期待購入回数 × 期待購入額 × 粗利率（今後 {} か月、月次割引率 {}、各月末に計上）。", clv.horizon_months, ctx.pct(clv.discount_rate)),
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
                    clv.horizon_months
                ),
                Lang::Ja => format!("顧客別の予測 CLV（今後 {} か月）", clv.horizon_months),
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
    let total = clv.customers.iter().try_fold(Decimal::ZERO, |acc, c| {
        ltv_core::checked::add(acc, c.clv, "total CLV")
    })?;
    s.figures.push(
        Figure::new(
            t(lang, "total forecast CLV", "予測 CLV の合計"),
            ctx.money0(total),
        )
        .note(match lang {
            Lang::En => format!("{} customers", clv.customers.len()),
            Lang::Ja => format!("顧客 {} 人", clv.customers.len()),
        }),
    );
    let at_risk_count = p_alive.iter().filter(|p| **p < AT_RISK_P_ALIVE).count();
    s.figures.push(Figure::new(
        t(
            lang,
            "customers with P(alive) < 50 %",
            "P(alive) が 50% 未満の顧客",
        ),
        at_risk_count.to_string(),
    ));
    s.figures.push(
        Figure::new(
            t(lang, "model parameters", "モデルのパラメータ"),
            format!(
                "r={} α={} a={} b={}",
                float(clv.purchases.params.r, 3),
                float(clv.purchases.params.alpha, 2),
                float(clv.purchases.params.a, 3),
                float(clv.purchases.params.b, 3)
            ),
        )
        .note(format!(
            "Gamma-Gamma p={} q={} γ={}",
            float(clv.spend.params.p, 2),
            float(clv.spend.params.q, 2),
            float(clv.spend.params.gamma, 2)
        )),
    );
    // Most at risk: the highest past spenders among customers likely gone.
    let monetary: HashMap<&str, Decimal> = facts
        .summaries
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
        rows: risk
            .iter()
            .take(AT_RISK_ROWS)
            .map(|(c, m)| {
                vec![
                    c.customer_id.clone(),
                    ctx.money(*m),
                    format!("{}%", float(c.p_alive * 100.0, 1)),
                    float(c.expected_purchases, 2),
                    ctx.money(c.clv),
                ]
            })
            .collect(),
    });
    if clv.refund_days > 0 {
        s.notes.push(match lang {
            Lang::En => format!("{} customer-days with a negative net amount (refunds) were not counted as purchases.", clv.refund_days),
            Lang::Ja => format!("正味金額がマイナスの顧客・日（返金）{} 件は購入として数えていません。", clv.refund_days),
        });
    }
    for w in &clv.spend.warnings {
        s.notes.push(w.clone());
    }
    s.notes.push(clv.discounting.to_string());
    Ok(s)
}
