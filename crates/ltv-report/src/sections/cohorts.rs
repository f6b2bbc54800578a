//! Section 4, Cohorts: retention heatmap by acquisition month, cumulative LTV curves, and the
//! sBG projection of survival beyond the observed months.

use ltv_core::{checked, Decimal};
use ltv_forecast::{forecast_retention, CohortSurvivors, RetentionRequest};
use ltv_segments::{cohorts, CohortKey, CohortMatrix, CohortMetric, Transactions};
use rust_decimal::prelude::ToPrimitive;

use super::{float, lossy, Context};
use crate::charts::{self, HeatRow, Series};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::{t, Lang};

/// Months projected beyond the longest observed cohort.
pub const PROJECTED_MONTHS: u32 = 24;
/// Cumulative-LTV curves drawn at most.
const MAX_CURVES: usize = 6;

/// Builds the section.
///
/// # Errors
/// Segment errors; chart errors.
pub fn section(ctx: &Context, tx: &Transactions) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let retention = cohorts(tx, CohortKey::Month, CohortMetric::Retention)?;
    let ltv = cohorts(tx, CohortKey::Month, CohortMetric::Ltv)?;
    let mut s = Section {
        lead: t(
            lang,
            "Customers grouped by the month of their first order. Retention = share of the cohort ordering in month k; cumulative LTV = revenue through month k per cohort customer. Empty cells are months a cohort has not reached yet.",
            "初回注文月で顧客をグループ化しました。継続率 = k か月目に注文したコホート顧客の割合、累積 LTV = k か月目までの売上 ÷ コホート人数。空白はまだ到達していない月です。",
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
        title: "cumulative LTV".into(),
        svg: charts::line_chart(
            t(
                lang,
                "Cumulative LTV per customer by cohort",
                "コホート別の顧客一人あたり累積 LTV",
            ),
            t(lang, "months since first order", "初回注文からの月数"),
            &ctx.money_axis(t(lang, "revenue per customer", "顧客一人あたり売上")),
            &ltv_curves(&ltv),
            None,
        )?,
    });
    if let Some((value, cohorts)) = weighted_mean(&retention, 1)? {
        s.figures.push(
            Figure::new(
                t(lang, "month-1 retention", "1 か月目の継続率"),
                ctx.pct(value),
            )
            .note(match lang {
                Lang::En => format!("mean over {cohorts} cohorts, weighted by size"),
                Lang::Ja => format!("{cohorts} コホートの人数加重平均"),
            }),
        );
    }
    if let Some((value, cohorts)) = weighted_mean(&ltv, 11)? {
        s.figures.push(
            Figure::new(
                t(
                    lang,
                    "cumulative LTV after 12 months",
                    "12 か月後の累積 LTV",
                ),
                ctx.money(value),
            )
            .note(match lang {
                Lang::En => format!("mean over the {cohorts} cohorts old enough, weighted by size"),
                Lang::Ja => format!("到達した {cohorts} コホートの人数加重平均"),
            }),
        );
    }
    match projection(tx) {
        Ok(p) => {
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
                            points: p.observed,
                            dashed: false,
                        },
                        Series {
                            name: t(lang, "sBG projection", "sBG 予測").into(),
                            points: p.projected,
                            dashed: true,
                        },
                    ],
                    None,
                )?,
            });
            s.figures.push(
                Figure::new(
                    t(lang, "sBG expected lifetime", "sBG 期待継続期間"),
                    match (p.expected_lifetime, lang) {
                        (Some(l), Lang::En) => format!("{} months", float(l, 1)),
                        (Some(l), Lang::Ja) => format!("{} か月", float(l, 1)),
                        (None, _) => t(lang, "unbounded (α ≤ 1)", "上限なし（α ≤ 1）").into(),
                    },
                )
                .note(format!(
                    "α = {}, β = {}",
                    float(p.alpha, 3),
                    float(p.beta, 3)
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
        Err(e) => s.notes.push(format!(
            "{} {e}",
            t(
                lang,
                "The sBG projection is not available:",
                "sBG 予測は利用できません:"
            )
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
