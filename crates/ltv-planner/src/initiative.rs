//! An initiative: who owns it, which driver it moves and by how much, what it costs,
//! how fast it ramps up, and how the team scores it (ICE, optionally RICE).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::change::{Change, Estimate};
use crate::driver::Driver;
use crate::error::{PlanError, Result};
use crate::team::Team;

/// One rater's ICE scores, each 1–10 (or a low/likely/high range).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rater {
    /// Who scored (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Impact, 1–10.
    pub impact: Estimate<Decimal>,
    /// Confidence, 1–10.
    pub confidence: Estimate<Decimal>,
    /// Ease, 1–10.
    pub ease: Estimate<Decimal>,
}

/// RICE inputs on the common (Intercom) scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rice {
    /// Customers (or events) reached per quarter, > 0.
    pub reach: Decimal,
    /// 3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal.
    pub impact: Decimal,
    /// In (0, 1]: commonly 1 high, 0.8 medium, 0.5 low.
    pub confidence: Decimal,
    /// Person-months, > 0.
    pub effort: Decimal,
}

/// The allowed RICE impacts.
pub const RICE_IMPACTS: [Decimal; 5] = [
    Decimal::from_parts(25, 0, 0, false, 2),
    Decimal::from_parts(5, 0, 0, false, 1),
    Decimal::ONE,
    Decimal::TWO,
    Decimal::from_parts(3, 0, 0, false, 0),
];

/// An improvement initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    /// Unique name.
    pub name: String,
    /// Owning team: marketing, sales, customer success, product, executive or free text.
    pub team: Team,
    /// The driver it moves (`churn`, `arpu`, `frequency`, ...; see [`Driver`]).
    pub driver: String,
    /// How much: `-0.01`, `-1pt`, `+5%`, `=0.04`, or a low/likely/high range of these.
    pub change: Estimate<Change>,
    /// One-off cost (money, >= 0), paid at month 0.
    #[serde(default)]
    pub one_off_cost: Decimal,
    /// Running cost per year (money, >= 0), paid monthly from month 1.
    #[serde(default)]
    pub yearly_cost: Decimal,
    /// Months until the full effect; the effect grows linearly until then. 0 = at once.
    #[serde(default)]
    pub ramp_months: u32,
    /// ICE Impact, 1–10 (one set of scores; or use `raters`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Estimate<Decimal>>,
    /// ICE Confidence, 1–10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Estimate<Decimal>>,
    /// ICE Ease, 1–10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ease: Option<Estimate<Decimal>>,
    /// Several raters' ICE scores (instead of `impact`/`confidence`/`ease`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raters: Vec<Rater>,
    /// RICE inputs, for `--mode rice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rice: Option<Rice>,
    /// The named baseline (`[baselines.NAME]`) this initiative acts on; default: `baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

/// A path into the file, for locating an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

pub(crate) fn key(k: &str) -> Seg {
    Seg::Key(k.to_owned())
}

/// An invalid value and where it sits in the file.
pub(crate) struct Found {
    pub error: PlanError,
    pub path: Vec<Seg>,
}

/// A validation result that knows where in the file the bad value is.
pub(crate) type Checked = std::result::Result<(), Box<Found>>;

pub(crate) fn found(error: PlanError, path: Vec<Seg>) -> Box<Found> {
    Box::new(Found { error, path })
}

const ICE_RANGE: &str = "in [1, 10]";

impl Initiative {
    /// The driver, parsed.
    ///
    /// # Errors
    /// [`PlanError::Invalid`] for an unknown driver, naming the initiative.
    pub fn driver(&self) -> Result<Driver> {
        self.driver.parse::<Driver>().map_err(|allowed| {
            PlanError::invalid(
                Some(&self.name),
                "driver",
                &self.driver,
                format!("one of {allowed}"),
            )
        })
    }

    /// The raters' scores: `raters`, or the one set `impact`/`confidence`/`ease`.
    pub fn ice_sets(&self) -> Vec<Rater> {
        if !self.raters.is_empty() {
            return self.raters.clone();
        }
        match (self.impact, self.confidence, self.ease) {
            (Some(impact), Some(confidence), Some(ease)) => vec![Rater {
                name: None,
                impact,
                confidence,
                ease,
            }],
            _ => Vec::new(),
        }
    }

