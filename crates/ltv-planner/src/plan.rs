//! The ranked backlog: scores, model impact, ROI, robustness across ranges and the
//! disagreement between subjective Impact and the model.
//!
//! Tie order (documented, stable): higher score first; then higher NPV; then lower
//! cost (one-off + yearly); then name in code-point order; then position in the file.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::change::{Change, Estimate, Scenario};
use crate::driver::Driver;
use crate::error::Result;
use crate::file::PlanFile;
use crate::ice::{ice_summary, score, subjective_impact, IceSummary, ScoreMode};
use crate::initiative::Rice;
use crate::roi::{roi, RoiOptions, NPV_CONVENTION};
use crate::summary::{plan_summary, Lang};
use crate::team::Team;

/// The documented tie order.
pub const TIE_ORDER: &str = "score (high first), then NPV (high first), then one-off + yearly \
cost (low first), then name (code-point order), then position in the file";

/// How many places count as "on top" in the robustness check (or all, if fewer).
pub const TOP_N: usize = 3;

/// Options of `plan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanOptions {
    /// Scoring mode; default ICE.
    #[serde(default)]
    pub mode: ScoreMode,
    /// Months of the ROI cases, 1–600; default 36.
    #[serde(default = "default_horizon")]
    pub horizon_months: u32,
    /// Annual discount rate, >= 0; default 0.10.
    #[serde(default = "default_rate")]
    pub discount_rate: Decimal,
    /// Language of the summary; default English.
    #[serde(default)]
    pub lang: Lang,
}

fn default_horizon() -> u32 {
    RoiOptions::default().horizon_months
}

fn default_rate() -> Decimal {
    RoiOptions::default().discount_rate
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            mode: ScoreMode::Ice,
            horizon_months: default_horizon(),
            discount_rate: default_rate(),
            lang: Lang::En,
        }
    }
}

impl PlanOptions {
    /// The ROI options of one scenario.
    pub fn roi(&self, scenario: Scenario) -> RoiOptions {
        RoiOptions {
            horizon_months: self.horizon_months,
            discount_rate: self.discount_rate,
            scenario,
            lang: self.lang,
        }
    }
}

/// One initiative of the ranked backlog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedInitiative {
    /// 1 = do first.
    pub rank: u32,
    /// Name.
    pub name: String,
    /// Owning team.
    pub team: Team,
    /// `baseline` or the name of the `[baselines.NAME]` it acts on.
    pub baseline: String,
    /// Driver.
    pub driver: Driver,
    /// The move (possibly a range).
    pub change: Estimate<Change>,
    /// Score in the chosen mode (likely values).
    pub score: Decimal,
    /// ICE scores over the raters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ice: Option<IceSummary>,
    /// RICE inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rice: Option<Rice>,
    /// Mean subjective Impact (likely).
    pub subjective_impact: Option<Decimal>,
    /// Rank by subjective Impact (1 = highest; ties share a rank).
    pub subjective_impact_rank: Option<u32>,
    /// Rank by the model's contribution over the horizon (1 = highest).
    pub model_impact_rank: u32,
    /// Subjective Impact and the model disagree strongly.
    pub disagreement: bool,
    /// LTV today on this initiative's baseline.
    pub model_ltv_before: Decimal,
    /// LTV at full effect.
    pub model_ltv_after: Decimal,
    /// % change of LTV.
    pub model_ltv_change_pct: Option<Decimal>,
    /// Σ Δ gross profit − Σ Δ acquisition spend over the horizon, before costs.
    pub model_profit_change: Decimal,
    /// LTV/CAC today.
    pub ratio_before: Option<Decimal>,
    /// LTV/CAC at full effect.
    pub ratio_after: Option<Decimal>,
    /// One-off cost.
    pub one_off_cost: Decimal,
    /// Yearly cost.
    pub yearly_cost: Decimal,
    /// Ramp-up months.
    pub ramp_months: u32,
    /// Σ cost over the horizon.
    pub total_cost: Decimal,
    /// Payback month; `null` if never within the horizon.
    pub payback_month: Option<u32>,
    /// ROI over the horizon (fraction); `null` without cost.
    pub roi: Option<Decimal>,
    /// NPV at the discount rate.
    pub npv: Decimal,
    /// Horizon or discounting flips this initiative's verdict.
    pub verdict_flips: bool,
    /// Score with every range at its low end.
    pub score_low: Decimal,
    /// Score with every range at its high end.
    pub score_high: Decimal,
    /// NPV with the effect at its low end.
    pub npv_low: Decimal,
    /// NPV with the effect at its high end.
    pub npv_high: Decimal,
    /// Rank in the low case.
    pub rank_low: u32,
    /// Rank in the high case.
    pub rank_high: u32,
}

