//! The LTV report (work in progress).
#![warn(missing_docs)]

pub mod charts;
mod error;

pub use error::ReportError;
mod document;
mod i18n;

pub use document::{Chart, Document, Figure, Section, Table};
pub use i18n::Lang;
