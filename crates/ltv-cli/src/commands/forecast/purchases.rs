//! `ltv forecast purchases`.

use std::io::Write;

use anyhow::Result;
use ltv_forecast::{forecast_purchases, iso_date, PurchasesReport};

use super::{error, histories, num, warn_refunds};
use crate::args::{Format, PurchasesArgs};
use crate::commands::load;
use crate::output::{self, KvTable, Table};

pub fn run(args: &PurchasesArgs, out: &mut dyn Write) -> Result<()> {
    let tx = load::transactions(&args.input)?;
    let report = forecast_purchases(
        &histories(&tx),
        i64::from(args.calibration_end.days()),
        args.holdout_end.map(|d| i64::from(d.days())),
        args.time_unit.into(),
    )
    .map_err(error)?;
    warn_refunds(report.refund_days);
    let text = match args.format.format {
        Format::Json => output::json(&report)?,
        Format::Text => render(&report),
    };
    output::write(out, &text)
}

fn render(r: &PurchasesReport) -> String {
    let unit = format!("{:?}", r.time_unit).to_lowercase();
    let f = &r.fit;
    let mut kv = KvTable::new("Repeat purchases (BG/NBD, Fader, Hardie & Lee 2005)");
    kv.row("calibration end", iso_date(r.calibration_end))
        .row("time unit", unit.clone())
        .row("customers", f.customers.to_string())
        .row("distinct (x, t_x, T)", f.distinct_triples.to_string())
        .row("r", num(f.params.r, 4))
        .note("alpha", num(f.params.alpha, 4), format!("{unit}s"))
        .row("a", num(f.params.a, 4))
        .row("b", num(f.params.b, 4))
        .row("log-likelihood", num(f.log_likelihood, 2))
        .note(
            "converged",
            if f.converged { "yes" } else { "NO" },
            format!(
                "{} of {} starts agree",
                f.convergence.starts_agreeing, f.convergence.starts
            ),
        );
    if r.first_purchase_after_calibration > 0 {
        kv.note(
            "not in the model",
            r.first_purchase_after_calibration.to_string(),
            "first purchase after the calibration end",
        );
    }
    for p in &r.new_customer {
        kv.row(
            format!("new customer, {} {unit}s", num(p.t, 2)),
            format!("{} repeat purchases", num(p.expected_purchases, 2)),
        );
    }
    let mut text = kv.render();
    if let Some(h) = &r.holdout {
        text.push_str(&format!(
            "\nHoldout to {} ({} {unit}s): repeat purchases per customer by calibration frequency\n",
            iso_date(h.holdout_end),
            num(h.holdout_length, 2)
        ));
        let mut t = Table::new([
            "frequency",
            "customers",
            "predicted",
            "actual",
            "predicted total",
            "actual total",
        ]);
        for c in h.by_frequency.iter().chain([&h.total]) {
            t.push([
                c.frequency.clone(),
                c.customers.to_string(),
                num(c.predicted_mean, 2),
                num(c.actual_mean, 2),
                num(c.predicted, 2),
                c.actual.to_string(),
            ]);
        }
        text.push_str(&t.render());
        if let Some(last) = h.tracking.last() {
            text.push_str(&format!(
                "\nCumulative repeat purchases by {}: predicted {}, actual {} (per {unit}: --format json)\n",
                iso_date(last.end_day),
                num(last.predicted, 2),
                last.actual
            ));
        }
    }
    text
}
