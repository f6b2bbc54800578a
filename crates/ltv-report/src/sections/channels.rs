//! Section 5, Channels: LTV, CAC and LTV/CAC per acquisition channel.

use super::{lossy, Context, Facts};
use crate::charts::{self, Bar};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::{t, Lang};
use crate::sections::headline::short_band;

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when channel economics cannot be computed.
pub fn section(ctx: &Context, facts: &Facts<'_>, horizon: u32) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let report = facts
        .channels
        .as_ref()
        .map_err(|e| ReportError::Unavailable(e.clone()))?;
    let mut s = Section {
        lead: match lang {
            Lang::En => format!("Customers by the channel of their first order. LTV = mean cumulative revenue over each customer's first {horizon} months, counting only customers old enough to be observed that long; CAC = channel spend ÷ new customers."),
            Lang::Ja => format!("初回注文のチャネル別の顧客。LTV = 各顧客の最初の {horizon} か月の累積売上の平均（その期間を観測できる顧客のみ）、CAC = チャネルの費用 ÷ 新規顧客数。"),
        },
        ..Section::default()
    };
    if !facts.tx.has_channels() {
        s.notes.push(
            t(
                lang,
                "The transactions have no channel column, so every customer is in channel `unknown`.",
                "取引データにチャネル列がないため、全顧客がチャネル `unknown` に入っています。",
            )
            .into(),
        );
    }
    let with_ratio: Vec<Bar> = report
        .channels
        .iter()
        .filter_map(|r| {
            r.ltv_cac_ratio.map(|v| Bar {
                label: r.channel.clone(),
                value: lossy(v),
            })
        })
        .collect();
    let (bars, title, axis) = if with_ratio.is_empty() {
        (
            report
                .channels
                .iter()
                .filter_map(|r| {
                    r.ltv_at_horizon.map(|v| Bar {
                        label: r.channel.clone(),
                        value: lossy(v),
                    })
                })
                .collect::<Vec<_>>(),
            match lang {
                Lang::En => format!("{horizon}-month LTV per customer by channel"),
                Lang::Ja => format!("チャネル別 {horizon} か月 LTV"),
            },
            ctx.money_axis(t(lang, "LTV per customer", "顧客一人あたり LTV")),
        )
    } else {
        (
            with_ratio,
            t(
                lang,
                "LTV/CAC by channel (3 = healthy)",
                "チャネル別 LTV/CAC（3 以上が健全）",
            )
            .into(),
            t(lang, "LTV/CAC", "LTV/CAC").into(),
        )
    };
    let mut bars = bars;
    bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    s.charts.push(Chart {
        title: "channels".into(),
        svg: charts::bar_chart(&title, &axis, &bars)?,
    });
    if let Some(best) = report
        .channels
        .iter()
        .filter(|r| r.ltv_at_horizon.is_some())
        .max_by(|a, b| a.ltv_at_horizon.cmp(&b.ltv_at_horizon))
    {
        s.figures.push(
            Figure::new(
                t(lang, "most valuable channel", "最も価値の高いチャネル"),
                best.channel.clone(),
            )
            .note(format!(
                "LTV {}",
                best.ltv_at_horizon
                    .map_or_else(String::new, |v| ctx.money(v))
            )),
        );
    }
    let dash = || "–".to_string();
    s.tables.push(Table {
        caption: t(lang, "Channel economics", "チャネル別の経済性").into(),
        header: [
            t(lang, "channel", "チャネル"),
            t(lang, "customers", "顧客数"),
            t(lang, "revenue", "売上"),
            t(lang, "revenue per customer", "顧客あたり売上"),
            t(lang, "LTV at horizon", "期間 LTV"),
            t(lang, "spend", "獲得費用"),
            "CAC",
            "LTV/CAC",
            t(lang, "band", "判定"),
        ]
        .map(String::from)
        .to_vec(),
        rows: report
            .channels
            .iter()
            .map(|r| {
                vec![
                    r.channel.clone(),
                    r.customers.to_string(),
                    ctx.money(r.revenue),
                    ctx.money(r.revenue_per_customer),
                    r.ltv_at_horizon.map_or_else(dash, |v| ctx.money(v)),
                    r.spend.map_or_else(dash, |v| ctx.money(v)),
                    r.cac.map_or_else(dash, |v| ctx.money(v)),
                    r.ltv_cac_ratio.map_or_else(dash, |v| ctx.num(v, 2)),
                    r.band.map_or_else(dash, |b| short_band(lang, b)),
                ]
            })
            .collect(),
    });
    if !facts.has_spend {
        s.notes.push(
            t(
                lang,
                "No CAC file given (--cac channels.csv with channel,spend[,new_customers]), so CAC and LTV/CAC per channel are not shown.",
                "CAC ファイル（channel,spend[,new_customers] 形式の --cac channels.csv）が指定されていないため、チャネル別の CAC と LTV/CAC は表示していません。",
            )
            .into(),
        );
    }
    Ok(s)
}
