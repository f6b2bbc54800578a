//! Section 4, Cohorts: retention heatmap by acquisition month, cumulative revenue curves,
//! and the sBG projection of survival beyond the observed months.

use ltv_core::{checked, Decimal};
use ltv_forecast::{forecast_retention, CohortSurvivors, RetentionRequest};
use ltv_segments::{cohorts, CohortKey, CohortMatrix, CohortMetric, Transactions};
use rust_decimal::prelude::ToPrimitive;

use super::{float, lossy, Context, Facts};
use crate::charts::{self, HeatRow, Series};
use crate::data::{CohortFacts, SbgFacts, Weighted};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::{t, Lang};

/// Months projected beyond the longest observed cohort.
pub const PROJECTED_MONTHS: u32 = 24;
/// Cumulative-revenue curves drawn at most.
const MAX_CURVES: usize = 6;

/// What the charts are drawn from.
pub struct Charts {
    ltv: CohortMatrix,
    projection: Option<Projection>,
}

/// The cohort figures and the matrices the charts need.
///
/// # Errors
/// Cohort errors (a span of dates too long for a matrix, overflow).
pub fn facts(tx: &Transactions) -> Result<(CohortFacts, Charts), ReportError> {
    let retention = cohorts(tx, CohortKey::Month, CohortMetric::Retention)?;
    let ltv = cohorts(tx, CohortKey::Month, CohortMetric::Ltv)?;
    let weighted = |m: &CohortMatrix, k| -> Result<Option<Weighted>, ReportError> {
        Ok(weighted_mean(m, k)?.map(|(value, cohorts)| Weighted { value, cohorts }))
    };
    let month1_retention = weighted(&retention, 1)?;
    let revenue_12_months = weighted(&ltv, 11)?;
    let (sbg, sbg_unavailable, projection) = match projection(tx) {
        Ok(p) => (
            Some(SbgFacts {
                alpha: p.alpha,
                beta: p.beta,
                expected_lifetime_months: p.expected_lifetime,
            }),
            None,
            Some(p),
        ),
        Err(e) => (None, Some(e.to_string()), None),
    };
    Ok((
        CohortFacts {
            month1_retention,
            revenue_12_months,
            sbg,
            sbg_unavailable,
            retention,
        },
        Charts { ltv, projection },
    ))
}

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the cohorts cannot be computed; chart errors.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let unavailable = || {
        ReportError::Unavailable(
            facts
                .data
                .unavailable
                .get("cohorts")
                .cloned()
                .unwrap_or_default(),
        )
    };
    let f = facts.data.cohorts.as_ref().ok_or_else(unavailable)?;
    let c = facts.cohorts.as_ref().ok_or_else(unavailable)?;
    let retention = &f.retention;
    let mut s = Section {
        lead: t(
            lang,
            "Customers grouped by the month of their first order. Retention = share of the cohort ordering in month k; cumulative revenue = revenue through month k per cohort customer (revenue, before margin). Empty cells are months a cohort has not reached yet.",
            "初回注文月で顧客をグループ化しました。継続率 = k か月目に注文したコホート顧客の割合、累積売上 = k か月目までの売上 ÷ コホート人数（粗利前の売上）。空白はまだ到達していない月です。",
        )
        .into(),
        ..Section::default()
    };
    let rows: Vec<HeatRow> = retention
        .rows
        .iter()
        .map(|r| HeatRow {
            label: format!("{} (n={})", r.cohort, r.size),
            cells: r.cells.iter().map(|c| c.map(lossy)).collect(),
        })
        .collect();
    s.charts.push(Chart {
        title: "retention heatmap".into(),
        svg: charts::heatmap(
            t(lang, "Retention by acquisition month", "獲得月別の継続率"),
            t(lang, "months since first order", "初回注文からの月数"),
            t(lang, "cohort (first-order month)", "コホート（初回注文月）"),
            t(lang, "share ordering", "注文した割合"),
            &rows,
        )?,
    });
    s.charts.push(Chart {
        title: "cumulative revenue".into(),
        svg: charts::line_chart(
            t(
                lang,
                "Cumulative revenue per customer by cohort",
                "コホート別の顧客一人あたり累積売上",
            ),
            t(lang, "months since first order", "初回注文からの月数"),
            &ctx.money_axis(t(lang, "revenue per customer", "顧客一人あたり売上")),
            &ltv_curves(&c.ltv),
            None,
        )?,
    });
    if let Some(w) = &f.month1_retention {
        s.figures.push(
            Figure::new(
                t(lang, "month-1 retention", "1 か月目の継続率"),
                ctx.pct(w.value),
            )
            .note(match lang {
                Lang::En => format!("mean over {} cohorts, weighted by size", w.cohorts),
                Lang::Ja => format!("{} コホートの人数加重平均", w.cohorts),
            }),
        );
    }
    if let Some(w) = &f.revenue_12_months {
        s.figures.push(
            Figure::new(
                t(
                    lang,
                    "cumulative revenue after 12 months",
                    "12 か月後の累積売上",
                ),
                ctx.money(w.value),
            )
            .note(match lang {
                Lang::En => format!(
                    "revenue per customer, mean over the {} cohorts old enough, weighted by size",
                    w.cohorts
                ),
                Lang::Ja => format!(
                    "顧客一人あたり売上、到達した {} コホートの人数加重平均",
                    w.cohorts
                ),
            }),
        );
    }
    match (&c.projection, &f.sbg) {
        (Some(p), Some(sbg)) => {
            s.charts.push(Chart {
                title: "sBG projection".into(),
                svg: charts::line_chart(
                    t(
                        lang,
                        "Share of customers still active: observed and sBG projection",
                        "アクティブ顧客の割合: 実績と sBG 予測",
                    ),
                    t(lang, "months since first order", "初回注文からの月数"),
                    t(lang, "share still active", "アクティブな割合"),
                    &[
                        Series {
                            name: t(lang, "observed (all cohorts)", "実績（全コホート）").into(),
                            points: p.observed.clone(),
                            dashed: false,
                        },
                        Series {
                            name: t(lang, "sBG projection", "sBG 予測").into(),
                            points: p.projected.clone(),
                            dashed: true,
                        },
                    ],
                    None,
                )?,
            });
            s.figures.push(
                Figure::new(
                    t(lang, "sBG expected lifetime", "sBG 期待継続期間"),
                    match (sbg.expected_lifetime_months, lang) {
                        (Some(l), Lang::En) => format!("{} months", float(l, 1)),
                        (Some(l), Lang::Ja) => format!("{} か月", float(l, 1)),
                        (None, _) => t(lang, "unbounded (α ≤ 1)", "上限なし（α ≤ 1）").into(),
                    },
                )
                .note(format!(
                    "α = {}, β = {}",
                    float(sbg.alpha, 3),
                    float(sbg.beta, 3)
                )),
            );
            s.notes.push(
                t(
                    lang,
                    "sBG (Fader & Hardie 2007) fitted to every monthly cohort; a customer counts as active through the month of their last order, so the most recent months understate survival (customers who will buy again have not yet).",
                    "sBG（Fader & Hardie 2007）を全月次コホートに当てはめました。顧客は最終注文月までアクティブとみなすため、直近の月は継続を過小評価します（再購入予定の顧客がまだ購入していないため）。",
                )
                .into(),
            );
        }
        _ => s.notes.push(format!(
            "{} {}",
            t(
                lang,
                "The sBG projection is not available:",
                "sBG 予測は利用できません:"
            ),
            f.sbg_unavailable.clone().unwrap_or_default()
        )),
    }
    let width = retention.periods.min(13);
    let mut header = vec![
        t(lang, "cohort", "コホート").to_string(),
        t(lang, "size", "人数").into(),
    ];
    header.extend((0..width).map(|k| k.to_string()));
    s.tables.push(Table {
        caption: t(
            lang,
            "Retention by cohort, first 12 months",
            "コホート別継続率（最初の 12 か月）",
        )
        .into(),
        header,
        rows: retention
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![r.cohort.clone(), r.size.to_string()];
                row.extend((0..width).map(|k| {
                    r.cells
                        .get(k)
                        .copied()
                        .flatten()
                        .map_or_else(String::new, |v| ctx.pct(v))
                }));
                row
            })
            .collect(),
    });
    Ok(s)
}

