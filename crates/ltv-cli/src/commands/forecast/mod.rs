//! `ltv forecast …`: map flags to an `ltv-forecast` request, call it, render.

mod clv;
mod purchases;
mod retention;
mod spend;

use std::io::Write;

use anyhow::Result;
use ltv_forecast::{histories, ForecastError};

use crate::args::ForecastCommand;
use crate::error::flag;

pub fn run(cmd: ForecastCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        ForecastCommand::Retention(args) => retention::run(&args, out),
        ForecastCommand::Purchases(args) => purchases::run(&args, out),
        ForecastCommand::Spend(args) => spend::run(&args, out),
        ForecastCommand::Clv(args) => clv::run(&args, out),
    }
}

/// Says on stderr how many refund days the purchase models left out.
fn warn_refunds(days: usize) {
    if days > 0 {
        eprintln!(
            "warning: {days} customer-days with a negative net amount (refunds) were not counted as purchases"
        );
    }
}

/// Prints the library's warnings on stderr.
fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// A [`ForecastError`] phrased in terms of the command-line flags.
fn error(err: ForecastError) -> anyhow::Error {
    match err {
        ForecastError::OutOfRange {
            field,
            value,
            allowed,
        } => anyhow::anyhow!(
            "invalid value for {}: must be {allowed}, got {value}",
            flag(field)
        ),
        other => anyhow::Error::new(other),
    }
}

/// A float for humans: rounded once by `ltv_core::present` to `dp` places.
fn num(x: f64, dp: u32) -> String {
    match ltv_core::Decimal::try_from(x) {
        Ok(d) => ltv_core::present::group(d, dp),
        Err(_) => x.to_string(),
    }
}

/// A probability for humans: `0.631` → `63.1%`.
fn pct(x: f64) -> String {
    match ltv_core::Decimal::try_from(x) {
        Ok(d) => ltv_core::present::percent(d),
        Err(_) => x.to_string(),
    }
}
