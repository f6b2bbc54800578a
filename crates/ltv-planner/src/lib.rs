//! Find the bottleneck, rank initiatives, build ROI cases.
#![warn(missing_docs)]

mod arith;
mod baseline;
mod change;
mod csv_rows;
mod driver;
mod error;
mod file;
mod ice;
mod initiative;
mod levers;
mod plan;
mod roi;
mod simulate;
mod summary;
mod team;
mod wording;

pub use baseline::{Baseline, EcommerceBaseline, GeneralBaseline, Monthly, SubscriptionBaseline};
pub use change::{Change, Estimate, Scenario};
pub use csv_rows::COLUMNS as CSV_COLUMNS;
pub use driver::Driver;
pub use error::{Location, PlanError, Result};
pub use file::PlanFile;
pub use ice::{ice_summary, score, subjective_impact, IceSummary, ScoreMode, ScoreStat};
pub use initiative::{Initiative, Rater, Rice, RICE_IMPACTS};
pub use levers::{levers, standard_move, Lever, LeversReport, RankedBy, SkippedLever};
pub use plan::{
    plan, strong_disagreement, PlanOptions, PlanReport, PlannedInitiative, TIE_ORDER, TOP_N,
};
pub use roi::{roi, RoiOptions, RoiReport, Verdict, NPV_CONVENTION, VERDICT_HORIZONS};
pub use rust_decimal::Decimal;
pub use simulate::{MonthRow, Outcome};
pub use summary::Lang;
pub use team::Team;
