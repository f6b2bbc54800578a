//! The memory of the LTV operating loop: a shared initiative backlog in a real
//! database.
//!
//! Marketing, sales, CS, product and finance run one loop together: measure the drivers
//! ([`SnapshotKpis`], stored as a time series) → rank initiatives by ICE/RICE with the
//! model's impact and ROI ([`Store::backlog`], exactly `ltv plan`'s ranking on the
//! latest snapshot) → approve and run them ([`Status`]: `idea → approved → running →
//! done | dropped`) → measure their real effect ([`Store::measure`], with a difference
//! in differences for a target channel and a plain "cannot tell yet") → re-rank, with
//! each rater's calibration ([`Store::calibration`]). Every change is in the audit log
//! ([`AuditEntry`]: who, when, what, before → after).
//!
//! [`Store`] is the one repository interface. Two back ends run the same SQL through
//! sqlx: **SQLite** (a file, WAL mode; the embedded default, `sqlite://ltv.db`) and
//! **PostgreSQL** (`postgres://…`) for teams. Versioned migrations are embedded and
//! applied by [`Store::init`]; [`Store::open`] refuses a database whose schema is older
//! or newer than this build's. Writers queue on one lock per database and change
//! nothing they did not read, so concurrent processes lose nothing; each initiative
//! has a [`version`](Initiative::version) for `If-Match`.
//!
//! Every type serialises to stable JSON (decimals as strings): the CLI's
//! `ltv backlog … --format json` and an HTTP service emit the same documents.
//!
//! ```
//! use ltv_store::{InitiativeKey, NewInitiative, Scores, Status, Store};
//!
//! let dir = std::env::temp_dir().join(format!("ltv-store-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let url = format!("sqlite://{}", dir.join("team.db").display());
//! # let _ = std::fs::remove_file(dir.join("team.db"));
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! rt.block_on(async {
//!     let (store, migrated) = Store::init(&url, "aiko").await?;
//!     assert_eq!((migrated.from, migrated.to), (0, 2));
//!
//!     let mut onboarding = NewInitiative::new("Onboarding calls", "cs", "churn", "-1pt")?;
//!     onboarding.yearly_cost = "1200000".parse()?;
//!     let added = store.add(onboarding, "aiko").await?;
//!     assert_eq!((added.status, added.version), (Status::Idea, 1));
//!
//!     let key = InitiativeKey::name("Onboarding calls");
//!     let scores = Scores::ice("Onboarding calls", "8", "6", "7")?;
//!     store.rate(&key, "ken (finance)", &scores, None, "ken").await?;
//!     let date = "2024-04-01".parse()?;
//!     let moved = store.move_to(&key, Status::Approved, date, Some(2), "aiko").await?;
//!     assert_eq!(moved.version, 3);
//!
//!     // an illegal move is an error, and changes nothing
//!     let err = store.move_to(&key, Status::Done, date, None, "aiko").await.unwrap_err();
//!     assert_eq!(err.to_string(),
//!         "initiative \"Onboarding calls\" cannot move from approved to done: allowed from approved: running, dropped");
//!
//!     let history = store.history(&key).await?;
//!     let operations: Vec<&str> = history.changes.iter().map(|c| c.operation.as_str()).collect();
//!     assert_eq!(operations, ["create", "rate", "move"]);
//!     Ok::<(), Box<dyn std::error::Error>>(())
//! })?;
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod audit;
mod board;
mod calibration;
mod database_url;
mod error;
mod initiative;
mod measure;
mod rank;
mod rating;
mod schema;
mod snapshot;
mod status;
mod store;
#[cfg(feature = "test-support")]
pub mod testing;
mod token;

pub use audit::{AuditEntry, FieldChange};
pub use board::{trend, Board, Card, Column, TeamCards, TrendPoint};
pub use calibration::{calibrate, Assessment, RatedOutcome, RaterCalibration, MIN_INITIATIVES};
pub use database_url::{redact, Backend, DatabaseUrl, DEFAULT_URL};
pub use error::{Result, StoreError};
pub use initiative::{
    parse_change, Initiative, InitiativeKey, InitiativePatch, NewInitiative, Target, TargetKind,
    MAX_NAME_CHARS, MAX_RAMP_MONTHS,
};
pub use measure::{
    measure, show_change, show_value, DiffInDiff, MeasureOptions, Measurement, Point, RoiSoFar,
    Verdict, MIN_CUSTOMERS, MIN_PERIODS_BEFORE,
};
pub use rank::{
    latest, main_baseline, planner_initiative, rank, Backlog, BacklogEntry, BaselineSource,
};
pub use rating::{Method, RateRequest, Rating, Scores};
pub use schema::{Migrated, SCHEMA_VERSION};
pub use snapshot::{lifespan_years, ChannelKpis, Headline, Kpi, Snapshot, SnapshotKpis};
pub use status::{MoveRequest, Status};
pub use store::{
    Export, ExportedRating, Filter, History, ImportReport, Store, StoreOptions, PLAN_FILE_RATER,
};
pub use token::{IssuedToken, Role, Token, TokenRequest, MAX_TOKEN_NAME_CHARS, TOKEN_PREFIX};
