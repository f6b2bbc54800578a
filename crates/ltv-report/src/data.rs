//! The report's numbers as one document: what `ltv report --format json` prints and
//! `POST /v1/report?format=json` returns. Every figure the HTML page shows is taken
//! from here; decimals serialise as exact strings.

use std::collections::BTreeMap;

use ltv_core::{Currency, Decimal, Lang};
use ltv_forecast::{BgNbdFit, GammaGammaFit};
use ltv_planner::{
    Achievable, Baseline, Business, ChannelEconomics, Headline, LeversReport, NotAssessed,
    PlannedInitiative, RoiReport,
};
use ltv_segments::{CohortMatrix, Day, SegmentSummary, SkipReport};
use serde::Serialize;

/// Every number of the report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    /// The transactions file's name (no directories).
    pub file: String,
    /// The as-of day.
    pub as_of: Day,
    /// The first order's day.
    pub first_order: Day,
    /// Customers in the data.
    pub customers: u64,
    /// Orders (rows) in the data.
    pub orders: u64,
    /// Language of every text.
    pub lang: Lang,
    /// The currency for people.
    pub currency: Currency,
    /// The business model of the playbook.
    pub business: Business,
    /// Which basis every LTV and banded LTV/CAC uses, in one sentence.
    pub basis: String,
    /// One LTV and everything banded against it; `null` when the data cannot give it
    /// (see `unavailable.headline`).
    pub headline: Option<Headline>,
    /// The other figures a customer can be valued by, each with its role.
    pub alternatives: Vec<Alternative>,
    /// Per acquisition channel, on the headline's basis.
    pub channels: Vec<ChannelEconomics>,
    /// Drivers brought to the bar their best channels or cohorts set, biggest effect
    /// first.
    pub bottleneck: Vec<Achievable>,
    /// How the bottleneck's bar is set.
    pub bottleneck_rule: String,
    /// Drivers the data could not benchmark, and why.
    pub not_assessed: Vec<NotAssessed>,
    /// The standard-step sensitivity (+10 % AOV, −1 point churn, ...): secondary.
    pub sensitivity: Option<LeversReport>,
    /// RFM segments.
    pub rfm: Option<RfmFacts>,
    /// Cohort retention and its sBG projection.
    pub cohorts: Option<CohortFacts>,
    /// The per-customer CLV forecast.
    pub forecast: Option<ForecastFacts>,
    /// The ranked initiatives and the ROI case of the top one, on the measured baseline
    /// (with `--plan`).
    pub plan: Option<PlanFacts>,
    /// Sections this data cannot give, by section id, with the reason.
    pub unavailable: BTreeMap<String, String>,
    /// What the reader must know: rows skipped as invalid, CAC files that do not match
    /// the data, uncertain estimates, an initiatives file whose baseline differs from
    /// the data.
    pub warnings: Vec<String>,
    /// Rows skipped as invalid (left out when none were).
    #[serde(skip_serializing_if = "SkipReport::is_empty")]
    pub skipped: SkipReport,
    /// The shared backlog (with `--db`): the board, the KPI trend, the measured
    /// initiatives and the raters' calibration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlog: Option<ltv_store::Board>,
}

/// Another figure a customer can be valued by, and what it is for.
#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    /// `ltv`, `revenue_over_lifespan`, `observed_revenue` or `forecast_clv`.
    pub figure: &'static str,
    /// The figure in words.
    pub label: String,
    /// Its value (money per customer).
    pub value: Decimal,
    /// What it is for.
    pub role: String,
    /// Whether it is banded against CAC (only the decision LTV is).
    pub banded: bool,
}

/// RFM segments, largest revenue first.
#[derive(Debug, Clone, Serialize)]
pub struct RfmFacts {
    /// The segment map used.
    pub segment_map: String,
    /// Per segment.
    pub segments: Vec<SegmentSummary>,
}

/// A mean over cohorts, weighted by their size.
#[derive(Debug, Clone, Serialize)]
pub struct Weighted {
    /// The weighted mean.
    pub value: Decimal,
    /// Cohorts in it.
    pub cohorts: usize,
}

/// The sBG fit to every monthly cohort.
#[derive(Debug, Clone, Serialize)]
pub struct SbgFacts {
    /// α.
    pub alpha: f64,
    /// β.
    pub beta: f64,
    /// Expected lifetime in months; `null` when unbounded (α ≤ 1).
    pub expected_lifetime_months: Option<f64>,
}

/// Cohort figures.
#[derive(Debug, Clone, Serialize)]
pub struct CohortFacts {
    /// Share of a cohort ordering again in its second month (month 1).
    pub month1_retention: Option<Weighted>,
    /// Cumulative revenue per customer after 12 months (revenue, not LTV).
    pub revenue_12_months: Option<Weighted>,
    /// The sBG projection; `null` when it cannot be fitted (see `sbg_unavailable`).
    pub sbg: Option<SbgFacts>,
    /// Why the sBG projection is missing.
    pub sbg_unavailable: Option<String>,
    /// The retention matrix by first-order month.
    pub retention: CohortMatrix,
}

/// A customer most at risk.
#[derive(Debug, Clone, Serialize)]
pub struct AtRisk {
    /// Customer id.
    pub customer_id: String,
    /// Spend to date (money).
    pub spend_to_date: Decimal,
    /// P(alive).
    pub p_alive: f64,
    /// Expected purchases over the horizon.
    pub expected_purchases: f64,
    /// Forecast CLV over the horizon (money).
    pub clv: Decimal,
}

/// The per-customer CLV forecast.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastFacts {
    /// Months forecast.
    pub horizon_months: u32,
    /// Monthly discount rate.
    pub discount_rate: Decimal,
    /// Gross margin applied.
    pub margin: Decimal,
    /// How cash is discounted.
    pub discounting: String,
    /// Customers scored.
    pub customers: usize,
    /// Σ CLV (money).
    pub total_clv: Decimal,
    /// Mean CLV per customer (money).
    pub mean_clv: Decimal,
    /// Customers with P(alive) below 50 %.
    pub customers_below_half_p_alive: usize,
    /// The purchase model's fit.
    pub purchases: BgNbdFit,
    /// The spend model's fit.
    pub spend: GammaGammaFit,
    /// Customer-days with a negative net amount, not counted as purchases.
    pub refund_days: usize,
    /// The highest past spenders with P(alive) from 10 % to 50 %.
    pub at_risk: Vec<AtRisk>,
}

/// The plan on the measured baseline.
#[derive(Debug, Clone, Serialize)]
pub struct PlanFacts {
    /// The baseline the plan uses: the one measured from the data.
    pub baseline: Baseline,
    /// The score formula.
    pub score_formula: String,
    /// The initiatives, ranked.
    pub initiatives: Vec<PlannedInitiative>,
    /// Initiatives whose subjective Impact disagrees strongly with the model.
    pub disagreements: Vec<String>,
    /// How NPV discounts.
    pub npv_convention: String,
    /// Initiatives of the file that act on another business line (`baseline = "NAME"`),
    /// listed and not ranked: the report is about the business in the data.
    pub other_business_lines: Vec<String>,
    /// The ROI case of the top initiative.
    pub top_case: Option<RoiReport>,
}
