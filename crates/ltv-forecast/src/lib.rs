//! Probabilistic retention and purchase models and per-customer CLV.
//!
//! Simple LTV formulas assume one constant churn rate; real cohorts churn fast early and
//! slowly later because customers differ. `ltv-forecast` fits the standard
//! probability models of that heterogeneity, exactly reproducing their published
//! estimates:
//!
//! - [`sbg`] — shifted-beta-geometric retention for subscriptions (Fader & Hardie 2007):
//!   fit from survivor counts of one or several right-censored cohorts
//!   ([`fit_sbg`], [`forecast_retention`], [`survivors_from_retention_csv`]), churn
//!   curve, projected survival and retention, expected lifetime, DEL/DERL (Fader &
//!   Hardie 2010) and a discounted subscription LTV.
//! - [`bgnbd`] — BG/NBD repeat purchases without contracts (Fader, Hardie & Lee 2005):
//!   [`fit_bgnbd`], P(alive), conditional and new-customer expected purchases.
//! - [`gamma_gamma`] — spend per transaction (Fader & Hardie 2013), with a warning when
//!   frequency and spend are correlated and refusal of non-positive spend.
//! - [`clv`] — per-customer CLV = BG/NBD × Gamma-Gamma × margin, discounted monthly.
//! - [`fit_check`] — calibration/holdout comparison and the cumulative tracking curve.
//!
//! Input for the transaction models is neutral: [`CustomerHistory`] (customer id and
//! purchases as day number + `Decimal` amount), summarised at a calibration date in a
//! [`TimeUnit`] by [`summarise`]. Money enters and leaves as
//! [`rust_decimal::Decimal`]; the statistics run in `f64` in log space. Every fit reports
//! its [`Convergence`]; no valid input yields NaN or infinity.
//!
//! ```
//! use ltv_forecast::{fit_sbg, forecast_retention, CohortSurvivors, RetentionRequest};
//!
//! // Fader & Hardie (2007), "regular" customers: survivors after 0..7 years
//! let cohort = vec![CohortSurvivors {
//!     label: "regular".into(),
//!     survivors: vec![1000, 631, 468, 382, 326, 289, 262, 241],
//! }];
//! let fit = fit_sbg(&cohort)?;
//! assert!(fit.convergence.converged);
//! assert_eq!(format!("{:.3} {:.3}", fit.params.alpha, fit.params.beta), "0.704 1.182");
//!
//! let f = forecast_retention(&cohort, &RetentionRequest {
//!     periods: 12,
//!     discount_rate: "0.1".parse()?,
//!     value_per_period: Some("100".parse()?),
//! })?;
//! assert_eq!(format!("{:.3}", f.survival[12]), "0.170");
//! assert_eq!(f.expected_lifetime, None); // α < 1: the mean lifetime is infinite
//! assert_eq!(f.derl[0].ltv.map(|v| v.round_dp(2).to_string()), Some("296.44".into()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod bgnbd;
mod calendar;
pub mod clv;
mod cohort_matrix;
mod decimal;
mod error;
pub mod fit_check;
pub mod gamma_gamma;
pub mod history;
mod optimize;
pub mod purchases;
mod quadrature;
pub mod sbg;
mod special;
mod transactions;

pub use bgnbd::{fit_bgnbd, BgNbdFit, BgNbdParams, Compressed, Observation};
pub use calendar::iso_date;
pub use clv::{clv, customer_clv, forecast_clv, ClvReport, ClvRequest, CustomerClv};
pub use cohort_matrix::survivors_from_retention_csv;
pub use error::ForecastError;
pub use fit_check::{fit_check, holdout, Comparison, FitCheck, Holdout, TrackingPoint};
pub use gamma_gamma::{fit_gamma_gamma, forecast_spend, GammaGammaFit, GammaGammaParams};
pub use history::{summarise, CustomerHistory, CustomerSummary, Purchase, Summaries, TimeUnit};
pub use optimize::Convergence;
pub use purchases::{forecast_purchases, NewCustomerPoint, PurchasesReport};
pub use sbg::{
    fit_sbg, forecast_retention, CohortSurvivors, DerlPoint, RetentionForecast, RetentionRequest,
    SbgFit, SbgParams,
};
pub use transactions::histories;
