//! Customer health scores and churn early warning from usage data, with a backtest
//! and NPS.
//!
//! A subscriber who still pays but has stopped using the product is about to leave;
//! purchase-based models cannot see it. `ltv-health` reads usage events (long format:
//! `customer_id,date,metric,value`, summed per month), turns each customer's month into
//! features (level and 3-month trend of each usage metric against the customer's own
//! past and its peers, breadth, tickets, latest NPS answer, failed payments, tenure,
//! MRR change) and scores every current customer 0–100 with a band (healthy, watch, at
//! risk) and its top three reasons in words, in English or Japanese.
//!
//! - With outcomes ([`Outcomes`]: the MRR file of `ltv saas`, where a customer churns
//!   in the month its MRR goes to 0, or a churn file `customer_id,churn_date`) the
//!   weights are learned: an L2-regularised logistic regression of "churns within the
//!   next H months" on the months before the scored month minus H, never on the future.
//! - Without them, transparent default weights; the report says which was used.
//! - [`HealthOptions::backtest`] checks the learned score on the last months with known
//!   outcomes: AUC, lift in the riskiest decile and calibration, beside the default
//!   weights and the naive baseline "usage fell last month". On data with no signal it
//!   says so (AUC ≈ 0.5) rather than inventing one.
//! - NPS (% promoters − % detractors) overall, by month and by segment, with counts.
//!
//! The usage file is read in one streaming, parallel pass into monthly sums
//! ([`read_usage`]); every bad row is an error with file, line and column (or skipped
//! and counted), and every row not used is counted in the report. Formulas and
//! defaults: docs/formulas.md, "Customer health".
//!
//! ```
//! use ltv_health::{assess, read_usage, Band, HealthOptions, ModelKind};
//! use ltv_segments::CsvFile;
//!
//! let csv = "customer_id,date,metric,value\n\
//!            acme,2024-03-04,logins,40\nacme,2024-04-02,logins,42\nacme,2024-05-06,logins,45\n\
//!            acme,2024-06-03,logins,44\n\
//!            bolt,2024-03-04,logins,30\nbolt,2024-04-02,logins,20\nbolt,2024-05-06,logins,12\n\
//!            bolt,2024-06-03,logins,3\nbolt,2024-06-10,tickets,4\n";
//! let file = CsvFile::from_bytes("usage.csv", csv.as_bytes().to_vec(), b',')?;
//! let options = HealthOptions::new("2024-06-30".parse()?);
//! let usage = read_usage(&file, &options)?;
//! let report = assess(&usage, None, &options)?;
//! assert_eq!(report.model.kind, ModelKind::DefaultWeights);
//! let bolt = report.customers.get(0).unwrap();
//! assert_eq!((bolt.customer_id.as_str(), bolt.band), ("bolt", Band::AtRisk));
//! assert_eq!(bolt.reasons[0].text, "logins −85 % in 2024-06 vs the previous 3 months");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod assess;
mod default_score;
mod error;
mod evaluate;
mod features;
mod ids;
mod lang;
mod model;
mod nps;
mod options;
mod outcomes;
mod read;
mod reasons;
mod report;
pub mod sample;
pub mod synthetic;

pub use assess::{
    assess, health, health_with_progress, OutcomeFile, MAX_TRAINING_ROWS, MIN_CHURN_EVENTS,
    REGULARIZATION,
};
pub use default_score::ComponentWeight;
pub use error::{HealthError, Result};
pub use evaluate::{CalibrationBin, Discrimination};
pub use features::{FeatureWeight, TREND_MONTHS};
pub use lang::Lang;
pub use nps::{NpsMonth, NpsReport, NpsScore, NpsSegment};
pub use options::{
    HealthOptions, DEFAULT_FAILED_PAYMENTS_METRIC, DEFAULT_HISTORY_MONTHS, DEFAULT_HORIZON_MONTHS,
    DEFAULT_NPS_METRIC, DEFAULT_TICKETS_METRIC, MAX_HISTORY_MONTHS,
};
pub use outcomes::{read_churned, OutcomeKind, OutcomeSummary, Outcomes, USAGE_ONLY_ACTIVE_MONTHS};
pub use read::{read_usage, MetricSummary, Role, Usage, UsageSummary, MAX_METRICS};
pub use reasons::Reason;
pub use report::{
    Backtest, Band, CustomerHealth, CustomerRow, Customers, DataSummary, HealthReport, ModelKind,
    ModelSummary, ScoreSummary, Training, HEALTHY_FROM, WATCH_FROM,
};
