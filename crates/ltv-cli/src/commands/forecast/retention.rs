//! `ltv forecast retention`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::money;
use ltv_forecast::{
    forecast_retention, survivors_from_retention_csv, CohortSurvivors, RetentionForecast,
    RetentionRequest,
};

use super::{error, num, pct};
use crate::args::{Format, RetentionArgs};
use crate::output::{self, KvTable, Table};

pub fn run(args: &RetentionArgs, out: &mut dyn Write) -> Result<()> {
    let cohorts = match &args.cohorts {
        Some(path) => {
            let text =
                ltv_segments::read_text_file(&path.display().to_string(), "a cohort matrix (CSV)")?;
            survivors_from_retention_csv(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => vec![CohortSurvivors {
            label: "--survivors".into(),
            survivors: args.survivors.clone(),
        }],
    };
    let request = RetentionRequest {
        periods: args.periods,
        discount_rate: args.discount_rate,
        value_per_period: args.value_per_period,
    };
    let forecast = forecast_retention(&cohorts, &request).map_err(error)?;
    let text = match args.format.format {
        Format::Json => output::json(&forecast)?,
        Format::Text => render(&forecast),
    };
    output::write(out, &text)
}

fn render(f: &RetentionForecast) -> String {
    let mut kv = KvTable::new("Retention forecast (shifted-beta-geometric, Fader & Hardie 2007)");
    let c = &f.convergence;
    kv.row("alpha", num(f.alpha, 3))
        .row("beta", num(f.beta, 3))
        .row("log-likelihood", num(f.log_likelihood, 2))
        .note(
            "converged",
            if f.converged { "yes" } else { "NO" },
            format!("{} of {} starts agree", c.starts_agreeing, c.starts),
        )
        .row("cohorts", f.cohorts.to_string())
        .row("customers", f.customers.to_string())
        .row("observed periods", f.observed_periods.to_string());
    match f.expected_lifetime {
        Some(l) => kv.row("expected lifetime", format!("{} periods", num(l, 2))),
        None => kv.note(
            "expected lifetime",
            "infinite",
            "alpha <= 1: the mean diverges (some customers almost never churn)",
        ),
    };
    kv.row("discount rate", pct_dec(f.discount_rate));
    match f.del {
        Some(d) => kv.note(
            "DEL",
            num(d, 2),
            "discounted expected payments of a new customer",
        ),
        None => kv.note("DEL", "infinite", "undiscounted with alpha <= 1"),
    };
    if let Some(l) = f.ltv_new_customer {
        kv.row("LTV of a new customer", money(l));
    }
    let mut text = kv.render();
    text.push('\n');
    let with_ltv = f.derl.iter().any(|d| d.ltv.is_some());
    let mut header = vec!["period", "survival", "retention", "churn", "DERL"];
    if with_ltv {
        header.push("LTV");
    }
    let mut t = Table::new(header);
    for (i, s) in f.survival.iter().enumerate() {
        let mut row = vec![i.to_string(), pct(*s)];
        if i == 0 {
            row.extend(["".into(), "".into()]);
        } else {
            row.push(pct(f.retention[i - 1]));
            row.push(pct(f.churn[i - 1]));
        }
        let derl = f.derl.get(i);
        row.push(match derl.map(|d| d.derl) {
            Some(Some(x)) => num(x, 2),
            Some(None) => "infinite".into(),
            None => String::new(),
        });
        if with_ltv {
            row.push(derl.and_then(|d| d.ltv).map(money).unwrap_or_default());
        }
        t.push(row);
    }
    text.push_str(&t.render());
    text.push_str(
        "\nDERL: discounted expected payments still to come from a customer in that period\n\
         (who has made `period` renewals), the next payment undiscounted (Fader & Hardie 2010).\n",
    );
    text
}

fn pct_dec(d: ltv_core::Decimal) -> String {
    ltv_core::present::percent(d)
}
