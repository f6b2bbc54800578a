//! The backlog board (by status and team), the KPI trend from the snapshots and the
//! measured initiatives: everything a report or a web page shows about the loop.

use chrono::NaiveDate;
use ltv_core::Band;
use ltv_planner::{PlanOptions, Team};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calibration::{calibrate, RaterCalibration};
use crate::error::Result;
use crate::measure::{measure, MeasureOptions, Measurement, Verdict};
use crate::rank::{rank, BacklogEntry, BaselineSource};
use crate::snapshot::Snapshot;
use crate::status::Status;
use crate::store::{Filter, Store};

/// One initiative on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Card {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Team.
    pub team: Team,
    /// Driver.
    pub driver: String,
    /// The planned move.
    pub change: String,
    /// Version (ETag).
    pub version: i64,
    /// Score in the chosen mode (likely).
    pub score: Option<Decimal>,
    /// Model: % change of LTV at full effect.
    pub model_ltv_change_pct: Option<Decimal>,
    /// Model: ROI over the horizon.
    pub roi: Option<Decimal>,
    /// Model: payback month.
    pub payback_month: Option<u32>,
    /// Started.
    pub start_date: Option<NaiveDate>,
    /// Finished or dropped.
    pub end_date: Option<NaiveDate>,
    /// For running and done initiatives: the measurement's verdict.
    pub verdict: Option<Verdict>,
    /// Why it has no model numbers, when it has none.
    pub note: Option<String>,
}

/// The cards of one team in one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamCards {
    /// The team.
    pub team: Team,
    /// Its cards, in rank order (unranked last).
    pub cards: Vec<Card>,
}

/// One status column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Column {
    /// The status.
    pub status: Status,
    /// Cards in the column.
    pub count: u32,
    /// By team (team name order).
    pub teams: Vec<TeamCards>,
}

/// One snapshot in the KPI trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// As-of date.
    pub as_of: NaiveDate,
    /// Data file.
    pub source: String,
    /// Customers.
    pub customers: u64,
    /// LTV.
    pub ltv: Decimal,
    /// LTV/CAC.
    pub ltv_cac_ratio: Option<Decimal>,
    /// Band of LTV/CAC.
    pub band: Option<Band>,
    /// Monthly churn.
    pub monthly_churn: Decimal,
    /// AOV.
    pub aov: Decimal,
    /// Orders per year.
    pub orders_per_year: Decimal,
    /// NRR, for subscription data.
    pub nrr: Option<Decimal>,
}

/// The board, the trend and the measurements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Board {
    /// Where the model numbers' baseline comes from.
    pub baseline_source: BaselineSource,
    /// One column per status, in lifecycle order.
    pub columns: Vec<Column>,
    /// The KPI trend, by as-of date.
    pub trend: Vec<TrendPoint>,
    /// Measurements of the running and done initiatives.
    pub measured: Vec<Measurement>,
    /// Rater calibration over the done initiatives.
    pub calibration: Vec<RaterCalibration>,
}

/// The KPI trend of `snapshots`, by as-of date.
pub fn trend(snapshots: &[Snapshot]) -> Vec<TrendPoint> {
    let mut points: Vec<TrendPoint> = snapshots
        .iter()
        .map(|s| {
            let h = &s.kpis.headline;
            TrendPoint {
                as_of: s.kpis.as_of,
                source: s.kpis.source.clone(),
                customers: h.customers,
                ltv: h.ltv,
                ltv_cac_ratio: h.ltv_cac_ratio,
                band: h.band,
                monthly_churn: h.monthly_churn,
                aov: h.aov,
                orders_per_year: h.orders_per_year,
                nrr: h.nrr,
            }
        })
        .collect();
    points.sort_by(|a, b| (a.as_of, &a.source).cmp(&(b.as_of, &b.source)));
    points
}

