//! Probabilistic retention and purchase models and per-customer CLV.
#![warn(missing_docs)]

pub mod bgnbd;
mod cohort_matrix;
mod error;
pub mod gamma_gamma;
pub mod history;
mod optimize;
pub mod sbg;
mod special;

pub use bgnbd::{fit_bgnbd, BgNbdFit, BgNbdParams, Compressed, Observation};
pub use cohort_matrix::survivors_from_retention_csv;
pub use error::ForecastError;
pub use gamma_gamma::{fit_gamma_gamma, GammaGammaFit, GammaGammaParams};
pub use history::{summarise, CustomerHistory, CustomerSummary, Purchase, Summaries, TimeUnit};
pub use optimize::Convergence;
pub use sbg::{
    fit_sbg, forecast_retention, CohortSurvivors, DerlPoint, RetentionForecast, RetentionRequest,
    SbgFit, SbgParams,
};