/// `ltv plan`: the ranked backlog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanReport {
    /// Scoring mode.
    pub mode: ScoreMode,
    /// The score's formula.
    pub score_formula: String,
    /// How ties are ordered.
    pub tie_order: String,
    /// Months of the ROI cases.
    pub horizon_months: u32,
    /// Annual discount rate.
    pub discount_rate: Decimal,
    /// How the NPV discounts.
    pub npv_convention: String,
    /// The initiatives, rank 1 first.
    pub initiatives: Vec<PlannedInitiative>,
    /// Whether any score or effect is a low/likely/high range.
    pub has_ranges: bool,
    /// Places that count as "on top".
    pub top_n: u32,
    /// Initiatives in the top places in the low, likely and high cases alike.
    pub stays_on_top: Vec<String>,
    /// Initiatives whose subjective Impact disagrees strongly with the model.
    pub disagreements: Vec<String>,
    /// Currency symbol of the main baseline.
    pub currency: String,
    /// Language of `summary`.
    pub lang: Lang,
    /// Executive summary.
    pub summary: String,
}

struct Scored {
    index: usize,
    name: String,
    score: Decimal,
    npv: Decimal,
    cost: Decimal,
}

/// Ranks by the tie order; returns the indices in rank order.
fn rank(mut items: Vec<Scored>) -> Vec<usize> {
    items.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.npv.cmp(&a.npv))
            .then(a.cost.cmp(&b.cost))
            .then(a.name.cmp(&b.name))
            .then(a.index.cmp(&b.index))
    });
    items.into_iter().map(|s| s.index).collect()
}

/// Competition ranks (1, 1, 3) of `values`, highest first (one sort: n log n).
fn competition_ranks(values: &[Option<Decimal>]) -> Vec<Option<u32>> {
    let mut present: Vec<Decimal> = values.iter().flatten().copied().collect();
    present.sort_unstable_by(|a, b| b.cmp(a));
    values
        .iter()
        .map(|v| {
            v.map(|v| {
                let above = present.partition_point(|o| *o > v);
                u32::try_from(above + 1).unwrap_or(u32::MAX)
            })
        })
        .collect()
}

/// 1-based place of each index in `order` (a permutation of `0..order.len()`).
fn positions(order: &[usize]) -> Vec<u32> {
    let mut places = vec![u32::MAX; order.len()];
    for (p, &i) in order.iter().enumerate() {
        if let Some(place) = places.get_mut(i) {
            *place = u32::try_from(p + 1).unwrap_or(u32::MAX);
        }
    }
    places
}

/// Whether two ranks of `n` items disagree strongly: at least 2 places and at least
/// half the list apart.
pub fn strong_disagreement(subjective: u32, model: u32, n: usize) -> bool {
    let d = subjective.abs_diff(model) as usize;
    d >= 2 && d * 2 >= n
}

