//! [`HealthReport`]: what `ltv health --format json` prints and `POST /v1/health`
//! answers, and what a report section renders.

use ltv_core::Decimal;
use ltv_saas::Month;
use ltv_segments::Day;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};

use crate::default_score::ComponentWeight;
use crate::evaluate::{CalibrationBin, Discrimination};
use crate::features::FeatureWeight;
use crate::lang::Lang;
use crate::nps::NpsReport;
use crate::outcomes::OutcomeSummary;
use crate::read::UsageSummary;
use crate::reasons::{Fact, Reason, Wording};

/// Score from which a customer is healthy.
pub const HEALTHY_FROM: u8 = 70;
/// Score from which a customer is on the watch list (below: at risk).
pub const WATCH_FROM: u8 = 40;

/// Health band of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Band {
    /// Score below 40.
    AtRisk,
    /// Score 40–69.
    Watch,
    /// Score 70 or more.
    Healthy,
}

impl Band {
    /// The band of a 0–100 score.
    pub fn of(score: u8) -> Band {
        if score >= HEALTHY_FROM {
            Band::Healthy
        } else if score >= WATCH_FROM {
            Band::Watch
        } else {
            Band::AtRisk
        }
    }

    /// The band in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Band::Healthy => lang.pick("healthy", "良好"),
            Band::Watch => lang.pick("watch", "要注意"),
            Band::AtRisk => lang.pick("at risk", "解約リスク"),
        }
    }
}

/// Which weights made the scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ModelKind {
    /// Learned from the outcomes by regularised logistic regression.
    Learned,
    /// The transparent default weights (no outcomes, or too few to learn from).
    DefaultWeights,
}

/// How the learned weights were fitted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Training {
    /// First feature month learned from.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub from: Month,
    /// Last feature month learned from: its outcomes end by the scored month.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: Month,
    /// Customer-months in those months.
    pub customer_months: u64,
    /// Of those, customer-months followed by churn within the horizon.
    pub churned: u64,
    /// `churned ÷ customer_months`: the usual chance of churning within the horizon.
    pub base_rate: f64,
    /// Rows the model was fitted on (all churned rows, and the others sampled, when
    /// there are more than 200,000; the intercept is corrected for the sampling).
    pub rows_fitted: usize,
    /// The L2 penalty λ on the standardised weights.
    pub regularization: f64,
    /// The intercept (log-odds of an average customer-month).
    pub intercept: f64,
    /// Newton steps taken.
    pub iterations: u32,
    /// Whether the fit converged.
    pub converged: bool,
}

/// The model behind the scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelSummary {
    /// Learned or default weights.
    pub kind: ModelKind,
    /// Which was used and why, in words.
    pub note: String,
    /// The fit, with learned weights.
    pub training: Option<Training>,
    /// Learned weights, strongest first (empty with default weights).
    pub weights: Vec<FeatureWeight>,
    /// Default-score components and their weights (empty with learned weights).
    pub components: Vec<ComponentWeight>,
}

/// One scored customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerHealth {
    /// The customer id.
    pub customer_id: String,
    /// 0–100, higher is healthier.
    pub score: u8,
    /// Healthy (70+), watch (40–69) or at risk (below 40).
    pub band: Band,
    /// Probability of churning within the horizon (learned weights only).
    pub churn_probability: Option<f64>,
    /// MRR in the scored month (with an MRR file): what is at stake.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mrr: Option<Decimal>,
    /// Up to three reasons: for healthy customers what holds the score up, for the
    /// others what pulls it down; the strongest first.
    pub reasons: Vec<Reason>,
}

/// One scored customer as kept: its reasons as numbers, put in words when shown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scored {
    pub(crate) id: Box<str>,
    pub(crate) score: u8,
    pub(crate) band: Band,
    pub(crate) probability: Option<f64>,
    pub(crate) mrr: Option<Decimal>,
    pub(crate) facts: [Option<Fact>; 3],
}

/// Every scored customer: at risk first, then watch, then healthy; within a band the
/// largest MRR first (with MRR), then the lowest score, then the id.
///
/// Kept compactly (a customer's reasons are numbers until shown), so a million
/// customers take about 150 MB; [`Customers::iter`] and serialisation give each as a
/// [`CustomerHealth`] with its reasons in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Customers {
    pub(crate) wording: Wording,
    pub(crate) rows: Vec<Scored>,
}

impl Customers {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Customer `i`, borrowed: its fields and reasons without allocating (for writers
    /// of large outputs).
    pub fn row(&self, i: usize) -> Option<CustomerRow<'_>> {
        self.rows.get(i).map(|row| CustomerRow {
            wording: &self.wording,
            row,
        })
    }

    /// Customer `i` in the order above.
    pub fn get(&self, i: usize) -> Option<CustomerHealth> {
        self.rows.get(i).map(|r| self.render(r))
    }

