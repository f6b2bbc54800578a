//! `ltv forecast spend`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::money;
use ltv_forecast::{forecast_spend, GammaGammaFit};

use super::{error, histories, num, warn};
use crate::args::{Format, SpendArgs};
use crate::commands::load;
use crate::output::{self, KvTable};

pub fn run(args: &SpendArgs, out: &mut dyn Write) -> Result<()> {
    let tx = load::transactions(&args.input)?;
    let fit =
        forecast_spend(&histories(&tx), i64::from(args.calibration_end.days())).map_err(error)?;
    warn(&fit.warnings);
    let text = match args.format.format {
        Format::Json => output::json(&fit)?,
        Format::Text => render(&fit),
    };
    output::write(out, &text)
}

fn render(f: &GammaGammaFit) -> String {
    let mut kv = KvTable::new("Spend per transaction (Gamma-Gamma, Fader & Hardie 2013)");
    kv.row("repeat buyers", f.repeat_buyers.to_string())
        .note(
            "not in the fit",
            f.excluded_without_repeat.to_string(),
            "no repeat purchase in the calibration period",
        )
        .row("p", num(f.params.p, 4))
        .row("q", num(f.params.q, 4))
        .row("gamma", num(f.params.gamma, 4))
        .row("log-likelihood", num(f.log_likelihood, 2))
        .note(
            "converged",
            if f.converged { "yes" } else { "NO" },
            format!(
                "{} of {} starts agree",
                f.convergence.starts_agreeing, f.convergence.starts
            ),
        );
    match f.population_mean_spend {
        Some(m) => kv.note(
            "mean spend",
            money(m),
            "expected per transaction, p·gamma/(q−1)",
        ),
        None => kv.note("mean spend", "infinite", "q <= 1"),
    };
    kv.note(
        "corr(frequency, spend)",
        num(f.frequency_spend_correlation, 2),
        "the model assumes independence",
    );
    kv.render()
}
