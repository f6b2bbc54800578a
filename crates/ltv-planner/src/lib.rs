//! Find the bottleneck, rank initiatives, build ROI cases an executive accepts.
//!
//! `ltv-planner` answers three questions from one model, all on ltv-core's exact
//! Decimal formulas (no LTV formula is re-implemented here):
//!
//! - **Which lever matters most?** [`levers`] applies a standard move to each driver
//!   (+10 % ARPU/AOV/price, +10 % frequency, −1 point churn, +10 % lifespan, +5 points
//!   margin, −10 % CAC), recomputes LTV and LTV/CAC, reports elasticities and ranks them.
//! - **What first?** [`plan`] scores an initiatives file ([`PlanFile`], TOML/JSON/CSV) by
//!   ICE (I × C × E), ICE mean or RICE, averages several raters, shows the model's impact
//!   beside the subjective Impact (flagging strong disagreement), checks whether the top
//!   stays on top across low/likely/high ranges, and ranks with a documented tie order.
//! - **What is the ROI?** [`roi`] simulates the customer base month by month with and
//!   without the initiative (acquisition, churn, revenue, gross profit, costs, ramp-up) and
//!   reports payback month, ROI, NPV (convention in [`NPV_CONVENTION`]), LTV and LTV/CAC
//!   before and after, the verdict at 12/24/36 months and 0 % vs the given rate, and an
//!   executive summary in English or Japanese.
//!
//! Each front end (the `ltv` CLI, the HTTP server) maps its input to these request types
//! and calls one function; the report types serialise to the same JSON everywhere.
//!
//! ```
//! use ltv_planner::{levers, plan, roi, Lang, PlanFile, PlanOptions, RoiOptions};
//!
//! let file = PlanFile::from_toml_str(r#"
//! [baseline]
//! model = "subscription"
//! arpu = 10000          # per month
//! margin = 0.70
//! churn = 0.05          # per month
//! cac = 56000
//! customers = 2000
//! new_customers_per_month = 100
//! currency = "¥"
//!
//! [[initiatives]]
//! name = "Onboarding programme"
//! team = "customer success"
//! driver = "churn"
//! change = "-1pt"
//! one_off_cost = 3000000
//! yearly_cost = 6000000
//! ramp_months = 3
//! impact = 8
//! confidence = 7
//! ease = 6
//! "#)?;
//!
//! // the bottleneck: churn −1 point takes LTV from 140,000 to 175,000 (+25 %)
//! let sensitivity = levers(file.baseline()?)?;
//! assert_eq!(sensitivity.drivers[0].ltv_after, "175000".parse()?);
//! assert_eq!(sensitivity.drivers[0].ratio_after, Some("3.125".parse()?));
//!
//! let backlog = plan(&file, &PlanOptions::default())?;
//! assert_eq!(backlog.initiatives[0].score, "336".parse()?);
//!
//! let case = roi(file.baseline()?, &file.initiatives[0], &RoiOptions { lang: Lang::Ja, ..RoiOptions::default() })?;
//! assert_eq!(case.payback_month, Some(15));
//! assert!(case.summary.starts_with("LTV/CACは現在2.50です。"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod arith;
mod baseline;
mod bottleneck;
mod change;
mod csv_rows;
mod driver;
mod error;
mod file;
mod ice;
mod initiative;
mod levers;
mod measure;
mod plan;
mod roi;
mod simulate;
mod summary;
mod team;
mod wording;

pub use baseline::{Baseline, EcommerceBaseline, GeneralBaseline, Monthly, SubscriptionBaseline};
pub use bottleneck::{
    bottleneck, recommendation, Achievable, Across, Bottleneck, BottleneckDriver, NotAssessed,
};
pub use change::{Change, Estimate, Scenario};
pub use csv_rows::COLUMNS as CSV_COLUMNS;
pub use driver::Driver;
pub use error::{Location, PlanError, Result};
pub use file::PlanFile;
pub use ice::{ice_summary, score, subjective_impact, IceSummary, ScoreMode, ScoreStat};
pub use initiative::{Initiative, Rater, Rice, RICE_IMPACTS};
pub use levers::{levers, standard_move, Lever, LeversReport, RankedBy, SkippedLever};
pub use measure::{
    file_name, measure, Business, ChannelEconomics, ChannelsReport, DriversReport, Headline,
    LtvBasis, MeasureError, MeasureOptions, MeasuredBaseline, Warning, FEW_CHURNED,
    MIN_GROUP_CUSTOMERS,
};
pub use plan::{
    plan, strong_disagreement, PlanOptions, PlanReport, PlannedInitiative, TIE_ORDER, TOP_N,
};
pub use roi::{roi, roi_of, RoiOptions, RoiReport, Verdict, NPV_CONVENTION, VERDICT_HORIZONS};
pub use rust_decimal::Decimal;
pub use simulate::{MonthRow, Outcome};
pub use summary::Lang;
pub use team::Team;