/// Σ cell(k) × size ÷ Σ size over the cohorts that reached period `k`, and how many did.
fn weighted_mean(m: &CohortMatrix, k: usize) -> Result<Option<(Decimal, usize)>, ReportError> {
    let (mut sum, mut size, mut n) = (Decimal::ZERO, Decimal::ZERO, 0);
    for row in &m.rows {
        if let Some(Some(v)) = row.cells.get(k) {
            let w = Decimal::from(row.size);
            sum = checked::add(sum, checked::mul(*v, w, "weighted cell")?, "weighted sum")?;
            size = checked::add(size, w, "cohort sizes")?;
            n += 1;
        }
    }
    if n == 0 {
        return Ok(None);
    }
    Ok(Some((checked::div(sum, size, "weighted mean")?, n)))
}

/// Up to [`MAX_CURVES`] cohorts, evenly spaced from oldest to newest.
fn ltv_curves(m: &CohortMatrix) -> Vec<Series> {
    let n = m.rows.len();
    if n == 0 {
        return Vec::new();
    }
    let step = n.div_ceil(MAX_CURVES).max(1);
    m.rows
        .iter()
        .step_by(step)
        .map(|r| Series {
            name: format!("{} (n={})", r.cohort, r.size),
            points: r
                .cells
                .iter()
                .enumerate()
                .filter_map(|(k, c)| c.map(|v| (k as f64, lossy(v))))
                .collect(),
            dashed: false,
        })
        .collect()
}

