//! An initiative as the backlog holds it: what the planner needs (driver, change,
//! costs, ramp) plus the hypothesis, an optional target, the lifecycle and a version.

use chrono::{DateTime, NaiveDate, Utc};
use ltv_planner::{Change, Driver, Estimate, Team};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::rating::Rating;
use crate::status::Status;

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest ramp-up accepted, in months (the planner's horizon limit).
pub const MAX_RAMP_MONTHS: u32 = 600;

/// What a target names: an acquisition channel or a customer segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// An acquisition channel, as in the data's channel column.
    Channel,
    /// A customer segment (e.g. an RFM segment).
    Segment,
}

/// The customers an initiative acts on, when not all of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    /// Channel or segment.
    pub kind: TargetKind,
    /// Its name, exactly as in the data.
    pub name: String,
}

impl Target {
    /// Parses `channel:NAME` or `segment:NAME`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for anything else.
    pub fn parse(raw: &str) -> Result<Target> {
        let bad = || StoreError::invalid(None, "target", raw, "channel:NAME or segment:NAME");
        let (kind, name) = raw.split_once(':').ok_or_else(bad)?;
        let kind = match kind.trim().to_ascii_lowercase().as_str() {
            "channel" => TargetKind::Channel,
            "segment" => TargetKind::Segment,
            _ => return Err(bad()),
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(bad());
        }
        Ok(Target {
            kind,
            name: name.to_owned(),
        })
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            TargetKind::Channel => "channel",
            TargetKind::Segment => "segment",
        };
        write!(f, "{kind}:{}", self.name)
    }
}

/// The fields of a new initiative (or, on import, of its new state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewInitiative {
    /// Unique name.
    pub name: String,
    /// Owning team: marketing, sales, cs, product, finance, executive, or any text.
    pub team: Team,
    /// Why it should work.
    #[serde(default)]
    pub hypothesis: String,
    /// The driver it moves (`churn`, `aov`, `frequency`, `margin`, `cac`, ...).
    pub driver: String,
    /// How much: `-1pt`, `+5%`, `-0.01`, `=0.04` or a low/likely/high range.
    pub change: Estimate<Change>,
    /// The channel or segment it acts on; all customers when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// One-off cost (money, >= 0).
    #[serde(default)]
    pub one_off_cost: Decimal,
    /// Running cost per year (money, >= 0).
    #[serde(default)]
    pub yearly_cost: Decimal,
    /// Months until the full effect.
    #[serde(default)]
    pub ramp_months: u32,
    /// The named baseline of an imported plan file it acts on; the main one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

impl NewInitiative {
    /// A new initiative with no costs, no target and no hypothesis.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a change that does not parse.
    pub fn new(name: &str, team: &str, driver: &str, change: &str) -> Result<NewInitiative> {
        Ok(NewInitiative {
            name: name.to_owned(),
            team: Team::parse(team),
            hypothesis: String::new(),
            driver: driver.to_owned(),
            change: parse_change(Some(name), change)?,
            target: None,
            one_off_cost: Decimal::ZERO,
            yearly_cost: Decimal::ZERO,
            ramp_months: 0,
            baseline: None,
        })
    }

    /// Checks the name, driver, costs and ramp; trims the name.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] naming the field.
    pub fn validate(&mut self) -> Result<()> {
        self.name = self.name.trim().to_owned();
        let name = Some(self.name.as_str());
        if self.name.is_empty() || self.name.chars().count() > MAX_NAME_CHARS {
            return Err(StoreError::invalid(
                None,
                "name",
                format!("\"{}\"", self.name),
                format!("a text of 1 to {MAX_NAME_CHARS} characters"),
            ));
        }
        if self.team.as_str().trim().is_empty() {
            return Err(StoreError::invalid(
                name,
                "team",
                "\"\"",
                "a team name (marketing, sales, cs, product, finance, ...)",
            ));
        }
        let driver = self.driver()?;
        self.driver = driver.as_str().to_owned();
        for (field, value) in [
            ("one_off_cost", self.one_off_cost),
            ("yearly_cost", self.yearly_cost),
        ] {
            if value < Decimal::ZERO {
                return Err(StoreError::invalid(name, field, value, ">= 0"));
            }
        }
        if self.ramp_months > MAX_RAMP_MONTHS {
            return Err(StoreError::invalid(
                name,
                "ramp_months",
                self.ramp_months,
                format!("in [0, {MAX_RAMP_MONTHS}]"),
            ));
        }
        if let Estimate::Range { low, likely, high } = self.change {
            let mixed = std::mem::discriminant(&low) != std::mem::discriminant(&likely)
                || std::mem::discriminant(&likely) != std::mem::discriminant(&high);
            if mixed {
                return Err(StoreError::invalid(
                    name,
                    "change",
                    self.change,
                    "a range whose three values are of one kind (all points, all % or all absolute)",
                ));
            }
        }
        Ok(())
    }

    /// The driver, parsed.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] listing the drivers.
    pub fn driver(&self) -> Result<Driver> {
        self.driver.parse::<Driver>().map_err(|allowed| {
            StoreError::invalid(
                Some(&self.name),
                "driver",
                &self.driver,
                format!("one of {allowed}"),
            )
        })
    }
}

/// Parses a change: `-1pt`, `+5%`, `-0.01`, `=0.04`, or a range `low/likely/high`
/// of these (e.g. `-0.3pt/-0.5pt/-1pt`).
///
/// # Errors
/// [`StoreError::Invalid`] naming the field `change`.
pub fn parse_change(initiative: Option<&str>, raw: &str) -> Result<Estimate<Change>> {
    let one = |s: &str| {
        Change::parse(s).map_err(|_| {
            StoreError::invalid(
                initiative,
                "change",
                raw,
                "a change such as -1pt, +5%, -0.01 or =0.04, or a range low/likely/high",
            )
        })
    };
    parse_estimate(raw, one, || {
        StoreError::invalid(
            initiative,
            "change",
            raw,
            "one value or three (low/likely/high)",
        )
    })
}

