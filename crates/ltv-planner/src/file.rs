//! The initiatives file: a baseline (plus optional named baselines) and the
//! initiatives, in TOML, JSON or CSV.
//!
//! Parsing validates everything an initiative says — ICE scores in 1–10, known driver
//! of its baseline's model, a move that keeps the driver valid, costs >= 0 — and reports
//! the initiative, the field and, for TOML and CSV, the line and column.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::change::{Change, Estimate, Scenario};
use crate::error::{Location, PlanError, Result};
use crate::initiative::{found, key, Checked, Found, Initiative, Rater, Rice, Seg};
use crate::team::Team;

/// A baseline and the initiatives to rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// The business today; absent when it is measured from the orders data instead
    /// ([`PlanFile::with_baseline`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Further business lines an initiative can name with `baseline = "NAME"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub baselines: BTreeMap<String, Baseline>,
    /// The initiatives.
    #[serde(default)]
    pub initiatives: Vec<Initiative>,
}

fn baseline_error(name: Option<&str>, e: PlanError) -> Box<Found> {
    let prefix = match name {
        None => "baseline".to_owned(),
        Some(n) => format!("baselines.{n}"),
    };
    let mut path = match name {
        None => vec![key("baseline")],
        Some(n) => vec![key("baselines"), key(n)],
    };
    match e {
        PlanError::Core {
            initiative, source, ..
        } => {
            let field = source.field().unwrap_or("baseline");
            path.push(key(field));
            let err = match source {
                ltv_core::CoreError::OutOfRange {
                    field,
                    value,
                    allowed,
                } => PlanError::Invalid {
                    initiative,
                    field: format!("{prefix}.{field}"),
                    value: value.to_string(),
                    allowed: allowed.to_owned(),
                    location: None,
                },
                source => PlanError::Core {
                    initiative,
                    context: prefix,
                    source,
                },
            };
            found(err, path)
        }
        other => found(other, path),
    }
}

impl PlanFile {
    /// Parses and validates a TOML initiatives file.
    ///
    /// # Errors
    /// [`PlanError::Parse`] with line and column for bad TOML or a wrong shape;
    /// [`PlanError::Invalid`] with the initiative, field, line and column for bad values.
    ///
    /// ```
    /// use ltv_planner::PlanFile;
    /// let err = PlanFile::from_toml_str(r#"
    /// [baseline]
    /// model = "subscription"
    /// arpu = 10000
    /// churn = 0.05
    ///
    /// [[initiatives]]
    /// name = "Onboarding"
    /// team = "customer success"
    /// driver = "churn"
    /// change = "-1pt"
    /// impact = 11
    /// confidence = 7
    /// ease = 6
    /// "#).unwrap_err();
    /// assert_eq!(err.to_string(),
    ///     "initiative \"Onboarding\": impact must be in [1, 10], got 11 (line 12, column 10)");
    /// ```
    pub fn from_toml_str(text: &str) -> Result<PlanFile> {
        let file: PlanFile = toml::from_str(text).map_err(|e| PlanError::Parse {
            format: "TOML",
            message: e.message().trim().to_owned(),
            location: e.span().map(|s| Location::of_offset(text, s.start)),
        })?;
        file.check().map_err(|f| {
            let Found { error: err, path } = *f;
            let loc = toml_span(text, &path).map(|o| Location::of_offset(text, o));
            err.with_location(loc)
        })?;
        Ok(file)
    }

    /// Parses and validates a JSON initiatives file (same shape as TOML).
    ///
    /// # Errors
    /// [`PlanError::Parse`] with line and column; [`PlanError::Invalid`] naming the
    /// initiative and field (JSON values carry no position after parsing).
    pub fn from_json_str(text: &str) -> Result<PlanFile> {
        let file: PlanFile = serde_json::from_str(text).map_err(|e| PlanError::Parse {
            format: "JSON",
            message: strip_position(&e.to_string()),
            location: (e.line() > 0).then_some(Location {
                line: e.line(),
                column: e.column(),
            }),
        })?;
        file.validate()?;
        Ok(file)
    }

