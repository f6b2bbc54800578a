//! Section 8, the backlog (with `--db`): the initiatives by status and team, the KPI
//! trend from the stored snapshots, the measured initiatives and the raters'
//! calibration. The numbers are the store's (`ltv_store::Store::board`); this module
//! only lays them out.

use ltv_core::{Decimal, Lang};
use ltv_store::{Assessment, Board, Verdict};

use super::{lossy, Context, Facts};
use crate::charts::{self, Series};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;

fn verdict(lang: Lang, v: Verdict) -> &'static str {
    match v {
        Verdict::Measured => lang.pick("measured", "効果あり"),
        Verdict::WithinNoise => lang.pick("within the usual variation", "通常の変動の範囲内"),
        Verdict::CannotTellYet => lang.pick("cannot tell yet", "まだ判断できない"),
    }
}

fn assessment(lang: Lang, a: Assessment) -> &'static str {
    match a {
        Assessment::Calibrated => lang.pick("calibrated", "適切"),
        Assessment::OverConfident => lang.pick("over-confident", "過信"),
        Assessment::UnderConfident => lang.pick("under-confident", "控えめ"),
        Assessment::TooFewToJudge => lang.pick("too few to judge", "判断材料が不足"),
    }
}

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] without a board; chart errors.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let board = facts.data.backlog.as_ref().ok_or_else(|| {
        ReportError::Unavailable(
            facts
                .data
                .unavailable
                .get("backlog")
                .cloned()
                .unwrap_or_default(),
        )
    })?;
    let mut s = Section {
        lead: ctx
            .t(
                "The shared backlog in the team's database: initiatives by status and team, ranked as `ltv plan` ranks them on the latest snapshot, the KPIs over the stored snapshots, and what the launched initiatives really did.",
                "チームのデータベースにある共有バックログです。ステータス・チーム別の施策（最新スナップショットで `ltv plan` と同じ順位）、保存されたスナップショットの KPI 推移、実施した施策の実際の効果を示します。",
            )
            .into(),
        ..Section::default()
    };
    trend(ctx, board, &mut s)?;
    columns(ctx, board, &mut s);
    measured(ctx, board, &mut s);
    calibration(ctx, board, &mut s);
    Ok(s)
}

fn trend(ctx: &Context, board: &Board, s: &mut Section) -> Result<(), ReportError> {
    let lang = ctx.lang;
    if board.trend.is_empty() {
        s.notes.push(
            ctx.t(
                "No snapshot yet: `ltv backlog snapshot ORDERS.csv` stores one.",
                "スナップショットがまだありません。`ltv backlog snapshot ORDERS.csv` で保存できます。",
            )
            .into(),
        );
        return Ok(());
    }
    let ratio: Vec<(f64, f64)> = board
        .trend
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.ltv_cac_ratio.map(|r| (i as f64 + 1.0, lossy(r))))
        .collect();
    if ratio.len() >= 2 {
        let last = board.trend.len() as f64;
        let flat = |y: f64, name: &str| Series {
            name: name.into(),
            points: vec![(1.0, y), (last, y)],
            dashed: true,
        };
        s.charts.push(Chart {
            title: "KPI trend".into(),
            svg: charts::line_chart(
                ctx.t(
                    "LTV/CAC over the snapshots",
                    "スナップショットごとの LTV/CAC",
                ),
                ctx.t("snapshot", "スナップショット"),
                "LTV/CAC",
                &[
                    Series {
                        name: "LTV/CAC".into(),
                        points: ratio,
                        dashed: false,
                    },
                    flat(3.0, ctx.t("healthy (3)", "健全（3）")),
                    flat(1.0, ctx.t("break-even (1)", "損益分岐（1）")),
                ],
                None,
            )?,
        });
    }
    if let (Some(first), Some(last)) = (board.trend.first(), board.trend.last()) {
        s.figures.push(
            Figure::new(
                ctx.t("LTV, first → latest snapshot", "LTV（最初 → 最新）"),
                format!("{} → {}", ctx.money(first.ltv), ctx.money(last.ltv)),
            )
            .note(format!("{} → {}", first.as_of, last.as_of)),
        );
    }
    let dash = || "–".to_string();
    s.tables.push(Table {
        caption: ctx.t("KPIs by snapshot", "スナップショット別の KPI").into(),
        header: [
            ctx.t("as of", "基準日"),
            ctx.t("customers", "顧客数"),
            "LTV",
            "LTV/CAC",
            ctx.t("band", "判定"),
            ctx.t("monthly churn", "月次解約率"),
            ctx.t("AOV", "平均注文額"),
            ctx.t("orders per year", "年間注文回数"),
            "NRR",
        ]
        .map(String::from)
        .to_vec(),
        rows: board
            .trend
            .iter()
            .map(|p| {
                vec![
                    p.as_of.to_string(),
                    ctx.num(Decimal::from(p.customers), 0),
                    ctx.money(p.ltv),
                    p.ltv_cac_ratio.map_or_else(dash, |r| ctx.num(r, 2)),
                    p.band.map_or_else(dash, |b| b.label(lang).to_string()),
                    ctx.pct(p.monthly_churn),
                    ctx.money(p.aov),
                    ctx.num(p.orders_per_year, 2),
                    p.nrr.map_or_else(dash, |n| ctx.pct(n)),
                ]
            })
            .collect(),
    });
    Ok(())
}

