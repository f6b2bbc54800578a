//! Scoring: ICE (I × C × E), ICE mean ((I + C + E) ÷ 3) and RICE
//! (Reach × Impact × Confidence ÷ Effort), with several raters' scores averaged.
//!
//! With several raters each component is the mean of the raters' values; the score is
//! computed from the means. The spread of a component is max − min over the raters.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arith::{add, div, mul, sub};
use crate::change::Scenario;
use crate::error::{PlanError, Result};
use crate::initiative::{Initiative, Rater, Rice};

/// How initiatives are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ScoreMode {
    /// ICE = Impact × Confidence × Ease, 1–1000.
    #[default]
    Ice,
    /// ICE mean = (Impact + Confidence + Ease) ÷ 3, 1–10.
    IceMean,
    /// RICE = Reach × Impact × Confidence ÷ Effort.
    Rice,
}

impl ScoreMode {
    /// The formula, for labels.
    pub fn label(self) -> &'static str {
        match self {
            ScoreMode::Ice => "ICE = Impact × Confidence × Ease (1–1000)",
            ScoreMode::IceMean => "ICE mean = (Impact + Confidence + Ease) ÷ 3 (1–10)",
            ScoreMode::Rice => "RICE = Reach × Impact × Confidence ÷ Effort",
        }
    }

    /// `ice`, `ice-mean` or `rice`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreMode::Ice => "ice",
            ScoreMode::IceMean => "ice-mean",
            ScoreMode::Rice => "rice",
        }
    }
}

/// Mean, range and spread of one ICE component over the raters (likely values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreStat {
    /// Mean over the raters.
    pub mean: Decimal,
    /// Lowest rater's value.
    pub min: Decimal,
    /// Highest rater's value.
    pub max: Decimal,
    /// max − min.
    pub spread: Decimal,
}

/// The ICE scores of one initiative, summarised over its raters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IceSummary {
    /// Number of raters (1 for a single set of scores).
    pub raters: u32,
    /// Impact.
    pub impact: ScoreStat,
    /// Confidence.
    pub confidence: ScoreStat,
    /// Ease.
    pub ease: ScoreStat,
}

fn stat(values: &[Decimal]) -> Result<ScoreStat> {
    let (Some(min), Some(max)) = (values.iter().min(), values.iter().max()) else {
        return Err(PlanError::Overflow {
            what: "an empty set of scores",
        });
    };
    let sum = values
        .iter()
        .try_fold(Decimal::ZERO, |acc, v| add(acc, *v, "score sum"))?;
    Ok(ScoreStat {
        mean: div(sum, Decimal::from(values.len()), "mean score")?.normalize(),
        min: min.normalize(),
        max: max.normalize(),
        spread: sub(*max, *min, "spread")?.normalize(),
    })
}

/// The mean (I, C, E) over the raters in `scenario`.
fn means(sets: &[Rater], scenario: Scenario) -> Result<[Decimal; 3]> {
    let pick = |f: &dyn Fn(&Rater) -> Decimal| -> Result<Decimal> {
        let values: Vec<Decimal> = sets.iter().map(f).collect();
        stat(&values).map(|s| s.mean)
    };
    Ok([
        pick(&|r| r.impact.at(scenario))?,
        pick(&|r| r.confidence.at(scenario))?,
        pick(&|r| r.ease.at(scenario))?,
    ])
}

/// The ICE summary (likely values), `None` without ICE scores.
///
/// # Errors
/// [`PlanError::Overflow`].
pub fn ice_summary(initiative: &Initiative) -> Result<Option<IceSummary>> {
    let sets = initiative.ice_sets();
    if sets.is_empty() {
        return Ok(None);
    }
    let col = |f: fn(&Rater) -> Decimal| -> Result<ScoreStat> {
        stat(&sets.iter().map(f).collect::<Vec<_>>())
    };
    Ok(Some(IceSummary {
        raters: u32::try_from(sets.len()).unwrap_or(u32::MAX),
        impact: col(|r| r.impact.at(Scenario::Likely))?,
        confidence: col(|r| r.confidence.at(Scenario::Likely))?,
        ease: col(|r| r.ease.at(Scenario::Likely))?,
    }))
}

