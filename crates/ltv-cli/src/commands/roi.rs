//! `ltv roi`.

use std::io::Write;

use anyhow::{anyhow, Result};
use ltv_core::present::{group, money};
use ltv_planner::{
    roi, roi_of, Baseline, Change, Estimate, Initiative, PlanError, RoiOptions, RoiReport,
    Scenario, SubscriptionBaseline, Team,
};

use crate::args::{CacArg, Format, RoiArgs};
use crate::commands::plan::lang;
use crate::commands::plan_file;
use crate::output::{self, KvTable, Table};
use ltv_core::present::percent;

pub fn run(args: &RoiArgs, out: &mut dyn Write) -> Result<()> {
    let options = RoiOptions {
        horizon_months: args.horizon_months,
        discount_rate: args.discount_rate,
        scenario: Scenario::Likely,
        lang: lang(args.lang),
    };
    let report = match (&args.baseline, &args.initiative) {
        (Some(path), Some(name)) => {
            let file = plan_file::load(path, None)?;
            let cac = match &args.cac {
                Some(CacArg::File(p)) => Some(p.as_path()),
                Some(CacArg::Value(_)) if args.data.is_some() => {
                    return Err(anyhow!(
                        "with --data, --cac is a CAC file (channel,spend[,new_customers] or spend[,new_customers]), not a number"
                    ))
                }
                _ => None,
            };
            let data = args.data.as_deref().map(|f| plan_file::Data {
                file: f,
                read: &args.read,
                cac,
                options: args.basis.options(
                    args.margin,
                    (!args.currency.is_empty()).then_some(args.currency.as_str()),
                ),
            });
            let file = plan_file::with_data(path, file, data)?;
            roi_of(&file, name, &options).map_err(|e| plan_file::error(path, e))?
        }
        _ => {
            let (baseline, initiative) = from_flags(args)?;
            roi(&baseline, &initiative, &options).map_err(flag_error)?
        }
    };
    let text = match args.format.format {
        Format::Json => output::json(&report)?,
        Format::Text => render(&report),
    };
    output::write(out, &text)
}

/// Flags → a one-initiative case: churn moves to --new-churn.
fn from_flags(a: &RoiArgs) -> Result<(Baseline, Initiative)> {
    let missing = |f: &str| anyhow!("{f} is required without --baseline FILE");
    let baseline = Baseline::Subscription(SubscriptionBaseline {
        arpu: a.arpu.ok_or_else(|| missing("--arpu"))?,
        margin: a.margin.unwrap_or(ltv_core::Decimal::ONE),
        churn: a.churn.ok_or_else(|| missing("--churn"))?,
        cac: match &a.cac {
            None => None,
            Some(CacArg::Value(v)) => Some(*v),
            Some(CacArg::File(p)) => {
                return Err(anyhow!(
                    "--cac {}: a CAC file needs --data ORDERS.csv (and --baseline FILE --initiative NAME); give a number here",
                    p.display()
                ))
            }
        },
        customers: Some(a.customers.ok_or_else(|| missing("--customers"))?),
        new_customers_per_month: a.new_customers_per_month,
        currency: (!a.currency.is_empty()).then(|| a.currency.clone()),
    });
    let initiative = Initiative {
        name: "churn reduction".to_owned(),
        team: Team::Other("unassigned".to_owned()),
        driver: "churn".to_owned(),
        change: Estimate::One(Change::To(
            a.new_churn.ok_or_else(|| missing("--new-churn"))?,
        )),
        one_off_cost: a.investment_one_off,
        yearly_cost: a.investment_per_year,
        ramp_months: a.ramp_months,
        impact: None,
        confidence: None,
        ease: None,
        raters: Vec::new(),
        rice: None,
        baseline: None,
    };
    Ok((baseline, initiative))
}

/// The planner's field names → this command's flags.
fn flag_error(e: PlanError) -> anyhow::Error {
    let name = match e.field().as_deref() {
        Some("change") => "new_churn".to_owned(),
        Some("one_off_cost") => "investment_one_off".to_owned(),
        Some("yearly_cost") => "investment_per_year".to_owned(),
        Some(f) => f.trim_start_matches("baseline.").to_owned(),
        None => return anyhow::Error::new(e),
    };
    match e {
        PlanError::Invalid { value, allowed, .. } => {
            crate::error::out_of_range(&name, &allowed, value.trim_start_matches('='))
        }
        PlanError::Core { source, .. } => crate::error::core(source),
        other => anyhow::Error::new(other),
    }
}

fn opt_money(v: Option<ltv_core::Decimal>) -> String {
    v.map(money).unwrap_or_else(|| "-".to_owned())
}

fn render(r: &RoiReport) -> String {
    let mut head = KvTable::new(format!("ROI case: {} ({})", r.initiative, r.team));
    head.row(
        "move",
        format!(
            "{} {} ({} → {})",
            r.driver, r.change, r.driver_before, r.driver_after
        ),
    )
    .row(
        "LTV",
        format!("{} → {}", money(r.ltv_before), money(r.ltv_after)),
    )
    .row(
        "LTV/CAC",
        format!(
            "{} → {}",
            opt_money(r.ratio_before),
            opt_money(r.ratio_after)
        ),
    )
    .row("horizon", format!("{} months", r.horizon_months))
    .row("Δ gross profit", money(r.incremental_gross_profit))
    .row("Δ contribution", money(r.incremental_contribution))
    .row("initiative cost", money(r.total_cost))
    .row("cumulative cash flow", money(r.cumulative_cash_flow))
    .row(
        "payback",
        r.payback_month
            .map(|m| format!("month {m}"))
            .unwrap_or_else(|| format!("never within {} months", r.horizon_months)),
    )
    .row("ROI", r.roi.map(percent).unwrap_or_else(|| "-".into()))
    .note(
        "NPV",
        money(r.npv),
        format!("at {} a year", percent(r.discount_rate)),
    );
    let mut v = Table::new(["horizon", "discount", "NPV", "ROI", "payback", "verdict"]);
    for x in &r.verdicts {
        v.push([
            format!("{} months", x.outcome.horizon_months),
            percent(x.outcome.discount_rate),
            money(x.outcome.npv),
            x.outcome.roi.map(percent).unwrap_or_else(|| "-".into()),
            x.outcome
                .payback_month
                .map(|m| format!("month {m}"))
                .unwrap_or_else(|| "never".into()),
            if x.invest { "invest" } else { "do not invest" }.to_owned(),
        ]);
    }
    let mut m = Table::new([
        "month",
        "effect",
        "customers base",
        "customers with",
        "Δ gross profit",
        "cost",
        "cash flow",
        "cumulative",
        "cumulative NPV",
    ]);
    for row in &r.months {
        m.push([
            row.month.to_string(),
            percent(row.effect),
            group(row.customers_baseline, 1),
            group(row.customers_scenario, 1),
            money(row.incremental_gross_profit),
            money(row.initiative_cost),
            money(row.cash_flow),
            money(row.cumulative_cash_flow),
            money(row.cumulative_npv),
        ]);
    }
    format!(
        "{}\nVerdict by horizon and discounting{}\n{}\nMonthly simulation ({})\n{}\n{}\n",
        head.render(),
        if r.verdict_flips {
            " (the verdict flips)"
        } else {
            ""
        },
        v.render(),
        r.npv_convention,
        m.render(),
        r.summary
    )
}
