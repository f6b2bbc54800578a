//! The LTV report (work in progress).
#![warn(missing_docs)]

pub mod charts;
mod error;

pub use error::ReportError;
