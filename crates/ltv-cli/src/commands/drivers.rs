//! `ltv drivers`: the baseline measured from the orders, its bottleneck and the
//! standard steps.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::{group, percent};
use ltv_core::{Decimal, Lang};
use ltv_planner::{DriversReport, RankedBy};

use super::{baseline, load};
use crate::args::{DriversArgs, Format};
use crate::commands::plan::lang;
use crate::output::{self, KvTable, Table};

pub fn run(args: &DriversArgs, out: &mut dyn Write) -> Result<()> {
    let tx = load::transactions(&args.input)?;
    let lang = lang(args.lang);
    let m = baseline::measured(
        &tx,
        args.measure.cac.as_deref(),
        &args.measure.options(),
        true,
    )?;
    let report = m.drivers_report(lang)?;
    let text = match args.format.format {
        Format::Json => output::json(&report)?,
        Format::Text => render(&report, lang),
    };
    output::write(out, &text)
}

fn render(r: &DriversReport, lang: Lang) -> String {
    let m = &r.measured;
    let h = &m.headline;
    let c = &m.currency;
    let d = &m.drivers;
    let mut t = KvTable::new(format!(
        "Baseline from {} as of {} ({})\nLTV basis: {}",
        m.file,
        m.as_of,
        m.business.label(Lang::En),
        m.basis.formula
    ));
    t.note(
        "customers",
        group(Decimal::from(h.customers), 0),
        format!("{} active", group(Decimal::from(h.active_customers), 0)),
    )
    .row("orders", group(Decimal::from(h.orders), 0))
    .row("revenue", c.format(h.revenue))
    .note(
        "revenue per customer",
        c.format(h.revenue_per_customer),
        "observed to date",
    )
    .row("average order value", c.format(h.aov))
    .note(
        "orders per year",
        group(h.orders_per_year, 2),
        "per active customer",
    )
    .note(
        "repeat-purchase rate",
        h.repeat_rate.map_or_else(|| "-".into(), percent),
        format!(
            "{} of {} customers ordered again within {} days of their first order",
            group(Decimal::from(d.repeat_customers), 0),
            group(Decimal::from(d.repeat_eligible), 0),
            h.repeat_days
        ),
    )
    .note(
        "monthly churn",
        percent(h.monthly_churn),
        format!(
            "{} churned (no order for > {} days) ÷ {} active customer-months",
            group(Decimal::from(h.churned_customers), 0),
            h.inactive_days,
            group(Decimal::from(d.active_customer_months), 0)
        ),
    )
    .note(
        "lifespan",
        format!("{} months", group(h.lifespan_months, 1)),
        "= 1 ÷ monthly churn",
    )
    .row("gross margin", percent(h.margin))
    .note(
        "LTV",
        c.format(h.ltv),
        "gross margin over the expected lifespan",
    )
    .note(
        "revenue over lifespan",
        c.format(h.revenue_over_lifespan),
        "revenue, before margin; not banded",
    );
    match (h.cac, h.ltv_cac_ratio, h.band) {
        (Some(cac), Some(ratio), Some(band)) => {
            let blended = m.spend.as_ref().map_or(String::new(), |s| {
                if s.all_customers {
                    "spend ÷ new customers, all customers".into()
                } else {
                    format!(
                        "blended over {} channels: {} ÷ {} new customers",
                        s.matched.len(),
                        c.format_whole(s.spend),
                        group(Decimal::from(s.new_customers), 0)
                    )
                }
            });
            t.note("CAC", c.format(cac), blended)
                .note("LTV/CAC", group(ratio, 2), band.describe(Lang::En))
                .note(
                    "CAC payback",
                    h.payback_months
                        .map_or_else(|| "never".into(), |p| format!("{} months", group(p, 1))),
                    "CAC ÷ monthly gross profit per active customer",
                );
        }
        _ => {
            t.note("CAC", "-", "give --cac spend.csv for LTV/CAC and payback");
        }
    }
    t.note(
        "max affordable CAC",
        c.format(h.max_cac),
        format!("LTV ÷ target LTV/CAC {}", group(h.target_ratio, 1)),
    );
    if let Some(nrr) = h.nrr {
        t.note(
            "NRR (12 months)",
            percent(nrr),
            format!(
                "GRR {}; client retention {}",
                h.grr.map_or_else(|| "-".into(), percent),
                h.logo_retention.map_or_else(|| "-".into(), percent)
            ),
        );
    }
    let mut text = t.render();
    let b = &r.bottleneck;
    let by_ratio = b.ranked_by == RankedBy::LtvCacRatio;
    text.push_str(&format!(
        "\nBottleneck, ranked by the {} change: {}\n",
        if by_ratio { "LTV/CAC" } else { "LTV" },
        b.rule
    ));
    let mut table = Table::new(
        [
            "#",
            "driver",
            "across",
            "today",
            "achievable",
            "bar (set by)",
            "LTV after",
            if by_ratio { "LTV/CAC after" } else { "change" },
        ]
        .map(String::from),
    );
    for a in &b.drivers {
        let v = |x: Decimal| match a.driver {
            ltv_planner::BottleneckDriver::Churn | ltv_planner::BottleneckDriver::RepeatRate => {
                percent(x)
            }
            ltv_planner::BottleneckDriver::Frequency => format!("{}/year", group(x, 2)),
            _ => c.format(x),
        };
        table.push([
            a.rank.to_string(),
            a.driver.label(lang).to_owned(),
            format!("{:?}", a.across).to_lowercase(),
            v(a.value_before),
            v(a.value_after),
            format!("{} ({})", v(a.bar), a.set_by),
            c.format(a.ltv_after),
            if by_ratio {
                a.ltv_cac_after.map_or_else(|| "-".into(), |x| group(x, 2))
            } else {
                format!("{}%", group(a.ltv_change_pct, 1))
            },
        ]);
    }
    if b.drivers.is_empty() {
        text.push_str("no driver could be compared across channels or cohorts (see below)\n");
    } else {
        text.push_str(&table.render());
    }
    if let Some(top) = b.drivers.first() {
        text.push_str(&format!(
            "evidence: {}\nwhat to try: {}\n",
            top.evidence, top.recommendation
        ));
    }
    for line in b.not_assessed_lines(lang) {
        text.push_str(&format!("not assessed: {line}\n"));
    }
    text.push_str("\nStandard steps (secondary: the step sizes decide this order)\n");
    let mut steps = Table::new(["move", "LTV after", "LTV change", "LTV/CAC after"]);
    for l in &r.sensitivity.drivers {
        steps.push([
            format!("{} {}", l.driver.label(), l.change),
            c.format(l.ltv_after),
            format!("{}%", group(l.ltv_change_pct, 1)),
            l.ratio_after.map_or_else(|| "-".into(), |x| group(x, 2)),
        ]);
    }
    text.push_str(&steps.render());
    text
}
