//! The ranked backlog: the stored initiatives and their latest ratings handed to
//! [`ltv_planner::plan`] on the latest snapshot's baseline, so the ranking, model
//! impact and ROI are exactly `ltv plan`'s.
//!
//! The baseline is the latest snapshot's (an e-commerce baseline measured from the
//! data, see [`SnapshotKpis::baseline`]); without a snapshot, the main baseline of the
//! last imported plan file; named baselines (`[baselines.NAME]`) come from imported
//! files. The planner takes churn, ARPU and price/AOV on the yearly models itself; an
//! initiative whose driver the baseline's model cannot take (lifespan or AOV on a
//! subscription baseline) is translated: AOV/price → ARPU, lifespan → churn through
//! lifespan = 1 ÷ (12 × monthly churn).

use std::collections::BTreeMap;

use ltv_planner::{
    plan, score, Baseline, Change, Driver, Estimate, PlanFile, PlanOptions, PlannedInitiative,
    Scenario, ScoreMode,
};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::initiative::Initiative;
use crate::rating::planner_scores;
use crate::snapshot::{lifespan_years, Snapshot};

/// Where the ranking's baseline comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BaselineSource {
    /// The latest snapshot.
    Snapshot {
        /// Its id.
        id: i64,
        /// Its as-of date.
        as_of: chrono::NaiveDate,
        /// Its data file.
        source: String,
    },
    /// The main baseline of an imported plan file.
    Imported,
    /// None: nothing can be modelled yet.
    None,
}

/// One initiative of the ranked backlog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BacklogEntry {
    /// The initiative.
    pub initiative: Initiative,
    /// The planner's row (rank, score, model impact, ROI); `null` when it could not
    /// be ranked (see `note`).
    pub planned: Option<PlannedInitiative>,
    /// The score in the chosen mode when it is not ranked but rated.
    pub score: Option<Decimal>,
    /// How the initiative was translated onto the baseline, or why it is not ranked.
    pub note: Option<String>,
}

/// The backlog, ranked as `ltv plan` ranks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Backlog {
    /// Where the baseline comes from.
    pub baseline_source: BaselineSource,
    /// The baseline the model used.
    pub baseline: Option<Baseline>,
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
    /// Ranked initiatives first (rank 1 first), then the others by id.
    pub entries: Vec<BacklogEntry>,
    /// The planner's executive summary of the ranked initiatives.
    pub summary: Option<String>,
}

/// The planner's initiative for a stored one, on `baseline` (translated when the
/// driver belongs to another model); the note says how.
///
/// # Errors
/// [`StoreError::Invalid`] for a move that leaves no valid driver value.
pub fn planner_initiative(
    i: &Initiative,
    baseline: Option<&Baseline>,
) -> Result<(ltv_planner::Initiative, Option<String>)> {
    let (raters, rice) = planner_scores(&i.ratings);
    let mut p = ltv_planner::Initiative {
        name: i.fields.name.clone(),
        team: i.fields.team.clone(),
        driver: i.fields.driver.clone(),
        change: i.fields.change,
        one_off_cost: i.fields.one_off_cost,
        yearly_cost: i.fields.yearly_cost,
        ramp_months: i.fields.ramp_months,
        impact: None,
        confidence: None,
        ease: None,
        raters,
        rice,
        baseline: i.fields.baseline.clone(),
    };
    let note = match baseline {
        Some(b) => translate(&mut p, b)?,
        None => None,
    };
    Ok((p, note))
}

/// Moves an initiative's driver onto the baseline's model.
fn translate(p: &mut ltv_planner::Initiative, b: &Baseline) -> Result<Option<String>> {
    let Ok(driver) = p.driver() else {
        return Ok(None);
    };
    // the planner takes a model's own drivers and, on the yearly models, churn, ARPU
    // and price/AOV itself (one definition); only what it cannot take is translated
    if b.drivers().contains(&driver) || b.get(driver).is_some() {
        return Ok(None);
    }
    let to = |d: Driver| d.as_str().to_owned();
    let (target, change) = match (b, driver) {
        (Baseline::Subscription(_), Driver::Aov | Driver::Price) => (Driver::Arpu, p.change),
        (Baseline::Subscription(_), Driver::Lifespan) => {
            let churn = b.get(Driver::Churn).unwrap_or(Decimal::ONE);
            let lifespan = lifespan_years(churn).ok_or_else(|| bad(p, "churn"))?;
            let each = |c: Change| -> Result<Change> {
                let moved = c.apply(lifespan)?;
                churn_of(moved)
                    .map(Change::To)
                    .ok_or_else(|| bad(p, "change"))
            };
            (Driver::Churn, map_estimate(p.change, each)?)
        }
        _ => return Ok(None),
    };
    // the note rounds the translated values for reading; the model keeps them exact
    let shown = map_estimate(change, |c| {
        Ok(match c {
            Change::To(v) => Change::To(v.round_dp(4)),
            other => other,
        })
    })?;
    let note = format!(
        "{} {} on the {} baseline: {} {}",
        driver,
        p.change,
        b.model(),
        target,
        shown
    );
    p.driver = to(target);
    p.change = change;
    Ok(Some(note))
}

