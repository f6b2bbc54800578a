//! Ratings: one rater's ICE or RICE scores of an initiative at a point in time. Every
//! rating is kept; the latest rating of each rater counts.

use chrono::{DateTime, Utc};
use ltv_planner::{Estimate, Rater, Rice, RICE_IMPACTS};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::initiative::parse_estimate;

/// The scores of one rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Scores {
    /// ICE: Impact, Confidence and Ease, each 1–10 (or a low/likely/high range).
    Ice {
        /// Impact, 1–10.
        impact: Estimate<Decimal>,
        /// Confidence, 1–10.
        confidence: Estimate<Decimal>,
        /// Ease, 1–10.
        ease: Estimate<Decimal>,
    },
    /// RICE on the common scales.
    Rice {
        /// Customers reached per quarter, > 0.
        reach: Decimal,
        /// 3, 2, 1, 0.5 or 0.25.
        impact: Decimal,
        /// In (0, 1].
        confidence: Decimal,
        /// Person-months, > 0.
        effort: Decimal,
    },
}

const ICE_RANGE: &str = "in [1, 10]";

impl Scores {
    /// ICE scores from `I`, `C`, `E` given as `8` or `6/8/9`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a value that is not a number in 1–10.
    pub fn ice(initiative: &str, impact: &str, confidence: &str, ease: &str) -> Result<Scores> {
        let one = |field: &'static str, raw: &str| -> Result<Estimate<Decimal>> {
            parse_estimate(
                raw,
                |s| {
                    s.trim()
                        .parse::<Decimal>()
                        .map_err(|_| StoreError::invalid(Some(initiative), field, raw, ICE_RANGE))
                },
                || {
                    StoreError::invalid(
                        Some(initiative),
                        field,
                        raw,
                        "one score or three (low/likely/high)",
                    )
                },
            )
        };
        let scores = Scores::Ice {
            impact: one("impact", impact)?,
            confidence: one("confidence", confidence)?,
            ease: one("ease", ease)?,
        };
        scores.validate(initiative)?;
        Ok(scores)
    }

    /// Checks every score's range (the planner's scales).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] naming the initiative and the field.
    pub fn validate(&self, initiative: &str) -> Result<()> {
        let name = Some(initiative);
        match self {
            Scores::Ice {
                impact,
                confidence,
                ease,
            } => {
                for (field, e) in [
                    ("impact", impact),
                    ("confidence", confidence),
                    ("ease", ease),
                ] {
                    for (suffix, v) in e.parts() {
                        if v < Decimal::ONE || v > Decimal::TEN {
                            return Err(StoreError::invalid(
                                name,
                                format!("{field}{suffix}"),
                                v,
                                ICE_RANGE,
                            ));
                        }
                    }
                    if let Estimate::Range { low, likely, high } = *e {
                        if !(low <= likely && likely <= high) {
                            return Err(StoreError::invalid(
                                name,
                                field,
                                e,
                                "a range with low <= likely <= high",
                            ));
                        }
                    }
                }
            }
            Scores::Rice {
                reach,
                impact,
                confidence,
                effort,
            } => {
                if *reach <= Decimal::ZERO {
                    return Err(StoreError::invalid(name, "reach", reach, "> 0"));
                }
                if !RICE_IMPACTS.contains(&impact.normalize()) {
                    return Err(StoreError::invalid(
                        name,
                        "rice_impact",
                        impact,
                        "one of 3 (massive), 2 (high), 1 (medium), 0.5 (low), 0.25 (minimal)",
                    ));
                }
                if *confidence <= Decimal::ZERO || *confidence > Decimal::ONE {
                    return Err(StoreError::invalid(
                        name,
                        "rice_confidence",
                        confidence,
                        "in (0, 1]",
                    ));
                }
                if *effort <= Decimal::ZERO {
                    return Err(StoreError::invalid(
                        name,
                        "effort",
                        effort,
                        "> 0 (person-months)",
                    ));
                }
            }
        }
        Ok(())
    }

    /// `ice` or `rice`.
    pub fn method(&self) -> &'static str {
        match self {
            Scores::Ice { .. } => "ice",
            Scores::Rice { .. } => "rice",
        }
    }

    /// The ICE Confidence (likely), on 1–10; RICE confidence × 10.
    pub fn confidence_of_10(&self) -> Decimal {
        match self {
            Scores::Ice { confidence, .. } => confidence.at(ltv_planner::Scenario::Likely),
            Scores::Rice { confidence, .. } => *confidence * Decimal::TEN,
        }
    }
}

/// Which scoring method a rating uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Impact, Confidence, Ease, each 1–10.
    #[default]
    Ice,
    /// Reach, Impact, Confidence, Effort on the common scales.
    Rice,
}

