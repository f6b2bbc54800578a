//! Published results and simulation recovery for the `ltv-forecast` models.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bgnbd;
mod cdnow;
mod fit_check;
mod gamma_gamma;
mod invariants;
mod sbg;
mod sim;