/// The mean subjective Impact (1–10) in `scenario`; RICE impact when only RICE is given
/// (on its own scale); `None` without either.
///
/// # Errors
/// [`PlanError::Overflow`].
pub fn subjective_impact(initiative: &Initiative, scenario: Scenario) -> Result<Option<Decimal>> {
    let sets = initiative.ice_sets();
    if sets.is_empty() {
        return Ok(initiative.rice.map(|r| r.impact));
    }
    means(&sets, scenario).map(|[i, _, _]| Some(i))
}

/// The initiative's score in `mode` and `scenario`.
///
/// # Errors
/// [`PlanError::Invalid`] naming the initiative when the mode's inputs are missing
/// (`impact`/`confidence`/`ease` or `rice`); [`PlanError::Overflow`].
///
/// ```
/// use ltv_planner::{score, Initiative, Scenario, ScoreMode};
/// let i: Initiative = serde_json::from_str(r#"{"name":"Onboarding","team":"cs",
///     "driver":"churn","change":"-1pt","impact":8,"confidence":7,"ease":6}"#)?;
/// assert_eq!(score(&i, ScoreMode::Ice, Scenario::Likely)?, "336".parse()?);
/// assert_eq!(score(&i, ScoreMode::IceMean, Scenario::Likely)?, "7".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score(initiative: &Initiative, mode: ScoreMode, scenario: Scenario) -> Result<Decimal> {
    let sets = initiative.ice_sets();
    let missing = |field: &str, allowed: &str| {
        PlanError::invalid(Some(&initiative.name), field, "nothing", allowed)
    };
    let value = match mode {
        ScoreMode::Ice | ScoreMode::IceMean => {
            if sets.is_empty() {
                return Err(missing(
                    "impact",
                    "ICE scores (impact, confidence, ease in [1, 10], or raters) for this mode",
                ));
            }
            let [i, c, e] = means(&sets, scenario)?;
            if mode == ScoreMode::Ice {
                mul(mul(i, c, "ICE score")?, e, "ICE score")?
            } else {
                div(
                    add(add(i, c, "ICE sum")?, e, "ICE sum")?,
                    Decimal::from(3),
                    "ICE mean",
                )?
            }
        }
        ScoreMode::Rice => {
            let Some(Rice {
                reach,
                impact,
                confidence,
                effort,
            }) = initiative.rice
            else {
                return Err(missing(
                    "rice",
                    "RICE inputs (rice = { reach, impact, confidence, effort }) for --mode rice",
                ));
            };
            div(
                mul(mul(reach, impact, "RICE score")?, confidence, "RICE score")?,
                effort,
                "RICE score",
            )?
        }
    };
    Ok(value.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn init(json: &str) -> Initiative {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn raters_are_averaged() {
        let i = init(
            r#"{"name":"x","team":"sales","driver":"arpu","change":"+5%","raters":[
            {"name":"a","impact":8,"confidence":6,"ease":4},
            {"name":"b","impact":6,"confidence":8,"ease":6}]}"#,
        );
        let s = ice_summary(&i).unwrap().unwrap();
        assert_eq!(s.raters, 2);
        assert_eq!(s.impact.mean, d("7"));
        assert_eq!(s.impact.spread, d("2"));
        assert_eq!(s.ease.min, d("4"));
        // score of the means: 7 × 7 × 5
        assert_eq!(
            score(&i, ScoreMode::Ice, Scenario::Likely).unwrap(),
            d("245")
        );
        assert_eq!(
            score(&i, ScoreMode::IceMean, Scenario::Likely).unwrap(),
            d("6.3333333333333333333333333333")
        );
    }

    #[test]
    fn ranges_by_scenario() {
        let i = init(
            r#"{"name":"x","team":"sales","driver":"arpu","change":"+5%",
            "impact":{"low":4,"likely":6,"high":9},"confidence":5,"ease":2}"#,
        );
        assert_eq!(score(&i, ScoreMode::Ice, Scenario::Low).unwrap(), d("40"));
        assert_eq!(score(&i, ScoreMode::Ice, Scenario::High).unwrap(), d("90"));
    }

    #[test]
    fn rice_common_scales() {
        let i = init(
            r#"{"name":"x","team":"sales","driver":"arpu","change":"+5%",
            "rice":{"reach":500,"impact":2,"confidence":0.8,"effort":4}}"#,
        );
        assert_eq!(
            score(&i, ScoreMode::Rice, Scenario::Likely).unwrap(),
            d("200")
        );
        let err = score(&i, ScoreMode::Ice, Scenario::Likely).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("initiative \"x\": impact must be ICE scores"),
            "{err}"
        );
    }
}