struct Projection {
    observed: Vec<(f64, f64)>,
    projected: Vec<(f64, f64)>,
    alpha: f64,
    beta: f64,
    expected_lifetime: Option<f64>,
}

/// Fits sBG to the monthly survival cohorts and projects beyond the data.
fn projection(tx: &Transactions) -> Result<Projection, ReportError> {
    let survival = cohorts(tx, CohortKey::Month, CohortMetric::Survival)?;
    let mut input = Vec::new();
    let mut alive: Vec<u64> = Vec::new();
    let mut exposed: Vec<u64> = Vec::new();
    for row in &survival.rows {
        let size = Decimal::from(row.size);
        let mut counts = Vec::new();
        for (k, cell) in row.cells.iter().enumerate() {
            let Some(share) = cell else { break };
            let count = (size * share).round().to_u64().unwrap_or(0);
            counts.push(count);
            if alive.len() <= k {
                alive.resize(k + 1, 0);
                exposed.resize(k + 1, 0);
            }
            if let (Some(a), Some(e)) = (alive.get_mut(k), exposed.get_mut(k)) {
                *a += count;
                *e += row.size;
            }
        }
        if counts.len() >= 2 {
            input.push(CohortSurvivors {
                label: row.cohort.clone(),
                survivors: counts,
            });
        }
    }
    let observed_periods = alive.len();
    let periods = u32::try_from(observed_periods)
        .unwrap_or(u32::MAX)
        .saturating_add(PROJECTED_MONTHS);
    let fit = forecast_retention(
        &input,
        &RetentionRequest {
            periods,
            discount_rate: Decimal::ZERO,
            value_per_period: None,
        },
    )?;
    let observed = alive
        .iter()
        .zip(&exposed)
        .enumerate()
        .filter(|(_, (_, e))| **e > 0)
        .map(|(k, (a, e))| (k as f64, *a as f64 / *e as f64))
        .collect();
    let projected = fit
        .survival
        .iter()
        .enumerate()
        .map(|(k, s)| (k as f64, *s))
        .collect();
    Ok(Projection {
        observed,
        projected,
        alpha: fit.alpha,
        beta: fit.beta,
        expected_lifetime: fit.expected_lifetime,
    })
}