    /// Parses a CSV of initiatives (one row per initiative, or per rater: rows with the
    /// same `name` are several raters of one initiative) acting on the baselines of
    /// `baselines` (a plan file, e.g. from TOML; its own initiatives are not used: the
    /// CSV is the list of initiatives).
    ///
    /// Columns (header row required; order free; `name`, `team`, `driver`, `change`
    /// required): `name, team, driver, change, one_off_cost, yearly_cost, ramp_months,
    /// impact, confidence, ease, rater, baseline, reach, rice_impact, rice_confidence,
    /// effort`. A score or change may be a range `low/likely/high`, e.g. `6/8/9`.
    ///
    /// # Errors
    /// [`PlanError::Parse`] / [`PlanError::Invalid`] with the CSV line and column.
    pub fn from_csv_str(text: &str, baselines: PlanFile) -> Result<PlanFile> {
        let mut file = baselines;
        file.initiatives.clear();
        let known = 0;
        let rows = crate::csv_rows::read(text)?;
        for row in rows {
            let existing = file
                .initiatives
                .iter_mut()
                .skip(known)
                .find(|i| i.name == row.initiative.name);
            match existing {
                Some(init) => {
                    // another rater of the same initiative: everything but the scores
                    // must repeat the first row
                    let r = &row.initiative;
                    let same = r.team == init.team
                        && r.driver == init.driver
                        && r.change == init.change
                        && r.one_off_cost == init.one_off_cost
                        && r.yearly_cost == init.yearly_cost
                        && r.ramp_months == init.ramp_months
                        && r.baseline == init.baseline
                        && (r.rice.is_none() || r.rice == init.rice);
                    if !same {
                        return Err(PlanError::invalid(
                            Some(&r.name),
                            "name",
                            format!("\"{}\"", r.name),
                            "unique, or a further rater's row repeating the first row's team, driver, change, costs, ramp and baseline",
                        )
                        .with_location(Some(row.location)));
                    }
                    if init.raters.is_empty() {
                        let first = init.ice_sets();
                        init.raters = first;
                        init.impact = None;
                        init.confidence = None;
                        init.ease = None;
                    }
                    init.raters.extend(row.initiative.ice_sets());
                }
                None => file.initiatives.push(row.initiative.clone()),
            }
            if let Err(f) = file.check_one(file.initiatives.len() - 1) {
                return Err(f.error.with_location(Some(row.location)));
            }
        }
        file.validate()?;
        Ok(file)
    }

