//! Section 5, Channels: per acquisition channel the LTV on the headline's basis, CAC,
//! LTV/CAC and its band, the most a customer may cost, and the revenue view.

use ltv_core::Lang;

use super::{lossy, Context, Facts};
use crate::charts::{self, Bar};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;

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
                .get("channels")
                .cloned()
                .unwrap_or_default(),
        )
    })?;
    let horizon = facts
        .measured
        .as_ref()
        .map_or(12, |m| m.options.horizon_months);
    let mut s = Section {
        lead: ctx
            .t(
                "Customers by the channel of their first order. Each channel's LTV uses its own average order value, frequency and churn with the headline's margin and formula, so its LTV/CAC is banded exactly like the headline's. CAC = the channel's spend ÷ its new customers.",
                "初回注文のチャネル別の顧客です。各チャネルの LTV は、そのチャネル自身の平均注文額・頻度・解約率に概要と同じ粗利率と計算式を適用したもので、LTV/CAC も概要と同じ基準で判定しています。CAC = チャネルの獲得費用 ÷ 新規顧客数。",
            )
            .into(),
        ..Section::default()
    };
    if !facts.tx.has_channels() {
        s.notes.push(
            ctx.t(
                "The transactions have no channel column, so every customer is in channel `unknown`.",
                "取引データにチャネル列がないため、全顧客がチャネル `unknown` に入っています。",
            )
            .into(),
        );
    }
    let with_ratio: Vec<Bar> = data
        .channels
        .iter()
        .filter_map(|c| {
            c.ltv_cac_ratio.map(|v| Bar {
                label: c.channel.clone(),
                value: lossy(v),
            })
        })
        .collect();
    let (mut bars, title, axis) = if with_ratio.is_empty() {
        (
            data.channels
                .iter()
                .filter_map(|c| {
                    c.ltv.map(|v| Bar {
                        label: c.channel.clone(),
                        value: lossy(v),
                    })
                })
                .collect::<Vec<_>>(),
            ctx.t(
                "LTV per customer by channel",
                "チャネル別の顧客一人あたり LTV",
            )
            .to_string(),
            ctx.money_axis(ctx.t("LTV per customer", "顧客一人あたり LTV")),
        )
    } else {
        (
            with_ratio,
            ctx.t(
                "LTV/CAC by channel (3 = healthy, 1 = break-even)",
                "チャネル別 LTV/CAC（3 以上が健全、1 が損益分岐）",
            )
            .into(),
            "LTV/CAC".to_string(),
        )
    };
    bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    if !bars.is_empty() {
        s.charts.push(Chart {
            title: "channels".into(),
            svg: charts::bar_chart(&title, &axis, &bars)?,
        });
    }
    if let Some(best) = data
        .channels
        .iter()
        .filter(|c| c.ltv_cac_ratio.is_some())
        .max_by(|a, b| a.ltv_cac_ratio.cmp(&b.ltv_cac_ratio))
    {
        s.figures.push(
            Figure::new(
                ctx.t("best LTV/CAC", "LTV/CAC が最も高いチャネル"),
                best.channel.clone(),
            )
            .note(format!(
                "LTV/CAC {}",
                best.ltv_cac_ratio
                    .map_or_else(String::new, |v| ctx.num(v, 2))
            )),
        );
    }
    let losing: Vec<&str> = data
        .channels
        .iter()
        .filter(|c| c.band == Some(ltv_core::Band::Unprofitable))
        .map(|c| c.channel.as_str())
        .collect();
    if !losing.is_empty() {
        s.figures.push(
            Figure::new(ctx.t("losing money", "赤字のチャネル"), losing.join(", "))
                .note(ltv_core::Band::Unprofitable.describe(lang))
                .class("unprofitable"),
        );
    } else if let Some(best) = data
        .channels
        .iter()
        .filter(|c| c.ltv.is_some())
        .max_by(|a, b| a.ltv.cmp(&b.ltv))
    {
        s.figures.push(
            Figure::new(
                ctx.t("most valuable channel", "最も価値の高いチャネル"),
                best.channel.clone(),
            )
            .note(format!(
                "LTV {}",
                best.ltv.map_or_else(String::new, |v| ctx.money(v))
            )),
        );
    }
    let dash = || "–".to_string();
    s.tables.push(Table {
        caption: ctx.t("Channel economics", "チャネル別の経済性").into(),
        header: [
            ctx.t("channel", "チャネル"),
            ctx.t("customers", "顧客数"),
            "LTV",
            "CAC",
            "LTV/CAC",
            ctx.t("band", "判定"),
            ctx.t("max CAC", "CAC 上限"),
            ctx.t("payback (months)", "回収（か月）"),
            ctx.t("monthly churn", "月次解約率"),
            ctx.t("revenue per customer", "顧客あたり売上"),
        ]
        .into_iter()
        .map(String::from)
        .chain(std::iter::once(match lang {
            Lang::En => format!("{horizon}-month revenue"),
            Lang::Ja => format!("{horizon} か月売上"),
        }))
        .collect(),
        rows: data
            .channels
            .iter()
            .map(|c| {
                vec![
                    c.channel.clone(),
                    ctx.num(ltv_core::Decimal::from(c.customers), 0),
                    c.ltv.map_or_else(dash, |v| ctx.money(v)),
                    c.cac.map_or_else(dash, |v| ctx.money(v)),
                    c.ltv_cac_ratio.map_or_else(dash, |v| ctx.num(v, 2)),
                    c.band.map_or_else(dash, |b| b.label(lang).to_string()),
                    c.max_cac.map_or_else(dash, |v| ctx.money(v)),
                    c.payback_months.map_or_else(dash, |v| ctx.num(v, 1)),
                    c.monthly_churn.map_or_else(dash, |v| ctx.pct(v)),
                    ctx.money(c.revenue_per_customer),
                    c.revenue_at_horizon.map_or_else(dash, |v| ctx.money(v)),
                ]
            })
            .collect(),
    });
    s.notes.push(data.basis.clone());
    s.notes.push(match lang {
        Lang::En => format!(
            "Max CAC = LTV ÷ the target LTV/CAC of {}: the most a new customer of the channel may cost. The last two columns are revenue (before margin), shown for reference and never banded.",
            ctx.num(h.target_ratio, 1)
        ),
        Lang::Ja => format!(
            "CAC 上限 = LTV ÷ 目標 LTV/CAC {}: そのチャネルで新規顧客一人に使える上限額です。右端の 2 列は参考の売上（粗利前）で、判定には使いません。",
            ctx.num(h.target_ratio, 1)
        ),
    });
    if !facts.has_spend {
        s.notes.push(
            ctx.t(
                "No CAC file given (--cac spend.csv with channel,spend[,new_customers], or spend[,new_customers] for all customers), so CAC and LTV/CAC per channel are not shown.",
                "CAC ファイル（channel,spend[,new_customers] 形式、または全顧客向けの spend[,new_customers] 形式の --cac spend.csv）が指定されていないため、チャネル別の CAC と LTV/CAC は表示していません。",
            )
            .into(),
        );
    }
    Ok(s)
}
