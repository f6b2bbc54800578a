//! Integration tests of `ltv-health`: the learned score on generated data with and
//! without signal, bad inputs, the bundled sample.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backtest;
mod formulas;
mod props;