    /// Checks scores, costs and the driver's name; the move itself is checked against
    /// the baseline by the plan file.
    pub(crate) fn check(&self) -> Checked {
        let name = Some(self.name.as_str());
        let fail = |field: String, value: String, allowed: &str, path: Vec<Seg>| {
            found(PlanError::invalid(name, field, value, allowed), path)
        };
        if self.name.trim().is_empty() {
            return Err(fail(
                "name".into(),
                "\"\"".into(),
                "a non-empty text",
                vec![key("name")],
            ));
        }
        self.driver()
            .map_err(|error| found(error, vec![key("driver")]))?;
        for (field, value) in [
            ("one_off_cost", self.one_off_cost),
            ("yearly_cost", self.yearly_cost),
        ] {
            if value.is_sign_negative() && !value.is_zero() {
                return Err(fail(
                    field.into(),
                    value.to_string(),
                    ">= 0",
                    vec![key(field)],
                ));
            }
        }
        let direct = [
            ("impact", self.impact),
            ("confidence", self.confidence),
            ("ease", self.ease),
        ];
        let given = direct.iter().filter(|(_, v)| v.is_some()).count();
        if !self.raters.is_empty() && given > 0 {
            return Err(fail(
                "raters".into(),
                format!("{} raters and direct scores", self.raters.len()),
                "either `raters` or `impact`/`confidence`/`ease`, not both",
                vec![key("raters")],
            ));
        }
        if self.raters.is_empty() {
            if let Some((missing, _)) = direct.iter().find(|(_, v)| v.is_none()) {
                if given > 0 || self.rice.is_none() {
                    return Err(fail(
                        (*missing).into(),
                        "nothing".into(),
                        "an ICE score in [1, 10] (or give `raters`, or `rice` for --mode rice)",
                        vec![],
                    ));
                }
            }
            for (field, value) in direct {
                if let Some(v) = value {
                    check_score(&self.name, field, &v, vec![key(field)])?;
                }
            }
        }
        for (i, r) in self.raters.iter().enumerate() {
            for (field, v) in [
                ("impact", &r.impact),
                ("confidence", &r.confidence),
                ("ease", &r.ease),
            ] {
                check_score(
                    &self.name,
                    &format!("raters[{i}].{field}"),
                    v,
                    vec![key("raters"), Seg::Index(i), key(field)],
                )?;
            }
        }
        if let Some(rice) = &self.rice {
            let path = |f: &str| vec![key("rice"), key(f)];
            if rice.reach <= Decimal::ZERO {
                return Err(fail(
                    "rice.reach".into(),
                    rice.reach.to_string(),
                    "> 0 (customers reached per quarter)",
                    path("reach"),
                ));
            }
            if !RICE_IMPACTS.contains(&rice.impact.normalize()) {
                return Err(fail(
                    "rice.impact".into(),
                    rice.impact.to_string(),
                    "one of 3 (massive), 2 (high), 1 (medium), 0.5 (low), 0.25 (minimal)",
                    path("impact"),
                ));
            }
            if rice.confidence <= Decimal::ZERO || rice.confidence > Decimal::ONE {
                return Err(fail(
                    "rice.confidence".into(),
                    rice.confidence.to_string(),
                    "in (0, 1] (commonly 1 high, 0.8 medium, 0.5 low)",
                    path("confidence"),
                ));
            }
            if rice.effort <= Decimal::ZERO {
                return Err(fail(
                    "rice.effort".into(),
                    rice.effort.to_string(),
                    "> 0 (person-months)",
                    path("effort"),
                ));
            }
        }
        Ok(())
    }
}

fn check_score(name: &str, field: &str, score: &Estimate<Decimal>, path: Vec<Seg>) -> Checked {
    for (suffix, v) in score.parts() {
        if v < Decimal::ONE || v > Decimal::TEN {
            let mut p = path.clone();
            if !suffix.is_empty() {
                p.push(key(suffix.trim_start_matches('.')));
            }
            return Err(found(
                PlanError::invalid(Some(name), format!("{field}{suffix}"), v, ICE_RANGE),
                p,
            ));
        }
    }
    if let Estimate::Range { low, likely, high } = *score {
        if !(low <= likely && likely <= high) {
            return Err(found(
                PlanError::invalid(
                    Some(name),
                    field,
                    score,
                    "a range with low <= likely <= high",
                ),
                path,
            ));
        }
    }
    Ok(())
}
