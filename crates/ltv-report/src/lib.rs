//! The LTV report: one self-contained HTML page, from a transactions file to charts and
//! key numbers an executive can read.
//!
//! [`build`] computes every section from the library crates (drivers and LTV from
//! `ltv-segments` and `ltv-core`, the bottleneck from `ltv-planner`, RFM, cohorts and
//! channels from `ltv-segments`, CLV and the sBG projection from `ltv-forecast`, the plan
//! and ROI case from `ltv-planner`); [`Document::to_html`] renders it with a minijinja
//! template and SVG charts drawn by plotters. No network is needed to view the page.
//!
//! ```
//! use ltv_report::{build, ReportInput, ReportOptions};
//! use ltv_segments::{LoadOptions, Transactions};
//!
//! let tx = Transactions::from_csv(
//!     "sample.csv",
//!     ltv_report::sample::TRANSACTIONS.as_bytes().to_vec(),
//!     b',',
//!     &LoadOptions::default(),
//! )?;
//! let input = ReportInput { transactions: &tx, spend: None, plan: None, board: None };
//! let doc = build(&input, &ReportOptions::default())?;
//! let html = doc.to_html()?;
//! assert!(html.contains("<svg"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod build;
pub mod charts;
mod data;
mod document;
mod error;
mod i18n;
pub mod sample;
mod sections;
mod upload_page;
mod uploads;

pub use build::{build, report_data, ReportInput, ReportOptions};
pub use data::{
    Alternative, AtRisk, CohortFacts, ForecastFacts, PlanFacts, ReportData, RfmFacts, SbgFacts,
    Weighted,
};
pub use document::{Chart, Document, Figure, Section, Table};
pub use error::ReportError;
pub use i18n::Lang;
pub use upload_page::upload_page;
pub use uploads::{data_from_uploads, from_uploads, Upload, Uploads};
