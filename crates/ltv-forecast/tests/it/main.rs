//! Published results and simulation recovery for the `ltv-forecast` models.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bgnbd;
mod cdnow;
mod gamma_gamma;
mod sbg;
#[allow(dead_code)] // samplers used by later models
mod sim;