/// Parses `x` or `low/likely/high` with `one` for each part.
pub(crate) fn parse_estimate<T>(
    raw: &str,
    one: impl Fn(&str) -> Result<T>,
    wrong_count: impl Fn() -> StoreError,
) -> Result<Estimate<T>> {
    let parts: Vec<&str> = raw.split('/').collect();
    match parts.as_slice() {
        [v] => Ok(Estimate::One(one(v)?)),
        [low, likely, high] => Ok(Estimate::Range {
            low: one(low)?,
            likely: one(likely)?,
            high: one(high)?,
        }),
        _ => Err(wrong_count()),
    }
}

/// Changes to an initiative's fields; a field left out (Rust `None`) is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InitiativePatch {
    /// New name (unique).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Team>,
    /// New hypothesis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypothesis: Option<String>,
    /// New driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// New change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Estimate<Change>>,
    /// New target; `Some(None)` (JSON `null`) removes it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub target: Option<Option<Target>>,
    /// New one-off cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_cost: Option<Decimal>,
    /// New yearly cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly_cost: Option<Decimal>,
    /// New ramp-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp_months: Option<u32>,
}

/// A field that is present (even as `null`): `Some(value)`; absent fields take the
/// `default` (`None`).
fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl InitiativePatch {
    /// `fields` with this patch applied.
    pub fn apply(&self, fields: &NewInitiative) -> NewInitiative {
        let mut f = fields.clone();
        if let Some(v) = &self.name {
            f.name.clone_from(v);
        }
        if let Some(v) = &self.team {
            f.team = v.clone();
        }
        if let Some(v) = &self.hypothesis {
            f.hypothesis.clone_from(v);
        }
        if let Some(v) = &self.driver {
            f.driver.clone_from(v);
        }
        if let Some(v) = self.change {
            f.change = v;
        }
        if let Some(v) = &self.target {
            f.target.clone_from(v);
        }
        if let Some(v) = self.one_off_cost {
            f.one_off_cost = v;
        }
        if let Some(v) = self.yearly_cost {
            f.yearly_cost = v;
        }
        if let Some(v) = self.ramp_months {
            f.ramp_months = v;
        }
        f
    }
}

/// An initiative in the backlog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Initiative {
    /// Stable id.
    pub id: i64,
    /// Its fields.
    #[serde(flatten)]
    pub fields: NewInitiative,
    /// Lifecycle status.
    pub status: Status,
    /// When it started running.
    pub start_date: Option<NaiveDate>,
    /// When it was finished or dropped.
    pub end_date: Option<NaiveDate>,
    /// Created at (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed at (UTC).
    pub updated_at: DateTime<Utc>,
    /// Incremented by every change (fields, status, rating): an ETag for `If-Match`.
    pub version: i64,
    /// The latest rating of each rater, by rater name.
    pub ratings: Vec<Rating>,
}

impl Initiative {
    /// Its name.
    pub fn name(&self) -> &str {
        &self.fields.name
    }

    /// The `ETag` value of this version: `"ID-VERSION"` (quoted, as HTTP wants it).
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.version)
    }
}

/// How an operation names an initiative: by id (the API) or by name (the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitiativeKey {
    /// Its id.
    Id(i64),
    /// Its name.
    Name(String),
}

impl InitiativeKey {
    /// A name key.
    pub fn name(name: impl Into<String>) -> InitiativeKey {
        InitiativeKey::Name(name.into())
    }
}

impl std::fmt::Display for InitiativeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitiativeKey::Id(id) => write!(f, "#{id}"),
            InitiativeKey::Name(n) => write!(f, "\"{n}\""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_changes() {
        let t = Target::parse("channel:search").unwrap();
        assert_eq!(t.kind, TargetKind::Channel);
        assert_eq!(t.to_string(), "channel:search");
        assert!(Target::parse("search").is_err());
        assert!(Target::parse("region:kanto").is_err());
        let c = parse_change(None, "-0.3pt/-0.5pt/-1pt").unwrap();
        assert!(c.is_range());
        let err = parse_change(Some("x"), "lots").unwrap_err();
        assert_eq!(
            err.to_string(),
            "initiative \"x\": change must be a change such as -1pt, +5%, -0.01 or =0.04, or a range low/likely/high, got lots"
        );
    }

    #[test]
    fn a_null_target_removes_it() {
        let p: InitiativePatch = serde_json::from_str(r#"{"target": null}"#).unwrap();
        assert_eq!(p.target, Some(None));
        let p: InitiativePatch = serde_json::from_str(r#"{"hypothesis": "x"}"#).unwrap();
        assert_eq!(p.target, None);
        let p: InitiativePatch =
            serde_json::from_str(r#"{"target": {"kind": "channel", "name": "search"}}"#).unwrap();
        assert_eq!(
            p.target,
            Some(Some(Target::parse("channel:search").unwrap()))
        );
    }

    #[test]
    fn validation_names_the_field() {
        let mut i = NewInitiative::new(" Onboarding ", "cs", "churn", "-1pt").unwrap();
        i.validate().unwrap();
        assert_eq!(i.name, "Onboarding");
        i.yearly_cost = Decimal::NEGATIVE_ONE;
        assert_eq!(
            i.validate().unwrap_err().to_string(),
            "initiative \"Onboarding\": yearly_cost must be >= 0, got -1"
        );
        let mut j = NewInitiative::new("x", "cs", "expansion", "+5%").unwrap();
        assert!(j
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("initiative \"x\": driver must be one of arpu"));
    }
}