    /// Validates the baselines and every initiative (no file positions).
    ///
    /// # Errors
    /// The first [`PlanError::Invalid`] or [`PlanError::Core`] found.
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(|f| f.error)
    }

    /// The initiative named `name`.
    ///
    /// # Errors
    /// [`PlanError::UnknownInitiative`] listing the names in the file.
    pub fn initiative(&self, name: &str) -> Result<&Initiative> {
        self.initiatives
            .iter()
            .find(|i| i.name == name)
            .ok_or_else(|| PlanError::UnknownInitiative {
                name: name.to_owned(),
                known: self
                    .initiatives
                    .iter()
                    .map(|i| format!("\"{}\"", i.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The main baseline.
    ///
    /// # Errors
    /// [`PlanError::NoBaseline`] when the file has none and none was set from data.
    pub fn baseline(&self) -> Result<&Baseline> {
        self.baseline.as_ref().ok_or(PlanError::NoBaseline)
    }

    /// The file with its main baseline replaced (typically by the one measured from the
    /// orders data), every initiative checked against it again.
    ///
    /// # Errors
    /// The first initiative whose move the new baseline does not allow (a driver its
    /// model lacks, a move to an invalid value).
    pub fn with_baseline(mut self, baseline: Baseline) -> Result<PlanFile> {
        self.baseline = Some(baseline);
        self.validate()?;
        Ok(self)
    }

    /// The baseline an initiative acts on: `baselines[NAME]` or the main `baseline`.
    ///
    /// # Errors
    /// [`PlanError::Invalid`] for a name without a `[baselines.NAME]`;
    /// [`PlanError::NoBaseline`] for the main baseline of a file without one.
    pub fn baseline_for(&self, initiative: &Initiative) -> Result<&Baseline> {
        match &initiative.baseline {
            None => self.baseline(),
            Some(name) => self.baselines.get(name).ok_or_else(|| {
                let mut names: Vec<String> = vec![];
                names.extend(self.baselines.keys().map(|k| format!("\"{k}\"")));
                PlanError::invalid(
                    Some(&initiative.name),
                    "baseline",
                    format!("\"{name}\""),
                    if names.is_empty() {
                        "the name of a [baselines.NAME] table (the file has none)".to_owned()
                    } else {
                        format!("one of {}", names.join(", "))
                    },
                )
            }),
        }
    }

    fn check(&self) -> Checked {
        if let Some(b) = &self.baseline {
            b.validate().map_err(|e| baseline_error(None, e))?;
        }
        for (name, b) in &self.baselines {
            b.validate().map_err(|e| baseline_error(Some(name), e))?;
        }
        for i in 0..self.initiatives.len() {
            self.check_one(i)?;
        }
        Ok(())
    }

    fn check_one(&self, index: usize) -> Checked {
        let Some(init) = self.initiatives.get(index) else {
            return Ok(());
        };
        let at = |mut rest: Vec<Seg>| {
            let mut p = vec![key("initiatives"), Seg::Index(index)];
            p.append(&mut rest);
            p
        };
        if let Some(dup) = self.initiatives[..index]
            .iter()
            .find(|o| o.name == init.name)
        {
            return Err(found(
                PlanError::invalid(
                    Some(&dup.name),
                    "name",
                    format!("\"{}\"", init.name),
                    "unique: another initiative has this name",
                ),
                at(vec![key("name")]),
            ));
        }
        init.check().map_err(|f| {
            let Found { error, path } = *f;
            found(error, at(path))
        })?;
        if init.baseline.is_none() && self.baseline.is_none() {
            // checked against the baseline once it is measured (`with_baseline`)
            return Ok(());
        }
        let baseline = self
            .baseline_for(init)
            .map_err(|e| found(e, at(vec![key("baseline")])))?;
        for scenario in Scenario::ALL {
            crate::roi::moved(baseline, init, scenario).map_err(|e| {
                let field = e.field().unwrap_or_default();
                found(e, at(vec![key(&field)]))
            })?;
        }
        if let Estimate::Range { low, likely, high } = init.change {
            let base = baseline.get(
                init.driver()
                    .map_err(|e| found(e, at(vec![key("driver")])))?,
            );
            if let Some(b) = base {
                let v = |c: Change| c.apply(b).unwrap_or(b);
                let (l, m, h) = (v(low), v(likely), v(high));
                let ordered = (l <= m && m <= h) || (l >= m && m >= h);
                if !ordered {
                    return Err(found(
                        PlanError::invalid(
                            Some(&init.name),
                            "change",
                            init.change,
                            "a range whose likely effect lies between low and high",
                        ),
                        at(vec![key("change")]),
                    ));
                }
            }
        }
        Ok(())
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The byte offset of the value at `path` in a TOML document (the deepest part of the
/// path that exists).
fn toml_span(text: &str, path: &[Seg]) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut best = None;
    let mut current: Option<&toml::Spanned<toml::de::DeValue<'_>>> = None;
    for seg in path {
        let next = match (seg, current) {
            (Seg::Key(k), None) => root.get_ref().get(k.as_str()),
            (Seg::Key(k), Some(v)) => v.get_ref().get(k.as_str()),
            (Seg::Index(i), Some(v)) => v.get_ref().get(*i),
            (Seg::Index(_), None) => None,
        };
        match next {
            Some(v) => {
                best = Some(v.span().start);
                current = Some(v);
            }
            None => break,
        }
    }
    best
}

/// One CSV row's rater name and ICE scores.
pub(crate) type IceCells = (
    Option<String>,
    Estimate<Decimal>,
    Estimate<Decimal>,
    Estimate<Decimal>,
);

/// Builds an initiative from one CSV row's cells (used by the CSV reader).
#[allow(clippy::too_many_arguments)]
pub(crate) fn initiative_from_cells(
    name: String,
    team: &str,
    driver: String,
    change: Estimate<Change>,
    costs: (Decimal, Decimal, u32),
    ice: Option<IceCells>,
    rice: Option<Rice>,
    baseline: Option<String>,
) -> Initiative {
    let raters = match &ice {
        Some((Some(rater), i, c, e)) => vec![Rater {
            name: Some(rater.clone()),
            impact: *i,
            confidence: *c,
            ease: *e,
        }],
        _ => Vec::new(),
    };
    let direct = match &ice {
        Some((None, i, c, e)) => (Some(*i), Some(*c), Some(*e)),
        _ => (None, None, None),
    };
    Initiative {
        name,
        team: Team::parse(team),
        driver,
        change,
        one_off_cost: costs.0,
        yearly_cost: costs.1,
        ramp_months: costs.2,
        impact: direct.0,
        confidence: direct.1,
        ease: direct.2,
        raters,
        rice,
        baseline,
    }
}