/// A rating to record, as an API sends it: the fields of a stored [`Rating`]'s scores
/// (`method`, then `impact`, `confidence`, `ease` for ICE, or `reach`, `impact`,
/// `confidence`, `effort` for RICE) and the rater.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    /// Whose judgement it is; default: whoever records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rater: Option<String>,
    /// `ice` (default) or `rice`.
    #[serde(default)]
    pub method: Method,
    /// ICE Impact 1–10 (or low/likely/high); RICE impact 3, 2, 1, 0.5 or 0.25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Estimate<Decimal>>,
    /// ICE Confidence 1–10 (or low/likely/high); RICE confidence in (0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Estimate<Decimal>>,
    /// ICE Ease 1–10 (or low/likely/high).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ease: Option<Estimate<Decimal>>,
    /// RICE reach per quarter, > 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach: Option<Decimal>,
    /// RICE effort in person-months, > 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<Decimal>,
}

impl RateRequest {
    /// The scores this request gives, checked (every field of its method present, no
    /// field of the other, every value in range).
    ///
    /// # Errors
    /// [`StoreError::Invalid`] naming the missing, extra or out-of-range field.
    pub fn scores(&self, initiative: &str) -> Result<Scores> {
        let name = Some(initiative);
        let missing = |field: &str, method: &str| {
            StoreError::invalid(
                name,
                field,
                "nothing",
                format!("given for a {method} rating"),
            )
        };
        let extra = |field: &str, method: &str| {
            StoreError::invalid(
                name,
                field,
                "a value",
                format!("absent from a {method} rating"),
            )
        };
        let one = |field: &str, e: Estimate<Decimal>| match e {
            Estimate::One(v) => Ok(v),
            Estimate::Range { .. } => Err(StoreError::invalid(
                name,
                field,
                e,
                "one value in a RICE rating",
            )),
        };
        let scores = match self.method {
            Method::Ice => {
                if self.reach.is_some() {
                    return Err(extra("reach", "ICE"));
                }
                if self.effort.is_some() {
                    return Err(extra("effort", "ICE"));
                }
                Scores::Ice {
                    impact: self.impact.ok_or_else(|| missing("impact", "ICE"))?,
                    confidence: self
                        .confidence
                        .ok_or_else(|| missing("confidence", "ICE"))?,
                    ease: self.ease.ok_or_else(|| missing("ease", "ICE"))?,
                }
            }
            Method::Rice => {
                if self.ease.is_some() {
                    return Err(extra("ease", "RICE"));
                }
                Scores::Rice {
                    reach: self.reach.ok_or_else(|| missing("reach", "RICE"))?,
                    impact: one(
                        "impact",
                        self.impact.ok_or_else(|| missing("impact", "RICE"))?,
                    )?,
                    confidence: one(
                        "confidence",
                        self.confidence
                            .ok_or_else(|| missing("confidence", "RICE"))?,
                    )?,
                    effort: self.effort.ok_or_else(|| missing("effort", "RICE"))?,
                }
            }
        };
        scores.validate(initiative)?;
        Ok(scores)
    }
}

/// One rating as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    /// Stable id.
    pub id: i64,
    /// Who rated (the person whose judgement it is).
    pub rater: String,
    /// The scores.
    #[serde(flatten)]
    pub scores: Scores,
    /// When (UTC).
    pub rated_at: DateTime<Utc>,
    /// Who recorded it (may differ from the rater, e.g. on import).
    pub recorded_by: String,
}

/// The planner's view of the latest ratings: ICE raters, and the RICE inputs of the
/// most recent RICE rating (the planner takes one RICE set per initiative).
pub(crate) fn planner_scores(latest: &[Rating]) -> (Vec<Rater>, Option<Rice>) {
    let mut raters = Vec::new();
    let mut rice: Option<(&DateTime<Utc>, Rice)> = None;
    for r in latest {
        match &r.scores {
            Scores::Ice {
                impact,
                confidence,
                ease,
            } => raters.push(Rater {
                name: Some(r.rater.clone()),
                impact: *impact,
                confidence: *confidence,
                ease: *ease,
            }),
            Scores::Rice {
                reach,
                impact,
                confidence,
                effort,
            } => {
                if rice.is_none_or(|(at, _)| r.rated_at > *at) {
                    rice = Some((
                        &r.rated_at,
                        Rice {
                            reach: *reach,
                            impact: *impact,
                            confidence: *confidence,
                            effort: *effort,
                        },
                    ));
                }
            }
        }
    }
    (raters, rice.map(|(_, r)| r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ice_ranges() {
        assert!(Scores::ice("x", "8", "7", "6").is_ok());
        assert!(Scores::ice("x", "6/8/9", "7", "6").is_ok());
        assert_eq!(
            Scores::ice("x", "11", "7", "6").unwrap_err().to_string(),
            "initiative \"x\": impact must be in [1, 10], got 11"
        );
        assert_eq!(
            Scores::ice("x", "8", "9/7/8", "6").unwrap_err().to_string(),
            "initiative \"x\": confidence must be a range with low <= likely <= high, got 9/7/8"
        );
        assert_eq!(
            Scores::ice("x", "8", "high", "6").unwrap_err().to_string(),
            "initiative \"x\": confidence must be in [1, 10], got high"
        );
    }

    #[test]
    fn rice_scales() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let r = Scores::Rice {
            reach: d("100"),
            impact: d("1.5"),
            confidence: d("0.8"),
            effort: d("2"),
        };
        assert!(r
            .validate("x")
            .unwrap_err()
            .to_string()
            .contains("rice_impact must be one of 3"));
    }
}
