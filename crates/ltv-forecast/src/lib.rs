//! Probabilistic retention and purchase models and per-customer CLV.
#![warn(missing_docs)]

pub mod bgnbd;
pub mod clv;
mod cohort_matrix;
mod error;
pub mod fit_check;
pub mod gamma_gamma;
pub mod history;
mod optimize;
pub mod sbg;
mod special;

pub use bgnbd::{fit_bgnbd, BgNbdFit, BgNbdParams, Compressed, Observation};
pub use clv::{clv, customer_clv, ClvReport, ClvRequest, CustomerClv};
pub use cohort_matrix::survivors_from_retention_csv;
pub use error::ForecastError;
pub use fit_check::{fit_check, Comparison, FitCheck, TrackingPoint};
pub use gamma_gamma::{fit_gamma_gamma, GammaGammaFit, GammaGammaParams};
pub use history::{summarise, CustomerHistory, CustomerSummary, Purchase, Summaries, TimeUnit};
pub use optimize::Convergence;
pub use sbg::{
    fit_sbg, forecast_retention, CohortSurvivors, DerlPoint, RetentionForecast, RetentionRequest,
    SbgFit, SbgParams,
};
