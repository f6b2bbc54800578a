//! `ltv calc <model>`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::money;
use ltv_core::{CalcReport, Ecommerce, General, LtvModel, Profit, Revenue, Subscription};

use crate::args::{CalcModel, Format};
use crate::error;
use crate::output::{self, KvTable};

pub fn run(model: CalcModel, out: &mut dyn Write) -> Result<()> {
    let (model, format) = request(model);
    let report = model.evaluate().map_err(error::core)?;
    let text = match format {
        Format::Json => output::json(&report)?,
        Format::Text => render(&report),
    };
    output::write(out, &text)
}

/// Flags → the library's model; validation is the library's.
fn request(model: CalcModel) -> (LtvModel, Format) {
    match model {
        CalcModel::Subscription(a) => (
            LtvModel::Subscription(Subscription {
                arpu: a.arpu,
                churn: a.churn,
                margin: a.margin,
                discount_rate: a.discount_rate,
                horizon: a.horizon,
                cac: a.cac,
            }),
            a.format.format,
        ),
        CalcModel::General(a) => (
            LtvModel::General(General {
                price: a.price,
                margin: a.margin,
                frequency: a.frequency,
                lifespan: a.lifespan,
                cac: a.cac,
            }),
            a.format.format,
        ),
        CalcModel::Revenue(a) => (
            LtvModel::Revenue(Revenue {
                price: a.price,
                frequency: a.frequency,
                lifespan: a.lifespan,
                cac: a.cac,
            }),
            a.format.format,
        ),
        CalcModel::Profit(a) => (
            LtvModel::Profit(Profit {
                price: a.price,
                frequency: a.frequency,
                lifespan: a.lifespan,
                margin: a.margin,
                cac: a.cac,
                retention_cost: a.retention_cost,
            }),
            a.format.format,
        ),
        CalcModel::Ecommerce(a) => (
            LtvModel::Ecommerce(Ecommerce {
                aov: a.aov,
                frequency: a.frequency,
                lifespan: a.lifespan,
                cac: a.cac,
            }),
            a.format.format,
        ),
    }
}

fn render(report: &CalcReport) -> String {
    let (title, mut table) = match &report.model {
        LtvModel::Subscription(s) => {
            let mut t = KvTable::new("");
            t.row("ARPU", money(s.arpu))
                .row("gross margin", s.margin.normalize().to_string())
                .row("churn per period", s.churn.normalize().to_string());
            if !s.discount_rate.is_zero() {
                t.row("discount rate", s.discount_rate.normalize().to_string());
            }
            match s.horizon {
                Some(h) => t.row("horizon", format!("{h} periods")),
                None => t.row("horizon", "unlimited"),
            };
            if let Some(life) = report.expected_lifetime {
                t.row("expected lifetime", format!("{} periods", money(life)));
            }
            ("Subscription LTV = ARPU × margin ÷ churn", t)
        }
        LtvModel::General(g) => {
            let mut t = KvTable::new("");
            t.row("average purchase value", money(g.price))
                .row("gross margin", g.margin.normalize().to_string())
                .row("purchases per period", g.frequency.normalize().to_string())
                .row("lifespan", format!("{} periods", g.lifespan.normalize()));
            ("General LTV = price × margin × frequency × lifespan", t)
        }
        LtvModel::Revenue(r) => {
            let mut t = KvTable::new("");
            t.row("average purchase value", money(r.price))
                .row("purchases per period", r.frequency.normalize().to_string())
                .row("lifespan", format!("{} periods", r.lifespan.normalize()));
            ("Revenue-based LTV = price × frequency × lifespan", t)
        }
        LtvModel::Profit(p) => {
            let mut t = KvTable::new("");
            t.row("average purchase value", money(p.price))
                .row("purchases per period", p.frequency.normalize().to_string())
                .row("lifespan", format!("{} periods", p.lifespan.normalize()))
                .row("gross margin", p.margin.normalize().to_string())
                .row("retention cost", money(p.retention_cost));
            (
                "Profit-based LTV = price × frequency × lifespan × margin − (CAC + retention cost)",
                t,
            )
        }
        LtvModel::Ecommerce(e) => {
            let mut t = KvTable::new("");
            t.row("average order value", money(e.aov))
                .row("orders per year", e.frequency.normalize().to_string())
                .row("lifespan", format!("{} years", e.lifespan.normalize()));
            (
                "E-commerce LTV = AOV × orders per year × lifespan in years",
                t,
            )
        }
    };
    table.row("LTV", money(report.ltv));
    let unit = match report.model {
        LtvModel::Ecommerce(_) => "years",
        _ => "periods",
    };
    if let (Some(cac), Some(ratio), Some(band)) =
        (report.model.cac(), report.ltv_cac_ratio, report.band)
    {
        table.row("CAC", money(cac)).note(
            "LTV/CAC",
            money(ratio),
            band.describe(ltv_core::Lang::En),
        );
        match report.payback_periods {
            Some(p) => table.row("CAC payback", format!("{} {unit}", money(p))),
            None => table.row("CAC payback", "never (nothing earned per period)"),
        };
    }
    let body = table.render();
    format!("{title}\n{}", body.trim_start_matches('\n'))
}