fn bad(p: &ltv_planner::Initiative, field: &str) -> StoreError {
    StoreError::invalid(
        Some(&p.name),
        field,
        p.change,
        "a move that leaves a churn above 0 and a lifespan of at least one month",
    )
}

/// 1 ÷ (12 × lifespan in years).
fn churn_of(lifespan_years: Decimal) -> Option<Decimal> {
    if lifespan_years <= Decimal::ZERO {
        return None;
    }
    Decimal::ONE
        .checked_div(lifespan_years.checked_mul(Decimal::from(12))?)
        .map(|v| v.normalize())
}

fn map_estimate(
    e: Estimate<Change>,
    f: impl Fn(Change) -> Result<Change>,
) -> Result<Estimate<Change>> {
    Ok(match e {
        Estimate::One(c) => Estimate::One(f(c)?),
        Estimate::Range { low, likely, high } => Estimate::Range {
            low: f(low)?,
            likely: f(likely)?,
            high: f(high)?,
        },
    })
}

/// The baseline for ranking: the latest snapshot's, else the imported main one.
///
/// # Errors
/// The snapshot's baseline errors (no churn).
pub fn main_baseline(
    snapshots: &[Snapshot],
    imported: &BTreeMap<String, Baseline>,
) -> Result<(BaselineSource, Option<Baseline>)> {
    if let Some(s) = latest(snapshots) {
        return Ok((
            BaselineSource::Snapshot {
                id: s.id,
                as_of: s.kpis.as_of,
                source: s.kpis.source.clone(),
            },
            Some(s.kpis.baseline()?),
        ));
    }
    Ok(match imported.get("baseline") {
        Some(b) => (BaselineSource::Imported, Some(b.clone())),
        None => (BaselineSource::None, None),
    })
}

/// The snapshot with the latest as-of date (the last taken among equals).
pub fn latest(snapshots: &[Snapshot]) -> Option<&Snapshot> {
    snapshots.iter().max_by_key(|s| (s.kpis.as_of, s.id))
}

