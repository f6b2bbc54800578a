//! `ltv cac`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::money;
use serde::Serialize;

use crate::args::{CacArgs, Format};
use crate::error;
use crate::output::{self, KvTable};

#[derive(Serialize)]
struct CacReport {
    marketing: ltv_core::Decimal,
    sales: ltv_core::Decimal,
    new_customers: u64,
    cac: ltv_core::Decimal,
}

pub fn run(args: &CacArgs, out: &mut dyn Write) -> Result<()> {
    let cac = ltv_core::cac(args.marketing, args.sales, args.new_customers)
        .map_err(error::core)?
        .normalize();
    let report = CacReport {
        marketing: args.marketing,
        sales: args.sales,
        new_customers: args.new_customers,
        cac,
    };
    let text = match args.format.format {
        Format::Json => output::json(&report)?,
        Format::Text => KvTable::new("CAC = (marketing + sales cost) ÷ new customers")
            .row("marketing cost", money(report.marketing))
            .row("sales cost", money(report.sales))
            .row("new customers", report.new_customers.to_string())
            .row("CAC", money(report.cac))
            .render(),
    };
    output::write(out, &text)
}
