//! Section 3, RFM segments: a treemap sized by customers and coloured by revenue share, with
//! the segment table.

use ltv_segments::{rfm, RfmOptions, SegmentMap, Transactions};

use super::{lossy, Context, Facts};
use crate::charts::{self, Tile};
use crate::data::RfmFacts;
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::t;

/// The segments with the default map, largest revenue first.
///
/// # Errors
/// Scoring errors.
pub fn facts(tx: &Transactions) -> Result<RfmFacts, ReportError> {
    let map = SegmentMap::preset("default")?;
    let report = rfm(tx, &RfmOptions::default(), &map)?;
    let mut summary = report.summary(&map)?;
    summary.sort_by(|a, b| b.revenue.cmp(&a.revenue).then(a.segment.cmp(&b.segment)));
    Ok(RfmFacts {
        segment_map: report.segments.to_string(),
        segments: summary,
    })
}

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the segments cannot be computed.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let r = facts.data.rfm.as_ref().ok_or_else(|| {
        ReportError::Unavailable(
            facts
                .data
                .unavailable
                .get("rfm")
                .cloned()
                .unwrap_or_default(),
        )
    })?;
    let summary = &r.segments;
    let top_share = summary
        .iter()
        .map(|s| lossy(s.revenue_share))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let tiles: Vec<Tile> = summary
        .iter()
        .map(|s| Tile {
            label: format!("{} ({})", s.segment, s.customers),
            size: s.customers as f64,
            shade: lossy(s.revenue_share) / top_share,
        })
        .collect();
    let mut sec = Section {
        lead: t(
            lang,
            "Customers scored 1–5 on recency, frequency and monetary value (rank-based, ties never split) and named by the common 11-segment map. Box area = customers; colour = share of revenue (bright = large).",
            "最終購入からの日数・購入回数・購入金額で顧客を 1〜5 に採点し（順位ベース、同値は同じ点）、一般的な 11 セグメント表で名前を付けました。面積 = 顧客数、色 = 売上シェア（明るいほど大きい）。",
        )
        .into(),
        ..Section::default()
    };
    sec.charts.push(Chart {
        title: "rfm".into(),
        svg: charts::treemap(
            t(lang, "Customers by RFM segment", "RFM セグメント別の顧客"),
            t(
                lang,
                "area: customers · colour: revenue share (viridis: dark = small, bright = large)",
                "面積: 顧客数 · 色: 売上シェア（暗い = 小、明るい = 大）",
            ),
            &tiles,
        )?,
    });
    if let Some(best) = summary.first() {
        sec.figures.push(
            Figure::new(
                t(lang, "largest revenue segment", "売上最大のセグメント"),
                best.segment.clone(),
            )
            .note(format!(
                "{} {} · {} {}",
                ctx.pct(best.share),
                t(lang, "of customers", "の顧客"),
                ctx.pct(best.revenue_share),
                t(lang, "of revenue", "の売上"),
            )),
        );
    }
    for name in ["At Risk", "Cannot Lose Them"] {
        if let Some(seg) = summary.iter().find(|s| s.segment == name) {
            sec.figures.push(
                Figure::new(
                    name,
                    format!("{} {}", seg.customers, t(lang, "customers", "人")),
                )
                .note(format!(
                    "{} {}",
                    ctx.pct(seg.revenue_share),
                    t(lang, "of revenue", "の売上")
                )),
            );
        }
    }
    let rows = summary
        .iter()
        .map(|s| {
            vec![
                s.segment.clone(),
                s.customers.to_string(),
                ctx.pct(s.share),
                ctx.money(s.revenue),
                ctx.pct(s.revenue_share),
                ctx.num(s.mean_recency_days, 0),
                ctx.num(s.mean_frequency, 2),
                ctx.money(s.mean_monetary),
            ]
        })
        .collect();
    sec.tables.push(Table {
        caption: t(lang, "Segments by revenue", "売上順のセグメント").into(),
        header: [
            t(lang, "segment", "セグメント"),
            t(lang, "customers", "顧客数"),
            t(lang, "share", "構成比"),
            t(lang, "revenue", "売上"),
            t(lang, "revenue share", "売上シェア"),
            t(lang, "mean recency (days)", "平均経過日数"),
            t(lang, "mean repeat purchases", "平均リピート回数"),
            t(lang, "mean monetary", "平均購入金額"),
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });
    sec.notes.push(format!(
        "{} {}",
        t(lang, "Segment map:", "セグメント表:"),
        r.segment_map
    ));
    Ok(sec)
}