/// Ranks `initiatives` as `ltv plan` does on the baseline of `snapshots` (else the
/// imported one). Initiatives that cannot be ranked (not rated in the chosen mode, a
/// move the baseline cannot take, no baseline at all) are listed after the ranked
/// ones with the reason.
///
/// # Errors
/// Option errors ([`ltv_planner::PlanError`]); a snapshot without churn.
pub fn rank(
    initiatives: &[Initiative],
    snapshots: &[Snapshot],
    imported: &BTreeMap<String, Baseline>,
    options: &PlanOptions,
) -> Result<Backlog> {
    options.roi(Scenario::Likely).validate()?;
    let (source, baseline) = main_baseline(snapshots, imported)?;
    let named: BTreeMap<String, Baseline> = imported
        .iter()
        .filter(|(k, _)| k.as_str() != "baseline")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut rankable = Vec::new();
    let mut others = Vec::new();
    for i in initiatives {
        let on = match i.fields.baseline.as_ref() {
            Some(name) => named.get(name).or(baseline.as_ref()),
            None => baseline.as_ref(),
        };
        let converted = planner_initiative(i, on);
        let (p, note) = match converted {
            Ok(x) => x,
            Err(e) => {
                others.push(entry(i, None, None, Some(e.to_string())));
                continue;
            }
        };
        let own_score = score(&p, options.mode, Scenario::Likely).ok();
        let Some(main) = baseline.clone() else {
            let why = if own_score.is_some() {
                "not ranked: no baseline yet (take a snapshot of the data, or import a plan file)"
            } else {
                "not ranked: no baseline yet, and not rated"
            };
            others.push(entry(i, None, own_score, Some(why.to_owned())));
            continue;
        };
        if own_score.is_none() {
            let why = match options.mode {
                ScoreMode::Rice => "not ranked: no RICE rating yet",
                _ => "not ranked: no ICE rating yet",
            };
            others.push(entry(i, None, None, Some(why.to_owned())));
            continue;
        }
        // one initiative on its own first: a move the model cannot take is reported
        // for this initiative instead of failing the whole list
        let single = PlanFile {
            baseline: Some(main),
            baselines: named.clone(),
            initiatives: vec![p.clone()],
        };
        if let Err(e) = single.validate() {
            others.push(entry(i, None, own_score, Some(format!("not ranked: {e}"))));
            continue;
        }
        // the planner has no notion of a target: say how much of the base it is
        let note = match (&i.fields.target, latest(snapshots)) {
            (Some(t), Some(s)) if t.kind == crate::initiative::TargetKind::Channel => {
                let n = s
                    .kpis
                    .channels
                    .iter()
                    .find(|c| c.channel == t.name)
                    .map_or(0, |c| c.customers);
                let whole = format!(
                    "the model applies the move to all customers; the target {t} holds {n} of {}",
                    s.kpis.headline.customers
                );
                Some(match note {
                    Some(n) => format!("{n}; {whole}"),
                    None => whole,
                })
            }
            _ => note,
        };
        rankable.push((i, p, note));
    }
    let mut entries = Vec::new();
    let mut summary = None;
    if let (Some(main), false) = (baseline.clone(), rankable.is_empty()) {
        let file = PlanFile {
            baseline: Some(main),
            baselines: named,
            initiatives: rankable.iter().map(|(_, p, _)| p.clone()).collect(),
        };
        let report = plan(&file, options)?;
        summary = Some(report.summary.clone());
        for planned in report.initiatives {
            if let Some((i, _, note)) = rankable.iter().find(|(i, _, _)| i.name() == planned.name) {
                let s = Some(planned.score);
                entries.push(entry(i, Some(planned), s, note.clone()));
            }
        }
    }
    entries.extend(others);
    Ok(Backlog {
        baseline_source: source,
        baseline,
        mode: options.mode,
        score_formula: options.mode.label().to_owned(),
        tie_order: ltv_planner::TIE_ORDER.to_owned(),
        horizon_months: options.horizon_months,
        discount_rate: options.discount_rate,
        entries,
        summary,
    })
}

fn entry(
    i: &Initiative,
    planned: Option<PlannedInitiative>,
    score: Option<Decimal>,
    note: Option<String>,
) -> BacklogEntry {
    BacklogEntry {
        initiative: i.clone(),
        planned,
        score,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::tests::{d, kpis};

    #[test]
    fn translated_only_where_the_planner_cannot_take_the_driver() {
        // churn on an e-commerce baseline: the planner's own derived driver
        let b = kpis("2024-01-31", "0.05", "0.05").baseline().unwrap();
        let mut p: ltv_planner::Initiative = serde_json::from_str(
            r#"{"name":"x","team":"cs","driver":"churn","change":"-1pt","impact":8,"confidence":7,"ease":6}"#,
        )
        .unwrap();
        assert_eq!(translate(&mut p, &b).unwrap(), None);
        assert_eq!(p.driver, "churn");
        // lifespan on a subscription baseline (churn 0.05): lifespan 1 ÷ 0.6 years
        // +25 % → churn 1 ÷ (12 × 2.0833…) = 0.04
        let saas: Baseline = serde_json::from_str(
            r#"{"model":"subscription","arpu":"100","churn":"0.05","margin":"0.7"}"#,
        )
        .unwrap();
        let mut q: ltv_planner::Initiative = serde_json::from_str(
            r#"{"name":"y","team":"cs","driver":"lifespan","change":"+25%","impact":8,"confidence":7,"ease":6}"#,
        )
        .unwrap();
        let note = translate(&mut q, &saas).unwrap().unwrap();
        assert_eq!(q.driver, "churn");
        assert_eq!(q.change, Estimate::One(Change::To(d("0.04"))));
        assert_eq!(
            note,
            "lifespan +25% on the subscription baseline: churn =0.04"
        );
    }
}
