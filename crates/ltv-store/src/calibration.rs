//! Rater calibration: how each rater's Confidence compared with what their done
//! initiatives delivered, so that the next round's Confidence scores are earned.
//!
//! For every done initiative whose measurement can tell (verdict `measured` or
//! `within_noise`), the delivered share is effect ÷ planned change, capped to [0, 1]
//! (a backfire delivers 0, overdelivery counts as 1). A rater's Confidence c (1–10,
//! their latest ICE rating of that initiative; RICE confidence × 10) reads as the
//! probability c ÷ 10 that the plan comes true. The gap = mean(c ÷ 10) − mean(delivered
//! share): above +0.15 the rater is over-confident, below −0.15 under-confident. With
//! fewer than [`MIN_INITIATIVES`] such initiatives the rater is not judged yet.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::initiative::Initiative;
use crate::measure::{Measurement, Verdict};

/// Done, measured initiatives a rater needs before being judged.
pub const MIN_INITIATIVES: usize = 3;

/// The gap beyond which a rater counts as over- or under-confident.
pub fn tolerance() -> Decimal {
    Decimal::new(15, 2)
}

/// One initiative in a rater's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatedOutcome {
    /// The initiative.
    pub initiative: String,
    /// The rater's Confidence, 1–10.
    pub confidence: Decimal,
    /// effect ÷ planned change.
    pub realised_share: Decimal,
    /// The share capped to [0, 1].
    pub delivered: Decimal,
}

/// How a rater's Confidence compares with the outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    /// Confidence matched the outcomes within the tolerance.
    Calibrated,
    /// Confidence was higher than the outcomes.
    OverConfident,
    /// Confidence was lower than the outcomes.
    UnderConfident,
    /// Too few done, measured initiatives.
    TooFewToJudge,
}

/// One rater's calibration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RaterCalibration {
    /// The rater.
    pub rater: String,
    /// Done, measured initiatives they rated.
    pub initiatives: u32,
    /// Mean Confidence, 1–10.
    pub mean_confidence: Decimal,
    /// Mean delivered share, 0–1.
    pub mean_delivered: Decimal,
    /// mean_confidence ÷ 10 − mean_delivered.
    pub gap: Decimal,
    /// The reading of the gap.
    pub assessment: Assessment,
    /// The initiatives.
    pub outcomes: Vec<RatedOutcome>,
}

/// Calibration of every rater over the done initiatives' measurements (matched by id).
pub fn calibrate(
    initiatives: &[Initiative],
    measurements: &[Measurement],
) -> Vec<RaterCalibration> {
    let mut by_rater: BTreeMap<String, Vec<RatedOutcome>> = BTreeMap::new();
    for m in measurements {
        if m.verdict == Verdict::CannotTellYet {
            continue;
        }
        let Some(share) = m.realised_share else {
            continue;
        };
        let Some(i) = initiatives.iter().find(|i| i.id == m.initiative_id) else {
            continue;
        };
        let delivered = share.clamp(Decimal::ZERO, Decimal::ONE);
        // the latest ICE rating of each rater; RICE only where a rater gave no ICE
        let mut seen: BTreeMap<&str, Decimal> = BTreeMap::new();
        for r in i.ratings.iter().filter(|r| r.scores.method() == "ice") {
            seen.insert(&r.rater, r.scores.confidence_of_10());
        }
        for r in i.ratings.iter().filter(|r| r.scores.method() == "rice") {
            seen.entry(&r.rater)
                .or_insert_with(|| r.scores.confidence_of_10());
        }
        for (rater, confidence) in seen {
            by_rater
                .entry(rater.to_owned())
                .or_default()
                .push(RatedOutcome {
                    initiative: i.name().to_owned(),
                    confidence: confidence.normalize(),
                    realised_share: share,
                    delivered: delivered.normalize(),
                });
        }
    }
    by_rater
        .into_iter()
        .map(|(rater, outcomes)| {
            let n = Decimal::from(outcomes.len());
            let mean = |f: fn(&RatedOutcome) -> Decimal| -> Decimal {
                let sum: Decimal = outcomes.iter().map(f).sum();
                (sum / n).round_dp(4).normalize()
            };
            let mean_confidence = mean(|o| o.confidence);
            let mean_delivered = mean(|o| o.delivered);
            let gap = (mean_confidence / Decimal::TEN - mean_delivered)
                .round_dp(4)
                .normalize();
            let assessment = if outcomes.len() < MIN_INITIATIVES {
                Assessment::TooFewToJudge
            } else if gap > tolerance() {
                Assessment::OverConfident
            } else if gap < -tolerance() {
                Assessment::UnderConfident
            } else {
                Assessment::Calibrated
            };
            RaterCalibration {
                rater,
                initiatives: u32::try_from(outcomes.len()).unwrap_or(u32::MAX),
                mean_confidence,
                mean_delivered,
                gap,
                assessment,
                outcomes,
            }
        })
        .collect()
}
