//! Section 7, Plan: the ICE-ranked initiatives with model impact, and the ROI case of the top
//! initiative as a cumulative cash-flow chart with the payback point marked.

use ltv_planner::{plan, roi_of, PlanFile, PlanOptions, RoiOptions};

use super::{lossy, Context};
use crate::charts::{self, Marker, Series};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::{t, Lang};

/// Builds the section.
///
/// # Errors
/// Planner errors (an invalid initiatives file, a baseline without customers).
pub fn section(ctx: &Context, file: &PlanFile) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let report = plan(
        file,
        &PlanOptions {
            lang,
            ..PlanOptions::default()
        },
    )?;
    let mut s = Section {
        lead: format!(
            "{} {}",
            t(
                lang,
                "Initiatives ranked by score; beside each, the LTV change its stated driver move produces in the model and its simulated payback, ROI and NPV. Score:",
                "施策をスコア順に並べ、各施策が動かすドライバーのモデル上の LTV 変化、シミュレーションによる回収月・ROI・NPV を並べました。スコア:"
            ),
            report.score_formula
        ),
        ..Section::default()
    };
    let money = |v| ctx.money0(v);
    let dash = || "–".to_string();
    s.tables.push(Table {
        caption: t(lang, "Ranked initiatives", "施策の優先順位").into(),
        header: [
            "#",
            t(lang, "initiative", "施策"),
            t(lang, "team", "担当"),
            t(lang, "driver", "ドライバー"),
            t(lang, "score", "スコア"),
            t(lang, "model LTV change", "モデル LTV 変化"),
            t(lang, "cost", "費用"),
            t(lang, "payback month", "回収月"),
            "ROI",
            "NPV",
        ]
        .map(String::from)
        .to_vec(),
        rows: report
            .initiatives
            .iter()
            .map(|i| {
                let driver = match lang {
                    Lang::En => i.driver.label(),
                    Lang::Ja => i.driver.label_ja(),
                };
                vec![
                    i.rank.to_string(),
                    if i.disagreement {
                        format!("{} ⚠", i.name)
                    } else {
                        i.name.clone()
                    },
                    i.team.to_string(),
                    driver.to_string(),
                    ctx.num(i.score, 1),
                    i.model_ltv_change_pct
                        .map_or_else(dash, |p| format!("{}%", ctx.num(p, 1))),
                    money(i.total_cost),
                    i.payback_month.map_or_else(
                        || t(lang, "never", "回収不能").to_string(),
                        |m| m.to_string(),
                    ),
                    i.roi.map_or_else(dash, |r| ctx.pct(r)),
                    money(i.npv),
                ]
            })
            .collect(),
    });
    if !report.disagreements.is_empty() {
        s.notes.push(format!(
            "⚠ {} {}",
            t(
                lang,
                "Subjective Impact disagrees strongly with the model's ranking for:",
                "主観的なインパクトとモデルの順位が大きく食い違う施策:"
            ),
            report.disagreements.join(", ")
        ));
    }
    s.notes.push(report.npv_convention.clone());
    let Some(top) = report.initiatives.first() else {
        return Ok(s);
    };
    let roi = roi_of(
        file,
        &top.name,
        &RoiOptions {
            lang,
            ..RoiOptions::default()
        },
    )?;
    s.summary = Some(roi.summary.clone());
    let points: Vec<(f64, f64)> = roi
        .months
        .iter()
        .map(|m| (f64::from(m.month), lossy(m.cumulative_cash_flow)))
        .collect();
    let marker = roi.payback_month.and_then(|p| {
        roi.months.iter().find(|m| m.month == p).map(|m| Marker {
            at: (f64::from(m.month), lossy(m.cumulative_cash_flow)),
            label: match lang {
                Lang::En => format!("payback: month {p}"),
                Lang::Ja => format!("回収: {p} か月目"),
            },
        })
    });
    s.charts.push(Chart {
        title: "ROI cash flow".into(),
        svg: charts::line_chart(
            &match lang {
                Lang::En => format!("Cumulative cash flow of \"{}\"", roi.initiative),
                Lang::Ja => format!("「{}」の累積キャッシュフロー", roi.initiative),
            },
            t(lang, "month", "月"),
            &ctx.money_axis(t(lang, "cumulative cash flow", "累積キャッシュフロー")),
            &[Series {
                name: roi.initiative.clone(),
                points,
                dashed: false,
            }],
            marker.as_ref(),
        )?,
    });
    s.figures.push(Figure::new(
        t(lang, "top initiative", "最優先の施策"),
        roi.initiative.clone(),
    ));
    s.figures.push(Figure::new(
        t(lang, "payback", "回収"),
        roi.payback_month.map_or_else(
            || t(lang, "never within the horizon", "期間内に回収不能").to_string(),
            |m| match lang {
                Lang::En => format!("month {m}"),
                Lang::Ja => format!("{m} か月目"),
            },
        ),
    ));
    s.figures.push(
        Figure::new(
            match lang {
                Lang::En => format!("{}-month ROI", roi.horizon_months),
                Lang::Ja => format!("{} か月 ROI", roi.horizon_months),
            },
            roi.roi.map_or_else(dash, |r| ctx.pct(r)),
        )
        .note(format!("NPV {}", ctx.money0(roi.npv))),
    );
    s.figures.push(Figure::new(
        "LTV",
        format!(
            "{} → {}",
            ctx.money0(roi.ltv_before),
            ctx.money0(roi.ltv_after)
        ),
    ));
    if let (Some(before), Some(after)) = (roi.ratio_before, roi.ratio_after) {
        s.figures.push(Figure::new(
            "LTV/CAC",
            format!("{} → {}", ctx.num(before, 2), ctx.num(after, 2)),
        ));
    }
    if roi.verdict_flips {
        s.notes.push(
            t(
                lang,
                "Careful: the verdict depends on the horizon or the discount rate (see the ROI case in `ltv roi`).",
                "注意: 判断は期間または割引率によって変わります（`ltv roi` の ROI 詳細を参照）。",
            )
            .into(),
        );
    }
    Ok(s)
}