/// Scores, simulates and ranks every initiative of the file.
///
/// # Errors
/// The file's validation errors; [`crate::PlanError::Invalid`] for an initiative
/// without the chosen mode's inputs or a baseline without `customers`; option errors.
pub fn plan(file: &PlanFile, options: &PlanOptions) -> Result<PlanReport> {
    // the main baseline is required, even when every initiative names another one
    file.baseline()?;
    options.roi(Scenario::Likely).validate()?;
    file.validate()?;
    let mode = options.mode;
    let mut rows = Vec::with_capacity(file.initiatives.len());
    let mut has_ranges = false;
    for init in &file.initiatives {
        let baseline = file.baseline_for(init)?;
        let opts = |scenario| options.roi(scenario);
        let likely = roi(baseline, init, &opts(Scenario::Likely))?;
        let low = roi(baseline, init, &opts(Scenario::Low))?;
        let high = roi(baseline, init, &opts(Scenario::High))?;
        let sets = init.ice_sets();
        has_ranges |= init.change.is_range()
            || sets
                .iter()
                .any(|r| r.impact.is_range() || r.confidence.is_range() || r.ease.is_range());
        rows.push(PlannedInitiative {
            rank: 0,
            name: init.name.clone(),
            team: init.team.clone(),
            baseline: init
                .baseline
                .clone()
                .unwrap_or_else(|| "baseline".to_owned()),
            driver: likely.driver,
            change: init.change,
            score: score(init, mode, Scenario::Likely)?,
            ice: ice_summary(init)?,
            rice: init.rice,
            subjective_impact: subjective_impact(init, Scenario::Likely)?,
            subjective_impact_rank: None,
            model_impact_rank: 0,
            disagreement: false,
            model_ltv_before: likely.ltv_before,
            model_ltv_after: likely.ltv_after,
            model_ltv_change_pct: likely.ltv_change_pct,
            model_profit_change: likely.incremental_contribution,
            ratio_before: likely.ratio_before,
            ratio_after: likely.ratio_after,
            one_off_cost: init.one_off_cost.normalize(),
            yearly_cost: init.yearly_cost.normalize(),
            ramp_months: init.ramp_months,
            total_cost: likely.total_cost,
            payback_month: likely.payback_month,
            roi: likely.roi,
            npv: likely.npv,
            verdict_flips: likely.verdict_flips,
            score_low: score(init, mode, Scenario::Low)?,
            score_high: score(init, mode, Scenario::High)?,
            npv_low: low.npv,
            npv_high: high.npv,
            rank_low: 0,
            rank_high: 0,
        });
    }
    let scored = |pick: &dyn Fn(&PlannedInitiative) -> (Decimal, Decimal)| -> Vec<Scored> {
        rows.iter()
            .enumerate()
            .map(|(index, r)| {
                let (score, npv) = pick(r);
                Scored {
                    index,
                    name: r.name.clone(),
                    score,
                    npv,
                    cost: r
                        .one_off_cost
                        .checked_add(r.yearly_cost)
                        .unwrap_or(Decimal::MAX),
                }
            })
            .collect()
    };
    let order = rank(scored(&|r| (r.score, r.npv)));
    let order_low = rank(scored(&|r| (r.score_low, r.npv_low)));
    let order_high = rank(scored(&|r| (r.score_high, r.npv_high)));
    let n = rows.len();
    let subj = competition_ranks(&rows.iter().map(|r| r.subjective_impact).collect::<Vec<_>>());
    let model = competition_ranks(
        &rows
            .iter()
            .map(|r| Some(r.model_profit_change))
            .collect::<Vec<_>>(),
    );
    let (places, places_low, places_high) = (
        positions(&order),
        positions(&order_low),
        positions(&order_high),
    );
    let place = |places: &[u32], i: usize| places.get(i).copied().unwrap_or(u32::MAX);
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = place(&places, i);
        r.rank_low = place(&places_low, i);
        r.rank_high = place(&places_high, i);
        r.subjective_impact_rank = subj.get(i).copied().flatten();
        r.model_impact_rank = model.get(i).copied().flatten().unwrap_or(0);
        r.disagreement = r
            .subjective_impact_rank
            .is_some_and(|s| strong_disagreement(s, r.model_impact_rank, n));
    }
    let mut ranked: Vec<PlannedInitiative> =
        order.iter().filter_map(|&i| rows.get(i).cloned()).collect();
    ranked.sort_by_key(|r| r.rank);
    let top = TOP_N.min(n);
    let top_u = u32::try_from(top).unwrap_or(u32::MAX);
    let stays_on_top = ranked
        .iter()
        .filter(|r| r.rank <= top_u && r.rank_low <= top_u && r.rank_high <= top_u)
        .map(|r| r.name.clone())
        .collect();
    let disagreements = ranked
        .iter()
        .filter(|r| r.disagreement)
        .map(|r| r.name.clone())
        .collect();
    let mut report = PlanReport {
        mode,
        score_formula: mode.label().to_owned(),
        tie_order: TIE_ORDER.to_owned(),
        horizon_months: options.horizon_months,
        discount_rate: options.discount_rate.normalize(),
        npv_convention: NPV_CONVENTION.to_owned(),
        initiatives: ranked,
        has_ranges,
        top_n: top_u,
        stays_on_top,
        disagreements,
        currency: file
            .baseline
            .as_ref()
            .map_or("", Baseline::currency)
            .to_owned(),
        lang: options.lang,
        summary: String::new(),
    };
    report.summary = plan_summary(&report, options.lang);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disagreement_threshold() {
        assert!(strong_disagreement(1, 5, 6));
        assert!(strong_disagreement(1, 4, 6));
        assert!(!strong_disagreement(1, 3, 6));
        assert!(strong_disagreement(1, 3, 3));
        assert!(!strong_disagreement(1, 2, 2));
    }

    #[test]
    fn competition() {
        let d = |s: &str| Some(s.parse::<Decimal>().unwrap());
        assert_eq!(
            competition_ranks(&[d("7"), d("9"), d("7"), None]),
            vec![Some(2), Some(1), Some(2), None]
        );
        assert_eq!(positions(&[2, 0, 1]), vec![2, 3, 1]);
    }
}