fn columns(ctx: &Context, board: &Board, s: &mut Section) {
    let lang = ctx.lang;
    let dash = || "–".to_string();
    let counts: Vec<String> = board
        .columns
        .iter()
        .map(|c| {
            let status = match lang {
                Lang::En => c.status.as_str(),
                Lang::Ja => c.status.label_ja(),
            };
            format!("{status} {}", c.count)
        })
        .collect();
    s.figures.push(Figure::new(
        ctx.t("initiatives by status", "ステータス別の施策数"),
        counts.join(" · "),
    ));
    let mut rows = Vec::new();
    for c in &board.columns {
        for t in &c.teams {
            for card in &t.cards {
                rows.push(vec![
                    match lang {
                        Lang::En => c.status.as_str().to_owned(),
                        Lang::Ja => c.status.label_ja().to_owned(),
                    },
                    t.team.to_string(),
                    card.name.clone(),
                    format!("{} {}", card.driver, card.change),
                    card.score.map_or_else(dash, |v| ctx.num(v, 1)),
                    card.model_ltv_change_pct
                        .map_or_else(dash, |p| format!("{}%", ctx.num(p, 1))),
                    card.roi.map_or_else(dash, |r| ctx.pct(r)),
                    card.verdict
                        .map_or_else(dash, |v| verdict(lang, v).to_owned()),
                ]);
            }
        }
    }
    s.tables.push(Table {
        caption: ctx.t("The board", "ボード").into(),
        header: [
            ctx.t("status", "ステータス"),
            ctx.t("team", "担当"),
            ctx.t("initiative", "施策"),
            ctx.t("move", "変化"),
            ctx.t("score", "スコア"),
            ctx.t("model LTV change", "モデル LTV 変化"),
            "ROI",
            ctx.t("measured", "測定結果"),
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });
}

fn measured(ctx: &Context, board: &Board, s: &mut Section) {
    let lang = ctx.lang;
    if board.measured.is_empty() {
        return;
    }
    let dash = || "–".to_string();
    let change = |k: ltv_store::Kpi, v: Decimal| ltv_store::show_change(k, v);
    s.tables.push(Table {
        caption: ctx
            .t(
                "Launched initiatives: planned against measured",
                "実施した施策: 計画と実測",
            )
            .into(),
        header: [
            ctx.t("initiative", "施策"),
            ctx.t("team", "担当"),
            "KPI",
            ctx.t("planned change", "計画した変化"),
            ctx.t("actual change", "実際の変化"),
            ctx.t("effect", "効果"),
            ctx.t("share of plan", "計画比"),
            ctx.t("verdict", "判定"),
        ]
        .map(String::from)
        .to_vec(),
        rows: board
            .measured
            .iter()
            .map(|m| {
                vec![
                    m.initiative.clone(),
                    m.team.to_string(),
                    m.kpi.as_str().to_owned(),
                    m.planned_change.map_or_else(dash, |v| change(m.kpi, v)),
                    m.actual_change.map_or_else(dash, |v| change(m.kpi, v)),
                    m.effect.map_or_else(dash, |v| change(m.kpi, v)),
                    m.realised_share.map_or_else(dash, |v| ctx.pct(v)),
                    verdict(lang, m.verdict).to_owned(),
                ]
            })
            .collect(),
    });
    for m in &board.measured {
        let statements = match lang {
            Lang::En => &m.statements,
            Lang::Ja => &m.statements_ja,
        };
        for st in statements {
            s.notes.push(format!("{}: {st}", m.initiative));
        }
    }
}

fn calibration(ctx: &Context, board: &Board, s: &mut Section) {
    let lang = ctx.lang;
    if board.calibration.is_empty() {
        return;
    }
    s.tables.push(Table {
        caption: ctx
            .t(
                "Raters' calibration: Confidence against what their done initiatives delivered",
                "評価者の較正: Confidence と完了施策の実績",
            )
            .into(),
        header: [
            ctx.t("rater", "評価者"),
            ctx.t("done initiatives", "完了施策"),
            ctx.t("mean Confidence", "平均 Confidence"),
            ctx.t("mean delivered", "平均実績"),
            ctx.t("gap", "差"),
            ctx.t("assessment", "評価"),
        ]
        .map(String::from)
        .to_vec(),
        rows: board
            .calibration
            .iter()
            .map(|c| {
                vec![
                    c.rater.clone(),
                    c.initiatives.to_string(),
                    ctx.num(c.mean_confidence, 1),
                    ctx.num(c.mean_delivered, 1),
                    ctx.num(c.gap, 1),
                    assessment(lang, c.assessment).to_owned(),
                ]
            })
            .collect(),
    });
}
