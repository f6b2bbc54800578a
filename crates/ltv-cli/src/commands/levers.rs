//! `ltv levers`.

use std::io::Write;

use anyhow::{anyhow, Result};
use ltv_core::present::money;
use ltv_planner::{
    levers, Baseline, EcommerceBaseline, GeneralBaseline, LeversReport, PlanError,
    SubscriptionBaseline,
};

use crate::args::{BaselineModel, Format, LeversArgs};
use crate::commands::plan_file;
use crate::error;
use crate::output::{self, KvTable, Table};

pub fn run(args: &LeversArgs, out: &mut dyn Write) -> Result<()> {
    let (baseline, path) = match &args.baseline {
        Some(path) => (
            plan_file::load(path, None)?
                .baseline
                .ok_or_else(|| {
                    anyhow!(
                        "{}: the file has no [baseline]; `ltv drivers ORDERS.csv` measures it and ranks the levers from your orders",
                        path.display()
                    )
                })?,
            Some(path),
        ),
        None => (from_flags(args)?, None),
    };
    let report = levers(&baseline).map_err(|e| match (e, path) {
        (PlanError::Core { source, .. }, None) => error::core(source),
        (e, Some(p)) => plan_file::error(p, e),
        (e, None) => anyhow::Error::new(e),
    })?;
    let text = match args.format.format {
        Format::Json => output::json(&report)?,
        Format::Text => render(&report),
    };
    output::write(out, &text)
}

fn need(value: Option<ltv_core::Decimal>, flag: &str, model: &str) -> Result<ltv_core::Decimal> {
    value.ok_or_else(|| anyhow!("--model {model} needs {flag} (or give --baseline FILE)"))
}

/// Flags → the library's baseline; validation is the library's.
fn from_flags(a: &LeversArgs) -> Result<Baseline> {
    Ok(match a.model {
        BaselineModel::Subscription => Baseline::Subscription(SubscriptionBaseline {
            arpu: need(a.arpu, "--arpu", "subscription")?,
            margin: a.margin.unwrap_or(ltv_core::Decimal::ONE),
            churn: need(a.churn, "--churn", "subscription")?,
            cac: a.cac,
            customers: None,
            new_customers_per_month: ltv_core::Decimal::ZERO,
            currency: None,
        }),
        BaselineModel::Ecommerce => Baseline::Ecommerce(EcommerceBaseline {
            aov: need(a.aov, "--aov", "ecommerce")?,
            frequency: need(a.frequency, "--frequency", "ecommerce")?,
            lifespan: need(a.lifespan, "--lifespan", "ecommerce")?,
            margin: a.margin,
            cac: a.cac,
            customers: None,
            new_customers_per_month: ltv_core::Decimal::ZERO,
            currency: None,
        }),
        BaselineModel::General => Baseline::General(GeneralBaseline {
            price: need(a.price, "--price", "general")?,
            margin: need(a.margin, "--margin", "general")?,
            frequency: need(a.frequency, "--frequency", "general")?,
            lifespan: need(a.lifespan, "--lifespan", "general")?,
            cac: a.cac,
            customers: None,
            new_customers_per_month: ltv_core::Decimal::ZERO,
            currency: None,
        }),
    })
}

fn opt(v: Option<ltv_core::Decimal>, f: fn(ltv_core::Decimal) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".to_owned())
}

fn render(r: &LeversReport) -> String {
    let mut head = KvTable::new(format!("Levers ({} model)", r.model));
    head.row("LTV", money(r.ltv));
    if let (Some(cac), Some(ratio), Some(band)) = (r.cac, r.ratio, r.band) {
        head.row("CAC", money(cac)).note(
            "LTV/CAC",
            money(ratio),
            band.describe(ltv_core::Lang::En),
        );
    }
    let mut t = Table::new([
        "rank",
        "driver",
        "move",
        "before",
        "after",
        "LTV after",
        "LTV change",
        "elasticity",
        "LTV/CAC after",
        "LTV/CAC change",
    ]);
    for l in &r.drivers {
        t.push([
            l.rank.to_string(),
            l.driver.label().to_owned(),
            l.change.to_string(),
            l.value_before.to_string(),
            l.value_after.to_string(),
            money(l.ltv_after),
            signed(l.ltv_change_pct),
            opt(l.ltv_elasticity, money),
            opt(l.ratio_after, money),
            opt(l.ratio_change_pct, signed),
        ]);
    }
    let mut text = format!("{}\n{}", head.render(), t.render());
    for s in &r.skipped {
        text.push_str(&format!("skipped {}: {}\n", s.driver, s.reason));
    }
    let by = match r.ranked_by {
        ltv_planner::RankedBy::LtvCacRatio => "LTV/CAC change",
        ltv_planner::RankedBy::Ltv => "LTV change",
    };
    text.push_str(&format!(
        "\nranked by {by}; elasticity = % change of LTV per % change of the driver\n{}\n",
        r.headline
    ));
    text
}

/// `+25.0%` from a percentage.
pub fn signed(pct: ltv_core::Decimal) -> String {
    let p = ltv_core::present::percent(pct / ltv_core::Decimal::ONE_HUNDRED);
    if pct > ltv_core::Decimal::ZERO && !p.starts_with("0.0") {
        format!("+{p}")
    } else {
        p
    }
}