    /// Every customer in the order above.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = CustomerHealth> + '_ {
        self.rows.iter().map(|r| self.render(r))
    }

    fn render(&self, r: &Scored) -> CustomerHealth {
        CustomerHealth {
            customer_id: r.id.to_string(),
            score: r.score,
            band: r.band,
            churn_probability: r.probability,
            mrr: r.mrr,
            reasons: r
                .facts
                .iter()
                .flatten()
                .map(|f| self.wording.reason(f))
                .collect(),
        }
    }
}

/// One scored customer, borrowed from [`Customers`].
#[derive(Debug, Clone, Copy)]
pub struct CustomerRow<'a> {
    wording: &'a Wording,
    row: &'a Scored,
}

impl<'a> CustomerRow<'a> {
    /// The customer id.
    pub fn customer_id(&self) -> &'a str {
        &self.row.id
    }

    /// 0–100, higher is healthier.
    pub fn score(&self) -> u8 {
        self.row.score
    }

    /// The band of the score.
    pub fn band(&self) -> Band {
        self.row.band
    }

    /// Probability of churning within the horizon (learned weights only).
    pub fn churn_probability(&self) -> Option<f64> {
        self.row.probability
    }

    /// MRR in the scored month (with an MRR file).
    pub fn mrr(&self) -> Option<Decimal> {
        self.row.mrr
    }

    /// Appends the text of reason `k` (0, 1, 2) to `out`; `false` when there is none.
    pub fn write_reason(&self, k: usize, out: &mut String) -> bool {
        match self.row.facts.iter().flatten().nth(k) {
            Some(fact) => {
                self.wording.write_text(fact, out);
                true
            }
            None => false,
        }
    }
}

impl Serialize for Customers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.rows.len()))?;
        for c in self.iter() {
            seq.serialize_element(&c)?;
        }
        seq.end()
    }
}

/// Counts per band and the money at stake.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreSummary {
    /// Customers scored (customers in the scored month).
    pub customers: usize,
    /// Healthy customers.
    pub healthy: usize,
    /// Customers to watch.
    pub watch: usize,
    /// Customers at risk.
    pub at_risk: usize,
    /// Total MRR of the scored customers (with an MRR file).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mrr: Option<Decimal>,
    /// MRR of the customers to watch.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mrr_watch: Option<Decimal>,
    /// MRR of the customers at risk.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mrr_at_risk: Option<Decimal>,
    /// Expected number of churns within the horizon, Σ churn probability (learned).
    pub expected_churns: Option<f64>,
    /// Expected MRR lost within the horizon, Σ probability × MRR (learned, with MRR).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub expected_mrr_loss: Option<Decimal>,
}

/// The learned score checked on the last months with known outcomes, beside the
/// default weights and the naive baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Backtest {
    /// The month scored in the backtest: the scored month minus the horizon.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub month: Month,
    /// The backtest model learned from feature months up to this one (whose outcomes
    /// were known by `month`).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub trained_to: Month,
    /// Customers in `month`.
    pub customers: usize,
    /// Of those, customers who churned in the horizon after `month`.
    pub churned: usize,
    /// The learned score.
    pub learned: Discrimination,
    /// The default weights.
    pub default_weights: Discrimination,
    /// The naive baseline: the share of usage metrics lower than the month before.
    pub naive: Discrimination,
    /// Predicted against observed churn, ten equal bins by predicted probability.
    pub calibration: Vec<CalibrationBin>,
    /// Whether the learned AUC is above the naive one.
    pub beats_naive: bool,
    /// Whether the learned AUC is more than two standard errors above 0.5.
    pub better_than_chance: bool,
    /// The result in words.
    pub verdict: String,
}

/// What was read and matched, with counts of everything not used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataSummary {
    /// The usage file.
    pub usage: UsageSummary,
    /// The outcomes and how they matched the usage.
    pub outcomes: OutcomeSummary,
}

/// The health assessment: scores with reasons, the model, the backtest, NPS and what
/// the data held.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthReport {
    /// The as-of date.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub as_of: Day,
    /// The month scored: the last complete month on or before the as-of date.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub scored_month: Month,
    /// Months ahead in "churns within the next H months".
    pub horizon_months: u32,
    /// Language of the words.
    pub lang: Lang,
    /// The model behind the scores.
    pub model: ModelSummary,
    /// Counts per band and MRR at stake.
    pub summary: ScoreSummary,
    /// Every scored customer: at risk first, then watch, then healthy; within a band
    /// the largest MRR first (with MRR), then the lowest score.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<CustomerHealth>))]
    pub customers: Customers,
    /// With `backtest`: the check on past months.
    pub backtest: Option<Backtest>,
    /// NPS, when the usage file has an NPS metric.
    pub nps: Option<NpsReport>,
    /// What was read.
    pub data: DataSummary,
    /// Everything not used or worth a look, in words.
    pub warnings: Vec<String>,
}
