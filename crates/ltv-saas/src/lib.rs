//! Subscription (SaaS) metrics from a monthly MRR table: MRR movements (new, expansion,
//! contraction, churned, reactivation, net new), logo and revenue churn, GRR and NRR
//! (monthly and trailing 12 months), quick ratio, ARPA, SaaS LTV and cohort revenue
//! retention.
//!
//! The input is MRR per customer per month ([`MrrTable`], built from [`MrrRow`]s or
//! from subscription events with [`events_to_rows`]); a missing month or an MRR of 0
//! means "not subscribed". Money is [`rust_decimal::Decimal`]; every ratio whose
//! denominator is 0 is `None` rather than a division by zero. SaaS LTV goes through
//! `ltv-core`'s [`ltv_core::Subscription`] formula. Definitions and sources are in
//! `docs/formulas.md` ("SaaS metrics").
//!
//! ```
//! use ltv_saas::{analyze, cohorts, MrrRow, MrrTable, SaasOptions};
//!
//! let rows = [
//!     ("acme", "2024-01", "100"), ("acme", "2024-02", "120"),  // expansion 20
//!     ("bolt", "2024-01", "100"),                              // churned 100 in Feb
//!     ("core", "2024-02", "50"),                               // new 50
//! ]
//! .map(|(c, m, v)| MrrRow {
//!     customer_id: c.into(), month: m.parse().unwrap(), mrr: v.parse().unwrap(),
//!     plan: None, channel: None,
//! });
//! let table = MrrTable::from_rows(rows, false)?;
//! let report = analyze(&table, &SaasOptions::default())?;
//! let feb = &report.months[1];
//! assert_eq!(feb.mrr, "170".parse()?);
//! assert_eq!(feb.net_new, "-30".parse()?);      // 50 + 20 − 100
//! assert_eq!(feb.nrr, Some("0.6".parse()?));    // (200 + 20 − 100) ÷ 200
//! assert_eq!(feb.grr, Some("0.5".parse()?));    // (200 − 100) ÷ 200
//! assert_eq!(feb.quick_ratio, Some("0.7".parse()?)); // (50 + 20) ÷ 100
//! assert_eq!(report.summary.ltv.ltv, "170".parse()?); // ARPA 85 ÷ logo churn 0.5
//!
//! let matrix = cohorts(&table, &SaasOptions::default())?;
//! assert_eq!(matrix.cohorts[0].nrr, ["1".parse()?, "0.6".parse()?]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod checked;
mod cohort;
mod error;
mod events;
mod month;
mod movements;
mod options;
mod read;
mod report;
mod saas_ltv;
pub mod synthetic;
mod table;

pub use cohort::{cohorts, CohortMatrix, CohortRow};
pub use error::{Result, SaasError};
pub use events::{events_to_rows, EventDate, EventKind, SubscriptionEvent};
pub use month::Month;
pub use options::{SaasOptions, DEFAULT_CHURN_WINDOW};
pub use read::{
    read_events, read_events_table, read_mrr, EventColumns, EventReadOptions, MrrColumns,
    MrrReadOptions,
};
pub use report::{analyze, MonthMetrics, SaasReport, Summary, Trailing12};
pub use saas_ltv::{LtvBasis, SaasLtv};
pub use table::{Customer, MrrRow, MrrTable, MrrTableBuilder};