fn card(e: &BacklogEntry, verdict: Option<Verdict>) -> Card {
    let i = &e.initiative;
    let p = e.planned.as_ref();
    Card {
        id: i.id,
        name: i.name().to_owned(),
        team: i.fields.team.clone(),
        driver: i.fields.driver.clone(),
        change: i.fields.change.to_string(),
        version: i.version,
        score: e.score,
        model_ltv_change_pct: p.and_then(|p| p.model_ltv_change_pct),
        roi: p.and_then(|p| p.roi),
        payback_month: p.and_then(|p| p.payback_month),
        start_date: i.start_date,
        end_date: i.end_date,
        verdict,
        note: if p.is_none() { e.note.clone() } else { None },
    }
}

impl Store {
    /// The board over every initiative, the KPI trend, the measurements of running and
    /// done initiatives and the raters' calibration.
    ///
    /// # Errors
    /// Database errors; option errors.
    pub async fn board(&self, options: &PlanOptions) -> Result<Board> {
        let initiatives = self.initiatives(&Filter::default()).await?;
        let snapshots = self.snapshots().await?;
        let backlog = rank(&initiatives, &snapshots, &self.baselines().await?, options)?;
        let measure_options = MeasureOptions {
            discount_rate: options.discount_rate,
        };
        let measured: Vec<Measurement> = initiatives
            .iter()
            .filter(|i| matches!(i.status, Status::Running | Status::Done))
            .filter_map(|i| measure(i, &snapshots, &measure_options).ok())
            .collect();
        let done: Vec<Measurement> = measured
            .iter()
            .filter(|m| m.status == Status::Done)
            .cloned()
            .collect();
        let columns = Status::ALL
            .iter()
            .map(|&status| {
                let mut teams: Vec<TeamCards> = Vec::new();
                let mut count = 0u32;
                for e in backlog
                    .entries
                    .iter()
                    .filter(|e| e.initiative.status == status)
                {
                    let verdict = measured
                        .iter()
                        .find(|m| m.initiative_id == e.initiative.id)
                        .map(|m| m.verdict);
                    let c = card(e, verdict);
                    count += 1;
                    match teams.iter_mut().find(|t| t.team == c.team) {
                        Some(t) => t.cards.push(c),
                        None => teams.push(TeamCards {
                            team: c.team.clone(),
                            cards: vec![c],
                        }),
                    }
                }
                teams.sort_by(|a, b| a.team.as_str().cmp(b.team.as_str()));
                Column {
                    status,
                    count,
                    teams,
                }
            })
            .collect();
        Ok(Board {
            baseline_source: backlog.baseline_source,
            columns,
            trend: trend(&snapshots),
            calibration: calibrate(&initiatives, &done),
            measured,
        })
    }

    /// The backlog ranked as `ltv plan` ranks (see [`crate::rank`]).
    ///
    /// # Errors
    /// Database errors; option errors.
    pub async fn backlog(
        &self,
        filter: &Filter,
        options: &PlanOptions,
    ) -> Result<crate::rank::Backlog> {
        let initiatives = self.initiatives(filter).await?;
        let snapshots = self.snapshots().await?;
        rank(&initiatives, &snapshots, &self.baselines().await?, options)
    }

    /// The measurement of one running or done initiative.
    ///
    /// # Errors
    /// [`crate::StoreError::UnknownInitiative`]; [`crate::StoreError::Unavailable`] for
    /// an initiative that is not running or done.
    pub async fn measure(
        &self,
        key: &crate::InitiativeKey,
        options: &MeasureOptions,
    ) -> Result<Measurement> {
        let initiative = self.get(key).await?;
        let snapshots = self.snapshots().await?;
        measure(&initiative, &snapshots, options)
    }

    /// Every rater's calibration over the done initiatives.
    ///
    /// # Errors
    /// Database errors.
    pub async fn calibration(&self, options: &MeasureOptions) -> Result<Vec<RaterCalibration>> {
        let initiatives = self
            .initiatives(&Filter {
                statuses: vec![Status::Done],
                team: None,
            })
            .await?;
        let snapshots = self.snapshots().await?;
        let measured: Vec<Measurement> = initiatives
            .iter()
            .filter_map(|i| measure(i, &snapshots, options).ok())
            .collect();
        Ok(calibrate(&initiatives, &measured))
    }
}
