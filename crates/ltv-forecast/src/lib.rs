//! Probabilistic retention and purchase models and per-customer CLV.
#![warn(missing_docs)]

mod cohort_matrix;
mod error;
mod optimize;
pub mod sbg;
mod special;

pub use cohort_matrix::survivors_from_retention_csv;
pub use error::ForecastError;
pub use optimize::Convergence;
pub use sbg::{
    fit_sbg, forecast_retention, CohortSurvivors, DerlPoint, RetentionForecast, RetentionRequest,
    SbgFit, SbgParams,
};
