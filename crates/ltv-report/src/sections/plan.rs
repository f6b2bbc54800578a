//! Section 7, Plan: the ICE-ranked initiatives with model impact, and the ROI case of the top
//! initiative as a cumulative cash-flow chart with the payback point marked.

use ltv_core::Lang;
use ltv_planner::{plan, roi_of, MeasuredBaseline, PlanFile, PlanOptions, RoiOptions};

use super::{lossy, Context, Facts};
use crate::charts::{self, Marker, Series};
use crate::data::PlanFacts;
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::t;

/// The plan on the baseline measured from the data (the file's own `[baseline]`, if
/// any, is replaced; a difference is reported by the caller as a warning).
///
/// # Errors
/// Planner errors: an initiative whose driver or move the measured baseline does not
/// allow.
pub fn facts(file: &PlanFile, m: &MeasuredBaseline, lang: Lang) -> Result<PlanFacts, ReportError> {
    // The report is about the business in the data: initiatives on another business
    // line of the file (`baseline = "NAME"`) are listed, not ranked.
    let mut file = file.clone();
    let elsewhere: Vec<String> = file
        .initiatives
        .iter()
        .filter_map(|i| i.baseline.as_ref().map(|b| format!("{} ({b})", i.name)))
        .collect();
    file.initiatives.retain(|i| i.baseline.is_none());
    let file = file.with_baseline(m.baseline.clone())?;
    let report = plan(
        &file,
        &PlanOptions {
            lang,
            ..PlanOptions::default()
        },
    )?;
    let top_case = match report.initiatives.first() {
        Some(top) => Some(roi_of(
            &file,
            &top.name,
            &RoiOptions {
                lang,
                ..RoiOptions::default()
            },
        )?),
        None => None,
    };
    Ok(PlanFacts {
        baseline: m.baseline.clone(),
        score_formula: report.score_formula,
        initiatives: report.initiatives,
        disagreements: report.disagreements,
        npv_convention: report.npv_convention,
        other_business_lines: elsewhere,
        top_case,
    })
}

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the plan cannot be computed; chart errors.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let report = facts.data.plan.as_ref().ok_or_else(|| {
        ReportError::Unavailable(
            facts
                .data
                .unavailable
                .get("plan")
                .cloned()
                .unwrap_or_default(),
        )
    })?;
    let mut s = Section {
        lead: format!(
            "{} {}",
            t(
                lang,
                "Initiatives ranked by score, on the baseline measured from this data (the numbers of the headline); beside each, the LTV change its stated driver move produces in the model and its simulated payback, ROI and NPV. Score:",
                "施策をスコア順に並べました。ベースラインはこのデータから測定した値（概要と同じ数値）です。各施策が動かすドライバーのモデル上の LTV 変化、シミュレーションによる回収月・ROI・NPV を並べています。スコア:"
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
    if !report.other_business_lines.is_empty() {
        s.notes.push(format!(
            "{} {}",
            t(
                lang,
                "Not ranked here, because they act on another business line of the initiatives file, not on this data:",
                "施策ファイルの別の事業（このデータ以外）に対する施策のため、ここでは順位付けしていません:"
            ),
            report.other_business_lines.join(", ")
        ));
    }
    let Some(roi) = &report.top_case else {
        return Ok(s);
    };
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
            ctx.money(roi.ltv_before),
            ctx.money(roi.ltv_after)
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
